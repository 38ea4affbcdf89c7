"""verdict_from_checks: guardrail findings plus a judge's scores become one schema-v1 verdict row.

The row carries codes and numbers only: never a subject, a body, an address or a span's text.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence

from releasegate.errors import Problem, VerdictError

from .policy import DEFAULT_GUARDRAILS, GuardrailPolicy
from .violation import Violation

__all__ = ["verdict_from_checks"]

_NAME = re.compile(r"^[A-Za-z0-9_.:/-]{1,128}$")
_LEVELS = ("step", "trajectory", "outcome")
_SOURCE = "verdict_from_checks"


def _problem(field: str, message: str) -> VerdictError:
    return VerdictError([Problem(_SOURCE, 0, field, message)])


def _number(field: str, value: float | None, *, upper: float | None = None) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _problem(field, "must be a finite number")
    if value < 0 or (upper is not None and value > upper):
        bound = f"in [0, {upper:g}]" if upper is not None else "at least 0"
        raise _problem(field, f"must be {bound}")


def _names(run_id: str, target_graph: str, prompt_version: str, judge_version: str | None) -> None:
    if not isinstance(run_id, str) or not 1 <= len(run_id) <= 128:
        raise _problem("run_id", "must be a string of 1-128 characters")
    named = {"target_graph": target_graph, "prompt_version": prompt_version}
    if judge_version is not None:
        named["judge_version"] = judge_version
    for field, value in named.items():
        if not isinstance(value, str) or not _NAME.match(value):
            raise _problem(field, "must be 1-128 characters of [A-Za-z0-9_.:/-]")


def _levels(field: str, levels: Sequence[str] | None) -> list[str] | None:
    if levels is None:
        return None
    bad = [lv for lv in levels if lv not in _LEVELS]
    if bad:
        raise _problem(field, f"unknown level {bad[0]!r} (known: step, trajectory, outcome)")
    return list(dict.fromkeys(levels))


def verdict_from_checks(
    violations: Iterable[Violation],
    *,
    run_id: str,
    target_graph: str,
    prompt_version: str,
    passed: bool | None,
    composite: float | None = None,
    judge_version: str | None = None,
    latency_ms: float | None = None,
    cost_usd: float | None = None,
    levels_requested: Sequence[str] | None = None,
    levels_scored: Sequence[str] | None = None,
    policy: GuardrailPolicy = DEFAULT_GUARDRAILS,
) -> dict[str, object]:
    """A schema-v1 verdict row as a plain dict.

    `passed` is the judge's verdict (None: the judge could not score the run). A hard violation
    makes a scored run fail, since a draft with debris in it did not do its job; an unscored run
    stays unscored (a coverage hole), and `hard_violation` carries the veto either way.
    `violations` keeps each code once, sorted. Optional fields left as None are left out.
    """
    _names(run_id, target_graph, prompt_version, judge_version)
    if passed is not None and not isinstance(passed, bool):
        raise _problem("passed", "must be true, false or null")
    _number("composite", composite, upper=1.0)
    _number("latency_ms", latency_ms)
    _number("cost_usd", cost_usd)
    codes = sorted({v.code for v in violations})
    hard = any(policy.is_hard(code) for code in codes)
    row: dict[str, object] = {
        "run_id": run_id,
        "target_graph": target_graph,
        "prompt_version": prompt_version,
        "passed": None if passed is None else passed and not hard,
        "violations": codes,
        "hard_violation": hard,
    }
    optional = {
        "judge_version": judge_version,
        "composite": composite,
        "latency_ms": latency_ms,
        "cost_usd": cost_usd,
        "levels_requested": _levels("levels_requested", levels_requested),
        "levels_scored": _levels("levels_scored", levels_scored),
    }
    row.update({k: v for k, v in optional.items() if v is not None})
    return row
