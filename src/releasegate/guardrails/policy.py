"""GuardrailPolicy: which codes are hard, the limits, and the user's extra phrases.

Frozen and keyword-only, with a `DEFAULT_*` constant for every value, so a policy is a value that
can be compared, hashed and logged. `from_mapping` reads the `[guardrails]` section of
`releasegate.toml` once it has been parsed by `tomllib`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from releasegate.errors import ConfigError

from .lexicon import DEFAULT_LEXICON_VERSION, load_lexicon
from .violation import ALL_CODES, EMPTY_DRAFT, LOOP_DETECTED, OVERSIZED_DRAFT, SPAM_MARKER
from .violation import TEMPLATE_DEBRIS as _DEBRIS

__all__ = [
    "DEFAULT_GUARDRAILS",
    "DEFAULT_HARD_CODES",
    "DEFAULT_MAX_BODY_BYTES",
    "DEFAULT_MAX_IDENTICAL_CALLS",
    "DEFAULT_MAX_NODE_VISITS",
    "DEFAULT_MAX_SUBJECT_CHARS",
    "DEFAULT_MAX_WORDS",
    "GuardrailPolicy",
]

DEFAULT_HARD_CODES: frozenset[str] = frozenset(
    {_DEBRIS, SPAM_MARKER, EMPTY_DRAFT, OVERSIZED_DRAFT, LOOP_DETECTED}
)
# Gmail clips a message whose HTML passes about 102 KB ("[Message clipped]"); 100,000 bytes of
# body leaves room for the headers and MIME boundaries the sending tool adds.
DEFAULT_MAX_BODY_BYTES = 100_000
# Cold-e-mail guidance puts the best reply rates at 50-125 words; 500 words is far past any of it,
# so a longer draft is a generation fault (run-away output, a pasted document), not a style choice.
DEFAULT_MAX_WORDS = 500
# Inboxes show 40-70 characters of a subject; 200 means the body or a prompt landed in it.
DEFAULT_MAX_SUBJECT_CHARS = 200
# "Great!!" is casual; "!!!" is what filters score.
DEFAULT_EXCLAMATION_RUN = 3
# An all-caps subject needs this many letters to count: "QBR" and "ACME Q3" are acronyms.
DEFAULT_CAPS_MIN_LETTERS = 8
# Links allowed: a base, plus one more per this many words of body.
DEFAULT_MAX_LINKS = 2
DEFAULT_WORDS_PER_LINK = 75
# The same call with the same arguments more than this many times in one run is a loop.
DEFAULT_MAX_IDENTICAL_CALLS = 3
# A node visited without arguments: LangGraph's default recursion limit is 25 super-steps.
DEFAULT_MAX_NODE_VISITS = 25

_CODE = re.compile(r"^[a-z0-9_.:-]{1,64}$")


@dataclass(frozen=True, slots=True, kw_only=True)
class GuardrailPolicy:
    """Everything a user may tune; every field has a documented `DEFAULT_*`."""

    hard_codes: frozenset[str] = DEFAULT_HARD_CODES
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    max_words: int = DEFAULT_MAX_WORDS
    max_subject_chars: int = DEFAULT_MAX_SUBJECT_CHARS
    exclamation_run: int = DEFAULT_EXCLAMATION_RUN
    caps_min_letters: int = DEFAULT_CAPS_MIN_LETTERS
    max_links: int = DEFAULT_MAX_LINKS
    words_per_link: int = DEFAULT_WORDS_PER_LINK
    max_identical_calls: int = DEFAULT_MAX_IDENTICAL_CALLS
    max_node_visits: int = DEFAULT_MAX_NODE_VISITS
    lexicon_version: str = DEFAULT_LEXICON_VERSION
    spam_phrases: tuple[str, ...] = ()
    shortener_hosts: tuple[str, ...] = ()
    debris_markers: tuple[str, ...] = ()
    ignore_spam_phrases: tuple[str, ...] = ()

    def is_hard(self, code: str) -> bool:
        return code in self.hard_codes

    @classmethod
    def from_mapping(cls, section: Mapping[str, object]) -> GuardrailPolicy:
        """Build from the `[guardrails]` TOML section; `ConfigError` names the bad key."""
        if not isinstance(section, Mapping):
            raise ConfigError("guardrails: expected a table of settings")
        known = {f.name: f for f in fields(cls)}
        changes: dict[str, Any] = {}
        for key, value in section.items():
            name = _ALIASES.get(key, key)
            if name not in known:
                raise ConfigError(f"guardrails.{key}: unknown setting")
            changes[name] = _PARSERS[name](f"guardrails.{key}", value)
        return replace(DEFAULT_GUARDRAILS, **changes)


def _count(key: str, value: object, *, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"{key}: expected a whole number, got {type(value).__name__}")
    if value < minimum:
        raise ConfigError(f"{key}: must be at least {minimum}, got {value}")
    return value


def _limit(key: str, value: object) -> int:
    """A size limit; 0 turns the limit off."""
    return _count(key, value, minimum=0)


def _positive(key: str, value: object) -> int:
    return _count(key, value, minimum=1)


def _strings(key: str, value: object) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise ConfigError(f"{key}: expected a list of strings")
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise ConfigError(f"{key}: every entry must be a non-empty string")
    return tuple(item.strip() for item in value)


def _codes(key: str, value: object) -> frozenset[str]:
    codes = _strings(key, value)
    for code in codes:
        if not _CODE.match(code) or code not in ALL_CODES:
            known = ", ".join(sorted(ALL_CODES))
            raise ConfigError(f"{key}: {code!r} is not a guardrail code (known: {known})")
    return frozenset(codes)


def _version(key: str, value: object) -> str:
    if not isinstance(value, str) or not value.isidentifier():
        raise ConfigError(f"{key}: expected a version name such as {DEFAULT_LEXICON_VERSION!r}")
    try:
        load_lexicon(value)
    except ConfigError:
        raise ConfigError(f"{key}: no shipped lists for version {value!r}") from None
    return value


_ALIASES = {"hard": "hard_codes"}
_PARSERS = {
    "hard_codes": _codes,
    "max_body_bytes": _limit,
    "max_words": _limit,
    "max_subject_chars": _limit,
    "exclamation_run": lambda k, v: _count(k, v, minimum=2),
    "caps_min_letters": _positive,
    "max_links": lambda k, v: _count(k, v, minimum=0),
    "words_per_link": _positive,
    "max_identical_calls": _positive,
    "max_node_visits": _positive,
    "lexicon_version": _version,
    "spam_phrases": _strings,
    "shortener_hosts": lambda k, v: tuple(h.lower() for h in _strings(k, v)),
    "debris_markers": _strings,
    "ignore_spam_phrases": _strings,
}

DEFAULT_GUARDRAILS = GuardrailPolicy()
