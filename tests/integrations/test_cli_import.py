"""`releasegate import` end to end into a real SQLite file, then `decide` (text, json, github)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from releasegate.cli import main
from tests.conftest import run_cli
from tests.integrations.conftest import INSPECT_EVAL, INSPECT_JSON, LANGSMITH, PROMPTFOO

EXIT = {"PROMOTE": 0, "HOLD": 3, "ROLLBACK": 4}


def _import(tool: str, path: Path, db: str, *extra: str) -> int:
    return main(["import", tool, str(path), "--graph", "campaign_composer", "--version", "v2",
                 "--db", db, *extra])


def _decide(db: str, *extra: str) -> int:
    return main(["decide", "--graph", "campaign_composer", "--version", "v2", "--db", db, *extra])


@pytest.mark.parametrize(("tool", "path", "stored", "expected"), [
    ("promptfoo", PROMPTFOO, 8, "ROLLBACK"),      # a template_debris failure is a hard violation
    ("inspect", INSPECT_EVAL, 10, "HOLD"),        # one errored sample: coverage 0.90 < 0.95
    ("langsmith", LANGSMITH, 20, "PROMOTE"),      # 17/20 passed, coverage 0.95
])
def test_import_then_decide(tool: str, path: Path, stored: int, expected: str, clean_env: Path,
                            capsys: pytest.CaptureFixture[str]) -> None:
    db = str(clean_env / "gate.db")
    assert _import(tool, path, db, "--json") == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ingest"]["stored"] == stored and report["imports"][0]["runs"] == stored
    assert _import(tool, path, db, "--json") == 0  # idempotent: the same ids, stored once
    again = json.loads(capsys.readouterr().out)["ingest"]
    assert again["stored"] == 0 and again["duplicates"] == stored
    assert _decide(db, "--json") == EXIT[expected]
    decision = json.loads(capsys.readouterr().out)
    assert decision["decision"] == expected and decision["evidence"]["n"] == stored


def test_two_inspect_formats_in_one_all_or_nothing_import(clean_env: Path,
                                                          capsys: pytest.CaptureFixture[str]
                                                          ) -> None:
    db = str(clean_env / "gate.db")
    bad = clean_env / "bad.json"
    bad.write_text("{}")
    assert main(["import", "inspect", str(INSPECT_EVAL), str(bad), "--graph", "g",
                 "--version", "v2", "--db", db]) == 2
    assert "bad.json" in capsys.readouterr().err
    assert main(["import", "inspect", str(INSPECT_EVAL), str(INSPECT_JSON), "--graph", "g",
                 "--version", "v2", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "stored 20 new verdicts" in out and "1 unscored (passed null)" in out


def test_dry_run_stores_nothing_and_jsonl_out_is_ingestable(clean_env: Path,
                                                           capsys: pytest.CaptureFixture[str]
                                                           ) -> None:
    db = str(clean_env / "gate.db")
    rows = clean_env / "verdicts.jsonl"
    assert _import("promptfoo", PROMPTFOO, db, "--dry-run", "--jsonl-out", str(rows)) == 0
    assert "dry run: nothing stored" in capsys.readouterr().out
    assert not Path(db).exists()
    lines = rows.read_text().splitlines()
    assert len(lines) == 8 and all(json.loads(line)["prompt_version"] == "v2" for line in lines)
    assert main(["ingest", str(rows), "--db", db]) == 0
    assert "stored 8 new verdicts" in capsys.readouterr().out


def test_usage_errors_exit_2(clean_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(clean_env / "gate.db")
    assert _import("promptfoo", clean_env / "missing.json", db) == 2
    assert _import("inspect", INSPECT_EVAL, db, "--levels", "final") == 2
    assert _import("langsmith", LANGSMITH, db, "--json", "--jsonl-out", "-") == 2
    assert _decide(db, "--format", "yaml") == 2
    assert "--format" in capsys.readouterr().err


def test_decide_format_github_appends_the_summary_and_prints_annotations(
        clean_env: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    db = str(clean_env / "gate.db")
    assert _import("promptfoo", PROMPTFOO, db) == 0
    capsys.readouterr()
    summary = clean_env / "summary.md"
    summary.write_text("earlier step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    assert _decide(db, "--format", "github") == 4
    out = capsys.readouterr().out
    assert out.startswith("::error title=releasegate ROLLBACK%3A campaign_composer v2::safety")
    assert "::notice title=releasegate note::no baseline" in out
    text = summary.read_text()
    assert text.startswith("earlier step\n### ")  # appended, as GitHub expects
    assert "**ROLLBACK**" in text and "| hard violations | 1 |" in text
    assert "`template_debris` × 1" in text and "| n | 8 |" in text
    assert _decide(db, "--format", "github") == 4
    assert summary.read_text().count("**ROLLBACK**") == 2


def test_decide_format_github_without_summary_file_prints_both(
        clean_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(clean_env / "gate.db")
    assert _import("langsmith", LANGSMITH, db) == 0
    capsys.readouterr()
    assert _decide(db, "--format", "github") == 0
    out = capsys.readouterr().out
    assert out.startswith("::notice title=releasegate PROMOTE%3A")
    assert "### 🟢 releasegate PROMOTE: campaign_composer v2" in out
    assert _decide(db, "--format", "json") == 0 and _decide(db, "--json") == 0
    first, second = capsys.readouterr().out.splitlines()
    assert json.loads(first)["decision"] == "PROMOTE" and first == second


def test_three_commands_in_a_real_process(tmp_path: Path) -> None:
    """The README walkthrough: import, decide --format github, exit code gates the job."""
    db = str(tmp_path / "gate.db")
    summary = tmp_path / "summary.md"
    imported = run_cli(["import", "inspect", str(INSPECT_JSON), "--graph", "campaign_composer",
                        "--version", "v2", "--judge", "includes-v1", "--db", db])
    assert imported.returncode == 0, imported.stderr
    assert "10 runs → 8 passed, 1 failed, 1 unscored" in imported.stdout
    decided = run_cli(["decide", "--graph", "campaign_composer", "--version", "v2", "--db", db,
                       "--format", "github"], env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert decided.returncode == 3, decided.stderr
    assert decided.stdout.startswith("::warning title=releasegate HOLD%3A")
    assert "coverage" in summary.read_text()
