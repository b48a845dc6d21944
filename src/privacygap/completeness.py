"""Whether a run checked what was asked of it: the stages checked and those that were not.

A run whose requested stage failed must never read as a pass. The run's ``errors`` list is
the one source: every error names the stage it belongs to. This module turns it, with the
stages the request asked for, into the ``summary`` fields ``status``, ``checked`` and
``not_checked`` that every output format shows (cli-and-json.md, additive to v1).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

# The order in which stages run and are named to a reader.
STAGE_ORDER = ("inventory", "guideline", "records", "crawl", "statement", "browser", "checks")


def completeness(errors: Iterable[Mapping[str, Any]], requested: Iterable[str] | None = None,
                 produced: Iterable[str] | None = None) -> dict[str, Any]:
    """The ``status``/``checked``/``not_checked`` summary of a run.

    Args:
        errors: the run's errors (``{"stage": …, "message": …}``).
        requested: the stages the request asked for; None for a saved run that does not
            record them (then ``checked`` lists nothing that cannot be known).
        produced: the requested stages that yielded their result (the statement read, the
            export loaded …). A requested stage without an error of its own that produced
            nothing was not reached (the statement after a failed fetch): it is not checked
            either. None: every requested stage without an error counts as produced.

    Returns:
        ``{"status": "complete"|"incomplete", "checked": [stage…], "not_checked":
        [{"stage": …, "reason": …}]}``; one ``not_checked`` entry per failed stage, its
        reasons joined, in the order the stages run.
    """
    reasons: dict[str, list[str]] = {}
    for error in errors:
        stage = str(error.get("stage") or "checks")
        message = str(error.get("message") or "").strip()
        bucket = reasons.setdefault(stage, [])
        if message and message not in bucket:
            bucket.append(message)
    if produced is not None:
        made = set(produced)
        for stage in requested or ():
            if stage not in made and stage not in reasons:
                reasons[stage] = ["not reached: an earlier stage failed"]
    order = {stage: index for index, stage in enumerate(STAGE_ORDER)}
    failed = sorted(reasons, key=lambda s: (order.get(s, len(order)), s))
    checked = [s for s in (requested or ()) if s not in reasons]
    return {
        "status": "incomplete" if failed else "complete",
        "checked": checked,
        "not_checked": [{"stage": s, "reason": "; ".join(reasons[s])} for s in failed],
    }


def traffic_light(counts: Mapping[str, int], status: str) -> str:
    """The verdict: ``incomplete`` when a requested stage failed, else red (critical), amber (high) or green."""
    if status != "complete":
        return "incomplete"
    return "red" if counts.get("critical") else "amber" if counts.get("high") else "green"


def run_completeness(run: Mapping[str, Any]) -> dict[str, Any]:
    """The completeness of a saved run: its summary's fields when present, else derived from ``errors``.

    Errors always win: a run whose summary says ``complete`` but which carries errors (an
    older tool, a hand-edited file) is incomplete.
    """
    summary = run.get("summary") or {}
    derived = completeness(run.get("errors") or [], summary.get("checked"))
    if summary.get("status") in ("complete", "incomplete") and derived["status"] == summary["status"]:
        return {"status": summary["status"], "checked": list(summary.get("checked") or []),
                "not_checked": list(summary.get("not_checked") or derived["not_checked"])}
    return derived


__all__ = ["STAGE_ORDER", "completeness", "run_completeness", "traffic_light"]
