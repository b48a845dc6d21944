"""The report's view model: what the management report shows, computed from the run JSON.

The HTML, Markdown and text renderers all draw on this, so the verdict, the three
things to do and the category matrix are the same in every format.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from privacygap import resources, taxonomy
from privacygap.completeness import run_completeness, traffic_light
from privacygap.output.i18n import t

SEVERITY_ORDER = ("critical", "high", "medium", "low")
PHASES = ("before_consent", "after_reject", "after_accept")
# Cookie purposes that need consent; what the website then "sets" as data categories.
NON_ESSENTIAL = {"analytics", "marketing", "crm", "advertising", "tracking", "unknown"}


@dataclass
class MatrixRow:
    """One row of the category × source matrix."""

    key: str
    name: str
    declared: bool
    denied: bool
    stored: bool
    website: bool
    special: bool
    status: str  # undisclosed | denied | ok | declared_only
    anchor: str | None = None


@dataclass
class FindingView:
    """A finding with its catalog texts, ready to print."""

    data: dict[str, Any]
    anchor: str
    title: str
    why: str
    fix: str
    who: str


@dataclass
class CheckGroup:
    """The findings of one check at one severity, shown together under the check's title."""

    check_id: str
    title: str
    why: str
    fix: str
    who: str
    references: list[str]
    items: list[FindingView]
    needs_human_review: bool = False

    @property
    def anchor(self) -> str:
        """The HTML id of the group (its first finding's id is used for links)."""
        return self.items[0].anchor


@dataclass
class ActionCard:
    """One thing to do: the findings of one check, with who acts and what is affected."""

    check_id: str
    title: str
    severity: str  # the most severe of its findings
    fix: str
    why: str
    who: str
    references: list[str]
    items: list[FindingView]
    affected: list[str]  # field labels, cookie names, vendors … (folded in the report)
    needs_human_review: bool = False

    @property
    def anchor(self) -> str:
        """The HTML id of the card."""
        return "a-" + self.check_id.lower()


@dataclass
class RoleActions:
    """The cards of one acting role (the first role a check's "who" names)."""

    role: str
    cards: list[ActionCard]


@dataclass
class Action:
    """One of the 'three things to do first'."""

    who: str
    text: str
    detail: str
    anchor: str
    severity: str


@dataclass
class ReportView:
    """Everything a report shows, in one language."""

    lang: str
    run: dict[str, Any]
    light: str  # red | amber | green | incomplete (a requested stage failed: no traffic light)
    verdict: str
    actions: list[Action]
    matrix: list[MatrixRow]
    findings_by_severity: dict[str, list[FindingView]]
    groups_by_severity: dict[str, list[CheckGroup]]
    counts: dict[str, int]
    screenshot: str | None
    consent: dict[str, Any] | None
    errors: list[dict[str, Any]] = field(default_factory=list)
    # The requested stages that failed, named for a reader: [{"stage", "name", "reason"}].
    not_checked: list[dict[str, str]] = field(default_factory=list)
    # What to do, grouped by who acts: one card per check, roles ordered by their worst finding.
    roles: list[RoleActions] = field(default_factory=list)

    @property
    def incomplete(self) -> bool:
        """Whether a requested stage failed (the verdict then covers only what was checked)."""
        return self.light == "incomplete"


def stage_name(stage: str, lang: str) -> str:
    """A stage's name for a reader ("Website-Abruf" for ``crawl``)."""
    text = t("stage_" + stage, lang)
    return stage if text == "stage_" + stage else text


_REASON = re.compile(r"^(?P<where>name|label|description|option|type|[\w .-]+ standard field) '(?P<text>.*?)' → (?P<what>[^;]+)(?P<rest>;.*)?$")
_WHERE_DE = {"name": "Feldname", "label": "Bezeichnung", "description": "Beschreibung", "option": "Auswahlwert",
             "type": "Feldtyp"}


