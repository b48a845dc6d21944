"""Renderers of the run JSON: text, json, html, markdown, sarif.

Every renderer takes the run JSON dict (never engine objects), so a saved run can be
re-rendered with ``privacygap render`` exactly as the scan would have.
"""

from __future__ import annotations

from pathlib import Path

FORMATS = ("text", "json", "html", "markdown", "sarif")


def render(run: dict, fmt: str, *, lang: str | None = None, color: bool = False, base_dir: Path | None = None,
           verbose: bool = False) -> str:
    """Render ``run`` in ``fmt`` (one of :data:`FORMATS`).

    ``base_dir`` is where a relative screenshot path of a saved run is resolved (HTML only);
    ``verbose`` prints every finding with its evidence (text only).
    """
    lang = lang or run.get("target", {}).get("lang") or (run.get("policy") or {}).get("language") or "de"
    if fmt == "json":
        from privacygap.output.json import render_json

        return render_json(run)
    if fmt == "text":
        from privacygap.output.text import render_text

        return render_text(run, lang=lang, color=color, verbose=verbose)
    if fmt == "html":
        from privacygap.output.html import render_html

        return render_html(run, lang=lang, base_dir=base_dir)
    if fmt == "markdown":
        from privacygap.output.markdown import render_markdown

        return render_markdown(run, lang=lang)
    if fmt == "sarif":
        from privacygap.output.sarif import render_sarif

        return render_sarif(run)
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
