"""The importers on files produced by really running promptfoo and Inspect AI, and on a
LangSmith export written from its documented schema: counts, the passed/null mapping, latencies,
codes, stable ids, and no text copied."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from releasegate.errors import ConfigError, InputError, VerdictError
from releasegate.integrations import (
    ImportTarget,
    import_file,
    import_inspect_log,
    import_langsmith,
    import_promptfoo,
)
from releasegate.integrations.inspect_logs import score_value
from releasegate.integrations.verdict_rows import code_of, rfc3339, stable_id
from releasegate.verdicts import parse_verdict
from tests.integrations.conftest import INSPECT_EVAL, INSPECT_JSON, LANGSMITH, PROMPTFOO

# Text that is in the result files and must never reach a verdict row.
PROMPTFOO_TEXT = ["dana@example.com", "Write a short follow-up", "Acme Corp", "Hi Dana",
                  "Command failed", "Expected output", "Happy to help", "Dana"]
INSPECT_TEXT = ["Write a follow-up", "Acme Corp", "Hi Dana", "CRM lookup timed out", "Dana"]
LANGSMITH_TEXT = ["dana@acme.example", "Hi Dana", "Acme Corp", "TimeoutError",
                  "Misses the customer", "thread-1000", "campaign_composer\", \"run_type"]


def _dump(rows: Any) -> str:
    return json.dumps(list(rows))


def _by_passed(rows: Any) -> dict[Any, int]:
    counts: dict[Any, int] = {}
    for row in rows:
        counts[row["passed"]] = counts.get(row["passed"], 0) + 1
    return counts


# --- promptfoo ---------------------------------------------------------------------------------

def test_promptfoo_results_become_one_verdict_per_test(target: ImportTarget) -> None:
    imported = import_promptfoo(PROMPTFOO, target)
    assert imported.counts() == {"runs": 8, "passed": 5, "failed": 2, "unscored": 1}
    assert _by_passed(imported.rows) == {True: 5, False: 2, None: 1}
    for row in imported.rows:
        parse_verdict(row)  # every row is schema v1
        assert row["target_graph"] == "campaign_composer" and row["prompt_version"] == "v2"
        assert row["judge_version"] == "j1" and row["run_id"].startswith("promptfoo:")
        assert row["levels_requested"] == ["outcome"]
        assert row["created_at"].endswith("Z")


def test_promptfoo_errored_test_is_unscored_never_a_pass(target: ImportTarget) -> None:
    raw = json.loads(PROMPTFOO.read_text())["results"]["results"]
    errored = {f"promptfoo:{r['id']}" for r in raw if r["failureReason"] == 2}
    assert len(errored) == 1
    row = next(r for r in import_promptfoo(PROMPTFOO, target).rows if r["run_id"] in errored)
    assert row["passed"] is None and row["levels_scored"] == []
    assert "latency_ms" not in row and "composite" not in row


def test_promptfoo_failed_metrics_become_codes_and_latency_is_kept(target: ImportTarget) -> None:
    results = json.loads(PROMPTFOO.read_text())["results"]["results"]
    raw = {f"promptfoo:{r['id']}": r for r in results}
    rows = import_promptfoo(PROMPTFOO, target).rows
    failed = sorted(tuple(r.get("violations", [])) for r in rows if r["passed"] is False)
    assert failed == [("mentions_company",), ("template_debris",)]
    assert all("violations" not in r for r in rows if r["passed"] is True)
    for row in rows:
        if row["passed"] is not None:
            assert row["latency_ms"] == raw[row["run_id"]]["latencyMs"] > 0
            assert row["composite"] == pytest.approx(raw[row["run_id"]]["score"])


def test_promptfoo_rows_copy_no_text(target: ImportTarget) -> None:
    dumped = _dump(import_promptfoo(PROMPTFOO, target).rows)
    for text in PROMPTFOO_TEXT:
        assert text in PROMPTFOO.read_text()  # the text is really in the source file
        assert text not in dumped


def test_promptfoo_several_providers_must_be_chosen(target: ImportTarget,
                                                    tmp_path: Path) -> None:
    data = json.loads(PROMPTFOO.read_text())
    rows = data["results"]["results"]
    for row in rows[:3]:
        row["provider"] = {"id": "exec: python3 agent_v1.py", "label": "campaign-composer-v1"}
    path = tmp_path / "two.json"
    path.write_text(json.dumps(data))
    with pytest.raises(InputError, match=r"2 providers.*--provider"):
        import_promptfoo(path, target)
    chosen = import_promptfoo(path, target, provider="campaign-composer-v2")
    assert len(chosen.rows) == 5 and "3 rows of other providers" in chosen.notes[0]


def test_promptfoo_bad_files_are_refused_by_name(target: ImportTarget, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(InputError, match=r"bad.json: invalid JSON"):
        import_promptfoo(bad, target)
    bad.write_text('{"results": {"stats": {}}}')
    with pytest.raises(InputError, match="not a promptfoo results file"):
        import_promptfoo(bad, target)
    with pytest.raises(InputError, match="cannot read"):
        import_promptfoo(tmp_path / "missing.json", target)


# --- Inspect AI --------------------------------------------------------------------------------

@pytest.mark.parametrize("path", [INSPECT_EVAL, INSPECT_JSON], ids=["eval", "json"])
def test_inspect_logs_in_both_formats(path: Path, target: ImportTarget) -> None:
    imported = import_inspect_log(path, target)
    assert imported.counts() == {"runs": 10, "passed": 8, "failed": 1, "unscored": 1}
    assert imported.notes == ("1 errored sample: passed null",)
    by_sample = {row["run_id"].split(":")[2]: row for row in imported.rows}
    assert by_sample["s06"]["passed"] is None and by_sample["s06"]["levels_scored"] == []
    assert "latency_ms" not in by_sample["s06"]
    assert by_sample["s02"]["passed"] is False
    assert by_sample["s02"]["violations"] == ["includes"]
    assert by_sample["s02"]["composite"] == 0.5  # includes I, template_debris C
    assert by_sample["s00"] == {**by_sample["s00"], "passed": True, "composite": 1.0}
    for row in imported.rows:
        parse_verdict(row)
        if row["passed"] is not None:
            assert 0 < row["latency_ms"] < 60_000


def test_inspect_latency_is_total_time_in_ms(target: ImportTarget) -> None:
    from inspect_ai.log import read_eval_log

    log = read_eval_log(str(INSPECT_EVAL))
    rows = {row["run_id"]: row for row in import_inspect_log(INSPECT_EVAL, target).rows}
    for sample in log.samples or []:
        row = rows[f"inspect:{log.eval.eval_id}:{sample.id}:{sample.epoch}"]
        if sample.error is None:
            assert row["latency_ms"] == pytest.approx(sample.total_time * 1000)


@pytest.mark.parametrize("path", [INSPECT_EVAL, INSPECT_JSON], ids=["eval", "json"])
def test_inspect_rows_copy_no_text(path: Path, target: ImportTarget) -> None:
    dumped = _dump(import_inspect_log(path, target).rows)
    for text in INSPECT_TEXT:
        assert text not in dumped
    assert "CRM lookup timed out" in INSPECT_JSON.read_text()


def test_inspect_unreadable_log_is_an_input_error(target: ImportTarget, tmp_path: Path) -> None:
    bad = tmp_path / "broken.eval"
    bad.write_bytes(b"not a zip")
    with pytest.raises(InputError, match=r"broken.eval: not a readable Inspect AI log"):
        import_inspect_log(bad, target)
    with pytest.raises(InputError, match="no such file"):
        import_inspect_log(tmp_path / "none.json", target)


@pytest.mark.parametrize(("value", "number"), [
    ("C", 1.0), ("I", 0.0), ("P", 0.5), ("N", 0.0), (True, 1.0), (0.75, 0.75), ("yes", 1.0),
    ("a free-text answer", None), (float("nan"), None), (None, None)])
def test_inspect_score_values(value: Any, number: float | None) -> None:
    assert score_value(value) == number


# --- LangSmith ---------------------------------------------------------------------------------

def test_langsmith_root_runs_with_feedback(target: ImportTarget) -> None:
    imported = import_langsmith(LANGSMITH, target)
    assert imported.counts() == {"runs": 20, "passed": 17, "failed": 2, "unscored": 1}
    assert imported.notes == ("2 child runs left out (only root runs are verdicts)",)
    runs = {f"langsmith:{r['id']}": r for r in map(json.loads, LANGSMITH.open())}
    for row in imported.rows:
        parse_verdict(row)
        run = runs[row["run_id"]]
        assert row["cohort"] == "candidate"
        if run["error"]:
            assert row["passed"] is None and "latency_ms" not in row
            continue
        assert row["violations" if not row["passed"] else "run_id"]
        if row["passed"] is False:
            assert row["violations"] == ["correctness"]
        assert 900 <= row["latency_ms"] <= 2600
        assert row["cost_usd"] == run["total_cost"]


def test_langsmith_feedback_stats_stand_in_for_a_missing_list(target: ImportTarget) -> None:
    runs = [json.loads(line) for line in LANGSMITH.open()]
    without = [r for r in runs if "feedback" not in r]
    assert len(without) == 1
    row = next(r for r in import_langsmith(LANGSMITH, target).rows
               if r["run_id"] == f"langsmith:{without[0]['id']}")
    assert row["passed"] is True


def test_langsmith_rows_copy_no_text(target: ImportTarget) -> None:
    dumped = _dump(import_langsmith(LANGSMITH, target).rows)
    for text in LANGSMITH_TEXT:
        assert text in LANGSMITH.read_text()
        assert text not in dumped


def test_langsmith_other_versions_are_left_out_and_counted(target: ImportTarget) -> None:
    other = ImportTarget(graph="campaign_composer", version="v1")
    with pytest.raises(InputError, match=r"no root runs of version 'v1'.*20 root runs"):
        import_langsmith(LANGSMITH, other)


def test_langsmith_bad_line_is_refused_with_its_number(target: ImportTarget,
                                                       tmp_path: Path) -> None:
    path = tmp_path / "runs.jsonl"
    lines = LANGSMITH.read_text().splitlines()
    path.write_text("\n".join([lines[0], "{oops", lines[1]]) + "\n")
    with pytest.raises(VerdictError, match=r"runs.jsonl:2"):
        import_langsmith(path, target)


# --- shared ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("tool", "path"), [("promptfoo", PROMPTFOO), ("inspect", INSPECT_EVAL),
                                            ("langsmith", LANGSMITH)])
def test_reimport_gives_the_same_rows(tool: str, path: Path, target: ImportTarget,
                                      tmp_path: Path) -> None:
    """run_ids come from the file's own ids: a copy of the file imports to the same rows."""
    copy = tmp_path / path.name
    shutil.copyfile(path, copy)
    assert import_file(tool, path, target).rows == import_file(tool, copy, target).rows
    ids = [row["run_id"] for row in import_file(tool, path, target).rows]
    assert len(ids) == len(set(ids))


