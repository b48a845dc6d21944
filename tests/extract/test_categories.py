"""Categories: enumerations, compounds, umbrella terms, negation, third parties, exact quotes."""

from __future__ import annotations

from privacygap.extract.statement import analyse_statement


def analyse(text: str, lang: str = "de", fmt: str = "markdown"):
    return analyse_statement(text, fmt=fmt, language=lang)


def claims(statement, polarity: str = "declared") -> dict:
    return {c.category: c for c in getattr(statement, polarity)}


def test_enumeration_in_parentheses_declares_each_item():
    s = analyse("## Kontaktformular\n\nÜber das Formular erheben wir Angaben (Name, E-Mail, Nachricht) und speichern sie.")
    assert {"user.name", "user.contact.email", "user.content.communications"} <= s.declared_keys()


def test_weak_terms_outside_an_enumeration_declare_nothing():
    # "per E-Mail" is a channel, "Telefon:" a contact line, "Name und Anschrift des Verantwortlichen" a heading phrase.
    s = analyse("## Kontakt\n\nSie erreichen uns per E-Mail oder per Telefon.\n\nTelefon: 0221 123456\n\n"
                "## Name und Anschrift des Verantwortlichen\n\nFirma Beispiel, Weg 1, 50667 Köln")
    assert not s.declared_keys() & {"user.contact.email", "user.contact.phone_number", "user.name"}


def test_channel_list_is_not_a_data_list():
    s = analyse("## Anfragen\n\nFragen Sie per E-Mail, Telefon oder Telefax an, speichern wir Ihre Anfrage (Name, Anfrage).")
    assert "user.contact.phone_number" not in s.declared_keys()
    assert "user.contact.fax_number" not in s.declared_keys()
    assert {"user.name", "user.content.communications"} <= s.declared_keys()


def test_elliptic_compounds_and_inflection():
    s = analyse("## Aufträge\n\nWir speichern Kontakt- und Adressdaten, Telefon- und Faxnummern, Vor- und Nachnamen "
                "sowie Geburtsdaten unserer Kunden.")
    assert {"user.contact.address", "user.contact.phone_number", "user.contact.fax_number", "user.name",
            "user.demographic.date_of_birth"} <= s.declared_keys()
    # the parent is dropped once a child is declared (most specific key)
    assert "user.contact" not in s.declared_keys()


def test_umbrella_defined_by_the_statement_itself():
    s = analyse("## Buchung\n\nWir erheben Kontaktdaten (dazu zählen E-Mail-Adresse und Mobilnummer).\n\n"
                "## Service\n\nVor der Reise nutzen wir Ihre Kontaktdaten für Hinweise.")
    assert {"user.contact.email", "user.contact.phone_number"} <= s.declared_keys()
    assert "user.contact" not in s.declared_keys()
    # the later, bare mention is quoted for the defined children too
    email = claims(s)["user.contact.email"]
    assert any("Vor der Reise" in q.text for q in email.quotes)


def test_undefined_umbrella_falls_back_to_its_default_key():
    s = analyse("## Hosting\n\nDabei werden Kontaktdaten und Nutzungsdaten verarbeitet.")
    assert {"user.contact", "user.behavior.browsing_history"} <= s.declared_keys()
    assert claims(s)["user.contact"].rule.startswith("umbrella:")


def test_negation_german():
    s = analyse("## Grundsätze\n\nWir erheben keine Gesundheitsdaten. Diese Website setzt keine Cookies. "
                "Ihre IP-Adresse wird von uns nicht gespeichert. Es werden keine personenbezogenen Profile gebildet. "
                "Wir verzichten auf jede Reichweitenmessung.")
    assert s.negated_keys() == {"user.health_and_medical", "user.device.cookie_id", "user.device.ip_address",
                                "user.behavior.scoring", "user.behavior.browsing_history"}
    assert not s.declared_keys()


def test_negation_english():
    s = analyse("## Data\n\nWe do not collect health information. No cookies are set on this website. "
                "There is no tracking and no profiling.", lang="en")
    assert {"user.health_and_medical", "user.device.cookie_id", "user.behavior.browsing_history",
            "user.behavior.scoring"} <= s.negated_keys()
    assert not s.declared_keys() & s.negated_keys()


def test_not_sharing_is_not_a_denial():
    s = analyse("## Newsletter\n\nIhre E-Mail-Adresse wird nicht an Dritte weitergegeben.")
    assert "user.contact.email" in s.declared_keys()
    assert not s.negated_keys()


def test_a_declaration_elsewhere_wins_over_a_denial():
    s = analyse("## Cookies\n\nWir setzen keine Tracking-Cookies.\n\n## Warenkorb\n\nEin technisch notwendiges Cookie "
                "merkt sich Ihren Warenkorb.")
    assert "user.device.cookie_id" in s.declared_keys()
    assert "user.device.cookie_id" not in s.negated_keys()


