"""What changed between a target's previous run and this one: the ``changes`` object.

Works on run JSON dicts only (cli-and-json.md), so it can compare runs stored by any
version of the scan. Identity rules:

* findings by ``fingerprint`` (stable keys only, see architecture.md);
* cookies by name (the contract lists names), vendors by the cookies' ``vendor``;
* CRM fields by ``object.name``;
* statement sections by their heading path; the statement as a whole by ``sha256``.

A part that is missing on either side (no browser visit, no CRM export, no statement)
is not compared, and the ``compared`` map says so, rather than reporting everything
as removed. On a target's first run everything present counts as new, so the first
run alerts and fails like a plain ``scan`` would.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

SEVERITY_RANK = {"low": 0, "medium": 1, "high": 2, "critical": 3}
PREAMBLE = "(before the first heading)"


# ---------------------------------------------------------------------------- extraction


def statement_sections(run: dict[str, Any] | None) -> list[tuple[tuple[str, ...], str]]:
    """(heading path, text) of each statement section in document order.

    Uses ``policy.sections`` when present, else ``policy.text`` as one section; [] when
    the run has no statement.
    """
    policy = (run or {}).get("policy")
    if not policy:
        return []
    sections = policy.get("sections") or []
    if sections:
        return [(tuple(s.get("heading_path") or ()), s.get("text") or "") for s in sections]
    text = policy.get("text")
    return [((), text)] if text else []


def statement_text(run: dict[str, Any] | None) -> str | None:
    """The statement as plain text with its headings, for storage and display (None: no statement)."""
    sections = statement_sections(run)
    if not sections:
        return None
    parts = []
    for path, text in sections:
        if path:
            parts.append("#" * min(len(path), 6) + " " + path[-1])
        parts.append(text.strip())
    return "\n\n".join(p for p in parts if p) + "\n"


def finding_rows(run: dict[str, Any] | None) -> list[dict[str, Any]]:
    """One dict per finding: fingerprint, check_id, category, severity, message."""
    rows = []
    for f in (run or {}).get("findings") or []:
        rows.append({"fingerprint": f.get("fingerprint") or f"{f.get('check_id')}:{f.get('category')}",
                     "check_id": f.get("check_id", ""), "category": f.get("category"),
                     "severity": f.get("severity", "low"), "message": f.get("message")})
    return rows


def cookie_rows(run: dict[str, Any] | None) -> list[dict[str, Any]] | None:
    """One dict per (phase, cookie); None when the run had no browser visit."""
    consent = (run or {}).get("consent")
    if consent is None:
        return None
    rows = []
    for phase, observed in (consent.get("phases") or {}).items():
        for c in (observed or {}).get("cookies") or []:
            rows.append({"phase": phase, "name": c.get("name", ""), "domain": c.get("domain", ""),
                         "vendor": c.get("vendor"), "third_party": bool(c.get("third_party", False))})
    return rows


def field_rows(run: dict[str, Any] | None) -> list[dict[str, Any]] | None:
    """One dict per CRM field (object, name, category: metadata only); None without inventory."""
    inventory = (run or {}).get("inventory")
    if inventory is None:
        return None
    return [{"object": f.get("object", ""), "name": f.get("name", ""), "category": f.get("category")}
            for f in inventory.get("fields") or []]


def severity_counts(run: dict[str, Any] | None) -> dict[str, int]:
    """Findings per severity, critical first (recounted, so it never disagrees with the list)."""
    counts = {"critical": 0, "high": 0, "medium": 0, "low": 0}
    for row in finding_rows(run):
        if row["severity"] in counts:
            counts[row["severity"]] += 1
    return counts


# ---------------------------------------------------------------------------- pieces


def _section_key(path: tuple[str, ...]) -> str:
    return " › ".join(path) if path else PREAMBLE


def _section_title(path: tuple[str, ...]) -> str:
    return path[-1] if path else PREAMBLE


def _lines(text: str) -> list[str]:
    # Statements are long paragraphs; one sentence per line makes the diff readable.
    lines: list[str] = []
    for paragraph in text.splitlines():
        paragraph = paragraph.strip()
        if paragraph:
            lines.extend(s for s in re.split(r"(?<=[.!?;:])\s+", paragraph) if s)
    return lines


def statement_changes(old: dict[str, Any] | None, new: dict[str, Any] | None) -> dict[str, Any]:
    """Whether the statement changed, which sections, and a unified diff by section."""
    old_policy, new_policy = (old or {}).get("policy"), (new or {}).get("policy")
    if not old_policy or not new_policy:
        return {"statement_changed": False, "changed_sections": [], "statement_diff": "",
                "statement_compared": False}
    old_sections = {_section_key(p): (p, t) for p, t in statement_sections(old)}
    new_order = statement_sections(new)
    new_sections = {_section_key(p): (p, t) for p, t in new_order}
    changed: list[str] = []
    diffs: list[str] = []
    keys = [_section_key(p) for p, _ in new_order] + [k for k in old_sections if k not in new_sections]
    for key in dict.fromkeys(keys):
        before = old_sections.get(key, ((), ""))[1]
        after = new_sections.get(key, ((), ""))[1]
        if " ".join(before.split()) == " ".join(after.split()):
            continue  # re-wrapped whitespace is not a change a reader would see
        path = (new_sections.get(key) or old_sections[key])[0]
        changed.append(_section_title(path))
        diff = difflib.unified_diff(_lines(before), _lines(after), lineterm="", n=1,
                                    fromfile=f"before: {key}" if key in old_sections else "before: (absent)",
                                    tofile=f"after: {key}" if key in new_sections else "after: (removed)")
        diffs.append("\n".join(diff))
    old_sha, new_sha = old_policy.get("sha256"), new_policy.get("sha256")
    sha_changed = bool(old_sha and new_sha and old_sha != new_sha)
    return {
        "statement_changed": bool(changed) or sha_changed,
        "changed_sections": list(dict.fromkeys(changed)),
        "statement_diff": "\n".join(diffs),
        "statement_compared": True,
    }


def _finding_ref(row: dict[str, Any]) -> dict[str, Any]:
    return {"check_id": row["check_id"], "category": row["category"], "fingerprint": row["fingerprint"],
            "severity": row["severity"], "message": row.get("message")}


def _by_severity(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(rows, key=lambda r: (-SEVERITY_RANK.get(r["severity"], 0), r["check_id"], r["fingerprint"]))


def _banner(consent: dict[str, Any] | None) -> dict[str, Any]:
    consent = consent or {}
    buttons = [f"{b.get('text', '').strip()} ({b.get('role', 'other')})"
               for b in consent.get("buttons") or [] if int(b.get("layer", 1) or 1) == 1]
    return {"banner_found": bool(consent.get("banner_found")), "cmp": consent.get("cmp"),
            "reject_on_first_layer": consent.get("reject_on_first_layer"), "buttons": buttons}


def banner_changes(old: dict[str, Any] | None, new: dict[str, Any] | None) -> dict[str, Any]:
    """Banner presence, CMP, reject-on-first-layer and first-layer buttons before and after."""
    before, after = _banner(old), _banner(new)
    detail: dict[str, Any] = {}
    for key in ("banner_found", "cmp", "reject_on_first_layer"):
        if before[key] != after[key]:
            detail[key] = {"before": before[key], "after": after[key]}
    added = [b for b in after["buttons"] if b not in before["buttons"]]
    removed = [b for b in before["buttons"] if b not in after["buttons"]]
    if added:
        detail["buttons_added"] = added
    if removed:
        detail["buttons_removed"] = removed
    return detail


# ---------------------------------------------------------------------------- the changes object


def compute_changes(previous: dict[str, Any] | None, current: dict[str, Any]) -> dict[str, Any]:
    """The ``changes`` object of the monitor summary for ``current`` against ``previous``.

    ``previous`` is the run JSON of the target's last successful run (None: first run).
    The contract's keys come first; ``unchanged_findings``, ``new_vendors``,
    ``removed_vendors``, ``banner_changed``, ``banner``, ``statement_diff`` and
    ``compared`` extend it.
    """
    first = previous is None
    new_findings = finding_rows(current)
    old_findings = finding_rows(previous) if not first else []
    old_fp = {r["fingerprint"] for r in old_findings}
    new_fp = {r["fingerprint"] for r in new_findings}

    cur_cookies, old_cookies = cookie_rows(current), cookie_rows(previous)
    cookies_compared = cur_cookies is not None and (first or old_cookies is not None)
    cur_names = {c["name"] for c in cur_cookies or []}
    old_names = {c["name"] for c in old_cookies or []}
    cur_vendors = {c["vendor"] for c in cur_cookies or [] if c["vendor"]}
    old_vendors = {c["vendor"] for c in old_cookies or [] if c["vendor"]}

    cur_fields, old_fields = field_rows(current), field_rows(previous)
    fields_compared = cur_fields is not None and (first or old_fields is not None)
    cur_paths = {f"{f['object']}.{f['name']}" for f in cur_fields or []}
    old_paths = {f"{f['object']}.{f['name']}" for f in old_fields or []}

    statement = statement_changes(previous, current) if not first else {
        "statement_changed": False, "changed_sections": [], "statement_diff": "", "statement_compared": False}
    banner_compared = not first and (previous or {}).get("consent") is not None and current.get("consent") is not None
    banner = banner_changes(previous.get("consent"), current.get("consent")) if banner_compared else {}

    return {
        "first_run": first,
        "statement_changed": statement["statement_changed"],
        "changed_sections": statement["changed_sections"],
        "new_findings": _by_severity([_finding_ref(r) for r in new_findings if r["fingerprint"] not in old_fp]),
        "resolved_findings": _by_severity([_finding_ref(r) for r in old_findings if r["fingerprint"] not in new_fp]),
        "new_cookies": sorted(cur_names - old_names) if cookies_compared else [],
        "removed_cookies": sorted(old_names - cur_names) if cookies_compared and not first else [],
        "new_fields": sorted(cur_paths - old_paths) if fields_compared else [],
        "removed_fields": sorted(old_paths - cur_paths) if fields_compared and not first else [],
        "unchanged_findings": sorted(new_fp & old_fp),
        "new_vendors": sorted(cur_vendors - old_vendors) if cookies_compared else [],
        "removed_vendors": sorted(old_vendors - cur_vendors) if cookies_compared and not first else [],
        "banner_changed": bool(banner),
        "banner": banner,
        "statement_diff": statement["statement_diff"],
        "compared": {"statement": statement["statement_compared"], "cookies": cookies_compared,
                     "fields": fields_compared, "banner": banner_compared},
    }


def new_at_or_above(changes: dict[str, Any] | None, severity: str) -> list[dict[str, Any]]:
    """The new findings of ``changes`` at or above ``severity`` ("never": none)."""
    if not changes or severity not in SEVERITY_RANK:
        return []
    threshold = SEVERITY_RANK[severity]
    return [f for f in changes.get("new_findings", []) if SEVERITY_RANK.get(f.get("severity"), 0) >= threshold]


# The words of :func:`describe` per language (the dashboard and the alert mail follow the target's language).
DESCRIBE_WORDS: dict[str, dict[str, str]] = {
    "en": {"not_compared": "not compared", "no_changes": "no changes", "first_run": "first run",
           "finding": "finding", "findings": "findings", "new_findings": "new finding(s)", "resolved": "resolved",
           "statement_changed": "statement changed", "+cookie": "+cookie", "-cookie": "-cookie",
           "+field": "+field", "-field": "-field", "banner_changed": "banner changed"},
    "de": {"not_compared": "nicht verglichen", "no_changes": "keine Änderungen", "first_run": "erster Lauf",
           "finding": "Befund", "findings": "Befunde", "new_findings": "neue(r) Befund(e)", "resolved": "erledigt",
           "statement_changed": "Datenschutzerklärung geändert", "+cookie": "+Cookie", "-cookie": "−Cookie",
           "+field": "+Feld", "-field": "−Feld", "banner_changed": "Cookie-Banner geändert"},
}


def describe(changes: dict[str, Any] | None, lang: str = "en") -> str:
    """One line in plain words saying what changed (for history, dashboard and e-mail); ``lang`` de or en."""
    w = DESCRIBE_WORDS.get(lang, DESCRIBE_WORDS["en"])
    if not changes:
        return w["not_compared"]
    if changes.get("first_run"):
        n = len(changes.get("new_findings", []))
        return f"{w['first_run']}: {n} {w['finding'] if n == 1 else w['findings']}"
    parts: list[str] = []
    if changes.get("new_findings"):
        parts.append(f"+{len(changes['new_findings'])} {w['new_findings']}")
    if changes.get("resolved_findings"):
        parts.append(f"{len(changes['resolved_findings'])} {w['resolved']}")
    if changes.get("statement_changed"):
        sections = changes.get("changed_sections") or []
        parts.append(w["statement_changed"] + (f" ({', '.join(sections)})" if sections else ""))
    for key, label in (("new_cookies", "+cookie"), ("removed_cookies", "-cookie"),
                       ("new_fields", "+field"), ("removed_fields", "-field")):
        if changes.get(key):
            parts.append(f"{w[label]} {', '.join(changes[key])}")
    if changes.get("banner_changed"):
        parts.append(w["banner_changed"])
    return "; ".join(parts) if parts else w["no_changes"]
