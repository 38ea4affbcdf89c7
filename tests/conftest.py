"""Shared fixtures: real SQLite files, a real PostgreSQL schema, the real CLI in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from releasegate.store import Store

PG_URL = os.environ.get("RELEASEGATE_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
ROOT = Path(__file__).resolve().parent.parent
# The handed expected cases live in ../shared/cases beside the repo (CI lays it there, and it may
# hold newer cases); a clone on its own falls back to the copies in tests/cases.
SHARED = ROOT.parent / "shared" if (ROOT.parent / "shared" / "cases").is_dir() else ROOT / "tests"


def _pg_reason() -> str | None:
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed (pip install -e '.[dev]')"
    plain = PG_URL.replace("postgresql+psycopg://", "postgresql://")
    try:
        psycopg.connect(plain, connect_timeout=3).close()
    except psycopg.OperationalError as exc:
        return f"PostgreSQL not reachable at {PG_URL}: {str(exc).strip().splitlines()[0]}"
    return None


_PG_SKIP: list[str | None] = []


def pg_skip_reason() -> str | None:
    if not _PG_SKIP:
        _PG_SKIP.append(_pg_reason())
    return _PG_SKIP[0]


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a fresh schema, dropped afterwards."""
    reason = pg_skip_reason()
    if reason:
        pytest.skip(reason)
    import psycopg

    schema = f"rg_{uuid.uuid4().hex[:12]}"
    plain = PG_URL.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each store test runs on a real SQLite file and on a real PostgreSQL schema."""
    if request.param == "sqlite":
        return str(tmp_path / "store.db")
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    with Store.open(db_url) as opened:
        yield opened


def write_jsonl(path: Path, rows: Sequence[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def verdict(run_id: str, passed: bool | None = True, **fields: Any) -> dict[str, Any]:
    """A schema-v1 row with sensible defaults for tests."""
    row: dict[str, Any] = {"run_id": run_id, "target_graph": "g", "prompt_version": "v2",
                           "judge_version": "j1", "passed": passed}
    row.update(fields)
    return row


def run_cli(args: Sequence[str], *, env: dict[str, str] | None = None, stdin: str | None = None,
            cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The real `python -m releasegate` in a subprocess."""
    full_env = {k: v for k, v in os.environ.items()
                if not k.startswith(("AGENT_EVAL_", "RELEASEGATE_", "CAMPAIGN_"))}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "releasegate", *args], input=stdin, capture_output=True,
        text=True, env=full_env, cwd=cwd, timeout=120,
    )


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """In CI (CI=true) a skipped test is a failure: the servers and the browser must be there,
    so a green run never hides a part that was not exercised."""
    if not os.environ.get("CI") or exitstatus != 0:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter is not None else []
    if skipped:
        for report in skipped:
            print(f"\nCI: skipped, which CI does not allow: {report.nodeid}: {report.longrepr}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
