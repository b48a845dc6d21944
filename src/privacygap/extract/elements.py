"""Decide which Art. 13/14 elements a statement contains, and collect the POL checks' signals.

The vocabulary is in the phrase catalogs (``elements:`` and ``signals:``); this module
holds the logic that is the same in every language: where to look (sections, windows
after a cue), what rules a cue out (placeholders, a vendor's own DPO, an objection the
*operator* raises), and how sections are grouped for the per-section checks (legal
basis, legitimate interest, retention).
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from privacygap.extract.phrases import PhraseCatalog, literal_hints
from privacygap.extract.text import Document
from privacygap.extract.units import Unit
from privacygap.extract.vendors import find_vendors
from privacygap.models import ELEMENT_KEYS, Quote


@dataclass
class ElementResult:
    """Elements, their quotes, the vendors named and the signals of one statement."""

    elements: dict[str, bool] = field(default_factory=dict)
    quotes: dict[str, Quote] = field(default_factory=dict)
    vendors: tuple[str, ...] = ()
    signals: dict[str, Any] = field(default_factory=dict)
    imprint_url: str | None = None


@functools.cache
def _hints(pattern: str) -> tuple[str, ...]:
    return literal_hints(pattern)


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
_PHONE = re.compile(r"(?:tel|telefon|phone|fon)\w*\.?\s*:?\s*\+?[\d(][\d ()/.-]{5,}", re.I)


class _Reader:
    """Shared state while one statement's elements are read."""

    def __init__(self, document: Document, units: list[Unit], catalog: PhraseCatalog) -> None:
        self.document = document
        self.units = units
        self.catalog = catalog
        self.lower = document.text.lower()
        self.sections = document.sections
        self.result = ElementResult()
        self.body_units = [u for u in units if not u.heading]
        self.body_lower = [u.text.lower() for u in self.body_units]
        # One joined string lets a pattern find its first candidate in a single scan.
        self.joined = "\n".join(self.body_lower)
        self.starts: list[int] = []
        position = 0
        for low in self.body_lower:
            self.starts.append(position)
            position += len(low) + 1

    def spec(self, element: str) -> Mapping[str, re.Pattern[str]]:
        return self.catalog.elements.get(element, {})

    def section_title(self, unit: Unit) -> str:
        if 0 <= unit.section_index < len(self.sections):
            return self.sections[unit.section_index].title
        return ""

    def section_path(self, unit: Unit) -> tuple[str, ...]:
        if 0 <= unit.section_index < len(self.sections):
            return self.sections[unit.section_index].heading_path
        return ()

    def quote(self, unit: Unit) -> Quote:
        text = unit.text if len(unit.text) <= 400 else unit.text[:400].rsplit(" ", 1)[0]
        return Quote(text, self.section_title(unit), unit.start, unit.start + len(text))

    def set(self, element: str, value: bool, unit: Unit | None = None) -> None:
        self.result.elements[element] = value
        if value and unit is not None:
            self.result.quotes[element] = self.quote(unit)

    def first_unit(self, pattern: re.Pattern[str] | None, exclude: re.Pattern[str] | None = None,
                   skip_rights: bool = False) -> Unit | None:
        """The first body unit matching ``pattern`` and not ``exclude``."""
        if pattern is None:
            return None
        for index in self.candidates(pattern):
            unit, low = self.body_units[index], self.body_lower[index]
            if skip_rights and self.in_rights_section(unit):
                continue
            if pattern.search(low) and not (exclude and exclude.search(low)):
                return unit
        return None

    def candidates(self, pattern: re.Pattern[str]) -> list[int]:
        """Indexes of body units that may match ``pattern``, in text order.

        Each top-level alternative of the pattern has a literal its matches contain;
        ``str.find`` locates those literals far faster than the regex engine scans.
        Without such literals every unit that the pattern matches in one scan is a candidate.
        """
        hints = _hints(pattern.pattern)
        found: set[int] = set()
        if hints:
            for hint in hints:
                position = self.joined.find(hint)
                while position >= 0:
                    index = bisect.bisect_right(self.starts, position) - 1
                    found.add(index)
                    position = self.joined.find(hint, self.starts[index] + len(self.body_lower[index]) + 1)
        else:
            for match in pattern.finditer(self.joined):
                found.add(bisect.bisect_right(self.starts, match.start()) - 1)
        return sorted(found)

    def in_rights_section(self, unit: Unit) -> bool:
        path = " ".join(self.section_path(unit)).lower()
        return bool(re.search(r"rechte|rights|auskunft|betroffene|data subject", path))

    def in_rights_list_item(self, unit: Unit) -> bool:
        """Whether the unit's line is one item of a list (a single newline before and after it)."""
        text = self.document.text
        line_start = text.rfind("\n", 0, unit.start) + 1
        line_end = text.find("\n", unit.end)
        before_tight = line_start >= 2 and text[line_start - 2] != "\n"
        after_tight = line_end != -1 and text[line_end + 1:line_end + 2] not in ("\n", "")
        return before_tight or after_tight

    def window(self, unit: Unit, size: int = 700) -> str:
        """The unit's section text from the unit on (at most ``size`` characters), lower-cased."""
        end = unit.start + size
        if 0 <= unit.section_index < len(self.sections):
            end = max(min(end, self.sections[unit.section_index].end), unit.end + 200)
        return self.lower[unit.start:end]


