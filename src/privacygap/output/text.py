"""Terminal output: the verdict, the gap and the findings grouped by severity (rich)."""

from __future__ import annotations

import io
from typing import Any

from rich import box
from rich.console import Console
from rich.markup import escape as _rich_escape
from rich.table import Table

from privacygap.output.i18n import t
from privacygap.output.sanitize import printable, without_data_urls
from privacygap.output.view import SEVERITY_ORDER, build_view, chat_widget_text, legal_link_text, record_text

def escape(text: str) -> str:
    """Markup-escape a foreign string, neutralise its control characters and drop data URLs."""
    return _rich_escape(without_data_urls(printable(str(text))))


STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "dim", "red": "bold white on red",
         "amber": "bold black on yellow", "green": "bold white on green", "incomplete": "bold white on grey37"}
# Findings shown per check without --verbose (the group's line carries the count, and the last
# line says how to see all). A long run shows one per check, so the summary stays within two screens.
GROUP_LINES = 2
LONG_RUN = 40


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


def _screenshot_note(run: dict[str, Any], lang: str) -> str | None:
    """Where the banner screenshot is, for the text report (a file path; embedded images are only named)."""
    value = str((run.get("consent") or {}).get("screenshot") or "")
    if not value:
        return None
    where = t("in_html_report", lang) if value.startswith("data:") else value
    return f"{t('screenshot', lang)}: {where}"


def render_text(run: dict[str, Any], lang: str = "de", *, color: bool = False, width: int = 100,
                verbose: bool = False) -> str:
    """Render the run for a person at a terminal; ``color`` adds ANSI styles.

    The verdict, the counts, the gap (undisclosed rows), then the findings one line each,
    grouped by check; a group shows its first :data:`GROUP_LINES` findings unless
    ``verbose``, which also prints each finding's evidence. Never prints data URLs.
    """
    view = build_view(run, lang)
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=color, no_color=not color, width=width, highlight=False)
    target = run.get("target", {})
    console.print(f"[bold]privacygap[/bold] {escape(str(target.get('url') or target.get('policy_file') or ''))}")
    console.print(f"[{STYLE[view.light]}] {t('light_' + view.light, view.lang)} [/] {escape(view.verdict)}")
    counts = "  ".join(f"[{STYLE[s]}]{t('sev_' + s, view.lang)}: {view.counts[s]}[/]" for s in SEVERITY_ORDER)
    console.print(counts)
    for missing in view.not_checked:
        console.print(f"[yellow]! {t('not_checked', view.lang)}: {escape(missing['name'])} – {escape(missing['reason'])}[/]")
    undisclosed = [r for r in view.matrix if r.status in ("undisclosed", "denied")]
    if undisclosed:
        # One line per row: short headers, long category names cut with an ellipsis.
        table = Table(title=t("gap", view.lang), box=box.SIMPLE_HEAD, show_edge=False, show_lines=False, padding=(0, 1))
        table.add_column(t("category", view.lang), no_wrap=True, overflow="ellipsis", max_width=max(20, width - 60))
        for header in ("col_statement", "col_crm", "col_website"):
            table.add_column(t(header, view.lang), no_wrap=True, min_width=len(t(header, view.lang)))
        table.add_column(t("status", view.lang), no_wrap=True, min_width=len(t("st_denied", view.lang)))
        for row in undisclosed:
            name = row.name + (" ★" if row.special else "")
            table.add_row(escape(name), t("denied", view.lang) if row.denied else t("yes" if row.declared else "no", view.lang),
                          t("yes", view.lang) if row.stored else "–", t("yes", view.lang) if row.website else "–",
                          t("st_" + row.status, view.lang))
        console.print(table)
    per_group = GROUP_LINES if len(run.get("findings") or []) <= LONG_RUN else 1
    for severity in SEVERITY_ORDER:
        groups = view.groups_by_severity.get(severity) or []
        if not groups:
            continue
        console.print(f"\n[{STYLE[severity]}]{t('sev_' + severity, view.lang)} ({view.counts[severity]})[/]")
        for group in groups:
            console.print(f"  [{STYLE[severity]}]{group.check_id}[/] ({len(group.items)}) {escape(group.title)}",
                          overflow="ellipsis", no_wrap=not verbose, crop=True)
            shown = group.items if verbose else group.items[:per_group]
            for finding in shown:
                console.print(f"    – {escape(finding.data['message'])}", overflow="ellipsis",
                              no_wrap=not verbose, crop=True)
                if verbose:
                    for item in finding.data.get("evidence", []):
                        console.print(f"        {escape(_evidence_line(item, view.lang))}")
    if not run.get("findings"):
        console.print(t("no_findings", view.lang))
    note = _screenshot_note(run, view.lang)
    if note and verbose:
        console.print(escape(note))
    if not verbose and any(len(g.items) > per_group for gs in view.groups_by_severity.values() for g in gs):
        console.print(f"[dim]{t('verbose_hint', view.lang)}[/]")
    return buffer.getvalue()
