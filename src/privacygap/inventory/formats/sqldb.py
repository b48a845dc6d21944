"""A live SQL database read by SQLAlchemy reflection: table and column names, types, comments.

Accepts a URL (``sqlite:///crm.db``, ``postgresql://user@host/db``, ``mysql+pymysql://…``) or a
SQLite file. Only the schema is read — no ``SELECT`` on any table. Passwords never appear
in messages or in the inventory's source path.
"""

from __future__ import annotations

import re
from pathlib import Path

from privacygap.errors import InputFileError
from privacygap.models import CrmField

URL_PATTERN = re.compile(r"^[a-z][a-z0-9+.-]*://", re.I)
SQLITE_MAGIC = "SQLite format 3"
MAX_TABLES = 5000


def is_url(value: str) -> bool:
    """True for a database URL (``scheme://…``)."""
    return bool(URL_PATTERN.match(value))


def safe_url(value: str) -> str:
    """The URL with any password masked (``postgresql://crm:***@db/crm``)."""
    try:
        from sqlalchemy.engine import make_url

        return make_url(value).render_as_string(hide_password=True)
    except Exception:  # an unparsable URL: mask what looks like user:password@
        return re.sub(r"(//[^:/@]+:)[^@]*@", r"\1***@", value)


def detect(path: Path, head: str) -> bool:
    """A SQLite database file (its magic header)."""
    return head.startswith(SQLITE_MAGIC)


def read_url(url: str) -> list[CrmField]:
    """Reflect every table of the database's default schema."""
    shown = safe_url(url)
    try:
        from sqlalchemy import create_engine, inspect
        from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError
    except ImportError:  # pragma: no cover - sqlalchemy is a dependency
        raise InputFileError(shown, "reading a database needs SQLAlchemy") from None
    try:
        engine = create_engine(url)
    except (ArgumentError, NoSuchModuleError, ValueError) as exc:
        raise InputFileError(shown, f"unsupported database URL: {type(exc).__name__}") from None
    except ImportError as exc:  # the dialect exists but its driver (MySQLdb, psycopg2 …) is not installed
        raise InputFileError(shown, f"the database driver is not installed: {exc.name or exc}") from None
    if url.startswith("sqlite:///") and len(url) > len("sqlite:///"):
        target = Path(url[len("sqlite:///"):])
        if not target.exists():
            raise InputFileError(shown, "SQLite database file does not exist")
    fields: list[CrmField] = []
    try:
        with engine.connect() as connection:
            inspector = inspect(connection)
            tables = inspector.get_table_names()[:MAX_TABLES]
            for table in tables:
                for column in inspector.get_columns(table):
                    column_type = str(column.get("type", ""))
                    fields.append(CrmField(object=table, name=str(column["name"]), type=column_type,
                                           description=column.get("comment") or "",
                                           required=column.get("nullable") is False and not column.get("primary_key")
                                           and column.get("default") is None,
                                           source=shown))
    except SQLAlchemyError as exc:
        # The driver's message may echo the URL; report the class and the masked URL only.
        message = str(getattr(exc, "orig", None) or type(exc).__name__).replace(url, shown)
        password = getattr(engine.url, "password", None)
        if password:
            message = message.replace(str(password), "***")
        raise InputFileError(shown, f"cannot read the database schema: {message.splitlines()[0][:200]}") from None
    finally:
        engine.dispose()
    return fields


def read(path: Path) -> list[CrmField]:
    """Reflect a SQLite database file."""
    return read_url(f"sqlite:///{path}")


from privacygap.inventory.base import Format  # noqa: E402  (kept below: the module is usable without it)

FORMAT = Format("sql-database", "", "a SQL database read by reflection (URL such as sqlite:///crm.db or postgresql://…, or a SQLite file)",
                detect, read)
