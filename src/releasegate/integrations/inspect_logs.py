"""Inspect AI eval logs (`.eval` or `.json`) as schema-v1 verdicts.

Logs are read with `inspect_ai.log.read_eval_log`, imported when first needed: the base install
does not need inspect-ai (`pip install 'releasegate[inspect]'`). One sample (one epoch of it) is
one verdict:

- `run_id`: `inspect:<eval_id>:<sample id>:<epoch>` (a sample id that is not id-like is hashed)
- `passed`: every score value ≥ `pass_threshold` (`C` = 1, `P` = 0.5, `I`/`N` = 0, booleans,
  numbers); **null** when the sample errored (`error`) or has a missing or non-numeric score
- `composite`: the mean of the score values, when each lies in [0, 1]
- `violations`: the name of every scorer that did not pass (`scorer.key` for dict values)
- `latency_ms`: `total_time` × 1000, left out for an errored sample
- `created_at`: `started_at`, else the eval's `created`
- `levels_*`: the target's levels (default `outcome`); an unscored sample scored none

Nothing else is read: not the input, the messages, the output, the target, metadata or the error.
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
    rfc3339,
    stable_id,
    validated,
)

__all__ = ["import_inspect_log", "score_value"]

_LETTERS: Final = {"C": 1.0, "P": 0.5, "I": 0.0, "N": 0.0}
_WORDS: Final = {"yes": 1.0, "true": 1.0, "correct": 1.0, "no": 0.0, "false": 0.0,
                 "incorrect": 0.0}


def score_value(value: Any) -> float | None:
    """One Inspect score value as a number; None when it is not a score (free text)."""
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int | float):
        return float(value) if value == value and abs(value) != float("inf") else None
    if isinstance(value, str):
        text = value.strip()
        if text in _LETTERS:
            return _LETTERS[text]
        return _WORDS.get(text.lower())
    return None


def _values(name: str, value: Any) -> Iterator[tuple[str, float | None]]:
    if isinstance(value, Mapping):
        for key, inner in value.items():
            yield f"{name}.{key}", score_value(inner)
    elif isinstance(value, list | tuple):
        for index, inner in enumerate(value):
            yield f"{name}.{index}", score_value(inner)
    else:
        yield name, score_value(value)


def _read(path: str) -> Any:
    try:
        from inspect_ai.log import read_eval_log
    except ImportError:
        raise InputError("reading Inspect AI logs needs inspect-ai: "
                         "pip install 'releasegate[inspect]'") from None
    if not Path(path).is_file():
        raise InputError(f"{path}: no such file")
    try:
        return read_eval_log(path)
    except Exception as exc:  # the reader raises many kinds; the user needs the file named
        raise InputError(f"{path}: not a readable Inspect AI log ({type(exc).__name__})") from None


def _verdict(sample: Any, eval_id: str, created: str | None,
             target: ImportTarget) -> dict[str, Any]:
    run_id = stable_id("inspect", eval_id, sample.id, sample.epoch)
    when = rfc3339(getattr(sample, "started_at", None)) or created
    scores: Mapping[str, Any] = sample.scores or {}
    values = [pair for name, score in scores.items() for pair in _values(name, score.value)]
    if sample.error is not None or not values or any(v is None for _, v in values):
        return target.row(run_id, None, created_at=when)
    numbers = [v for _, v in values if v is not None]
    failed = sorted({code for name, v in values if v is not None and v < target.pass_threshold
                     if (code := code_of(name))})
    in_range = all(0 <= v <= 1 for v in numbers)
    total_time = sample.total_time
    return target.row(
        run_id, not failed and all(v >= target.pass_threshold for v in numbers),
        composite=sum(numbers) / len(numbers) if in_range else None,
        violations=failed or None,
        latency_ms=total_time * 1000 if isinstance(total_time, int | float) else None,
        created_at=when,
    )


def import_inspect_log(path: str | Path, target: ImportTarget) -> Imported:
    """Verdicts from one Inspect AI log file, `.eval` or `.json`."""
    name = str(path)
    log = _read(name)
    if not log.samples:
        raise InputError(f"{name}: the log holds no samples (status {log.status})")
    eval_id = str(log.eval.eval_id or log.eval.run_id)
    created = rfc3339(log.eval.created)
    rows = [_verdict(sample, eval_id, created, target) for sample in log.samples]
    notes = []
    if log.status != "success":
        notes.append(f"the eval's status is {log.status!r}: its samples may be incomplete")
    errored = sum(1 for s in log.samples if s.error is not None)
    if errored:
        notes.append(f"{errored} errored sample{'s' if errored != 1 else ''}: passed null")
    return validated("inspect", name, rows, list(range(1, len(rows) + 1)), notes)
