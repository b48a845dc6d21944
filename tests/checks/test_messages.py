"""Every fail case's findings read as one language: German reports carry no English prose, English none German.

A kind that puts an English fragment ("missing", "unknown", "pre-ticked …") into a
German message passes the case tests unnoticed, because those only look for a word.
Here each fail case is rendered in both languages and searched for marker words of the
other language. What the site, the CRM or the statement itself says (button texts, field
labels, host names, redacted note snippets) is quoted as it is, so a marker found inside
content taken from the case's input does not count.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from privacygap.checks.catalog import load_catalog
from privacygap.checks.engine import run_check

from .caseload import build_context, load_case

FAIL_CASES = [(spec, path) for spec in load_catalog().values() for path in spec.cases()
              if path.name.startswith("fail-")]

# English that must not appear in German prose. Case-insensitive, whole words; a trailing
# "*" makes a stem ("click*" also finds "clicks").
ENGLISH_MARKERS = (
    "the", "is", "are", "and", "or", "no", "not", "of", "on", "to", "with", "without", "after", "before", "vs",
    "e.g.", "(s)", "missing", "lacks", "pre-ticked", "opt-in", "purpose*", "recipient*", "duration", "withdrawal",
    "third-country", "unknown", "essential", "analytics", "functional", "field*", "notice", "click*", "button*",
    "layer*", "subpage*", "reload", "page*", "declared", "retention", "guideline*", "rules", "source*",
    "categories", "all", "form", "forms", "note*", "privacy", "consent", "reject*", "accept*", "days", "contrast",
    "close", "closing", "scroll*", "escape", "pressing", "active", "any",
)
# German that must not appear in English prose (same notation).
GERMAN_MARKERS = (
    "nicht", "fehlt", "und", "oder", "ohne", "auf", "der", "die", "das", "ist", "nach", "von", "z. B.",
    "Einwilligung*", "Notiz*", "Zweck*", "Feld", "Felder*", "Seite*", "Ebene*", "Schaltfläche*", "Klick*",
    "Formular*", "Kategorie*", "Richtlinie*", "Löschfrist*", "Speicherdauer", "Empfänger", "Widerruf*",
    "notwendig*", "unbekannt*", "Statistik*", "Funktional*", "Datenschutz*", "Erklärung*", "angegeben", "gesetzt",
    "Tag", "Tage", "Tagen", "Quelle*", "vorab", "angekreuzt*", "Drittland*", "Profilbildung", "Ablehnen",
    "Zustimmen", "Schrift", "Kontrast", "Regeln", "Eintrag", "Unterseite*", "geladen", "CRM-Tracking",
)
# English prose has no umlauts: a word with one is German (a category name, a fixed phrase).
UMLAUT_WORD = re.compile(r"[\w-]*[äöüÄÖÜß][\w-]*")
PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")
EDGE = "\"'„“‚‘()[],;:.!?/–—█ \t"


def _pattern(marker: str) -> re.Pattern[str]:
    """A marker as a regex: whole word (where it begins or ends with a letter), or a stem with ``*``."""
    stem = marker.endswith("*")
    word = marker.rstrip("*")
    head = r"(?<![\w-])" if word[0].isalnum() else ""
    tail = "" if stem or not word[-1].isalnum() else r"(?![\w-])"
    return re.compile(head + re.escape(word) + tail, re.IGNORECASE)


# Input keys whose values are the pipeline's own vocabulary (purpose, page kind, role …),
# not text from the site, the CRM or the statement: a message must translate them, so they
# are never treated as quoted content.
IDENTIFIER_KEYS = frozenset({"purpose", "kind", "role", "element", "action", "area", "format", "language", "type",
                             "confidence", "category", "reject_method", "accept_method", "source"})


def _strings(value: Any, key: str = "") -> list[tuple[str, str]]:
    """Every string in a case's input as (key it stands under, text); dict keys count as well."""
    if isinstance(value, str):
        return [(key, value)]
    if isinstance(value, dict):
        return [pair for k, v in value.items() for pair in [("", str(k)), *_strings(v, str(k))]]
    if isinstance(value, (list, tuple)):
        return [pair for v in value for pair in _strings(v, key)]
    return []


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


def _quotable(pairs: list[tuple[str, str]]) -> list[str]:
    """The input strings a message may quote as they are.

    Not: dict keys and values of :data:`IDENTIFIER_KEYS` that are bare identifiers
    (``retention``, ``subpage``, ``unknown``): a message showing one of those raw is
    exactly what this test looks for.
    """
    identifier = re.compile(r"[a-z_]+")
    return [text for key, text in pairs
            if not (identifier.fullmatch(text) and (key == "" or key in IDENTIFIER_KEYS))]


def _without_input(message: str, strings: list[str]) -> str:
    """The message with every input string it quotes blanked out, longest first."""
    for text in sorted({s for s in strings if len(s) >= 3}, key=len, reverse=True):
        message = re.sub(re.escape(text), " ▯ ", message, flags=re.IGNORECASE)
    return message


