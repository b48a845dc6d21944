"""Kinds over the site's pages after the banner (WEB008 withdrawal control, WEB012 forms)."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit, urlunsplit

from privacygap.checks.kinds import CheckContext, Hit, kind, localised
from privacygap.models import Evidence

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
    """WEB012: a form collecting personal data without a privacy notice link, or with a pre-ticked opt-in."""
    consent = ctx.consent
    assert consent is not None
    crm_only = params.get("crm_only", False)
    for form in consent.signals.get("forms") or ():
        if crm_only and not form.get("vendor"):
            continue
        where = urlsplit(form.get("page", "")).path or form.get("page", "")
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