def test_third_party_own_processing_is_kept_apart():
    s = analyse("## Facebook-Seite\n\nWenn Sie in Ihrem Facebook-Konto eingeloggt sind, kann Meta Ihren Besuch Ihrem Profil "
                "zuordnen und Ihr Geburtsdatum für eigene Zwecke auswerten.\n\n## Newsletter\n\n"
                "Wir speichern Ihre E-Mail-Adresse.")
    assert "user.demographic.date_of_birth" in claims(s, "third_party")
    assert "user.demographic.date_of_birth" not in s.declared_keys()
    assert "user.contact.email" in s.declared_keys()


def test_on_our_behalf_is_our_processing():
    s = analyse("## Analyse\n\nDie von Google in unserem Auftrag erhobenen Daten über Ihr Nutzungsverhalten werten wir aus.")
    assert "user.behavior.browsing_history" in s.declared_keys()


def test_contact_form_message_is_communications():
    s = analyse("## Kontaktformular\n\nWenn Sie uns über das Formular schreiben, werden Ihre Angaben zur Bearbeitung der "
                "Anfrage bei uns gespeichert.")
    claim = claims(s)["user.content.communications"]
    assert claim.rule == "contact-message"


def test_server_logs_declare_the_ip_address():
    s = analyse("## Hosting\n\nUnser Hoster erstellt Server-Logfiles.")
    assert "user.device.ip_address" in s.declared_keys()


def test_definitions_and_rights_catalogues_declare_nothing():
    s = analyse("## Begriffsbestimmungen\n\nPersonenbezogene Daten sind Angaben wie Name, Standortdaten oder "
                "Online-Kennung.\n\n## Ihre Rechte\n\nSie haben das Recht auf Auskunft über die Herkunft Ihrer Daten, "
                "etwa Ihre Telefonnummer.")
    assert not s.declared_keys()


def test_quotes_are_exact_substrings_with_offsets():
    text = ("<h1>Datenschutz</h1><h2>Bewerbungen</h2><p>Für Bewerbungen verarbeiten wir Ihren Namen, Ihre Anschrift, "
            "Ihr Geburtsdatum und Zeugnisse.</p><h2>Keine Analyse</h2><p>Wir erheben keine Gesundheitsdaten.</p>")
    s = analyse_statement(text, fmt="html", language="de")
    all_claims = s.declared + s.negated + s.third_party
    assert all_claims
    for claim in all_claims:
        for quote in claim.quotes:
            assert quote.text and quote.text in s.text
            assert s.text[quote.start:quote.end] == quote.text
    assert claims(s)["user.demographic.date_of_birth"].quotes[0].section == "Bewerbungen"


def test_long_sentence_quote_is_a_window_around_the_hit():
    filler = "Dies ist ein langer Satz über allgemeine Dinge, der nichts Bestimmtes sagt, " * 8
    s = analyse(f"## Abschnitt\n\n{filler}und zuletzt speichern wir Ihre Steuer-ID im System.")
    quote = claims(s)["user.government_id"].quotes[0]
    assert len(quote.text) <= 400
    assert "Steuer-ID" in quote.text
    assert s.text[quote.start:quote.end] == quote.text


def test_apposition_and_complaint_addresses_are_not_data_items():
    s = analyse("## Hosting\n\nIhr Besuch wird von unserem Provider (Firma, die unsere Server betreibt) protokolliert.\n\n"
                "## Beschwerde\n\nEine Liste der Aufsichtsbehörden mit Anschrift finden Sie online.")
    assert "user.contact.organization" not in s.declared_keys()
    assert "user.contact.address" not in s.declared_keys()


def test_table_cells_are_enumerations():
    html = ("<h1>Datenschutz</h1><h2>Daten</h2><table><tr><th>Kategorie</th><th>Beispiele</th></tr>"
            "<tr><td>Stammdaten</td><td>Name, Anrede</td></tr><tr><td>Beruf</td><td>Position | Abteilung</td></tr></table>")
    s = analyse_statement(html, fmt="html", language="de")
    assert {"user.name", "user.demographic.gender", "user.job_title"} <= s.declared_keys()


def test_object_first_negation():
    s = analyse("## Besondere Kategorien\n\nGesundheitsdaten verarbeiten wir nicht.")
    assert s.negated_keys() == {"user.health_and_medical"}
    assert s.negated[0].quotes[0].text == "Gesundheitsdaten verarbeiten wir nicht."


def test_stored_banner_choice_declares_privacy_preferences_but_changing_it_does_not():
    german = analyse("## Cookies\n\nDas Cookie „fw_consent“ speichert Ihre Auswahl im Cookie-Banner für sechs Monate.")
    quote = claims(german)["user.privacy_preferences"].quotes[0]
    assert quote.text == "Das Cookie „fw_consent“ speichert Ihre Auswahl im Cookie-Banner für sechs Monate."
    english = analyse("## Cookies\n\nYour preferences are remembered in the cookie fw_consent for six months.", lang="en")
    assert "user.privacy_preferences" in english.declared_keys()
    # Being able to change a choice is a right, not a stored category.
    assert "user.privacy_preferences" not in analyse("## Cookies\n\nSie können Ihre Auswahl jederzeit ändern.").declared_keys()
    assert "user.privacy_preferences" not in analyse("## Cookies\n\nYour settings can be changed at any time.",
                                                     lang="en").declared_keys()
