"""The plain data every stage hands to the next: small frozen dataclasses, no I/O.

Stages (crawl, extract, inventory, browser) produce these objects; the checks read them;
:func:`to_jsonable` turns any of them into the run JSON of cli-and-json.md.

Privacy rule of the house: CRM evidence is *field metadata only*; note evidence is a
redacted snippet plus a hashed record id. Nothing here ever holds a CRM record's values.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


class Severity(str, enum.Enum):
    """Finding severity, ordered from least to most severe by :attr:`rank`."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        """0 for low … 3 for critical."""
        return ["low", "medium", "high", "critical"].index(self.value)


class Confidence(str, enum.Enum):
    """How sure a classifier or check is."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def rank(self) -> int:
        """0 for low … 2 for high."""
        return ["low", "medium", "high"].index(self.value)


# ---------------------------------------------------------------------------- statement


@dataclass(frozen=True)
class Section:
    """One section of a statement: its heading path, text and offsets in the normalised text."""

    heading_path: tuple[str, ...]
    text: str
    start: int = 0
    end: int = 0

    @property
    def title(self) -> str:
        """The innermost heading, or '' for text before the first heading."""
        return self.heading_path[-1] if self.heading_path else ""


@dataclass(frozen=True)
class Quote:
    """A verbatim passage of the statement and the section it stands in."""

    text: str
    section: str = ""
    start: int | None = None
    end: int | None = None


@dataclass(frozen=True)
class CategoryClaim:
    """A category the statement declares (or denies), with the quotes behind it."""

    category: str
    quotes: tuple[Quote, ...] = ()
    rule: str = ""


@dataclass(frozen=True)
class Statement:
    """What a privacy statement says, as far as privacygap understands it."""

    url: str | None
    language: str
    sha256: str
    declared: tuple[CategoryClaim, ...] = ()
    negated: tuple[CategoryClaim, ...] = ()
    # Categories the statement says a *third party* collects (what Google collects …);
    # kept apart from what the company itself processes.
    third_party: tuple[CategoryClaim, ...] = ()
    vendors: tuple[str, ...] = ()
    elements: Mapping[str, bool] = field(default_factory=dict)
    element_quotes: Mapping[str, Quote] = field(default_factory=dict)
    # Further observations the POL checks need (e.g. "privacy_shield": Quote, "retention_generic_only").
    signals: Mapping[str, Any] = field(default_factory=dict)
    sections: tuple[Section, ...] = ()
    text: str = ""
    imprint_url: str | None = None
    source_format: str = "html"

    def declared_keys(self) -> set[str]:
        """The set of declared category keys."""
        return {c.category for c in self.declared}

    def negated_keys(self) -> set[str]:
        """The set of denied category keys."""
        return {c.category for c in self.negated}


ELEMENT_KEYS: tuple[str, ...] = (
    "controller_identity",
    "dpo_contact",
    "legal_basis",
    "legitimate_interest_named",
    "recipients",
    "third_country",
    "retention",
    "rights_access_etc",
    "right_to_object",
    "objection_direct_marketing_separate",
    "withdraw_consent",
    "complaint_authority",
    "crm_or_sales_section",
    "phone_calls",
    "call_recording",
    "source_of_data",
)
"""The Art. 13/14 elements reported in ``policy.elements`` (cli-and-json.md)."""


# ---------------------------------------------------------------------------- inventory


@dataclass(frozen=True)
class Classification:
    """A field's or note's category with confidence and a human-readable reason."""

    category: str | None
    confidence: Confidence = Confidence.LOW
    reason: str = ""


@dataclass(frozen=True)
class CrmField:
    """One field of a CRM object: metadata only, never values."""

    object: str
    name: str
    label: str = ""
    type: str = ""
    description: str = ""
    category: str | None = None
    confidence: Confidence = Confidence.LOW
    reason: str = ""
    required: bool = False
    free_text: bool = False
    picklist: tuple[str, ...] = ()
    # Vendor metadata such as HubSpot dataSensitivity or Salesforce ComplianceGroup.
    flags: Mapping[str, Any] = field(default_factory=dict)
    # Roles or profiles that may read the field, where the export carries permissions.
    access: tuple[str, ...] = ()
    source: str = ""

    @property
    def path(self) -> str:
        """``object.name``, the stable identifier used in findings and diffs."""
        return f"{self.object}.{self.name}"


