"""Markdown output: the report for tickets, pull requests and chat."""

from __future__ import annotations

from typing import Any

from privacygap.output.i18n import t
from privacygap.output.sanitize import printable, without_data_urls
from privacygap.output.view import SEVERITY_ORDER, build_view, chat_widget_text, legal_link_text, record_text


def _md(text: Any) -> str:
    """Escape characters that Markdown (and HTML inside Markdown) would interpret."""
    # Never an embedded image as text: a data URL becomes a short marker.
    value = without_data_urls(printable(str(text if text is not None else "")))
    for char in ("\\", "`", "*", "_", "[", "]", "<", ">", "|", "#"):
        value = value.replace(char, "\\" + char)
    return value.replace("\n", " ")


def render_markdown(run: dict[str, Any], lang: str = "de") -> str:
    """Render the run as GitHub-flavoured Markdown."""
    view = build_view(run, lang)
    lines = [f"# {t('title', view.lang)}: {_md(run.get('target', {}).get('url') or '')}", "",
             f"**{t('light_' + view.light, view.lang)}** – {_md(view.verdict)}", "",
             f"_{t('disclaimer', view.lang)}_", ""]
    if view.actions:
        lines += [f"## {t('todo', view.lang)}", ""]
        lines += [f"{i}. **{_md(a.who)}:** {_md(a.text)} ({_md(a.detail)})" for i, a in enumerate(view.actions, 1)]
        lines.append("")
    if view.matrix:
        lines += [f"## {t('gap', view.lang)}", "",
                  f"| {t('category', view.lang)} | {t('declared', view.lang)} | {t('stored', view.lang)} | "
                  f"{t('website', view.lang)} | {t('status', view.lang)} |", "|---|---|---|---|---|"]
        for row in view.matrix:
            lines.append(f"| {_md(row.name)}{' ★' if row.special else ''} | "
                         f"{t('denied', view.lang) if row.denied else t('yes' if row.declared else 'no', view.lang)} | "
                         f"{t('yes', view.lang) if row.stored else '–'} | {t('yes', view.lang) if row.website else '–'} | "
                         f"{t('st_' + row.status, view.lang)} |")
        lines.append("")
    lines += [f"## {t('findings', view.lang)}", ""]
    for severity in SEVERITY_ORDER:
        for finding in view.findings_by_severity.get(severity) or []:
            data = finding.data
            lines.append(f"- **{severity}** `{data['check_id']}` {_md(data['message'])}")
            for item in data.get("evidence", [])[:3]:
                label = item.get("text") or item.get("snippet") or item.get("label") or item.get("name") or ""
                if item.get("kind") == "record":
                    label = record_text(item, view.lang)
                if item.get("kind") == "legal_link":
                    label = legal_link_text(item, view.lang)
                if item.get("kind") == "chat_widget":
                    label = chat_widget_text(item, view.lang)
                lines.append(f"  - {item.get('kind')}: {_md(label)}")
    if not run.get("findings"):
        lines.append(t("no_findings", view.lang))
    if view.errors:
        lines += ["", f"## {t('errors', view.lang)}", ""] + [f"- `{_md(e['stage'])}`: {_md(e['message'])}" for e in view.errors]
    return "\n".join(lines) + "\n"
