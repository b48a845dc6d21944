"""Kinds that compare the categories a CRM stores with what the statement declares or denies."""

from __future__ import annotations

from collections.abc import Iterable

from privacygap import taxonomy
from privacygap.checks.kinds import CheckContext, Hit, kind, localised
from privacygap.models import Confidence, CrmField, Evidence, Inventory, NoteHit


def field_evidence(field: CrmField) -> Evidence:
    """Evidence naming a CRM field by its metadata (never its values)."""
    return Evidence("crm_field", {"object": field.object, "name": field.name, "label": field.label or None,
                                  "type": field.type or None, "reason": field.reason or None})


def note_evidence(note: NoteHit) -> Evidence:
    """Evidence naming a note by its hashed record id and redacted snippet."""
    return Evidence("crm_note", {"record": note.record, "snippet": note.snippet})


def counted(count: int, de: tuple[str, str], en: tuple[str, str]) -> dict[str, str]:
    """'1 Rolle' / '4 Rollen' as a message value: a number with the noun in singular or plural."""
    index = 0 if count == 1 else 1
    return localised(f"{count} {de[index]}", f"{count} {en[index]}")


def notes_phrase(count: int) -> dict[str, str]:
    """'1 Notiz' / '3 Notizen' and '1 note' / '3 notes' as a message value."""
    return counted(count, ("Notiz", "Notizen"), ("note", "notes"))


def holders(names: list[str], notes: int) -> dict[str, str]:
    """The fields (by label or path) and the number of notes that hold a category, for a message.

    Notes have no label worth showing, so they are counted instead of listed one by one.
    """
    if not notes:
        return localised(", ".join(names), ", ".join(names))
    counted = notes_phrase(notes)
    return localised(", ".join([*names, counted["de"]]), ", ".join([*names, counted["en"]]))


def _min_confidence(params: dict) -> int:
    return Confidence(params.get("min_confidence", "medium")).rank


def stored_evidence(inventory: Inventory, params: dict) -> dict[str, list[Evidence]]:
    """Stored reported categories with the fields (then notes) that hold them."""
    threshold = _min_confidence(params)
    by_category: dict[str, list[Evidence]] = {}
    for field in inventory.fields:
        if field.category and taxonomy.is_reported(field.category) and field.confidence.rank >= threshold:
            by_category.setdefault(field.category, []).append(field_evidence(field))
    if params.get("include_notes", True):
        for note in inventory.notes:
            for category in note.categories:
                if taxonomy.is_reported(category):
                    by_category.setdefault(category, []).append(note_evidence(note))
    return by_category


@kind("category_undisclosed")
def category_undisclosed(ctx: CheckContext, params: dict) -> Iterable[Hit]:
    """One hit per stored category that no declared category covers (coverage rule)."""
    assert ctx.inventory is not None and ctx.statement is not None
    declared = ctx.statement.declared_keys()
    for category, evidence in sorted(stored_evidence(ctx.inventory, params).items()):
        if taxonomy.covering(declared, category):
            continue
        shown = evidence[:5]
        names = [e.attrs.get("label") or e.attrs.get("name") for e in shown if e.kind == "crm_field"]
        yield Hit(category=category,
                  values={"fields": holders([n for n in names if n], sum(e.kind == "crm_note" for e in shown)),
                          "count": len(evidence)},
                  evidence=tuple(evidence[:10]), key=category)


@kind("special_category_field")
def special_category_field(ctx: CheckContext, params: dict) -> Iterable[Hit]:
    """One hit per CRM field whose category is an Art. 9/10 special category."""
    assert ctx.inventory is not None
    threshold = Confidence(params.get("min_confidence", "low")).rank
    for field in ctx.inventory.fields:
        if field.category and taxonomy.is_special(field.category) and field.confidence.rank >= threshold:
            yield Hit(category=field.category, values={"field": field.path, "label": field.label or field.name},
                      evidence=(field_evidence(field),), key=field.path,
                      confidence=field.confidence if field.confidence.rank < Confidence.HIGH.rank else None)


@kind("denied_category_stored")
def denied_category_stored(ctx: CheckContext, params: dict) -> Iterable[Hit]:
    """One hit per stored category that a negated statement ('we do not collect …') covers."""
    assert ctx.inventory is not None and ctx.statement is not None
    stored = stored_evidence(ctx.inventory, params)
    for claim in ctx.statement.negated:
        for category, evidence in sorted(stored.items()):
            if not taxonomy.covers(claim.category, category):
                continue
            quote = [Evidence("quote", {"text": q.text, "section": q.section or None}) for q in claim.quotes[:1]]
            yield Hit(category=category,
                      values={"denied": localised(taxonomy.name(claim.category, "de"), taxonomy.name(claim.category, "en")),
                              "quote": claim.quotes[0].text if claim.quotes else ""},
                      evidence=tuple(evidence[:5]) + tuple(quote), key=category)


@kind("crm_vendor_unnamed")
def crm_vendor_unnamed(ctx: CheckContext, params: dict) -> Iterable[Hit]:
    """One hit per CRM product the export comes from that the statement does not name."""
    assert ctx.inventory is not None and ctx.statement is not None
    named = {v.casefold() for v in ctx.statement.vendors}
    text = ctx.statement.text.casefold()
    for vendor in ctx.inventory.crm_vendors:
        if vendor.casefold() in named or (text and vendor.casefold() in text):
            continue
        sources = [s for s in ctx.inventory.sources if s.crm == vendor]
        yield Hit(values={"vendor": vendor},
                  evidence=tuple(Evidence("crm_export", {"path": s.path, "format": s.format}) for s in sources[:3]),
                  key=vendor.casefold())


CONTACT_CATEGORIES = ("user.name", "user.contact")


@kind("crm_section_missing")
def crm_section_missing(ctx: CheckContext, params: dict) -> Iterable[Hit]:
    """One hit when the CRM holds contact data but the statement has no CRM/sales section."""
    assert ctx.inventory is not None and ctx.statement is not None
    if ctx.statement.elements.get("crm_or_sales_section"):
        return
    contact_fields = [f for f in ctx.inventory.fields
                      if f.category and any(f.category == c or f.category.startswith(c + ".") for c in CONTACT_CATEGORIES)]
    if not contact_fields:
        return
    yield Hit(values={"count": len(contact_fields),
                      "field_count": counted(len(contact_fields), ("Feld", "Felder"), ("field", "fields"))},
              evidence=tuple(field_evidence(f) for f in contact_fields[:5]), key="crm_or_sales_section")
