"""Compile many literal phrases into one regular expression shaped like a trie.

Python's engine tries the alternatives of `a|b|c` one by one at every position; sharing prefixes
(`act (?:now|immediately)`) makes each position cost a few character tests instead of one test per
phrase. Matching is on lower-cased text without `re.I`, which keeps the engine's fast path for
literal characters.
"""

from __future__ import annotations

import re

__all__ = ["lowered", "phrase_units", "trie_regex"]

_Trie = dict[str, "_Trie"]
_END = "\x00"


def phrase_units(phrase: str) -> tuple[str, ...]:
    """Regex units of a lower-cased phrase: whitespace matches any run, apostrophes both forms."""
    units: list[str] = []
    for i, word in enumerate(phrase.lower().split()):
        if i:
            units.append(r"\s+")
        units.extend("['’]" if c in "'’" else re.escape(c) for c in word)
    if phrase.strip()[-1:].isalnum():
        units.append(r"(?!\w)")
    return tuple(units)


def _emit(node: _Trie) -> str:
    branches = [unit + _emit(child) for unit, child in sorted(node.items()) if unit != _END]
    if _END in node:
        branches.append("")  # last: a longer phrase sharing this prefix wins
    if len(branches) == 1:
        return branches[0]
    return "(?:" + "|".join(branches) + ")"


def trie_regex(phrases: list[tuple[str, ...]], *, guard: str = "") -> str:
    """One pattern source matching any of the unit sequences; `(?!)` when there are none.

    `guard` (a zero-width test, e.g. a word-start lookbehind) goes right after the first unit of
    each branch, so the pattern still starts with a plain character and the engine can jump from
    candidate to candidate without entering the pattern at every position.
    """
    root: _Trie = {}
    for units in phrases:
        node = root
        for unit in units:
            node = node.setdefault(unit, {})
        node[_END] = {}
    if not root:
        return "(?!)"
    branches = [unit + guard + _emit(child) for unit, child in sorted(root.items())]
    return "(?:" + "|".join(branches) + ")"


def lowered(text: str) -> str:
    """Lower-cased text with the same offsets (a character whose lower case is longer stays)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
