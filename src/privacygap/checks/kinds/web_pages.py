"""Kinds over the site's pages after the banner (WEB008 withdrawal control, WEB012 forms)."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from privacygap.checks.kinds import CheckContext, Hit, kind
from privacygap.models import Evidence


@kind("no_withdrawal_control")
def no_withdrawal_control(ctx: CheckContext, params: dict) -> Iterable[Hit]:
    """WEB008: pages visited after the choice without a way to reopen the cookie settings."""
    consent = ctx.consent
    assert consent is not None
    pages = consent.signals.get("after_reject_pages")
    if not consent.banner_found or not pages:
        return
    checked = [p for p in pages if not p.get("error")]
    without = [p["url"] for p in checked if not p.get("withdrawal_control")]
    if not without:
        return
    unique = list(dict.fromkeys(without))
    yield Hit(values={"pages": ", ".join(unique[:5]), "count": len(unique), "checked": len({p["url"] for p in checked})},
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
        label = f"{form.get('vendor')} form" if form.get("vendor") else "form"
        for box in form.get("prechecked") or ():
            yield Hit(values={"form": label, "page": where, "problem": f"pre-ticked opt-in '{box}'"},
                      evidence=(evidence,), key=f"{where}|{ident}|prechecked")
            break
        if not form.get("notice"):
            yield Hit(values={"form": label, "page": where, "problem": "no privacy notice at the form"},
                      evidence=(evidence,), key=f"{where}|{ident}|notice")
