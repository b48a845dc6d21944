"""Is this document a privacy statement at all? Checked before it is analysed.

A CSV handed to ``--policy``, a login page, an error page served with status 200, a cookie
wall, or the home page that a "Datenschutz" link redirected to would otherwise be read as a
statement that declares nothing, and every CRM category would become a false finding. A
statement names at least a few of the things Art. 13 GDPR makes it say: personal data, the
controller, the legal basis, the rights, the supervisory authority. A page that names fewer
than :data:`MIN_FAMILIES` of these families (three suffice for a longer text that speaks of
privacy and of personal data), or is too short to hold them, is rejected with the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Each family is one thing a statement talks about, in German and English. Words that any
# page has (cookies, Kontakt, e-mail) are left out on purpose: a cookie wall names them too.
FAMILIES: dict[str, tuple[str, ...]] = {
    "privacy": ("datenschutz", "privacy", "data protection", "privatsphäre"),
    "personal_data": ("personenbezogen", "personal data", "personal information", "personendaten"),
    "law": ("dsgvo", "ds-gvo", "gdpr", "bdsg", "ttdsg", "tdddg", "art. 6", "art. 13", "artikel 6", "article 6"),
    "controller": ("verantwortlich", "controller", "verantwortliche stelle", "data controller"),
    "legal_basis": ("rechtsgrundlage", "legal basis", "lawful basis", "berechtigte interesse", "legitimate interest",
                    "einwilligung", "consent"),
    "rights": ("auskunft", "berichtigung", "löschung", "einschränkung der verarbeitung", "datenübertragbarkeit",
               "right of access", "right to access", "rectification", "erasure", "data portability", "your rights",
               "ihre rechte", "betroffenenrechte"),
    "objection": ("widerspruch", "widerruf", "right to object", "withdraw"),
    "authority": ("aufsichtsbehörde", "supervisory authority", "datenschutzbeauftragte", "data protection officer",
                  "beschwerde", "complaint"),
    "processing": ("verarbeitung", "verarbeiten", "processing", "we process", "speicherdauer", "retention",
                   "empfänger", "recipients"),
}
MIN_FAMILIES = 4
MIN_WORDS = 120
# A short notice (a one-page statement of a small firm) passes when it names most families.
SHORT_MIN_WORDS, SHORT_MIN_FAMILIES = 60, 5
FOCUSED_MIN_WORDS = 250
# Pages that talk about consent or accounts without being a statement: the buttons give them away.
SHORT_PAGE_WORDS = 300
PAGE_MARKERS: dict[str, tuple[str, ...]] = {
    "a cookie wall or consent page": ("alle akzeptieren", "accept all", "alle cookies akzeptieren", "accept cookies",
                                      "zustimmen und weiter", "akzeptieren und weiter", "agree and continue"),
    "a login page": ("passwort vergessen", "forgot password", "forgot your password", "kennwort vergessen",
                     "sign in", "log in", "anmelden"),
}
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Plausibility:
    """The verdict on one document: whether it reads as a statement, and why not."""

    is_statement: bool
    reason: str
    families: tuple[str, ...]
    words: int


def _table_like(text: str) -> str | None:
    """The delimiter when most non-empty lines split into the same number (≥ 3) of cells."""
    lines = [line for line in text.splitlines() if line.strip()][:200]
    if len(lines) < 3:
        return None
    for delimiter in (",", ";", "\t", "|"):
        counts = [line.count(delimiter) for line in lines]
        common = max(set(counts), key=counts.count)
        if common >= 2 and counts.count(common) >= 0.8 * len(lines):
            return delimiter
    return None


def assess_statement_text(text: str, *, raw_text: str | None = None) -> Plausibility:
    """Judge whether ``text`` (the document's readable text) is a privacy statement.

    Args:
        text: the text as extracted from HTML/Markdown (what the analyser reads).
        raw_text: the document as it came, for recognising a data table (CSV, TSV) that the
            text extraction would have flattened.
    """
    lowered = text.casefold()
    words = len(_WORD.findall(text))
    families = tuple(name for name, terms in FAMILIES.items() if any(term in lowered for term in terms))
    delimiter = _table_like(raw_text if raw_text is not None else text)
    if delimiter is not None and len(families) < MIN_FAMILIES + 2:
        shown = {"\t": "tab", ",": "comma", ";": "semicolon", "|": "bar"}[delimiter]
        return Plausibility(False, f"it looks like a table of data ({shown}-separated lines), not a privacy statement",
                            families, words)
    if words < SHORT_PAGE_WORDS:
        for page, markers in PAGE_MARKERS.items():
            if any(marker in lowered for marker in markers) and (page != "a login page" or "passw" in lowered
                                                                 or "kennwort" in lowered):
                return Plausibility(False, f"it looks like {page}, not a privacy statement ({words} words)",
                                    families, words)
    if words < (SHORT_MIN_WORDS if len(families) >= SHORT_MIN_FAMILIES else MIN_WORDS):
        return Plausibility(False, f"it has only {words} words, too few for a privacy statement "
                                   "(an error, login or cookie-wall page?)", families, words)
    # A focused statement (one about call recording, say) may name only three families, but then
    # it speaks of privacy and of personal data and is longer than a banner or a login page.
    focused = len(families) >= 3 and {"privacy", "personal_data"} <= set(families) and words >= FOCUSED_MIN_WORDS
    if len(families) < MIN_FAMILIES and not focused:
        named = ", ".join(families) or "none"
        return Plausibility(False, f"it names too little of what a privacy statement names (found: {named}; "
                                   f"expected at least {MIN_FAMILIES} of personal data, controller, legal basis, "
                                   "rights, objection, authority, processing)", families, words)
    return Plausibility(True, "", families, words)


__all__ = ["FAMILIES", "MIN_FAMILIES", "MIN_WORDS", "PAGE_MARKERS", "Plausibility", "assess_statement_text"]
