"""Opening a store: URL handling, SQLite pragmas, and the schema revision check.

A brand-new database is created at the head revision. An existing one whose revision is behind the
code is refused with the command that upgrades it: a user's data is never migrated by surprise.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError

from releasegate.errors import ConfigError, InputError, SchemaError, StoreError

if TYPE_CHECKING:
    from alembic.config import Config

__all__ = ["DEFAULT_URL", "create_store_engine", "ensure_schema", "normalize_url", "schema_status"]

DEFAULT_URL = "releasegate.db"
# The newest migration in store/migrations/versions. Opening a store compares against this
# constant so that everyday commands never import Alembic; a test checks it against Alembic's head.
SCHEMA_HEAD: Final = "0003"


def normalize_url(url_or_path: str) -> str:
    """An SQLAlchemy URL as given, or a plain file path turned into a SQLite URL."""
    text = url_or_path.strip()
    if not text:
        raise ConfigError("database: empty URL or path")
    if "://" in text:
        try:
            parsed = make_url(text)
        except ArgumentError as exc:
            raise ConfigError(f"database: {exc}") from None
        if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        return parsed.render_as_string(hide_password=False)
    return f"sqlite:///{Path(text).expanduser()}"


def refuse_missing_sqlite(url_or_path: str) -> None:
    """InputError when a SQLite URL or path names a file that does not exist."""
    url = make_url(normalize_url(url_or_path))
    database = url.database
    if url.get_backend_name() == "sqlite" and database and database != ":memory:" \
            and not Path(database).exists():
        raise InputError(
            f"no releasegate store at {database}: check --db / RELEASEGATE_DB, or create one "
            "with `releasegate ingest FILE`")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event below issue BEGIN itself (the pysqlite driver's own
    # transaction handling defers BEGIN and breaks snapshot reads).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout=30000")  # first: switching to WAL may wait for a lock
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    # Writers take the write lock up front, so two writers never deadlock upgrading read locks.
    immediate = conn.get_execution_options().get("releasegate_write", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def create_store_engine(url_or_path: str) -> Engine:
    url = normalize_url(url_or_path)
    try:
        if url.startswith("sqlite"):
            engine = create_engine(url)
            event.listen(engine, "connect", _sqlite_pragmas)
            event.listen(engine, "begin", _sqlite_begin)
        else:
            engine = create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)
    except (ArgumentError, ImportError) as exc:
        raise ConfigError(f"database: cannot use {make_url(url).drivername!r}: {exc}") from None
    return engine


def _alembic_config(connection: Connection) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(files("releasegate.store") / "migrations"))
    config.attributes["connection"] = connection
    return config


def alembic_head() -> str:
    """The head revision as Alembic reads it from the migration scripts."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(files("releasegate.store") / "migrations"))
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None
    return head


def schema_status(engine: Engine) -> tuple[str | None, str]:
    """(current revision or None for an empty database, head revision)."""
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None, SCHEMA_HEAD
            current = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except DBAPIError as exc:
        raise StoreError(f"database unreachable: {_brief(exc)}") from None
    return current, SCHEMA_HEAD


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Migrate to the head revision; returns (revision before, revision after)."""
    from alembic import command

    before, head = schema_status(engine)
    try:
        # One writer migrates; a second process opening the same new file waits for the lock,
        # then finds the schema current and does nothing.
        with engine.connect().execution_options(releasegate_write=True) as conn, conn.begin():
            command.upgrade(_alembic_config(conn), "head")
    except SQLAlchemyError as exc:
        raise StoreError(f"migration failed: {_brief(exc)}") from None
    return before, head


def ensure_schema(engine: Engine) -> None:
    """Create a fresh database at head; refuse one that is behind or foreign."""
    current, head = schema_status(engine)
    if current == head:
        return
    if current is None:
        with engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
        if tables & {"verdicts", "decisions"}:
            raise SchemaError(
                "database has releasegate tables but no schema revision; "
                "it was not created by releasegate"
            )
        upgrade(engine)
        return
    raise SchemaError(
        f"database schema is at revision {current}, this releasegate needs {head}: "
        "run `releasegate db upgrade` (back the file up first)"
    )


def _brief(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
