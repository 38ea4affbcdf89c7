"""LangSmith runs with their feedback, exported as JSONL (one run per line), as verdicts.

A line is a run in LangSmith's documented run format (`id`, `trace_id`, `parent_run_id`,
`start_time`, `end_time`, `status`, `error`, `extra.metadata`, `total_cost`, `feedback_stats`)
with the run's feedback attached as a `feedback` list (`key`, `score`, ...). Only root runs are
verdicts; child runs (LLM calls, tools) are counted and left out.

- `run_id`: `langsmith:<id>`
- `passed`: every feedback score ≥ `pass_threshold` (booleans count 1/0; feedback without a
  score is ignored; `feedback_stats` averages when no list is attached); **null** when the run
  errored (`error`, or `status` "error") or has no scored feedback
- `composite`: the mean of the scores, when each lies in [0, 1]
- `violations`: the `key` of every feedback that did not pass, as codes
- `latency_ms`: `end_time` − `start_time`, left out for an errored run
- `cost_usd`: `total_cost`
- `cohort`: `extra.metadata.cohort` (stamped by releasegate's router), when control/candidate
- `created_at`: `start_time` (LangSmith's times are UTC)

Runs whose `metadata.version_id` names another version are left out and counted, so one
project export holding a canary's two cohorts is imported once per version. Nothing else is read:
not inputs, outputs, the error text, feedback comments or values, tags or names.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from releasegate.errors import InputError, Problem, VerdictError
from releasegate.integrations.verdict_rows import (
    Imported,
    ImportTarget,
    code_of,
    rfc3339,
    stable_id,
    validated,
)

__all__ = ["import_langsmith"]


@dataclass(frozen=True, slots=True)
class _Line:
    number: int
    run: Mapping[str, Any]


def _lines(path: str) -> Iterator[_Line]:
    problems = []
    try:
        with open(path, encoding="utf-8-sig") as handle:
            for number, text in enumerate(handle, start=1):
                if not text.strip():
                    continue
                try:
                    run = json.loads(text)
                except json.JSONDecodeError as exc:
                    problems.append(Problem(path, number, "(row)", f"invalid JSON: {exc.msg}"))
                    continue
                if not isinstance(run, Mapping):
                    problems.append(Problem(path, number, "(row)", "must be a JSON object"))
                    continue
                yield _Line(number, run)
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not valid UTF-8") from None
    if problems:
        raise VerdictError(problems)


def _metadata(run: Mapping[str, Any]) -> Mapping[str, Any]:
    extra = run.get("extra")
    found = extra.get("metadata") if isinstance(extra, Mapping) else None
    if not isinstance(found, Mapping):
        found = run.get("metadata")
    return found if isinstance(found, Mapping) else {}


def _is_root(run: Mapping[str, Any]) -> bool:
    if run.get("is_root") is not None:
        return bool(run["is_root"])
    return not run.get("parent_run_id") and not run.get("parent_run_ids")


def _score(value: Any) -> float | None:
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int | float) and value == value and abs(value) != float("inf"):
        return float(value)
    return None


def _scores(run: Mapping[str, Any]) -> list[tuple[str, float]]:
    feedback = run.get("feedback")
    if isinstance(feedback, list):
        items = [(f.get("key"), _score(f.get("score"))) for f in feedback if isinstance(f, Mapping)]
    else:
        stats = run.get("feedback_stats")
        items = [(key, _score(s.get("avg"))) for key, s in stats.items()
                 if isinstance(s, Mapping)] if isinstance(stats, Mapping) else []
    return [(str(key), score) for key, score in items if score is not None]


def _latency_ms(run: Mapping[str, Any]) -> float | None:
    start, end = rfc3339(run.get("start_time")), rfc3339(run.get("end_time"))
    if start is None or end is None:
        return None
    delta = datetime.fromisoformat(end) - datetime.fromisoformat(start)
    ms = delta.total_seconds() * 1000
    return ms if ms >= 0 else None


def _cost(value: Any) -> float | None:
    try:
        cost = float(value) if isinstance(value, int | float | str) else None
    except ValueError:
        return None
    return cost if cost is not None and 0 <= cost < float("inf") else None


def _verdict(run: Mapping[str, Any], target: ImportTarget) -> dict[str, Any]:
    cohort = _metadata(run).get("cohort")
    common: dict[str, Any] = {
        "cohort": cohort if cohort in ("control", "candidate") else None,
        "cost_usd": _cost(run.get("total_cost")),
        "created_at": rfc3339(run.get("start_time")),
    }
    run_id = stable_id("langsmith", run.get("id"))
    scores = _scores(run)
    if run.get("error") or run.get("status") == "error" or not scores:
        return target.row(run_id, None, **common)
    failed = sorted({code for key, score in scores if score < target.pass_threshold
                     if (code := code_of(key))})
    values = [score for _, score in scores]
    return target.row(
        run_id, all(score >= target.pass_threshold for score in values),
        composite=sum(values) / len(values) if all(0 <= v <= 1 for v in values) else None,
        violations=failed or None, latency_ms=_latency_ms(run), **common,
    )


def import_langsmith(path: str | Path, target: ImportTarget) -> Imported:
    """Verdicts from a LangSmith JSONL export: one per root run of `target.version`."""
    name = str(path)
    rows, where, children, others = [], [], 0, 0
    for line in _lines(name):
        if not _is_root(line.run):
            children += 1
            continue
        version = _metadata(line.run).get("version_id")
        if version is not None and version != target.version:
            others += 1
            continue
        if not isinstance(line.run.get("id"), str) or not line.run["id"]:
            raise InputError(f"{name}:{line.number}: id: a run needs its LangSmith id")
        rows.append(_verdict(line.run, target))
        where.append(line.number)
    notes = []
    if children:
        notes.append(f"{children} child runs left out (only root runs are verdicts)")
    if others:
        notes.append(f"{others} root runs of other versions (metadata.version_id) left out")
    if not rows:
        raise InputError(f"{name}: no root runs of version {target.version!r}"
                         + (f" ({'; '.join(notes)})" if notes else ""))
    return validated("langsmith", name, rows, where, notes)
