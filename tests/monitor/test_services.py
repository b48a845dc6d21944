"""PostgreSQL store and Celery executor (Redis broker): the same runs as with SQLite.

Skipped only when PRIVACYGAP_TEST_PG_URL / PRIVACYGAP_TEST_REDIS_URL are unset; CI sets
them from tests/monitor/start_services.sh.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from privacygap.monitor.runner import monitor_run
from privacygap.monitor.store import MonitorLockedError, Store, metadata
from tests.monitor.conftest import write_crm
from tests.monitor.fakescan import fake_scan

ROOT = Path(__file__).resolve().parents[2]
PG_URL = os.environ.get("PRIVACYGAP_TEST_PG_URL")
REDIS_URL = os.environ.get("PRIVACYGAP_TEST_REDIS_URL")
DAY1 = datetime(2026, 11, 29, 6, 0, tzinfo=timezone.utc)
DAY2 = datetime(2026, 11, 30, 6, 0, tzinfo=timezone.utc)

needs_pg = pytest.mark.skipif(not PG_URL, reason="PRIVACYGAP_TEST_PG_URL is not set")
needs_redis = pytest.mark.skipif(not REDIS_URL, reason="PRIVACYGAP_TEST_REDIS_URL is not set")


@pytest.fixture
def pg_url():
    """The test database, emptied of monitor tables before the test."""
    store = Store.open(PG_URL)
    metadata.drop_all(store.engine)
    store.close()
    return PG_URL


def _scenario(tmp_path: Path, make_site):
    site = make_site("muster")
    site.write({"Kontaktformular": "Wir verarbeiten Ihre E-Mail-Adresse.", "Speicherdauer": "sechs Monate"})
    crm = write_crm(tmp_path / "contacts.json", [("contact", "email", "E-Mail", "user.contact.email")])
    targets = tmp_path / "targets.toml"
    targets.write_text(f"""
[[target]]
name = "muster"
url = "{site.url}"
crm = "contacts.json"
allow_private = true
""", encoding="utf-8")
    return site, crm, targets


def _edit(site, crm) -> None:
    site.write({"Kontaktformular": "Wir verarbeiten Ihre E-Mail-Adresse und Telefonnummer.",
                "Speicherdauer": "sechs Monate"}, cookies=[{"name": "hubspotutk", "domain": "127.0.0.1",
                                                            "vendor": "HubSpot"}])
    write_crm(crm, [("contact", "email", "E-Mail", "user.contact.email"),
                    ("contact", "hobbys", "Hobbys", "user.demographic.interests")])


def _assert_second_run(changes: dict) -> None:
    assert changes["first_run"] is False and changes["statement_changed"] is True
    assert changes["changed_sections"] == ["Kontaktformular"]
    assert [(f["check_id"], f["category"]) for f in changes["new_findings"]] == [
        ("WEB001", None), ("CRM001", "user.demographic.interests")]
    assert changes["resolved_findings"] == []
    assert changes["new_cookies"] == ["hubspotutk"] and changes["new_fields"] == ["contact.hobbys"]


@pytest.mark.postgres
@needs_pg
def test_postgres_store_two_runs_lock_and_masked_url(tmp_path, make_site, pg_url):
    site, crm, targets = _scenario(tmp_path, make_site)
    first = monitor_run(targets, db=pg_url, scan=fake_scan, now=DAY1)
    assert first["targets"][0]["changes"]["first_run"] is True and first["exit_code"] == 0
    _edit(site, crm)
    second = monitor_run(targets, db=pg_url, scan=fake_scan, now=DAY2)
    _assert_second_run(second["targets"][0]["changes"])
    assert second["exit_code"] == 1
    with Store.open(pg_url) as store:
        assert not store.is_sqlite
        assert "privacygap-test-pw" not in store.display_url and ":***@" in store.display_url
        result = store.result("2026-11-30T06:00:00Z", "muster")
        assert sorted(f["name"] for f in store.fields_of(result["id"])) == ["email", "hobbys"]
        assert store.screenshot(result["id"]) == b"\x89PNG\r\n\x1a\n"
        # a second run while one holds the lock is refused, naming the masked URL
        with store.acquire_lock():
            with pytest.raises(MonitorLockedError) as info:
                monitor_run(targets, db=pg_url, scan=fake_scan, now=DAY2, force=True)
            assert "privacygap-test-pw" not in str(info.value) and ":***@" in str(info.value)
        assert store.counts()["pg_monitor_results"] == 2


@pytest.mark.postgres
@needs_pg
def test_postgres_killed_run_resumes(tmp_path, make_site, pg_url):
    sites = []
    for name in ("alpha", "beta"):
        site = make_site(name)
        site.write({"Kontakt": "E-Mail"})
        sites.append(site)
    targets = tmp_path / "targets.toml"
    targets.write_text(f"""