@dataclass(frozen=True)
class InventorySource:
    """One file or database read into the inventory."""

    path: str
    format: str
    crm: str = ""


@dataclass(frozen=True)
class NoteHit:
    """A CRM note that mentions something sensitive: hashed record id and redacted snippet only."""

    record: str
    categories: tuple[str, ...]
    snippet: str
    kinds: tuple[str, ...] = ()  # e.g. "private_life", "third_person", "special_category", "judgmental"
    source: str = ""


@dataclass(frozen=True)
class Inventory:
    """The CRM's fields (and optionally note hits), merged over all sources."""

    sources: tuple[InventorySource, ...] = ()
    fields: tuple[CrmField, ...] = ()
    notes: tuple[NoteHit, ...] = ()
    notes_scanned: int = 0

    @property
    def crm_vendors(self) -> tuple[str, ...]:
        """CRM products the sources came from (e.g. 'HubSpot'), in order, without repeats."""
        seen: list[str] = []
        for source in self.sources:
            if source.crm and source.crm not in seen:
                seen.append(source.crm)
        return tuple(seen)

    def stored_categories(self, *, include_system: bool = False) -> set[str]:
        """Categories the fields and notes hold (``system.*`` and ``user.unique_id`` left out by default)."""
        keys = {f.category for f in self.fields if f.category}
        for note in self.notes:
            keys.update(note.categories)
        if not include_system:
            keys = {k for k in keys if not k.startswith("system") and k != "user.unique_id"}
        return keys


# ---------------------------------------------------------------------------- consent / browser


@dataclass(frozen=True)
class Cookie:
    """A cookie observed in the browser."""

    name: str
    domain: str
    third_party: bool = False
    vendor: str | None = None
    purpose: str | None = None  # essential | analytics | marketing | functional | crm | unknown
    expires: float | None = None  # seconds since epoch; None for a session cookie


@dataclass(frozen=True)
class StorageItem:
    """A localStorage or sessionStorage key (values are not kept)."""

    key: str
    area: str  # "local" | "session"
    origin: str = ""
    vendor: str | None = None
    purpose: str | None = None


@dataclass(frozen=True)
class PhaseObservation:
    """What the site set and loaded in one consent phase."""

    cookies: tuple[Cookie, ...] = ()
    storage: tuple[StorageItem, ...] = ()
    third_party_hosts: tuple[str, ...] = ()
    pages: tuple[str, ...] = ()
    error: str | None = None


@dataclass(frozen=True)
class BannerButton:
    """A visible control of the banner's first layer (or settings layer)."""

    text: str
    role: str  # accept | reject | settings | close | other
    element: str = "button"  # button | link | input | other
    layer: int = 1
    width: float | None = None
    height: float | None = None
    font_size: float | None = None
    color: str | None = None
    background: str | None = None
    contrast: float | None = None
    font_weight: int | None = None  # CSS weight, 400 regular, 700 bold


@dataclass(frozen=True)
class LegalLink:
    """A link to the privacy statement or the imprint on one page, and whether a visitor can use it.

    ``clickable`` and ``focusable`` are measured only while the cookie banner is open
    (before consent); elsewhere they stay None (not measured).
    """

    text: str = ""
    href: str = ""
    in_banner: bool = False  # the link is part of the cookie banner itself
    clickable: bool | None = None  # the topmost element at the link's centre is the link
    covered_by: str | None = None  # what lies on top instead ("div#cmp-overlay"), when not clickable
    focusable: bool | None = None  # link.focus() makes it the active element, and nothing hides it
    # Why not: inert | aria-hidden | tabindex | focus_moved (a focus trap took the focus back).
    focus_problem: str | None = None
    focus_went_to: str | None = None  # the element that had the focus instead (focus_moved)


@dataclass(frozen=True)
class PageLinks:
    """Which legal links one visited page offers (POL001): privacy statement and imprint."""

    url: str
    phase: str  # before_consent | after_reject
    kind: str = "start"  # start | after_click | reload | subpage
    banner_open: bool = False  # the cookie banner was open when the links were read
    # The page's own links (outside the banner); None: the page has no rendered such link.
    privacy: LegalLink | None = None
    imprint: LegalLink | None = None
    # Links inside the open banner: they keep the statement reachable while the banner covers
    # the page, but they leave with the banner, so they do not count as the page's own link.
    banner_privacy: LegalLink | None = None
    banner_imprint: LegalLink | None = None
    error: str | None = None  # the page could not be read


