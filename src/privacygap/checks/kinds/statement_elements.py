"""Kinds that check the Art. 13/14 elements of the statement itself (POL002, POL003, POL008, POL009)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from privacygap.checks.kinds import CheckContext, Hit, kind
from privacygap.models import Evidence, Quote, Statement


def element_evidence(statement: Statement, element: str) -> tuple[Evidence, ...]:
    """Evidence for an element: the quote behind it when there is one, else the element's absence."""
    quote = statement.element_quotes.get(element)
    if isinstance(quote, Quote) and quote.text:
        return (Evidence("quote", {"text": quote.text, "section": quote.section or None}),)
    return (Evidence("statement_element", {"element": element, "present": bool(statement.elements.get(element))}),)


def _policy(ctx: CheckContext) -> Statement:
    assert ctx.statement is not None
    return ctx.statement


@kind("statement_controller_missing")
def statement_controller_missing(ctx: CheckContext, params: dict) -> Iterable[Hit]:
    """One hit when the statement names no controller with a postal address (or only placeholders)."""
    statement = _policy(ctx)
    if statement.elements.get("controller_identity"):
        return
    details: dict[str, Any] = dict(statement.signals.get("controller") or {})
    if details.get("placeholder"):
        reason_de, reason_en = "nur Platzhalter statt Name und Anschrift", "only placeholders instead of name and address"
    elif details.get("email") or details.get("phone"):
        reason_de, reason_en = "nur E-Mail oder Telefon, keine Postanschrift", "only e-mail or phone, no postal address"
    else:
        reason_de, reason_en = "keinen Verantwortlichen mit Anschrift", "no controller with an address"
    yield Hit(values={"reason_de": reason_de, "reason_en": reason_en},
              evidence=(Evidence("statement_element", {"element": "controller_identity", "present": False,
                                                       "placeholder": bool(details.get("placeholder"))}),),
              key="controller_identity")


@kind("statement_dpo_missing")
def statement_dpo_missing(ctx: CheckContext, params: dict) -> Iterable[Hit]:
    """One hit when a DPO is appointed or required (facts) and the statement gives no DPO contact.

    Required means ``facts.employees`` at or above ``params.min_employees`` (default 20,
    § 38(1) BDSG) or ``facts.dpo_appointed`` true. Without either fact nothing is claimed.
    """
    statement = _policy(ctx)
    if statement.elements.get("dpo_contact"):
        return
    appointed = ctx.facts.get("dpo_appointed")
    employees = ctx.facts.get("employees")
    threshold = int(params.get("min_employees", 20))
    required = isinstance(employees, (int, float)) and employees >= threshold
    if not appointed and not required:
        return
    why_de = "ein DSB benannt ist" if appointed else f"{employees} Beschäftigte Daten verarbeiten (Pflicht ab {threshold})"
    why_en = "a DPO is appointed" if appointed else f"{employees} staff process data (required from {threshold})"
    evidence = [Evidence("fact", {"name": "dpo_appointed" if appointed else "employees",
                                  "value": appointed if appointed else employees})]
    dpo = statement.signals.get("dpo") or {}
    if dpo.get("not_required_stated"):
        why_de += "; die Erklärung behauptet, es sei keiner nötig"
        why_en += "; the statement claims none is required"
    yield Hit(values={"why_de": why_de, "why_en": why_en}, evidence=tuple(evidence), key="dpo_contact")


RIGHT_NAMES = {  # completes "das Recht auf …" / "the right to …"
    "access": ("Auskunft (Art. 15)", "access (Art. 15)"),
    "rectification": ("Berichtigung (Art. 16)", "rectification (Art. 16)"),
    "erasure": ("Löschung (Art. 17)", "erasure (Art. 17)"),
    "restriction": ("Einschränkung der Verarbeitung (Art. 18)", "restriction of processing (Art. 18)"),
    "portability": ("Datenübertragbarkeit (Art. 20)", "data portability (Art. 20)"),
    "objection": ("Widerspruch (Art. 21)", "object (Art. 21)"),
    "withdrawal": ("Widerruf einer Einwilligung (Art. 7 Abs. 3)", "withdraw consent (Art. 7(3))"),
    "complaint": ("Beschwerde bei einer Aufsichtsbehörde (Art. 77)", "lodge a complaint with a supervisory authority (Art. 77)"),
}


@kind("statement_rights_incomplete")
def statement_rights_incomplete(ctx: CheckContext, params: dict) -> Iterable[Hit]:
    """One hit per data-subject right (of eight) the statement does not mention.

    ``params.skip``: rights not to check (e.g. ``withdrawal`` where nothing rests on consent).
    """
    statement = _policy(ctx)
    rights = statement.signals.get("rights")
    if not isinstance(rights, dict):  # a statement given as data without signals: fall back to elements
        rights = {"access": statement.elements.get("rights_access_etc", False),
                  "objection": statement.elements.get("right_to_object", False),
                  "withdrawal": statement.elements.get("withdraw_consent", False),
                  "complaint": statement.elements.get("complaint_authority", False)}
    skip = set(params.get("skip", ()))
    for right, (name_de, name_en) in RIGHT_NAMES.items():
        if right in skip or right not in rights or rights[right]:
            continue
        yield Hit(values={"right_de": name_de, "right_en": name_en},
                  evidence=(Evidence("statement_element", {"element": f"right.{right}", "present": False}),),
                  key=right)


@kind("statement_objection_not_separate")
def statement_objection_not_separate(ctx: CheckContext, params: dict) -> Iterable[Hit]:
    """One hit when direct marketing or legitimate interests are processed but the Art. 21 objection is not its own block."""
    statement = _policy(ctx)
    if statement.elements.get("objection_direct_marketing_separate"):
        return
    marketing = bool(statement.signals.get("direct_marketing_mentioned"))
    legitimate = bool(statement.elements.get("legitimate_interest_named")) or bool(statement.signals.get("lit_f_cited"))
    if not (marketing or legitimate):
        return
    context_de = "Direktwerbung" if marketing else "berechtigte Interessen"
    context_en = "direct marketing" if marketing else "legitimate interests"
    evidence = element_evidence(statement, "right_to_object") if statement.elements.get("right_to_object") else (
        Evidence("statement_element", {"element": "right_to_object", "present": False}),)
    yield Hit(values={"context_de": context_de, "context_en": context_en,
                      "mentioned_de": "nur im Fließtext erwähnt" if statement.elements.get("right_to_object") else "gar nicht genannt",
                      "mentioned_en": "only mentioned in passing" if statement.elements.get("right_to_object") else "not mentioned at all"},
              evidence=evidence, key="objection_direct_marketing_separate")
