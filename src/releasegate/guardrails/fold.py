"""A cheap, exact "cannot match" test for the phrase lists matched at word starts.

Spam phrases, tool markers and greetings are matched by trie patterns on lower-cased text. Such a
pattern has no literal to jump to, so the engine tests it at every letter of a clean draft, and
that was most of the cost of checking one. Here the lower-cased text is first *folded* to bytes:
ASCII letters, digits and `_` stay, every other character (space, punctuation, anything outside
ASCII, through `encode(..., "replace")`) becomes a space, and one space goes in front. Each phrase
is folded the same way, its runs of spaces matching one or more spaces.

A phrase that matches the text at a word start matches, folded, the folded text right after a
space (whatever stood before it was not a word character, or was the start). So when the folded
pattern, which begins with a literal space the engine finds with a fast scan, finds nothing, the
exact pattern cannot find anything either. When it finds something, the exact pattern runs as
before: the test only ever skips work, it never decides a match. A phrase with no letter or digit
(`$$$`) folds to nothing: it is tested as a plain substring instead, or, when it has spaces or
apostrophes, turns the test off for its list.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from .trie import trie_regex

__all__ = ["FoldedTest", "fold", "folded_test", "folded_units"]

_WORD_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyz0123456789_")
_TABLE = bytes(c if c in _WORD_BYTES else c + 32 if 65 <= c <= 90 else 32 for c in range(256))
_SPACES = re.compile(r" +")


@lru_cache(maxsize=16)  # two checks fold the same field: the second asks for the same string
def fold(lowered: str) -> bytes:
    """The folded form of lower-cased text: a space, then one byte per character."""
    return b" " + lowered.encode("ascii", "replace").translate(_TABLE)


def folded_units(phrase: str) -> tuple[str, ...]:
    """Trie units of a folded phrase, leading and trailing spaces dropped; () if nothing is left."""
    units: list[str] = []
    for piece in _SPACES.split(fold(phrase.lower()).decode("ascii").strip(" ")):
        if piece:
            units.extend([" +", *piece] if units else piece)
    return tuple(units)


@dataclass(frozen=True, slots=True)
class FoldedTest:
    """`may_match(lowered)` is False only when no phrase of the list can match `lowered`."""

    pattern: re.Pattern[bytes] | None  # None: the test is off, every text may match
    literals: tuple[str, ...] = ()

    def may_match(self, lowered: str) -> bool:
        if self.pattern is None or any(map(lowered.__contains__, self.literals)):
            return True
        return self.pattern.search(fold(lowered)) is not None


def folded_test(phrases: Iterable[str], *, extra: Iterable[tuple[str, ...]] = ()) -> FoldedTest:
    """The test for `phrases` as written in the lists, plus `extra` entries of folded units."""
    entries = list(extra)
    literals = []
    for phrase in phrases:
        units = folded_units(phrase)
        if units:
            entries.append(units)
        elif phrase.split() == [phrase] and not any(a in phrase for a in "'’"):
            literals.append(phrase.lower())
        else:
            return FoldedTest(None)
    pattern = re.compile((" " + trie_regex(entries)).encode("ascii"))
    return FoldedTest(pattern, tuple(sorted(set(literals))))
