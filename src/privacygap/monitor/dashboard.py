"""``monitor report`` (one self-contained HTML overview) and ``monitor history`` (text/JSON).

The dashboard follows report.md: a row per company with its traffic light (red:
critical findings, amber: high, green: none at or above high; grey: no successful run
or the last run failed), what is new since the run before, a small trend of findings
over time as inline SVG, and links to each run's report. No script, no remote load: a
Content-Security-Policy meta tag forbids both, so it opens safely from an e-mail.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from privacygap import __version__
from privacygap.monitor.diff import DESCRIBE_WORDS, describe
from privacygap.output.i18n import t as report_text
from privacygap.monitor.store import Store

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Privacy monitoring: overview", "generated": "Generated", "store": "store",
        "disclaimer": "privacygap gives indications, not legal advice.",
        "overview": "Status per company", "no_runs": "No monitoring run has been stored yet.",
        "target": "Company", "status": "Status", "last_run": "Last run", "findings": "Findings",
        "changed": "New since the run before", "trend": "Trend", "report": "Report",
        "light_grey": "Unknown",
        "critical": "critical", "high": "high", "medium": "medium", "low": "low",
        "nothing_new": "nothing new", "legend_total": "all findings", "legend_high": "high and critical",
        "new_findings": "New findings in the last run", "severity": "Severity", "check": "Check",
        "category": "Category", "message": "What we saw", "statement_diff": "Changes in the privacy statement:",
        "runs": "Runs", "run": "Run", "status_ok": "ok", "status_error": "failed", "status_skipped": "not due",
    },
    "de": {
        "title": "Datenschutz-Monitoring: Übersicht", "generated": "Erstellt", "store": "Speicher",
        "disclaimer": "privacygap gibt Hinweise, keine Rechtsberatung.",
        "overview": "Stand je Unternehmen", "no_runs": "Noch kein Monitoring-Lauf gespeichert.",
        "target": "Unternehmen", "status": "Status", "last_run": "Letzter Lauf", "findings": "Befunde",
        "changed": "Neu seit dem Lauf davor", "trend": "Verlauf", "report": "Bericht",
        "light_grey": "Unbekannt",
        "critical": "kritisch", "high": "hoch", "medium": "mittel", "low": "niedrig",
        "nothing_new": "nichts Neues", "legend_total": "alle Befunde", "legend_high": "hoch und kritisch",
        "new_findings": "Neue Befunde im letzten Lauf", "severity": "Schwere", "check": "Prüfung",
        "category": "Kategorie", "message": "Was wir gesehen haben",
        "statement_diff": "Änderungen in der Datenschutzerklärung:",
        "runs": "Läufe", "run": "Lauf", "status_ok": "ok", "status_error": "fehlgeschlagen",
        "status_skipped": "nicht fällig",
    },
}


def traffic_light(status: str | None, counts: dict[str, int] | None) -> str:
    """red (critical findings), amber (high), green (none at or above high), grey (unknown/failed)."""
    if status != "ok" or counts is None:
        return "grey"
    if counts.get("critical", 0):
        return "red"
    if counts.get("high", 0):
        return "amber"
    return "green"


def trend_svg(points: list[tuple[str, int, int]], *, width: int = 180, height: int = 48) -> Markup:
    """An inline SVG line chart: all findings (grey) and high+critical (red) per run.

    ``points`` are (run id, total, high+critical), oldest first. Values are numbers we
    computed; the run ids go through escaping into ``<title>`` tooltips.
    """
    if not points:
        return Markup("–")
    pad = 4
    top = max(max(p[1] for p in points), 1)
    step = (width - 2 * pad) / max(len(points) - 1, 1)

    def xy(i: int, value: int) -> tuple[float, float]:
        return pad + i * step, height - pad - (height - 2 * pad) * value / top

    def line(index: int, colour: str) -> str:
        coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(i, p[index]) for i, p in enumerate(points)))
        return f'<polyline fill="none" stroke="{colour}" stroke-width="1.6" points="{coords}"/>'

    dots = []
    for i, (run_id, total, high) in enumerate(points):
        x, y = xy(i, total)
        dots.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2" fill="#555"><title>{escape(run_id)}: '
                    f'{total} / {high}</title></circle>')
    label = f"{points[-1][1]} ({points[0][1]} → {points[-1][1]})"
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(label)}">'
        f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" stroke="#ccc"/>'
        + line(1, "#555") + line(2, "#c0392b") + "".join(dots) + "</svg>")


def _link(path: str | None, out_dir: Path) -> str | None:
    if not path:
        return None
    return Path(os.path.relpath(path, out_dir)).as_posix()


def _change_lines(changes: dict[str, Any] | None, lang: str) -> list[str]:
    if not changes:
        return []
    text = describe(changes, lang)
    return [] if text == DESCRIBE_WORDS.get(lang, DESCRIBE_WORDS["en"])["no_changes"] else text.split("; ")


def _total(counts: dict[str, int] | None) -> int | None:
    return sum(counts.values()) if counts else None


def _texts(lang: str) -> dict[str, str]:
    """The dashboard's words; the traffic-light names are the management report's own."""
    language = lang if lang in TEXTS else "en"
    lights = {key: report_text(key, language) for key in ("light_red", "light_amber", "light_green")}
    return {**TEXTS[language], **lights}


def dashboard_data(store: Store, *, out_dir: Path, targets: list[str] | None = None,
                   urls: dict[str, str | None] | None = None, max_runs: int = 20,
                   lang: str = "en") -> list[dict[str, Any]]:
    """The rows of the dashboard: one per target, newest run first in each."""
    names = targets or store.targets()
    rows = []
    for name in names:
        history = store.history(name)  # newest first, skipped left out
        latest = history[0] if history else None
        counts = latest.get("counts") if latest else None
        ok_runs = [h for h in reversed(history) if h["status"] == "ok" and h.get("counts")]
        points = [(h["run_id"], _total(h["counts"]) or 0, h["counts"].get("critical", 0) + h["counts"].get("high", 0))
                  for h in ok_runs[-max_runs:]]
        changes = latest.get("changes") if latest else None
        rows.append({
            "name": name,
            "anchor": re.sub(r"[^A-Za-z0-9_-]", "-", name),
            "url": (urls or {}).get(name),
            "light": traffic_light(latest["status"] if latest else None, counts),
            "error": latest.get("error") if latest and latest["status"] == "error" else None,
            "last_run": latest["run_id"] if latest else None,
            "counts": counts,
            "total": _total(counts),
            "changes": changes,
            "change_lines": _change_lines(changes, lang) if latest and latest["status"] == "ok" else [],
            "new_findings": (changes or {}).get("new_findings", []),
            "statement_diff": (changes or {}).get("statement_diff", ""),
            "points": points,
            "svg": trend_svg(points),
            "json_link": _link(latest.get("report_path"), out_dir) if latest else None,
            "html_link": _link(latest.get("html_path"), out_dir) if latest else None,
            "runs": [{"run_id": h["run_id"], "status": h["status"], "error": h.get("error"),
                      "total": _total(h.get("counts")), "describe": describe(h.get("changes"), lang)
                      if h["status"] == "ok" else "",
                      "json_link": _link(h.get("report_path"), out_dir),
                      "html_link": _link(h.get("html_path"), out_dir)} for h in history[:max_runs]],
        })
    return rows


def render_dashboard(store: Store, *, out_path: str | Path, lang: str = "en", targets: list[str] | None = None,
                     urls: dict[str, str | None] | None = None) -> str:
    """Render the overview HTML (links relative to ``out_path``'s folder) and return it."""
    out_dir = Path(out_path).absolute().parent
    env = Environment(loader=PackageLoader("privacygap.monitor", "templates"),
                      autoescape=select_autoescape(["html", "j2"], default=True))
    template = env.get_template("dashboard.html.j2")
    texts = _texts(lang)
    return template.render(
        lang=lang if lang in TEXTS else "en", t=texts, version=__version__, store=store.display_url,
        generated_at=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        rows=dashboard_data(store, out_dir=out_dir, targets=targets, urls=urls, lang=lang),
    )


def write_dashboard(store: Store, out_path: str | Path, **kwargs: Any) -> Path:
    """Render and write the dashboard; returns the path written."""
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    html = render_dashboard(store, out_path=out, **kwargs)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(html, encoding="utf-8")
    os.replace(tmp, out)
    return out


def history_entries(store: Store, *, target: str | None = None, limit: int | None = None) -> list[dict[str, Any]]:
    """Past results (newest first) as JSON-ready dicts: run, target, status, counts, changes, report."""
    return [{"run_id": h["run_id"], "target": h["target"], "status": h["status"], "error": h.get("error"),
             "findings_by_severity": h.get("counts"), "changes": h.get("changes"), "report": h.get("report_path"),
             "html_report": h.get("html_path")}
            for h in store.history(target, limit=limit)]


def history_text(store: Store, *, target: str | None = None, limit: int | None = 50) -> str:
    """``monitor history`` as text: one line per (run, target), newest first."""
    entries = history_entries(store, target=target, limit=limit)
    if not entries:
        return f"no runs stored for {target!r}\n" if target else "no runs stored\n"
    lines = []
    width = max(len(e["target"]) for e in entries)
    for e in entries:
        counts = e["findings_by_severity"]
        tally = (f"{counts['critical']}C {counts['high']}H {counts['medium']}M {counts['low']}L"
                 if counts else "-")
        what = e["error"] if e["status"] == "error" else describe(e["changes"])
        lines.append(f"{e['run_id']}  {e['target']:<{width}}  {e['status']:<5}  {tally:<15}  {what}")
    return "\n".join(lines) + "\n"