def reason_text(reason: str | None, category: str | None, lang: str) -> str:
    """The classifier's reason in the report's language.

    Reasons arrive in English ("label 'Hobbys' → private interests"); for German the
    usual shapes are rewritten with the German category name, others stay as they are.
    """
    if not reason or lang != "de":
        return reason or ""
    match = _REASON.match(reason)
    if not match:
        return reason
    where = match["where"]
    where_de = _WHERE_DE.get(where) or where.replace(" standard field", "-Standardfeld")
    what = taxonomy.name(category, "de") if category else match["what"]
    return f"{where_de} „{match['text']}“ → {what}"


def finding_anchor(finding: dict[str, Any]) -> str:
    """A stable HTML id for a finding."""
    return "f-" + finding.get("fingerprint", "").replace("sha256:", "")[:16]


def _catalog_text(check_id: str, part: str, lang: str) -> str:
    document = resources.check_documents().get(check_id, {})
    text = (document.get("docs", {}).get(part) or {})
    return text.get(lang) or text.get("en") or ""


def _catalog_title(check_id: str, lang: str) -> str:
    document = resources.check_documents().get(check_id, {})
    return (document.get("title") or {}).get(lang) or ""


def website_categories(consent: dict[str, Any] | None) -> set[str]:
    """Data categories the website collects, judged from cookies and third-party requests."""
    if not consent:
        return set()
    found: set[str] = set()
    for phase in (consent.get("phases") or {}).values():
        for cookie in phase.get("cookies", []):
            purpose = (cookie.get("purpose") or "unknown").lower()
            if purpose in NON_ESSENTIAL or cookie.get("vendor"):
                found.add("user.device.cookie_id")
            if purpose in {"analytics", "marketing", "crm", "advertising", "tracking"}:
                found.add("user.behavior.browsing_history")
        if phase.get("third_party_hosts"):
            # Every request to a third party hands it the visitor's IP address.
            found.add("user.device.ip_address")
    return found


def _matrix(run: dict[str, Any], findings: list[dict[str, Any]], lang: str) -> list[MatrixRow]:
    policy = run.get("policy") or {}
    declared = [c["category"] for c in policy.get("declared", [])]
    denied = [c["category"] for c in policy.get("negated", [])]
    stored = set((run.get("summary") or {}).get("stored_categories", []))
    website = website_categories(run.get("consent"))
    anchors = {f.get("category"): finding_anchor(f) for f in reversed(findings) if f.get("category")}
    rows = []
    for key in sorted(set(declared) | stored | website):
        if not taxonomy.is_reported(key):
            continue
        is_declared = bool(taxonomy.covering(declared, key))
        is_denied = bool(taxonomy.covering(denied, key))
        in_use = key in stored or key in website
        if in_use and is_denied:
            status = "denied"
        elif in_use and not is_declared:
            status = "undisclosed" if run.get("policy") else "unknown"
        elif in_use:
            status = "ok"
        else:
            status = "declared_only"
        rows.append(MatrixRow(key=key, name=taxonomy.name(key, lang), declared=key in declared or is_declared,
                              denied=is_denied, stored=key in stored, website=key in website,
                              special=taxonomy.is_special(key), status=status, anchor=anchors.get(key)))
    order = {"denied": 0, "undisclosed": 1, "unknown": 2, "ok": 3, "declared_only": 4}
    rows.sort(key=lambda r: (order[r.status], not r.special, r.name.casefold()))
    return rows


def _evidence_names(findings: list[dict[str, Any]]) -> list[str]:
    names: list[str] = []
    for finding in findings:
        for item in finding.get("evidence", []):
            label = item.get("label") or item.get("name") or item.get("text") or item.get("snippet") or item.get("entry")
            if item.get("kind") in ("crm_field", "cookie", "vendor", "host", "button", "record") and label and label not in names:
                names.append(str(label))
    return names


# Evidence from the DPO's records file (kind "record", docs/records.md): attributes shown
# in the sentence itself; any further attribute is appended as "key=value".
_RECORD_KEYS = ("kind", "section", "entry", "field", "value", "missing", "location", "file")


def _script_element(key: str, lang: str) -> str:
    """The name of a call-script element (identity, source …) from checks/taxonomy/call-script.yaml."""
    try:
        return resources.catalog_yaml("checks", "taxonomy/call-script.yaml")["elements"][key][lang]
    except (OSError, KeyError, TypeError):
        return key


