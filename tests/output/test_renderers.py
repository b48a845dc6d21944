"""The renderers: schema validity, escaping, the management report's content, every format."""

from __future__ import annotations

import json

from bs4 import BeautifulSoup

from privacygap.output import render
from privacygap.output.html import CSP, render_html, safe_url
from privacygap.output.json import validate_report
from privacygap.output.view import build_view

from .sample_run import sample_run


def test_sample_run_is_valid_against_the_published_schema():
    assert validate_report(sample_run()) == []


def test_schema_rejects_a_report_without_errors_list():
    run = sample_run()
    del run["errors"]
    assert any("errors" in problem for problem in validate_report(run))


def test_html_escapes_every_crawled_string_and_carries_csp():
    html = render_html(sample_run(), "de")
    meta = BeautifulSoup(html, "lxml").find("meta", attrs={"http-equiv": "Content-Security-Policy"})
    assert meta is not None and meta["content"] == CSP
    assert "<script>" not in html and "&lt;script&gt;alert(3)&lt;/script&gt;" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(2)&gt;" in html
    assert "<b>Einstellungen</b>" not in html
    assert 'href="javascript:' not in html


def test_html_opens_with_verdict_actions_and_matrix_in_german():
    html = render_html(sample_run(), "de")
    assert 'lang="de"' in html and "Hinweis, keine Rechtsberatung" in html
    # red light, also as text (colour is never the only signal)
    assert 'class="light light-red"' in html and ">Rot<" in html
    assert "Ihr CRM speichert 3 Arten personenbezogener Daten" in html
    order = [html.index(s) for s in ("h-verdict", "h-todo", "h-gap", "h-banner", "h-findings", "h-method")]
    assert order == sorted(order)
    # the denied-but-stored category is first in the matrix and links to its finding
    view = build_view(sample_run(), "de")
    assert [r.key for r in view.matrix[:1]] == ["user.health_and_medical"]
    assert view.matrix[0].status == "denied" and view.matrix[0].special
    assert 'href="#f-1111111111111111"' in html
    assert "wird ███ Vater" in html


def test_html_in_english_and_the_three_actions():
    html = render_html(sample_run(), "en")
    assert "Indication, not legal advice" in html and ">Red<" in html
    view = build_view(sample_run(), "en")
    assert [a.severity for a in view.actions] == ["critical", "high"]
    assert "Gesundheit" in view.actions[0].detail


def test_screenshot_only_embeds_png(tmp_path):
    run = sample_run()
    bogus = tmp_path / "banner.png"
    bogus.write_text("<svg onload=alert(1)>")
    run["consent"]["screenshot"] = str(bogus)
    assert build_view(run, "de").screenshot is None
    run["consent"]["screenshot"] = "data:text/html;base64,PHNjcmlwdD4="
    assert build_view(run, "de").screenshot is None


def test_safe_url_allows_only_http():
    assert safe_url("https://a.example/x") == "https://a.example/x"
    assert safe_url("javascript:alert(1)") is None
    assert safe_url(" data:text/html,x") is None


def test_text_markdown_sarif_and_json():
    run = sample_run()
    text = render(run, "text", lang="en")
    assert "\nCritical (1)\n  CRM002 (1) Special-category field (Art. 9/10) in the CRM schema\n" in text and " Red " in text
    markdown = render(run, "markdown", lang="de")
    assert "| Hobbys" not in markdown  # field labels appear only escaped in evidence lines
    assert "\\<script\\>" in markdown and "<script>" not in markdown
    sarif = json.loads(render(run, "sarif"))
    results = sarif["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == ["CRM002", "CRM001"]
    assert results[0]["level"] == "error"
    assert results[0]["partialFingerprints"]["privacygap/v1"] == "sha256:1111111111111111"
    assert results[0]["locations"][0]["logicalLocations"] == [{"name": "contact.gesundheit", "kind": "member"}]
    assert json.loads(render(run, "json")) == run


def test_control_characters_never_reach_any_output():
    run = sample_run()
    run["findings"][1]["message"] = "Feld x\x1b[31mRED\x1b]0;title\x07 und \x9b2J"
    run["inventory"]["fields"][0]["label"] = "L\x1b[2J"
    for fmt in ("text", "markdown", "html"):
        rendered = render(run, fmt, lang="de")
        assert "\x1b" not in rendered and "\x07" not in rendered and "\x9b" not in rendered, fmt
        assert "\\x1b[31mRED" in rendered.replace("\\\\", "\\").replace("\\[", "["), fmt
    from privacygap.output.inventory import render_inventory_text

    assert "\x1b" not in render_inventory_text(run["inventory"])


def test_field_reasons_in_german():
    from privacygap.output.view import reason_text

    assert reason_text("label 'Hobbys' → private interests", "user.demographic.interests", "de") == \
        "Bezeichnung „Hobbys“ → private Interessen, Hobbys, Sport, Vereine"
    assert reason_text("HubSpot standard field 'hubspotscore' → scoring", "user.behavior.scoring", "de").startswith(
        "HubSpot-Standardfeld „hubspotscore“ → Bewertung")
    assert reason_text("label 'Hobbys' → private interests", "user.demographic.interests", "en") == \
        "label 'Hobbys' → private interests"
    assert reason_text("vendor flag xyz", None, "de") == "vendor flag xyz"
