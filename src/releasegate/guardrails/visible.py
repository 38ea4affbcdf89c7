"""What a reader sees, with a way back to the characters that were written.

A field value (plain text or HTML) is cut into pieces: runs of ordinary text, copied as they are,
and special tokens, each replaced by what it shows: a tag by nothing (or a line break for a block
element), an entity by its character, a zero-width character by nothing, a no-break or other
Unicode space by a plain space, a fullwidth letter or sign by its ASCII form. Scanning the joined
result finds a token however the draft hides it; `VisibleText.source_span` maps a match back to
offsets in the original value, so a span always indexes what the user gave us.
"""

from __future__ import annotations

import html
import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate
from urllib.parse import unquote

__all__ = ["Attribute", "VisibleText", "attributes", "decode_url", "visible_text"]

_BLOCK_TAGS = (
    "address|article|aside|blockquote|body|br|caption|center|dd|div|dl|dt|footer|form|"
    "h[1-6]|header|hr|html|li|main|nav|ol|p|pre|section|table|tbody|td|tfoot|th|thead|tr|ul"
)
_INLINE_TAGS = (
    "a|abbr|b|bdi|bdo|big|button|cite|code|col|colgroup|del|dfn|em|font|i|img|input|ins|kbd|"
    "label|link|mark|meta|picture|q|s|samp|small|source|span|strike|strong|sub|summary|sup|"
    "time|tt|u|var|wbr|head|title|script|style|template|noscript|iframe|svg|figure|figcaption|"
    "base|area|map|video|audio|[a-z]{1,4}:[a-z][a-z0-9]*"
)
# Tried first: the engine tests the names one by one, and a name only matches when the whole tag
# name does (a lookahead follows), so the order changes nothing but the time to find common ones.
_COMMON_TAGS = "p|br|a|span|b|div|td|tr|li|strong|em|i|u|img|font|table|tbody|html|body|head"
# Invisible in the rendered message: removed before scanning.
_ZERO_WIDTH = (
    "\u00ad\u034f\u061c\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufe00-\ufe0f\ufeff"
)
# Shown as a space.
_SPACES = "\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# Fullwidth and small-form ASCII look-alikes: NFKC gives back the ASCII character.
_LOOKALIKES = "\ufe50-\ufe6b\uff01-\uff5e"

# One split pattern. It starts with a character class, so the engine jumps from candidate to
# candidate; a lookbehind on that first character then picks the branch. A tag's attributes are
# matched as an unrolled loop (runs of plain characters between quoted values): the same strings
# as `(?:[^>"']|"[^"]*"|'[^']*')*`, without a branch per character.


def _anycase(pattern: str) -> str:
    """`pattern` made case-insensitive by hand: `p` becomes `[pP]`, `[a-z]` becomes `[a-zA-Z]`.

    The engine skips a failing alternative cheaply when it starts with a plain character or set,
    but not when it starts with a case-folded one, so `(?i:p|br|a|...)` enters every name.
    """
    out, in_set, i = [], False, 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if in_set:
            in_set = c != "]"
            out.append("a-zA-Z" if pattern.startswith("a-z", i) else c)
            i += 3 if pattern.startswith("a-z", i) else 1
            continue
        in_set = c == "["
        out.append(f"[{c.lower()}{c.upper()}]" if c.isascii() and c.isalpha() else c)
        i += 1
    return "".join(out)


_TAGS = (
    r"!--.*?(?:-->|\Z)"
    r"|(?:script|style|head|title|template)(?=[\s/>])[^>]*>.*?"
    r"(?:</(?:script|style|head|title|template)\s*>|\Z)"
    r"|<\s*[A-Za-z_][^<>\n]{0,60}>>"
    rf"|/?(?:{_COMMON_TAGS}|{_BLOCK_TAGS}|{_INLINE_TAGS})(?=[\s/>])"
    r"""[^>"']*(?:(?:"[^"]*"|'[^']*')[^>"']*)*>"""
    r"|[!?][^>]*>"
)
_ENTITY = r"(?<=&)(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});?"
_SPECIAL = re.compile(
    rf"([<&{_ZERO_WIDTH}{_SPACES}{_LOOKALIKES}\U000e0000-\U000e007f]"
    rf"(?:(?<=<)(?i:{_TAGS})|{_ENTITY}|(?<=[^<&])))",
    re.S,  # case-insensitive only inside the tag branch: re.I would cost the jump above
)
# The same pattern for ASCII text, where only "<" and "&" can start a special token: a small
# class is a cheaper jump than one with ranges up to U+E007F, and the tag names spelled in both
# cases match what `(?i:...)` matches in ASCII (in other text `(?i:s)` also matches "ſ").
_SPECIAL_ASCII = re.compile(rf"([<&](?:(?<=<)(?:{_anycase(_TAGS)})|{_ENTITY}))", re.S)
_NEEDS_WORK = re.compile(rf"[<&{_ZERO_WIDTH}{_SPACES}{_LOOKALIKES}\U000e0000-\U000e007f]")
_BLOCK = re.compile(rf"</?(?:{_BLOCK_TAGS})(?=[\s/>])", re.I)
_CHARS: dict[int, str | None] = {
    cp: None
    for lo, hi in (
        (0x200B, 0x200F),
        (0x202A, 0x202E),
        (0x2060, 0x206F),
        (0xFE00, 0xFE0F),
        (0x180B, 0x180F),
        (0xE0000, 0xE007F),
    )
    for cp in range(lo, hi + 1)
}
_CHARS.update({0xAD: None, 0x34F: None, 0x61C: None, 0xFEFF: None})
_CHARS.update({cp: " " for cp in (0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000)})
_CHARS.update({cp: " " for cp in range(0x2000, 0x200B)})


