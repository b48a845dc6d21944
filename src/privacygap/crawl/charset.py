"""Turn the bytes of an HTML page into text with the right character encoding.

Order (close to the WHATWG encoding sniffing algorithm):

1. a byte order mark — a BOM is unambiguous, and browsers let it win even over the
   header, so we do too;
2. the ``charset`` parameter of the ``Content-Type`` header;
3. ``<meta charset=…>`` or ``<meta http-equiv="Content-Type" content="…; charset=…">``
   in the first bytes of the page;
4. no declaration: strict UTF-8 if the bytes are valid UTF-8 (random legacy text almost never
   is), else charset_normalizer's guess, else windows-1252.

Labels are mapped as browsers map them: ``iso-8859-1``, ``latin1`` and ``us-ascii`` mean
windows-1252 (pages labelled Latin-1 routinely contain ``€ „ “ –`` from cp1252), and a
``<meta>`` that claims UTF-16 means UTF-8 (the meta tag was readable as ASCII, so it is not).
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_LABEL_ALIASES = {
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "l1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "iso-8859-9": "cp1254",
    "x-user-defined": "cp1252",
}

_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", re.IGNORECASE)
_PRESCAN_BYTES = 4096  # the spec prescans 1024 bytes; long <head> preambles need a little more

# charset_normalizer picks among look-alike single-byte code pages on short texts; for a
# German or English page the Western one is what the author meant.
_WESTERN_LOOKALIKES = {"latin_1", "iso8859_15", "cp1250", "iso8859_2", "mac_roman", "cp1257", "iso8859_10"}


def normalise_label(label: str | None) -> str | None:
    """Python codec name for an encoding label from a header or meta tag, or ``None`` if unknown."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    label = _LABEL_ALIASES.get(label, label)
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return _LABEL_ALIASES.get(name, name)


def header_charset(content_type: str | None) -> str | None:
    """The ``charset`` parameter of a Content-Type header value, if any."""
    if not content_type:
        return None
    for parameter in content_type.split(";")[1:]:
        key, _, value = parameter.partition("=")
        if key.strip().lower() == "charset":
            return value.strip().strip("\"'") or None
    return None


def meta_charset(body: bytes) -> str | None:
    """The charset a ``<meta>`` tag in the page's first bytes declares, if any."""
    match = _META_CHARSET.search(body[:_PRESCAN_BYTES])
    return match.group(1).decode("ascii", "replace") if match else None


def detect_encoding(body: bytes, content_type: str | None = None) -> str:
    """Python codec name for ``body``; see the module docstring for the order of evidence."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return name
    declared = normalise_label(header_charset(content_type))
    if declared:
        return declared
    declared = normalise_label(meta_charset(body))
    if declared:
        return "utf-8" if declared.startswith("utf-16") else declared
    try:
        body.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(body[:200_000]).best()
    if best is None or best.encoding in _WESTERN_LOOKALIKES:
        return "cp1252"
    return normalise_label(best.encoding) or "cp1252"


def decode_html(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode an HTML page. Returns ``(text, encoding)``; undecodable bytes become U+FFFD."""
    encoding = detect_encoding(body, content_type)
    text = body.decode(encoding, errors="replace")
    return text.removeprefix("\ufeff"), encoding
