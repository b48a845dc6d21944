"""Terminal output: the verdict, the gap and the findings grouped by severity (rich)."""

from __future__ import annotations

import io
from typing import Any

from rich.console import Console
from rich.markup import escape as _rich_escape
from rich.table import Table

from privacygap.output.i18n import t
from privacygap.output.sanitize import printable
from privacygap.output.view import SEVERITY_ORDER, build_view, chat_widget_text, legal_link_text, record_text

def escape(text: str) -> str:
    """Markup-escape a foreign string and neutralise its control characters."""
    return _rich_escape(printable(str(text)))


STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "dim", "red": "bold white on red",
         "amber": "bold black on yellow", "green": "bold white on green"}


def _evidence_line(item: dict[str, Any], lang: str) -> str:
    kind = item.get("kind")
    if kind == "quote":
        section = f" [{item['section']}]" if item.get("section") else ""
        return f"{t('quote', lang)}{section}: “{item.get('text', '')}”"
    if kind == "crm_field":
        return f"{t('field', lang)}: {item.get('label') or item.get('name')} ({item.get('object')}.{item.get('name')})"
    if kind == "crm_note":
        return f"{t('note', lang)} {item.get('record')}: “{item.get('snippet')}”"
    if kind == "record":
        return record_text(item, lang)
    if kind == "legal_link":
        return legal_link_text(item, lang)
    if kind == "chat_widget":
        return chat_widget_text(item, lang)
    if kind == "cookie":
        return f"{t('cookie', lang)}: {item.get('name')} {item.get('domain') or ''} {item.get('vendor') or ''}".rstrip()
    rest = ", ".join(f"{k}={v}" for k, v in item.items() if k != "kind")
    return f"{kind}: {rest}"


def render_text(run: dict[str, Any], lang: str = "de", *, color: bool = False, width: int = 100) -> str:
    """Render the run for a terminal; ``color`` adds ANSI styles."""
    view = build_view(run, lang)
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=color, no_color=not color, width=width, highlight=False)
    target = run.get("target", {})
    console.print(f"[bold]privacygap[/bold] {escape(str(target.get('url') or target.get('policy_file') or ''))}")
    console.print(f"[{STYLE[view.light]}] {t('light_' + view.light, view.lang)} [/] {escape(view.verdict)}")
    counts = "  ".join(f"[{STYLE[s]}]{t('sev_' + s, view.lang)}: {view.counts[s]}[/]" for s in SEVERITY_ORDER)
    console.print(counts)
    undisclosed = [r for r in view.matrix if r.status in ("undisclosed", "denied")]
    if undisclosed:
        table = Table(title=t("gap", view.lang), show_lines=False)
        for header in ("category", "declared", "stored", "website", "status"):
            table.add_column(t(header, view.lang))
        for row in undisclosed:
            name = row.name + (" ★" if row.special else "")
            table.add_row(escape(name), t("denied", view.lang) if row.denied else t("yes" if row.declared else "no", view.lang),
                          t("yes", view.lang) if row.stored else "–", t("yes", view.lang) if row.website else "–",
                          t("st_" + row.status, view.lang))
        console.print(table)
    for severity in SEVERITY_ORDER:
        items = view.findings_by_severity.get(severity) or []
        if not items:
            continue
        console.print(f"\n[{STYLE[severity]}]{t('sev_' + severity, view.lang)} ({len(items)})[/]")
        for finding in items:
            data = finding.data
            console.print(f"  [{STYLE[severity]}]{severity}[{data['check_id']} {data['slug']}][/]: {escape(data['message'])}")
            for item in data.get("evidence", [])[:3]:
                console.print(f"      {escape(_evidence_line(item, view.lang))}")
    if not run.get("findings"):
        console.print(t("no_findings", view.lang))
    for error in view.errors:
        console.print(f"[yellow]! {escape(error['stage'])}: {escape(error['message'])}[/]")
    return buffer.getvalue()
