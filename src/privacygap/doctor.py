"""``privacygap doctor``: what this installation has — versions, browser, catalogs, data files.

Never prints secrets: nothing from the environment is echoed except the names of
the settings that privacygap reads.
"""

from __future__ import annotations

import importlib.metadata
import platform
from typing import Any

from privacygap import __version__, resources


def _version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def diagnose() -> dict[str, Any]:
    """Collect the facts ``doctor`` prints, as an ordered dict of strings (and browser_ok)."""
    report: dict[str, Any] = {
        "privacygap": __version__,
        "python": platform.python_version(),
        "playwright": _version("playwright"),
        "autoconsent": _version("duckduckgo-autoconsent-py"),
        "catalog checks/": str(resources.checks_dir()),
        "catalog crawlers/": str(resources.crawlers_dir()),
    }
    try:
        from privacygap.crawl.browser import browser_info

        info = browser_info()
        report["browser"] = f"{info.get('name', '?')} {info.get('version', '?')} ({info.get('source', '?')}: {info.get('path', '?')})"
        report["browser_ok"] = bool(info.get("version"))
    except Exception as exc:  # doctor must always answer, whatever is broken
        report["browser"] = f"not usable: {exc}"
        report["browser_ok"] = False
    try:
        from privacygap.crawl.trackers import cookie_database_path

        path = cookie_database_path()
        report["open cookie database"] = str(path) if path else "not installed (optional: privacygap data update)"
    except Exception:
        report["open cookie database"] = "not installed (optional)"
    return report
