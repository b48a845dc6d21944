"""The category taxonomy (fideslang keys plus CRM extensions) and its coverage rule.

A category ``K`` declared in a statement *covers* a stored category ``C`` when ``C == K``,
or ``C`` starts with ``K + "."`` and ``K`` has at least two parts. The root ``user``
covers nothing. Special categories (Art. 9/10 GDPR) are covered only by a declaration
of that key itself or one of its descendants.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass

from privacygap import resources


@dataclass(frozen=True)
class Category:
    """One taxonomy key with its names and flags."""

    key: str
    de: str
    en: str
    special: bool = False
    extension: bool = False
    reported: bool = True

    def name(self, lang: str) -> str:
        """The category's name in ``lang`` ("de" or "en")."""
        return self.de if lang == "de" else self.en


@functools.cache
def categories() -> dict[str, Category]:
    """All categories of ``checks/taxonomy/categories.yaml`` by key."""
    document = resources.catalog_yaml("checks", "taxonomy/categories.yaml")
    result: dict[str, Category] = {}
    for entry in document["categories"]:
        result[entry["key"]] = Category(
            key=entry["key"],
            de=entry["de"],
            en=entry["en"],
            special=bool(entry.get("special", False)),
            extension=bool(entry.get("extension", False)),
            reported=bool(entry.get("reported", True)),
        )
    return result


def is_known(key: str) -> bool:
    """True when ``key`` is a taxonomy key (or below ``system``)."""
    return key in categories() or key.startswith("system.")


def is_special(key: str) -> bool:
    """True for Art. 9/10 categories and their descendants."""
    table = categories()
    parts = key.split(".")
    return any(table.get(".".join(parts[:i])) and table[".".join(parts[:i])].special for i in range(2, len(parts) + 1))


def is_reported(key: str) -> bool:
    """False for ``system.*`` and ``user.unique_id``, which findings leave out."""
    if key == "system" or key.startswith("system.") or key == "user.unique_id":
        return False
    return True


def name(key: str, lang: str = "en") -> str:
    """A readable name of ``key``; the nearest named ancestor's name for unknown keys."""
    table = categories()
    parts = key.split(".")
    for i in range(len(parts), 0, -1):
        candidate = ".".join(parts[:i])
        if candidate in table:
            return table[candidate].name(lang)
    return key


def covers(declared: str, stored: str) -> bool:
    """Whether a declared category covers a stored one (the coverage rule of taxonomy.md)."""
    if declared == stored:
        return True
    if declared.count(".") < 1:  # the root "user" covers nothing
        return False
    if not stored.startswith(declared + "."):
        return False
    if is_special(stored) and not is_special(declared):
        # Art. 9/10: only that key itself or a descendant covers it.
        return False
    return True


def covering(declared: Iterable[str], stored: str) -> list[str]:
    """The declared keys that cover ``stored`` (empty when it is undisclosed)."""
    return [key for key in declared if covers(key, stored)]


def undisclosed(stored: Iterable[str], declared: Iterable[str]) -> list[str]:
    """Stored, reported categories that no declared category covers, sorted."""
    declared_list = list(declared)
    return sorted({s for s in stored if is_reported(s) and not covering(declared_list, s)})


def matches_gold(predicted: str, gold: str) -> bool:
    """Scoring rule of the corpus: same key or a more specific one matches; coarser does not."""
    return predicted == gold or predicted.startswith(gold + ".")
