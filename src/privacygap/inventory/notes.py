"""Scan CRM note texts (notes, call summaries, transcripts) for sensitive content.

Only hits leave this module: categories, kinds, a hashed record id and a redacted
snippet — the sensitive term with at most two neighbouring words on each side, where
capitalised words (names), numbers and e-mail-like tokens are masked with ``███``.
The full text is never stored, logged or printed.

Record ids are hashed as ``sha256:`` + the first 16 hex digits of SHA-256 over a salt and
the id. The salt is random per run (ids are often sequential numbers, so a fixed salt
would make them easy to reverse); set ``PRIVACYGAP_NOTE_SALT`` for ids that stay stable
across runs (the monitor's diffs).

Lexicons: ``checks/taxonomy/note-terms/{de,en}.yaml`` (their header explains the options).

Kinds: ``special_category`` (Art. 9/10), ``private_life``, ``third_person``, ``judgmental``,
``third_party_source`` — the note says the contact's data came from a bought list, a broker or an
enrichment service — and ``objection`` — the contact objected to advertising or asked not to be
contacted ("möchte nicht mehr angerufen werden", "please remove me from your list"). The last two
carry no personal-data category (the hit's ``categories`` may be empty): ``third_party_source`` is
there for CRM009/POL012 (Art. 14), ``objection`` for CRM012 (Art. 21).

Negation has scope, not a word distance. A text is cut into clauses at punctuation and at clause
words (wegen, weil, da, aber, sondern, und; because, since, but, and …):

* a negating determiner (kein, ohne, weder; no, without) negates the noun phrase it governs —
  up to its head noun (German: the first capitalised word), continued through prepositional
  complements and "oder/or": "keine gesundheitlichen Themen", "kein Interesse an Golf";
* "nicht"/"nie"/"not"/"never"/"n't" negates the rest of its own clause ("ist nicht schwanger"),
  not what a later clause says ("nicht erreichbar wegen Bandscheiben-OP"); when a clause word
  follows it directly ("nicht wegen Krankheit", "not because of illness") the negation is about
  that clause. A definite phrase after a possessive is presupposed, so verb negation does not
  remove it ("did not mention his divorce" still records the divorce).
* an objection says "not" itself ("do not call", "möchte nicht angerufen werden"): a term with
  ``negation: own`` keeps the cue inside its phrase, so only a negation before the phrase removes it
  ("hat nie gesagt, dass …" ends the clause at "dass" and so does not).

Judgments (``target: person``) count only about a person: the noun they qualify ("schwieriger
Typ" but not "schwierige Marktlage") or the subject of their clause ("Frau L. ist nervig" but not
"das Projekt ist schwierig"); a clause without a subject ("Wirkt gestresst, sehr nervig") is about
the contact. Ambiguous words (``anchor: person``: Betriebsrat, Kirche, Krebs, Kinder) count only when
their clause refers to a person, and not in a clause that frames them as the customer (``business_frames``:
"Gewerkschaft als Kunde", "the parish is a customer").

Hypotheticals and embedded questions (``negation.hypothetical``: falls, ob; if, whether) take the rest of
their clause out like a negation: "falls er krank wird", "asks if the tool handles maternity leave".
A term may list words it must not match (``unless``: "*-op" but not "Projekt-OP").
"""


from __future__ import annotations

import csv
import functools
import hashlib
import json
import os
import re
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from privacygap import resources
from privacygap.errors import InputFileError
from privacygap.models import NoteHit

