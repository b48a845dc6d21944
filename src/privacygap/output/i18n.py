"""The fixed words of the reports in German and English (check texts live in the catalog)."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "title": {"de": "Datenschutz-Abgleich", "en": "Privacy gap report"},
    "disclaimer": {"de": "Hinweis, keine Rechtsberatung: automatische Prüfung, Ergebnisse bitte mit Ihrer/Ihrem DSB bewerten.",
                   "en": "Indication, not legal advice: an automatic check; please assess the results with your DPO."},
    "site": {"de": "Website", "en": "Site"},
    "statement": {"de": "Datenschutzerklärung", "en": "Privacy statement"},
    "date": {"de": "Datum", "en": "Date"},
    "version": {"de": "Version", "en": "Version"},
    "verdict": {"de": "Ergebnis", "en": "Verdict"},
    "light_red": {"de": "Rot", "en": "Red"},
    "light_amber": {"de": "Gelb", "en": "Amber"},
    "light_green": {"de": "Grün", "en": "Green"},
    "todo": {"de": "Die drei wichtigsten Schritte", "en": "The three things to do first"},
    "gap": {"de": "Die Lücke auf einen Blick", "en": "The gap at a glance"},
    "category": {"de": "Kategorie", "en": "Category"},
    "declared": {"de": "in der Erklärung genannt", "en": "declared in the statement"},
    "stored": {"de": "im CRM gespeichert", "en": "stored in the CRM"},
    "website": {"de": "auf der Website gesetzt", "en": "set on the website"},
    "status": {"de": "Status", "en": "Status"},
    "st_undisclosed": {"de": "nicht offengelegt", "en": "undisclosed"},
    "st_denied": {"de": "bestritten, aber gespeichert", "en": "denied but stored"},
    "st_ok": {"de": "offengelegt", "en": "disclosed"},
    "st_declared_only": {"de": "nur in der Erklärung", "en": "statement only"},
    "special": {"de": "besondere Kategorie (Art. 9/10)", "en": "special category (Art. 9/10)"},
    "yes": {"de": "ja", "en": "yes"},
    "no": {"de": "nein", "en": "no"},
    "denied": {"de": "verneint", "en": "denied"},
    "banner": {"de": "Cookie-Banner", "en": "Cookie banner"},
    "no_banner": {"de": "Kein Cookie-Banner gefunden.", "en": "No cookie banner found."},
    "browser_skipped": {"de": "Die Website wurde nicht im Browser besucht.", "en": "The site was not visited in a browser."},
    "buttons": {"de": "Schaltflächen des Banners", "en": "Banner buttons"},
    "layer": {"de": "Ebene", "en": "Layer"},
    "role": {"de": "Rolle", "en": "Role"},
    "role_accept": {"de": "Zustimmen", "en": "accept"},
    "role_reject": {"de": "Ablehnen", "en": "reject"},
    "role_settings": {"de": "Einstellungen", "en": "settings"},
    "role_close": {"de": "Schließen", "en": "close"},
    "role_other": {"de": "sonstige", "en": "other"},
    "phase_before_consent": {"de": "vor der Einwilligung", "en": "before consent"},
    "phase_after_reject": {"de": "nach Ablehnen", "en": "after reject"},
    "phase_after_accept": {"de": "nach Zustimmen", "en": "after accept"},
    "cookies": {"de": "Cookies", "en": "Cookies"},
    "hosts": {"de": "Drittanbieter-Hosts", "en": "Third-party hosts"},
    "none": {"de": "keine", "en": "none"},
    "findings": {"de": "Befunde", "en": "Findings"},
    "no_findings": {"de": "Keine Befunde.", "en": "No findings."},
    "sev_critical": {"de": "Kritisch", "en": "Critical"},
    "sev_high": {"de": "Hoch", "en": "High"},
    "sev_medium": {"de": "Mittel", "en": "Medium"},
    "sev_low": {"de": "Niedrig", "en": "Low"},
    "what_we_saw": {"de": "Was wir gesehen haben", "en": "What we saw"},
    "why": {"de": "Warum es zählt", "en": "Why it matters"},
    "fix": {"de": "Was zu tun ist", "en": "What to do"},
    "norm": {"de": "Norm", "en": "Norm"},
    "review": {"de": "Bitte von Hand prüfen.", "en": "Needs human review."},
    "method": {"de": "Methode und Grenzen", "en": "Method and limits"},
    "method_text": {
        "de": "privacygap liest die Datenschutzerklärung, die Feldliste (nur Metadaten, keine Inhalte) des CRM und – falls angegeben – "
              "Notizen, von denen nur geschwärzte Ausschnitte und gehashte Datensatz-IDs im Bericht stehen. Die Website wird in "
              "Chromium in drei Phasen besucht. Nicht sichtbar sind: interne Verträge (AVV), Einwilligungsnachweise, "
              "tatsächliche Löschpraxis und Inhalte außerhalb der exportierten Felder.",
        "en": "privacygap reads the privacy statement, the CRM's field list (metadata only, no contents) and, if given, notes, of which "
              "the report shows only redacted snippets and hashed record ids. The site is visited in Chromium in three phases. "
              "Not visible from outside: internal contracts (DPAs), consent records, actual deletion practice and content "
              "outside the exported fields."},
    "errors": {"de": "Nicht vollständig geprüft", "en": "Not fully checked"},
    "sources": {"de": "Quellen", "en": "Sources"},
    "hash": {"de": "SHA-256 der Erklärung", "en": "SHA-256 of the statement"},
    "browser": {"de": "Browser", "en": "Browser"},
    "checks_ran": {"de": "Ausgeführte Prüfungen", "en": "Checks run"},
    "checks_skipped": {"de": "Übersprungen (Eingabe fehlt)", "en": "Skipped (input missing)"},
    "field": {"de": "CRM-Feld", "en": "CRM field"},
    "note": {"de": "CRM-Notiz", "en": "CRM note"},
    "quote": {"de": "Zitat", "en": "Quote"},
    "section": {"de": "Abschnitt", "en": "section"},
    "cookie": {"de": "Cookie", "en": "Cookie"},
    "who": {"de": "Wer", "en": "Who"},
    "nothing_to_do": {"de": "Nichts Dringendes – die Prüfung fand keinen Befund der Stufe „hoch“ oder „kritisch“.",
                      "en": "Nothing urgent: the check found nothing rated high or critical."},
}


def t(key: str, lang: str) -> str:
    """The text ``key`` in ``lang`` (falls back to English, then to the key)."""
    entry = TEXTS.get(key)
    if not entry:
        return key
    return entry.get(lang) or entry.get("en") or key