def test_unknown_tool_and_bad_target() -> None:
    target = ImportTarget(graph="g", version="v")
    with pytest.raises(InputError, match="unknown tool"):
        import_file("deepeval", LANGSMITH, target)
    with pytest.raises(ConfigError, match="--version"):
        ImportTarget(graph="g", version="v 2")
    with pytest.raises(ConfigError, match="--levels"):
        ImportTarget(graph="g", version="v", levels=("final",))
    with pytest.raises(ConfigError, match="--pass-threshold"):
        ImportTarget(graph="g", version="v", pass_threshold=0)


def test_levels_option_sets_requested_and_scored() -> None:
    target = ImportTarget(graph="g", version="v2", levels=("trajectory", "outcome"))
    rows = import_langsmith(LANGSMITH, target).rows
    assert all(r["levels_requested"] == ["trajectory", "outcome"] for r in rows)
    assert {tuple(r["levels_scored"]) for r in rows} == {("trajectory", "outcome"), ()}


def test_helpers() -> None:
    assert code_of("Mentions Company!") == "mentions_company"
    assert code_of("") is None and code_of(3) is None
    assert stable_id("x", "abc", 1) == "x:abc:1"
    assert stable_id("x", "a sentence, not an id").startswith("x:h")
    assert rfc3339("2026-11-24T09:00:41.050631") == "2026-11-24T09:00:41.050631Z"
    assert rfc3339("2026-11-24T10:00:00+01:00") == "2026-11-24T09:00:00.000000Z"
    assert rfc3339("yesterday") is None


def test_check_names_that_could_carry_text_become_digests() -> None:
    assert code_of("Dear Omar omar@umbrella.example").startswith("check.h")
    assert code_of("a sentence that goes on and on about the draft") .startswith("check.h")
    assert code_of("Omar omar@x.io") != code_of("Ana ana@x.io")