# ---------------------------------------------------------------------------- individual elements


def _controller(reader: _Reader) -> None:
    spec = reader.spec("controller_identity")
    placeholder = spec.get("placeholder")
    candidates: list[tuple[Unit, str]] = []
    for unit in reader.units:
        low = unit.text.lower()
        label = unit.heading or len(unit.text) < 60  # "Verantwortlicher" as a styled line, not a real heading
        heading_hit = label and spec["heading"].search(low) and not re.search(r"datenschutzbeauftragt|officer", low)
        if heading_hit or (not unit.heading and spec["cue"].search(low)):
            candidates.append((unit, reader.lower[unit.start:unit.start + 600]))
    details: dict[str, Any] = {"address": False, "email": False, "phone": False, "placeholder": False}
    for unit, window in candidates:
        if placeholder and placeholder.search(window):
            details["placeholder"] = True
            continue
        has_address = bool(spec["address"].search(window))
        details["address"] = details["address"] or has_address
        details["email"] = details["email"] or bool(_EMAIL.search(window))
        details["phone"] = details["phone"] or bool(_PHONE.search(window))
        if has_address:
            reader.set("controller_identity", True, unit)
            break
    else:
        reader.set("controller_identity", False)
    details["found"] = bool(candidates)
    reader.result.signals["controller"] = details


def _dpo(reader: _Reader, vendor_names: list[str]) -> None:
    spec = reader.spec("dpo_contact")
    vendor_re = re.compile("|".join(re.escape(v.lower()) for v in vendor_names)) if vendor_names else None
    mentioned = False
    not_required = False
    for unit in reader.units:
        low = unit.text.lower()
        if not spec["cue"].search(low):
            continue
        mentioned = True
        window = reader.window(unit, 500)
        if spec["exclude"].search(low) or spec["exclude"].search(window[:300]):
            not_required = True
            continue
        # "Datenschutzbeauftragter: privacy@vendor.com" in a vendor's paragraph is the vendor's DPO.
        if vendor_re and (vendor_re.search(low) or vendor_re.search(" ".join(reader.section_path(unit)).lower())):
            continue
        if reader.in_rights_section(unit) and not unit.heading:
            continue
        placeholder = reader.spec("controller_identity").get("placeholder")
        if placeholder and placeholder.search(window[:300]):
            continue
        if spec["contact"].search(window):
            reader.set("dpo_contact", True, unit)
            break
    else:
        reader.set("dpo_contact", False)
    reader.result.signals["dpo"] = {"mentioned": mentioned, "not_required_stated": not_required}


def _simple(reader: _Reader, element: str, *, skip_rights: bool = False) -> Unit | None:
    spec = reader.spec(element)
    unit = reader.first_unit(spec.get("cue"), spec.get("exclude"), skip_rights=skip_rights)
    reader.set(element, unit is not None, unit)
    return unit


