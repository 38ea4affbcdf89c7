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
from dataclasses import dataclass
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
# Invisible in the rendered message: removed before scanning.
_ZERO_WIDTH = (
    "\u00ad\u034f\u061c\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufe00-\ufe0f\ufeff"
)
# Shown as a space.
_SPACES = "\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# Fullwidth and small-form ASCII look-alikes: NFKC gives back the ASCII character.
_LOOKALIKES = "\ufe50-\ufe6b\uff01-\uff5e"

# One split pattern. It starts with a character class, so the engine jumps from candidate to
# candidate; a lookbehind on that first character then picks the branch.
_SPECIAL = re.compile(
    rf"([<&{_ZERO_WIDTH}{_SPACES}{_LOOKALIKES}\U000e0000-\U000e007f]"
    r"(?:(?<=<)(?i:!--.*?(?:-->|\Z)"
    r"|(?:script|style|head|title|template)(?=[\s/>])[^>]*>.*?"
    r"(?:</(?:script|style|head|title|template)\s*>|\Z)"
    r"|<\s*[A-Za-z_][^<>\n]{0,60}>>"
    rf"|/?(?:{_BLOCK_TAGS}|{_INLINE_TAGS})(?=[\s/>])(?:[^>\"']|\"[^\"]*\"|'[^']*')*>"
    r"|[!?][^>]*>)"
    r"|(?<=&)(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});?"
    r"|(?<=[^<&])))",
    re.S,  # case-insensitive only inside the tag branch: re.I would cost the jump above
)
_NEEDS_WORK = re.compile(rf"[<&{_ZERO_WIDTH}{_SPACES}{_LOOKALIKES}\U000e0000-\U000e007f]")
_BLOCK = re.compile(rf"</?(?:{_BLOCK_TAGS})(?=[\s/>])", re.I)
_CHARS: dict[int, str | None] = {
    cp: None
    for lo, hi in ((0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x206F), (0xFE00, 0xFE0F),
                   (0x180B, 0x180F), (0xE0000, 0xE007F))
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
    """`text` is what a reader sees; piece boundaries map offsets in it back to `source`."""

    source: str
    text: str
    source_bounds: tuple[int, ...] = ()
    text_bounds: tuple[int, ...] = ()

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a `[start, end)` range of `text` to the smallest range of `source` that shows it."""
        if not self.text_bounds:
            return (start, end)
        return (self._map(start, end=False), self._map(max(start, end - 1), end=True))

    def _map(self, pos: int, *, end: bool) -> int:
        i = bisect_right(self.text_bounds, pos) - 1
        i = min(max(i, 0), len(self.text_bounds) - 2)
        if i % 2 == 0:  # a run of ordinary text, copied one for one
            return self.source_bounds[i] + pos - self.text_bounds[i] + (1 if end else 0)
        return self.source_bounds[i + 1] if end else self.source_bounds[i]


def visible_text(value: str) -> VisibleText:
    """Cut `value` into pieces and join what each piece shows."""
    if _NEEDS_WORK.search(value) is None:
        return VisibleText(value, value)
    parts = _SPECIAL.split(value)
    shown = [part if i % 2 == 0 else _shown(part) for i, part in enumerate(parts)]
    return VisibleText(
        source=value,
        text="".join(shown),
        source_bounds=tuple(accumulate(map(len, parts), initial=0)),
        text_bounds=tuple(accumulate(map(len, shown), initial=0)),
    )


@dataclass(frozen=True, slots=True)
class Attribute:
    """An attribute value of an HTML tag: its name, its span in the source, its decoded value."""

    name: str
    span: tuple[int, int]
    value: str


_ATTR_NAMES = r"(?i:href|src|alt|title|action|background)"
# Only tags that carry one of the attributes; the pattern starts with "<", so the engine jumps.
_TAG = re.compile(rf"<[A-Za-z][^<>]*?\s{_ATTR_NAMES}\s*=[^<>]*>")
_ATTR = re.compile(
    rf"""\s({_ATTR_NAMES})\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))"""
)
_URL_ATTRS = frozenset({"href", "src", "action", "background"})


def decode_url(url: str) -> str:
    """Undo percent-encoding, twice-encoded included, so a hidden token shows."""
    for _ in range(3):
        decoded = unquote(url)
        if decoded == url:
            break
        url = decoded
    return url.translate(_CHARS)


def attributes(value: str) -> list[Attribute]:
    """href/src/alt/title values of the tags in `value`, entity- and (for URLs) %-decoded."""
    if "<" not in value:
        return []
    found = []
    for tag in _TAG.finditer(value):
        for m in _ATTR.finditer(tag.group()):
            group = 2 if m.group(2) is not None else 3 if m.group(3) is not None else 4
            name = m.group(1).lower()
            raw = html.unescape(m.group(group))
            text = decode_url(raw) if name in _URL_ATTRS else raw.translate(_CHARS)
            start = tag.start() + m.start(group)
            found.append(Attribute(name, (start, start + len(m.group(group))), text))
    return found
