"""promptfoo results (`promptfoo eval -o results.json`) as schema-v1 verdicts.

One row of `results.results[]` (one test case run by one provider on one prompt) is one verdict:

- `run_id`: `promptfoo:<row id>` (else `promptfoo:<evalId>:<testIdx>:<promptIdx>`)
- `passed`: `success`; **null** when the row errored (`failureReason` 2, or no grading at all)
- `composite`: `score` when it lies in [0, 1] and the row did not error
- `violations`: the `metric` of every failed assertion (`gradingResult.componentResults`,
  nested assert-sets included)
- `latency_ms`: `latencyMs`, left out for an errored row (a crash is not a fast run)
- `cost_usd`: `cost`
- `created_at`: the eval's `results.timestamp`
- `levels_*`: the target's levels (default `outcome`); an errored row scored none

Nothing else is read: not the prompt, the output, the test's vars, the error text or the reasons.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Final

from releasegate.errors import InputError
from releasegate.integrations.verdict_rows import (
    Imported,
    ImportTarget,
    code_of,
    read_json,
    rfc3339,
    stable_id,
    validated,
)

__all__ = ["import_promptfoo"]

ASSERT_FAILED: Final = 1
ERRORED: Final = 2


def _rows_of(data: Any, path: str) -> tuple[list[Mapping[str, Any]], str | None, Any]:
    """The result rows, the eval id and the eval timestamp, from the v3 file (or an older one)."""
    if not isinstance(data, Mapping):
        raise InputError(f"{path}: not a promptfoo results file (expected a JSON object)")
    results = data.get("results")
    timestamp = None
    if isinstance(results, Mapping):  # promptfoo ≥ 0.50: {"evalId", "results": {"results": []}}
        timestamp = results.get("timestamp")
        results = results.get("results")
    if not isinstance(results, list) or not all(isinstance(r, Mapping) for r in results):
        raise InputError(f"{path}: not a promptfoo results file (no results.results[] list)")
    eval_id = data.get("evalId")
    return results, eval_id if isinstance(eval_id, str) else None, timestamp


def _provider(row: Mapping[str, Any]) -> str:
    provider = row.get("provider")
    if isinstance(provider, Mapping):
        return str(provider.get("label") or provider.get("id") or "?")
    return str(provider or "?")


def _select(rows: list[Mapping[str, Any]], path: str, provider: str | None,
            prompt_index: int | None) -> list[tuple[int, Mapping[str, Any]]]:
    chosen = [(i, r) for i, r in enumerate(rows, start=1)
              if (provider is None or provider in (_provider(r), _provider_id(r)))
              and (prompt_index is None or r.get("promptIdx") == prompt_index)]
    providers = sorted({_provider(r) for _, r in chosen})
    prompts = sorted({r.get("promptIdx", 0) for _, r in chosen})
    if len(providers) > 1:
        raise InputError(f"{path}: rows from {len(providers)} providers ({', '.join(providers)}): "
                         "each is a different version; choose one with --provider")
    if len(prompts) > 1:
        raise InputError(f"{path}: rows from {len(prompts)} prompts (promptIdx "
                         f"{', '.join(map(str, prompts))}); choose one with --prompt-index")
    return chosen


def _provider_id(row: Mapping[str, Any]) -> str | None:
    provider = row.get("provider")
    return str(provider.get("id")) if isinstance(provider, Mapping) else None


def _failed_metrics(grading: Any) -> Iterator[str]:
    """The metric names of failed assertions, walking nested assert-sets."""
    if not isinstance(grading, Mapping):
        return
    for component in grading.get("componentResults") or ():
        if not isinstance(component, Mapping):
            continue
        assertion = component.get("assertion")
        metric = assertion.get("metric") if isinstance(assertion, Mapping) else None
        if component.get("pass") is False and isinstance(metric, str):
            code = code_of(metric)
            if code:
                yield code
        yield from _failed_metrics(component)


def _passed(row: Mapping[str, Any]) -> bool | None:
    if row.get("failureReason") == ERRORED:
        return None
    if row.get("gradingResult") is None and row.get("error"):
        return None  # no grading happened: the provider failed
    success = row.get("success")
    return success if isinstance(success, bool) else None


def _number(value: Any, *, upper: float | None = None) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if value < 0 or (upper is not None and value > upper) or value != value:
        return None
    return float(value)


def _verdict(row: Mapping[str, Any], target: ImportTarget, eval_id: str | None,
             created_at: str | None, position: int) -> dict[str, Any]:
    row_id = row.get("id")
    run_id = (stable_id("promptfoo", row_id) if isinstance(row_id, str) and row_id else
              stable_id("promptfoo", eval_id or "eval", row.get("testIdx", position),
                        row.get("promptIdx", 0)))
    passed = _passed(row)
    scored = passed is not None
    return target.row(
        run_id, passed,
        composite=_number(row.get("score"), upper=1) if scored else None,
        violations=sorted(set(_failed_metrics(row.get("gradingResult")))) or None,
        latency_ms=_number(row.get("latencyMs")) if scored else None,
        cost_usd=_number(row.get("cost")),
        created_at=created_at,
    )


def import_promptfoo(path: str | Path, target: ImportTarget, *, provider: str | None = None,
                     prompt_index: int | None = None) -> Imported:
    """Verdicts from a promptfoo results file; one provider and one prompt per import."""
    name = str(path)
    rows, eval_id, timestamp = _rows_of(read_json(path), name)
    chosen = _select(rows, name, provider, prompt_index)
    created_at = rfc3339(timestamp)
    verdicts = [_verdict(row, target, eval_id, created_at, i) for i, row in chosen]
    notes = []
    if len(chosen) < len(rows):
        notes.append(f"{len(rows) - len(chosen)} rows of other providers or prompts left out")
    return validated("promptfoo", name, verdicts, [i for i, _ in chosen], notes)
