"""The sixteen Art. 13/14 elements, each with a text that has it and one that does not."""

from __future__ import annotations

import pytest

from privacygap.extract.statement import analyse_statement
from privacygap.models import ELEMENT_KEYS

BASE = "# Datenschutz\n\n## Allgemeines\n\nDiese Hinweise erklären, wie wir mit Daten umgehen.\n\n"

# element -> (German text that has it, text that lacks it or only looks like it)
CASES = {
    "controller_identity": (
        "## Verantwortlicher\n\nVerantwortlich ist die Amsel GmbH, Parkweg 2, 04109 Leipzig, info@amsel.example.",
        "## Verantwortlicher\n\nVerantwortlich ist [Name einfügen], [Adresse einfügen]. Fragen an info@amsel.example."),
    "dpo_contact": (
        "## Datenschutzbeauftragter\n\nUnseren Datenschutzbeauftragten erreichen Sie unter dsb@amsel.example.",
        "## Datenschutzbeauftragter\n\nWir sind nicht verpflichtet, einen Datenschutzbeauftragten zu benennen."),
    "legal_basis": (
        "## Kontakt\n\nRechtsgrundlage ist Art. 6 Abs. 1 lit. b DSGVO.",
        "## Kontakt\n\nWir beantworten Ihre Anfrage."),
    "legitimate_interest_named": (
        "## Logs\n\nUnser berechtigtes Interesse besteht in der Sicherheit des Servers (Art. 6 Abs. 1 lit. f DSGVO).",
        "## Logs\n\nDie Verarbeitung beruht auf Art. 6 Abs. 1 lit. f DSGVO."),
    "recipients": (
        "## Hosting\n\nEmpfänger der Daten ist unser Hosting-Dienstleister.",
        "## Hosting\n\nWir betreiben die Seite auf eigener Hardware im Büro."),
    "third_country": (
        "## Newsletter\n\nDer Versand kann Daten in Drittländer übermitteln; wir nutzen Standardvertragsklauseln.",
        "## Newsletter\n\nDer Versand erfolgt über einen Dienstleister in Deutschland."),
    "retention": (
        "## Speicherdauer\n\nWir löschen Anfragen nach 6 Monaten.",
        "## Speicherdauer\n\nWir speichern Daten nur so lange wie erforderlich."),
    "rights_access_etc": (
        "## Rechte\n\nSie haben das Recht auf Auskunft über Ihre gespeicherten Daten.",
        "## Rechte\n\nFragen richten Sie bitte an uns."),
    "right_to_object": (
        "## Rechte\n\nSie können der Verarbeitung Ihrer Daten jederzeit widersprechen.",
        "## Hinweis\n\nWir widersprechen hiermit der Nutzung unserer Kontaktdaten für Werbung."),
    "objection_direct_marketing_separate": (
        "## Widerspruchsrecht\n\nNutzen wir Ihre Daten für Direktwerbung, können Sie dem jederzeit widersprechen.",
        "## Ihre Rechte\n\n- Auskunft\n- Widerspruch, auch gegen Direktwerbung\n- Beschwerde"),
    "withdraw_consent": (
        "## Einwilligung\n\nSie können Ihre Einwilligung jederzeit widerrufen.",
        "## Einwilligung\n\nDie Verarbeitung beruht auf Ihrer Einwilligung."),
    "complaint_authority": (
        "## Beschwerde\n\nSie können sich bei einer Aufsichtsbehörde beschweren.",
        "## Auskunft\n\nAuf Antrag erhalten Sie Auskunft über das Bestehen eines Beschwerderechts."),
    "crm_or_sales_section": (
        "## Interessenten und Kunden\n\nDaten von Interessenten speichern wir in unserem CRM-System.",
        "## Kontaktformular\n\nAnfragen beantworten wir per E-Mail."),
    "phone_calls": (
        "## Telefon\n\nWenn Sie uns anrufen, notieren wir Ihr Anliegen.",
        "## Verantwortlicher\n\nAmsel GmbH, Parkweg 2, 04109 Leipzig\n\nTelefon: 0341 000000"),
    "call_recording": (
        "## Telefon\n\nGespräche werden nur mit Ihrer Einwilligung aufgezeichnet.",
        "## Aufbewahrung\n\nBücher und Aufzeichnungen bewahren wir zehn Jahre auf."),
    "source_of_data": (
        "## Herkunft\n\nDaten, die wir nicht bei Ihnen erheben, stammen aus öffentlich zugänglichen Quellen wie dem Handelsregister.",
        "## Rechte\n\nSie haben das Recht auf Auskunft über die Herkunft Ihrer Daten."),
}


def test_every_element_has_a_case():
    assert set(CASES) == set(ELEMENT_KEYS)


@pytest.mark.parametrize("element", ELEMENT_KEYS)
def test_element_present(element):
    statement = analyse_statement(BASE + CASES[element][0], fmt="markdown", language="de")
    assert statement.elements[element] is True
    quote = statement.element_quotes.get(element)
    if quote is not None:
        assert statement.text[quote.start:quote.end] == quote.text


@pytest.mark.parametrize("element", ELEMENT_KEYS)
def test_element_absent(element):
    statement = analyse_statement(BASE + CASES[element][1], fmt="markdown", language="de")
    assert statement.elements[element] is False
    assert element not in statement.element_quotes


def test_english_elements():
    text = ("# Privacy\n\n## Controller\n\nOtter Labs Ltd, 3 Canal Street, 10115 Berlin, hi@otter.example.\n\n"
            "## Contact\n\nWe process your email address (Art. 6(1)(b) GDPR) and delete it after 3 months.\n\n"
            "## Your rights\n\nYou have the right of access and the right to object. You may withdraw your consent "
            "at any time and lodge a complaint with a supervisory authority.")
    statement = analyse_statement(text, fmt="markdown")
    assert statement.language == "en"
    expected = {"controller_identity", "legal_basis", "retention", "rights_access_etc", "right_to_object",
                "withdraw_consent", "complaint_authority"}
    assert {k for k, v in statement.elements.items() if v} == expected


def test_vendor_dpo_is_not_our_dpo():
    text = BASE + "## Formulare\n\nWir nutzen Jotform. Datenschutzbeauftragter von Jotform: privacy@jotform.example."
    assert analyse_statement(text, fmt="markdown", language="de").elements["dpo_contact"] is False