LEXICONS = ("de", "en")
MASK = "███"
NEIGHBOURS = 2
GAP = 3  # "~" in a phrase: at most this many words of the same clause in between
MAX_PHRASE = 12  # words a noun phrase after "kein"/"no", or the subject search of a judgment, may span
MAX_NOTES_BYTES = 1024 * 1024 * 1024  # notes exports are streamed; refuse beyond 1 GB
MAX_NOTE_CHARS = 100_000  # a longer "note" is an attachment dump; only its start is scanned
MAX_LINE_CHARS = 16 * 1024 * 1024  # one physical line of a streamed export (a 1 GB row of commas is 9 GB of cells)
_RUN_SALT = secrets.token_hex(16)
# Words, and the punctuation that ends a clause (a dash only when it stands alone: "Bandscheiben-OP" is one word).
_TOKEN = re.compile(r"[^\W_]+(?:[-.'’][^\W_]+)*|[,;:.!?()\[\]–—…]|(?<!\S)-(?!\S)", re.UNICODE)
_TAG = re.compile(r"<[^>]{0,500}>")
_ADJ_ENDINGS = ("e", "er", "en", "em", "es")
# "Kunde" is the company as often as the person: it anchors a judgment but not an ambiguous word.
_NOT_ANCHORS = frozenset({"kunde", "kunden", "kundin", "client", "clients", "customer", "customers"})
KIND_ORDER = {"special_category": 0, "third_person": 1, "private_life": 2, "judgmental": 3, "third_party_source": 4,
              "objection": 5}

ID_COLUMNS = ("id", "note_id", "noteid", "record_id", "recordid", "hs_object_id", "annotationid", "engagement_id",
              "activity_id", "call_id", "uuid", "key")
TEXT_COLUMNS = ("text", "body", "note", "notes", "content", "note_text", "notetext", "hs_note_body", "hs_call_body",
                "description", "summary", "transcript", "comment", "comments", "post", "message", "notiz", "inhalt")


@dataclass(frozen=True)
class _Term:
    words: tuple[str, ...]  # lower case; "x*" starts with, "*x" ends with, "~" a gap of up to GAP words
    category: str | None
    kind: str
    also: tuple[tuple[str, str], ...] = ()  # further (category, kind) pairs the phrase reveals
    target: bool = False  # a judgment that must be about a person
    anchor: bool = False  # an ambiguous word that needs a person in its clause
    own_negation: bool = False  # the phrase holds its own "not" ("do not call"): a cue inside it is no negation
    unless: tuple[str, ...] = ()  # patterns its first word must not match ("projekt-op" for "*-op")


@dataclass(frozen=True)
class _Lexicon:
    exact: dict[str, tuple[_Term, ...]]
    prefix: dict[str, tuple[_Term, ...]]  # by the first three letters of a prefix word
    suffix: tuple[tuple[str, _Term], ...]  # one-word "*-op" terms, checked with str.endswith
    suffix_ends: tuple[str, ...]  # their endings, for one endswith() per word
    det_negation: frozenset[str]
    verb_negation: frozenset[str]
    hypothetical: frozenset[str]
    frames: tuple[tuple[str, ...], ...]  # "als kunde", "as a client": the clause is about a customer
    breaks: frozenset[str]
    coordinators: frozenset[str]
    prepositions: frozenset[str]
    titles: frozenset[str]
    pronouns: frozenset[str]
    person_nouns: frozenset[str]
    person_prefixes: tuple[str, ...]
    perception: frozenset[str]
    copulas: frozenset[str]
    np_stops: frozenset[str]
    relations: frozenset[str]
    possessive_only: frozenset[str]
    possessives: frozenset[str]
    colleagues: frozenset[str]
    of_words: frozenset[str]  # "Sohn von Hr. X", "son of Mr X"
    possessive_endings: tuple[str, ...]  # "Kraus's dad", "his father's funeral"
    not_possessive: frozenset[str]  # "it's", "he's": contractions, not possessives


def _words(document: dict, key: str) -> set[str]:
    return {str(w).lower() for w in document.get(key) or []}


def _phrases(entry: dict) -> Iterator[str]:
    for phrase in entry["phrases"]:
        phrase = str(phrase).lower()
        yield phrase
        if entry.get("inflect") == "adj" and " " not in phrase and not phrase.endswith("*"):
            yield from (phrase + ending for ending in _ADJ_ENDINGS)


