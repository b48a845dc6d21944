"""Check kinds: the pure Python predicates that check files name with ``kind:``.

A kind is a function ``(ctx: CheckContext, params: dict) -> Iterable[Hit]`` registered
with :func:`kind`. Every module of this package is imported by :func:`registry`, so a
new kind is a new module here and nothing else. A check that reuses a kind is only a
YAML file and its cases.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from privacygap.models import Confidence, ConsentResult, Evidence, Guideline, Inventory, PageLinks, Severity, Statement
from privacygap.records.model import Records


@dataclass(frozen=True)
class CheckContext:
    """Everything the checks may look at for one site (any part may be missing)."""

    site: str = ""
    statement: Statement | None = None
    inventory: Inventory | None = None
    consent: ConsentResult | None = None
    guideline: Guideline | None = None
    # The DPO's records (--records): vendor list, VVT, dialer settings, call script.
    records: Records | None = None
    # Legal links of statically fetched pages (start, statement, imprint): POL001 when the
    # browser did not run; the browser's own reading (consent.legal_links) is preferred.
    pages: tuple[PageLinks, ...] = ()
    # Facts the user supplies (e.g. {"dpo_appointed": true, "employees": 40}).
    facts: Mapping[str, Any] = field(default_factory=dict)

    def has(self, need: str) -> bool:
        """Whether the input ``need`` (as named in a check's ``inputs``) is present."""
        if need == "policy":
            return self.statement is not None
        if need == "inventory":
            return self.inventory is not None and bool(self.inventory.fields or self.inventory.sources)
        if need == "notes":
            return self.inventory is not None and self.inventory.notes_scanned > 0
        if need == "consent":
            return self.consent is not None
        if need == "guideline":
            return self.guideline is not None
        if need == "records":
            return self.records is not None
        if need == "pages":
            return bool(self.pages) or (self.consent is not None and bool(self.consent.legal_links))
        return False


@dataclass(frozen=True)
class Hit:
    """What a kind reports; the engine turns it into a :class:`~privacygap.models.Finding`.

    ``values`` fill the check's message placeholders; ``key`` (with the category) makes
    the fingerprint, so it must be stable across runs: a field path, a cookie name, an
    element name — never offsets or timestamps.
    """

    category: str | None = None
    values: Mapping[str, Any] = field(default_factory=dict)
    evidence: tuple[Evidence, ...] = ()
    key: str = ""
    severity: Severity | None = None
    confidence: Confidence | None = None
    # A hit that rests on a fallback (e.g. an unreadable chat widget) asks for review even
    # where the check's other findings do not; None: the check's own setting.
    needs_human_review: bool | None = None


def localised(de: str, en: str) -> dict[str, str]:
    """A message value in both languages; the engine shows the report's language."""
    return {"de": de, "en": en}


KindFunction = Callable[[CheckContext, dict], Iterable[Hit]]
_KINDS: dict[str, KindFunction] = {}


def kind(name: str) -> Callable[[KindFunction], KindFunction]:
    """Register a kind under ``name`` (the value of ``kind:`` in check files)."""

    def register(function: KindFunction) -> KindFunction:
        if name in _KINDS and _KINDS[name] is not function:
            raise ValueError(f"check kind {name!r} registered twice")
        _KINDS[name] = function
        return function

    return register


@functools.cache
def registry() -> dict[str, KindFunction]:
    """Import every kind module once and return the registered kinds by name."""
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
    return dict(_KINDS)
