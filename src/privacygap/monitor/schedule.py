"""Schedules of monitoring targets: ``hourly``, ``daily``, ``weekly`` or a cron expression.

Schedules are evaluated in the target's time zone (an IANA name such as ``Europe/Berlin``;
UTC when none is given), so ``0 6 * * 1-5`` means 06:00 on workdays on the office clock,
summer and winter. The named ones are cron expressions too (``hourly`` = ``0 * * * *``,
``daily`` = ``0 0 * * *``, ``weekly`` = ``0 0 * * 1``), so a target is *due* when a
scheduled instant lies after its last successful run and at or before now. That makes
``monitor run`` robust to being started a few seconds early or late by the system's cron:
a daily target runs once per day, whenever the job runs.

Daylight-saving transitions: a wall-clock time that does not exist on the spring-forward
day (02:30 in Berlin) runs at the same offset as before the change (03:30 summer time); a time
that occurs twice on the fall-back day runs once, at its first occurrence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

NAMED = {
    "hourly": "0 * * * *",
    "daily": "0 0 * * *",
    "weekly": "0 0 * * 1",
}

_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
_DAYS = {d: i for i, d in enumerate(["sun", "mon", "tue", "wed", "thu", "fri", "sat"])}

# (name, low, high, names) for the five cron fields.
_FIELDS = (
    ("minute", 0, 59, {}),
    ("hour", 0, 23, {}),
    ("day of month", 1, 31, {}),
    ("month", 1, 12, _MONTHS),
    ("day of week", 0, 7, _DAYS),
)

# How far back/forward we look for a matching instant; beyond that a schedule such as
# "0 0 31 2 *" (never) is treated as never due.
_HORIZON_DAYS = 366 * 5


class ScheduleError(ValueError):
    """A schedule string that is not ``hourly|daily|weekly`` or a valid cron expression."""


def _value(token: str, low: int, high: int, names: dict[str, int], what: str) -> int:
    token = token.strip().lower()
    if token in names:
        return names[token]
    if not token.isdigit():
        raise ScheduleError(f"{what}: {token!r} is not a number")
    number = int(token)
    if not low <= number <= high:
        raise ScheduleError(f"{what}: {number} is outside {low}-{high}")
    return number


def _parse_field(text: str, low: int, high: int, names: dict[str, int], what: str) -> frozenset[int]:
    values: set[int] = set()
    for part in text.split(","):
        if not part:
            raise ScheduleError(f"{what}: empty list item in {text!r}")
        step = 1
        if "/" in part:
            part, step_text = part.split("/", 1)
            if not step_text.isdigit() or int(step_text) == 0:
                raise ScheduleError(f"{what}: step {step_text!r} must be a positive number")
            step = int(step_text)
        if part == "*":
            start, end = low, high
        elif "-" in part:
            a, b = part.split("-", 1)
            start, end = _value(a, low, high, names, what), _value(b, low, high, names, what)
            if start > end:
                raise ScheduleError(f"{what}: range {part!r} runs backwards")
        else:
            start = _value(part, low, high, names, what)
            # "5/15" means from 5 to the end in steps of 15, as in Vixie cron.
            end = high if step > 1 else start
        values.update(range(start, end + 1, step))
    return frozenset(values)


@dataclass(frozen=True)
class Schedule:
    """A parsed schedule: the original text and the five cron fields as sets of values."""

    text: str
    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int]
    months: frozenset[int]
    weekdays: frozenset[int]  # 0 = Sunday … 6 = Saturday (7 folded into 0)
    dom_restricted: bool
    dow_restricted: bool
    timezone: str = "UTC"  # IANA name the fields are read in

    @property
    def zone(self) -> tzinfo:
        """The time zone the cron fields are read in."""
        return timezone.utc if self.timezone == "UTC" else ZoneInfo(self.timezone)

    def _local(self, when: datetime) -> datetime:
        return _utc(when).astimezone(self.zone)

    def _day_matches(self, day: date) -> bool:
        if day.month not in self.months:
            return False
        dom_ok = day.day in self.days
        dow_ok = (day.isoweekday() % 7) in self.weekdays
        # Vixie cron: when both day fields are restricted, either may match.
        if self.dom_restricted and self.dow_restricted:
            return dom_ok or dow_ok
        return dom_ok and dow_ok

    def matches(self, when: datetime) -> bool:
        """True when ``when`` (to the minute, read in the schedule's time zone) is a scheduled instant."""
        when = self._local(when)
        return when.minute in self.minutes and when.hour in self.hours and self._day_matches(when)

    def _instant(self, day: datetime, hour: int, minute: int) -> datetime:
        # Wall-clock time of that day in the zone, as a UTC instant (fold=0: first occurrence).
        return datetime(day.year, day.month, day.day, hour, minute, tzinfo=self.zone).astimezone(timezone.utc)

    def previous(self, now: datetime) -> datetime | None:
        """The latest scheduled instant at or before ``now`` (UTC), or None within five years."""
        now = _utc(now).replace(second=0, microsecond=0)
        day = self._local(now).date()
        for _ in range(_HORIZON_DAYS):
            if self._day_matches(day):
                for hour in sorted(self.hours, reverse=True):
                    for minute in sorted(self.minutes, reverse=True):
                        candidate = self._instant(day, hour, minute)
                        if candidate <= now:
                            return candidate
            day -= timedelta(days=1)
        return None

    def next(self, after: datetime) -> datetime | None:
        """The first scheduled instant strictly after ``after`` (UTC), or None within five years."""
        after = _utc(after)
        day = self._local(after.replace(second=0, microsecond=0)).date()
        for _ in range(_HORIZON_DAYS):
            if self._day_matches(day):
                for hour in sorted(self.hours):
                    for minute in sorted(self.minutes):
                        candidate = self._instant(day, hour, minute)
                        if candidate > after:
                            return candidate
            day += timedelta(days=1)
        return None

    def is_due(self, last_run: datetime | None, now: datetime) -> bool:
        """Whether a target last run at ``last_run`` (None: never) should run at ``now``."""
        if last_run is None:
            return True
        scheduled = self.previous(now)
        return scheduled is not None and scheduled > _utc(last_run)


def _utc(when: datetime) -> datetime:
    return when.replace(tzinfo=timezone.utc) if when.tzinfo is None else when.astimezone(timezone.utc)


def check_timezone(name: str) -> str:
    """``name`` if it is a known IANA time zone (or UTC); raises :class:`ScheduleError` otherwise."""
    if not isinstance(name, str) or not name.strip():
        raise ScheduleError("a time zone must be an IANA name such as 'Europe/Berlin' or 'UTC'")
    name = name.strip()
    if name.upper() in ("UTC", "Z", "ETC/UTC"):
        return "UTC"
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ScheduleError(f"{name!r} is not a known time zone (write an IANA name such as 'Europe/Berlin')") from None
    return name


def parse_schedule(text: str, tz: str = "UTC") -> Schedule:
    """Parse ``hourly``, ``daily``, ``weekly`` or a five-field cron expression ``m h dom mon dow``.

    Supports ``*``, numbers, ranges ``a-b``, lists ``a,b``, steps ``*/n`` and ``a-b/n``, and
    three-letter month and weekday names; the fields are read in the IANA time zone ``tz``.
    Raises :class:`ScheduleError` with the reason.
    """
    zone = check_timezone(tz)
    if not isinstance(text, str) or not text.strip():
        raise ScheduleError("a schedule must be hourly, daily, weekly or a cron expression 'm h dom mon dow'")
    expression = NAMED.get(text.strip().lower(), text.strip())
    # Accept the spec's own spelling `cron "0 6 * * *"` as well as the bare expression.
    if expression.lower().startswith("cron "):
        expression = expression[5:].strip().strip('"\'')
    parts = expression.split()
    if len(parts) != 5:
        raise ScheduleError(f"{text!r} is not hourly, daily, weekly or a cron expression with five fields "
                            "'minute hour day-of-month month day-of-week'")
    sets = [_parse_field(part, low, high, names, what) for part, (what, low, high, names) in zip(parts, _FIELDS, strict=True)]
    weekdays = frozenset(d % 7 for d in sets[4])
    return Schedule(text=text.strip(), minutes=sets[0], hours=sets[1], days=sets[2], months=sets[3],
                    weekdays=weekdays, dom_restricted=not parts[2].startswith("*"),
                    dow_restricted=not parts[4].startswith("*"), timezone=zone)