@functools.cache
def lexicon() -> _Lexicon:
    """The merged German and English lexicons, indexed by first word."""
    exact: dict[str, list[_Term]] = {}
    prefix: dict[str, list[_Term]] = {}
    suffix: list[tuple[str, _Term]] = []
    frames: set[tuple[str, ...]] = set()
    sets: dict[str, set[str]] = {k: set() for k in ("det", "verb", "hypothetical", "of", "possessive_endings",
                                                      "not_possessive", "clause_breaks", "coordinators", "prepositions",
                                                      "titles", "person_pronouns", "person_nouns", "perception_verbs",
                                                      "copulas", "np_stops", "relations", "possessive_only",
                                                      "possessives", "colleagues")}
    for language in LEXICONS:
        document = resources.catalog_yaml("checks", f"taxonomy/note-terms/{language}.yaml")
        negation = document.get("negation") or {}
        sets["det"] |= _words(negation, "determiners")
        sets["verb"] |= _words(negation, "verbal")
        sets["hypothetical"] |= _words(negation, "hypothetical")
        frames |= {tuple(str(f).lower().split()) for f in document.get("business_frames") or []}
        for key in ("clause_breaks", "coordinators", "prepositions", "titles", "person_pronouns", "person_nouns",
                    "perception_verbs", "copulas", "np_stops"):
            sets[key] |= _words(document, key)
        third = document.get("third_persons") or {}
        for key in ("relations", "possessive_only", "possessives", "colleagues", "of", "possessive_endings",
                    "not_possessive"):
            sets[key] |= _words(third, key)
        for entry in document.get("terms") or []:
            also = tuple((a["category"], a["kind"]) for a in entry.get("also") or [])
            for phrase in _phrases(entry):
                words = tuple(phrase.split())
                term = _Term(words, entry["category"], entry["kind"], also, entry.get("target") == "person",
                             entry.get("anchor") == "person", entry.get("negation") == "own",
                             tuple(str(u).lower() for u in entry.get("unless") or []))
                first = words[0]
                if first.startswith("*"):
                    suffix.append((first[1:], term))
                elif first.endswith("*"):
                    prefix.setdefault(first[:3], []).append(term)
                else:
                    exact.setdefault(first, []).append(term)
    nouns = sets["person_nouns"]
    return _Lexicon({k: tuple(v) for k, v in exact.items()}, {k: tuple(v) for k, v in prefix.items()}, tuple(suffix),
                    tuple(dict.fromkeys(end for end, _ in suffix)),
                    frozenset(sets["det"]), frozenset(sets["verb"]), frozenset(sets["hypothetical"]),
                    tuple(sorted(frames)), frozenset(sets["clause_breaks"]),
                    frozenset(sets["coordinators"]), frozenset(sets["prepositions"]), frozenset(sets["titles"]),
                    frozenset(sets["person_pronouns"]), frozenset(w for w in nouns if not w.endswith("*")),
                    tuple(w[:-1] for w in nouns if w.endswith("*")), frozenset(sets["perception_verbs"]),
                    frozenset(sets["copulas"]), frozenset(sets["np_stops"]), frozenset(sets["relations"]),
                    frozenset(sets["possessive_only"]), frozenset(sets["possessives"]), frozenset(sets["colleagues"]),
                    frozenset(sets["of"]), tuple(sorted(sets["possessive_endings"])), frozenset(sets["not_possessive"]))


