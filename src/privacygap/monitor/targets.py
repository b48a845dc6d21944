"""Read and validate ``targets.toml`` (cli-and-json.md, "Monitoring: targets file").

Every problem is a :class:`~privacygap.errors.UsageError` whose message names the file,
the target and the key, e.g. ``targets.toml: target 'muster': schedule: …``, so the
person editing the file can find the line. Relative paths are resolved against the
targets file's folder; a ``crm`` entry with ``://`` is a database URL and kept as is.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from privacygap.errors import UsageError
from privacygap.monitor.schedule import Schedule, ScheduleError, check_timezone, parse_schedule

SEVERITIES = ("low", "medium", "high", "critical")
FAIL_ON = (*SEVERITIES, "never")
LANGS = ("de", "en")

# Keys a [[target]] may carry; [defaults] may carry all but the identifying ones.
TARGET_KEYS = frozenset({
    "name", "url", "policy_url", "policy", "crm", "crm_format", "notes", "guideline", "records", "browser",
    "schedule", "timezone", "alerts", "lang", "fail_on", "allow_private", "facts",
})
IDENTIFYING_KEYS = frozenset({"name", "url", "policy_url", "policy", "crm"})
DEFAULT_KEYS = TARGET_KEYS - IDENTIFYING_KEYS
ALERT_KEYS = frozenset({"webhook", "email", "min_severity"})
SMTP_KEYS = frozenset({"host", "port", "sender", "starttls", "username", "timeout"})
TOP_KEYS = frozenset({"defaults", "target", "smtp"})


@dataclass(frozen=True)
class Alerts:
    """Where to report new findings of a target, and from which severity on."""

    webhook: str | None = None
    email: tuple[str, ...] = ()
    min_severity: str = "high"

    @property
    def enabled(self) -> bool:
        """True when at least one channel is configured."""
        return bool(self.webhook or self.email)


@dataclass(frozen=True)
class SmtpSettings:
    """The mail server for e-mail alerts (password only from ``PRIVACYGAP_SMTP_PASSWORD``)."""

    host: str = "localhost"
    port: int = 25
    sender: str = "privacygap@localhost"
    starttls: bool = False
    username: str | None = None
    timeout: float = 10.0


@dataclass(frozen=True)
class Target:
    """One monitored company: what to scan, when, and whom to tell."""

    name: str
    url: str | None
    policy_url: str | None = None
    policy_file: str | None = None
    crm: tuple[str, ...] = ()
    crm_format: str | None = None
    notes: str | None = None
    guideline: str | None = None
    records: str | None = None
    browser: bool = True
    schedule: Schedule = field(default_factory=lambda: parse_schedule("daily"))
    alerts: Alerts = field(default_factory=Alerts)
    lang: str | None = None
    fail_on: str = "high"
    allow_private: bool = False
    facts: dict[str, Any] = field(default_factory=dict)

    def local_files(self) -> list[tuple[str, str]]:
        """(key, path) of every local input file the scan will read (database URLs left out)."""
        files = [("crm", p) for p in self.crm if "://" not in p]
        files += [(key, value) for key, value in
                  (("notes", self.notes), ("guideline", self.guideline), ("records", self.records),
                   ("policy", self.policy_file)) if value]
        return files

    def missing_files(self) -> list[str]:
        """Messages for local input files that do not exist (checked before each scan)."""
        return [f"{key}: file not found: {path}" for key, path in self.local_files() if not Path(path).exists()]


@dataclass(frozen=True)
class TargetsFile:
    """A parsed targets file: its path, its targets in file order and the SMTP settings."""

    path: Path
    targets: tuple[Target, ...]
    smtp: SmtpSettings = field(default_factory=SmtpSettings)

    @property
    def base_dir(self) -> Path:
        """The folder relative paths (and the default ``reports/``) are resolved against."""
        return self.path.parent

    def get(self, name: str) -> Target:
        """The target called ``name``; :class:`UsageError` listing the names when absent."""
        for target in self.targets:
            if target.name == name:
                return target
        known = ", ".join(t.name for t in self.targets) or "none"
        raise UsageError(f"{self.path}: no target named {name!r} (targets: {known})")


class _Where:
    """Builds error messages that say file, target and key."""

    def __init__(self, path: Path, target: str | None = None) -> None:
        self.path, self.target = path, target

    def error(self, key: str | None, problem: str) -> UsageError:
        parts = [str(self.path)]
        if self.target is not None:
            parts.append(f"target {self.target!r}" if not self.target.startswith("[") else self.target)
        if key:
            parts.append(key)
        return UsageError(": ".join(parts) + ": " + problem)


def _string(where: _Where, key: str, value: Any, *, allow_empty: bool = False) -> str:
    if not isinstance(value, str) or (not allow_empty and not value.strip()):
        raise where.error(key, f"must be a non-empty string, not {value!r}")
    return value.strip()


def _bool(where: _Where, key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise where.error(key, f"must be true or false, not {value!r}")
    return value


def _choice(where: _Where, key: str, value: Any, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise where.error(key, f"{value!r} is not one of {', '.join(choices)}")
    return value


def _path(base: Path, value: str) -> str:
    # Database URLs (postgresql://…, sqlite:///…) are handed to the inventory loader as they are.
    if "://" in value:
        return value
    path = Path(value).expanduser()
    return str(path if path.is_absolute() else (base / path))


def _url(where: _Where, key: str, value: Any) -> str:
    text = _string(where, key, value)
    if not text.lower().startswith(("http://", "https://")):
        raise where.error(key, f"{text!r} is not an http(s) URL")
    return text


def _alerts(where: _Where, value: Any) -> Alerts:
    if not isinstance(value, dict):
        raise where.error("alerts", "must be a table such as { webhook = \"https://…\", min_severity = \"high\" }")
    unknown = sorted(set(value) - ALERT_KEYS)
    if unknown:
        raise where.error(f"alerts.{unknown[0]}", f"unknown key (known: {', '.join(sorted(ALERT_KEYS))})")
    webhook = _url(where, "alerts.webhook", value["webhook"]) if value.get("webhook") is not None else None
    email_value = value.get("email")
    emails: tuple[str, ...] = ()
    if email_value is not None:
        items = [email_value] if isinstance(email_value, str) else email_value
        if not isinstance(items, list) or not items:
            raise where.error("alerts.email", "must be an address or a list of addresses")
        for item in items:
            if not isinstance(item, str) or "@" not in item or any(c.isspace() for c in item.strip()):
                raise where.error("alerts.email", f"{item!r} is not an e-mail address")
        emails = tuple(item.strip() for item in items)
    severity = _choice(where, "alerts.min_severity", value.get("min_severity", "high"), SEVERITIES)
    return Alerts(webhook=webhook, email=emails, min_severity=severity)


def _check_keys(where: _Where, table: dict[str, Any], allowed: frozenset[str]) -> None:
    for key in table:
        if key not in allowed:
            raise where.error(key, f"unknown key (known: {', '.join(sorted(allowed))})")


def _target(raw: Any, index: int, defaults: dict[str, Any], base: Path, path: Path) -> Target:
    if not isinstance(raw, dict):
        raise _Where(path, f"[[target]] #{index}").error(None, "must be a table")
    label = raw.get("name") if isinstance(raw.get("name"), str) and raw.get("name") else f"[[target]] #{index}"
    where = _Where(path, label)
    _check_keys(where, raw, TARGET_KEYS)
    if "name" not in raw:
        raise where.error("name", "missing (every target needs a unique name)")
    name = _string(where, "name", raw["name"])
    # The name becomes a folder under reports/: keep it to characters that are safe everywhere.
    if not all(c.isalnum() or c in "-_." for c in name) or name.startswith("."):
        raise where.error("name", f"{name!r} may only contain letters, digits, '-', '_' and '.'")
    merged = {**defaults, **raw}
    url = _url(where, "url", merged["url"]) if merged.get("url") is not None else None
    policy_url = _url(where, "policy_url", merged["policy_url"]) if merged.get("policy_url") is not None else None
    policy_file = _path(base, _string(where, "policy", merged["policy"])) if merged.get("policy") else None
    crm_value = merged.get("crm", [])
    crm_items = [crm_value] if isinstance(crm_value, str) else crm_value
    if not isinstance(crm_items, list):
        raise where.error("crm", "must be a path, a database URL or a list of them")
    crm = tuple(_path(base, _string(where, "crm", item)) for item in crm_items)
    notes = _path(base, _string(where, "notes", merged["notes"])) if merged.get("notes") is not None else None
    guideline = (_path(base, _string(where, "guideline", merged["guideline"]))
                 if merged.get("guideline") is not None else None)
    records = (_path(base, _string(where, "records", merged["records"]))
               if merged.get("records") is not None else None)
    if not (url or policy_file or crm or notes):
        raise where.error("url", "missing: give url, policy or crm")
    try:
        zone = check_timezone(merged.get("timezone", "UTC"))
    except ScheduleError as exc:
        raise where.error("timezone", str(exc)) from None
    try:
        schedule = parse_schedule(merged.get("schedule", "daily"), zone)
    except ScheduleError as exc:
        raise where.error("schedule", str(exc)) from None
    facts = merged.get("facts", {})
    if not isinstance(facts, dict):
        raise where.error("facts", "must be a table")
    return Target(
        name=name,
        url=url,
        policy_url=policy_url,
        policy_file=policy_file,
        crm=crm,
        crm_format=_string(where, "crm_format", merged["crm_format"]) if merged.get("crm_format") else None,
        notes=notes,
        guideline=guideline,
        records=records,
        browser=_bool(where, "browser", merged.get("browser", True)),
        schedule=schedule,
        alerts=_alerts(where, merged["alerts"]) if "alerts" in merged else Alerts(),
        lang=_choice(where, "lang", merged["lang"], LANGS) if merged.get("lang") is not None else None,
        fail_on=_choice(where, "fail_on", merged.get("fail_on", "high"), FAIL_ON),
        allow_private=_bool(where, "allow_private", merged.get("allow_private", False)),
        facts=dict(facts),
    )


def _smtp(path: Path, raw: Any) -> SmtpSettings:
    where = _Where(path, "[smtp]")
    if not isinstance(raw, dict):
        raise where.error(None, "must be a table")
    _check_keys(where, raw, SMTP_KEYS)
    port = raw.get("port", 25)
    if not isinstance(port, int) or not 0 < port < 65536:
        raise where.error("port", f"must be a port number, not {port!r}")
    timeout = raw.get("timeout", 10.0)
    if not isinstance(timeout, (int, float)) or timeout <= 0:
        raise where.error("timeout", f"must be a positive number of seconds, not {timeout!r}")
    return SmtpSettings(
        host=_string(where, "host", raw.get("host", "localhost")),
        port=port,
        sender=_string(where, "sender", raw.get("sender", "privacygap@localhost")),
        starttls=_bool(where, "starttls", raw.get("starttls", False)),
        username=_string(where, "username", raw["username"]) if raw.get("username") else None,
        timeout=float(timeout),
    )


def parse_targets(text: str, path: str | Path) -> TargetsFile:
    """Parse the TOML text of a targets file that lives at ``path`` (used for relative paths)."""
    path = Path(path).absolute()
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: not valid TOML: {exc}") from None
    file_where = _Where(path)
    _check_keys(file_where, data, TOP_KEYS)
    defaults = data.get("defaults", {})
    if not isinstance(defaults, dict):
        raise file_where.error("defaults", "must be a table")
    _check_keys(_Where(path, "[defaults]"), defaults, DEFAULT_KEYS)
    raw_targets = data.get("target", [])
    if not isinstance(raw_targets, list) or not raw_targets:
        raise file_where.error("target", "no [[target]] tables: add at least one")
    targets: list[Target] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_targets, start=1):
        target = _target(raw, index, defaults, path.parent, path)
        if target.name in seen:
            raise _Where(path, target.name).error("name", "is used by more than one target (names must be unique)")
        seen.add(target.name)
        targets.append(target)
    smtp = _smtp(path, data["smtp"]) if "smtp" in data else SmtpSettings()
    return TargetsFile(path=path, targets=tuple(targets), smtp=smtp)


def load_targets(path: str | Path) -> TargetsFile:
    """Read and validate a targets file.

    Raises:
        UsageError: the file cannot be read, is not TOML, or a key is missing or wrong
            (the message names the file, the target and the key).
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the targets file: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path}: the targets file is not UTF-8 text") from None
    return parse_targets(text, path)
