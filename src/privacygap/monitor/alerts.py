"""Tell someone when a target has something new at or above its ``min_severity``.

Two channels: a webhook (JSON POST with a timeout) and e-mail (smtplib). An alert that
fails is recorded with its error and the run carries on: monitoring must never stop
because a chat server or mail relay is down.

Destinations are recorded masked (webhook paths often carry tokens; only scheme and host
are kept), and the SMTP password comes only from ``PRIVACYGAP_SMTP_PASSWORD``.
"""

from __future__ import annotations

import os
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any
from urllib.parse import urlsplit

import requests

from privacygap import __version__
from privacygap.monitor.diff import describe, new_at_or_above
from privacygap.monitor.targets import SmtpSettings, Target

WEBHOOK_TIMEOUT = (5.0, 10.0)  # connect, read


@dataclass(frozen=True)
class AlertAttempt:
    """One alert sent or tried: channel, masked destination, outcome."""

    channel: str
    destination: str
    ok: bool
    error: str | None = None


def mask_webhook(url: str) -> str:
    """``scheme://host[:port]/…``: enough to tell which hook, without its secret path."""
    parts = urlsplit(url)
    host = parts.hostname or "?"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}/…"


def alert_payload(target: Target, *, run_id: str, report: str | None, changes: dict[str, Any]) -> dict[str, Any]:
    """The JSON body of a webhook alert (also the basis of the e-mail)."""
    findings = new_at_or_above(changes, target.alerts.min_severity)
    summary = {k: changes.get(k) for k in ("first_run", "statement_changed", "changed_sections", "new_cookies",
                                           "removed_cookies", "new_fields", "removed_fields", "banner_changed")}
    return {
        "schema_version": 1,
        "event": "new_findings",
        "tool": {"name": "privacygap", "version": __version__},
        "target": {"name": target.name, "url": target.url},
        "run_id": run_id,
        "report": report,
        "min_severity": target.alerts.min_severity,
        "new_findings": findings,
        "changes": summary,
        "text": f"{target.name}: {len(findings)} new finding(s) at or above {target.alerts.min_severity}",
    }


def send_webhook(url: str, payload: dict[str, Any], *, timeout: Any = WEBHOOK_TIMEOUT) -> None:
    """POST ``payload`` as JSON; raises on a network error or a non-2xx answer."""
    response = requests.post(url, json=payload, timeout=timeout,
                             headers={"User-Agent": f"privacygap/{__version__} (monitor alert)"})
    if not 200 <= response.status_code < 300:
        raise RuntimeError(f"HTTP {response.status_code}")


# The fixed lines of the alert e-mail per language; finding messages come in the run's language already.
MAIL_WORDS: dict[str, dict[str, str]] = {
    "en": {"subject": "{n} new finding(s) at or above {severity}", "site": "Site", "run": "Run", "report": "Report",
           "new": "New findings:", "other": "Other changes", "disclaimer": "privacygap gives indications, not legal advice."},
    "de": {"subject": "{n} neue(r) Befund(e) ab Schwere {severity}", "site": "Website", "run": "Lauf",
           "report": "Bericht", "new": "Neue Befunde:", "other": "Weitere Änderungen",
           "disclaimer": "privacygap gibt Hinweise, keine Rechtsberatung.",
           "critical": "kritisch", "high": "hoch", "medium": "mittel", "low": "niedrig"},
}


def email_message(payload: dict[str, Any], *, sender: str, recipients: tuple[str, ...],
                  changes: dict[str, Any], lang: str = "en") -> EmailMessage:
    """The plain-text e-mail for an alert payload, in ``lang`` (de or en)."""
    w = MAIL_WORDS.get(lang, MAIL_WORDS["en"])
    message = EmailMessage()
    severity = payload["min_severity"]
    subject = w["subject"].format(n=len(payload["new_findings"]), severity=w.get(severity, severity))
    message["Subject"] = f"[privacygap] {payload['target']['name']}: {subject}"
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    lines = [f"{payload['target']['name']}: {subject}", "",
             f"{w['site']}: {payload['target']['url'] or '-'}", f"{w['run']}: {payload['run_id']}"]
    if payload.get("report"):
        lines.append(f"{w['report']}: {payload['report']}")
    lines += ["", w["new"]]
    for f in payload["new_findings"]:
        subject_of = " ".join(part for part in (f["check_id"], f.get("category")) if part)
        lines.append(f"  [{f['severity']}] {subject_of}: {f.get('message') or ''}".rstrip())
    lines += ["", f"{w['other']}: {describe(changes, lang)}", "", w["disclaimer"]]
    message.set_content("\n".join(lines))
    return message


def send_email(message: EmailMessage, smtp: SmtpSettings) -> None:
    """Deliver ``message`` through the configured SMTP server; raises on failure."""
    password = os.environ.get("PRIVACYGAP_SMTP_PASSWORD")
    with smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout) as client:
        if smtp.starttls:
            client.starttls(context=ssl.create_default_context())
        if smtp.username and password:
            client.login(smtp.username, password)
        client.send_message(message)


def send_alerts(target: Target, changes: dict[str, Any] | None, *, run_id: str, report: str | None,
                smtp: SmtpSettings) -> list[AlertAttempt]:
    """Send the target's alerts if ``changes`` holds new findings at or above ``min_severity``.

    Returns the attempts (empty when nothing is due); never raises for a failed delivery.
    """
    if not target.alerts.enabled or not changes or not new_at_or_above(changes, target.alerts.min_severity):
        return []
    payload = alert_payload(target, run_id=run_id, report=report, changes=changes)
    attempts: list[AlertAttempt] = []
    if target.alerts.webhook:
        destination = mask_webhook(target.alerts.webhook)
        try:
            send_webhook(target.alerts.webhook, payload)
            attempts.append(AlertAttempt("webhook", destination, True))
        except Exception as exc:  # noqa: BLE001 - any failure is recorded, none may stop the run
            attempts.append(AlertAttempt("webhook", destination, False, _reason(exc, target.alerts.webhook)))
    if target.alerts.email:
        destination = ", ".join(target.alerts.email)
        try:
            send_email(email_message(payload, sender=smtp.sender, recipients=target.alerts.email, changes=changes,
                                          lang=target.lang or "en"),
                       smtp)
            attempts.append(AlertAttempt("email", destination, True))
        except Exception as exc:  # noqa: BLE001 - as above
            attempts.append(AlertAttempt("email", destination, False, _reason(exc, None)))
    return attempts


def _reason(exc: Exception, secret_url: str | None) -> str:
    text = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
    # requests repeats the URL in its messages; keep the hook's token out of the store.
    if secret_url:
        text = text.replace(secret_url, mask_webhook(secret_url))
        path = urlsplit(secret_url).path
        if len(path) > 1:
            text = text.replace(path, "/…")
    return text