def _third_country(reader: _Reader) -> None:
    spec = reader.spec("third_country")
    unit = reader.first_unit(spec["cue"]) or reader.first_unit(spec["transfer"])
    reader.set("third_country", unit is not None, unit)


def _retention(reader: _Reader) -> None:
    spec = reader.spec("retention")
    concrete: list[Unit] = []
    generic: list[Unit] = []
    previous = ""
    for unit in reader.body_units:
        low = unit.text.lower()
        context, previous = previous + " " + low, low  # "Wir löschen …; Wir prüfen alle zwei Jahre" spans two units
        if reader.in_rights_section(unit) or not spec["cue"].search(context):
            continue
        if spec["period"].search(low):
            concrete.append(unit)
        elif spec["generic"].search(low):
            generic.append(unit)
    reader.set("retention", bool(concrete), concrete[0] if concrete else None)
    reader.result.signals["retention_generic_only"] = not concrete and bool(generic)
    reader.result.signals["retention_generic_quotes"] = [_quote_json(reader.quote(u)) for u in generic[:3]]
    reader.result.signals["retention_periods"] = [_quote_json(reader.quote(u)) for u in concrete[:5]]


def _objection_separate(reader: _Reader) -> None:
    spec = reader.spec("objection_direct_marketing_separate")
    found: Unit | None = None
    for index, section in enumerate(reader.sections):
        if not section.heading_path:
            continue
        title = section.heading_path[-1].lower()
        if not spec["heading"].search(title) or spec["exclude_heading"].search(title):
            continue
        if spec["list_heading"].search(title) and not spec["marketing"].search(title):
            continue  # the rights catalogue itself is not a separate block
        if spec["marketing"].search(title) or spec["marketing"].search(section.text.lower()):
            found = next((u for u in reader.units if u.section_index == index and not u.heading), None)
            if found is not None:
                break
    if found is None:
        # eRecht24 and similar put the block in capitals as its own paragraph; others open a
        # paragraph of its own with the direct-marketing sentence (not a bullet "Widerspruchsrecht: …").
        text = reader.document.text
        for block_unit in reader.body_units:
            low = block_unit.text.lower()
            if block_unit.text[:60].isupper() and spec["capitals"].search(low):
                found = block_unit
                break
            opens_paragraph = block_unit.start == 0 or text[block_unit.start - 2:block_unit.start] == "\n\n"
            if (opens_paragraph and spec.get("paragraph") and spec["paragraph"].search(low)
                    and ":" not in block_unit.text[:40] and not reader.in_rights_list_item(block_unit)):
                found = block_unit
                break
    reader.set("objection_direct_marketing_separate", found is not None, found)
    reader.result.signals["direct_marketing_mentioned"] = bool(reader.catalog.signals["direct_marketing"].search(reader.lower))


def _crm(reader: _Reader) -> None:
    spec = reader.spec("crm_or_sales_section")
    unit = None
    for candidate in reader.units:
        low = candidate.text.lower()
        if candidate.heading and spec["heading"].search(low) and not reader.catalog.skip_sections.search(low):
            unit = candidate
            break
    if unit is None:
        unit = reader.first_unit(spec["text"], skip_rights=True)
    reader.set("crm_or_sales_section", unit is not None, unit)


def _phone(reader: _Reader) -> None:
    spec = reader.spec("phone_calls")
    controller = reader.spec("controller_identity")["heading"]
    for unit in reader.body_units:
        low = unit.text.lower()
        if reader.catalog.contact_line.match(low) or not spec["cue"].search(low):
            continue
        title = reader.section_title(unit).lower()
        if controller.search(title) and not re.search(r"kontaktformular|anfrage|contact form|enquir", title):
            continue
        if reader.in_rights_section(unit):
            continue
        reader.set("phone_calls", True, unit)
        return
    reader.set("phone_calls", False)


# ---------------------------------------------------------------------------- signals for the POL checks


def _quote_json(quote: Quote) -> dict[str, Any]:
    return {"text": quote.text, "section": quote.section, "start": quote.start, "end": quote.end}


