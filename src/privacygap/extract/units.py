"""Cut the normalised statement text into sentence units and prepare them for matching.

A unit is a sentence (or a list item, a table row, a heading line) with exact offsets
into ``Document.text``, the section it stands in, and a *matching form*: lower-cased,
with elliptic German compounds completed ("Kontakt- und Adressdaten" →
"kontaktdaten und adressdaten"). The matching form keeps a map back to the original
characters, so a hit can always be quoted verbatim.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from privacygap.models import Section

# Abbreviations after which a period does not end a sentence.
_ABBREVIATIONS = frozenset("""
z b bzw lit abs art nr ggf u a d h v vgl etc evtl ca inkl sog usw s str dr prof co inc ltd llc gmbh e g i
bspw zb ff max min mio tel ziff kap rn no st jan feb mär apr jun jul aug sep sept okt nov dez resp vs al
""".split())
_SENTENCE_END = re.compile(r"[.!?;]\s+(?=[\"„“(]?[A-ZÄÖÜ0-9])|[.!?]\s*$")


@dataclass(frozen=True)
class Unit:
    """A sentence-like unit with offsets into the statement text."""

    start: int
    end: int
    text: str
    section_index: int
    heading: bool = False


def _split_line(line: str, offset: int) -> list[tuple[int, int]]:
    """Sentence spans of one line (offsets into the full text)."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(line):
        cut = match.start() + 1
        before = line[start:match.start()]
        word = re.search(r"([A-Za-zÄÖÜäöüß]+)\.?$", before + ".")
        token = word.group(1).lower() if word else ""
        # "z. B.", "Art. 6", "lit. f" and single letters ("a) … b)") do not end sentences.
        if line[match.start()] == "." and (token in _ABBREVIATIONS or len(token) == 1 or before[-1:].isdigit()):
            continue
        if cut - start > 1:
            spans.append((offset + start, offset + cut))
        start = match.end()
    if start < len(line) and line[start:].strip():
        spans.append((offset + start, offset + len(line)))
    return spans


def split_units(text: str, sections: tuple[Section, ...]) -> list[Unit]:
    """All units of ``text``; heading lines are units with ``heading=True``."""
    section_starts = [s.start for s in sections]
    heading_lines: set[int] = set()
    for section in sections:
        if section.heading_path:
            heading = section.heading_path[-1]
            position = text.rfind(heading, 0, section.start + 1)
            if position >= 0:
                heading_lines.add(position)
    units: list[Unit] = []
    position = 0
    for line in text.split("\n"):
        if line.strip():
            index = max(bisect.bisect_right(section_starts, position) - 1, 0)
            if position in heading_lines:
                # A heading belongs to the section it opens.
                index = min(bisect.bisect_right(section_starts, position + len(line) + 2) - 1, len(sections) - 1)
                units.append(Unit(position, position + len(line), line, max(index, 0), heading=True))
            else:
                for start, end in _split_line(line, position):
                    while start < end and text[start].isspace():
                        start += 1
                    if end > start:
                        units.append(Unit(start, end, text[start:end], index))
        position += len(line) + 1
    return units


@dataclass(frozen=True)
class MatchForm:
    """The lower-cased, compound-expanded form of a unit and its map to original offsets."""

    text: str
    origin: tuple[int, ...]  # origin[i] = index in the unit's text of matching character i

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original (unit-relative) span of a matching-form span."""
        if not self.origin:
            return 0, 0
        first = self.origin[min(start, len(self.origin) - 1)]
        last = self.origin[min(max(end - 1, 0), len(self.origin) - 1)] + 1
        return first, max(last, first)


_ELLIPSIS = re.compile(r"\b([a-zäöüß]+)-(?:/|\s*(?:,\s*[a-zäöüß]+-\s*)*(?:und|oder|sowie|bzw\.?|&|/)\s+)([a-zäöüß][\w-]*)")


def _lower(text: str) -> str:
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(ch.lower()[:1] or ch for ch in text)  # keep one char per char (e.g. "İ")


def match_form(text: str, heads: tuple[str, ...]) -> MatchForm:
    """Lower-case ``text`` and complete elliptic compounds with the head of the last member."""
    lowered = _lower(text)
    if not heads or "-" not in lowered:
        return MatchForm(lowered, tuple(range(len(lowered))))
    pieces: list[str] = []
    origin: list[int] = []
    cursor = 0
    for match in _ELLIPSIS.finditer(lowered):
        last = match.group(2)
        head = next((h for h in heads if last.endswith(h) and len(last) > len(h)), None)
        if head is None:
            continue
        # Every "Xyz-" inside the span gets the head appended: "kontakt-" -> "kontaktdaten".
        segment_start = match.start()
        pieces.append(lowered[cursor:segment_start])
        origin.extend(range(cursor, segment_start))
        segment = lowered[segment_start:match.start(2)]
        local = 0
        for member in re.finditer(r"([a-zäöüß]+)-(?=\s|/|,)", segment):
            pieces.append(segment[local:member.end(1)])
            origin.extend(range(segment_start + local, segment_start + member.end(1)))
            pieces.append(head)
            origin.extend([segment_start + member.end(1) - 1] * len(head))
            local = member.end()  # drop the hyphen
        pieces.append(segment[local:])
        origin.extend(range(segment_start + local, match.start(2)))
        cursor = match.start(2)
    pieces.append(lowered[cursor:])
    origin.extend(range(cursor, len(lowered)))
    joined = "".join(pieces)
    # "meta-/kommunikationsdaten" leaves "metadaten/kommunikationsdaten": fine for matching.
    return MatchForm(joined, tuple(origin))
