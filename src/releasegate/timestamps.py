"""Timestamps: RFC 3339 in, integer microseconds since the Unix epoch (UTC) stored."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Final

__all__ = ["epoch_us", "from_epoch_us", "iso", "parse_rfc3339"]

_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_RFC3339 = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})$"
)


def parse_rfc3339(text: str) -> datetime:
    """Parse an RFC 3339 timestamp (offset required) to an aware UTC datetime.

    Fractions finer than a microsecond are truncated: the store keeps microseconds.
    """
    m = _RFC3339.fullmatch(text)
    if m is None:
        raise ValueError("must be an RFC 3339 timestamp with an offset, e.g. 2026-11-03T02:01:00Z")
    year, month, day, hour, minute, second, frac, offset = m.groups()
    micros = int((frac or "").ljust(6, "0")[:6])
    tz = "+00:00" if offset in ("Z", "z") else offset
    try:
        stamp = datetime.fromisoformat(
            f"{year}-{month}-{day}T{hour}:{minute}:{second}.{micros:06d}{tz}"
        )
    except ValueError as exc:
        raise ValueError(f"is not a real date and time ({exc})") from None
    return stamp.astimezone(UTC)


def epoch_us(moment: datetime) -> int:
    """Microseconds since the Unix epoch, exact integer arithmetic."""
    return (moment - _EPOCH) // timedelta(microseconds=1)


def from_epoch_us(us: int) -> datetime:
    return _EPOCH + timedelta(microseconds=us)


def iso(us: int | None) -> str | None:
    """RFC 3339 in UTC with a Z, microseconds only when there are some."""
    if us is None:
        return None
    spec = "microseconds" if us % 1_000_000 else "seconds"
    return from_epoch_us(us).isoformat(timespec=spec).replace("+00:00", "Z")
