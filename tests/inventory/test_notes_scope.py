"""Note scanning in context: negation scope, person-directed judgments, indirect pregnancy,
third-party sources and the business traps of the demo notes (German and English)."""

from __future__ import annotations

import pytest

from privacygap.inventory.notes import scan_note_texts, scan_text

HEALTH = "user.health_and_medical"
FAMILY = "user.demographic.family"
SCORING = "user.behavior.scoring"


def _hit(text: str):
    """The single NoteHit for one note, or None."""
    hits, count = scan_note_texts([("r1", text)], salt="test")
    assert count == 1
    return hits[0] if hits else None


# ------------------------------------------------------------------ negation scope


@pytest.mark.parametrize("text", [
    "Telefonat 20 Min.: Bedarf an CRM-Schulung bestätigt, keine gesundheitlichen Themen angesprochen.",
    "Kein Interesse an Golf, lieber Einladung zum Fachvortrag.",
    "Hat keine Kinder erwähnt; Angebot für Wartungsvertrag gesendet.",
    "Frau Ernst war nicht krank, sondern auf einer Messe.",
    "Sie ist nicht schwanger.",
])
def test_german_negation_governs_its_phrase(text):
    """kein/keine negate the noun phrase they govern (with its complement "an Golf"); nicht its clause."""
    assert _hit(text) is None


@pytest.mark.parametrize("text", [
    "No health issues discussed, only pricing.",
    "No interest in golf, prefers an invitation to the expert talk.",
    "Ms Evans was not sick, she was at a trade fair.",
    "Mr Arnold did not mention any health problems, meeting confirmed.",
])
def test_english_negation_governs_its_phrase(text):
    """no + noun phrase (through "in golf"), not/n't + the rest of the clause."""
    assert _hit(text) is None


@pytest.mark.parametrize("text,category", [
    ("Frau D. war sechs Wochen nicht erreichbar wegen Bandscheiben-OP, ab April wieder im Büro.", HEALTH),
    ("Herr Pohl konnte nicht kommen, da seine Frau schwanger ist.", HEALTH),
    ("Nicht erreichbar, weil er im Krankenhaus liegt.", HEALTH),
    ("Kein Termin möglich – Herr B. ist krankgeschrieben.", HEALTH),
])
def test_german_negation_stops_at_the_clause_boundary(text, category):
    """wegen, da, weil, commas and dashes end the scope: the reason given is not negated."""
    hit = _hit(text)
    assert hit is not None and category in hit.categories and "special_category" in hit.kinds


@pytest.mark.parametrize("text", [
    "Mr Clarke was not available because of his surgery.",
    "Could not make the call since his wife is pregnant.",
    "Not reachable, he is on sick leave.",
    "He didn't mention his divorce.",  # a possessive phrase is presupposed, not negated
])
def test_english_negation_stops_at_the_clause_boundary(text):
    """because, since and commas end the scope; "his divorce" is recorded although "not mentioned"."""
    assert _hit(text) is not None


def test_negation_directly_before_a_reason_negates_the_reason():
    """"nicht wegen Krankheit" / "not because of illness": the negation is about that clause."""
    assert _hit("Abwesend, aber nicht wegen Krankheit.") is None
    assert _hit("Absent, but not because of illness.") is None


# ------------------------------------------------------------------ judgments


@pytest.mark.parametrize("text", [
    "Sehr schwieriger Typ, wirkt gestresst und ungeduldig – Gespräche kurz halten.",
    "Sie ist eine schwierige Person.",
    "Schwierigen Kunden heute endlich erreicht.",
    "Unzuverlässiger Ansprechpartner, sagt Termine ab.",
    "Frau Lorenz ist nervig, ruft dreimal am Tag an.",
    "Wirkt cholerisch.",
    "Herr Graf ist Choleriker.",
    "Trinkt gern einen über den Durst.",
    "Beim Essen viel Alkohol.",
])
def test_german_judgments_about_persons_in_every_inflection(text):
    """schwierig/schwieriger/schwierige/schwierigen, unzuverlässig*, cholerisch*, nervig*, "trinkt gern", Alkohol."""
    hit = _hit(text)
    assert hit is not None and hit.kinds == ("judgmental",) and hit.categories == (SCORING,)


@pytest.mark.parametrize("text", [
    "Very difficult guy, seems stressed.", "Pushy buyer, wants 20 % off.", "She is a difficult person.",
    "Mr Gray is choleric.", "He was drunk at the dinner.", "Ms Lawrence is annoying.",
])
def test_english_judgments_about_persons(text):
    """difficult, pushy, drunk, annoying … about a person."""
    hit = _hit(text)
    assert hit is not None and "judgmental" in hit.kinds


@pytest.mark.parametrize("text", [
    "Schwierige Marktlage im Maschinenbau, Entscheidung verschoben.",
    "Schwieriges Projekt, drei Altsysteme.",
    "Das Projekt ist schwierig, weil die IT zwei Systeme ablösen muss.",
    "Verhandlung war schwierig, aber Einigung bei 8 % Rabatt.",
    "Nerviger Genehmigungsprozess beim Kunden.",
    "Lieferungen an die Filialen sind unzuverlässig.",
    "Difficult market in machinery, decision postponed.",
    "The project is difficult because IT replaces two systems.",
    "Annoying approval process at the client.",
    "Sortiment: Kaffee, Tee und alkoholfreie Getränke.",
])
def test_business_phrases_are_not_judgments(text):
    """A judgment about a market, project, process or delivery is not about a person."""
    assert _hit(text) is None


# ------------------------------------------------------------------ indirect pregnancy, third persons