def _processing_groups(reader: _Reader, mention_offsets: list[int]) -> list[tuple[str, list[int]]]:
    """Sections that describe a processing, each with the sections that belong to it.

    A processing section names personal data (a category mention lies in it) and is
    not explanatory (rights, definitions, overview …). Generators split one processing
    into generic sub-headings ("Umfang der Verarbeitung", "Rechtsgrundlage", "Dauer");
    such a sub-section stands for its parent's subtree, so a legal basis in a sibling
    counts. Text of the ancestors counts too ("2. Zwecke und Rechtsgrundlagen" above
    its sub-sections).
    """
    signals = reader.catalog.signals
    groups: dict[str, list[int]] = {}
    sections = reader.sections
    offsets = sorted(mention_offsets)
    for section in sections:
        if not section.heading_path or len(section.text) < 60:
            continue
        position = bisect.bisect_left(offsets, section.start)
        if position >= len(offsets) or offsets[position] >= section.end:
            continue  # names no personal data: explanation, not processing
        title = section.heading_path[-1].lower()
        path = section.heading_path
        if signals["generic_subsection"].search(title) and len(path) > 1:
            path = path[:-1]
        elif signals["non_processing_heading"].search(title):
            continue
        if any(reader.catalog.skip_sections.search(h.lower()) or signals["overview_heading"].search(h.lower())
               for h in path):
            continue
        name = " / ".join(path)
        if name not in groups:
            groups[name] = [i for i, other in enumerate(sections)
                            if other.heading_path[:len(path)] == path
                            or (other.heading_path and other.heading_path == path[:len(other.heading_path)])]
    return list(groups.items())


def _legal_basis_signals(reader: _Reader, mention_offsets: list[int]) -> None:
    signals = reader.catalog.signals
    interest = reader.spec("legitimate_interest_named")["cue"]
    without_basis: list[str] = []
    lit_f_without_interest: list[str] = []
    for name, related in _processing_groups(reader, mention_offsets):
        text = " ".join(reader.sections[i].text.lower() for i in related)
        if not signals["lit_any"].search(text):
            without_basis.append(name)
            continue
        if signals["lit_f"].search(text) and not interest.search(text):
            lit_f_without_interest.append(name)
    # A central "Rechtsgrundlagen" section that cites several letters covers the purposes it lists.
    central = [sec for sec in reader.sections if sec.heading_path
               and signals["central_legal_basis_heading"].search(sec.heading_path[-1].lower())
               and len(re.findall(r"lit\.?\s*[a-f]\b|\(1\)\s*\(?[a-f]\b|buchst", sec.text.lower())) >= 2]
    if central:
        without_basis = []
    alternatives = []
    for unit in reader.body_units:
        if signals["alternative"].search(unit.text.lower()):
            alternatives.append(_quote_json(reader.quote(unit)))
    reader.result.signals["lit_f_cited"] = bool(signals["lit_f"].search(reader.lower))
    reader.result.signals["sections_without_legal_basis"] = without_basis
    reader.result.signals["lit_f_without_interest"] = lit_f_without_interest
    reader.result.signals["alternative_legal_bases"] = alternatives[:5]


def _transfer_signals(reader: _Reader, vendors: list[tuple[str, str]]) -> None:
    signals = reader.catalog.signals
    shield = None
    for unit in reader.body_units:
        low = unit.text.lower()
        if signals["privacy_shield"].search(low) and not signals["privacy_shield_obsolete"].search(low):
            shield = _quote_json(reader.quote(unit))
            break
    scc_units = [u for u in reader.body_units if signals["scc"].search(u.text.lower())]
    copy_route = any(signals["copy_route"].search(reader.window(u, 400)) for u in scc_units)
    reader.result.signals.update({
        "privacy_shield": shield,
        "dpf": bool(signals["dpf"].search(reader.lower)),
        "scc": bool(scc_units),
        "scc_copy_route": copy_route,
        "adequacy": bool(signals["adequacy"].search(reader.lower)),
        "third_country_vendors": [name for name, region in vendors if region in ("us", "other")],
    })


