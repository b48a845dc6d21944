"""Kinds that check legal bases, legitimate interests and retention in the statement (POL004, POL005, POL007)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from privacygap.checks.kinds import CheckContext, Hit, kind
from privacygap.models import Confidence, Evidence, Severity


def _stable_key(prefix: str, text: str) -> str:
    """A fingerprint key from text (offsets change with every edit above; the text itself does not)."""
    return f"{prefix}:{hashlib.sha256(' '.join(text.split()).lower().encode()).hexdigest()[:16]}"


@kind("statement_legal_basis_missing")
def statement_legal_basis_missing(ctx: CheckContext, params: dict) -> Iterable[Hit]:
    """Hits for a statement without any legal basis, for processing sections without one, and for "a oder f" alternatives."""
    assert ctx.statement is not None
    statement = ctx.statement
    if not statement.elements.get("legal_basis"):
        yield Hit(values={"problem_de": "nennt keine Rechtsgrundlage", "problem_en": "names no legal basis at all"},
                  evidence=(Evidence("statement_element", {"element": "legal_basis", "present": False}),),
                  key="legal_basis")
        return
    limit = int(params.get("max_sections", 10))
    for section in list(statement.signals.get("sections_without_legal_basis") or ())[:limit]:
        yield Hit(values={"problem_de": f"nennt für den Abschnitt „{section}“ keine Rechtsgrundlage",
                          "problem_en": f"names no legal basis for the section '{section}'"},
                  evidence=(Evidence("section", {"section": section}),), key=f"section:{section}",
                  confidence=Confidence.MEDIUM)
    for quote in list(statement.signals.get("alternative_legal_bases") or ())[:limit]:
        yield Hit(values={"problem_de": "nennt Rechtsgrundlagen als Alternativen („a oder f“)",
                          "problem_en": "names legal bases as alternatives ('a or f')"},
                  evidence=(Evidence("quote", {"text": quote.get("text"), "section": quote.get("section") or None}),),
                  key=_stable_key("alternative", quote.get("text", "")))


@kind("statement_legitimate_interest_unnamed")
def statement_legitimate_interest_unnamed(ctx: CheckContext, params: dict) -> Iterable[Hit]:
    """One hit per processing section that cites Art. 6(1)(f) but states no concrete interest."""
    assert ctx.statement is not None
    statement = ctx.statement
    sections = list(statement.signals.get("lit_f_without_interest") or ())
    if sections:
        for section in sections[: int(params.get("max_sections", 10))]:
            yield Hit(values={"section": section}, evidence=(Evidence("section", {"section": section}),),
                      key=f"section:{section}")
        return
    if statement.signals.get("lit_f_cited") and not statement.elements.get("legitimate_interest_named"):
        yield Hit(values={"section": "—"}, evidence=(Evidence("statement_element", {
            "element": "legitimate_interest_named", "present": False}),), key="legitimate_interest_named")


def _generic_only_sections(statement) -> Iterable[Hit]:
    """Sections whose only retention wording is generic, although other sections give periods.

    A statement that names "7 days" for log files but "as long as necessary" for the
    contact form still leaves the contact-form data without a period (WP260 Annex).
    """
    with_period = {q.get("section") for q in statement.signals.get("retention_periods") or ()}
    seen: set[str] = set()
    for quote in statement.signals.get("retention_generic_quotes") or ():
        section = quote.get("section") or ""
        if section in with_period or section in seen:
            continue
        seen.add(section)
        yield Hit(values={"problem_de": f"nennt im Abschnitt „{section}“ nur eine allgemeine Formel",
                          "problem_en": f"only uses generic wording in the section '{section}'"},
                  evidence=(Evidence("quote", {"text": quote.get("text"), "section": section or None}),),
                  key=f"retention:{section}")


@kind("statement_retention_missing")
def statement_retention_missing(ctx: CheckContext, params: dict) -> Iterable[Hit]:
    """One hit when no period or end event is given; the message says whether only generic phrases exist."""
    assert ctx.statement is not None
    statement = ctx.statement
    if statement.elements.get("retention"):
        if params.get("per_section", True):
            yield from _generic_only_sections(statement)
        return
    generic = list(statement.signals.get("retention_generic_quotes") or ())
    if generic:
        quote = generic[0]
        yield Hit(values={"problem_de": "nennt nur allgemeine Formeln („so lange wie erforderlich“)",
                          "problem_en": "only uses generic wording ('as long as necessary')"},
                  evidence=(Evidence("quote", {"text": quote.get("text"), "section": quote.get("section") or None}),),
                  key="retention")
        return
    yield Hit(values={"problem_de": "sagt nichts zur Speicherdauer", "problem_en": "says nothing about retention"},
              evidence=(Evidence("statement_element", {"element": "retention", "present": False}),),
              key="retention", severity=Severity(params.get("severity_absent", "medium")))
