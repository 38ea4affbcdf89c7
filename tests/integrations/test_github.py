"""`decide --format github` in CI: the decision's exit code whatever happens to the summary."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_cli, verdict, write_jsonl


def test_an_unwritable_summary_never_changes_the_exit_code(tmp_path: Path) -> None:
    db = str(tmp_path / "g.db")
    rows = [verdict("a", violations=["template_debris"]), *[verdict(f"r{i}") for i in range(5)]]
    assert run_cli(["ingest", str(write_jsonl(tmp_path / "r.jsonl", rows)), "--db", db]
                   ).returncode == 0
    done = run_cli(["decide", "--graph", "g", "--version", "v2", "--db", db, "--format",
                    "github"], env={"GITHUB_STEP_SUMMARY": str(tmp_path / "no" / "such.md")})
    assert done.returncode == 4
    assert "::error" in done.stdout and "::warning title=releasegate summary::" in done.stdout
    assert "ROLLBACK" in done.stdout


def test_enforce_mode_reports_the_halt_in_the_summary(tmp_path: Path) -> None:
    db = str(tmp_path / "g.db")
    (tmp_path / "releasegate.toml").write_text(
        '[graphs.g]\nactive_version = "v1"\ncandidate_version = "v2"\n', encoding="utf-8")
    rows = [verdict("a", violations=["template_debris"]), *[verdict(f"r{i}") for i in range(5)]]
    run_cli(["ingest", str(write_jsonl(tmp_path / "r.jsonl", rows)), "--db", db], cwd=tmp_path)
    summary = tmp_path / "summary.md"
    done = run_cli(["decide", "--graph", "g", "--version", "v2", "--db", db, "--format",
                    "github"], cwd=tmp_path,
                   env={"GITHUB_STEP_SUMMARY": str(summary), "AGENT_EVAL_RELEASE_GATE": "enforce"})
    assert done.returncode == 4
    assert "canary is halted" in summary.read_text(encoding="utf-8")
    assert "::notice title=releasegate action::" in done.stdout
