"""Terminal view of a classified CRM inventory (``privacygap inventory FILE``)."""

from __future__ import annotations

import io
from collections import Counter
from typing import Any

from rich.console import Console
from rich.markup import escape as _rich_escape
from rich.table import Table

from privacygap import taxonomy
from privacygap.output.sanitize import printable


def escape(text: str) -> str:
    """Markup-escape a foreign string and neutralise its control characters."""
    return _rich_escape(printable(str(text)))


def render_inventory_text(inventory: dict[str, Any], *, lang: str = "en", width: int = 120) -> str:
    """Render the report's ``inventory`` object: sources, every field with its category, a tally."""
    buffer = io.StringIO()
    console = Console(file=buffer, no_color=True, width=width, highlight=False)
    for source in inventory.get("sources", []):
        crm = f" ({source['crm']})" if source.get("crm") else ""
        console.print(f"source: {escape(source['path'])} [{escape(source['format'])}]{escape(crm)}")
    table = Table(show_lines=False)
    for column in ("object", "field", "label", "type", "category", "conf.", "reason"):
        table.add_column(column, overflow="fold")
    for field in inventory.get("fields", []):
        category = field.get("category") or "–"
        if category != "–" and taxonomy.is_special(category):
            category += " ★"
        table.add_row(escape(field.get("object", "")), escape(field.get("name", "")), escape(field.get("label", "")),
                      escape(field.get("type", "")), escape(category), field.get("confidence", ""),
                      escape(field.get("reason", "")))
    console.print(table)
    tally = Counter(f["category"] for f in inventory.get("fields", []) if f.get("category")
                    and taxonomy.is_reported(f["category"]))
    console.print(f"{len(inventory.get('fields', []))} fields; personal-data categories: {len(tally)}")
    for key, count in sorted(tally.items(), key=lambda kv: (-kv[1], kv[0])):
        marker = " ★ special category (Art. 9/10)" if taxonomy.is_special(key) else ""
        console.print(f"  {count:>4}  {key} – {taxonomy.name(key, lang)}{marker}")
    notes = inventory.get("notes", [])
    if notes:
        console.print(f"notes with sensitive content: {len(notes)}")
        for note in notes[:50]:
            labels = note.get("categories") or note.get("kinds") or []
            console.print(f"  {note['record']}  {escape(', '.join(labels))}: {escape(note['snippet'])}")
    return buffer.getvalue()