def _quoted(message: str, start: int, end: int, corpus: str) -> bool:
    """Whether the marker at ``message[start:end]`` sits in text taken from the case input.

    Two ways: the word holding the marker is longer than the marker and is in the input
    ("Datenschutzerklärung / …" section names, "Nur notwendige"), or the marker with its
    neighbouring words is (redacted note snippets: "███ wird bald Vater und spielt").
    """
    left = message.rfind(" ", 0, start + 1 if message[start] != " " else start)
    right = message.find(" ", end - 1 if message[end - 1] != " " else end)
    word = message[left + 1: right if right >= 0 else len(message)].strip(EDGE)
    marker = message[start:end].strip(EDGE)
    # A field path ("contact.gesundheit_notizen") quotes the field name from the input.
    if word and _fold(word) != _fold(marker) and (
            _fold(word) in corpus or ("." in word and _fold(word.rsplit(".", 1)[1]) in corpus)):
        return True
    tokens_before = message[:start].split()[-1:]
    tokens_after = message[end:].split()[:1]
    window = " ".join(t.strip(EDGE) for t in [*tokens_before, message[start:end], *tokens_after])
    return len(_fold(window).split()) >= 2 and _fold(window) in corpus


def _leaks(message: str, markers: tuple[str, ...], pairs: list[tuple[str, str]]) -> list[str]:
    """The markers found in ``message`` outside content quoted from the case input."""
    strings = _quotable(pairs)
    corpus = " \n ".join(_fold(" ".join(s.replace("\n", " ").split())) for s in strings)
    corpus = " ".join(t.strip(EDGE) for t in corpus.split())
    text = " " + _without_input(message, strings) + " "
    found = []
    for marker in markers:
        for match in _pattern(marker).finditer(text):
            if not _quoted(text, match.start(), match.end(), corpus):
                found.append(marker.rstrip("*"))
                break
    if markers is GERMAN_MARKERS:
        # A German word is fine where the input has it (a section heading, a field label).
        found += [m.group(0) for m in UMLAUT_WORD.finditer(text)
                  if _fold(m.group(0)) not in corpus and not _quoted(text, m.start(), m.end(), corpus)]
    return found


@pytest.mark.parametrize("spec,path", FAIL_CASES, ids=[f"{s.id}/{p.stem}" for s, p in FAIL_CASES])
def test_fail_case_messages_are_in_one_language(spec, path):
    case = load_case(path)
    ctx = build_context(case["input"])
    strings = _strings(case["input"])
    problems = []
    for lang, markers in (("de", ENGLISH_MARKERS), ("en", GERMAN_MARKERS)):
        findings = run_check(spec, ctx, lang)
        assert findings, f"{spec.id}: a fail case gives no findings in {lang}"
        for finding in findings:
            if PLACEHOLDER.search(finding.message):
                problems.append(f"[{lang}] unfilled placeholder: {finding.message}")
            leaks = _leaks(finding.message, markers, strings)
            if leaks:
                problems.append(f"[{lang}] {leaks}: {finding.message}")
    assert not problems, "\n".join(problems)


def test_markers_catch_the_known_mixed_messages():
    """The marker lists find the mixed messages this test was written against, and spare quoted site text."""
    assert _leaks("Das CRM enthält Daten aus Drittquellen (Lead Source), aber es fehlt a field recording when "
                  "the Art. 14 notice was sent.", ENGLISH_MARKERS, [("label", "Lead Source")])
    assert _leaks("Der Bannertext nennt nicht: purposes, recipients, duration, withdrawal.", ENGLISH_MARKERS, [])
    assert _leaks("Vor jeder Einwilligung ist x.example aktiv (x.example; Zweck: unknown).", ENGLISH_MARKERS,
                  [("", "x.example"), ("purpose", "unknown")])
    assert _leaks("Der Banner führt HubSpot unter „Notwendig“, obwohl der Dienst dem Zweck „analytics“ dient.",
                  ENGLISH_MARKERS, [("label", "Notwendig"), ("purpose", "analytics")])
    assert _leaks("Nach dem Ablehnen ist HubSpot trotzdem aktiv auf https://a.example/ (subpage).", ENGLISH_MARKERS,
                  [("url", "https://a.example/"), ("kind", "subpage")])
    assert _leaks("After rejecting, X is still active on https://a.example/ (Unterseite).", GERMAN_MARKERS,
                  [("url", "https://a.example/")])
    assert not _leaks("'ablehnen' is de-emphasised against 'Alle akzeptieren'.", GERMAN_MARKERS,
                      [("text", "ablehnen"), ("text", "Alle akzeptieren")])
    assert not _leaks("'family' is recorded in 1 note (e.g. '███ wird bald Vater und spielt').", GERMAN_MARKERS,
                      [("text", "Herr Maier wird bald Vater und spielt Golf.")])


def test_withdrawal_counts_pages_not_addresses():
    """WEB008 says "1 of 2 pages": ``/``, ``/index.html`` and ``/#top`` are one page, the evidence keeps the address seen."""
    from privacygap.checks.catalog import load_catalog as catalog

    spec = catalog()["WEB008"]
    case = load_case(next(p for p in spec.cases() if p.name.startswith("fail-")))
    site = "https://muster-beratung.de"
    case["input"]["consent"]["signals"]["after_reject_pages"] = [
        {"url": f"{site}/", "kind": "after_click", "withdrawal_control": None},
        {"url": f"{site}/index.html", "kind": "reload", "withdrawal_control": None},
        {"url": f"{site}/#top", "kind": "subpage", "withdrawal_control": None},
        {"url": f"{site}/leistungen/index.htm", "kind": "subpage", "withdrawal_control": "Cookie-Einstellungen"},
        {"url": f"{site}/leistungen/", "kind": "subpage", "withdrawal_control": "Cookie-Einstellungen"},
    ]
    (finding,) = run_check(spec, build_context(case["input"]), "de")
    assert finding.message.startswith("Auf 1 von 2 besuchten Seiten"), finding.message
    assert [e.attrs["url"] for e in finding.evidence] == [f"{site}/"]
