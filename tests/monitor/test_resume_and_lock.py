"""A run killed with SIGKILL part-way is resumed without losing or duplicating a target;
a second concurrent run on the same store is refused (or waits)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from privacygap.monitor.runner import monitor_run
from privacygap.monitor.store import MonitorLockedError, Store
from tests.monitor.fakescan import fake_scan

ROOT = Path(__file__).resolve().parents[2]
NOW = "2026-11-29T06:00:00Z"


def _targets(tmp_path: Path, sites: list[tuple[str, str, float]]) -> Path:
    body = "[defaults]\nallow_private = true\nbrowser = false\n"
    for name, url, delay in sites:
        body += f'[[target]]\nname = "{name}"\nurl = "{url}"\nfacts = {{ delay = {delay} }}\n'
    path = tmp_path / "targets.toml"
    path.write_text(body, encoding="utf-8")
    return path


def _spawn(targets: Path, db: Path, log: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PRIVACYGAP_FAKE_SCAN_LOG": str(log)}
    return subprocess.Popen([sys.executable, "-m", "tests.monitor.subprocess_run", str(targets), str(db), NOW],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for(predicate, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError("condition not reached in time")


def _stored_targets(db: Path) -> list[tuple[str, str, str]]:
    if not db.exists():
        return []
    with sqlite3.connect(db) as conn:
        try:
            return conn.execute("SELECT run_id, target, status FROM pg_monitor_results ORDER BY id").fetchall()
        except sqlite3.OperationalError:
            return []


def test_killed_run_resumes_without_loss_or_duplicates(tmp_path, make_site, monkeypatch):
    sites = []
    for name in ("alpha", "beta", "gamma"):
        site = make_site(name)
        site.write({"Kontakt": f"{name}: E-Mail"})
        sites.append(site)
    # alpha is quick; beta takes long enough to be killed in the middle of its scan
    targets = _targets(tmp_path, [("alpha", sites[0].url, 0), ("beta", sites[1].url, 30), ("gamma", sites[2].url, 0)])
    db = tmp_path / "monitor.sqlite"
    log = tmp_path / "scans.log"
    child = _spawn(targets, db, log)
    try:
        _wait_for(lambda: [t for _r, t, _s in _stored_targets(db)] == ["alpha"])
        _wait_for(lambda: log.exists() and len(log.read_text().splitlines()) == 2)  # beta's scan has begun
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == -signal.SIGKILL
    assert _stored_targets(db) == [(NOW, "alpha", "ok")]

    # the dead run still holds the lock row and is "running"; the rerun takes both over
    monkeypatch.setenv("PRIVACYGAP_FAKE_SCAN_LOG", str(log))
    fast = _targets(tmp_path, [("alpha", sites[0].url, 0), ("beta", sites[1].url, 0), ("gamma", sites[2].url, 0)])
    summary = monitor_run(fast, db=db, scan=fake_scan, now=datetime(2026, 11, 30, tzinfo=timezone.utc))
    assert summary["resumed"] is True and summary["run_id"] == NOW
    assert [(t["name"], t["status"]) for t in summary["targets"]] == [("alpha", "ok"), ("beta", "ok"), ("gamma", "ok")]
    assert all(t["changes"]["first_run"] for t in summary["targets"])
    # alpha was not scanned again: the log has alpha once, beta twice (killed + resumed), gamma once
    scanned = log.read_text().splitlines()
    assert scanned[:2] == [sites[0].url, sites[1].url]  # the killed process
    assert sorted(scanned[2:]) == sorted([sites[1].url, sites[2].url])  # the resumed run, in parallel
    stored = _stored_targets(db)
    assert stored[0] == (NOW, "alpha", "ok")  # kept from the killed run, not rewritten
    assert sorted(stored) == [(NOW, "alpha", "ok"), (NOW, "beta", "ok"), (NOW, "gamma", "ok")]
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("SELECT run_id, status FROM pg_monitor_runs").fetchall() == [(NOW, "finished")]
        assert conn.execute("SELECT count(*) FROM pg_monitor_lock").fetchone() == (0,)
    # reports exist once per target
    assert sorted(p.name for p in (tmp_path / "reports").glob("*/*.json")) == ["2026-11-29T06-00-00Z.json"] * 3


def test_second_concurrent_run_is_refused_then_waits(tmp_path, make_site):
    site = make_site("slow")
    site.write({"Kontakt": "E-Mail"})
    targets = _targets(tmp_path, [("slow", site.url, 3)])
    db = tmp_path / "monitor.sqlite"
    child = _spawn(targets, db, tmp_path / "log")
    try:
        def locked() -> bool:
            if not db.exists():
                return False
            with sqlite3.connect(db) as conn:
                try:
                    return conn.execute("SELECT count(*) FROM pg_monitor_lock").fetchone()[0] == 1
                except sqlite3.OperationalError:
                    return False
        _wait_for(locked)
        with pytest.raises(MonitorLockedError, match=r"another monitor run is using the store .*\(pid \d+ on "):
            monitor_run(targets, db=db, scan=fake_scan, now=datetime(2026, 11, 30, tzinfo=timezone.utc))
        # with a lock timeout the second run waits for the first and then runs
        summary = monitor_run(targets, db=db, scan=fake_scan, now=datetime(2026, 11, 30, tzinfo=timezone.utc),
                              lock_timeout=60, force=True)
        assert summary["run_id"] == "2026-11-30T00:00:00Z" and summary["resumed"] is False
        out, err = child.communicate(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 0, err
    assert json.loads(out)["run_id"] == NOW
    with Store.open(db) as store:
        assert [(r["run_id"], r["status"]) for r in store.runs()] == [
            ("2026-11-30T00:00:00Z", "finished"), (NOW, "finished")]
        assert store.counts()["pg_monitor_results"] == 2


def test_stale_lock_of_another_host_is_taken_over(tmp_path):
    with Store.open(tmp_path / "m.sqlite") as store:
        with store._write() as conn:
            conn.exec_driver_sql("INSERT INTO pg_monitor_lock VALUES ('monitor', 'old', 1, 'elsewhere', 0, ?)",
                                 (time.time(),))
        with pytest.raises(MonitorLockedError, match="pid 1 on elsewhere"):
            store.acquire_lock()
        with store._write() as conn:
            conn.exec_driver_sql("UPDATE pg_monitor_lock SET heartbeat_at = ?", (time.time() - 600,))
        lock = store.acquire_lock(stale_after=120)
        assert not lock.lost
        lock.release()
        assert store.counts() and store.acquire_lock().owner  # free again


def test_save_result_is_idempotent_per_run_and_target(tmp_path):
    from privacygap.monitor.store import ResultRecord

    with Store.open(tmp_path / "m.sqlite") as store:
        store.create_run("r1", targets_file="t", started_at="2026-11-29T06:00:00Z")
        record = ResultRecord(run_id="r1", target="a", status="ok",
                              findings=[{"fingerprint": "f1", "check_id": "CRM001", "category": None,
                                         "severity": "high", "message": "m"}] * 2)
        assert store.save_result(record) is True
        assert store.save_result(ResultRecord(run_id="r1", target="a", status="error")) is False
        assert store.result("r1", "a")["status"] == "ok"
        counts = store.counts()
        assert (counts["pg_monitor_results"], counts["pg_monitor_findings"]) == (1, 1)
