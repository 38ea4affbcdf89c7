"""The word lists the guardrails match, read from versioned data files shipped in the package.

Lists are data, not code: `data/<name>_<version>.txt` holds one entry a line (`#` starts a
comment), `data/placeholder_words_<version>.json` holds the bracket vocabulary. A new version is a
new file, so a verdict can always be traced back to the exact list that produced it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from releasegate.errors import ConfigError

__all__ = ["DEFAULT_LEXICON_VERSION", "Lexicon", "PlaceholderWords", "load_lexicon"]

DEFAULT_LEXICON_VERSION = "v1"


@dataclass(frozen=True, slots=True)
class PlaceholderWords:
    """Vocabulary that marks a `[bracketed phrase]` as a placeholder."""

    lead: frozenset[str]
    head: frozenset[str]
    exact: frozenset[str]


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Every shipped list of one version."""

    version: str
    spam_phrases: tuple[str, ...]
    shortener_hosts: frozenset[str]
    debris_markers: tuple[str, ...]
    empty_standins: frozenset[str]
    placeholder_words: PlaceholderWords


def _read(name: str) -> str:
    path = resources.files("releasegate.guardrails").joinpath("data", name)
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"guardrails: no shipped list {name!r}") from None


def _lines(name: str) -> tuple[str, ...]:
    rows = (line.strip() for line in _read(name).splitlines())
    return tuple(row for row in rows if row and not row.startswith("# ") and row != "#")


def _placeholder_words(version: str) -> PlaceholderWords:
    raw = json.loads(_read(f"placeholder_words_{version}.json"))
    return PlaceholderWords(
        lead=frozenset(raw["lead"]), head=frozenset(raw["head"]), exact=frozenset(raw["exact"])
    )


@lru_cache(maxsize=8)
def load_lexicon(version: str = DEFAULT_LEXICON_VERSION) -> Lexicon:
    """Read the shipped lists of `version`; `ConfigError` when that version is not shipped."""
    if not version.isidentifier():
        raise ConfigError(f"guardrails.lexicon_version: {version!r} is not a version name")
    return Lexicon(
        version=version,
        spam_phrases=_lines(f"spam_phrases_{version}.txt"),
        shortener_hosts=frozenset(h.lower() for h in _lines(f"link_shorteners_{version}.txt")),
        debris_markers=_lines(f"debris_markers_{version}.txt"),
        empty_standins=frozenset(s.casefold() for s in _lines(f"empty_standins_{version}.txt")),
        placeholder_words=_placeholder_words(version),
    )
