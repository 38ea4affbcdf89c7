"""One error hierarchy for releasegate.

A HOLD or a ROLLBACK is never an error: decisions are values. Errors are for input the gate cannot
read, a store it cannot use, or a state it must refuse to change.

    ReleasegateError
    ├── InputError                  bad input or usage; CLI exit 2, HTTP 422
    │   ├── VerdictError            one or more verdict rows are invalid (line, field, message)
    │   ├── ConflictError           a run_id already stored with different content
    │   └── ConfigError             a bad setting: environment variable, config file, policy
    ├── StoreError                  the database cannot be used; CLI exit 1, HTTP 503
    │   └── SchemaError             the database schema is missing or behind the code
    └── RefusedError                a state change the gate refuses (widening without PROMOTE)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "ConfigError",
    "ConflictError",
    "InputError",
    "Problem",
    "RefusedError",
    "ReleasegateError",
    "SchemaError",
    "StoreError",
    "VerdictError",
]


class ReleasegateError(Exception):
    """Base of every error releasegate raises on purpose."""


class InputError(ReleasegateError):
    """The input or the usage is wrong; nothing was changed."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with one row: where it is and what is wrong."""

    source: str
    line: int
    field: str
    message: str

    def as_dict(self) -> dict[str, object]:
        return {"source": self.source, "line": self.line, "field": self.field,
                "message": self.message}

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        return f"{where}: {self.field}: {self.message}"


class VerdictError(InputError):
    """Verdict rows failed schema v1; `problems` lists each one with its line and field."""

    def __init__(self, problems: Sequence[Problem], *, shown: int = 20) -> None:
        self.problems = tuple(problems)
        lines = [str(p) for p in self.problems[:shown]]
        more = len(self.problems) - shown
        if more > 0:
            lines.append(f"... and {more} more")
        rows = len({(p.source, p.line) for p in self.problems})
        head = f"{rows} invalid verdict row{'s' if rows != 1 else ''}; nothing was stored"
        super().__init__(head + "\n" + "\n".join(lines))


class ConflictError(InputError):
    """The same run_id arrived with content that differs from what is stored."""

    def __init__(self, run_ids: Sequence[str], *, within_input: Sequence[str] = ()) -> None:
        self.run_ids = tuple(run_ids)
        self.within_input = tuple(within_input)
        twice = [r for r in self.run_ids if r in set(self.within_input)]
        before = [r for r in self.run_ids if r not in set(self.within_input)]
        parts = []
        if before:
            parts.append(f"run_id {_listing(before)} already stored with different content")
        if twice:
            parts.append(f"run_id {_listing(twice)} appears more than once in this input "
                         "with different content")
        super().__init__("; ".join(parts) + "; nothing was stored")


def _listing(run_ids: Sequence[str]) -> str:
    shown = ", ".join(repr(r) for r in run_ids[:10])
    return shown + (f" and {len(run_ids) - 10} more" if len(run_ids) > 10 else "")


class ConfigError(InputError):
    """A setting (environment variable, config file, policy value) is invalid."""


class StoreError(ReleasegateError):
    """The database could not be reached or used; no decision is made without it."""


class SchemaError(StoreError):
    """The database schema is missing or older than this version of releasegate."""


class RefusedError(ReleasegateError):
    """The gate refuses a state change that its evidence does not authorize."""
