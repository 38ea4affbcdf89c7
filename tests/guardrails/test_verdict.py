"""verdict_from_checks: a schema-v1 row of codes and numbers."""

from __future__ import annotations

import json

import pytest

from releasegate.errors import VerdictError
from releasegate.guardrails import GuardrailPolicy, check_draft, detect_loops, verdict_from_checks

IDS = {"run_id": "run-1", "target_graph": "composer", "prompt_version": "v2"}


def test_clean_draft_and_passing_judge_make_a_passing_row() -> None:
    row = verdict_from_checks(check_draft("Hi Dana, thanks."), passed=True, composite=0.9, **IDS)
    assert row == IDS | {
        "passed": True,
        "composite": 0.9,
        "violations": [],
        "hard_violation": False,
    }


def test_a_hard_violation_fails_the_run_and_sets_the_veto() -> None:
    found = check_draft("Hi {{name}} {{name}}", "FREE MONEY!!!") + detect_loops(["n"] * 30)
    row = verdict_from_checks(found, passed=True, judge_version="j1", latency_ms=120, **IDS)
    assert row["passed"] is False and row["hard_violation"] is True
    assert row["violations"] == ["loop_detected", "spam_marker", "template_debris"]


def test_an_unscored_run_stays_unscored() -> None:
    row = verdict_from_checks(check_draft(""), passed=None, **IDS)
    assert row["passed"] is None and row["hard_violation"] is True


def test_soft_codes_do_not_set_the_veto() -> None:
    policy = GuardrailPolicy(hard_codes=frozenset({"template_debris"}))
    row = verdict_from_checks(check_draft("Act now"), passed=True, policy=policy, **IDS)
    assert row["violations"] == ["spam_marker"] and row["hard_violation"] is False
    assert row["passed"] is True


def test_the_row_carries_no_text() -> None:
    row = verdict_from_checks(check_draft("Hi {{secret}}", "secret subject"), passed=True, **IDS)
    assert "secret" not in json.dumps(row)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"composite": float("nan")}, "composite"),
        ({"composite": 1.5}, "composite"),
        ({"latency_ms": -1}, "latency_ms"),
        ({"target_graph": "bad graph!"}, "target_graph"),
        ({"run_id": ""}, "run_id"),
        ({"levels_scored": ["outcome", "vibes"]}, "levels_scored"),
    ],
)
def test_bad_values_raise_a_verdict_error_naming_the_field(
    change: dict[str, object], field: str
) -> None:
    args: dict[str, object] = dict(IDS) | {"passed": True} | change
    with pytest.raises(VerdictError, match=field):
        verdict_from_checks([], **args)  # type: ignore[arg-type]
