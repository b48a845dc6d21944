"""The monitor's history: runs, per-target results and what they held, in SQL.

SQLite (a file, the default) or PostgreSQL (a URL), through SQLAlchemy Core. One row
per monitor run, one per (run, target) result, plus child rows for the findings (by
fingerprint), cookies and CRM fields of each result so history can be queried without
parsing JSON.

Privacy: what is stored is the run JSON (field *metadata*, redacted note snippets), the
public statement text and the banner screenshot; never a CRM record's values.

Safety:

* every result is written in one transaction together with its child rows, so a run
  killed mid-write leaves either the whole result or nothing;
* ``UNIQUE(run_id, target)`` makes saving idempotent: a resumed run never duplicates;
* a lock row with owner, pid, host and a heartbeat refuses a second concurrent
  ``monitor run`` on the same store; a lock whose holder died (same host, pid gone) or
  whose heartbeat is stale is taken over.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    delete,
    event,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, OperationalError, SQLAlchemyError

from privacygap.errors import UsageError

SCHEMA_VERSION = 1
DEFAULT_DB_NAME = "privacygap-monitor.sqlite"

metadata = MetaData()

meta_table = Table(
    "pg_monitor_meta", metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

lock_table = Table(
    "pg_monitor_lock", metadata,
    Column("name", String(64), primary_key=True),
    Column("owner", String(64), nullable=False),
    Column("pid", Integer, nullable=False),
    Column("host", String(255), nullable=False),
    Column("acquired_at", Float, nullable=False),
    Column("heartbeat_at", Float, nullable=False),
)

runs_table = Table(
    "pg_monitor_runs", metadata,
    Column("run_id", String(40), primary_key=True),
    Column("targets_file", Text, nullable=False),
    Column("started_at", String(32), nullable=False),
    Column("finished_at", String(32)),
    Column("status", String(16), nullable=False),  # running | finished
    Column("executor", String(16), nullable=False, default="local"),
    Column("pid", Integer),
    Column("host", String(255)),
)

results_table = Table(
    "pg_monitor_results", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", String(40), ForeignKey("pg_monitor_runs.run_id", ondelete="CASCADE"), nullable=False),
    Column("target", String(200), nullable=False),
    Column("status", String(16), nullable=False),  # ok | error | skipped
    Column("error", Text),
    Column("started_at", String(32)),
    Column("finished_at", String(32)),
    Column("exit_code", Integer),
    Column("fail_on", String(16)),
    Column("report_path", Text),
    Column("html_path", Text),
    Column("run_json", Text),
    Column("changes_json", Text),
    Column("counts_json", Text),
    Column("statement_sha256", String(64)),
    Column("statement_text", Text),
    Column("screenshot", LargeBinary),
    UniqueConstraint("run_id", "target", name="uq_pg_monitor_results_run_target"),
)

findings_table = Table(
    "pg_monitor_findings", metadata,
    Column("result_id", Integer, ForeignKey("pg_monitor_results.id", ondelete="CASCADE"), primary_key=True),
    Column("fingerprint", String(128), primary_key=True),
    Column("check_id", String(32), nullable=False),
    Column("category", String(128)),
    Column("severity", String(16), nullable=False),
    Column("message", Text),
)

cookies_table = Table(
    "pg_monitor_cookies", metadata,
    Column("result_id", Integer, ForeignKey("pg_monitor_results.id", ondelete="CASCADE"), primary_key=True),
    Column("phase", String(32), primary_key=True),
    Column("name", String(255), primary_key=True),
    Column("domain", String(255), primary_key=True),
    Column("vendor", String(128)),
    Column("third_party", Boolean),
)

fields_table = Table(
    "pg_monitor_fields", metadata,
    Column("result_id", Integer, ForeignKey("pg_monitor_results.id", ondelete="CASCADE"), primary_key=True),
    Column("object", String(255), primary_key=True),
    Column("name", String(255), primary_key=True),
    Column("category", String(128)),
)

alerts_table = Table(
    "pg_monitor_alerts", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("result_id", Integer, ForeignKey("pg_monitor_results.id", ondelete="CASCADE"), nullable=False),
    Column("channel", String(16), nullable=False),  # webhook | email
    Column("destination", Text, nullable=False),
    Column("ok", Boolean, nullable=False),
    Column("error", Text),
    Column("sent_at", String(32), nullable=False),
)


class MonitorLockedError(UsageError):
    """Another ``monitor run`` holds the store (exit code 2: try again later)."""


def mask_url(db: str) -> str:
    """A database URL with its password replaced by ``***`` (paths come back unchanged)."""
    if "://" not in db:
        return db
    try:
        return make_url(db).render_as_string(hide_password=True)
    except ArgumentError:
        # Not parseable as a URL: cut anything between "//" and "@" rather than echo a secret.
        head, _, rest = db.partition("://")
        return f"{head}://***@{rest.split('@', 1)[1]}" if "@" in rest else db


def database_url(db: str | os.PathLike[str] | None, *, default_dir: str | Path | None = None) -> str:
    """Turn ``--db`` (a file path or a URL) into an SQLAlchemy URL.

    None means ``$PRIVACYGAP_MONITOR_DB`` or ``privacygap-monitor.sqlite`` in ``default_dir``
    (the targets file's folder) or the current folder.
    """
    if db is None:
        db = os.environ.get("PRIVACYGAP_MONITOR_DB") or str(Path(default_dir or ".") / DEFAULT_DB_NAME)
    text = str(db)
    if "://" in text:
        # "postgresql://" would pick psycopg2, which the monitor extra does not install.
        if text.startswith(("postgresql://", "postgres://")):
            text = "postgresql+psycopg://" + text.split("://", 1)[1]
        return text
    return f"sqlite:///{Path(text).expanduser().absolute()}"


def _now_iso() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@dataclass
class ResultRecord:
    """Everything stored for one (run, target): the row and its child rows."""

    run_id: str
    target: str
    status: str
    error: str | None = None
    started_at: str | None = None
    finished_at: str | None = None
    exit_code: int | None = None
    fail_on: str | None = None
    report_path: str | None = None
    html_path: str | None = None
    run_json: dict[str, Any] | None = None
    changes: dict[str, Any] | None = None
    counts: dict[str, int] | None = None
    statement_sha256: str | None = None
    statement_text: str | None = None
    screenshot: bytes | None = None
    findings: list[dict[str, Any]] = field(default_factory=list)
    cookies: list[dict[str, Any]] = field(default_factory=list)
    fields: list[dict[str, Any]] = field(default_factory=list)
    id: int | None = None


class StoreLock:
    """A held store lock; keeps its heartbeat fresh from a daemon thread until released."""

    def __init__(self, store: Store, owner: str, heartbeat: float) -> None:
        self.store, self.owner = store, owner
        self.lost = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, args=(heartbeat,), daemon=True,
                                        name="privacygap-monitor-lock")
        self._thread.start()

    def _beat(self, every: float) -> None:
        while not self._stop.wait(every):
            try:
                with self.store._write() as conn:
                    done = conn.execute(update(lock_table).where(lock_table.c.owner == self.owner)
                                        .values(heartbeat_at=time.time())).rowcount
                if done == 0:
                    # Someone judged us dead and took over; stop claiming the lock.
                    self.lost = True
                    return
            except OperationalError:
                continue  # a busy database is retried at the next beat

    def release(self) -> None:
        """Stop the heartbeat and delete the lock row (only if we still own it)."""
        self._stop.set()
        self._thread.join(timeout=5)
        with self.store._write() as conn:
            conn.execute(delete(lock_table).where(lock_table.c.owner == self.owner))

    def __enter__(self) -> StoreLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


class Store:
    """The monitor store; open with :meth:`open`, close with :meth:`close`."""

    def __init__(self, engine: Engine, url: str) -> None:
        self.engine = engine
        self.url = url
        self.is_sqlite = engine.dialect.name == "sqlite"
        # SQLite allows one writer at a time; serialising our own threads avoids busy waits.
        self._write_lock = threading.Lock()

    # ------------------------------------------------------------------ opening

    @classmethod
    def open(cls, db: str | os.PathLike[str] | None = None, *, default_dir: str | Path | None = None,
             must_exist: bool = False) -> Store:
        """Open (and create or upgrade) the store at a file path or database URL.

        ``must_exist`` refuses to create a new SQLite file (for history and report, where
        a mistyped path should be an error, not an empty store).

        Raises:
            UsageError: the database cannot be reached or is not a privacygap store; the
                message shows the URL with its password masked.
        """
        url = database_url(db, default_dir=default_dir)
        try:
            if url.startswith("sqlite"):
                path = url.split("sqlite:///", 1)[-1]
                if path and path != ":memory:":
                    if must_exist and not Path(path).exists():
                        raise UsageError(f"no monitor store at {path}",
                                         hint="run `privacygap monitor run TARGETS` first or pass --db")
                    Path(path).parent.mkdir(parents=True, exist_ok=True)
                engine = create_engine(url, connect_args={"timeout": 60, "check_same_thread": False})
                _sqlite_pragmas(engine)
            else:
                engine = create_engine(url, pool_pre_ping=True)
            store = cls(engine, url)
            store._create()
        except (SQLAlchemyError, ImportError, OSError) as exc:
            reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
            # The reason from the driver may repeat the URL; never echo a password.
            reason = reason.replace(url, mask_url(url))
            raise UsageError(f"cannot open the monitor store {mask_url(url)}: {reason}") from None
        return store

    def _create(self) -> None:
        with self._write() as conn:
            if conn.dialect.name == "postgresql":
                # Several Celery workers may open a fresh store at once; CREATE TABLE is not
                # race-free in PostgreSQL, so creation is serialised for this transaction.
                conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7236512389)")
            metadata.create_all(conn)
            version = conn.execute(select(meta_table.c.value).where(meta_table.c.key == "schema_version")).scalar()
            if version is None:
                conn.execute(insert(meta_table).values(key="schema_version", value=str(SCHEMA_VERSION)))
            elif int(version) > SCHEMA_VERSION:
                raise UsageError(f"the monitor store {mask_url(self.url)} was written by a newer privacygap "
                                 f"(schema {version}, this version knows {SCHEMA_VERSION})")

    def close(self) -> None:
        """Release the connection pool."""
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def display_url(self) -> str:
        """The store's URL with the password masked, for messages."""
        return mask_url(self.url)

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with self._write_lock:
            with self.engine.connect().execution_options(pg_write=True) as conn:
                with conn.begin():
                    yield conn

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            yield conn

    # ------------------------------------------------------------------ lock

    def acquire_lock(self, *, timeout: float = 0.0, stale_after: float = 120.0,
                     heartbeat: float = 10.0, name: str = "monitor") -> StoreLock:
        """Take the store's run lock or raise :class:`MonitorLockedError`.

        Args:
            timeout: seconds to wait for a running holder to finish (0: refuse at once).
            stale_after: a lock whose heartbeat is older than this is taken over.
            heartbeat: how often the holder refreshes its heartbeat.
        """
        owner = uuid.uuid4().hex
        host, pid = socket.gethostname(), os.getpid()
        deadline = time.monotonic() + timeout
        while True:
            now = time.time()
            try:
                with self._write() as conn:
                    row = conn.execute(select(lock_table).where(lock_table.c.name == name)).mappings().first()
                    if row is None:
                        conn.execute(insert(lock_table).values(name=name, owner=owner, pid=pid, host=host,
                                                               acquired_at=now, heartbeat_at=now))
                        return StoreLock(self, owner, heartbeat)
                    dead = row["host"] == host and not _pid_alive(row["pid"])
                    stale = now - row["heartbeat_at"] > stale_after
                    if dead or stale:
                        # Compare-and-swap on the old owner: of two processes taking over
                        # the same dead lock, only one updates a row.
                        taken = conn.execute(
                            update(lock_table).where(lock_table.c.name == name, lock_table.c.owner == row["owner"])
                            .values(owner=owner, pid=pid, host=host, acquired_at=now, heartbeat_at=now)).rowcount
                        if taken == 1:
                            return StoreLock(self, owner, heartbeat)
                    holder = row
            except IntegrityError:
                holder = None  # another process inserted the row first; look again
            if time.monotonic() >= deadline:
                detail = ""
                if holder is not None:
                    since = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(holder["acquired_at"]))
                    detail = f" (pid {holder['pid']} on {holder['host']} since {since})"
                raise MonitorLockedError(
                    f"another monitor run is using the store {self.display_url}{detail}",
                    hint="wait for it to finish, or pass a lock timeout to wait")
            time.sleep(min(0.5, max(0.05, deadline - time.monotonic())))

    # ------------------------------------------------------------------ runs

    def create_run(self, run_id: str, *, targets_file: str, started_at: str, executor: str = "local") -> None:
        """Insert a run row in state ``running``."""
        with self._write() as conn:
            conn.execute(insert(runs_table).values(run_id=run_id, targets_file=targets_file, started_at=started_at,
                                                   status="running", executor=executor, pid=os.getpid(),
                                                   host=socket.gethostname()))

    def run_exists(self, run_id: str) -> bool:
        """True when a run with this id is stored."""
        with self._read() as conn:
            return conn.execute(select(runs_table.c.run_id).where(runs_table.c.run_id == run_id)).first() is not None

    def unfinished_run(self, targets_file: str) -> dict[str, Any] | None:
        """The latest run of this targets file that never finished (to resume), or None.

        Only call this while holding the lock: then no live process owns such a run.
        """
        with self._read() as conn:
            row = conn.execute(select(runs_table).where(runs_table.c.targets_file == targets_file,
                                                        runs_table.c.status == "running")
                               .order_by(runs_table.c.started_at.desc())).mappings().first()
            return dict(row) if row else None

    def finish_run(self, run_id: str, *, finished_at: str | None = None) -> None:
        """Mark a run finished."""
        with self._write() as conn:
            conn.execute(update(runs_table).where(runs_table.c.run_id == run_id)
                         .values(status="finished", finished_at=finished_at or _now_iso()))

    def runs(self, limit: int | None = None) -> list[dict[str, Any]]:
        """Runs, newest first."""
        with self._read() as conn:
            query = select(runs_table).order_by(runs_table.c.started_at.desc())
            if limit:
                query = query.limit(limit)
            return [dict(r) for r in conn.execute(query).mappings()]

    # ------------------------------------------------------------------ results

    def save_result(self, record: ResultRecord) -> bool:
        """Store one (run, target) result with its child rows in one transaction.

        Returns False (and changes nothing) when the pair is already stored, so a
        resumed run or a redelivered Celery task never duplicates.
        """
        values = {
            "run_id": record.run_id, "target": record.target, "status": record.status, "error": record.error,
            "started_at": record.started_at, "finished_at": record.finished_at, "exit_code": record.exit_code,
            "fail_on": record.fail_on, "report_path": record.report_path, "html_path": record.html_path,
            "run_json": json.dumps(record.run_json, ensure_ascii=False) if record.run_json is not None else None,
            "changes_json": json.dumps(record.changes, ensure_ascii=False) if record.changes is not None else None,
            "counts_json": json.dumps(record.counts) if record.counts is not None else None,
            "statement_sha256": record.statement_sha256, "statement_text": record.statement_text,
            "screenshot": record.screenshot,
        }
        try:
            with self._write() as conn:
                exists = conn.execute(select(results_table.c.id).where(
                    results_table.c.run_id == record.run_id, results_table.c.target == record.target)).first()
                if exists is not None:
                    record.id = exists[0]
                    return False
                result_id = conn.execute(insert(results_table).values(**values)).inserted_primary_key[0]
                record.id = result_id
                rows = _unique(record.findings, ("fingerprint",))
                if rows:
                    conn.execute(insert(findings_table), [{"result_id": result_id, **r} for r in rows])
                rows = _unique(record.cookies, ("phase", "name", "domain"))
                if rows:
                    conn.execute(insert(cookies_table), [{"result_id": result_id, **r} for r in rows])
                rows = _unique(record.fields, ("object", "name"))
                if rows:
                    conn.execute(insert(fields_table), [{"result_id": result_id, **r} for r in rows])
        except IntegrityError:
            # A concurrent writer (another Celery worker) stored the same pair first.
            return False
        return True

    def result(self, run_id: str, target: str) -> dict[str, Any] | None:
        """One stored result (with decoded JSON), or None."""
        with self._read() as conn:
            row = conn.execute(select(results_table).where(results_table.c.run_id == run_id,
                                                           results_table.c.target == target)).mappings().first()
            return _decode(row) if row else None

    def results_of_run(self, run_id: str) -> list[dict[str, Any]]:
        """All results of a run, in the order they were stored."""
        with self._read() as conn:
            rows = conn.execute(select(results_table).where(results_table.c.run_id == run_id)
                                .order_by(results_table.c.id)).mappings()
            return [_decode(r) for r in rows]

    def previous_ok(self, target: str, *, before_run: str) -> dict[str, Any] | None:
        """The target's latest successful result from a run earlier than ``before_run``."""
        with self._read() as conn:
            row = conn.execute(
                select(results_table).where(results_table.c.target == target, results_table.c.status == "ok",
                                            results_table.c.run_id < before_run)
                .order_by(results_table.c.run_id.desc()).limit(1)).mappings().first()
            return _decode(row) if row else None

    def last_success(self, target: str) -> str | None:
        """The start time of the latest monitor run in which the target succeeded, or None.

        The run's time, not the scan's: schedules are judged against the time a run was
        started for (``now``), which a resumed run keeps.
        """
        with self._read() as conn:
            return conn.execute(
                select(func.max(runs_table.c.started_at))
                .select_from(results_table.join(runs_table, results_table.c.run_id == runs_table.c.run_id))
                .where(results_table.c.target == target, results_table.c.status == "ok")).scalar()

    def history(self, target: str | None = None, *, limit: int | None = None,
                include_skipped: bool = False) -> list[dict[str, Any]]:
        """Results newest first (without the large columns), optionally of one target."""
        columns = [c for c in results_table.c if c.name not in ("run_json", "statement_text", "screenshot")]
        query = select(*columns).order_by(results_table.c.run_id.desc(), results_table.c.target)
        if target is not None:
            query = query.where(results_table.c.target == target)
        if not include_skipped:
            query = query.where(results_table.c.status != "skipped")
        if limit:
            query = query.limit(limit)
        with self._read() as conn:
            return [_decode(r) for r in conn.execute(query).mappings()]

    def targets(self) -> list[str]:
        """Every target name that has a stored result, sorted."""
        with self._read() as conn:
            return sorted(r[0] for r in conn.execute(select(results_table.c.target).distinct()))

    def findings_of(self, result_id: int) -> list[dict[str, Any]]:
        """The stored findings of a result."""
        with self._read() as conn:
            return [dict(r) for r in conn.execute(select(findings_table).where(
                findings_table.c.result_id == result_id).order_by(findings_table.c.fingerprint)).mappings()]

    def cookies_of(self, result_id: int) -> list[dict[str, Any]]:
        """The stored cookies of a result."""
        with self._read() as conn:
            return [dict(r) for r in conn.execute(select(cookies_table).where(
                cookies_table.c.result_id == result_id)).mappings()]

    def fields_of(self, result_id: int) -> list[dict[str, Any]]:
        """The stored CRM fields (metadata) of a result."""
        with self._read() as conn:
            return [dict(r) for r in conn.execute(select(fields_table).where(
                fields_table.c.result_id == result_id)).mappings()]

    def screenshot(self, result_id: int) -> bytes | None:
        """The banner screenshot bytes of a result, if any."""
        with self._read() as conn:
            return conn.execute(select(results_table.c.screenshot).where(results_table.c.id == result_id)).scalar()

    def record_alert(self, result_id: int, *, channel: str, destination: str, ok: bool,
                     error: str | None = None) -> None:
        """Record an alert attempt (destination already masked by the caller)."""
        with self._write() as conn:
            conn.execute(insert(alerts_table).values(result_id=result_id, channel=channel, destination=destination,
                                                     ok=ok, error=error, sent_at=_now_iso()))

    def alerts_of(self, result_id: int) -> list[dict[str, Any]]:
        """Alert attempts recorded for a result."""
        with self._read() as conn:
            return [dict(r) for r in conn.execute(select(alerts_table).where(
                alerts_table.c.result_id == result_id).order_by(alerts_table.c.id)).mappings()]

    def counts(self) -> dict[str, int]:
        """Row counts per table (for checks and the benchmark)."""
        with self._read() as conn:
            return {t.name: conn.execute(select(func.count()).select_from(t)).scalar() or 0
                    for t in (runs_table, results_table, findings_table, cookies_table, fields_table, alerts_table)}


def _unique(rows: list[dict[str, Any]], keys: tuple[str, ...]) -> list[dict[str, Any]]:
    seen: set[tuple[Any, ...]] = set()
    out = []
    for row in rows:
        key = tuple(row.get(k) for k in keys)
        if key not in seen:
            seen.add(key)
            out.append(row)
    return out


def _decode(row: Any) -> dict[str, Any]:
    data = dict(row)
    for column, key in (("run_json", "run"), ("changes_json", "changes"), ("counts_json", "counts")):
        if column in data:
            raw = data.pop(column)
            data[key] = json.loads(raw) if raw else None
    return data


def _sqlite_pragmas(engine: Engine) -> None:
    """WAL, foreign keys, and BEGIN IMMEDIATE for writes.

    pysqlite starts transactions lazily and as DEFERRED, so a read-then-write transaction
    can fail with "database is locked" when another process wrote in between; taking the
    write lock at BEGIN makes a second process wait (busy timeout) instead.
    """

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves below
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=60000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("pg_write") else "BEGIN")
