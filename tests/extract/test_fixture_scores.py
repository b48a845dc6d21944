"""Score the statement stage on the repository's own labelled statements and gate on pinned floors.

The fixtures (``fixtures/*.{md,html,txt,astro}`` with ``fixtures/gold.json``) are texts
written for this project; ``floors.json`` holds the minimum scores, which may only rise.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from privacygap.extract.evaluate import evaluate_statements, format_evaluation, score_keys

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures"


@pytest.fixture(scope="module")
def result():
    return evaluate_statements(FIXTURES, FIXTURES / "gold.json")


def test_every_fixture_is_scored(result):
    gold = json.loads((FIXTURES / "gold.json").read_text(encoding="utf-8"))
    assert result["documents_scored"] == len(gold) >= 12
    languages = {doc["language"] for doc in gold}
    suffixes = {p.suffix for p in FIXTURES.iterdir() if p.name != "gold.json"}
    assert languages == {"de", "en"}
    assert {".md", ".html", ".txt"} <= suffixes


def test_scores_meet_the_floors(result):
    floors = json.loads((HERE / "floors.json").read_text(encoding="utf-8"))
    report = format_evaluation(result)
    assert result["micro"]["precision"] >= floors["declared_precision"], report
    assert result["micro"]["recall"] >= floors["declared_recall"], report
    assert result["negated"]["recall"] >= floors["negated_recall"], report
    assert result["elements"]["accuracy"] >= floors["element_accuracy"], report


def test_gold_quotes_are_verbatim_in_the_fixtures():
    gold = json.loads((FIXTURES / "gold.json").read_text(encoding="utf-8"))
    for doc in gold:
        path = next(p for p in FIXTURES.iterdir() if p.stem == doc["id"])
        text = path.read_text(encoding="utf-8")
        for claim in doc["declared"] + doc["negated"]:
            assert claim["quote"] in text, (doc["id"], claim["quote"])


def test_scoring_rule_accepts_more_specific_keys_only():
    # user.contact.email matches gold user.contact; user.demographic does not match gold user.demographic.gender.
    assert score_keys({"user.contact.email"}, {"user.contact"}) == (1, 1, 1, 1)
    assert score_keys({"user.demographic"}, {"user.demographic.gender"}) == (0, 1, 0, 1)


def test_report_names_figures_and_speed(result):
    report = format_evaluation(result)
    assert "declared categories (micro): P" in report
    assert "statements/s" in report
    assert "user.contact.email" in report
