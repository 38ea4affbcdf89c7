"""The canary percent, read from its environment variable at call time.

The variable is read on every call (an operator's change applies without a restart). Each new raw
value is parsed once; a value that is not a valid percent routes every thread to control and is
logged once, when it appears, not once per call.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import Any, Final

from releasegate.canary.bucketing import PERCENT_RULE, parse_percent

__all__ = ["DEFAULT_PERCENT_ENV", "LOGGER_NAME", "PercentReader"]

DEFAULT_PERCENT_ENV: Final = "CAMPAIGN_CANARY_PERCENT"
LOGGER_NAME: Final = "releasegate.canary"
_UNSEEN: Final = object()
# On POSIX, os.environ keeps the process environment as bytes in `_data`; reading it directly
# skips the per-call key encoding and value decoding, which cost as much as the hash itself.
# It is the same live mapping that os.environ[...] = ... and monkeypatch.setenv update.
_RAW_ENV: Final[Any] = getattr(os.environ, "_data", None) if os.name == "posix" else None


class PercentReader:
    """Remembers the last raw value it saw, so a bad value warns once and parses once."""

    __slots__ = ("_key", "_last", "_logger")

    def __init__(self, logger: logging.Logger | None = None) -> None:
        self._last: tuple[object, int | None] = (_UNSEEN, 0)
        self._key: tuple[str, bytes] = ("", b"")
        self._logger = logger or logging.getLogger(LOGGER_NAME)

    def read(self, name: str, environ: Mapping[str, str]) -> int | None:
        """Basis points from `environ[name]` (unset → 0); None when the value is invalid."""
        raw: object
        if environ is os.environ and _RAW_ENV is not None:
            key = self._key
            if key[0] != name:
                key = self._key = (name, os.fsencode(name))
            raw = _RAW_ENV.get(key[1])
        else:
            raw = environ.get(name)
        last = self._last  # one tuple read: safe when threads race on a change
        if last[0] == raw:
            return last[1]
        return self._changed(name, raw)

    def _changed(self, name: str, raw: object) -> int | None:
        text = os.fsdecode(raw) if isinstance(raw, bytes) else raw
        points = parse_percent(text if isinstance(text, str) or text is None else str(text))
        self._last = (raw, points)
        if points is None:
            self._logger.warning(
                "%s=%r is not %s: routing every thread to control", name, text, PERCENT_RULE
            )
        return points
