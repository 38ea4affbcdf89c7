"""Schema revisions: a new store is created at head; an old or foreign one is refused clearly."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, text

from releasegate.errors import SchemaError, StoreError
from releasegate.store import Store
from releasegate.store.database import (
    _alembic_config,
    create_store_engine,
    normalize_url,
    schema_status,
)


def test_new_sqlite_file_is_created_at_head_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    with Store.open(str(path)) as store:
        current, head = schema_status(store.engine)
        assert current == head
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    assert path.exists()


def test_a_store_behind_the_code_is_refused_with_the_upgrade_command(db_url: str) -> None:
    engine = create_store_engine(db_url)
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), "0001")
    _, head = schema_status(engine)
    engine.dispose()
    if head == "0001":
        pytest.skip("only one revision exists yet")
    with pytest.raises(SchemaError, match="releasegate db upgrade"):
        Store.open(db_url)


def test_foreign_tables_without_a_revision_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "foreign.db"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE verdicts (x INTEGER)"))
    engine.dispose()
    with pytest.raises(SchemaError, match="not created by releasegate"):
        Store.open(str(path))


def test_unreachable_database_is_a_store_error() -> None:
    with pytest.raises(StoreError, match="unreachable"):
        Store.open("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")


def test_a_folder_that_does_not_exist_is_a_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError):
        Store.open(str(tmp_path / "missing" / "x.db"))


@pytest.mark.parametrize("given, expected", [
    ("releasegate.db", "sqlite:///releasegate.db"),
    ("/tmp/a b.db", "sqlite:////tmp/a b.db"),
    ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
    ("sqlite:///x.db", "sqlite:///x.db"),
])
def test_urls_and_plain_paths(given: str, expected: str) -> None:
    assert normalize_url(given) == expected


def test_schema_head_constant_matches_the_migration_scripts() -> None:
    from releasegate.store.database import SCHEMA_HEAD, alembic_head

    assert alembic_head() == SCHEMA_HEAD


@pytest.mark.parametrize("damage", ["delete", "replace", "empty"])
def test_a_file_removed_under_a_running_store_is_refused(tmp_path: Path, damage: str) -> None:
    path = tmp_path / "live.db"
    store = Store.open(str(path))
    store.check_ready()
    if damage == "delete":
        path.unlink()
    elif damage == "replace":
        path.rename(tmp_path / "moved.db")
        Store.open(str(path)).close()
    else:
        path.write_bytes(b"")
    with pytest.raises(StoreError, match="removed, replaced or emptied"):
        store.check_ready()
    with pytest.raises(StoreError):
        store.history("g")
    store.close()