def hash_record_id(record_id: str, salt: str | None = None) -> str:
    """``sha256:`` + 16 hex digits of the salted id (never the id in clear)."""
    salt = salt if salt is not None else os.environ.get("PRIVACYGAP_NOTE_SALT", _RUN_SALT)
    # surrogatepass: an id decoded from a "\ud800" JSON escape must hash, not crash.
    return "sha256:" + hashlib.sha256(f"{salt}\x1f{record_id}".encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _word_matches(pattern: str, word: str) -> bool:
    if pattern.endswith("*"):
        return word.startswith(pattern[:-1])
    if pattern.startswith("*"):
        return word.endswith(pattern[1:])
    return word == pattern


def _mask(token: str) -> str:
    if any(c.isdigit() for c in token) or "@" in token or token[:1].isupper():
        return MASK
    return token


def _snippet(words: list[str], start: int, end: int, kept: frozenset[int] | None = None) -> str:
    """The matched words (kept), with up to two masked neighbours on each side.

    ``kept`` names the words a phrase with a gap matched; the words in its gap are masked like
    neighbours, so a name inside "erwartet mit Anna ein Kind" is not shown.
    """
    left = [_mask(w) for w in words[max(0, start - NEIGHBOURS):start]]
    middle = [w if kept is None or i in kept else _mask(w) for i, w in enumerate(words[start:end], start)]
    right = [_mask(w) for w in words[end:end + NEIGHBOURS]]
    # Collapse runs of masks so the length of a name or number is not shown.
    out: list[str] = []
    for word in left + middle + right:
        if word == MASK and out and out[-1] == MASK:
            continue
        out.append(word)
    return " ".join(out)


class _Note:
    """One note cut into words, with the clause of every word and the negation scopes."""

    __slots__ = ("_anchors", "_framed", "_verb_end", "clause", "count", "det_neg", "hyp", "lows", "sentence", "verb_neg",
                 "words")

    def __init__(self, text: str, lex: _Lexicon):
        words: list[str] = []
        lows: list[str] = []
        clause: list[int] = []
        sentence: list[int] = []
        current = 0
        period = 0
        breaks = lex.breaks
        for match in _TOKEN.finditer(text):
            token = match.group(0)
            if not token[0].isalnum():
                # The period of "Herr K." or "Dr." is an abbreviation, not the end of a sentence.
                if token == "." and lows and (len(lows[-1]) == 1 or lows[-1] in lex.titles):
                    continue
                current += 1  # punctuation ends the clause …
                if token in ".!?;":
                    period += 1  # … and these the sentence
                continue
            low = token.lower()
            if low in breaks:
                current += 1  # "wegen", "because" … open a new clause and belong to it
            words.append(token)
            lows.append(low)
            clause.append(current)
            sentence.append(period)
        self.words, self.lows, self.clause, self.sentence, self.count = words, lows, clause, sentence, len(words)
        self.det_neg: set[int] = set()
        self.verb_neg: set[int] = set()
        self._verb_end = 0  # verb scopes are contiguous: words before this are marked already
        self._anchors: dict[int, bool] = {}  # sentence → refers to a person
        self._framed: dict[int, bool] = {}  # clause → frames its subject as a customer
        self.hyp: set[int] = set()  # words after "falls"/"if" in the same clause
        hyp_clause = -1
        for i, low in enumerate(lows):
            if low in lex.hypothetical:
                hyp_clause = clause[i]
            elif clause[i] == hyp_clause:
                self.hyp.add(i)
            if low in lex.det_negation:
                self._determiner_scope(i, lex)
            elif low in lex.verb_negation or ("'" in low and low.endswith("n't")):
                self._verb_scope(i, lex)

    def _determiner_scope(self, i: int, lex: _Lexicon) -> None:
        """kein/no + the noun phrase it governs, through prepositional complements and "oder"/"or"."""
        lows, words, clause = self.lows, self.words, self.clause
        budget = 4  # words of one English noun phrase without a capital to show its head
        j = i + 1
        limit = min(self.count, i + 1 + MAX_PHRASE)  # "kein an an an …" must not scan a 100,000-character clause
        while j < limit and clause[j] == clause[i] and budget > 0:
            low = lows[j]
            if low in lex.np_stops and low not in lex.prepositions:
                return
            self.det_neg.add(j)
            if low in lex.prepositions or low in lex.coordinators:
                budget = 4  # "kein Interesse an Golf": the complement belongs to the phrase
            elif words[j][0].isupper():
                # A German head noun: the phrase ends here unless a complement or "oder" follows.
                if j + 1 >= self.count or clause[j + 1] != clause[i] or (
                        lows[j + 1] not in lex.prepositions and lows[j + 1] not in lex.coordinators):
                    return
            else:
                budget -= 1
            j += 1

    def _verb_scope(self, i: int, lex: _Lexicon) -> None:
        """nicht/not + the rest of its clause; "nicht wegen …", "not because …" + the clause it introduces."""
        lows, clause = self.lows, self.clause
        target = clause[i]
        if i + 1 < self.count and lows[i + 1] in lex.breaks and clause[i + 1] == target + 1:
            target += 1
        # An earlier cue's scope runs from it to a clause end, so it covers everything up to _verb_end:
        # starting there keeps "nicht nicht nicht …" linear.
        j = max(i + 1, self._verb_end)
        while j < self.count and clause[j] <= target:
            self.verb_neg.add(j)
            j += 1
        self._verb_end = max(self._verb_end, j)

    def negated(self, start: int, end: int, lex: _Lexicon, *, own: bool = False) -> bool:
        """Whether the phrase at [start, end) is inside a negation scope (or contains its own cue).

        ``own``: the phrase's negation is part of what it says ("do not call"), so a cue inside it
        does not count; a scope that reaches the phrase from before still does.
        """
        if start in self.det_neg or start in self.hyp:
            return True
        if start in self.verb_neg and not self._presupposed(start, lex):
            return True
        if own:
            return False
        # "wird nicht Vater": the cue sits inside the phrase's gap.
        return any(self.lows[k] in lex.verb_negation for k in range(start + 1, end))

    def _presupposed(self, start: int, lex: _Lexicon) -> bool:
        """A possessive before the phrase (or as its first word) makes it definite: "his divorce"."""
        lows, clause = self.lows, self.clause
        for k in (start, start - 1, start - 2):
            if k >= 0 and clause[k] == clause[start] and lows[k] in lex.possessives:
                return True
        return False

    def is_person(self, k: int, lex: _Lexicon) -> bool:
        """Word k refers to a person: a pronoun, a person noun, a title or a name after a title."""
        low = self.lows[k]
        if low in lex.pronouns or low in lex.person_nouns or low in lex.titles:
            return True
        if k > 0 and self.lows[k - 1] in lex.titles and self.clause[k - 1] == self.clause[k]:
            return True
        return low.startswith(lex.person_prefixes) if lex.person_prefixes else False

    def _is_noun(self, k: int, lex: _Lexicon) -> bool:
        """Word k can be the noun an adjective qualifies (German: capitalised; English: a content word)."""
        word, low = self.words[k], self.lows[k]
        if word[0].isupper():
            return True
        return (low.isalpha() and not low.endswith("ly") and low not in lex.prepositions and low not in lex.np_stops
                and low not in lex.copulas and low not in lex.coordinators and low not in lex.pronouns
                and low not in lex.verb_negation and low not in lex.det_negation)

    def about_person(self, start: int, end: int, lex: _Lexicon) -> bool:
        """A judgment at [start, end) is about a person (see the module docstring)."""
        clause = self.clause[start]
        if end < self.count and self.clause[end] == clause and self._is_noun(end, lex):
            return self.is_person(end, lex)  # attributive: "schwieriger Typ", "difficult market"
        k = start - 1
        stop = max(-1, start - 1 - MAX_PHRASE)  # "sehr sehr sehr …" must not make this quadratic
        while k > stop and self.clause[k] == clause:  # predicative: the subject of the clause
            low = self.lows[k]
            if low in lex.perception or self.is_person(k, lex):
                return True
            if low not in lex.copulas and low not in lex.verb_negation:
                return False
            k -= 1
        return True  # no subject: sales notes leave out the contact ("Wirkt gestresst, sehr nervig")

    def framed(self, start: int, lex: _Lexicon) -> bool:
        """The clause of word ``start`` names a customer relation ("Gewerkschaft als Kunde", "is a client")."""
        clause = self.clause[start]
        if clause not in self._framed:
            positions = [k for k in range(self.count) if self.clause[k] == clause]
            lows = [self.lows[k] for k in positions]
            self._framed[clause] = any(tuple(lows[j:j + len(frame)]) == frame
                                       for frame in lex.frames for j in range(len(lows) - len(frame) + 1))
        return self._framed[clause]

    def anchored(self, start: int, lex: _Lexicon) -> bool:
        """The sentence of word ``start`` refers to a person ("Herr O. ist in der IG Metall").

        The sentence, not the clause: a coordinated clause shares its subject ("He had surgery and
        now goes to church").
        """
        if lex.frames and self.framed(start, lex):
            return False
        sentence = self.sentence[start]
        if sentence in self._anchors:
            return self._anchors[sentence]
        self._anchors[sentence] = self._find_anchor(start, lex)
        return self._anchors[sentence]

    def _find_anchor(self, start: int, lex: _Lexicon) -> bool:
        sentence = self.sentence[start]
        k = start - 1
        while k >= 0 and self.sentence[k] == sentence:
            k -= 1
        for j in range(k + 1, self.count):
            if self.sentence[j] != sentence:
                break
            low = self.lows[j]
            if j == start or low in _NOT_ANCHORS:
                continue
            if low in lex.possessives or low in lex.pronouns:
                # A possessive needs its noun: German "stellt … her" ends a clause with a particle, not "her".
                if j + 1 < self.count and self.clause[j + 1] == self.clause[j]:
                    return True
            elif self.is_person(j, lex):
                return True
        return False


def _match(note: _Note, i: int, words: tuple[str, ...]) -> tuple[int, frozenset[int]] | None:
    """End index and matched word indices of a phrase starting at word i, or None."""
    lows, clause, count = note.lows, note.clause, note.count
    j = i
    gap = False
    kept = []
    for pattern in words:
        if pattern == "~":
            gap = True
            continue
        limit = min(count, j + GAP + 1) if gap else min(count, j + 1)
        found = -1
        for k in range(j, limit):
            if clause[k] != clause[i]:
                break
            if _word_matches(pattern, lows[k]):
                found = k
                break
        if found < 0:
            return None
        kept.append(found)
        j = found + 1
        gap = False
    return j, frozenset(kept)


@functools.lru_cache(maxsize=100_000)
def _candidates(word: str) -> tuple[_Term, ...]:
    """The terms that can start at ``word``: its first pattern matches and no ``unless`` does.

    Depends on the word alone, and words repeat across notes, so it is computed once per
    word; the phrase matcher then runs only for terms that can start here.
    """
    lex = lexicon()
    candidates = lex.exact.get(word, ()) + lex.prefix.get(word[:3], ())
    if word.endswith(lex.suffix_ends):  # one C call per word; the few suffix terms only on a hit
        candidates += tuple(t for suffix, t in lex.suffix if word.endswith(suffix))
    return tuple(t for t in candidates
                 if not (t.unless and any(_word_matches(u, word) for u in t.unless))
                 and (t.words[0] == "~" or _word_matches(t.words[0], word)))


def _strip_possessive(word: str, lex: _Lexicon) -> str:
    """"father's" → "father"; "it's" and other contractions stay as they are."""
    if word in lex.not_possessive:
        return word
    for ending in lex.possessive_endings:
        if word.endswith(ending) and len(word) > len(ending):
            return word[:-len(ending)]
    return word


def scan_text(text: str) -> list[tuple[str | None, str, str]]:
    """(category, kind, redacted snippet) for every sensitive term in one note text.

    The category is None for ``third_party_source`` (where the data came from, not what it says).
    """
    lex = lexicon()
    if len(text) > MAX_NOTE_CHARS:
        text = text[:MAX_NOTE_CHARS]
    if "<" in text:
        text = _TAG.sub(" ", text)  # HTML note bodies (HubSpot, Pipedrive)
    note = _Note(text, lex)
    words, lows, count = note.words, note.lows, note.count
    found: list[tuple[str | None, str, str]] = []
    colleagues: list[tuple[str | None, str, str]] = []
    covered = 0  # words up to here belong to a matched phrase
    for i in range(count):
        word = lows[i]
        if i >= covered:
            best: tuple[int, frozenset[int], _Term] | None = None
            for term in _candidates(word):
                matched = _match(note, i, term.words)
                if matched is not None and (best is None or matched[0] > best[0]):
                    best = (matched[0], matched[1], term)
            if best is not None:
                end, kept, term = best
                # "seine Kinder", "his kids": a relation after a possessive is a third person (below),
                # not a private-life event of the contact ("hat zwei Kinder").
                relation = (term.kind == "private_life" and end == i + 1 and word in lex.relations and i > 0
                            and lows[i - 1] in lex.possessives)
                if not relation and not note.negated(i, end, lex, own=term.own_negation) and (
                        not term.target or note.about_person(i, end, lex)) and (not term.anchor or note.anchored(i, lex)):
                    snippet = _snippet(words, i, end, kept if len(kept) < end - i else None)
                    found.append((term.category, term.kind, snippet))
                    found.extend((category, kind, snippet) for category, kind in term.also)
                    covered = end
        # Third persons: "seine Frau", "Tochter Lena", "his wife" — also inside a phrase ("sein Mann").
        base = _strip_possessive(word, lex)  # "his father's funeral"
        if base in lex.relations or base in lex.possessive_only:
            possessive = i > 0 and note.clause[i - 1] == note.clause[i] and (
                lows[i - 1] in lex.possessives or _strip_possessive(lows[i - 1], lex) != lows[i - 1])
            named = (i + 1 < count and words[i + 1][:1].isupper() and lows[i + 1] not in lex.exact
                     and note.clause[i + 1] == note.clause[i]) or (
                i + 2 < count and lows[i + 1] in lex.of_words and lows[i + 2] in lex.titles
                and note.clause[i + 2] == note.clause[i])  # "Sohn von Hr. X", "son of Mr X"
            word = base
            if (word in lex.possessive_only and possessive) or (word in lex.relations and word not in lex.possessive_only
                                                                and (possessive or named)):
                if word in lex.colleagues:
                    colleagues.append(("user.name", "third_person", _snippet(words, i - 1 if possessive else i, i + 1)))
                else:
                    found.append(("user.demographic.family", "third_person",
                                  _snippet(words, i - 1 if possessive else i, i + 1)))
    # A colleague named in business is ordinary; a colleague's illness or wedding is a third person's data.
    if colleagues and any(kind in ("special_category", "private_life", "judgmental") for _, kind, _ in found):
        found.extend(colleagues)
    return found


def scan_note_texts(records: Iterable[tuple[str, str]], *, source: str = "", salt: str | None = None) -> tuple[list[NoteHit], int]:
    """Scan ``(record_id, text)`` pairs; return one hit per note with findings, and the number scanned.

    A hit carries the categories and kinds found, the hashed record id and the snippet of
    the first (most sensitive) term; special categories come first. A note that only reveals a
    third-party source has kind ``third_party_source`` and no category.
    """
    hits: list[NoteHit] = []
    count = 0
    for record_id, text in records:
        count += 1
        if not text:
            continue
        found = scan_text(text)
        if not found:
            continue
        found.sort(key=lambda f: KIND_ORDER.get(f[1], 9))
        categories = tuple(dict.fromkeys(f[0] for f in found if f[0]))
        kinds = tuple(dict.fromkeys(f[1] for f in found))
        hits.append(NoteHit(record=hash_record_id(str(record_id), salt), categories=categories, snippet=found[0][2],
                            kinds=kinds, source=source))
    return hits, count


# ---------------------------------------------------------------- reading a notes export


def _pick(names: list[str], wanted: tuple[str, ...]) -> int | None:
    normalised = [re.sub(r"[^a-z0-9]+", "_", n.strip().lower()).strip("_") for n in names]
    for candidate in wanted:
        if candidate in normalised:
            return normalised.index(candidate)
    return None


def _bounded_lines(handle, path: Path) -> Iterator[str]:
    """The file's lines, refusing one longer than MAX_LINE_CHARS before it is held in memory whole."""
    number = 0
    while True:
        line = handle.readline(MAX_LINE_CHARS + 1)
        if not line:
            return
        number += 1
        if len(line) > MAX_LINE_CHARS:
            raise InputFileError(str(path), f"line longer than {MAX_LINE_CHARS // (1024 * 1024)} MB", location=f"line {number}")
        yield line


def _csv_records(path: Path) -> Iterator[tuple[str, str]]:
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as handle:
        sample = handle.read(4096)
        handle.seek(0)
        try:
            dialect = csv.Sniffer().sniff(sample.split("\n", 1)[0] + "\n", delimiters=",;\t|")
        except csv.Error:
            dialect = csv.excel
        reader = csv.reader(_bounded_lines(handle, path), dialect)
        try:
            header = next(reader)
        except StopIteration:
            raise InputFileError(str(path), "empty notes file: no header row", location="line 1") from None
        except csv.Error as exc:
            raise InputFileError(str(path), f"invalid CSV header: {exc}", location="line 1") from None
        text_i = _pick(header, TEXT_COLUMNS)
        if text_i is None:
            raise InputFileError(str(path), "no text column in the notes export", location="line 1",
                                 hint=f"name one column {', '.join(TEXT_COLUMNS[:8])} …")
        id_i = _pick(header, ID_COLUMNS)
        try:
            for row in reader:
                if len(row) <= text_i:
                    continue
                record = row[id_i] if id_i is not None and id_i < len(row) and row[id_i] else f"row{reader.line_num}"
                yield record, row[text_i]
        except csv.Error as exc:
            raise InputFileError(str(path), f"invalid CSV: {exc}", location=f"line {reader.line_num}") from None


def _json_records(path: Path) -> Iterator[tuple[str, str]]:
    from privacygap.inventory.base import load_json

    if path.suffix.lower() in (".jsonl", ".ndjson"):
        with open(path, encoding="utf-8", errors="replace") as handle:
            for number, line in enumerate(_bounded_lines(handle, path), start=1):
                if not line.strip():
                    continue
                try:
                    item = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InputFileError(str(path), f"invalid JSON: {exc.msg}", location=f"line {number}") from None
                except RecursionError:
                    raise InputFileError(str(path), "JSON nests too deeply", location=f"line {number}") from None
                except ValueError:  # an integer literal beyond Python's 4300-digit limit
                    raise InputFileError(str(path), "invalid JSON: number too long", location=f"line {number}") from None
                yield from _json_item(item, f"line{number}")
        return
    data = load_json(path)
    if isinstance(data, dict):
        for key in ("results", "data", "notes", "value", "items", "records"):
            if isinstance(data.get(key), list):
                data = data[key]
                break
    if not isinstance(data, list):
        raise InputFileError(str(path), "expected a list of notes (or results/data/notes/value)", location="$")
    for index, item in enumerate(data):
        yield from _json_item(item, f"item{index}")


def _json_item(item: object, fallback: str) -> Iterator[tuple[str, str]]:
    if not isinstance(item, dict):
        return
    flat = dict(item)
    for nested in ("properties", "metadata", "fields"):
        if isinstance(item.get(nested), dict):
            flat.update(item[nested])  # HubSpot {"id", "properties": {"hs_note_body"}}
    keys = list(flat)
    text_i = _pick(keys, TEXT_COLUMNS)
    if text_i is None:
        return
    id_i = _pick(keys, ID_COLUMNS)
    text = flat[keys[text_i]]
    record = flat[keys[id_i]] if id_i is not None else fallback
    if isinstance(text, str):
        yield str(record), text


def read_notes_file(path: str) -> Iterator[tuple[str, str]]:
    """``(record_id, text)`` pairs from a CSV, JSON or JSON Lines export of notes (streamed for CSV)."""
    file = Path(path)
    try:
        size = file.stat().st_size
    except OSError as exc:
        raise InputFileError(path, f"cannot read notes file: {exc.strerror or exc}") from None
    if size > MAX_NOTES_BYTES:
        raise InputFileError(path, "notes file larger than 1 GB")
    with open(file, "rb") as handle:
        head = handle.read(64).lstrip()
    if file.suffix.lower() in (".json", ".jsonl", ".ndjson") or head[:1] in (b"{", b"["):
        return _json_records(file)
    return _csv_records(file)
