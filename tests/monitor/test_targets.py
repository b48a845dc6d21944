"""targets.toml parsing and validation (cli-and-json.md), and the schedule matcher."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from privacygap.errors import UsageError
from privacygap.monitor.schedule import ScheduleError, parse_schedule
from privacygap.monitor.targets import load_targets, parse_targets

SPEC_EXAMPLE = """
[defaults]
lang = "de"
fail_on = "high"

[[target]]
name = "muster"
url = "https://www.muster-agentur.de/"
policy_url = "https://www.muster-agentur.de/datenschutz"
crm = ["exports/hubspot-contacts.json", "exports/hubspot-calls.json"]
notes = "exports/notes.csv"
guideline = "crm-guideline.toml"
browser = true
schedule = "daily"
alerts = { webhook = "https://hooks.example/privacy", email = "dsb@muster-agentur.de", min_severity = "high" }
"""


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


def test_spec_example_parses_with_paths_relative_to_the_file(tmp_path: Path):
    path = tmp_path / "cfg" / "targets.toml"
    path.parent.mkdir()
    path.write_text(SPEC_EXAMPLE, encoding="utf-8")
    parsed = load_targets(path)
    (target,) = parsed.targets
    assert target.name == "muster" and target.url == "https://www.muster-agentur.de/"
    assert target.policy_url == "https://www.muster-agentur.de/datenschutz"
    assert target.crm == (str(tmp_path / "cfg" / "exports" / "hubspot-contacts.json"),
                          str(tmp_path / "cfg" / "exports" / "hubspot-calls.json"))
    assert target.notes == str(tmp_path / "cfg" / "exports" / "notes.csv")
    assert target.guideline == str(tmp_path / "cfg" / "crm-guideline.toml")
    assert target.browser is True and target.lang == "de" and target.fail_on == "high"
    assert target.schedule.text == "daily" and target.allow_private is False
    assert target.alerts.webhook == "https://hooks.example/privacy"
    assert target.alerts.email == ("dsb@muster-agentur.de",) and target.alerts.min_severity == "high"
    assert target.missing_files() == [f"crm: file not found: {tmp_path}/cfg/exports/hubspot-contacts.json",
                                      f"crm: file not found: {tmp_path}/cfg/exports/hubspot-calls.json",
                                      f"notes: file not found: {tmp_path}/cfg/exports/notes.csv",
                                      f"guideline: file not found: {tmp_path}/cfg/crm-guideline.toml"]


def test_database_url_crm_is_kept_and_defaults_apply(tmp_path: Path):
    parsed = parse_targets("""
[defaults]
allow_private = true
browser = false
schedule = "weekly"
fail_on = "critical"
[[target]]
name = "db"
url = "http://127.0.0.1:8000/"
crm = "postgresql://crm:pw@127.0.0.1/crm"
[[target]]
name = "other"
url = "http://127.0.0.1:8001/"
browser = true
fail_on = "medium"
""", tmp_path / "t.toml")
    first, second = parsed.targets
    assert first.crm == ("postgresql://crm:pw@127.0.0.1/crm",) and first.missing_files() == []
    assert (first.allow_private, first.browser, first.fail_on, first.schedule.text) == (True, False, "critical", "weekly")
    assert (second.browser, second.fail_on) == (True, "medium")


def test_target_records_path_is_resolved_checked_and_passed_to_the_scan(tmp_path: Path):
    from privacygap.monitor.runner import build_request

    (tmp_path / "cfg").mkdir()
    parsed = parse_targets("""
