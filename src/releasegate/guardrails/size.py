"""empty_draft and oversized_draft: nothing a reader would see, or more than a reader gets."""

from __future__ import annotations

from .lexicon import load_lexicon
from .policy import GuardrailPolicy
from .view import DraftView
from .violation import EMPTY_DRAFT, OVERSIZED_DRAFT, Violation

__all__ = ["check_empty", "check_oversized"]

_STANDIN_STRIP = " \t\r\n\"'`()[]<>{}.*_-"


def check_empty(view: DraftView, policy: GuardrailPolicy) -> list[Violation]:
    """A body with no letter or digit a reader would see, or only a literal stand-in."""
    text = view.visible["body"].text
    span = (0, len(view.raw["body"]))
    if not any(c.isalnum() for c in text):
        detail = "no visible text" if text.strip() == "" else "no letters or digits"
        return [Violation("body", span, EMPTY_DRAFT, detail)]
    standins = load_lexicon(policy.lexicon_version).empty_standins
    if " ".join(text.strip(_STANDIN_STRIP).split()).casefold() in standins:
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
    words = view.visible["body"].text.split()
    if policy.max_words and len(words) > policy.max_words:
        out.append(Violation("body", (0, len(body)), OVERSIZED_DRAFT, "more words than the limit"))
    subject = view.raw["subject"]
    if policy.max_subject_chars and len(subject) > policy.max_subject_chars:
        span = (policy.max_subject_chars, len(subject))
        out.append(Violation("subject", span, OVERSIZED_DRAFT, "subject longer than the limit"))
    return out