def record_text(item: dict[str, Any], lang: str) -> str:
    """A ``record`` evidence item as one readable line.

    ``{"section": "vendors", "entry": "HubSpot", "field": "transfer", "value": "none",
    "location": "vendors[0]", "file": "records.toml"}`` reads "Vendor list: HubSpot –
    transfer = none [records.toml, vendors[0]]"; a key without value reads "transfer: not
    recorded"; ``missing`` (what the entry should name) is added as "– missing: US".
    """
    section = str(item.get("section") or "")
    line = t("records_" + section, lang) if t("records_" + section, lang) != "records_" + section else section
    if item.get("entry"):
        line += f": {item['entry']}"
    if item.get("field"):
        value = item.get("value")
        recorded = value not in (None, "") or item.get("missing")
        line += f" – {item['field']}" + (f" = {value}" if value not in (None, "") else
                                          "" if recorded else f": {t('not_recorded', lang)}")
    if item.get("missing"):
        line += f" – {t('missing_item', lang)}: {_script_element(str(item['missing']), lang) if section == 'call_script' else item['missing']}"
    extra = [f"{k}={v}" for k, v in item.items() if k not in _RECORD_KEYS and v not in (None, "")]
    if extra:
        line += f" ({', '.join(extra)})"
    where = ", ".join(str(item[k]) for k in ("file", "location") if item.get(k))
    return line + (f" [{where}]" if where else "")


def legal_link_text(item: dict[str, Any], lang: str) -> str:
    """A ``legal_link`` evidence item (POL001) as one readable line.

    ``{"url": …, "link": "privacy", "problem": "missing"}`` reads "Page …: no link to the
    privacy statement"; a ``blocked`` link names its text, what covers it and why the
    keyboard cannot reach it.
    """
    link = "imprint" if item.get("link") == "imprint" else "privacy"
    line = f"{t('page', lang)} {item.get('url', '')}: "
    if item.get("problem") == "missing":
        return line + t(f"legal_missing_{link}", lang)
    quoted = f"„{item.get('text', '')}“" if lang == "de" else f"'{item.get('text', '')}'"
    line += f"{t('legal_link', lang)} {quoted} {t(f'legal_to_{link}', lang)}"
    problems = [t("legal_hidden", lang)] if item.get("hidden") else []
    if item.get("covered_by"):
        problems.append(t("legal_covered_by", lang).replace("{what}", str(item["covered_by"])))
    if item.get("focus_problem"):
        why = t(f"focus_{item['focus_problem']}", lang)
        if item.get("focus_went_to"):
            why += f", {t('focus_lands_on', lang)} {item['focus_went_to']}"
        problems.append(f"{t('legal_no_keyboard', lang)} ({why})")
    return line + (": " + "; ".join(problems) if problems else "")


def chat_widget_text(item: dict[str, Any], lang: str) -> str:
    """A ``chat_widget`` evidence item (WEB012), or an entry of ``consent.chat_widgets``, as one readable line.

    ``{"product": "HubSpot Conversations", "page": …, "notice": "no", "read": "pre_chat_form",
    "fields": "firstname, email"}`` reads "Chat widget HubSpot Conversations on …: pre-chat
    form (fields: firstname, email) – no privacy notice"; a notice found is quoted, and a
    widget on the page before consent says so.
    """
    name = item.get("product") or item.get("vendor") or ""
    line = f"{t('chat_widget', lang)} {name} {t('chat_on_page', lang)} {item.get('page', '')}: "
    parts = []
    if item.get("read"):
        read = t(f"chat_read_{item['read']}", lang)
        fields = item.get("fields")
        if isinstance(fields, (list, tuple)):
            fields = ", ".join(fields)
        parts.append(read + (f" ({t('chat_fields', lang)}: {fields})" if fields else ""))
    notice = item.get("notice") if item.get("notice") in ("yes", "no", "unknown") else "unknown"
    text = t(f"chat_notice_{notice}", lang)
    if notice == "yes" and item.get("notice_text"):
        text += f" („{item['notice_text']}“)" if lang == "de" else f" ('{item['notice_text']}')"
    parts.append(text)
    if item.get("before_consent"):
        parts.append(t("chat_before_consent", lang))
    matched = item.get("matched")
    if isinstance(matched, (list, tuple)):
        matched = ", ".join(matched)
    line += " – ".join(parts)
    return line + (f" [{t('chat_matched', lang)}: {matched}]" if matched else "")


