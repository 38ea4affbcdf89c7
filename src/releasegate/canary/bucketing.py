"""Stable canary buckets and the canary percent (SPEC §5). Pure: no I/O, no framework.

    bucket(salt, thread_id) = int.from_bytes(sha256(f"{salt}:{thread_id}".encode()).digest()[:8],
                                             "big") % 10000
    candidate  ⇔  bucket < round(percent × 100)

Python's `hash()` is never used: it is salted per process, and a thread that changes cohort on a
restart breaks a multi-touch sequence. The same function in any language gives the same bucket
(see `tests/vectors/bucketing.json` and `docs/canary.md`).
"""

from __future__ import annotations

import re
from hashlib import sha256 as _sha256
from typing import Final

from releasegate.errors import InputError

__all__ = [
    "BUCKETS",
    "FULL_BASIS_POINTS",
    "PERCENT_RULE",
    "bucket",
    "bucket_of_key",
    "format_basis_points",
    "is_candidate",
    "parse_percent",
]

BUCKETS: Final = 10_000
FULL_BASIS_POINTS: Final = 10_000  # 100.00 % in hundredths of a percent
PERCENT_RULE: Final = "a number in [0, 100] with at most two decimals"
# ASCII digits only: `\d` and int() would also accept other scripts' digits ("٥٠").
_PERCENT: Final = re.compile(r"(?:([0-9]+)(?:\.([0-9]{0,2}))?|\.([0-9]{1,2}))", re.ASCII)


def bucket(salt: str, thread_id: str) -> int:
    """The thread's bucket in [0, 10000): SHA-256 over `salt:thread_id`, first 8 bytes, big-endian.

    The thread id is hashed exactly as given (UTF-8, no normalisation). An empty id, or one that is
    not a string of encodable text, raises InputError: routing it would hide a caller's bug.
    """
    if thread_id and isinstance(thread_id, str) and isinstance(salt, str):
        try:
            return int.from_bytes(_sha256(f"{salt}:{thread_id}".encode()).digest()[:8],
                                  "big") % BUCKETS
        except UnicodeEncodeError:
            pass
    raise _bad_input(salt, thread_id)


def bucket_of_key(prefix: str, thread_id: str) -> int:
    """`bucket(salt, thread_id)` with `prefix = salt + ":"` computed once: the router's hot path."""
    if thread_id and type(thread_id) is str:
        try:
            return int.from_bytes(_sha256((prefix + thread_id).encode()).digest()[:8],
                                  "big") % BUCKETS
        except UnicodeEncodeError:
            pass
    return bucket(prefix[:-1], thread_id)  # raises the precise error


def _bad_input(salt: object, thread_id: object) -> InputError:
    if not isinstance(thread_id, str):
        return InputError(f"thread_id must be a string, got {type(thread_id).__name__}")
    if not isinstance(salt, str):
        return InputError(f"salt must be a string, got {type(salt).__name__}")
    if not thread_id:
        return InputError("thread_id is empty: every routed thread needs a stable, non-empty id")
    return InputError("thread_id or salt is not valid Unicode text (lone surrogate)")


def parse_percent(raw: str | None) -> int | None:
    """Basis points (hundredths of a percent, 0..10000) for a percent string; None when invalid.

    Unset or blank means 0. Surrounding whitespace is allowed; a sign, an exponent, a `%`, a third
    decimal, or a value above 100 is invalid, and the caller must then route everything to control.
    """
    if raw is None:
        return 0
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    if not text:
        return 0
    match = _PERCENT.fullmatch(text)
    if match is None:
        return None
    whole, fraction, bare_fraction = match.groups()
    digits = (bare_fraction if whole is None else fraction) or ""
    points = int(whole or "0") * 100 + int(digits.ljust(2, "0"))
    return points if points <= FULL_BASIS_POINTS else None


def is_candidate(bucket_value: int, basis_points: int) -> bool:
    """Thresholds are monotone: raising the percent never moves a candidate bucket back."""
    return bucket_value < basis_points


def format_basis_points(points: int | None) -> str:
    """`2550` → `"25.5"`, `10000` → `"100"`; None → `"invalid"`."""
    if points is None:
        return "invalid"
    whole, rest = divmod(points, 100)
    return f"{whole}" if rest == 0 else f"{whole}.{rest:02d}".rstrip("0")
