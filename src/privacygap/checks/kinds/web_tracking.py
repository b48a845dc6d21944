"""Kinds over what the site stored and called in the consent phases (WEB001, WEB007, WEB010, WEB011).

They read ``ConsentResult.phases`` and the signals the browser stage writes (documented in
``crawlers/README.md``): ``hosts`` (vendor and purpose per host), ``after_reject_pages``,
``toggles[].named_trackers``, ``vendors`` (aliases). Vendor and purpose come from the
crawler's signatures, so the checks stay pure functions over the models.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from privacygap.checks.kinds import CheckContext, Hit, kind, localised
from privacygap.models import Confidence, ConsentResult, Evidence, Severity

TRACKING = frozenset({"analytics", "marketing", "crm", "functional"})

# The crawler's purpose keys as the reader sees them; a key not listed here is shown as it is.
PURPOSE_NAMES = {
    "essential": ("notwendig", "essential"),
    "analytics": ("Statistik", "analytics"),
    "marketing": ("Marketing", "marketing"),
    "crm": ("CRM-Tracking", "CRM tracking"),
    "functional": ("Funktional", "functional"),
    "unknown": ("unbekannt", "unknown"),
}

# Kinds of the crawler's after-reject page records (crawlers/README.md), for the reader.
PAGE_KINDS = {
    "after_click": ("nach dem Klick", "after click"),
    "reload": ("neu geladen", "reload"),
    "subpage": ("Unterseite", "subpage"),
    "page": ("Seite", "page"),
}


def purpose_name(purpose: str | None) -> dict[str, str]:
    """A purpose key as a message value in both languages."""
    key = purpose or "unknown"
    de, en = PURPOSE_NAMES.get(key, (key, key))
    return localised(de, en)


def _days(value: float, lang: str) -> str:
    """'1 day' / '30 days' (rounded to whole days, as the message shows them)."""
    count = f"{value:.0f}"
    if lang == "de":
        return f"{count} Tag" if count == "1" else f"{count} Tage"
    return f"{count} day" if count == "1" else f"{count} days"


def is_tracking(purpose: str | None, params: dict) -> bool:
    """Whether a purpose needs consent (the check's ``purposes`` parameter may narrow it)."""
    return (purpose or "unknown") in set(params.get("purposes", TRACKING))


def host_info(consent: ConsentResult, host: str) -> dict[str, Any]:
    """Vendor and purpose the crawler found for a host (unknown when it found none)."""
    info = (consent.signals.get("hosts") or {}).get(host) or {}
    return {"vendor": info.get("vendor"), "purpose": info.get("purpose") or "unknown"}


class _Group:
    """Evidence of one vendor (or one unknown host / cookie domain), gathered for a single hit."""

    def __init__(self, key: str, vendor: str | None, purpose: str, known: bool) -> None:
        self.key, self.vendor, self.purpose, self.known = key, vendor, purpose, known
        self.cookies: list[str] = []
        self.hosts: list[str] = []
        self.storage: list[str] = []
        self.pages: list[str] = []
        self.evidence: list[Evidence] = []
        self.entries: list[tuple[str, str, Evidence]] = []

    def add(self, attr: str, name: str, evidence: Evidence) -> None:
        items = getattr(self, attr)
        if name not in items:
            items.append(name)
            self.evidence.append(evidence)
            self.entries.append((attr, name, evidence))

    def names(self) -> str:
        return ", ".join(self.cookies + self.storage + self.hosts)


def _groups_for(consent: ConsentResult, cookies: Iterable, hosts: Iterable[str], storage: Iterable,
                params: dict, phase: str, page: str | None = None) -> dict[str, _Group]:
    groups: dict[str, _Group] = {}
    flag_unknown = params.get("flag_unknown_third_party", True)

    def group(vendor: str | None, purpose: str, fallback: str) -> _Group:
        key = vendor or fallback
        if key not in groups:
            groups[key] = _Group(key, vendor, purpose, vendor is not None)
        return groups[key]

    for cookie in cookies:
        purpose = cookie.purpose or "unknown"
        if is_tracking(purpose, params):
            target = group(cookie.vendor, purpose, cookie.name)
        elif purpose == "unknown" and cookie.third_party and flag_unknown:
            target = group(None, purpose, cookie.domain)
        else:
            continue
        target.add("cookies", cookie.name, Evidence("cookie", {
            "name": cookie.name, "domain": cookie.domain, "vendor": cookie.vendor, "purpose": purpose,
            "third_party": cookie.third_party, "expires": cookie.expires, "phase": phase, "page": page}))
    for item in storage:
        if is_tracking(item.purpose, params):
            group(item.vendor, item.purpose or "unknown", item.key).add("storage", item.key, Evidence("storage", {
                "key": item.key, "area": item.area, "origin": item.origin or None, "vendor": item.vendor,
                "purpose": item.purpose, "phase": phase, "page": page}))
    for host in hosts:
        info = host_info(consent, host)
        if info["purpose"] == "essential" or (info["purpose"] == "unknown" and not flag_unknown):
            continue
        if info["purpose"] != "unknown" and not is_tracking(info["purpose"], params):
            continue
        group(info["vendor"], info["purpose"], host).add("hosts", host, Evidence("request", {
            "host": host, "vendor": info["vendor"], "purpose": info["purpose"], "phase": phase, "page": page}))
    return groups


def _hit(group: _Group, extra: dict | None = None) -> Hit:
    values = {"vendor": group.vendor or group.key, "items": group.names(), "purpose": purpose_name(group.purpose),
              **(extra or {})}
    return Hit(values=values, evidence=tuple(group.evidence[:12]), key=(group.vendor or group.key).casefold(),
               confidence=None if group.known else Confidence.MEDIUM)


@kind("pre_consent_tracking")
def pre_consent_tracking(ctx: CheckContext, params: dict) -> Iterable[Hit]:
    """WEB001: one hit per vendor (or unknown third party) active before any consent."""
    consent = ctx.consent
    assert consent is not None
    phase = consent.phases.get("before_consent")
    if phase is None:
        return
    groups = _groups_for(consent, phase.cookies, phase.third_party_hosts, phase.storage, params, "before_consent")
    for group in groups.values():
        yield _hit(group)


@kind("reject_not_honoured")
def reject_not_honoured(ctx: CheckContext, params: dict) -> Iterable[Hit]:
    """WEB011: one hit per vendor that stores or loads after the visitor rejected.

    Uses the per-page records (after the click, reload, sub-pages) when the crawler wrote
    them; otherwise the after_reject phase as a whole. Skipped when no reject was possible.
    """
    consent = ctx.consent
    assert consent is not None
    if "reject_method" in consent.signals and consent.signals["reject_method"] is None:
        return
    pages = consent.signals.get("after_reject_pages")
    merged: dict[str, _Group] = {}
    shown: dict[str, tuple[str, str]] = {}  # page label (as in the evidence) -> (German, English) for the message
    if pages:
        from privacygap.models import Cookie

        for record in pages:
            cookies = [Cookie(name=c["name"], domain=c.get("domain", ""), vendor=c.get("vendor"),
                              purpose=c.get("purpose"), third_party=bool(c.get("third_party", False)))
                       for c in record.get("cookies_written", [])]
            page_kind = record.get("kind", "page")
            label = f"{record.get('url', '')} ({page_kind})"
            kind_de, kind_en = PAGE_KINDS.get(page_kind, (page_kind, page_kind))
            shown[label] = (f"{record.get('url', '')} ({kind_de})", f"{record.get('url', '')} ({kind_en})")
            for key, group in _groups_for(consent, cookies, record.get("third_party_hosts", []), (), params,
                                          "after_reject", label).items():
                target = merged.setdefault(key, _Group(key, group.vendor, group.purpose, group.known))
                for attr, name, evidence in group.entries:
                    target.add(attr, name, evidence)
                if label not in target.pages:
                    target.pages.append(label)
    else:
        phase = consent.phases.get("after_reject")
        if phase is None:
            return
        merged = _groups_for(consent, phase.cookies, phase.third_party_hosts, phase.storage, params, "after_reject")
    for group in merged.values():
        if group.pages:
            where = localised(", ".join(shown.get(p, (p, p))[0] for p in group.pages),
                              ", ".join(shown.get(p, (p, p))[1] for p in group.pages))
        else:  # the after_reject phase as a whole: the page the visitor rejected on
            where = localised("der besuchten Seite", "the page visited")
        yield _hit(group, {"pages": where})


@kind("tracker_filed_essential")
def tracker_filed_essential(ctx: CheckContext, params: dict) -> Iterable[Hit]:
    """WEB007: one hit per tracking vendor the banner files under an essential category."""
    consent = ctx.consent
    assert consent is not None
    seen: set[str] = set()
    for toggle in consent.signals.get("toggles") or ():
        if not toggle.get("essential"):
            continue
        for item in toggle.get("named_trackers") or ():
            if not is_tracking(item.get("purpose"), params):
                continue
            vendor = item.get("vendor") or item.get("name", "")
            if vendor in seen:
                continue
            seen.add(vendor)
            names = [i.get("name") for i in toggle.get("named_trackers") if i.get("vendor") == vendor]
            yield Hit(values={"vendor": vendor, "category": toggle.get("label", ""), "items": ", ".join(names),
                              "purpose": purpose_name(item.get("purpose"))},
                      evidence=(Evidence("banner_toggle", {"label": toggle.get("label"), "checked": toggle.get("checked"),
                                                           "disabled": toggle.get("disabled"),
                                                           "text": (toggle.get("section") or "")[:300]}),),
                      key=vendor.casefold())


_UNIT_DAYS = {"minute": 1 / 1440, "minuten": 1 / 1440, "minutes": 1 / 1440, "stunde": 1 / 24, "stunden": 1 / 24,
              "hour": 1 / 24, "hours": 1 / 24, "tag": 1, "tage": 1, "tagen": 1, "day": 1, "days": 1,
              "woche": 7, "wochen": 7, "week": 7, "weeks": 7, "monat": 30.44, "monate": 30.44, "monaten": 30.44,
              "month": 30.44, "months": 30.44, "jahr": 365.25, "jahre": 365.25, "jahren": 365.25, "year": 365.25,
              "years": 365.25}
_DURATION = re.compile(r"(\d+(?:[.,]\d+)?)\s*(" + "|".join(sorted(_UNIT_DAYS, key=len, reverse=True)) +
                       r")\b|\b(sitzung|session|browsersitzung)\b", re.IGNORECASE)


def declared_lifetime(text: str, cookie: str, others: Iterable[str] = (), window: int = 120) -> float | None:
    """Days the statement gives for a cookie (0 for "session"), from the text right after its name.

    The search stops at a line or list break and at the next of ``others`` (other cookie
    names), so one cookie's duration is not read for its neighbour.
    """
    match = re.search(r"(?<![\w-])" + re.escape(cookie.casefold()) + r"(?![\w-])", text)
    if not match:
        return None
    following = text[match.end():match.end() + window]
    stops = [m.start() for m in [re.search(r"[\n;•]", following)] if m]
    for other in others:
        if other.casefold() != cookie.casefold():
            found = re.search(r"(?<![\w-])" + re.escape(other.casefold()) + r"(?![\w-])", following)
            if found:
                stops.append(found.start())
    duration = _DURATION.search(following[:min(stops)] if stops else following)
    if not duration:
        return None
    if duration.group(3):
        return 0.0
    return float(duration.group(1).replace(",", ".")) * _UNIT_DAYS[duration.group(2).lower()]


def _lifetime_hits(consent: ConsentResult, text: str, params: dict) -> Iterable[Hit]:
    visited = consent.signals.get("visited_at")
    if not visited or not text:
        return
    tolerance = params.get("lifetime_tolerance", 0.5)
    seen: set[str] = set()
    names = {c.name for phase in consent.phases.values() for c in phase.cookies}
    for phase_name, phase in consent.phases.items():
        for cookie in phase.cookies:
            if cookie.name in seen:
                continue
            declared = declared_lifetime(text, cookie.name, names)
            if declared is None:
                continue
            seen.add(cookie.name)
            actual = 0.0 if cookie.expires is None else max(0.0, (cookie.expires - visited) / 86400)
            if declared == 0.0:
                wrong = actual > 1
            else:
                wrong = actual > declared * (1 + tolerance) + 1 or actual < declared * (1 - tolerance) - 1
            if wrong:
                yield Hit(values={"vendor": cookie.vendor or cookie.domain, "items": cookie.name,
                                  "purpose": purpose_name(cookie.purpose),
                                  "detail_en": f"cookie {cookie.name}: declared {_days(declared, 'en')}, "
                                               f"set for {_days(actual, 'en')}",
                                  "detail_de": f"Cookie {cookie.name}: angegeben {_days(declared, 'de')}, "
                                               f"gesetzt für {_days(actual, 'de')}"},
                          evidence=(Evidence("cookie", {"name": cookie.name, "domain": cookie.domain,
                                                        "vendor": cookie.vendor, "expires": cookie.expires,
                                                        "declared_days": round(declared, 1),
                                                        "actual_days": round(actual, 1), "phase": phase_name}),),
                          key=f"lifetime:{cookie.name}", severity=Severity.LOW)


def _named(names: Iterable[str], vendors: set[str], text: str) -> bool:
    for name in names:
        folded = name.casefold()
        if folded in vendors:
            return True
        if text and re.search(r"(?<![\w-])" + re.escape(folded) + r"(?![\w-])", text):
            return True
    return False


@kind("observed_vendor_unnamed")
def observed_vendor_unnamed(ctx: CheckContext, params: dict) -> Iterable[Hit]:
    """WEB010: one hit per observed tracking vendor the statement names nowhere.

    A vendor counts as named when the statement's vendor list or its text has its name or
    an alias. CRM vendors are reported with their tracking cookies. A statement that lists
    cookie names (it names at least one observed cookie) also gets a low hit per observed
    tracking cookie it leaves out, and per cookie whose stated lifetime differs from the
    expiry the browser saw by more than ``lifetime_tolerance`` (needs ``signals.visited_at``).
    """
    consent, statement = ctx.consent, ctx.statement
    assert consent is not None and statement is not None
    known = {v.casefold() for v in statement.vendors}
    text = (statement.text or "").casefold()
    aliases = consent.signals.get("vendors") or {}
    observed: dict[str, dict[str, Any]] = {}

    def note(vendor: str | None, purpose: str | None, item: str, evidence: Evidence, cookie: bool) -> None:
        if not vendor or not is_tracking(purpose, params):
            return
        entry = observed.setdefault(vendor, {"purpose": purpose, "items": [], "evidence": [], "cookies": []})
        if item not in entry["items"]:
            entry["items"].append(item)
            entry["evidence"].append(evidence)
            if cookie:
                entry["cookies"].append(item)

    for phase_name, phase in consent.phases.items():
        for cookie in phase.cookies:
            note(cookie.vendor, cookie.purpose, cookie.name, Evidence("cookie", {
                "name": cookie.name, "domain": cookie.domain, "vendor": cookie.vendor, "purpose": cookie.purpose,
                "expires": cookie.expires, "phase": phase_name}), True)
        for host in phase.third_party_hosts:
            info = host_info(consent, host)
            note(info["vendor"], info["purpose"], host, Evidence("request", {
                "host": host, "vendor": info["vendor"], "purpose": info["purpose"], "phase": phase_name}), False)
    lists_cookies = any(re.search(r"(?<![\w-])" + re.escape(c.casefold()) + r"(?![\w-])", text)
                        for entry in observed.values() for c in entry["cookies"]) if text else False
    for vendor, entry in sorted(observed.items()):
        names = [vendor, *((aliases.get(vendor) or {}).get("aliases") or ())]
        if not _named(names, known, text):
            items = ", ".join(entry["items"][:8])
            purpose = purpose_name(entry["purpose"])
            yield Hit(values={"vendor": vendor, "items": items, "purpose": purpose,
                              "detail_en": f"not named at all ({purpose['en']}: {items})",
                              "detail_de": f"gar nicht genannt ({purpose['de']}: {items})"},
                      evidence=tuple(entry["evidence"][:10]), key=vendor.casefold())
        elif lists_cookies:
            for cookie in entry["cookies"]:
                if not re.search(r"(?<![\w-])" + re.escape(cookie.casefold()) + r"(?![\w-])", text):
                    yield Hit(values={"vendor": vendor, "items": cookie, "purpose": purpose_name(entry["purpose"]),
                                      "detail_en": f"cookie {cookie} is missing from the cookie list",
                                      "detail_de": f"Cookie {cookie} fehlt in der Cookie-Liste"},
                              evidence=tuple(e for e in entry["evidence"] if e.attrs.get("name") == cookie)[:2],
                              key=f"cookie:{cookie}", severity=Severity.LOW)
    yield from _lifetime_hits(consent, text, params)