def _actions(findings: list[dict[str, Any]], lang: str) -> list[Action]:
    """The three most severe distinct checks, each with who acts and on what."""
    by_check: dict[str, list[dict[str, Any]]] = {}
    for finding in findings:  # findings arrive sorted by severity
        by_check.setdefault(finding["check_id"], []).append(finding)
    actions = []
    for check_id, group in by_check.items():
        if group[0]["severity"] not in ("critical", "high"):
            continue
        names = _evidence_names(group)
        detail = ", ".join(names[:6]) + (" …" if len(names) > 6 else "")
        actions.append(Action(who=_catalog_text(check_id, "who", lang) or "DSB",
                              text=_catalog_text(check_id, "fix", lang) or group[0]["message"],
                              detail=f"{_catalog_title(check_id, lang)}" + (f": {detail}" if detail else ""),
                              anchor=finding_anchor(group[0]), severity=group[0]["severity"]))
        if len(actions) == 3:
            break
    return actions


def _incomplete_verdict(state: dict[str, Any], counts: dict[str, int], lang: str) -> str:
    """"Incomplete – not checked: …; the result covers only …" for a run whose requested stage failed."""
    missing = ", ".join(stage_name(e["stage"], lang) for e in state["not_checked"])
    text = f"{t('not_checked_head', lang)}: {missing}."
    checked = [stage_name(s, lang) for s in state["checked"] if s != "checks"]
    total = sum(counts.values())
    if checked:
        text += f" {t('checked_only', lang)}: {', '.join(checked)}"
        if total:
            serious = counts.get("critical", 0) + counts.get("high", 0)
            text += "; " + t("incomplete_findings", lang).replace("{n}", str(total)).replace("{serious}", str(serious))
        text += "."
    elif not total:
        text += " " + t("nothing_checked", lang)
    return text


_ROLE_SPLIT = re.compile(r"\s+(?:und|and|mit|with)\s+|,|\s*\(|/")


def lead_role(who: str) -> str:
    """The first role a check's "who" names ("Vertriebsleitung" for "Vertriebsleitung (Feld) und DSB")."""
    return (_ROLE_SPLIT.split(who.strip(), maxsplit=1)[0] or who).strip()


def _role_key(role: str) -> str:
    return role.casefold().replace("-", "").replace(" ", "")


def _action_cards(groups: dict[str, list[CheckGroup]], lang: str) -> list[RoleActions]:
    """One card per check (its findings of every severity together), grouped by the lead role."""
    cards: dict[str, ActionCard] = {}
    for severity in SEVERITY_ORDER:
        for group in groups.get(severity) or []:
            card = cards.get(group.check_id)
            if card is None:
                cards[group.check_id] = ActionCard(
                    check_id=group.check_id, title=group.title, severity=severity, fix=group.fix, why=group.why,
                    who=group.who or ("DSB" if lang == "de" else "DPO"), references=group.references, items=[],
                    affected=[], needs_human_review=group.needs_human_review)
                card = cards[group.check_id]
            card.items.extend(group.items)
            card.needs_human_review = card.needs_human_review or group.needs_human_review
    for card in cards.values():
        card.affected = _evidence_names([item.data for item in card.items])
    roles: dict[str, RoleActions] = {}
    for card in cards.values():  # in severity order, so each role's worst card comes first
        role = lead_role(card.who)
        roles.setdefault(_role_key(role), RoleActions(role=role, cards=[])).cards.append(card)
    return list(roles.values())


