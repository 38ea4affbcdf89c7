"""The rollout commands and `cohorts` through the real CLI on a real SQLite file."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from releasegate import Assignment, Store, record_touch
from tests.conftest import run_cli, write_jsonl

TOML = ('[graphs.campaign_composer]\nactive_version = "v1"\ncandidate_version = "v2"\n')
G = "campaign_composer"
ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture
def work(tmp_path: Path) -> Path:
    (tmp_path / "releasegate.toml").write_text(TOML, encoding="utf-8")
    return tmp_path


def cli(work: Path, *args: str, env: dict[str, str] | None = None
        ) -> subprocess.CompletedProcess[str]:
    return run_cli([*args, "--db", str(work / "rg.db")], cwd=work, env=env)


def _ingest(work: Path, rows: list[dict[str, object]]) -> None:
    path = write_jsonl(work / f"rows{len(list(work.iterdir()))}.jsonl", rows)
    assert cli(work, "ingest", str(path)).returncode == 0


def _passing(n: int = 6, version: str = "v2") -> list[dict[str, object]]:
    return [{"run_id": f"{version}-ok-{i}", "target_graph": G, "prompt_version": version,
             "passed": True} for i in range(n)]


def _status(work: Path, env: dict[str, str] | None = None) -> dict[str, object]:
    done = cli(work, "rollout", "status", "--graph", G, "--json", env=env)
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert len(rows) == 1
    return dict(rows[0])


def test_set_100_is_refused_without_a_promote_and_says_why(work: Path) -> None:
    done = cli(work, "rollout", "set", "--graph", G, "--percent", "100", "--reason", "ship it")
    assert done.returncode == 5
    assert "PROMOTE" in done.stderr and "no whole-window decision is recorded for v2" in done.stderr
    _ingest(work, [{"run_id": "few", "target_graph": G, "prompt_version": "v2", "passed": True}])
    assert cli(work, "decide", "--graph", G, "--version", "v2").returncode == 3  # HOLD
    done = cli(work, "rollout", "set", "--graph", G, "--percent", " 100.00 ", "--reason", "x")
    assert done.returncode == 5 and "latest whole-window decision for v2 is HOLD" in done.stderr
    assert _status(work)["stored"] is None  # nothing was written


def test_set_100_after_promote_is_recorded_with_who_and_why(work: Path) -> None:
    _ingest(work, _passing())
    assert cli(work, "decide", "--graph", G, "--version", "v2").returncode == 0
    done = cli(work, "rollout", "set", "--graph", G, "--percent", "100", "--reason", "PROMOTE",
               "--by", "alice", "--json")
    assert done.returncode == 0, done.stderr
    event = json.loads(done.stdout)
    assert (event["action"], event["actor"], event["percent"], event["reason"]) == (
        "set", "alice", "100", "PROMOTE")
    status = _status(work, env={"CAMPAIGN_CANARY_PERCENT": "100"})
    assert status["flags"] == []
    assert status["routed_percent"] == "100"


def test_status_flags_disagreement_and_an_unauthorized_full_rollout(work: Path) -> None:
    assert cli(work, "rollout", "set", "--graph", G, "--percent", "10",
               "--reason", "start").returncode == 0
    status = _status(work, env={"CAMPAIGN_CANARY_PERCENT": "100"})
    flags = " | ".join(status["flags"])  # type: ignore[arg-type]
    assert "disagree" in flags and "FULL ROLLOUT NOT AUTHORIZED" in flags
    status = _status(work, env={"CAMPAIGN_CANARY_PERCENT": "ten"})
    assert any("invalid" in f for f in status["flags"])  # type: ignore[union-attr]
    assert status["routed_percent"] == "0"
    human = cli(work, "rollout", "status", env={"CAMPAIGN_CANARY_PERCENT": "100"})
    assert "FULL ROLLOUT NOT AUTHORIZED" in human.stdout


def test_invalid_percent_and_missing_reason_are_usage_errors(work: Path) -> None:
    bad = cli(work, "rollout", "set", "--graph", G, "--percent", "150", "--reason", "x")
    assert bad.returncode == 2 and "150" in bad.stderr
    blank = cli(work, "rollout", "set", "--graph", G, "--percent", "5", "--reason", "  ")
    assert blank.returncode == 2
    unknown = cli(work, "rollout", "halt", "--graph", "nope", "--reason", "x")
    assert unknown.returncode == 2 and "campaign_composer" in unknown.stderr


def _rollback_window(work: Path) -> None:
    _ingest(work, [*_passing(5), {"run_id": "v2-bad", "target_graph": G, "prompt_version": "v2",
                                  "passed": True, "violations": ["template_debris"]}])


def test_advisory_rollback_records_the_recommendation_and_changes_nothing(work: Path) -> None:
    assert cli(work, "rollout", "set", "--graph", G, "--percent", "25",
               "--reason", "canary").returncode == 0
    _rollback_window(work)
    assert cli(work, "decide", "--graph", G, "--version", "v2").returncode == 4
    status = _status(work)
    assert status["stored"]["halted"] is False  # type: ignore[index]
    assert status["stored"]["percent"] == "25"  # type: ignore[index]
    history = json.loads(cli(work, "rollout", "history", "--graph", G, "--json").stdout)
    assert [e["action"] for e in history] == ["set", "recommend_halt"]
    assert history[-1]["mode"] == "advisory" and history[-1]["decision_id"] is not None


def test_enforced_rollback_halts_the_canary_and_the_halt_beats_the_env_var(work: Path) -> None:
    assert cli(work, "rollout", "set", "--graph", G, "--percent", "25",
               "--reason", "canary").returncode == 0
    _rollback_window(work)
    env = {"AGENT_EVAL_RELEASE_GATE": "enforce", "CAMPAIGN_CANARY_PERCENT": "25"}
    assert cli(work, "decide", "--graph", G, "--version", "v2", env=env).returncode == 4
    status = _status(work, env=env)
    assert status["stored"]["halted"] is True  # type: ignore[index]
    assert status["routed_percent"] == "0"
    history = json.loads(cli(work, "rollout", "history", "--graph", G, "--json").stdout)
    assert (history[-1]["action"], history[-1]["actor"]) == ("halt", "releasegate-gate")
    with Store.open(str(work / "rg.db")) as store:
        from releasegate import CanaryRouter, GraphSpec

        router = CanaryRouter(store, store, environ={"CAMPAIGN_CANARY_PERCENT": "100"})
        spec = GraphSpec(G, "v1", "v2")
        assert {router.resolve(spec, f"t-{n}").cohort for n in range(300)} == {"control"}


def test_rollback_of_another_version_changes_nothing_even_enforced(work: Path) -> None:
    _ingest(work, [{"run_id": "v9-bad", "target_graph": G, "prompt_version": "v9",
                    "passed": True, "hard_violation": True}])
    env = {"AGENT_EVAL_RELEASE_GATE": "enforce"}
    assert cli(work, "decide", "--graph", G, "--version", "v9", env=env).returncode == 4
    assert _status(work)["stored"] is None


def test_halt_then_promote_needs_promote_and_starts_a_new_control(work: Path) -> None:
    assert cli(work, "rollout", "halt", "--graph", G, "--reason", "pager").returncode == 0
    refused = cli(work, "rollout", "promote", "--graph", G, "--reason", "go")
    assert refused.returncode == 5 and "PROMOTE" in refused.stderr
    _ingest(work, _passing())
    assert cli(work, "decide", "--graph", G, "--version", "v2").returncode == 0
    assert cli(work, "rollout", "promote", "--graph", G, "--reason", "go").returncode == 0
    status = _status(work)
    assert (status["control_version"], status["candidate_version"]) == ("v2", None)
    assert any("update releasegate.toml" in f for f in status["flags"])  # type: ignore[union-attr]
    again = cli(work, "rollout", "promote", "--graph", G, "--reason", "again")
    assert again.returncode == 5 and "no candidate" in again.stderr


def test_cohorts_reports_rates_intervals_and_the_test(work: Path) -> None:
    assert cli(work, "rollout", "status").returncode == 0  # creates the schema
    with Store.open(str(work / "rg.db")) as store:
        for n in range(200):
            cohort, version = ("candidate", "v2") if n % 2 else ("control", "v1")
            got = Assignment(G, version, cohort, n)  # type: ignore[arg-type]
            record_touch(f"t-{n}", G, got, "sent", store=store)
            if n % 5 == 0 or (cohort == "candidate" and n % 3 == 0):
                record_touch(f"t-{n}", G, got, "replied", store=store)
            if n % 50 == 1:
                record_touch(f"t-{n}", G, got, "error", store=store)
    done = cli(work, "cohorts", "--graph", G, "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    rows = {r["cohort"]: r for r in report["cohorts"]}
    assert rows["control"]["threads"] == rows["candidate"]["threads"] == 100
    assert rows["control"]["send_rate"]["rate"] == 1.0
    low, high = rows["candidate"]["reply_rate"]["ci95"]
    assert low < rows["candidate"]["reply_rate"]["rate"] < high
    assert report["comparison"]["reply_rate"]["significant"] in (True, False)
    human = cli(work, "cohorts", "--graph", G)
    assert "reply rate" in human.stdout and "z=" in human.stdout


def test_node_computes_the_same_buckets_as_the_vectors() -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    files = [ROOT / "tests" / "vectors" / "bucketing.json"]
    handed = ROOT.parent / "shared" / "cases" / "route_handed.json"
    files += [handed] if handed.exists() else []
    done = subprocess.run([node, str(ROOT / "tests" / "vectors" / "bucketing_check.mjs"),
                           *map(str, files)], capture_output=True, text=True, timeout=60)
    if done.returncode != 0 and "crypto is not defined" in done.stderr:
        pytest.skip("this node has no Web Crypto API")
    assert done.returncode == 0, done.stdout + done.stderr
    assert " 0 mismatched" in done.stdout


def test_a_promote_over_a_hand_picked_window_never_authorizes_a_rollout(work: Path) -> None:
    """One hard violation among many passes: the last 5 runs look clean, the window does not."""
    bad = {"run_id": "v2-debris", "target_graph": G, "prompt_version": "v2", "passed": True,
           "violations": ["template_debris"], "created_at": "2026-11-01T00:00:00Z"}
    _ingest(work, [bad, *_passing(10)])
    assert cli(work, "decide", "--graph", G, "--version", "v2", "--last", "5").returncode == 0
    refused = cli(work, "rollout", "set", "--graph", G, "--percent", "100", "--reason", "sneak")
    assert refused.returncode == 5 and "whole-window" in refused.stderr
    assert cli(work, "rollout", "promote", "--graph", G, "--reason", "sneak").returncode == 5
    assert cli(work, "decide", "--graph", G, "--version", "v2").returncode == 4


def test_a_blank_percent_and_an_unknown_graph_are_usage_errors(work: Path) -> None:
    blank = cli(work, "rollout", "set", "--graph", G, "--percent", "  ", "--reason", "oops")
    assert blank.returncode == 2 and "blank" in blank.stderr
    unknown = cli(work, "cohorts", "--graph", "nosuch")
    assert unknown.returncode == 2
