"""The CLI end to end: real files, a real SQLite store, the documented exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from releasegate.cli import main
from tests.conftest import SHARED, run_cli, verdict, write_jsonl

CASES = json.loads((SHARED / "cases" / "gate_handed.json").read_text(encoding="utf-8"))
EXIT = {"PROMOTE": 0, "HOLD": 3, "ROLLBACK": 4}


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_handed_gate_cases_through_the_cli(case: dict[str, Any], tmp_path: Path,
                                          db_url: str) -> None:
    db = db_url
    rows = write_jsonl(tmp_path / "rows.jsonl", case["rows"])
    ingested = run_cli(["ingest", str(rows), "--db", db], env=case["env"])
    assert ingested.returncode == 0, ingested.stderr
    args = ["decide", "--graph", case["graph"], "--version", case["version"], "--db", db,
            "--json"]
    if case["baseline"]:
        args += ["--baseline", case["baseline"]]
    decided = run_cli(args, env=case["env"])
    assert decided.returncode == EXIT[case["expected"]], decided.stderr
    decision = json.loads(decided.stdout)
    assert decision["decision"] == case["expected"]
    assert decision["source"] == "agent_eval:release_gate:clear-v1-2026-06"
    assert decided.stdout.count("\n") == 1  # the decision object and nothing else


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    for name in ("AGENT_EVAL_RELEASE_MIN_N", "AGENT_EVAL_RELEASE_GATE", "RELEASEGATE_DB",
                 "RELEASEGATE_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return str(tmp_path / "cli.db")


def rows_file(tmp_path: Path, n: int = 10, passes: int = 10, **fields: Any) -> str:
    rows = [verdict(f"r{i}", i < passes, **fields) for i in range(n)]
    return str(write_jsonl(tmp_path / "rows.jsonl", rows))


def test_decide_json_is_the_decision_object_only_and_warnings_go_to_stderr(
        db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ingest", rows_file(tmp_path), "--db", db]) == 0
    capsys.readouterr()
    monkeypatch.setenv("AGENT_EVAL_RELEASE_GATE", "yolo")
    assert main(["decide", "--graph", "g", "--version", "v2", "--db", db, "--json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["decision"] == "PROMOTE"
    assert "AGENT_EVAL_RELEASE_GATE='yolo'" in captured.err and "advisory" in captured.err


def test_min_n_from_the_environment(db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    main(["ingest", rows_file(tmp_path), "--db", db])
    monkeypatch.setenv("AGENT_EVAL_RELEASE_MIN_N", "20")
    assert main(["decide", "--graph", "g", "--version", "v2", "--db", db]) == 3
    assert "n=10 < min_n 20" in capsys.readouterr().out


@pytest.mark.parametrize("value", ["abc", "0", "-3", "2.5", "true"])
def test_bad_min_n_is_a_clear_usage_error(value: str, db: str, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("AGENT_EVAL_RELEASE_MIN_N", value)
    assert main(["decide", "--graph", "g", "--version", "v2", "--db", db]) == 2
    assert "AGENT_EVAL_RELEASE_MIN_N" in capsys.readouterr().err


def test_version_without_verdicts_holds_with_n_zero(db: str, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    main(["ingest", rows_file(tmp_path), "--db", db])
    capsys.readouterr()
    assert main(["decide", "--graph", "g", "--version", "nope", "--db", db, "--json"]) == 3
    captured = capsys.readouterr()
    decision = json.loads(captured.out)
    assert decision["evidence"]["n"] == 0 and decision["evidence"]["success_rate"] is None
    assert "no verdicts at all for g nope" in captured.err


def test_reading_commands_never_create_a_store(db: str, capsys: pytest.CaptureFixture[str]
                                               ) -> None:
    for command in (["windows"], ["history", "--graph", "g"],
                    ["decide", "--graph", "g", "--version", "v2"]):
        assert main([*command, "--db", db]) == 2
        assert "no releasegate store at" in capsys.readouterr().err
    assert not Path(db).exists()


@pytest.mark.parametrize("args, message", [
    (["--graph", "my graph", "--version", "v2"], "graph: 'my graph' is not a name"),
    (["--graph", "g", "--version", "v2", "--judge", "j 1"], "judge:"),
    (["--graph", "g", "--version", "v2", "--baseline", "v9"], "'v9' has no verdicts"),
    (["--graph", "g", "--version", "v2", "--since", "2026-11-04", "--until", "2026-11-01"],
     "until must be later than since"),
    (["--graph", "g", "--version", "v2", "--since", "99999999d"], "before the year 1"),
    (["--graph", "g", "--version", "v2", "--last", "99999999999"], "last"),
])
def test_decide_refuses_what_can_only_be_a_mistake(args: list[str], message: str, db: str,
                                                   tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    main(["ingest", rows_file(tmp_path), "--db", db])
    capsys.readouterr()
    assert main(["decide", *args, "--db", db]) == 2
    assert message in capsys.readouterr().err


def test_hard_codes_given_as_a_string_are_refused(db: str, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "releasegate.toml").write_text('[policy]\nhard_codes = "template_debris"\n',
                                                encoding="utf-8")
    main(["ingest", rows_file(tmp_path), "--db", db])
    assert "must be a list of violation codes" in capsys.readouterr().err


def test_conflict_inside_one_input_says_so(db: str, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    path = write_jsonl(tmp_path / "twice.jsonl", [verdict("e2", True), verdict("e2", False)])
    assert main(["ingest", str(path), "--db", db]) == 2
    assert "'e2' appears more than once in this input" in capsys.readouterr().err


def test_ingest_json_reports_problems_on_stdout(db: str, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"run_id": "x"}\n', encoding="utf-8")
    assert main(["ingest", str(path), "--db", db, "--json"]) == 2
    report = json.loads(capsys.readouterr().out)
    assert report["stored"] == 0 and report["problems"][0]["line"] == 1


def test_empty_input_warns(db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n\n", encoding="utf-8")
    assert main(["ingest", str(empty), "--db", db]) == 0
    assert "no verdict rows in the input" in capsys.readouterr().err


def test_a_closed_pipe_keeps_the_decisions_exit_code(db: str, tmp_path: Path) -> None:
    main(["ingest", rows_file(tmp_path, 3), "--db", db])
    done = subprocess.run(
        f"set -o pipefail; {sys.executable} -m releasegate decide --graph g --version v2 "
        f"--db {db} | head -c 1 >/dev/null", shell=True, executable="/bin/bash",
        capture_output=True, text=True)
    assert done.returncode == 3 and "Traceback" not in done.stderr


def test_bad_file_is_refused_whole_naming_line_and_field(
        db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(verdict("ok")) + "\n"
                    + json.dumps(verdict("bad", latency_ms=-4)) + "\n", encoding="utf-8")
    assert main(["ingest", str(path), "--db", db]) == 2
    err = capsys.readouterr().err
    assert f"{path}:2: latency_ms:" in err and "nothing was stored" in err
    assert main(["windows", "--db", db, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_skip_invalid_reports_each_skipped_line(db: str, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_text(json.dumps(verdict("ok")) + "\n{oops\n", encoding="utf-8")
    assert main(["ingest", str(path), "--db", db, "--skip-invalid", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["stored"], report["skipped"]) == (1, 1)
    assert report["problems"][0]["line"] == 2


def test_conflicting_run_is_named(db: str, tmp_path: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    main(["ingest", rows_file(tmp_path), "--db", db])
    changed = write_jsonl(tmp_path / "changed.jsonl", [verdict("r3", False)])
    assert main(["ingest", str(changed), "--db", db]) == 2
    assert "'r3' already stored with different content" in capsys.readouterr().err


def test_stdin_and_csv_ingest(db: str, tmp_path: Path) -> None:
    piped = run_cli(["ingest", "-", "--db", db], stdin=json.dumps(verdict("s1")) + "\n")
    assert piped.returncode == 0 and "stored 1 new verdict" in piped.stdout
    csv_path = tmp_path / "v.csv"
    csv_path.write_text("run_id,target_graph,prompt_version,passed\nc1,g,v2,true\n",
                        encoding="utf-8")
    assert main(["ingest", str(csv_path), "--db", db]) == 0
    piped_csv = run_cli(["ingest", "-", "--db", db, "--format", "csv"],
                        stdin="run_id,target_graph,prompt_version,passed\nc2,g,v2,false\n")
    assert piped_csv.returncode == 0, piped_csv.stderr


def test_every_decision_is_persisted_append_only(db: str, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    main(["ingest", rows_file(tmp_path, 4), "--db", db])
    main(["decide", "--graph", "g", "--version", "v2", "--db", db])
    more = write_jsonl(tmp_path / "more.jsonl", [verdict(f"m{i}") for i in range(3)])
    main(["ingest", str(more), "--db", db])
    main(["decide", "--graph", "g", "--version", "v2", "--db", db])
    capsys.readouterr()
    assert main(["history", "--graph", "g", "--db", db, "--json"]) == 0
    history = json.loads(capsys.readouterr().out)
    assert [h["decision"] for h in history] == ["HOLD", "PROMOTE"]
    assert all(h["mode"] == "advisory" and h["decided_at_us"] > 0 for h in history)
    assert history[0]["evidence"]["n"] == 4 and history[1]["evidence"]["n"] == 7


def test_windows_overview_uses_the_configured_control_as_baseline(
        db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [verdict(f"c{i}", i < 9, prompt_version="v1") for i in range(10)]
    rows += [verdict(f"n{i}", i < 7, prompt_version="v2") for i in range(10)]
    path = write_jsonl(tmp_path / "rows.jsonl", rows)
    (tmp_path / "releasegate.toml").write_text('[graphs.g]\nactive_version = "v1"\n',
                                                encoding="utf-8")
    main(["ingest", str(path), "--db", db])
    capsys.readouterr()
    assert main(["windows", "--db", db, "--json"]) == 0
    by_version = {w["evidence"]["prompt_version"]: w for w in json.loads(capsys.readouterr().out)}
    assert by_version["v2"]["decision"] == "ROLLBACK"  # 0.70 vs control 0.90
    assert by_version["v2"]["evidence"]["baseline_version"] == "v1"
    assert by_version["v1"]["evidence"]["baseline_version"] is None
    assert main(["decide", "--graph", "g", "--version", "v2", "--db", db]) == 4


def test_bad_config_file_names_the_key(db: str, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "releasegate.toml").write_text("[policy]\nsucess_floor = 0.9\n",
                                                encoding="utf-8")
    assert main(["windows", "--db", db]) == 2
    assert "unknown key 'sucess_floor'" in capsys.readouterr().err


def test_window_options(db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [verdict(f"r{i}", i >= 5, created_at=f"2026-11-03T00:{i:02d}:00Z")
            for i in range(10)]
    main(["ingest", str(write_jsonl(tmp_path / "rows.jsonl", rows)), "--db", db])
    capsys.readouterr()
    assert main(["decide", "--graph", "g", "--version", "v2", "--db", db, "--json",
                 "--last", "5"]) == 0
    assert main(["decide", "--graph", "g", "--version", "v2", "--db", db, "--json",
                 "--until", "2026-11-03T00:05:00Z"]) == 3
    assert main(["decide", "--graph", "g", "--version", "v2", "--db", db,
                 "--since", "last week"]) == 2
    assert main(["decide", "--graph", "g", "--version", "v2", "--db", db, "--last", "0"]) == 2


def test_usage_errors_exit_2(db: str) -> None:
    assert main(["decide", "--graph", "g", "--db", db]) == 2
    assert main(["frobnicate"]) == 2
    assert main(["ingest", "--db", db]) == 2
    assert main(["ingest", "missing.jsonl", "--db", db]) == 2
    assert main(["ingest", "x.jsonl", "--format", "xml", "--db", db]) == 2


def test_unreachable_database_exits_1_without_a_decision(db: str,
                                                         capsys: pytest.CaptureFixture[str]
                                                         ) -> None:
    url = "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2"
    assert main(["decide", "--graph", "g", "--version", "v", "--db", url, "--json"]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and "unreachable" in captured.err


def test_db_check_and_upgrade(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "check", "--db", db]) == 1
    assert "releasegate db upgrade" in capsys.readouterr().out
    assert main(["db", "upgrade", "--db", db]) == 0
    assert main(["db", "check", "--db", db]) == 0


def test_python_dash_m_and_help(tmp_path: Path) -> None:
    helped = run_cli(["--help"], cwd=tmp_path)
    assert helped.returncode == 0 and "decide" in helped.stdout and "ingest" in helped.stdout
