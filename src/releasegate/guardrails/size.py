"""empty_draft and oversized_draft: nothing a reader would see, or more than a reader gets."""

from __future__ import annotations

from functools import lru_cache

from .lexicon import load_lexicon
from .policy import GuardrailPolicy
from .view import DraftView
from .violation import EMPTY_DRAFT, OVERSIZED_DRAFT, Violation

__all__ = ["check_empty", "check_oversized", "more_words_than"]

_STANDIN_STRIP = " \t\r\n\"'`()[]<>{}.*_-"
# `str.split()` splits on ASCII whitespace and on a few other spaces, each of which UTF-8 encodes
# with the lead byte C2, E1, E2 or E3. Deleting every other byte leaves at least one byte per
# separator: an upper bound on the words in one C pass, without building a string per word.
_NOT_SPACE = bytes(
    b for b in range(256) if b not in b" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\xc2\xe1\xe2\xe3"
)


def more_words_than(text: str, limit: int) -> bool:
    """`len(text.split()) > limit`, counting the words only when the cheap bound allows it."""
    if len(text) <= 2 * limit:  # a word and a separator per word, but the last
        return False
    bound = len(text.encode("utf-8", "surrogatepass").translate(None, _NOT_SPACE)) + 1
    return bound > limit and len(text.split()) > limit


@lru_cache(maxsize=8)
def _most_words(standins: frozenset[str]) -> int:
    return max((len(s.split()) for s in standins), default=0)


def _standin(text: str, standins: frozenset[str]) -> bool:
    """Is `text`, trimmed and with its spaces collapsed, one of the stand-ins?

    Split at most one word past the longest stand-in: a real body stops there.
    """
    most = _most_words(standins)
    words = text.strip(_STANDIN_STRIP).split(None, most)
    return len(words) <= most and " ".join(words).casefold() in standins


def check_empty(view: DraftView, policy: GuardrailPolicy) -> list[Violation]:
    """A body with no letter or digit a reader would see, or only a literal stand-in."""
    text = view.visible["body"].text
    span = (0, len(view.raw["body"]))
    if not any(c.isalnum() for c in text):
        detail = "no visible text" if text.strip() == "" else "no letters or digits"
        return [Violation("body", span, EMPTY_DRAFT, detail)]
    standins = load_lexicon(policy.lexicon_version).empty_standins
    if _standin(text, standins):
        return [Violation("body", span, EMPTY_DRAFT, "literal stand-in for an empty body")]
    return []


def check_oversized(view: DraftView, policy: GuardrailPolicy) -> list[Violation]:
    """UTF-8 bytes of the body as sent, visible words of the body, characters of the subject."""
    out = []
    body = view.raw["body"]
    if policy.max_body_bytes and len(body) * 4 > policy.max_body_bytes:
        size = len(body.encode("utf-8"))
        if size > policy.max_body_bytes:
            span = (len(body.encode("utf-8")[: policy.max_body_bytes].decode("utf-8", "ignore")),
                    len(body))
            out.append(Violation("body", span, OVERSIZED_DRAFT, "body larger than the byte limit"))
    if policy.max_words and more_words_than(view.visible["body"].text, policy.max_words):
        out.append(Violation("body", (0, len(body)), OVERSIZED_DRAFT, "more words than the limit"))
    subject = view.raw["subject"]
    if policy.max_subject_chars and len(subject) > policy.max_subject_chars:
        span = (policy.max_subject_chars, len(subject))
        out.append(Violation("subject", span, OVERSIZED_DRAFT, "subject longer than the limit"))
    return out
