"""Kinds about third-country transfers and indirectly obtained data (POL010, POL012)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from privacygap.checks.kinds import CheckContext, Hit, kind
from privacygap.extract.vendors import lookup
from privacygap.models import Evidence, Severity


def _third_country_vendors(ctx: CheckContext) -> list[str]:
    """Vendors outside the EEA that the statement names or the CRM export comes from."""
    assert ctx.statement is not None
    names: list[str] = []
    candidates = list(ctx.statement.vendors) + (list(ctx.inventory.crm_vendors) if ctx.inventory else [])
    for name in candidates:
        vendor = lookup(name)
        if vendor and vendor.region in ("us", "other") and vendor.name not in names:
            names.append(vendor.name)
    return names


@kind("statement_transfer_information")
def statement_transfer_information(ctx: CheckContext, params: dict) -> Iterable[Hit]:
    """Hits for an obsolete Privacy Shield reference, third-country vendors without DPF/SCC/adequacy wording,
    and SCCs without a way to obtain a copy."""
    assert ctx.statement is not None
    signals = ctx.statement.signals
    shield = signals.get("privacy_shield")
    if shield:
        yield Hit(values={"problem_de": "beruft sich auf den ungültigen „Privacy Shield“ (EuGH C-311/18)",
                          "problem_en": "relies on the invalid 'Privacy Shield' (CJEU C-311/18)"},
                  evidence=(Evidence("quote", {"text": shield.get("text"), "section": shield.get("section") or None}),),
                  key="privacy_shield")
    vendors = _third_country_vendors(ctx)
    instrument = signals.get("dpf") or signals.get("scc") or signals.get("adequacy")
    if vendors and not instrument:
        listed = ", ".join(vendors[:8])
        yield Hit(values={"problem_de": f"nennt Anbieter außerhalb des EWR ({listed}), aber weder DPF, Standardvertragsklauseln noch Angemessenheitsbeschluss",
                          "problem_en": f"names vendors outside the EEA ({listed}) but neither the DPF, SCCs nor an adequacy decision"},
                  evidence=tuple(Evidence("vendor", {"name": v}) for v in vendors[:8]), key="no_transfer_instrument")
    if signals.get("scc") and not signals.get("scc_copy_route") and params.get("check_scc_copy", True):
        yield Hit(values={"problem_de": "nennt Standardvertragsklauseln, aber nicht, wie man eine Kopie erhält",
                          "problem_en": "mentions SCCs but not how to obtain a copy"},
                  evidence=(Evidence("statement_element", {"element": "scc_copy_route", "present": False}),),
                  key="scc_copy", severity=Severity.LOW)


_INDIRECT = re.compile(
    r"lead_?source|leadsource|data_?source|quelle|herkunft|enrich|clearbit|zoominfo|apollo|lusha|cognism|dealfront|"
    r"echobot|purchased|gekauft|adresshändler|list ?import|listbroker|referral|empfehlung|scrap|messe|trade ?show|"
    r"linkedin|xing|sales ?navigator|handelsregister|imported", re.I)
_SELF = re.compile(r"web ?form|formular|website|inbound|self|direkt|direct|newsletter", re.I)


def indirect_source_fields(ctx: CheckContext) -> list[tuple[str, str]]:
    """(field path, why) for CRM fields that show data obtained from someone other than the data subject."""
    assert ctx.inventory is not None
    found: list[tuple[str, str]] = []
    for field in ctx.inventory.fields:
        values = [v for v in field.picklist if _INDIRECT.search(v) and not _SELF.fullmatch(v.strip())]
        if values:
            found.append((field.path, f"values {', '.join(values[:3])}"))
            continue
        described = " ".join([field.name, field.label, field.description])
        if re.search(r"enrich|clearbit|zoominfo|lusha|cognism|apollo|dealfront|echobot|purchased|gekauft|list_?import",
                     described, re.I):
            found.append((field.path, f"field '{field.label or field.name}'"))
        elif field.flags.get("source") in ("list", "enrichment", "referral", "scraping", "import"):
            found.append((field.path, f"source {field.flags['source']}"))
    return found


@kind("statement_art14_missing")
def statement_art14_missing(ctx: CheckContext, params: dict) -> Iterable[Hit]:
    """Hits when the CRM holds indirectly obtained data and the statement lacks the source or the categories."""
    assert ctx.statement is not None and ctx.inventory is not None
    fields = indirect_source_fields(ctx)
    # Notes such as "contact from a bought address list" show indirect data as well.
    notes = [n for n in ctx.inventory.notes if "third_party_source" in n.kinds]
    if not fields and not notes:
        return
    evidence = tuple(Evidence("crm_field", {"object": path.split(".", 1)[0], "name": path.split(".", 1)[1], "reason": why})
                     for path, why in fields[:5])
    evidence += tuple(Evidence("crm_note", {"record": n.record, "snippet": n.snippet}) for n in notes[:3])
    statement = ctx.statement
    if not statement.elements.get("source_of_data"):
        yield Hit(values={"missing_de": "die Quelle der Daten (und ob sie öffentlich zugänglich ist)",
                          "missing_en": "the source of the data (and whether it is publicly accessible)"},
                  evidence=evidence, key="source_of_data")
    if not statement.signals.get("categories_listed", bool(statement.declared)):
        yield Hit(values={"missing_de": "die Kategorien der verarbeiteten Daten",
                          "missing_en": "the categories of the data processed"},
                  evidence=evidence, key="categories")
