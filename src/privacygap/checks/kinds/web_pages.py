"""Kinds over the site's pages (WEB008 withdrawal control, WEB012 forms and chat widgets, POL001 legal links)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit, urlunsplit

from privacygap.checks.kinds import CheckContext, Hit, kind, localised
from privacygap.models import ChatWidget, Confidence, Evidence, LegalLink, PageLinks, Severity, Statement

_INDEX_FILES = ("index.html", "index.htm")


def page_identity(url: str) -> str:
    """The page a URL shows, for counting pages: ``/`` and ``/index.html`` (or ``#top``) are one page.

    The crawler records the address the browser was on, so the same start page can appear
    as ``http://host/`` after the reload and ``http://host/index.html`` as a sub-page link.
    """
    parts = urlsplit(url)
    path = parts.path or "/"
    head, _, last = path.rpartition("/")
    if last.lower() in _INDEX_FILES:
        path = head + "/"
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, ""))


@kind("no_withdrawal_control")
def no_withdrawal_control(ctx: CheckContext, params: dict) -> Iterable[Hit]:
    """WEB008: pages visited after the choice without a way to reopen the cookie settings."""
    consent = ctx.consent
    assert consent is not None
    pages = consent.signals.get("after_reject_pages")
    if not consent.banner_found or not pages:
        return
    checked = [p for p in pages if not p.get("error")]
    # One entry per page (not per address); the evidence keeps the first address seen for it.
    without: dict[str, str] = {}
    for page in checked:
        if not page.get("withdrawal_control"):
            without.setdefault(page_identity(page["url"]), page["url"])
    if not without:
        return
    unique = list(without.values())
    yield Hit(values={"pages": ", ".join(unique[:5]), "count": len(unique),
                      "checked": len({page_identity(p["url"]) for p in checked})},
              evidence=tuple(Evidence("page", {"url": url, "withdrawal_control": None}) for url in unique[:5]),
              key="withdrawal")


@kind("crm_form_notice")
def crm_form_notice(ctx: CheckContext, params: dict) -> Iterable[Hit]:
    """WEB012: a form collecting personal data without a privacy notice link, or with a pre-ticked opt-in;
    a chat widget without a privacy notice in its window (see :func:`_chat_hits`).

    ``params.crm_only`` limits forms to CRM endpoints; ``params.chat_terms`` is the pattern
    by which the statement "names a chat" when the widget could not be read.
    """
    consent = ctx.consent
    assert consent is not None
    crm_only = params.get("crm_only", False)
    for form in consent.signals.get("forms") or ():
        if crm_only and not form.get("vendor"):
            continue
        # "/" and "/index.html" are one page: one finding per form, not one per address.
        where = urlsplit(page_identity(form.get("page", ""))).path or form.get("page", "")
        ident = form.get("id") or form.get("action") or "form"
        evidence = Evidence("form", {"page": form.get("page"), "action": form.get("action") or None,
                                     "id": form.get("id") or None, "vendor": form.get("vendor"),
                                     "fields": ", ".join(form.get("fields") or [])})
        vendor = form.get("vendor")
        label = localised(f"{vendor}-Formular", f"{vendor} form") if vendor else localised("Formular", "Form")
        for box in form.get("prechecked") or ():
            yield Hit(values={"form": label, "page": where,
                              "problem": localised(f"vorab angekreuzte Einwilligung „{box}“", f"pre-ticked opt-in '{box}'")},
                      evidence=(evidence,), key=f"{where}|{ident}|prechecked")
            break
        if not form.get("notice"):
            yield Hit(values={"form": label, "page": where,
                              "problem": localised("kein Datenschutzhinweis am Formular", "no privacy notice at the form")},
                      evidence=(evidence,), key=f"{where}|{ident}|notice")
    yield from _chat_hits(ctx, params)


def _chat_evidence(widget: ChatWidget) -> Evidence:
    return Evidence("chat_widget", {"page": widget.page, "vendor": widget.vendor, "product": widget.product or None,
                                    "notice": widget.notice, "read": widget.read,
                                    "fields": ", ".join(widget.fields) or None,
                                    "notice_text": widget.notice_text,
                                    "before_consent": True if widget.before_consent else None,
                                    "matched": ", ".join(widget.matched) or None})


def statement_names_chat(statement: Statement | None, vendor: str, product: str, terms: str) -> bool:
    """Whether the privacy statement mentions a chat, the chat product or its vendor (by name or alias)."""
    if statement is None:
        return False
    names = {vendor, product} | set(_vendor_aliases(vendor))
    listed = {v.casefold() for v in statement.vendors}
    if any(n.casefold() in listed for n in names if n):
        return True
    text = statement.text or ""
    if terms and re.search(terms, text, re.IGNORECASE):
        return True
    return any(re.search(r"(?<![\w-])" + re.escape(n) + r"(?![\w-])", text, re.IGNORECASE) for n in names if n)


def _vendor_aliases(vendor: str) -> tuple[str, ...]:
    try:
        from privacygap.crawl.trackers import load_trackers

        known = load_trackers().vendor(vendor)
    except Exception:  # the crawl catalog is missing (a stripped install): names only
        return ()
    return known.aliases if known else ()


def _chat_hits(ctx: CheckContext, params: dict) -> Iterable[Hit]:
    """WEB012 for chat widgets: one hit per vendor whose window shows no privacy notice.

    The widget is the same on every page, so a notice seen on any page clears it. Where no
    page let us read the window (``unknown``), the privacy statement decides: if it names
    the chat or the vendor, visitors can learn about it; otherwise a finding to review.
    """
    consent = ctx.consent
    assert consent is not None
    by_vendor: dict[str, list[ChatWidget]] = {}
    for widget in consent.chat_widgets:
        by_vendor.setdefault(widget.vendor, []).append(widget)
    for vendor, widgets in by_vendor.items():
        if any(w.notice == "yes" for w in widgets):
            continue
        product = widgets[0].product or vendor
        label = localised(f"Chat-Widget {product}", f"Chat widget {product}")
        # One widget per page (by identity), first address kept.
        pages: dict[str, ChatWidget] = {}
        for widget in widgets:
            pages.setdefault(page_identity(widget.page), widget)
        without = [w for w in pages.values() if w.notice == "no"]
        shown = without or list(pages.values())
        where = ", ".join(urlsplit(page_identity(w.page)).path or w.page for w in shown[:3])
        evidence = tuple(_chat_evidence(w) for w in shown[:5])
        if without:
            read = without[0].read
            problem = (localised("kein Datenschutzhinweis im Vorab-Formular des Chats",
                                 "no privacy notice in the chat's pre-chat form") if read == "pre_chat_form" else
                       localised("kein Datenschutzhinweis im Chatfenster", "no privacy notice in the chat window"))
            yield Hit(values={"form": label, "page": where, "problem": problem}, evidence=evidence,
                      key=f"chat|{vendor}|notice")
            continue
        if statement_names_chat(ctx.statement, vendor, product, params.get("chat_terms", "")):
            continue
        problem = localised("Chat-Widget ohne Datenschutzhinweis: das Chatfenster ließ sich nicht lesen, und die "
                            "Datenschutzerklärung erwähnt weder einen Chat noch den Anbieter",
                            "chat widget without notice: the chat window could not be read, and the privacy "
                            "statement mentions neither a chat nor the vendor")
        yield Hit(values={"form": label, "page": where, "problem": problem}, evidence=evidence,
                  key=f"chat|{vendor}|unknown", confidence=Confidence.MEDIUM, needs_human_review=True)


# What each kind of legal link is called in the messages.
_LINK_NAMES = {"privacy": localised("zur Datenschutzerklärung", "to the privacy statement"),
               "imprint": localised("zum Impressum", "to the imprint")}
_FOCUS_PROBLEMS = {
    "inert": localised("als inert markiert", "marked inert"),
    "aria-hidden": localised("per aria-hidden verborgen", "hidden with aria-hidden"),
    "tabindex": localised("mit tabindex=-1 aus der Tab-Reihenfolge genommen", "taken out of the tab order by tabindex=-1"),
    "focus_moved": localised("der Fokus springt zurück in den Banner", "the focus is pulled back into the banner"),
}


def _blocked_how(link: LegalLink, hidden: bool = False) -> dict[str, str]:
    """Why a link cannot be used while the banner is open, in both languages."""
    if hidden:
        return localised("ausgeblendet", "hidden")
    parts_de, parts_en = [], []
    if link.clickable is False:
        parts_de.append(f"verdeckt von {link.covered_by or 'einem anderen Element'}")
        parts_en.append(f"covered by {link.covered_by or 'another element'}")
    if link.focusable is False:
        problem = _FOCUS_PROBLEMS.get(link.focus_problem or "", localised("nicht fokussierbar", "not focusable"))
        parts_de.append(f"per Tastatur nicht erreichbar ({problem['de']})")
        parts_en.append(f"not reachable by keyboard ({problem['en']})")
    return localised(" und ".join(parts_de), " and ".join(parts_en))


def _missing_hit(link_kind: str, pages: list[PageLinks]) -> Hit | None:
    """One hit for every page (by identity) on which no visit saw a link of ``link_kind``."""
    seen_with: set[str] = set()
    first_url: dict[str, str] = {}
    for page in pages:
        ident = page_identity(page.url)
        first_url.setdefault(ident, page.url)
        if getattr(page, link_kind) is not None:
            seen_with.add(ident)
    # A page counts as having the link when any visit saw it: a page read mid-transition
    # (right after the reject click) must not make a finding on its own.
    without = [url for ident, url in first_url.items() if ident not in seen_with]
    if not without:
        return None
    name = _LINK_NAMES[link_kind]
    count, checked = len(without), len(first_url)
    problem = localised(f"Auf {count} von {checked} besuchten Seiten fehlt ein Link {name['de']}",
                        f"{count} of {checked} pages visited have no link {name['en']}")
    return Hit(values={"problem": problem, "pages": ", ".join(without[:5]), "count": count, "checked": checked},
               evidence=tuple(Evidence("legal_link", {"url": url, "link": link_kind, "problem": "missing"})
                              for url in without[:5]),
               key=f"{link_kind}|missing",
               # The imprint is reported alongside (§ 5 DDG), below the statement's severity.
               severity=Severity.LOW if link_kind == "imprint" else None)


def _usable(link: LegalLink | None) -> bool:
    return link is not None and link.clickable is not False and link.focusable is not False


def _blocked_hit(link_kind: str, pages: list[PageLinks]) -> Hit | None:
    """A hit when, with the banner open, the page's link of ``link_kind`` cannot be used.

    A usable link of the same kind inside the banner keeps the page reachable: that is
    what a visitor would use while the banner covers the footer.
    """
    # A cookie wall may hide the whole page while it is open: the link the same page shows
    # after the choice is then missing only while the banner is there.
    later = {page_identity(p.url): getattr(p, link_kind) for p in reversed(pages)
             if not p.banner_open and getattr(p, link_kind) is not None}
    for page in pages:
        link = getattr(page, link_kind)
        hidden = link is None and page_identity(page.url) in later
        if hidden:
            link = later[page_identity(page.url)]
        if not page.banner_open or link is None or _usable(getattr(page, f"banner_{link_kind}")):
            continue
        if not hidden and _usable(link):
            continue
        name = _LINK_NAMES[link_kind]
        how = _blocked_how(link, hidden)
        problem = localised(
            f"Solange der Cookie-Banner offen ist, ist der Link „{link.text}“ {name['de']} {how['de']}",
            f"While the cookie banner is open, the link '{link.text}' {name['en']} is {how['en']}")
        evidence = Evidence("legal_link", {"url": page.url, "link": link_kind, "problem": "blocked",
                                           "text": link.text, "href": link.href or None,
                                           "hidden": True if hidden else None,
                                           "covered_by": link.covered_by if link.clickable is False else None,
                                           "focus_problem": link.focus_problem if link.focusable is False else None,
                                           "focus_went_to": link.focus_went_to if link.focusable is False else None})
        # One finding per kind of link: the banner is the same on every page it opens on.
        return Hit(values={"problem": problem, "pages": page.url, "count": 1, "checked": 1},
                   evidence=(evidence,), key=f"{link_kind}|blocked",
                   severity=Severity.LOW if link_kind == "imprint" else None)
    return None


@kind("legal_links_unreachable")
def legal_links_unreachable(ctx: CheckContext, params: dict) -> Iterable[Hit]:
    """POL001: pages without a link to the privacy statement (or imprint), and links the open banner blocks.

    The browser's reading of the pages is used when there is one; otherwise the pages the
    static crawl fetched (start page, statement, imprint), which can show a missing link
    but not a blocked one. ``params.links`` names the links checked (default: privacy and imprint).
    """
    consent = ctx.consent
    source = consent.legal_links if consent is not None and consent.legal_links else ctx.pages
    pages = [p for p in source if not p.error]
    if not pages:
        return  # an older report or a visit that read no page: nothing to judge
    for link_kind in params.get("links", ["privacy", "imprint"]):
        for hit in (_missing_hit(link_kind, pages), _blocked_hit(link_kind, pages)):
            if hit is not None:
                yield hit
