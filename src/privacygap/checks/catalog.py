"""Load and validate the check catalog (``checks/<FAMILY>/<ID>-<slug>.yaml``).

Every check file is validated against ``checks/schema.json``; its file name must be
``<id>-<slug>.yaml``; ids are unique. The cases of a check live in the folder of the
same name (``pass-*.yaml``, ``fail-*.yaml``) and are run by one parametrised test.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema

from privacygap import resources
from privacygap.errors import UsageError
from privacygap.models import Confidence, Severity

FAMILIES = ("POL", "CRM", "WEB")


@dataclass(frozen=True)
class CheckSpec:
    """One check as the catalog defines it."""

    id: str
    slug: str
    title: dict[str, str]
    kind: str
    inputs: tuple[str, ...]
    severity: Severity
    confidence: Confidence
    status: str
    references: tuple[str, ...]
    message: dict[str, str]
    docs: dict[str, dict[str, str]]
    params: dict[str, Any] = field(default_factory=dict)
    needs_human_review: bool = False
    path: Path | None = None

    @property
    def cases_dir(self) -> Path | None:
        """The folder holding this check's pass/fail cases."""
        return self.path.with_suffix("") if self.path else None

    def cases(self) -> list[Path]:
        """The check's case files, sorted (pass-*.yaml and fail-*.yaml)."""
        folder = self.cases_dir
        if not folder or not folder.is_dir():
            return []
        return sorted(folder.glob("pass-*.yaml")) + sorted(folder.glob("fail-*.yaml"))


@functools.cache
def _schema() -> dict[str, Any]:
    with open(resources.checks_dir() / "schema.json", encoding="utf-8") as handle:
        return json.load(handle)


def validate_document(document: Any, path: Path) -> None:
    """Validate one check document against ``checks/schema.json`` and its file name.

    Raises:
        UsageError: naming the file and the first problem found.
    """
    validator = jsonschema.Draft202012Validator(_schema())
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.path) or "(top level)"
        raise UsageError(f"{path}: invalid check at {where}: {first.message}")
    expected = f"{document['id']}-{document['slug']}.yaml"
    if path.name != expected:
        raise UsageError(f"{path}: file name must be {expected}")
    if path.parent.name != document["id"][:3]:
        raise UsageError(f"{path}: a {document['id'][:3]} check must live in checks/{document['id'][:3]}/")


def _spec(document: dict[str, Any], path: Path) -> CheckSpec:
    return CheckSpec(
        id=document["id"],
        slug=document["slug"],
        title=document["title"],
        kind=document["kind"],
        inputs=tuple(document["inputs"]),
        severity=Severity(document["severity"]),
        confidence=Confidence(document["confidence"]),
        status=document["status"],
        references=tuple(document["references"]),
        message=document["message"],
        docs=document["docs"],
        params=dict(document.get("params") or {}),
        needs_human_review=bool(document.get("needs_human_review", False)),
        path=path,
    )


@functools.cache
def load_catalog() -> dict[str, CheckSpec]:
    """Load, validate and return every check of the catalog, by id (sorted).

    Raises:
        UsageError: for an invalid file or a duplicate id.
    """
    root = resources.checks_dir()
    specs: dict[str, CheckSpec] = {}
    for family in FAMILIES:
        folder = root / family
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.yaml")):
            document = resources.load_yaml(path)
            validate_document(document, path)
            if document["id"] in specs:
                raise UsageError(f"{path}: duplicate check id {document['id']}")
            specs[document["id"]] = _spec(document, path)
    return dict(sorted(specs.items()))


def select(catalog: dict[str, CheckSpec], selectors: list[str] | None = None,
           ignore: list[str] | None = None) -> list[CheckSpec]:
    """Checks whose id starts with one of ``selectors`` (all when empty) and none of ``ignore``."""
    chosen = []
    for spec in catalog.values():
        if spec.status == "deprecated":
            continue
        if selectors and not any(spec.id.startswith(s.upper()) for s in selectors):
            continue
        if ignore and any(spec.id.startswith(s.upper()) for s in ignore):
            continue
        chosen.append(spec)
    return chosen