@dataclass(frozen=True)
class ChatWidget:
    """A chat widget seen on one visited page (WEB012), and whether it shows a privacy notice.

    ``notice`` is ``yes`` (a privacy link or notice sentence inside the widget), ``no`` (the
    place where the visitor types was readable and showed none) or ``unknown`` (the widget
    could not be read: closed shadow root, a frame that refused, a window that did not open).
    """

    vendor: str  # vendor name of crawlers/trackers (HubSpot, Zoho SalesIQ, Userlike …)
    page: str  # the page it was seen on
    product: str = ""  # what the report calls it (HubSpot Conversations …)
    phases: tuple[str, ...] = ()  # the phases in which it was on the page
    before_consent: bool = False  # on the page before any consent (WEB001 judges that, not WEB012)
    matched: tuple[str, ...] = ()  # what identified it: "script:host", "marker:#id", "frame:host"
    notice: str = "unknown"  # yes | no | unknown
    notice_text: str | None = None  # the privacy link's text or the notice sentence
    read: str | None = None  # what was read: pre_chat_form | message_box | welcome (None: nothing)
    fields: tuple[str, ...] = ()  # personal fields of the pre-chat form
    frame: str | None = None  # address of the widget's iframe, if it has one


@dataclass(frozen=True)
class ConsentResult:
    """The browser visit: banner, buttons and the three consent phases."""

    banner_found: bool = False
    cmp: str | None = None
    reject_on_first_layer: bool | None = None
    buttons: tuple[BannerButton, ...] = ()
    phases: Mapping[str, PhaseObservation] = field(default_factory=dict)
    screenshot: str | None = None  # file name or data: URI of the banner screenshot
    banner_text: str = ""
    # Further observations the WEB checks need (toggles, implicit consent, forms, …).
    signals: Mapping[str, Any] = field(default_factory=dict)
    browser: Mapping[str, str] = field(default_factory=dict)
    # Per visited page: links to the privacy statement and imprint, and whether the open
    # banner blocks them (POL001).
    legal_links: tuple[PageLinks, ...] = ()
    # Chat widgets per visited page (WEB012), with the notice at the point of collection.
    chat_widgets: tuple[ChatWidget, ...] = ()


# ---------------------------------------------------------------------------- findings


@dataclass(frozen=True)
class Evidence:
    """One piece of evidence: its kind (``crm_field``, ``quote``, ``cookie`` …) and attributes."""

    kind: str
    attrs: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """Flat JSON form: ``{"kind": …, **attrs}``."""
        return {"kind": self.kind, **{k: v for k, v in self.attrs.items() if v is not None}}


@dataclass(frozen=True)
class Finding:
    """A check's result about one thing (category, field, cookie …)."""

    check_id: str
    slug: str
    severity: Severity
    confidence: Confidence
    message: str
    category: str | None
    evidence: tuple[Evidence, ...]
    references: tuple[str, ...]
    fingerprint: str
    title: str = ""
    needs_human_review: bool = False


@dataclass(frozen=True)
class RunError:
    """A stage that failed or was incomplete, and why."""

    stage: str
    message: str


# ---------------------------------------------------------------------------- JSON


def to_jsonable(value: Any) -> Any:
    """Turn models (and containers of them) into plain JSON values.

    Enums become their value, tuples lists, dataclasses dicts; :class:`Evidence`
    uses its flat form.
    """
    if isinstance(value, Evidence):
        return {k: to_jsonable(v) for k, v in value.to_json().items()}
    if isinstance(value, enum.Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [to_jsonable(v) for v in value]
        return sorted(items) if isinstance(value, (set, frozenset)) else items
    return value


@dataclass(frozen=True)
class Guideline:
    """The company's internal CRM guideline (what may be stored, how long, who sees it)."""

    path: str = ""
    allowed: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # object ("*" for all) -> category keys
    free_text_rules: tuple[str, ...] = ()
    retention: Mapping[str, str] = field(default_factory=dict)  # category key -> rule text ("24 months")
    roles: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # role -> objects/fields it may read
    extra: Mapping[str, Any] = field(default_factory=dict)
