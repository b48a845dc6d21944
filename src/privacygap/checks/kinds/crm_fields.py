"""Kinds over the CRM's fields: free text, call recordings, bought/enriched leads, access,
scoring and mandatory fields (CRM006, CRM008, CRM009, CRM017, CRM019, CRM020)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from privacygap import taxonomy
from privacygap.checks.kinds import CheckContext, Hit, kind, localised
from privacygap.checks.kinds.category_gap import (
    counted,
    field_evidence,
    holders,
    note_evidence,
)
from privacygap.models import Confidence, CrmField

NOTES = "user.content.notes"


def _confident(field: CrmField, params: dict) -> bool:
    return field.confidence.rank >= Confidence(params.get("min_confidence", "medium")).rank


def _words(field: CrmField) -> str:
    text = f"{field.name} {field.label}"
    text = re.sub(r"([a-z])([A-Z])", r"\1 \2", text)
    return " " + re.sub(r"[^a-z0-9äöüß]+", " ", text.lower()) + " "


# What a free-text field lacks, completing "fehlt: …" / "missing: …".
GOVERNANCE = {
    "rules": ("Regeln für Freitext", "free-text rules"),
    "retention": ("Löschfrist", "retention period"),
    "listing": ("Eintrag in der Richtlinie", "listing in the guideline"),
    "guideline": ("interne Richtlinie", "internal guideline"),
}


@kind("free_text_undocumented")
def free_text_undocumented(ctx: CheckContext, params: dict) -> Iterable[Hit]:
    """Free-text fields without a guideline for free text, or without a retention rule for notes.

    Without any guideline every free-text field is a hit; with one, fields the guideline
    lists under ``free_text.fields`` and covers by rules and a notes retention pass.
    """
    from privacygap.inventory.guideline import retention_for

    assert ctx.inventory is not None
    guideline = ctx.guideline
    documented = set(guideline.extra.get("free_text_fields", ())) if guideline else set()
    for field in ctx.inventory.fields:
        if not field.free_text:
            continue
        if guideline is not None:
            has_rules = bool(guideline.free_text_rules)
            retention = retention_for(guideline, field.category or NOTES)
            listed = not documented or field.path in documented or field.name in documented
            if has_rules and retention and listed:
                continue
            missing = [what for what, ok in (("rules", has_rules), ("retention", bool(retention)), ("listing", listed)) if not ok]
        else:
            missing = ["guideline"]
        yield Hit(category=field.category, values={"field": field.path, "label": field.label or field.name,
                                                   "missing": localised(", ".join(GOVERNANCE[m][0] for m in missing),
                                                                        ", ".join(GOVERNANCE[m][1] for m in missing))},
                  evidence=(field_evidence(field),), key=field.path)


@kind("retention_missing")
def retention_missing(ctx: CheckContext, params: dict) -> Iterable[Hit]:
    """One hit per stored category without a retention rule (one hit overall when there is no guideline)."""
    from privacygap.inventory.guideline import retention_for

    assert ctx.inventory is not None
    threshold = Confidence(params.get("min_confidence", "medium")).rank
    stored: dict[str, list] = {}
    for field in ctx.inventory.fields:
        if field.category and taxonomy.is_reported(field.category) and field.confidence.rank >= threshold:
            stored.setdefault(field.category, []).append(field)
    if not stored:
        return
    if ctx.guideline is None:
        yield Hit(values={"category_name": localised("alle Kategorien", "all categories"), "count": len(stored)},
                  evidence=tuple(field_evidence(f[0]) for f in list(stored.values())[:5]), key="no-retention-rules")
        return
    for category, fields in sorted(stored.items()):
        if retention_for(ctx.guideline, category):
            continue
        yield Hit(category=category, values={"count": len(fields)}, evidence=tuple(field_evidence(f) for f in fields[:5]),
                  key=category)


@kind("call_recording_undisclosed")
def call_recording_undisclosed(ctx: CheckContext, params: dict) -> Iterable[Hit]:
    """Call recordings or transcripts are stored but the statement says nothing about recording calls."""
    assert ctx.inventory is not None and ctx.statement is not None
    category = "user.content.call_recording"
    fields = [f for f in ctx.inventory.fields if f.category == category and _confident(f, params)]
    if not fields:
        return
    if ctx.statement.elements.get("call_recording") or taxonomy.covering(ctx.statement.declared_keys(), category):
        return
    yield Hit(category=category, values={"fields": ", ".join(f.label or f.name for f in fields[:5]), "count": len(fields)},
              evidence=tuple(field_evidence(f) for f in fields[:10]), key=category)


SOURCE_WORDS = (" lead source ", " source ", " quelle ", " herkunft ", " datenquelle ", " leadsource ", " lead quelle ")
NOTICE_WORDS = (" art 14 ", " art14 ", " article 14 ", " notified ", " notice sent ", " informed ", " information sent ",
                " benachrichtigt ", " informiert ", " informationspflicht ", " privacy notice ", " datenschutzhinweis ")
ENRICHMENT_WORDS = (" clearbit ", " zoominfo ", " zoom info ", " dnb ", " dun ", " lusha ", " cognism ", " apollo ",
                    " enriched ", " enrichment ", " everstring ", " data com ", " jigsaw ", " leadfeeder ", " echobot ",
                    " purchased list ", " bought list ", " list import ", " gekauft ", " adresskauf ")


@kind("third_party_source_untracked")
def third_party_source_untracked(ctx: CheckContext, params: dict) -> Iterable[Hit]:
    """Bought or enriched lead data without a source field, or without tracking of the Art. 14 notice."""
    assert ctx.inventory is not None
    indicators = [f for f in ctx.inventory.fields if f.flags.get("third_party_source")
                  or any(w in _words(f) for w in ENRICHMENT_WORDS)]
    notes = [n for n in ctx.inventory.notes if "third_party_source" in n.kinds]
    if not indicators and not notes:
        return
    evidence = tuple(field_evidence(f) for f in indicators[:5]) + tuple(note_evidence(n) for n in notes[:3])
    sources = [f for f in ctx.inventory.fields if any(w in _words(f) for w in SOURCE_WORDS)]
    notices = [f for f in ctx.inventory.fields if any(w in _words(f) for w in NOTICE_WORDS)]
    names = ", ".join(f.label or f.name for f in indicators[:3])
    if notes and not indicators:
        names = localised("Notizen", "notes")
    if not sources:
        yield Hit(values={"missing": localised("ein Feld für die Herkunft der Daten", "a source field"), "fields": names},
                  evidence=evidence, key="source-field")
    if not notices:
        yield Hit(values={"missing": localised("ein Feld, das festhält, wann nach Art. 14 DSGVO informiert wurde",
                                               "a field recording when the Art. 14 notice was sent"), "fields": names},
                  evidence=evidence, key="art14-notice")


SENSITIVE = ("user.content", "user.demographic.family", "user.demographic.marital_status", "user.financial",
             "user.government_id")
BROAD_ROLE = re.compile(r"(?i)\b(all|everyone|everybody|alle|jeder|public|standard user|standard|guest|portal|all users)\b")


@kind("overbroad_access")
def overbroad_access(ctx: CheckContext, params: dict) -> Iterable[Hit]:
    """Sensitive fields (notes, recordings, special categories, finance) readable by many or by catch-all roles.

    Only where the export carries permissions (fields with ``access``); with a guideline,
    roles not named in its ``roles`` section count as well.
    """
    assert ctx.inventory is not None
    max_roles = int(params.get("max_roles", 3))
    known_roles = set(ctx.guideline.roles) if ctx.guideline and ctx.guideline.roles else set()
    for field in ctx.inventory.fields:
        if not field.access or not field.category:
            continue
        if not (taxonomy.is_special(field.category) or any(field.category == s or field.category.startswith(s + ".")
                                                             for s in SENSITIVE)):
            continue
        broad = [r for r in field.access if BROAD_ROLE.search(r)]
        unknown = [r for r in field.access if known_roles and r not in known_roles]
        if len(field.access) <= max_roles and not broad and not unknown:
            continue
        yield Hit(category=field.category,
                  values={"field": field.path, "roles": ", ".join(field.access[:8]), "count": len(field.access),
                          "role_count": counted(len(field.access), ("Rolle", "Rollen"), ("role", "roles"))},
                  evidence=(field_evidence(field),), key=field.path)


@kind("scoring_undisclosed")
def scoring_undisclosed(ctx: CheckContext, params: dict) -> Iterable[Hit]:
    """Scoring or enrichment fields while the statement declares no scoring/profiling."""
    assert ctx.inventory is not None and ctx.statement is not None
    category = "user.behavior.scoring"
    fields = [f for f in ctx.inventory.fields if (f.category == category and _confident(f, params))
              or f.flags.get("third_party_source") or any(w in _words(f) for w in ENRICHMENT_WORDS)]
    if not fields:
        return
    if taxonomy.covering(ctx.statement.declared_keys(), category) or ctx.statement.signals.get("profiling"):
        return
    yield Hit(category=category, values={"fields": ", ".join(f.label or f.name for f in fields[:5]), "count": len(fields)},
              evidence=tuple(field_evidence(f) for f in fields[:10]), key=category)


DEFAULT_UNNECESSARY = ("user.demographic.gender", "user.demographic.date_of_birth", "user.demographic.age_range",
                       "user.demographic.family", "user.demographic.marital_status", "user.demographic.interests",
                       "user.content.self_image", "user.government_id")
PRIVATE_CONTACT = re.compile(r"(?i)(home|private|privat|mobile|mobil|handy|personal)")


@kind("unnecessary_required")
def unnecessary_required(ctx: CheckContext, params: dict) -> Iterable[Hit]:
    """Mandatory fields that a B2B contact record does not need (salutation/gender, birthday, family, private phone)."""
    assert ctx.inventory is not None
    categories = tuple(params.get("categories") or DEFAULT_UNNECESSARY)
    for field in ctx.inventory.fields:
        if not field.required or not field.category:
            continue
        unnecessary = any(field.category == c or field.category.startswith(c + ".") for c in categories) \
            or taxonomy.is_special(field.category)
        private = field.category in ("user.contact.phone_number", "user.contact.address") and \
            bool(PRIVATE_CONTACT.search(f"{field.name} {field.label}"))
        if unnecessary or private:
            yield Hit(category=field.category, values={"field": field.path, "label": field.label or field.name},
                      evidence=(field_evidence(field),), key=field.path)


@kind("category_not_allowed")
def category_not_allowed(ctx: CheckContext, params: dict) -> Iterable[Hit]:
    """Categories stored on an object although the guideline does not allow them there."""
    from privacygap.inventory.guideline import allowed_for

    assert ctx.inventory is not None and ctx.guideline is not None
    threshold = Confidence(params.get("min_confidence", "medium")).rank
    # Categories the law makes the company keep (opt-outs and consents: Art. 7(1), 21(3)
    # GDPR, § 7a UWG) are never "not allowed", even when a guideline forgets to list them.
    required = tuple(params.get("always_allowed", ()))
    found: dict[str, list] = {}
    for field in ctx.inventory.fields:
        if not field.category or not taxonomy.is_reported(field.category) or field.confidence.rank < threshold:
            continue
        if any(taxonomy.covers(key, field.category) for key in required):
            continue
        if not allowed_for(ctx.guideline, field.object, field.category):
            found.setdefault(field.category, []).append(field)
    if params.get("include_notes", True):
        for note in ctx.inventory.notes:
            for category in note.categories:
                if taxonomy.is_reported(category) and not allowed_for(ctx.guideline, "note", category):
                    found.setdefault(category, []).append(note)
    from privacygap.checks.kinds.category_gap import note_evidence

    for category, items in sorted(found.items()):
        evidence = tuple(field_evidence(i) if isinstance(i, CrmField) else note_evidence(i) for i in items[:10])
        shown = items[:5]
        names = holders([i.path for i in shown if isinstance(i, CrmField)],
                        sum(not isinstance(i, CrmField) for i in shown))
        yield Hit(category=category, values={"fields": names, "count": len(items)}, evidence=evidence, key=category)