def _verdict(run: dict[str, Any], counts: dict[str, int], lang: str) -> tuple[str, str]:
    state = run_completeness(run)
    light = traffic_light(counts, state["status"])
    if light == "incomplete":
        # Never a green (or any) light for a run that did not check what was asked.
        return light, _incomplete_verdict(state, counts, lang)
    undisclosed = (run.get("summary") or {}).get("undisclosed_categories", [])
    parts = []
    if undisclosed:
        examples = [taxonomy.name(k, lang) for k in sorted(undisclosed, key=lambda k: (not taxonomy.is_special(k), k))[:2]]
        if lang == "de":
            parts.append(f"Ihr CRM speichert {len(undisclosed)} Arten personenbezogener Daten, die Ihre "
                         f"Datenschutzerklärung nicht nennt – darunter {' und '.join(examples)}.")
        else:
            parts.append(f"Your CRM stores {len(undisclosed)} kinds of personal data that your privacy statement does "
                         f"not mention, among them {' and '.join(examples)}.")
    web = sum(1 for f in run.get("findings", []) if f["check_id"].startswith("WEB") and f["severity"] in ("critical", "high"))
    if web:
        parts.append(f"Der Cookie-Banner bzw. die Website zeigt {web} schwerwiegende Probleme." if lang == "de"
                     else f"The cookie banner or website shows {web} serious problems.")
    total = sum(counts.values())
    if not parts:
        if total:
            parts.append(f"{total} Befunde, keiner davon hoch oder kritisch." if lang == "de"
                         else f"{total} findings, none of them high or critical.")
        else:
            parts.append("Die Prüfung fand keine Lücke." if lang == "de" else "The check found no gap.")
    return light, " ".join(parts)


def _screenshot(consent: dict[str, Any] | None, base_dir: Path | None) -> str | None:
    """The banner screenshot as a PNG data URI (nothing else is ever embedded)."""
    if not consent or not consent.get("screenshot"):
        return None
    value = str(consent["screenshot"])
    if value.startswith("data:image/png;base64,"):
        return value
    path = Path(value)
    if not path.is_absolute() and base_dir is not None:
        path = base_dir / path
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        return None  # only real PNGs, so a crafted path cannot smuggle other content in
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def build_view(run: dict[str, Any], lang: str = "de", *, base_dir: Path | None = None) -> ReportView:
    """Compute the report view of ``run`` in ``lang``."""
    lang = lang if lang in ("de", "en") else "en"
    findings = list(run.get("findings", []))
    counts = {s: 0 for s in SEVERITY_ORDER}
    grouped: dict[str, list[FindingView]] = {s: [] for s in SEVERITY_ORDER}
    for finding in findings:
        counts[finding["severity"]] = counts.get(finding["severity"], 0) + 1
        grouped.setdefault(finding["severity"], []).append(FindingView(
            data=finding, anchor=finding_anchor(finding),
            title=finding.get("title") or _catalog_title(finding["check_id"], lang),
            why=_catalog_text(finding["check_id"], "why", lang), fix=_catalog_text(finding["check_id"], "fix", lang),
            who=_catalog_text(finding["check_id"], "who", lang)))
    groups: dict[str, list[CheckGroup]] = {s: [] for s in SEVERITY_ORDER}
    for severity, items in grouped.items():
        by_check: dict[str, CheckGroup] = {}
        for item in items:
            check_id = item.data["check_id"]
            if check_id not in by_check:
                by_check[check_id] = CheckGroup(check_id=check_id, title=item.title, why=item.why, fix=item.fix,
                                                who=item.who, references=list(item.data.get("references", [])),
                                                items=[], needs_human_review=bool(item.data.get("needs_human_review")))
                groups.setdefault(severity, []).append(by_check[check_id])
            by_check[check_id].items.append(item)
    light, verdict = _verdict(run, counts, lang)
    return ReportView(lang=lang, run=run, light=light, verdict=verdict, actions=_actions(findings, lang),
                      matrix=_matrix(run, findings, lang), findings_by_severity=grouped,
                      groups_by_severity=groups, counts=counts,
                      screenshot=_screenshot(run.get("consent"), base_dir), consent=run.get("consent"),
                      errors=list(run.get("errors", [])),
                      not_checked=[{"stage": e["stage"], "name": stage_name(e["stage"], lang), "reason": e["reason"]}
                                   for e in run_completeness(run)["not_checked"]],
                      roles=_action_cards(groups, lang))


__all__ = ["ReportView", "build_view", "chat_widget_text", "record_text", "t", "website_categories"]
