"""Run the catalog's checks over one site's inputs and build findings.

The engine skips checks whose inputs are missing, calls each check's kind, and turns
its hits into findings: message in the report language, norm references from the
catalog, and a fingerprint built from stable keys only (check, site, category, key),
so the monitor can tell a new finding from a known one.
"""

from __future__ import annotations

import hashlib
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from privacygap import taxonomy
from privacygap.checks.catalog import CheckSpec, load_catalog, select
from privacygap.checks.kinds import CheckContext, Hit, registry
from privacygap.models import Finding, RunError


@dataclass
class CheckOutcome:
    """Findings of one run of the checks, and which checks ran or were skipped."""

    findings: list[Finding] = field(default_factory=list)
    ran: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # check id -> missing input
    errors: list[RunError] = field(default_factory=list)


class _Placeholders(dict):
    """Leaves unknown ``{placeholders}`` visible instead of failing."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def fingerprint(check_id: str, site: str, category: str | None, key: str) -> str:
    """Stable identity of a finding across runs (sha256 of its stable keys)."""
    raw = "\x1f".join([check_id, site.rstrip("/").lower(), category or "", key])
    return "sha256:" + hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]


def format_message(template: str, values: Mapping[str, Any]) -> str:
    """Fill a message template; unknown placeholders stay as they are."""
    return string.Formatter().vformat(template, (), _Placeholders(values))


def _is_localised(value: Any) -> bool:
    return isinstance(value, Mapping) and "de" in value and "en" in value


def make_finding(spec: CheckSpec, hit: Hit, ctx: CheckContext, lang: str) -> Finding:
    """Turn a kind's hit into a finding of ``spec``."""
    language = lang if lang in ("de", "en") else "en"
    # A value given in both languages ({"de": …, "en": …}) is shown in the report's language.
    values: dict[str, Any] = {key: value[language] if _is_localised(value) else value
                              for key, value in hit.values.items()}
    if hit.category:
        values.setdefault("category", hit.category)
        values.setdefault("category_name", taxonomy.name(hit.category, lang))
    return Finding(
        check_id=spec.id,
        slug=spec.slug,
        severity=hit.severity or spec.severity,
        confidence=hit.confidence or spec.confidence,
        message=format_message(spec.message[language], values),
        category=hit.category,
        evidence=tuple(hit.evidence),
        references=spec.references,
        fingerprint=fingerprint(spec.id, ctx.site, hit.category, hit.key),
        title=spec.title[language],
        needs_human_review=spec.needs_human_review if hit.needs_human_review is None else hit.needs_human_review,
    )


def run_check(spec: CheckSpec, ctx: CheckContext, lang: str = "en") -> list[Finding]:
    """Run one check (its inputs must be present) and return its findings, deduplicated."""
    kinds = registry()
    if spec.kind not in kinds:
        raise KeyError(f"{spec.id}: unknown check kind {spec.kind!r}")
    findings: dict[str, Finding] = {}
    for hit in kinds[spec.kind](ctx, dict(spec.params)):
        finding = make_finding(spec, hit, ctx, lang)
        findings.setdefault(finding.fingerprint, finding)
    return list(findings.values())


def run_checks(ctx: CheckContext, *, lang: str = "en", selectors: list[str] | None = None,
               ignore: list[str] | None = None) -> CheckOutcome:
    """Run every selected check whose inputs are present.

    A check that raises is recorded in ``errors`` (stage ``checks``) and the others
    still run.
    """
    outcome = CheckOutcome()
    for spec in select(load_catalog(), selectors, ignore):
        missing = [need for need in spec.inputs if not ctx.has(need)]
        if missing:
            outcome.skipped[spec.id] = ", ".join(missing)
            continue
        try:
            outcome.findings.extend(run_check(spec, ctx, lang))
            outcome.ran.append(spec.id)
        except Exception as exc:  # a broken kind must not cost the other checks
            outcome.errors.append(RunError("checks", f"{spec.id} failed: {type(exc).__name__}: {exc}"))
    # The message before the fingerprint: the fingerprint hashes the site (for a --policy scan
    # the file's path), so ordering by it alone would differ between two checkouts.
    outcome.findings.sort(key=lambda f: (-f.severity.rank, f.check_id, f.category or "", f.message, f.fingerprint))
    return outcome