def test_becoming_a_father_reveals_the_partners_pregnancy():
    """The motivating case: family event (CRM004) and the partner's health data (CRM003), special first."""
    hit = _hit("Herr K. wird bald Vater, Geburtstermin im März – beim nächsten Anruf gratulieren!")
    assert hit.categories == (HEALTH, FAMILY)
    assert hit.kinds == ("special_category", "private_life")
    assert "Geburtstermin" not in hit.snippet and "K" not in hit.snippet.split()
    hit = _hit("Herr Vogt wird im Herbst Vater.")  # words in between
    assert HEALTH in hit.categories
    hit = _hit("Tom is becoming a father in October.")
    assert set(hit.categories) == {HEALTH, FAMILY}


def test_a_birth_that_happened_is_family_only():
    """"zur Geburt der Tochter gratuliert": a family event, no pregnancy any more."""
    hit = _hit("Herrn K. zur Geburt der Tochter gratuliert, kam gut an.")
    assert hit.categories == (FAMILY,) and hit.kinds == ("private_life",)


def test_same_gender_partner_reveals_sexual_orientation():
    """C-184/20 pattern: "sein Mann", "his husband", "her wife" — special category and a third person."""
    for text in ("Herr Winter und sein Mann ziehen nach Hamburg.", "Mr Wilson and his husband are moving.",
                 "Ms Dean and her wife bought a house."):
        hit = _hit(text)
        assert "user.demographic.sexual_orientation" in hit.categories
        assert {"special_category", "third_person"} <= set(hit.kinds)


def test_colleague_counts_only_with_private_matters():
    """A colleague in business is ordinary data; a colleague's heart attack is a third person's health data."""
    assert _hit("Kollege Herr Busch übernimmt das Projekt ab Mai.") is None
    hit = _hit("Kollege Herr Franke hatte einen Herzinfarkt, Team ist unterbesetzt.")
    assert set(hit.kinds) == {"special_category", "third_person"}
    assert set(hit.categories) == {HEALTH, "user.name"}
    assert "Franke" not in hit.snippet


# ------------------------------------------------------------------ third-party source


@pytest.mark.parametrize("text", [
    "Kontakt aus gekaufter Adressliste (Messe-Leads Logistik 2025), bisher nicht über die Herkunft der Daten informiert.",
    "Lead aus Listbroker-Datei, Herkunft noch nicht im CRM vermerkt.",
    "Contact from a purchased lead list, not yet told where we got the data.",
    "Enriched via ZoomInfo (revenue, headcount, direct dial).",
])
def test_bought_lists_are_a_third_party_source_without_a_category(text):
    """Kind third_party_source for CRM009/POL012; no personal-data category, so CRM001/003–005 ignore it."""
    hit = _hit(text)
    assert hit.kinds == ("third_party_source",)
    assert hit.categories == ()


def test_a_referral_is_not_a_bought_list():
    """"nicht aus gekaufter Liste": negated."""
    assert _hit("Kontakt über Empfehlung von Herrn Bauer, nicht aus gekaufter Liste.") is None
    assert _hit("Came via a referral, not from a bought list.") is None


# ------------------------------------------------------------------ traps of the demo notes


@pytest.mark.parametrize("text", [
    "Erstgespräch mit Herrn K. (Vertriebsleiter): Interesse an Vertriebstraining für 8 Außendienstler.",
    "Termin auf den 3. März verschoben, Entscheiderin ist die Einkaufsleiterin Frau M.",
    "Kunde betreibt drei Kliniken, Angebot für OP-Saal-Ausstattung erstellt.",
    "Kunde ist eine Kirchengemeinde, Angebot für die Verwaltungssoftware geschickt.",
    "Workshop Homeoffice, Betriebsrat des Kunden muss zustimmen.",
    "Kunde ist ein Krebsforschungszentrum, Laborsoftware gewünscht.",
    "Client is a church parish; sent a quote.",
    "Union negotiations at the client are ongoing.",
    "Kunde sponsert den örtlichen Sportverein.",
])
def test_business_uses_of_sensitive_words_stay_clean(text):
    """Business interest, business roles and organisations as customers are not personal data of a person."""
    assert _hit(text) is None


def test_the_wife_at_a_competitor_is_a_named_third_person():
    """"Seine Frau Claudia …": family and third person; the name is masked."""
    hit = _hit("Seine Frau Claudia arbeitet in der Buchhaltung bei einem Wettbewerber, dort keine Preise nennen.")
    assert hit.categories == (FAMILY,) and hit.kinds == ("third_person",)
    assert "Claudia" not in hit.snippet


def test_person_anchored_words_need_a_person():
    """Betriebsrat, IG Metall, Kirche count when the sentence is about a person."""
    assert HEALTH not in (_hit("He had back surgery and now goes to church.").categories[1:])
    assert "user.demographic.religious_belief" in _hit("He had back surgery and now goes to church.").categories
    assert _hit("Herr Otto ist Mitglied der IG Metall.").categories == ("user.demographic.trade_union_membership",)


def test_gap_words_in_a_snippet_are_masked():
    """A name inside a phrase with a gap ("wird ~ vater") is masked like a neighbour."""
    [(_, _, snippet), *_] = scan_text("Herr Keller wird mit Anna Vater.")
    assert "Anna" not in snippet and "Keller" not in snippet
    assert snippet.startswith("███ wird") and "Vater" in snippet


@pytest.mark.parametrize("unit", ["nicht krank ", "kein an ", "Herr ist in der Kirche ", "sehr ", "wird ", "x, "])
def test_scopes_stay_linear_on_hostile_notes(unit):
    """A 100,000-character note of repeated cues (one clause, one sentence) scans in well under a second,
    not in the quadratic time a per-cue scan to the clause end would take."""
    import time

    start = time.perf_counter()
    scan_text((unit * (100_000 // len(unit) + 1))[:100_000])
    assert time.perf_counter() - start < 1.5
