"""The management report: one self-contained, inert HTML file rendered from the run JSON.

Jinja2 with autoescape renders every string from a crawled site or an export as text.
The page carries a Content-Security-Policy that forbids scripts and any remote load;
the only embedded resource is the banner screenshot as a PNG data URI.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
import markupsafe

from privacygap import taxonomy
from privacygap.output.i18n import t
from privacygap.output.sanitize import printable
from privacygap.output.view import PHASES, build_view, chat_widget_text, legal_link_text, reason_text, record_text

CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"


def safe_url(value: Any) -> str | None:
    """``value`` if it is an http(s) URL, else None — no ``javascript:`` or ``data:`` links."""
    if not isinstance(value, str):
        return None
    try:
        scheme = urlsplit(value.strip()).scheme.lower()
    except ValueError:
        return None
    return value.strip() if scheme in ("http", "https") else None


def _finalize(value: Any) -> Any:
    """Control characters out of every printed value; markup our own macros built stays markup."""
    if isinstance(value, markupsafe.Markup):
        return value
    return printable(value)


@functools.cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(Path(__file__).parent / "templates")),
        autoescape=True,
        undefined=jinja2.ChainableUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_finalize,  # every printed value loses its control characters before escaping
    )
    env.filters["safe_url"] = safe_url
    env.filters["reason_text"] = reason_text
    env.filters["legal_link_text"] = legal_link_text
    env.filters["chat_widget_text"] = chat_widget_text
    env.filters["record_text"] = record_text
    env.filters["category_name"] = lambda key, lang: taxonomy.name(key, lang) if key else ""
    return env


def render_html(run: dict[str, Any], lang: str = "de", *, base_dir: Path | None = None) -> str:
    """Render the management report of ``run`` in ``lang`` ("de" or "en").

    Args:
        run: the run JSON.
        lang: report language.
        base_dir: where a relative screenshot path in the run is resolved.
    """
    view = build_view(run, lang, base_dir=base_dir)
    template = _environment().get_template("management.html.j2")
    return template.render(v=view, run=run, t=lambda key: t(key, view.lang), csp=CSP, phases=PHASES,
                           lang=view.lang)
