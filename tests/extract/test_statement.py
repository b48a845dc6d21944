"""analyse_statement as a whole: vendors, language, formats, hashes and the signals the POL checks read."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from privacygap.extract.evaluate import evaluate_statements
from privacygap.extract.statement import analyse_statement, detect_format
from privacygap.extract.vendors import lookup
from privacygap.models import ELEMENT_KEYS

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "policies"


def test_vendors_are_recognised_by_alias_with_region():
    text = ("## Dienste\n\nWir nutzen HubSpot als CRM, versenden Newsletter über CleverReach, messen Besuche mit "
            "Matomo, hosten bei Hetzner und holen Einwilligungen über Usercentrics ein. Telefonie: sipgate.")
    statement = analyse_statement(text, fmt="markdown", language="de")
    assert statement.vendors == ("HubSpot", "CleverReach", "Matomo", "Hetzner", "Usercentrics", "sipgate")
    assert lookup("hubspot").region == "us" and lookup("HubSpot").kind == "crm"
    assert lookup("Sendinblue").name == "Brevo"
    assert lookup("Usercentrics").kind == "cmp" and lookup("Usercentrics").region == "eu"


def test_vendor_names_need_word_boundaries():
    statement = analyse_statement("## Text\n\nDie Zoomfunktion und das Wort Klarinette nennen keinen Anbieter.",
                                  fmt="markdown", language="de")
    assert statement.vendors == ()


def test_language_detection():
    assert analyse_statement("Wir verarbeiten Ihre Daten nur, wenn das erforderlich ist.", fmt="text").language == "de"
    assert analyse_statement("We only process your data where this is necessary.", fmt="text").language == "en"
    assert analyse_statement("We only process your data.", fmt="text", language="de").language == "de"
    # a clearly German text stays German even when the caller passes the report language "en"
    german = "Wir verarbeiten Ihre Daten nur, wenn das für die Bearbeitung Ihrer Anfrage erforderlich ist. " * 8
    assert analyse_statement(german, fmt="text", language="en").language == "de"


def test_detect_format():
    assert detect_format("datenschutz.html", "") == "html"
    assert detect_format("privacy.md", "") == "markdown"
    assert detect_format("seite.astro", "") == "markdown"
    assert detect_format("notice.txt", "") == "text"
    assert detect_format(None, "<!DOCTYPE html><html><body><p>x</p></body></html>") == "html"
    assert detect_format("https://example.com/datenschutz", "# Datenschutz\n\n## Kontakt\n\nText") == "markdown"
    assert detect_format(None, b"Datenschutz\n\nWir verarbeiten Daten.") == "text"


def test_hash_text_and_elements_of_bytes_input():
    raw = "# Datenschutz\n\n## Kontakt\n\nWir speichern Ihre E-Mail-Adresse.".encode("cp1252")
    statement = analyse_statement(raw, fmt="markdown", url="https://firma.example/datenschutz")
    assert statement.sha256 == hashlib.sha256(raw).hexdigest()
    assert "E-Mail-Adresse" in statement.text
    assert statement.url == "https://firma.example/datenschutz"
    assert statement.source_format == "markdown"
    assert set(statement.elements) == set(ELEMENT_KEYS)
    assert all(isinstance(v, bool) for v in statement.elements.values())


def test_unknown_format_is_an_error():
    with pytest.raises(ValueError, match="unknown statement format"):
        analyse_statement("x", fmt="pdf")


def test_transfer_signals():
    text = ("## Newsletter\n\nWir nutzen Mailchimp (USA). Mailchimp ist unter dem EU-US Privacy Shield zertifiziert.\n\n"
            "## Analyse\n\nWir setzen Google Analytics ein; es gelten Standardvertragsklauseln.")
    signals = analyse_statement(text, fmt="markdown", language="de").signals
    assert "Privacy Shield" in signals["privacy_shield"]["text"]
    assert signals["scc"] is True and signals["scc_copy_route"] is False and signals["dpf"] is False
    assert signals["third_country_vendors"] == ["Mailchimp", "Google Analytics"]


def test_privacy_shield_named_as_invalid_is_no_signal():
    text = "## USA\n\nDer frühere Privacy Shield ist seit 2020 ungültig; wir nutzen das Data Privacy Framework."
    signals = analyse_statement(text, fmt="markdown", language="de").signals
    assert signals["privacy_shield"] is None and signals["dpf"] is True


def test_legal_basis_signals():
    text = ("# Datenschutz\n\n## Kontaktformular\n\nWir speichern Ihre E-Mail-Adresse und Ihre Nachricht. "
            "Rechtsgrundlage ist Art. 6 Abs. 1 lit. a oder f DSGVO.\n\n"
            "## Newsletter\n\nFür den Newsletter speichern wir Ihre E-Mail-Adresse bis zur Abmeldung bei unserem Versanddienst.\n\n"
            "## Server-Logdateien\n\nDer Hoster speichert Ihre IP-Adresse 7 Tage lang auf Grundlage von Art. 6 Abs. 1 lit. f DSGVO.")
    signals = analyse_statement(text, fmt="markdown", language="de").signals
    assert signals["sections_without_legal_basis"] == ["Datenschutz / Newsletter"]
    assert signals["lit_f_without_interest"] == ["Datenschutz / Server-Logdateien"]
    assert "lit. a oder f" in signals["alternative_legal_bases"][0]["text"]
    assert signals["lit_f_cited"] is True


def test_rights_and_retention_signals():
    text = ("## Speicherdauer\n\nWir speichern Daten so lange wie erforderlich.\n\n"
            "## Rechte\n\nSie haben das Recht auf Auskunft, Berichtigung und Löschung.")
    signals = analyse_statement(text, fmt="markdown", language="de").signals
    assert signals["retention_generic_only"] is True
    assert signals["rights"] == {"access": True, "rectification": True, "erasure": True, "restriction": False,
                                 "portability": False, "objection": False, "withdrawal": False, "complaint": False}


@pytest.mark.skipif(not (CORPUS / "gold-dev.json").is_file(), reason="shared corpus not available")
def test_corpus_targets():
    """The research targets on the 20 labelled real statements (skipped without the corpus)."""
    result = evaluate_statements(CORPUS, CORPUS / "gold-dev.json")
    assert result["micro"]["precision"] >= 0.95
    assert result["micro"]["recall"] >= 0.90
    assert result["elements"]["accuracy"] >= 0.90
