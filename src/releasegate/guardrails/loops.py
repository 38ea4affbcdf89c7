"""loop_detected: the same call made again and again in one run.

A step is a tool call or a node visit: a string (a node name), a mapping with a name under `name`,
`tool` or `node` and arguments under `args`, `arguments`, `input` or `params`, or any object with
those attributes. Two calls are the same when their names are equal and their arguments are equal
once canonicalised: key order, tuple-vs-list, `1` vs `1.0` and arguments given as a JSON string do
not matter. Results, statuses, ids and timestamps are ignored, so repeated *successful* calls are
still a loop, while a paginated walk (`page=1`, `page=2`, ...) is not: its arguments differ.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from releasegate.errors import InputError

from .policy import DEFAULT_GUARDRAILS, GuardrailPolicy
from .violation import LOOP_DETECTED, Violation

__all__ = ["TraceStep", "canonical_step", "detect_loops"]

_NAME_KEYS = ("name", "tool", "node", "tool_name", "function")
_ARG_KEYS = ("args", "arguments", "input", "params", "kwargs")
_NO_ARGS = object()


@dataclass(frozen=True, slots=True)
class TraceStep:
    """One step of a run; `args` is None for a node visit without arguments."""

    name: str
    args: object = None


def _canonical(value: object) -> object:
    if isinstance(value, Mapping):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted((_canonical(v) for v in value), key=repr)
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value[:1] in "{[":
        try:
            return _canonical(json.loads(value))
        except ValueError:
            return value
    return value


def _field(step: object, keys: tuple[str, ...]) -> object:
    for key in keys:
        if isinstance(step, Mapping):
            if key in step:
                return step[key]
        elif hasattr(step, key):
            return getattr(step, key)
    return _NO_ARGS


def canonical_step(step: object) -> tuple[str, str | None]:
    """`(name, canonical JSON of the arguments)`; arguments are None for a bare node visit."""
    if isinstance(step, str):
        return (step, None)
    name = _field(step, _NAME_KEYS)
    if isinstance(name, Mapping):  # OpenAI style: {"function": {"name": ..., "arguments": ...}}
        return canonical_step(name)
    if name is _NO_ARGS or not isinstance(name, str):
        raise InputError("a trace step needs a name under name, tool, node or function")
    args = _field(step, _ARG_KEYS)
    if args is _NO_ARGS or args is None:
        return (name, None)
    text = json.dumps(_canonical(args), sort_keys=True, separators=(",", ":"), default=repr)
    return (name, text)


def detect_loops(
    trace: Iterable[object], *, policy: GuardrailPolicy = DEFAULT_GUARDRAILS
) -> list[Violation]:
    """One `loop_detected` per repeated call, at the step that crossed the limit.

    A call with arguments may appear `policy.max_identical_calls` times; a node visit without
    arguments `policy.max_node_visits` times. The span runs from the first of the repeated steps to
    the one that crossed the limit (step indexes, end exclusive).
    """
    first: dict[tuple[str, str | None], int] = {}
    seen: dict[tuple[str, str | None], int] = {}
    out = []
    for index, step in enumerate(trace):
        key = canonical_step(step)
        first.setdefault(key, index)
        seen[key] = seen.get(key, 0) + 1
        limit = policy.max_node_visits if key[1] is None else policy.max_identical_calls
        if seen[key] == limit + 1:
            detail = "repeated node visit" if key[1] is None else "repeated tool call"
            out.append(Violation("trace", (first[key], index + 1), LOOP_DETECTED, detail))
    return out
