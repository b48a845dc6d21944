"""One parametrised runner over every check's pass and fail cases (checks/<FAM>/<ID>-<slug>/*.yaml)."""

from __future__ import annotations

import pytest

from privacygap.checks.catalog import load_catalog
from privacygap.checks.engine import run_check

from .caseload import build_context, load_case

CASES = [(spec, path) for spec in load_catalog().values() for path in spec.cases()]


def _matches(expected: dict, finding) -> bool:
    if "category" in expected and finding.category != expected["category"]:
        return False
    if "severity" in expected and finding.severity.value != expected["severity"]:
        return False
    if "message_contains" in expected and expected["message_contains"] not in finding.message:
        return False
    if "confidence" in expected and finding.confidence.value != expected["confidence"]:
        return False
    if "needs_human_review" in expected and finding.needs_human_review != expected["needs_human_review"]:
        return False
    for wanted in expected.get("evidence", []):
        if not any(e.kind == wanted.get("kind", e.kind)
                   and all(e.attrs.get(k) == v for k, v in wanted.items() if k != "kind")
                   for e in finding.evidence):
            return False
    return True


@pytest.mark.parametrize("spec,path", CASES, ids=[f"{s.id}/{p.stem}" for s, p in CASES])
def test_check_case(spec, path):
    case = load_case(path)
    ctx = build_context(case["input"])
    missing = [need for need in spec.inputs if not ctx.has(need)]
    assert not missing, f"case lacks inputs {missing}"
    findings = run_check(spec, ctx, lang=case.get("lang", "en"))
    expected = case["expect"]["findings"]
    if path.name.startswith("pass-"):
        assert expected == [], "a pass case expects no findings"
    else:
        assert expected, "a fail case expects at least one finding"
    unmatched = list(findings)
    for want in expected:
        match = next((f for f in unmatched if _matches(want, f)), None)
        assert match is not None, f"expected {want}, got {[(f.category, f.message) for f in findings]}"
        unmatched.remove(match)
    assert not unmatched, f"unexpected findings: {[(f.category, f.message, [e.to_json() for e in f.evidence]) for f in unmatched]}"


def test_every_check_has_pass_and_fail_cases():
    for spec in load_catalog().values():
        names = [p.name for p in spec.cases()]
        assert any(n.startswith("pass-") for n in names), f"{spec.id} has no pass case"
        assert any(n.startswith("fail-") for n in names), f"{spec.id} has no fail case"
