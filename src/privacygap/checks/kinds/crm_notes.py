"""Kinds over the note hits of the inventory (CRM003 special categories, CRM004 private life and
judgmental remarks, CRM005 third persons). Evidence is the hashed record id and redacted snippet only."""

from __future__ import annotations

from collections.abc import Iterable

from privacygap import taxonomy
from privacygap.checks.kinds import CheckContext, Hit, kind
from privacygap.checks.kinds.category_gap import note_evidence, notes_phrase


@kind("note_content")
def note_content(ctx: CheckContext, params: dict) -> Iterable[Hit]:
    """One hit per category found in notes of the given ``kinds`` (``special: true`` keeps Art. 9/10 only).

    ``exclude_special: true`` leaves special categories to CRM003.
    """
    assert ctx.inventory is not None
    wanted = set(params.get("kinds") or [])
    special_only = bool(params.get("special", False))
    exclude_special = bool(params.get("exclude_special", False))
    by_category: dict[str, list] = {}
    for note in ctx.inventory.notes:
        if wanted and not wanted & set(note.kinds):
            continue
        for category in note.categories:
            if special_only and not taxonomy.is_special(category):
                continue
            if exclude_special and taxonomy.is_special(category):
                continue
            if "third_person" in wanted and wanted == {"third_person"} and category not in (
                    "user.demographic.family", "user.name"):
                continue
            by_category.setdefault(category, []).append(note)
    for category, notes in sorted(by_category.items()):
        yield Hit(category=category,
                  values={"count": len(notes), "notes": notes_phrase(len(notes)), "snippet": notes[0].snippet,
                          "scanned": ctx.inventory.notes_scanned},
                  evidence=tuple(note_evidence(n) for n in notes[:10]), key=category)
