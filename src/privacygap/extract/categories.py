"""Find the data categories a statement declares, denies, or attributes to a third party.

Each unit (sentence) is matched against the phrase catalog. A hit is

* **negated** when a negation governs it ("keine Gesundheitsdaten", "is not collected"),
* **third party** when the sentence describes a vendor's own processing ("für eigene
  Zwecke", "wenn Sie in Ihrem Google-Konto eingeloggt sind"),
* **declared** otherwise.

Weak terms ("Name", "E-Mail", "Telefon") count only as items of an enumeration. Umbrella
terms ("Kontaktdaten") stand for what the statement itself lists for them, or for their
default key when it lists nothing. A key declared anywhere is never reported as negated,
and a parent key is dropped when one of its children is declared (the most specific key
wins, as in the corpus labelling rules).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from privacygap.extract.phrases import PhraseCatalog
from privacygap.extract.units import MatchForm, Unit, match_form
from privacygap.models import CategoryClaim, Quote, Section

MAX_QUOTE = 320
MAX_QUOTES_PER_CLAIM = 3


@dataclass(frozen=True)
class Mention:
    """One hit of a category in a unit."""

    key: str
    polarity: str  # declared | negated | third_party
    quote: Quote
    rule: str


# ---------------------------------------------------------------------------- context tests

_ITEM_SEPARATORS = ",(;:/•|\"„“'"  # "|" separates table cells
# Units are sentences already; a period inside one is an abbreviation ("Art. 22"), not a clause end.
_CLAUSE_BREAK = re.compile(r"[;!?]|,\s+(?:aber|jedoch|sondern|während|but|however|whereas|while)\b|\s+(?:aber|but|jedoch)\s+")


def _last_word(text: str) -> str:
    match = re.search(r"([\w.]+(?:\s[a-z]\.)?)\s*$", text)
    return match.group(1) if match else ""


def in_enumeration(form: str, start: int, end: int, catalog: PhraseCatalog) -> bool:
    """Whether the weak term at ``form[start:end]`` is an item of a list of data, not a channel or label."""
    before = form[:start].rstrip()
    after = form[end:].lstrip()
    # A channel list ("per E-Mail, Telefon oder Telefax") names ways to reach us, not data.
    channel = "|".join(re.escape(w) for w in catalog.channel_words)
    if channel and re.search(rf"\b(?:{channel})\s+[\w-]+(?:\s*(?:,|und|oder|sowie|or|and|/)\s*[\w-]+)*\s*(?:,|und|oder|sowie|or|and|/)?\s*$",
                             before):
        return False
    if before.endswith("//"):
        return False  # "https://" is not an item separator
    previous_ok = (not before or before[-1] in _ITEM_SEPARATORS or before.endswith(("- ", "-"))
                   or _last_word(before) in catalog.openers or before.split()[-1] in catalog.openers)
    if not previous_ok:
        return False
    if catalog.contact_line.match(form[start:]) and re.match(r"\s*[:]\s*[\w+(]", form[end:]):
        return False  # "Telefon: 030 …" is a contact line, not an enumeration
    if re.match(r",\s*((die|der|das)\s+(unsere?|wir|sie|ihr|es|man|auf|in|an|für|mit|von|zu|sich|dann|bei|uns)|"
                r"welche[rs]?|which|who|that)\b", after):
        return False  # "Provider (Firma, die …)": an apposition with a relative clause, not a list item
    next_ok = (not after or after[0] in ",);./:(|" or after[0] in "\"“”'"
               or after.split()[0].strip(",.;") in catalog.closers)
    return next_ok


def _clause(form: str, start: int, end: int) -> tuple[int, int]:
    """Bounds of the clause around ``form[start:end]``."""
    clause_start = 0
    for match in _CLAUSE_BREAK.finditer(form, 0, start):
        clause_start = match.end()
    following = _CLAUSE_BREAK.search(form, end)
    return clause_start, following.start() if following else len(form)


_EXCEPTIONS = re.compile(r"ohne (ihre |deine )?einwilligung|es sei denn|außer|ausgenommen|without (your )?consent|unless|except|other than|abgesehen von|bis auf")


def is_negated(form: str, start: int, end: int, catalog: PhraseCatalog) -> bool:
    """Whether a negation governs the term at ``form[start:end]`` (and is not about sharing)."""
    clause_start, clause_end = _clause(form, start, end)
    clause = form[clause_start:clause_end]
    if catalog.negation_sharing.search(clause) or _EXCEPTIONS.search(clause):
        return False
    before = form[clause_start:start]
    if catalog.negation_conditional.search(before):
        return False
    # A determiner up to four words before the term: "keine personenbezogenen Profile".
    tail = before.split()[-5:]
    for position, word in enumerate(tail):
        if catalog.negation_determiners.fullmatch(word.strip(",")):
            between = tail[position + 1:]
            if all(not re.fullmatch(r"(wird|werden|ist|sind|haben|is|are|has|have|was|were)", w) for w in between):
                return True
    if "weder " in before or " neither " in f" {before}":
        return True
    if catalog.negation_verb_after.search(form, end, min(clause_end, end + 120)):
        return True
    window = form[max(clause_start, start - 220):start]
    return bool(catalog.negation_verb_before.search(window))


def _quote(unit: Unit, form: MatchForm, start: int, end: int, section: str) -> Quote:
    """The unit as a verbatim quote, cut to a window around the hit when it is long."""
    if unit.end - unit.start <= MAX_QUOTE:
        return Quote(unit.text, section, unit.start, unit.end)
    hit_start, hit_end = form.span(start, end)
    half = (MAX_QUOTE - (hit_end - hit_start)) // 2
    local_start = max(0, hit_start - half)
    local_end = min(len(unit.text), max(hit_end + half, local_start + MAX_QUOTE))
    # Cut at word boundaries so the quote reads as text.
    while local_start > 0 and not unit.text[local_start - 1].isspace():
        local_start -= 1
    while local_end < len(unit.text) and not unit.text[local_end].isspace():
        local_end += 1
    return Quote(unit.text[local_start:local_end], section, unit.start + local_start, unit.start + local_end)


# ---------------------------------------------------------------------------- umbrella definitions

_DEFINITION_OPEN = re.compile(r"\s*(?:\(|:|,?\s*(?:wie|z\. ?b\.|e\.g\.|such as|i\.e\.|including|insbesondere|etwa|beispielsweise)\b)")


def _definition_span(form: str, end: int) -> tuple[int, int] | None:
    """The span that defines an umbrella right after it: "(z. B. …)" or ": …" up to the clause end."""
    opener = _DEFINITION_OPEN.match(form, end)
    if not opener:
        return None
    if form[opener.start():opener.end()].strip().startswith("("):
        close = form.find(")", opener.end())
        return opener.end(), close if close > 0 else len(form)
    stop = re.compile(r"[.;]\s|\)\s*[.;]?$").search(form, opener.end())
    return opener.end(), stop.start() if stop else len(form)


def find_definitions(prepared: list[tuple[Unit, MatchForm]], unit_hits: list[list[tuple[str, int, int]]],
                     catalog: PhraseCatalog) -> dict[int, set[str]]:
    """Umbrella index -> keys the statement lists for it ("Kontaktdaten (z. B. E-Mail, Telefon)")."""
    definitions: dict[int, set[str]] = {}
    for (_unit, form), hits in zip(prepared, unit_hits):
        for key, _start, end in hits:
            if not key.startswith("#"):
                continue
            span = _definition_span(form.text, end)
            if not span:
                continue
            keys = {k for k, _s, _e in _term_hits(form.text, span[0], span[1], catalog)}
            if keys:
                definitions.setdefault(int(key[1:]), set()).update(keys)
    return definitions


def _term_hits(form: str, lo: int, hi: int, catalog: PhraseCatalog):
    """(key, start, end) of every pattern hit inside ``form[lo:hi]``; weak terms need an enumeration."""
    region = form[:hi]
    for pattern in catalog.patterns:
        if pattern.hint and pattern.hint not in region:
            continue
        for match in pattern.regex.finditer(region, lo):
            if pattern.weak and not in_enumeration(form, match.start(), match.end(), catalog):
                continue
            yield pattern.key, match.start(), match.end()


# ---------------------------------------------------------------------------- the pass over units


def _section_title(sections: tuple[Section, ...], index: int) -> str:
    return sections[index].title if sections and 0 <= index < len(sections) else ""


def _section_path(sections: tuple[Section, ...], index: int) -> str:
    return " / ".join(sections[index].heading_path) if sections and 0 <= index < len(sections) else ""


def _skipped_section(sections: tuple[Section, ...], index: int, catalog: PhraseCatalog) -> bool:
    if not sections or not 0 <= index < len(sections):
        return False
    return any(catalog.skip_sections.search(h.strip()) for h in sections[index].heading_path)


def _document_hits(prepared: list[tuple[Unit, MatchForm]], catalog: PhraseCatalog) -> list[list[tuple[str, int, int]]]:
    """Pattern hits per unit, found with one scan per pattern over all units joined.

    Scanning one joined string is much faster than one call per unit and pattern; a
    pattern whose literal hint is absent from the document is not run at all. Hits that
    would cross a unit boundary are dropped.
    """
    forms = [form.text for _unit, form in prepared]
    joined = "\n".join(forms)
    starts: list[int] = []
    position = 0
    for form in forms:
        starts.append(position)
        position += len(form) + 1
    hits: list[list[tuple[str, int, int]]] = [[] for _ in prepared]
    for index, umbrella in enumerate(catalog.umbrellas):
        # Umbrella hits are marked with a key of the form "#<umbrella index>".
        for match in umbrella.regex.finditer(joined):
            unit = bisect.bisect_right(starts, match.start()) - 1
            if match.end() - starts[unit] <= len(forms[unit]):
                hits[unit].append((f"#{index}", match.start() - starts[unit], match.end() - starts[unit]))
    for pattern in catalog.patterns:
        if pattern.hint:
            # Find the units holding the literal with str.find (fast) and run the pattern on those only.
            candidates: list[int] = []
            position = joined.find(pattern.hint)
            while position >= 0:
                index = bisect.bisect_right(starts, position) - 1
                if not candidates or candidates[-1] != index:
                    candidates.append(index)
                position = joined.find(pattern.hint, starts[index] + len(forms[index]) + 1)
            for index in candidates:
                form = forms[index]
                for match in pattern.regex.finditer(form):
                    if pattern.weak and not in_enumeration(form, match.start(), match.end(), catalog):
                        continue
                    hits[index].append((pattern.key, match.start(), match.end()))
            continue
        for match in pattern.regex.finditer(joined):
            index = bisect.bisect_right(starts, match.start()) - 1
            local_start = match.start() - starts[index]
            local_end = match.end() - starts[index]
            form = forms[index]
            if local_end > len(form):
                continue
            if pattern.weak and not in_enumeration(form, local_start, local_end, catalog):
                continue
            hits[index].append((pattern.key, local_start, local_end))
    return hits


def find_mentions(units: list[Unit], sections: tuple[Section, ...], catalog: PhraseCatalog) -> list[Mention]:
    """Every category mention of the statement, with polarity and a verbatim quote."""
    prepared = [(u, match_form(u.text, catalog.compound_heads)) for u in units if not u.heading]
    unit_hits = _document_hits(prepared, catalog)
    definitions = find_definitions(prepared, unit_hits, catalog)
    mentions: list[Mention] = []
    for (unit, form), pattern_hits in zip(prepared, unit_hits):
        # Cheap literal tests first: most sentences name no data at all.
        storage_candidate = any(w in form.text for w in ("gespeichert", "verarbeit", "erhoben", "bearbeit", "stored",
                                                         "processed", "collected", "handle", "respond", "answer",
                                                         "transmitted", "verwendet", "genutzt", "used", "saved"))
        if not pattern_hits and not storage_candidate and "daten" not in form.text and " data" not in form.text:
            continue
        if _skipped_section(sections, unit.section_index, catalog) or catalog.skip_units.search(form.text):
            continue
        if ("einwillig" in form.text or "consent" in form.text) and catalog.hypothetical.search(form.text):
            continue  # "Sofern Sie eingewilligt haben, … Art. 6 Abs. 1 lit. a": a legal-basis template, not a practice
        if catalog.contact_line.match(form.text):
            continue
        section = _section_title(sections, unit.section_index)
        third = bool(catalog.third_party_markers.search(form.text)) and not catalog.third_party_on_behalf.search(form.text)
        hits: list[tuple[str, int, int, str]] = []
        for key, start, end in pattern_hits:
            if not key.startswith("#"):
                hits.append((key, start, end, "phrase"))
                continue
            if _definition_span(form.text, end):
                continue  # the definition's own items are already hits
            index = int(key[1:])
            keys = definitions.get(index) or set(catalog.umbrellas[index].default)
            hits.extend((k, start, end, f"umbrella:{form.text[start:end]}") for k in sorted(keys))
        context = f"{_section_path(sections, unit.section_index)} {form.text}"
        if storage_candidate and catalog.contact_context.search(context) and catalog.contact_storage.search(form.text):
            hits.append(("user.content.communications", 0, len(form.text), "contact-message"))
        for key, start, end, rule in hits:
            if rule == "contact-message":
                polarity = "declared"
            elif is_negated(form.text, start, end, catalog):
                polarity = "negated"
            else:
                polarity = "third_party" if third else "declared"
            mentions.append(Mention(key, polarity, _quote(unit, form, start, end, section), rule))
    return mentions


def _most_specific(keys: set[str]) -> set[str]:
    """Drop a key when one of its descendants is in the set."""
    return {k for k in keys if not any(other.startswith(k + ".") for other in keys)}


def build_claims(mentions: list[Mention]) -> tuple[tuple[CategoryClaim, ...], tuple[CategoryClaim, ...], tuple[CategoryClaim, ...]]:
    """(declared, negated, third_party) claims from mentions, following the labelling rules."""
    by_polarity: dict[str, dict[str, list[Mention]]] = {"declared": {}, "negated": {}, "third_party": {}}
    for mention in mentions:
        by_polarity[mention.polarity].setdefault(mention.key, []).append(mention)
    declared_keys = _most_specific(set(by_polarity["declared"]))
    negated_keys = {k for k in by_polarity["negated"] if k not in by_polarity["declared"]}
    third_keys = set(by_polarity["third_party"])

    def claims(table: dict[str, list[Mention]], keys: set[str]) -> tuple[CategoryClaim, ...]:
        result = []
        for key in sorted(keys):
            seen: list[Quote] = []
            for mention in table[key]:
                if all(q.start != mention.quote.start for q in seen):
                    seen.append(mention.quote)
            result.append(CategoryClaim(key, tuple(seen[:MAX_QUOTES_PER_CLAIM]), table[key][0].rule))
        return tuple(result)

    return (claims(by_polarity["declared"], declared_keys), claims(by_polarity["negated"], negated_keys),
            claims(by_polarity["third_party"], third_keys))