_RIGHTS = {
    "access": r"auskunft|right (of|to) access|art(icle)?\.?\s*15\b",
    "rectification": r"berichtigung|rectification|art(icle)?\.?\s*16\b",
    "erasure": r"löschung|erasure|right to be forgotten|vergessenwerden|art(icle)?\.?\s*17\b",
    "restriction": r"einschränkung|restriction|art(icle)?\.?\s*18\b",
    "portability": r"übertragbarkeit|portability|art(icle)?\.?\s*20\b",
    "objection": r"widerspruch|widersprechen|right to object|art(icle)?\.?\s*21\b",
    "withdrawal": r"widerruf|withdraw|revoke|art(icle)?\.?\s*7\s*(abs\.?\s*3|\(3\))",
    "complaint": r"beschwerde|complaint|art(icle)?\.?\s*77\b",
}


def _rights_signals(reader: _Reader) -> None:
    """Which of the eight rights the statement names (anywhere, as a data subject's right)."""
    rights = {name: bool(re.search(pattern, reader.lower)) for name, pattern in _RIGHTS.items()}
    rights["objection"] = bool(reader.result.elements.get("right_to_object"))
    rights["withdrawal"] = bool(reader.result.elements.get("withdraw_consent"))
    rights["complaint"] = bool(reader.result.elements.get("complaint_authority"))
    rights["access"] = bool(reader.result.elements.get("rights_access_etc")) and rights["access"]
    reader.result.signals["rights"] = rights


def _source_signals(reader: _Reader, declared_keys: set[str]) -> None:
    signals = reader.catalog.signals
    categories_heading = any(s.heading_path and signals["categories_heading"].search(s.heading_path[-1].lower())
                             for s in reader.sections)
    reader.result.signals["categories_listed"] = categories_heading or len(declared_keys) >= 3
    reader.result.signals["public_sources"] = bool(
        reader.result.elements.get("source_of_data") and signals["public_source"].search(reader.lower))


# ---------------------------------------------------------------------------- entry point


def analyse_elements(document: Document, units: list[Unit], catalog: PhraseCatalog, *,
                     declared_keys: set[str] | None = None, mention_offsets: list[int] | None = None) -> ElementResult:
    """Read the elements, vendors and POL signals of one statement.

    ``mention_offsets`` are the start offsets of declared category mentions; they tell
    which sections describe a processing (for the per-section legal-basis signals).
    """
    reader = _Reader(document, units, catalog)
    found = find_vendors(document.text)
    vendor_names = [v.name for v, _s, _e in found]
    reader.result.vendors = tuple(vendor_names)
    _controller(reader)
    _dpo(reader, vendor_names)
    _simple(reader, "legal_basis")
    _simple(reader, "legitimate_interest_named")
    unit = _simple(reader, "recipients")
    # A named vendor is a recipient unless the statement says it runs on the company's own server.
    external = [v for v, start, _e in found
                if not catalog.signals["self_hosted"].search(document.text[max(0, start - 200):start + 200].lower())]
    if unit is None and external:
        reader.set("recipients", True)
    _third_country(reader)
    _retention(reader)
    _simple(reader, "rights_access_etc")
    _simple(reader, "right_to_object")
    _objection_separate(reader)
    _simple(reader, "withdraw_consent")
    _simple(reader, "complaint_authority")
    _crm(reader)
    _phone(reader)
    _simple(reader, "call_recording")
    _simple(reader, "source_of_data", skip_rights=True)
    _legal_basis_signals(reader, mention_offsets or [])
    _transfer_signals(reader, [(v.name, v.region) for v, _s, _e in found])
    _rights_signals(reader)
    _source_signals(reader, declared_keys or set())
    reader.result.signals["vendor_mentions"] = [
        {"name": v.name, "kind": v.kind, "region": v.region, "quote": document.text[max(0, s - 60):e + 60]}
        for v, s, e in found]
    reader.result.elements = {key: bool(reader.result.elements.get(key, False)) for key in ELEMENT_KEYS}
    return reader.result

