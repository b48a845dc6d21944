"""The statement stage: read a privacy statement into a :class:`~privacygap.models.Statement`.

``analyse_statement`` runs three steps, each in its own module:

1. structure (:mod:`privacygap.extract.text`): normalised text and sections;
2. categories (:mod:`privacygap.extract.categories`): declared, negated and third-party
   categories with verbatim quotes;
3. elements (:mod:`privacygap.extract.elements`): the Art. 13/14 elements, vendors and
   the signals the POL checks read.

Everything is pure Python regular expressions over phrase catalogs in ``checks/``: no
network, no model download.
"""

from __future__ import annotations

import hashlib
import re
import time
from pathlib import PurePath

from privacygap.errors import NotAStatementError
from privacygap.extract import categories as category_step
from privacygap.extract import elements as element_step
from privacygap.extract.language import confident_language, detect_language
from privacygap.extract.phrases import catalog
from privacygap.extract.plausibility import assess_statement_text
from privacygap.extract.text import Document, extract_document
from privacygap.extract.units import split_units
from privacygap.models import Statement

FORMATS = ("html", "markdown", "text")

_EXTENSIONS = {".html": "html", ".htm": "html", ".xhtml": "html", ".md": "markdown", ".markdown": "markdown",
               ".mdx": "markdown", ".astro": "markdown", ".txt": "text", ".text": "text"}


def detect_format(name: str | None, content: str | bytes) -> str:
    """Guess "html", "markdown" or "text" from a file name and (when that is inconclusive) the content."""
    if name:
        suffix = PurePath(name.split("?")[0]).suffix.lower()
        if suffix in _EXTENSIONS:
            return _EXTENSIONS[suffix]
    head = content[:5000].decode("utf-8", "replace") if isinstance(content, bytes) else content[:5000]
    stripped = head.lstrip()
    if re.match(r"(?i)<!doctype html|<html\b", stripped) or len(re.findall(r"(?i)</(p|div|h[1-6]|li|section)>", head)) >= 3:
        return "html"
    if re.search(r"(?m)^#{1,6} \S|^\s*[-*] \S|\*\*[^*]+\*\*|^---\s*$|\[[^\]]+\]\([^)]+\)", head):
        return "markdown"
    return "text"


def decode(raw: str | bytes) -> str:
    """Text of ``raw``: UTF-8 (with or without BOM), falling back to cp1252 for old pages."""
    if isinstance(raw, str):
        return raw
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", "replace")


def _source_format(fmt: str) -> str:
    fmt = fmt.lower()
    if fmt in ("md", "mdx", "astro", "markdown"):
        return "markdown"
    if fmt in ("htm", "html"):
        return "html"
    return "text"


def analyse_statement(raw: str | bytes, *, fmt: str, url: str | None = None, language: str | None = None,
                      timings: dict[str, float] | None = None, require_statement: bool = False) -> Statement:
    """Read a privacy statement and return what it declares, denies and contains.

    Args:
        raw: the statement as fetched or saved (bytes are decoded as UTF-8, else cp1252).
        fmt: "html", "markdown" (also "md", "mdx", "astro") or "text".
        url: where the statement came from (kept in the result).
        language: "de" or "en" for a statement whose language the text does not make clear
            (short texts, mixed pages); a clearly German or English text is read in its own language.
        timings: when given, receives seconds spent per stage ("structure", "categories", "elements").
        require_statement: check first that the document reads as a privacy statement at all
            (:mod:`privacygap.extract.plausibility`); a CSV, a login or error page is not analysed.

    Raises:
        ValueError: for an unknown ``fmt``.
        NotAStatementError: with ``require_statement``, for a document that is not a statement.
    """
    text = decode(raw)
    sha = hashlib.sha256(raw if isinstance(raw, bytes) else raw.encode("utf-8")).hexdigest()
    clock = time.process_time()
    document: Document = extract_document(text, fmt)
    if require_statement:
        verdict = assess_statement_text(document.text, raw_text=text)
        if not verdict.is_statement:
            # Analysed anyway, it would "declare nothing" and every CRM category would become a false finding.
            raise NotAStatementError(verdict.reason)
    units = split_units(document.text, document.sections)
    # The text decides when it clearly is German or English: callers sometimes pass the report
    # language, and reading a German statement with the English catalog would miss everything.
    lang = confident_language(document.text) or (language if language in ("de", "en") else None) \
        or detect_language(document.text)
    phrases = catalog(lang)
    after_structure = time.process_time()
    mentions = category_step.find_mentions(units, document.sections, phrases)
    declared, negated, third_party = category_step.build_claims(mentions)
    after_categories = time.process_time()
    offsets = [m.quote.start for m in mentions if m.polarity == "declared" and m.quote.start is not None]
    result = element_step.analyse_elements(document, units, phrases, declared_keys={c.category for c in declared},
                                           mention_offsets=offsets)
    after_elements = time.process_time()
    if timings is not None:
        timings["structure"] = timings.get("structure", 0.0) + after_structure - clock
        timings["categories"] = timings.get("categories", 0.0) + after_categories - after_structure
        timings["elements"] = timings.get("elements", 0.0) + after_elements - after_categories
    return Statement(
        url=url,
        language=lang,
        sha256=sha,
        declared=declared,
        negated=negated,
        third_party=third_party,
        vendors=result.vendors,
        elements=result.elements,
        element_quotes=result.quotes,
        signals=result.signals,
        sections=document.sections,
        text=document.text,
        imprint_url=result.imprint_url,
        source_format=_source_format(fmt),
    )