@lru_cache(maxsize=4096)
def _shown(token: str) -> str:
    """What one special token shows to a reader."""
    if token.startswith("<<"):  # text, not a tag: only what is inside it needs decoding
        return "<<" + _SPECIAL.sub(lambda m: _shown(m.group()), token[2:-2]) + ">>"
    if token.startswith("<"):
        return "\n" if _BLOCK.match(token) else ""
    if token.startswith("&"):
        token = html.unescape(token)
    if len(token) == 1 and ("\ufe50" <= token <= "\uff5e"):
        return unicodedata.normalize("NFKC", token)
    return token.translate(_CHARS)


@dataclass(frozen=True, slots=True)
class VisibleText:
    """`text` is what a reader sees; its pieces map offsets in it back to `source`.

    `pieces` alternates runs of ordinary text and special tokens as cut from `source`; `shown` is
    what each piece shows. Both are empty when `text` is `source`. The offsets of the piece
    boundaries are only needed to map a match back, so they are computed on the first request.
    """

    source: str
    text: str
    pieces: tuple[str, ...] = ()
    shown: tuple[str, ...] = ()
    _bounds: list[tuple[int, ...]] = field(default_factory=list, compare=False, repr=False)

    @property
    def source_bounds(self) -> tuple[int, ...]:
        return self._piece_bounds()[0]

    @property
    def text_bounds(self) -> tuple[int, ...]:
        return self._piece_bounds()[1]

    def _piece_bounds(self) -> list[tuple[int, ...]]:
        if not self._bounds:
            self._bounds.append(tuple(accumulate(map(len, self.pieces), initial=0)))
            self._bounds.append(tuple(accumulate(map(len, self.shown), initial=0)))
        return self._bounds

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a `[start, end)` range of `text` to the smallest range of `source` that shows it."""
        if not self.pieces:
            return (start, end)
        return (self._map(start, end=False), self._map(max(start, end - 1), end=True))

    def _map(self, pos: int, *, end: bool) -> int:
        source_bounds, text_bounds = self._piece_bounds()
        i = bisect_right(text_bounds, pos) - 1
        i = min(max(i, 0), len(text_bounds) - 2)
        if i % 2 == 0:  # a run of ordinary text, copied one for one
            return source_bounds[i] + pos - text_bounds[i] + (1 if end else 0)
        return source_bounds[i + 1] if end else source_bounds[i]


def visible_text(value: str) -> VisibleText:
    """Cut `value` into pieces and join what each piece shows."""
    if value.isascii():  # no invisible, space-like or look-alike character can be in it
        if "<" not in value and "&" not in value:
            return VisibleText(value, value)
        parts = _SPECIAL_ASCII.split(value)
    elif _NEEDS_WORK.search(value) is None:
        return VisibleText(value, value)
    else:
        parts = _SPECIAL.split(value)
    shown = parts[:]
    shown[1::2] = map(_shown, parts[1::2])  # odd pieces are the special tokens
    return VisibleText(value, "".join(shown), tuple(parts), tuple(shown))


@dataclass(frozen=True, slots=True)
class Attribute:
    """An attribute value of an HTML tag: its name, its span in the source, its decoded value."""

    name: str
    span: tuple[int, int]
    value: str


_ATTR_NAMES = r"(?i:href|src|alt|title|action|background)"
# Only tags that carry one of the attributes; the pattern starts with "<", so the engine jumps.
_TAG = re.compile(rf"<[A-Za-z][^<>]*?\s{_ATTR_NAMES}\s*=[^<>]*>")
_ATTR_VALUE = r"""\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))"""
_ATTR = re.compile(rf"\s({_ATTR_NAMES}){_ATTR_VALUE}")
# For ASCII text: the same patterns with the names spelled in both cases and `\s` as the class it
# is in ASCII, which the engine tests far faster than case-folded names and a Unicode category.
_ASCII_SPACE = r"[\t\n\x0b\x0c\r\x1c-\x1f ]"
_ASCII_NAMES = _anycase(_ATTR_NAMES[4:-1])
_TAG_ASCII = re.compile(rf"<[A-Za-z][^<>]*?{_ASCII_SPACE}(?:{_ASCII_NAMES}){_ASCII_SPACE}*=[^<>]*>")
_ATTR_ASCII = re.compile(rf"\s({_ASCII_NAMES}){_ATTR_VALUE}")
_URL_ATTRS = frozenset({"href", "src", "action", "background"})


def decode_url(url: str) -> str:
    """Undo percent-encoding, twice-encoded included, so a hidden token shows."""
    for _ in range(3):
        decoded = unquote(url)
        if decoded == url:
            break
        url = decoded
    return url if url.isascii() else url.translate(_CHARS)  # every key of _CHARS is non-ASCII


def attributes(value: str) -> list[Attribute]:
    """href/src/alt/title values of the tags in `value`, entity- and (for URLs) %-decoded."""
    if "<" not in value:
        return []
    found = []
    tags, attrs = (_TAG_ASCII, _ATTR_ASCII) if value.isascii() else (_TAG, _ATTR)
    for tag in tags.finditer(value):
        for m in attrs.finditer(tag.group()):
            group = 2 if m.group(2) is not None else 3 if m.group(3) is not None else 4
            name = m.group(1).lower()
            raw = html.unescape(m.group(group))
            if name in _URL_ATTRS:
                text = decode_url(raw)
            else:
                text = raw if raw.isascii() else raw.translate(_CHARS)
            start = tag.start() + m.start(group)
            found.append(Attribute(name, (start, start + len(m.group(group))), text))
    return found
