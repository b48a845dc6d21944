"""The phrase catalogs of ``checks/taxonomy/statement-phrases/{de,en}.yaml``, compiled once.

Patterns live in data, not in Python, so a reviewer can add a synonym without touching
code. This module only compiles them and answers small questions about the result.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from privacygap import resources, taxonomy

LANGUAGES = ("de", "en")


class CategoryPattern:
    """One pattern of a category; ``weak`` ones count only inside an enumeration.

    ``hint`` is a literal every match must contain (lower-case, '' when there is none):
    a cheap ``in`` test skips the pattern for documents that cannot match it, and such a
    pattern is never compiled at all (``regex`` compiles on first use: a statement meets a
    fraction of the catalog's patterns, and compiling all of them was most of start-up).
    """

    __slots__ = ("key", "source", "weak", "hint", "_regex")

    def __init__(self, key: str, source: str, weak: bool, hint: str = "") -> None:
        self.key, self.source, self.weak, self.hint = key, source, weak, hint
        self._regex: re.Pattern[str] | None = None

    @property
    def regex(self) -> re.Pattern[str]:
        """The compiled pattern (case-insensitive)."""
        if self._regex is None:
            self._regex = re.compile(self.source, re.I)  # two threads at once compile the same pattern
        return self._regex

    def __repr__(self) -> str:
        return f"CategoryPattern({self.key!r}, {self.source!r}, weak={self.weak})"


def split_alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of a pattern ("a|b(c|d)" -> ["a", "b(c|d)"])."""
    parts: list[str] = []
    depth = 0
    in_class = False
    current: list[str] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern):
            current.append(pattern[index:index + 2])
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append("".join(current))
            current = []
            index += 1
            continue
        current.append(char)
        index += 1
    parts.append("".join(current))
    return parts


def literal_hints(pattern: str) -> tuple[str, ...]:
    """One literal per top-level alternative that its matches must contain; () when some alternative has none."""
    if pattern.startswith("(?i)"):
        pattern = pattern[4:]
    hints = tuple(literal_hint(part) for part in split_alternatives(pattern))
    return hints if all(hints) else ()


def literal_hint(pattern: str) -> str:
    """The longest literal (3+ letters) that every match of ``pattern`` contains, or ''.

    Conservative: groups, classes, optional characters and escapes are cut out first, and
    a pattern with a top-level alternation has no hint.
    """
    text = pattern[4:] if pattern.startswith("(?i)") else pattern
    text = re.sub(r"\\(?=[(){}\[\]|?*+.])", "", text)
    previous = None
    while previous != text:  # innermost groups first, with their quantifier
        previous = text
        text = re.sub(r"\([^()]*\)(?:[?*+]|\{[^}]*\})?", " ", text)
    if "|" in text or "(" in text:
        return ""
    text = re.sub(r"\[[^\]]*\](?:[?*+]|\{[^}]*\})?", " ", text)
    text = re.sub(r"\\[a-zA-Z]", " ", text)
    text = re.sub(r".[?*]|.\{0,?[^}]*\}", " ", text)
    runs = re.findall(r"[a-zäöüß0-9]{3,}", text.lower())
    return max(runs, key=len) if runs else ""


@dataclass(frozen=True)
class Umbrella:
    """An umbrella term ("Kontaktdaten") and the keys it stands for when the statement leaves it undefined."""

    regex: re.Pattern[str]
    default: tuple[str, ...]


@dataclass(frozen=True)
class PhraseCatalog:
    """Everything the statement reader needs for one language."""

    language: str
    patterns: tuple[CategoryPattern, ...]
    umbrellas: tuple[Umbrella, ...]
    openers: frozenset[str]
    closers: frozenset[str]
    channel_words: frozenset[str]
    compound_heads: tuple[str, ...]
    negation_determiners: re.Pattern[str]
    negation_verb_after: re.Pattern[str]
    negation_verb_before: re.Pattern[str]
    negation_sharing: re.Pattern[str]
    negation_conditional: re.Pattern[str]
    third_party_markers: re.Pattern[str]
    third_party_on_behalf: re.Pattern[str]
    skip_sections: re.Pattern[str]
    skip_units: re.Pattern[str]
    contact_line: re.Pattern[str]
    hypothetical: re.Pattern[str]
    contact_context: re.Pattern[str]
    contact_storage: re.Pattern[str]
    elements: dict[str, dict[str, re.Pattern[str]]] = field(default_factory=dict)
    signals: dict[str, re.Pattern[str]] = field(default_factory=dict)


def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.I)


def _compile_group(value: object) -> re.Pattern[str]:
    """A pattern given as a string or as a list of alternatives."""
    if isinstance(value, list):
        return _compile("|".join(f"(?:{v})" for v in value))
    return _compile(str(value))


@functools.cache
def catalog(language: str) -> PhraseCatalog:
    """The compiled catalog for ``language`` ("de" or "en"; anything else reads as "en").

    Raises:
        ValueError: when a category key of the catalog is not a taxonomy key.
    """
    language = language if language in LANGUAGES else "en"
    data = resources.catalog_yaml("checks", f"taxonomy/statement-phrases/{language}.yaml")
    patterns: list[CategoryPattern] = []
    for key, items in data["categories"].items():
        if not taxonomy.is_known(key):
            raise ValueError(f"statement-phrases/{language}.yaml: unknown category {key!r}")
        for item in items:
            weak = item.startswith("~")
            source = item[1:] if weak else item
            patterns.append(CategoryPattern(key, source, weak, literal_hint(source)))
    umbrellas = tuple(Umbrella(_compile(u["pattern"]), tuple(u["default"])) for u in data.get("umbrellas", ()))
    negation = data["negation"]
    determiners = "|".join(re.escape(d) for d in negation["determiners"])
    elements = {name: {part: _compile_group(p) for part, p in spec.items()}
                for name, spec in (data.get("elements") or {}).items()}
    signals = {name: _compile_group(p) for name, p in (data.get("signals") or {}).items()}
    return PhraseCatalog(
        language=language,
        patterns=tuple(patterns),
        umbrellas=umbrellas,
        openers=frozenset(data.get("enumeration_openers", ())),
        closers=frozenset(data.get("enumeration_closers", ())),
        channel_words=frozenset(data.get("channel_words", ())),
        compound_heads=tuple(sorted(data.get("compound_heads", ()), key=len, reverse=True)),
        negation_determiners=_compile(rf"\b(?:{determiners})\b"),
        negation_verb_after=_compile(negation["verb_after"]),
        negation_verb_before=_compile(negation["verb_before"]),
        negation_sharing=_compile(negation["sharing"]),
        negation_conditional=_compile(negation["conditional"]),
        third_party_markers=_compile(data["third_party"]["markers"]),
        third_party_on_behalf=_compile(data["third_party"]["on_behalf"]),
        skip_sections=_compile(data["skip_sections"]),
        skip_units=_compile(data["skip_units"]),
        contact_line=_compile(data["contact_line"]),
        hypothetical=_compile(data["hypothetical"]),
        contact_context=_compile(data["contact_context"]),
        contact_storage=_compile(data["contact_storage"]),
        elements=elements,
        signals=signals,
    )
