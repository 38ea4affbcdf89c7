"""Schema v1 (SPEC §2): what a verdict may carry and how a bad one is named."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from releasegate.verdicts import ProblemsFound, Verdict, decode_json_object, parse_verdict
from tests.conftest import verdict


def problems_of(obj: Any) -> list[tuple[str, str]]:
    with pytest.raises(ProblemsFound) as caught:
        parse_verdict(obj, source="f.jsonl", line=7)
    assert all(p.source == "f.jsonl" and p.line == 7 for p in caught.value.problems)
    return [(p.field, p.message) for p in caught.value.problems]


def test_minimal_row_gets_the_documented_defaults() -> None:
    v = parse_verdict({"run_id": "r", "target_graph": "g", "prompt_version": "v1",
                       "passed": True})
    assert v.judge_version == "default"
    assert v.violations == [] and v.hard_violation is False
    assert v.levels_requested == ["step", "trajectory", "outcome"]
    assert v.scored_mask == v.requested_mask == 7 and v.fully_covered
    assert v.created_at is None and v.latency_us is None


def test_null_passed_is_kept_as_an_unscored_run_and_a_coverage_hole() -> None:
    v = parse_verdict(verdict("r", None))
    assert v.passed is None
    assert not v.fully_covered


def test_missing_scored_level_is_a_coverage_hole() -> None:
    v = parse_verdict(verdict("r", True, levels_scored=["step", "trajectory"]))
    assert not v.fully_covered
    assert parse_verdict(verdict("r", True, levels_requested=["step"],
                                 levels_scored=["step"])).fully_covered


def test_violation_codes_are_sorted_and_deduplicated() -> None:
    v = parse_verdict(verdict("r", violations=["spam_marker", "a.b:c-d", "spam_marker"]))
    assert v.violations == ["a.b:c-d", "spam_marker"]


def test_latency_becomes_integer_microseconds() -> None:
    assert parse_verdict(verdict("r", latency_ms=1840)).latency_us == 1_840_000
    assert parse_verdict(verdict("r", latency_ms=0.0015)).latency_us == 2  # half-even of 1.5
    assert parse_verdict(verdict("r", latency_ms=12.3456)).latency_us == 12_346


@pytest.mark.parametrize("stamp, expected", [
    ("2026-11-03T02:01:00Z", datetime(2026, 11, 3, 2, 1, tzinfo=UTC)),
    ("2026-11-03T04:01:00+02:00", datetime(2026, 11, 3, 2, 1, tzinfo=UTC)),
    ("2026-11-03 02:01:00.123456789z", datetime(2026, 11, 3, 2, 1, 0, 123456, tzinfo=UTC)),
])
def test_rfc3339_timestamps_are_normalised_to_utc(stamp: str, expected: datetime) -> None:
    assert parse_verdict(verdict("r", created_at=stamp)).created_at == expected


def test_unicode_run_id_is_accepted_as_given() -> None:
    assert parse_verdict(verdict("прогон-✓-東京")).run_id == "прогон-✓-東京"


@pytest.mark.parametrize("fields, field, fragment", [
    ({"latency_ms": float("nan")}, "latency_ms", "finite"),
    ({"latency_ms": float("inf")}, "latency_ms", "finite"),
    ({"composite": float("-inf")}, "composite", "finite"),
    ({"cost_usd": float("nan")}, "cost_usd", "finite"),
    ({"latency_ms": -1}, "latency_ms", "greater than or equal to 0"),
    ({"cost_usd": -0.01}, "cost_usd", "greater than or equal to 0"),
    ({"composite": 1.5}, "composite", "less than or equal to 1"),
    ({"latency_ms": True}, "latency_ms", "number"),
    ({"latency_ms": "12"}, "latency_ms", "number"),
    ({"passed": "yes"}, "passed", "true or false"),
    ({"passed": 1}, "passed", "true or false"),
    ({"hard_violation": "false"}, "hard_violation", "true or false"),
    ({"subject": "Quick question"}, "subject", "unknown field"),
    ({"body": "Hi"}, "body", "unknown field"),
    ({"email": "a@b.c"}, "email", "unknown field"),
    ({"levels_scored": ["vibes"]}, "levels_scored.0", "'step'"),
    ({"levels_requested": []}, "levels_requested", "at least 1"),
    ({"violations": ["Template Debris"]}, "violations.0", "must match"),
    ({"violations": ["x" * 65]}, "violations.0", "must match"),
    ({"violations": "template_debris"}, "violations", "list"),
    ({"target_graph": "campaign composer"}, "target_graph", "must match"),
    ({"prompt_version": ""}, "prompt_version", "must match"),
    ({"judge_version": "j" * 129}, "judge_version", "must match"),
    ({"run_id": ""}, "run_id", "at least 1"),
    ({"run_id": "r" * 129}, "run_id", "at most 128"),
    ({"run_id": 17}, "run_id", "string"),
    ({"cohort": "treatment"}, "cohort", "'control'"),
    ({"created_at": "2026-11-03T02:01:00"}, "created_at", "offset"),
    ({"created_at": "yesterday"}, "created_at", "RFC 3339"),
    ({"created_at": "2026-02-30T00:00:00Z"}, "created_at", "real date"),
    ({"created_at": 1700000000}, "created_at", "RFC 3339"),
])
def test_each_bad_field_is_named(fields: dict[str, Any], field: str, fragment: str) -> None:
    found = problems_of({**verdict("r"), **fields})
    assert any(f == field and fragment in m for f, m in found), found


def test_missing_passed_is_an_error_not_an_unscored_run() -> None:
    row = verdict("r")
    del row["passed"]
    assert problems_of(row) == [("passed", "required field is missing")]


def test_every_problem_in_a_row_is_reported() -> None:
    found = problems_of({"run_id": "", "passed": "maybe", "x": 1})
    assert {f for f, _ in found} >= {"run_id", "passed", "x", "target_graph", "prompt_version"}


@pytest.mark.parametrize("value", [[1], "text", None, 3])
def test_a_row_must_be_an_object(value: Any) -> None:
    assert problems_of(value) == [("(row)", "must be a JSON object")]


def test_json_decoding_refuses_duplicate_keys() -> None:
    with pytest.raises(ValueError, match="duplicate key 'passed'"):
        decode_json_object('{"passed": true, "passed": false}')


def test_json_decoding_turns_nan_into_a_field_error_not_a_value() -> None:
    obj = decode_json_object('{"run_id": "r", "target_graph": "g", "prompt_version": "v",'
                             ' "passed": true, "latency_ms": NaN, "composite": -Infinity}')
    fields = {f for f, _ in problems_of(obj)}
    assert fields == {"latency_ms", "composite"}


def test_json_decoding_names_the_column_of_a_syntax_error() -> None:
    with pytest.raises(ValueError, match="column"):
        decode_json_object('{"run_id": "r",}')


def test_verdict_is_immutable() -> None:
    v = parse_verdict(verdict("r"))
    with pytest.raises(Exception):  # noqa: B017 - pydantic raises ValidationError
        v.passed = False  # type: ignore[misc]
    assert isinstance(v, Verdict)
