"""Load and validate the check catalog (``checks/<FAMILY>/<ID>-<slug>.yaml``).

Every check file is validated against ``checks/schema.json``; its file name must be
``<id>-<slug>.yaml``; ids are unique. The cases of a check live in the folder of the
same name (``pass-*.yaml``, ``fail-*.yaml``) and are run by one parametrised test.

Schema validation costs a tenth of a second per run (and the jsonschema import as much
again): a catalog that validated once is remembered by the SHA-256 of its files and the
schema in the user's cache folder (``$PRIVACYGAP_CACHE_DIR``, else ``$XDG_CACHE_HOME`` or
``~/.cache``, then ``privacygap/``). Any change to a file changes the hash and validates
again; where the cache cannot be written, every run validates.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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


@functools.cache
def _validator() -> Any:
    import jsonschema  # only when a catalog is validated: the import alone is ~50 ms

    return jsonschema.Draft202012Validator(_schema())


def validate_document(document: Any, path: Path) -> None:
    """Validate one check document against ``checks/schema.json`` and its file name.

    Raises:
        UsageError: naming the file and the first problem found.
    """
    errors = sorted(_validator().iter_errors(document), key=lambda e: list(e.path))
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.path) or "(top level)"
        raise UsageError(f"{path}: invalid check at {where}: {first.message}")
    _validate_place(document, path)


def _validate_place(document: Any, path: Path) -> None:
    """The file name and folder of a check document (cheap; done on every load)."""
    if not isinstance(document, dict) or "id" not in document or "slug" not in document:
        raise UsageError(f"{path}: invalid check at (top level): 'id' and 'slug' are required")
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


def cache_dir() -> Path:
    """Where privacygap keeps what it may recompute (the validated-catalog markers)."""
    explicit = os.environ.get("PRIVACYGAP_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "privacygap"


def _catalog_files(root: Path) -> list[Path]:
    return [path for family in FAMILIES if (root / family).is_dir() for path in sorted((root / family).glob("*.yaml"))]


def catalog_hash(root: Path, files: list[Path]) -> str:
    """SHA-256 over the schema and every check file (names and bytes)."""
    digest = hashlib.sha256((root / "schema.json").read_bytes())
    for path in files:
        digest.update(f"\0{path.relative_to(root)}\0".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _marker(digest: str) -> Path:
    return cache_dir() / f"catalog-valid-{digest[:32]}"


@functools.cache
def load_catalog() -> dict[str, CheckSpec]:
    """Load, validate and return every check of the catalog, by id (sorted).

    Raises:
        UsageError: for an invalid file or a duplicate id.
    """
    root = resources.checks_dir()
    files = _catalog_files(root)
    digest = catalog_hash(root, files)
    known_valid = _marker(digest).exists()
    specs: dict[str, CheckSpec] = {}
    for path in files:
        document = resources.load_yaml(path)
        if known_valid:
            _validate_place(document, path)
        else:
            validate_document(document, path)
        if document["id"] in specs:
            raise UsageError(f"{path}: duplicate check id {document['id']}")
        specs[document["id"]] = _spec(document, path)
    if not known_valid:
        try:
            _marker(digest).parent.mkdir(parents=True, exist_ok=True)
            _marker(digest).write_text("validated against checks/schema.json\n", encoding="utf-8")
        except OSError:
            pass  # a read-only home: validate again next time
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
