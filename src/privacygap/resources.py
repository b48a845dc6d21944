"""Access to the catalogs packaged with privacygap (``checks/`` and ``crawlers/``).

In a source checkout the catalogs are the top-level folders of the repository; in an
installed wheel hatchling maps them to ``privacygap/_data/``. Everything reads them
through this module so both layouts work.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any

import yaml


def _candidates(name: str) -> list[Path]:
    package_dir = Path(__file__).resolve().parent
    return [
        package_dir / "_data" / name,  # installed wheel
        package_dir.parent.parent / name,  # source checkout: src/privacygap/../../<name>
    ]


@functools.cache
def catalog_dir(name: str) -> Path:
    """Return the folder of a packaged catalog: ``"checks"`` or ``"crawlers"``.

    ``PRIVACYGAP_CATALOG_<NAME>`` in the environment overrides the location.

    Raises:
        FileNotFoundError: when the catalog is in neither place.
    """
    override = os.environ.get(f"PRIVACYGAP_CATALOG_{name.upper()}")
    if override:
        return Path(override)
    for candidate in _candidates(name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"catalog folder {name!r} not found (looked in {_candidates(name)})")


def checks_dir() -> Path:
    """The check catalog folder (``checks/``)."""
    return catalog_dir("checks")


def crawlers_dir() -> Path:
    """The crawl catalog folder (``crawlers/``)."""
    return catalog_dir("crawlers")


# libyaml's C loader reads the catalogs about ten times faster than the pure-Python one (the
# catalogs are ~0.5 s of start-up otherwise); both are "safe" loaders, so the result is the same.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@functools.cache
def load_yaml(path: Path) -> Any:
    """Read a catalog YAML file once (cached; catalogs do not change during a run)."""
    with open(path, encoding="utf-8") as handle:
        return yaml.load(handle, Loader=SAFE_LOADER)  # noqa: S506 - a safe loader, C or Python


def catalog_yaml(name: str, relative: str) -> Any:
    """Load ``<catalog>/<relative>`` as YAML, e.g. ``catalog_yaml("crawlers", "keywords/links.yaml")``."""
    return load_yaml(catalog_dir(name) / relative)


@functools.cache
def check_documents() -> dict[str, dict[str, Any]]:
    """Every check file of the catalog as raw YAML, by check id.

    The report renderers read titles and advice from here; the check engine
    (``privacygap.checks.catalog``) validates the same files.
    """
    documents: dict[str, dict[str, Any]] = {}
    root = checks_dir()
    for family in sorted(p for p in root.iterdir() if p.is_dir() and p.name.isupper()):
        for path in sorted(family.glob("*.yaml")):
            document = load_yaml(path)
            if isinstance(document, dict) and "id" in document:
                documents[document["id"]] = document
    return documents