[defaults]
allow_private = true
browser = false
[[target]]
name = "alpha"
url = "{sites[0].url}"
[[target]]
name = "beta"
url = "{sites[1].url}"
facts = {{ delay = 30 }}
""", encoding="utf-8")
    child = subprocess.Popen([sys.executable, "-m", "tests.monitor.subprocess_run", str(targets), pg_url,
                              "2026-11-29T06:00:00Z"], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with Store.open(pg_url) as store:
                    if store.result("2026-11-29T06:00:00Z", "alpha"):
                        break
            except Exception:  # noqa: BLE001 - tables may not exist yet
                pass
            time.sleep(0.1)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
    targets.write_text(targets.read_text().replace("delay = 30", "delay = 0"))
    summary = monitor_run(targets, db=pg_url, scan=fake_scan, now=DAY2)
    assert summary["resumed"] is True and summary["run_id"] == "2026-11-29T06:00:00Z"
    assert [(t["name"], t["status"]) for t in summary["targets"]] == [("alpha", "ok"), ("beta", "ok")]
    with Store.open(pg_url) as store:
        assert store.counts()["pg_monitor_results"] == 2
        assert [r["status"] for r in store.runs()] == ["finished"]


@pytest.mark.postgres
@pytest.mark.redis
@needs_pg
@needs_redis
def test_celery_executor_runs_targets_in_a_worker_and_stores_in_postgres(tmp_path, make_site, pg_url):
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()  # no stale tasks from an earlier test run
    site, crm, targets = _scenario(tmp_path, make_site)
    log = tmp_path / "worker-scans.log"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PRIVACYGAP_CELERY_BROKER": REDIS_URL,
           "PRIVACYGAP_MONITOR_DB": pg_url, "PRIVACYGAP_FAKE_SCAN_LOG": str(log)}
    worker = subprocess.Popen([sys.executable, "-m", "celery", "-A", "privacygap.monitor.celery_app", "worker",
                               "--pool", "threads", "--concurrency", "2", "--loglevel", "WARNING",
                               "--without-heartbeat", "--without-gossip", "--without-mingle"],
                              cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    os.environ["PRIVACYGAP_CELERY_BROKER"] = REDIS_URL
    try:
        first = monitor_run(targets, db=pg_url, executor="celery", scan=fake_scan, now=DAY1, celery_timeout=60)
        assert [(t["name"], t["status"]) for t in first["targets"]] == [("muster", "ok")]
        assert first["targets"][0]["changes"]["first_run"] is True
        _edit(site, crm)
        second = monitor_run(targets, db=pg_url, executor="celery", scan=fake_scan, now=DAY2, celery_timeout=60)
        _assert_second_run(second["targets"][0]["changes"])
        assert second["exit_code"] == 1
        assert second["targets"][0]["report"] == "reports/muster/2026-11-30T06-00-00Z.json"
        # the scans ran in the worker process (only it has the log variable set)
        assert log.read_text().splitlines() == [site.url, site.url]
    finally:
        os.environ.pop("PRIVACYGAP_CELERY_BROKER", None)
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
