"""Read the parts of a run JSON (or a check case) back into models.

The inverse of :func:`privacygap.models.to_jsonable` for the inputs of the checks:
the check cases, ``render`` and the monitor use it. Shorthands are accepted where a
hand-written case is easier to read: ``declared: [user.contact.email]`` instead of
full claims with quotes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from privacygap.models import (
    BannerButton,
    CategoryClaim,
    ChatWidget,
    Confidence,
    ConsentResult,
    Cookie,
    CrmField,
    Inventory,
    InventorySource,
    LegalLink,
    NoteHit,
    PageLinks,
    PhaseObservation,
    Quote,
    Section,
    Statement,
    StorageItem,
)


def _quote(data: Any) -> Quote:
    if isinstance(data, str):
        return Quote(text=data)
    return Quote(text=data.get("text", ""), section=data.get("section", ""),
                 start=data.get("start"), end=data.get("end"))


def _claims(items: Any) -> tuple[CategoryClaim, ...]:
    claims = []
    for item in items or ():
        if isinstance(item, str):
            claims.append(CategoryClaim(category=item))
        else:
            claims.append(CategoryClaim(category=item["category"],
                                        quotes=tuple(_quote(q) for q in item.get("quotes", ())),
                                        rule=item.get("rule", "")))
    return tuple(claims)


def statement_from_json(data: Mapping[str, Any] | None) -> Statement | None:
    """Build a :class:`Statement` from the report's ``policy`` object (None stays None)."""
    if data is None:
        return None
    return Statement(
        url=data.get("url"),
        language=data.get("language", "de"),
        sha256=data.get("sha256", ""),
        declared=_claims(data.get("declared")),
        negated=_claims(data.get("negated")),
        third_party=_claims(data.get("third_party")),
        vendors=tuple(data.get("vendors", ())),
        elements=dict(data.get("elements", {})),
        element_quotes={k: _quote(v) for k, v in (data.get("element_quotes") or {}).items()},
        signals=dict(data.get("signals", {})),
        sections=tuple(Section(tuple(s.get("heading_path", ())), s.get("text", ""), s.get("start", 0), s.get("end", 0))
                       for s in data.get("sections", ())),
        text=data.get("text", ""),
        imprint_url=data.get("imprint_url"),
        source_format=data.get("source_format", "html"),
    )


def field_from_json(data: Mapping[str, Any]) -> CrmField:
    """Build a :class:`CrmField` from a report's field entry."""
    return CrmField(
        object=data.get("object", ""),
        name=data["name"],
        label=data.get("label", ""),
        type=data.get("type", ""),
        description=data.get("description", ""),
        category=data.get("category"),
        confidence=Confidence(data.get("confidence", "low")),
        reason=data.get("reason", ""),
        required=bool(data.get("required", False)),
        free_text=bool(data.get("free_text", False)),
        picklist=tuple(data.get("picklist", ())),
        flags=dict(data.get("flags", {})),
        access=tuple(data.get("access", ())),
        source=data.get("source", ""),
    )


def inventory_from_json(data: Mapping[str, Any] | None) -> Inventory | None:
    """Build an :class:`Inventory` from the report's ``inventory`` object."""
    if data is None:
        return None
    notes = tuple(NoteHit(record=n.get("record", ""), categories=tuple(n.get("categories", ())),
                          snippet=n.get("snippet", ""), kinds=tuple(n.get("kinds", ())), source=n.get("source", ""))
                  for n in data.get("notes", ()))
    return Inventory(
        sources=tuple(InventorySource(s.get("path", ""), s.get("format", ""), s.get("crm", ""))
                      for s in data.get("sources", ())),
        fields=tuple(field_from_json(f) for f in data.get("fields", ())),
        notes=notes,
        notes_scanned=int(data.get("notes_scanned", len(notes))),
    )


def _phase(data: Mapping[str, Any] | None) -> PhaseObservation:
    data = data or {}
    return PhaseObservation(
        cookies=tuple(Cookie(name=c["name"], domain=c.get("domain", ""), third_party=bool(c.get("third_party", False)),
                             vendor=c.get("vendor"), purpose=c.get("purpose"), expires=c.get("expires"))
                      for c in data.get("cookies", ())),
        storage=tuple(StorageItem(key=s["key"], area=s.get("area", "local"), origin=s.get("origin", ""),
                                  vendor=s.get("vendor"), purpose=s.get("purpose"))
                      for s in data.get("storage", ())),
        third_party_hosts=tuple(data.get("third_party_hosts", ())),
        pages=tuple(data.get("pages", ())),
        error=data.get("error"),
    )


def _legal_link(data: Mapping[str, Any] | None) -> LegalLink | None:
    if data is None:
        return None
    return LegalLink(**{k: v for k, v in data.items() if k in LegalLink.__dataclass_fields__})


def page_links_from_json(data: Mapping[str, Any]) -> PageLinks:
    """Build a :class:`PageLinks` from an entry of the consent object's ``legal_links``."""
    return PageLinks(url=data.get("url", ""), phase=data.get("phase", ""), kind=data.get("kind", "start"),
                     banner_open=bool(data.get("banner_open", False)),
                     privacy=_legal_link(data.get("privacy")), imprint=_legal_link(data.get("imprint")),
                     banner_privacy=_legal_link(data.get("banner_privacy")),
                     banner_imprint=_legal_link(data.get("banner_imprint")),
                     error=data.get("error"))


def chat_widget_from_json(data: Mapping[str, Any]) -> ChatWidget:
    """Build a :class:`ChatWidget` from an entry of the consent object's ``chat_widgets``."""
    values = {k: v for k, v in data.items() if k in ChatWidget.__dataclass_fields__}
    for key in ("phases", "matched", "fields"):
        values[key] = tuple(values.get(key) or ())
    values.setdefault("vendor", "")
    values.setdefault("page", "")
    return ChatWidget(**values)


def consent_from_json(data: Mapping[str, Any] | None) -> ConsentResult | None:
    """Build a :class:`ConsentResult` from the report's ``consent`` object."""
    if data is None:
        return None
    buttons = tuple(BannerButton(**{k: v for k, v in b.items() if k in BannerButton.__dataclass_fields__})
                    for b in data.get("buttons", ()))
    return ConsentResult(
        banner_found=bool(data.get("banner_found", False)),
        cmp=data.get("cmp"),
        reject_on_first_layer=data.get("reject_on_first_layer"),
        buttons=buttons,
        phases={name: _phase(phase) for name, phase in (data.get("phases") or {}).items()},
        screenshot=data.get("screenshot"),
        banner_text=data.get("banner_text", ""),
        signals=dict(data.get("signals", {})),
        browser=dict(data.get("browser", {})),
        legal_links=tuple(page_links_from_json(p) for p in data.get("legal_links") or ()),
        chat_widgets=tuple(chat_widget_from_json(c) for c in data.get("chat_widgets") or ()),
    )