[defaults]
records = "dsb/records.toml"
[[target]]
name = "a"
url = "http://127.0.0.1:8000/"
[[target]]
name = "b"
url = "http://127.0.0.1:8001/"
records = "/srv/dsb/b.yaml"
[[target]]
name = "c"
url = "http://127.0.0.1:8002/"
records = "../shared/records.yml"
""", tmp_path / "cfg" / "targets.toml")
    a, b, c = parsed.targets
    assert a.records == str(tmp_path / "cfg" / "dsb" / "records.toml")  # from [defaults], relative to the file
    assert b.records == "/srv/dsb/b.yaml"
    assert c.records == str(tmp_path / "cfg" / ".." / "shared" / "records.yml")
    assert a.missing_files() == [f"records: file not found: {tmp_path}/cfg/dsb/records.toml"]
    assert build_request(a).records == a.records


@pytest.mark.parametrize(("body", "message"), [
    ('[[target]]\nname = "a"\nurl = "http://x/"\nrecords = 3',
     "t.toml: target 'a': records: must be a non-empty string, not 3"),
    ('[[target]]\nname = "a"\nurl = "http://x/"\nschedule = "fortnightly"',
     "t.toml: target 'a': schedule: 'fortnightly' is not hourly, daily, weekly or a cron expression"),
    ('[[target]]\nname = "a"\nurl = "http://x/"\nschedule = "61 * * * *"',
     "t.toml: target 'a': schedule: minute: 61 is outside 0-59"),
    ('[[target]]\nname = "a"\nurl = "http://x/"\ntimezone = "Europe/Düsseldorf"',
     "t.toml: target 'a': timezone: 'Europe/Düsseldorf' is not a known time zone (write an IANA name such as"),
    ('[[target]]\nname = "a"\nurl = "http://x/"\n[[target]]\nname = "a"\nurl = "http://y/"',
     "t.toml: target 'a': name: is used by more than one target (names must be unique)"),
    ('[[target]]\nurl = "http://x/"', "t.toml: [[target]] #1: name: missing"),
    ('[[target]]\nname = "a"\nurl = "ftp://x/"', "t.toml: target 'a': url: 'ftp://x/' is not an http(s) URL"),
    ('[[target]]\nname = "a"\nurl = "http://x/"\nbrowser = "yes"', "t.toml: target 'a': browser: must be true or false"),
    ('[[target]]\nname = "a"\nurl = "http://x/"\nfail_on = "severe"',
     "t.toml: target 'a': fail_on: 'severe' is not one of low, medium, high, critical, never"),
    ('[[target]]\nname = "a"\nurl = "http://x/"\nalerts = { min_severity = "urgent" }',
     "t.toml: target 'a': alerts.min_severity: 'urgent' is not one of low, medium, high, critical"),
    ('[[target]]\nname = "a"\nurl = "http://x/"\nalerts = { email = "not-an-address" }',
     "t.toml: target 'a': alerts.email: 'not-an-address' is not an e-mail address"),
    ('[[target]]\nname = "a"\nurl = "http://x/"\nalerts = { sms = "123" }', "t.toml: target 'a': alerts.sms: unknown key"),
    ('[[target]]\nname = "a"\nurl = "http://x/"\nschedul = "daily"', "t.toml: target 'a': schedul: unknown key"),
    ('[defaults]\nname = "x"\n[[target]]\nname = "a"\nurl = "http://x/"', "t.toml: [defaults]: name: unknown key"),
    ('[[target]]\nname = "../etc"\nurl = "http://x/"', "t.toml: target '../etc': name: '../etc' may only contain"),
    ('[[target]]\nname = "a"', "t.toml: target 'a': url: missing: give url, policy or crm"),
    ('[[target]]\nname = "a"\nurl = "http://x/"\nlang = "fr"', "t.toml: target 'a': lang: 'fr' is not one of de, en"),
    ('[defaults]\nlang = "de"', "t.toml: target: no [[target]] tables"),
    ('[[target]\nname = "a"', "t.toml: not valid TOML"),
    ('[smtp]\nport = 0\n[[target]]\nname = "a"\nurl = "http://x/"', "t.toml: [smtp]: port: must be a port number"),
])
def test_errors_name_file_target_and_key(tmp_path: Path, body: str, message: str):
    with pytest.raises(UsageError) as info:
        parse_targets(body, tmp_path / "t.toml")
    assert str(info.value).startswith(f"{tmp_path}/{message}")


def test_unreadable_targets_file(tmp_path: Path):
    with pytest.raises(UsageError, match="cannot read the targets file"):
        load_targets(tmp_path / "absent.toml")


def test_get_unknown_target_lists_names(tmp_path: Path):
    parsed = parse_targets('[[target]]\nname = "a"\nurl = "http://x/"', tmp_path / "t.toml")
    with pytest.raises(UsageError, match=r"no target named 'b' \(targets: a\)"):
        parsed.get("b")


def test_named_schedules_due_once_per_period():
    daily = parse_schedule("daily")
    assert daily.is_due(None, utc(2026, 11, 29, 6, 0))
    assert not daily.is_due(utc(2026, 11, 29, 6, 0), utc(2026, 11, 29, 23, 59))
    assert daily.is_due(utc(2026, 11, 29, 6, 0), utc(2026, 11, 30, 0, 0))
    # a system cron that fires a few seconds early the next day still runs the target
    assert daily.is_due(utc(2026, 11, 29, 6, 0, 5), utc(2026, 11, 30, 6, 0, 1))
    hourly = parse_schedule("hourly")
    assert not hourly.is_due(utc(2026, 11, 29, 6, 1), utc(2026, 11, 29, 6, 59))
    assert hourly.is_due(utc(2026, 11, 29, 6, 1), utc(2026, 11, 29, 7, 0))
    weekly = parse_schedule("weekly")  # Mondays 00:00 UTC; 2026-11-30 is a Monday
    assert not weekly.is_due(utc(2026, 11, 24, 1, 0), utc(2026, 11, 29, 23, 0))
    assert weekly.is_due(utc(2026, 11, 24, 1, 0), utc(2026, 11, 30, 0, 0))


def test_cron_matcher_fields_ranges_steps_names_and_day_or_rule():
    s = parse_schedule('cron "0 6 * * *"')
    assert s.previous(utc(2026, 11, 29, 5, 59)) == utc(2026, 11, 28, 6, 0)
    assert s.next(utc(2026, 11, 29, 6, 0)) == utc(2026, 11, 30, 6, 0)
    work = parse_schedule("*/15 9-17 * * mon-fri")
    assert work.next(utc(2026, 11, 28, 12, 0)) == utc(2026, 11, 30, 9, 0)  # Saturday → Monday
    assert work.matches(utc(2026, 12, 1, 17, 45)) and not work.matches(utc(2026, 12, 1, 17, 50))
    # both day fields restricted: either matches (Vixie cron)
    either = parse_schedule("0 0 1 * sun")
    assert either.matches(utc(2026, 12, 1, 0, 0)) and either.matches(utc(2026, 11, 29, 0, 0))
    assert not either.matches(utc(2026, 11, 30, 0, 0))
    assert parse_schedule("0 0 * * 7").matches(utc(2026, 11, 29, 0, 0))  # 7 is Sunday too
    assert parse_schedule("30 2 1-7/3 jan,jul *").next(utc(2026, 11, 29)) == utc(2027, 1, 1, 2, 30)
    assert parse_schedule("0 0 31 2 *").previous(utc(2026, 11, 29)) is None  # never
    for bad in ("* * * *", "a * * * *", "*/0 * * * *", "5-1 * * * *", "0 24 * * *", ""):
        with pytest.raises(ScheduleError):
            parse_schedule(bad)


def test_schedule_in_the_targets_time_zone_follows_the_office_clock_summer_and_winter(tmp_path):
    path = tmp_path / "t.toml"
    path.write_text('[defaults]\ntimezone = "Europe/Berlin"\n[[target]]\nname = "a"\nurl = "http://x/"\n'
                    'schedule = "0 6 * * 1-5"\n[[target]]\nname = "b"\nurl = "http://y/"\ntimezone = "UTC"\n'
                    'schedule = "0 6 * * 1-5"\n', encoding="utf-8")
    berlin, utc_target = load_targets(path).targets
    assert (berlin.schedule.timezone, utc_target.schedule.timezone) == ("Europe/Berlin", "UTC")
    # Winter (CET, UTC+1): 06:00 in Berlin is 05:00 UTC; Monday 30 November 2026.
    assert berlin.schedule.next(utc(2026, 11, 29, 12, 0)) == utc(2026, 11, 30, 5, 0)
    assert utc_target.schedule.next(utc(2026, 11, 29, 12, 0)) == utc(2026, 11, 30, 6, 0)
    # Summer (CEST, UTC+2): Monday 1 June 2026, 06:00 in Berlin is 04:00 UTC.
    assert berlin.schedule.next(utc(2026, 5, 31, 12, 0)) == utc(2026, 6, 1, 4, 0)
    assert berlin.schedule.is_due(utc(2026, 5, 29, 4, 0), utc(2026, 6, 1, 4, 0))
    assert not berlin.schedule.is_due(utc(2026, 5, 29, 4, 0), utc(2026, 6, 1, 3, 59))
    # The weekday is Berlin's: Monday 00:30 in Berlin is still Sunday 23:30 UTC.
    midnight = parse_schedule("30 0 * * 1", "Europe/Berlin")
    assert midnight.next(utc(2026, 11, 29, 12, 0)) == utc(2026, 11, 29, 23, 30)
    assert midnight.matches(utc(2026, 11, 29, 23, 30)) and not midnight.matches(utc(2026, 11, 30, 0, 30))


def test_schedule_across_daylight_saving_changes_runs_once():
    # 29 March 2026: clocks jump from 02:00 to 03:00 in Berlin; 02:30 does not exist that day.
    gap = parse_schedule("30 2 * * *", "Europe/Berlin")
    assert gap.next(utc(2026, 3, 28, 12, 0)) == utc(2026, 3, 29, 1, 30)  # = 03:30 CEST, at the old offset
    assert gap.next(utc(2026, 3, 29, 1, 30)) == utc(2026, 3, 30, 0, 30)  # next day 02:30 CEST
    # 25 October 2026: 02:30 happens twice; the schedule runs at the first one only.
    fold = parse_schedule("30 2 * * *", "Europe/Berlin")
    assert fold.next(utc(2026, 10, 24, 12, 0)) == utc(2026, 10, 25, 0, 30)  # 02:30 CEST
    assert fold.next(utc(2026, 10, 25, 0, 30)) == utc(2026, 10, 26, 1, 30)  # not 01:30 UTC (02:30 CET) that day
