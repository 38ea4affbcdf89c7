"""Timestamps: RFC 3339 in, integer microseconds since the Unix epoch (UTC) stored."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from typing import Final

__all__ = ["epoch_us", "from_epoch_us", "iso", "parse_rfc3339"]

_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_US: Final = timedelta(microseconds=1)
_RFC3339 = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})$"
)


def parse_rfc3339(text: str) -> datetime:
    """Parse an RFC 3339 timestamp (offset required) to an aware UTC datetime.

    Fractions finer than a microsecond are truncated: the store keeps microseconds.
    """
    m = _RFC3339.fullmatch(text)
    if m is not None and (m.group(7) is None or len(m.group(7)) <= 6):
        try:  # the C parser takes every RFC 3339 form the pattern admits with ≤ 6 digits
            stamp = datetime.fromisoformat(text.upper() if text[-1] == "z" else text)
        except ValueError as exc:
            raise ValueError(f"is not a real date and time ({exc})") from None
        return _utc(stamp)
    if m is None:
        raise ValueError("must be an RFC 3339 timestamp with an offset, e.g. 2026-11-03T02:01:00Z")
    year, month, day, hour, minute, second, frac, offset = m.groups()
    micros = int((frac or "").ljust(6, "0")[:6])
    tz = "+00:00" if offset in ("Z", "z") else offset
    try:
        stamp = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second),
                         micros, tzinfo=UTC if tz == "+00:00" else _offset(tz))
    except ValueError as exc:
        raise ValueError(f"is not a real date and time ({exc})") from None
    return _utc(stamp)


def _utc(stamp: datetime) -> datetime:
    try:
        return stamp if stamp.tzinfo is UTC else stamp.astimezone(UTC)
    except OverflowError:
        raise ValueError("is out of range once converted to UTC") from None


def _offset(text: str) -> timezone:
    sign = -1 if text[0] == "-" else 1
    hours, minutes = int(text[1:3]), int(text[4:6])
    if hours > 23 or minutes > 59:
        raise ValueError(f"offset {text} is out of range")
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def epoch_us(moment: datetime) -> int:
    """Microseconds since the Unix epoch, exact integer arithmetic."""
    return (moment - _EPOCH) // _US


def from_epoch_us(us: int) -> datetime:
    return _EPOCH + timedelta(microseconds=us)


def iso(us: int | None) -> str | None:
    """RFC 3339 in UTC with a Z, microseconds only when there are some."""
    if us is None:
        return None
    spec = "microseconds" if us % 1_000_000 else "seconds"
    return from_epoch_us(us).isoformat(timespec=spec).replace("+00:00", "Z")
