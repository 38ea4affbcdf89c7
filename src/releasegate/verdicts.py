"""Verdict schema v1: the value type and its parsing. Pure: no files, no database.

A verdict is one scored run. It carries scores and codes, never text; unknown fields are refused by
name so that a subject, a body or an e-mail address can never slip into the store.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Annotated, Any, Final, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
)

from releasegate.errors import InputError, Problem
from releasegate.timestamps import parse_rfc3339

__all__ = [
    "FIELDS",
    "LEVELS",
    "ProblemsFound",
    "Verdict",
    "check_name",
    "decode_json_object",
    "level_mask",
    "parse_verdict",
]

LEVELS: Final = ("step", "trajectory", "outcome")
_LEVEL_BIT: Final = {"step": 1, "trajectory": 2, "outcome": 4}
ALL_LEVELS_MASK: Final = 7

Name = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.:/-]{1,128}$")]
Code = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_.:-]{1,64}$")]
Level = Literal["step", "trajectory", "outcome"]
NonNegative = Annotated[float, Field(ge=0)]
# A day is 8.64e7 ms; the cap keeps latency_us inside a 64-bit column (and out of float infinity).
MAX_LATENCY_MS: Final = 1e12
Latency = Annotated[float, Field(ge=0, le=MAX_LATENCY_MS)]


_CONTROL: Final = re.compile(r"[\x00-\x1f\x7f]")


_NAME: Final = re.compile(r"^[A-Za-z0-9_.:/-]{1,128}$")


def check_name(value: str, field: str) -> str:
    """A graph, version or judge name as schema v1 allows it; InputError otherwise."""
    if not _NAME.match(value):
        raise InputError(f"{field}: {value!r} is not a name a verdict can carry "
                         f"({_NAME.pattern})")
    return value


def _all_levels() -> list[str]:
    return list(LEVELS)


def level_mask(levels: Iterable[str]) -> int:
    """A set of eval levels as a 3-bit mask (step=1, trajectory=2, outcome=4)."""
    mask = 0
    for level in levels:
        mask |= _LEVEL_BIT[level]
    return mask


_MASKS: Final = {tuple(levels): level_mask(levels) for levels in (LEVELS,)}


def _mask(levels: Sequence[str]) -> int:
    key = tuple(levels)
    mask = _MASKS.get(key)
    return mask if mask is not None else level_mask(key)


class Verdict(BaseModel):
    """One scored run, schema v1 (SPEC §2)."""

    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False, frozen=True)

    run_id: Annotated[str, StringConstraints(min_length=1, max_length=128)]
    target_graph: Name
    prompt_version: Name
    judge_version: Name = "default"
    passed: bool | None
    composite: Annotated[float, Field(ge=0, le=1)] | None = None
    # default_factory, not a literal default: pydantic deep-copies mutable defaults per row
    violations: Annotated[list[Code], Field(max_length=64, default_factory=list)]
    hard_violation: bool = False
    levels_requested: Annotated[list[Level], Field(min_length=1, default_factory=_all_levels)]
    levels_scored: list[Level] | None = None
    latency_ms: Latency | None = None
    cost_usd: NonNegative | None = None
    cohort: Literal["control", "candidate"] | None = None
    created_at: datetime | None = None

    @field_validator("created_at", mode="plain")
    @classmethod
    def _timestamp(cls, value: object) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, datetime):
            if value.tzinfo is None:
                raise ValueError("must carry a timezone offset (RFC 3339)")
            return value.astimezone(UTC)
        if not isinstance(value, str):
            raise ValueError("must be an RFC 3339 timestamp string")
        return parse_rfc3339(value)

    @field_validator("run_id")
    @classmethod
    def _run_id(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        if _CONTROL.search(value):
            raise ValueError("must not contain control characters (NUL, newline, tab, ...)")
        return value

    @field_validator("violations")
    @classmethod
    def _codes(cls, value: list[str]) -> list[str]:
        return sorted(set(value))

    @property
    def requested_mask(self) -> int:
        return _mask(self.levels_requested)

    @property
    def scored_mask(self) -> int:
        if self.levels_scored is None:
            return self.requested_mask
        return _mask(self.levels_scored)

    @property
    def fully_covered(self) -> bool:
        """Every requested level scored, and the run itself scored."""
        requested = self.requested_mask
        return self.passed is not None and (requested & self.scored_mask) == requested

    @property
    def latency_us(self) -> int | None:
        """Latency in integer microseconds (half-even), so the p95 rule compares integers."""
        if self.latency_ms is None:
            return None
        return round(self.latency_ms * 1000)


FIELDS: Final = tuple(Verdict.model_fields)


def _constant(name: str) -> float:
    # JSON has no NaN or Infinity, but Python's reader accepts them. Decode them to floats so
    # that validation refuses them *by field name* ("latency_ms: must be a finite number").
    return float(name.lower().replace("infinity", "inf"))


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise ValueError(f"duplicate key {safe_key(key)!r}")
            seen.add(key)
    return obj


_DECODER: Final = json.JSONDecoder(parse_constant=_constant, object_pairs_hook=_no_duplicate_keys)


def decode_json_object(text: str) -> Any:
    """Decode one JSON value; duplicate keys are refused (ValueError with a readable message).

    NaN and Infinity literals decode to non-finite floats, which `parse_verdict` then refuses
    naming the field.
    """
    try:
        return _DECODER.decode(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"invalid JSON: {exc.msg} at column {exc.colno}") from None
    except RecursionError:
        raise ValueError("invalid JSON: nested too deeply") from None


_KEY: Final = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,63}$")


def safe_key(key: object) -> str:
    """A key as errors may echo it: names as they are, anything else (an e-mail address, a
    sentence) not at all — error messages end up in logs."""
    text = str(key)
    return text if _KEY.match(text) else "(a key that is not a field name)"


def _field_of(loc: tuple[int | str, ...]) -> str:
    return ".".join(safe_key(part) if isinstance(part, str) else str(part)
                    for part in loc) if loc else "(row)"


def _message(error: Mapping[str, Any]) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return "unknown field (a verdict carries scores and codes only)"
    if kind == "missing":
        return "required field is missing"
    if kind == "bool_type":
        nullable = error["loc"] == ("passed",)
        return "must be true or false" + (" (or null for an unscored run)" if nullable else "")
    if kind in ("float_type", "float_parsing"):
        return "must be a number"
    if kind == "finite_number":
        return "must be a finite number (NaN and infinities are refused)"
    if kind == "string_pattern_mismatch":
        pattern = error.get("ctx", {}).get("pattern", "")
        return f"must match {pattern}"
    message = str(error["msg"])
    return message.removeprefix("Value error, ")


def parse_verdict(obj: object, *, source: str = "<input>", line: int = 0) -> Verdict:
    """Validate one decoded object as a schema-v1 verdict.

    Raises `ProblemsFound` carrying one Problem per bad field.
    """
    if not isinstance(obj, Mapping):
        raise ProblemsFound([Problem(source, line, "(row)", "must be a JSON object")])
    try:
        return Verdict.model_validate(obj)
    except ValidationError as exc:
        problems = [
            Problem(source, line, _field_of(err["loc"]), _message(err)) for err in exc.errors()
        ]
        raise ProblemsFound(problems) from None


class ProblemsFound(ValueError):
    """Raised by `parse_verdict`; callers collect `problems` across rows."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))
