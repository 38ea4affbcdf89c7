"""Choosing the policy from the command line: --policy, the environment, the TOML file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from releasegate.cli import main
from releasegate.policy import ANYTIME_POLICY, DEFAULT_POLICY
from tests.conftest import run_cli, verdict, write_jsonl

# 4 passes in 5: clear-v1 promotes; anytime-v1 holds (its lower bound is far below 0.80)
THIN = [verdict(f"r{i}", i < 4) for i in range(5)]


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    for name in ("AGENT_EVAL_RELEASE_MIN_N", "AGENT_EVAL_RELEASE_GATE", "AGENT_EVAL_RELEASE_POLICY",
                 "RELEASEGATE_DB", "RELEASEGATE_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    path = str(tmp_path / "cli.db")
    assert main(["ingest", str(write_jsonl(tmp_path / "rows.jsonl", THIN)), "--db", path]) == 0
    return path


def decide(db: str, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, dict]:
    capsys.readouterr()
    code = main(["decide", "--graph", "g", "--version", "v2", "--db", db, "--json", *extra])
    out = capsys.readouterr().out
    return code, json.loads(out) if out else {}


def test_clear_v1_is_the_default_and_promotes_thin_luck(
        db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, decision = decide(db, capsys)
    assert code == 0 and decision["source"] == DEFAULT_POLICY.source


def test_policy_flag_selects_anytime_v1_and_it_is_recorded(
        db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, decision = decide(db, capsys, "--policy", "anytime-v1")
    assert code == 3 and decision["decision"] == "HOLD"
    assert decision["source"] == ANYTIME_POLICY.source
    assert decision["evidence"]["policy"]["name"] == "anytime-v1"
    assert decision["evidence"]["anytime"]["confidence"] == 0.95
    assert main(["history", "--graph", "g", "--db", db, "--json"]) == 0
    history = capsys.readouterr().out
    assert ANYTIME_POLICY.source in history


def test_environment_selects_the_policy_and_the_flag_beats_it(
        db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGENT_EVAL_RELEASE_POLICY", "anytime-v1")
    code, decision = decide(db, capsys)
    assert code == 3 and decision["source"] == ANYTIME_POLICY.source
    code, decision = decide(db, capsys, "--policy", "clear-v1")
    assert code == 0 and decision["source"] == DEFAULT_POLICY.source


def test_toml_selects_the_policy_with_its_alpha(
        db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "gate.toml"
    config.write_text('[policy]\nname = "anytime-v1"\nalpha = "0.10"\n', encoding="utf-8")
    code, decision = decide(db, capsys, "--config", str(config))
    assert code == 3 and decision["evidence"]["anytime"]["alpha"] == 0.1
    assert "at 90%" in decision["reason"]


def test_bad_policy_names_exit_2_and_say_which_are_known(
        db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    code, decision = decide(db, capsys, "--policy", "anytime-v2")
    assert code == 2 and decision == {}
    monkeypatch.setenv("AGENT_EVAL_RELEASE_POLICY", "yolo")
    assert main(["decide", "--graph", "g", "--version", "v2", "--db", db]) == 2
    assert "AGENT_EVAL_RELEASE_POLICY: 'yolo' is not a policy (known: clear-v1, anytime-v1)" \
        in capsys.readouterr().err


def test_the_real_command_line_takes_the_flag(db: str, tmp_path: Path) -> None:
    args = ["decide", "--graph", "g", "--version", "v2", "--db", db]
    done = run_cli([*args, "--policy", "anytime-v1"], cwd=tmp_path)
    assert done.returncode == 3, done.stderr
    assert "anytime lower bound" in done.stdout
    bad = run_cli([*args, "--policy", "nope"], cwd=tmp_path)
    assert bad.returncode == 2 and "--policy: 'nope' is not a policy" in bad.stderr
