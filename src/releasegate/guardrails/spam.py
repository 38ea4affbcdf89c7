"""spam_marker: deliverability red flags a cold e-mail must not carry.

Phrases from the versioned list (plus the user's), on whole words only; runs of "!"; an all-caps
subject with enough letters to mean it; link-shortener hosts matched exactly; more links than the
length of the draft carries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .fold import FoldedTest, folded_test
from .lexicon import load_lexicon
from .links import Link, host_of, is_listed_host
from .policy import GuardrailPolicy
from .trie import lowered, phrase_units, trie_regex
from .view import DraftView
from .violation import SPAM_MARKER, Violation

__all__ = ["check_spam", "phrase_pattern", "phrase_test"]

_REPLY_PREFIX = re.compile(r"^(?:\s*(?:re|fwd?|aw|sv|tr)\s*:\s*)+", re.I)
_URL_KEY = re.compile(r"^(?:[a-z][a-z0-9+.\-]*://)?(?:www\.)?")


@lru_cache(maxsize=16)
def phrase_pattern(phrases: tuple[str, ...], ignored: tuple[str, ...] = ()) -> re.Pattern[str]:
    """One pattern for every phrase but the ignored ones; it runs on lower-cased text."""
    drop = {p.casefold() for p in ignored}
    keep = [phrase_units(p) for p in sorted(set(phrases)) if p.casefold() not in drop]
    return re.compile(rf"(?<![\w$]){trie_regex(keep)}")


@lru_cache(maxsize=16)
def phrase_test(phrases: tuple[str, ...], ignored: tuple[str, ...] = ()) -> FoldedTest:
    """The fast "no phrase can be here" test for `phrase_pattern(phrases, ignored)`."""
    drop = {p.casefold() for p in ignored}
    return folded_test(p for p in sorted(set(phrases)) if p.casefold() not in drop)


@lru_cache(maxsize=8)
def _exclamations(run: int) -> re.Pattern[str]:
    return re.compile(rf"!(?:[ \t]*!){{{run - 1},}}")


def _all_caps(subject: str, min_letters: int) -> bool:
    if len(subject) < min_letters:  # too short to hold the letters
        return False
    text = _REPLY_PREFIX.sub("", subject)
    upper = sum(map(str.isupper, text))
    lower = sum(map(str.islower, text))
    return upper >= min_letters and upper >= 9 * lower


def _link_key(url: str) -> str:
    return _URL_KEY.sub("", url.strip().lower()).rstrip("/")


def _too_many_links(links: list[Link], text: str, policy: GuardrailPolicy) -> Link | None:
    """The first link past what a draft of `text`'s length carries, if any."""
    clickable = sorted((k for k in links if k.clickable), key=lambda k: k.span)
    if len(clickable) <= policy.max_links:  # within the base allowance: no need to count words
        return None
    allowed = policy.max_links + len(text.split()) // policy.words_per_link
    seen: set[str] = set()
    for link in clickable:
        seen.add(_link_key(link.url))
        if len(seen) > allowed:
            return link
    return None


@dataclass(frozen=True, slots=True)
class _Rules:
    phrases: re.Pattern[str]
    phrase_test: FoldedTest
    bangs: re.Pattern[str]
    hosts: frozenset[str]


@lru_cache(maxsize=16)
def _rules(policy: GuardrailPolicy) -> _Rules:
    """Everything `check_spam` compiles from a policy, built once per policy."""
    lexicon = load_lexicon(policy.lexicon_version)
    listed = lexicon.spam_phrases + policy.spam_phrases
    return _Rules(
        phrases=phrase_pattern(listed, policy.ignore_spam_phrases),
        phrase_test=phrase_test(listed, policy.ignore_spam_phrases),
        bangs=_exclamations(policy.exclamation_run),
        hosts=lexicon.shortener_hosts | frozenset(policy.shortener_hosts),
    )


def check_spam(view: DraftView, policy: GuardrailPolicy) -> list[Violation]:
    """Spam phrases, "!" runs, an all-caps subject, shortener hosts and link density."""
    rules = _rules(policy)
    out = []
    for name, visible in view.visible.items():
        text = visible.text
        if text:
            low = view.lowered[name] if name in view.lowered else lowered(text)
            if rules.phrase_test.may_match(low):
                for m in rules.phrases.finditer(low):
                    span = visible.source_span(*m.span())
                    out.append(Violation(name, span, SPAM_MARKER, "spam phrase"))
            if "!" in text:
                for m in rules.bangs.finditer(text):
                    span = visible.source_span(*m.span())
                    out.append(Violation(name, span, SPAM_MARKER, "run of exclamation marks"))
        for link in view.links[name]:
            if is_listed_host(host_of(link.url), rules.hosts):
                out.append(Violation(name, link.span, SPAM_MARKER, "link shortener host"))
    subject = view.visible["subject"].text
    if _all_caps(subject, policy.caps_min_letters):
        span = (0, len(view.raw["subject"]))
        out.append(Violation("subject", span, SPAM_MARKER, "all-caps subject"))
    extra = _too_many_links(view.links["body"], view.visible["body"].text, policy)
    if extra is not None:
        out.append(Violation("body", extra.span, SPAM_MARKER, "too many links for the length"))
    return out
