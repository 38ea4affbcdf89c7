"""template_debris: personalization a sending tool or a model left unresolved.

One compiled pattern with one named alternative per syntax scans the visible text of every field,
the decoded values of href/src/alt/title attributes and the decoded URLs in the text. The name of
the alternative that matched becomes the violation's detail; the matched text never leaves here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .fold import FoldedTest, folded_test
from .lexicon import PlaceholderWords, load_lexicon
from .policy import GuardrailPolicy
from .trie import lowered, phrase_units, trie_regex
from .view import DraftView
from .violation import TEMPLATE_DEBRIS, Violation

__all__ = ["DETAILS", "DebrisPatterns", "check_template_debris", "debris_patterns", "find_debris"]

# Alternatives in priority order: at one position the first that matches wins, so the longer
# syntaxes ({{…}}, {%…%}, [[…]]) come before the shorter ones they contain. Every alternative
# starts with its sign character (a guard on what precedes the sign comes right after it), so the
# alternatives joined without groups make a pattern the engine can jump through from sign to sign.
_SYNTAXES: tuple[tuple[str, str, str], ...] = (
    ("double_brace", "double-brace placeholder",
     r"\{\{\{?[^{}]{0,120}?\}\}\}?|\{\{\s*[A-Za-z_#/>^&][\w.]*"),
    ("template_tag", "template tag", r"\{%-?\s*[A-Za-z_][^{}]{0,120}?%\}|<%[=#-]?[^%]{1,120}%>"),
    ("salesforce", "Salesforce merge field", r"\{![^{}\n]{1,120}\}"),
    ("dollar_brace", "dollar-brace placeholder", r"\$!?\{[^{}\n]{1,120}\}"),
    ("mailchimp", "Mailchimp merge tag", r"\*\|[^|\n]{1,80}\|\*"),
    ("double_percent", "double-percent token", r"%%[^%\s][^%\n]{0,80}%%"),
    ("percent", "percent-delimited token", r"%(?<![\w%].)[A-Za-z_][\w.:\-]{0,60}%(?![\w%])"),
    ("double_angle", "double-angle placeholder", r"<<\s*[A-Za-z_][\w .:\-]{0,40}?\s*>>"),
    ("guillemet", "guillemet merge field", r"«[A-Za-z_][\w.]{0,40}»"),
    ("double_bracket", "double-bracket placeholder", r"\[\[\s*[A-Za-z_][^\[\]\n]{0,60}\]\]"),
    ("fallback", "bracketed merge field",
     r"\[\s*[A-Za-z_]\w*\s*,\s*fallback\s*=[^\]\n]{0,60}\]"),
    ("hash", "hash-delimited token", r"#(?<![\w#&/].)[A-Za-z_][\w.]{1,40}#(?![\w#])"),
    ("dunder", "double-underscore token", r"_(?<!\w_)_[A-Z][A-Z0-9_]{0,40}[A-Z0-9]__(?!\w)"),
    ("single_brace", "single-brace placeholder",
     r"\{(?<![{$!\w]\{)\s*[A-Za-z_](?:\w+|\w*(?:\.[A-Za-z_]\w*)+)\s*(?:\|[^{}\n]{0,40})?\}"),
)
_MARKER = ("marker", "tool marker for a missing value")
_BRACKET = ("bracket", "bracketed placeholder",
            r"\[[^\[\]{}<>\n]{1,60}\](?!\()|\{[^{}<>\n]{1,60}\}|<[^<>{}\n]{1,60}>")

_STANDIN_VALUES = frozenset({"none", "null", "undefined", "n/a", "object object"})
_STANDIN_STRIP = " \t\r\n\"'`()[]<>{}"


# Word-start debris, matched on lower-cased text: a greeting to a stand-in or to nobody.
_GREETING_WORDS = ("hi", "hello", "hey", "dear", "greetings")
_GREETING_TAIL = (
    r"(?:\s*,?\s+(?:undefined|null|none|nil|nan)(?=\s*(?:[,!.:;]|$))|[ \t]+,)"
)
# The same tail folded (fold.py): the stand-in after spaces, or the comma as a second space.
_FOLDED_TAIL = r"(?: +(?:undefined|null|none|nil|nan)|  )"
_GREETINGS = (
    ("greeting_standin", "greeting with a stand-in name", ""),
    ("greeting_empty", "greeting with an empty name", ""),
)
DETAILS: dict[str, str] = {name: detail for name, detail, _ in _SYNTAXES + _GREETINGS} | {
    _MARKER[0]: _MARKER[1],
    _BRACKET[0]: _BRACKET[1],
}


@dataclass(frozen=True, slots=True)
class DebrisPatterns:
    """`signs` runs at each sign, case-sensitive; `words` at word starts, on lower-cased text.

    `jump` is `signs` without its named groups: the same positions match, but with no group in
    front of them the engine skips straight from one sign character to the next.
    """

    signs: re.Pattern[str]
    jump: re.Pattern[str]
    words: re.Pattern[str]
    word_test: FoldedTest


@lru_cache(maxsize=16)
def debris_patterns(markers: tuple[str, ...]) -> DebrisPatterns:
    signs = [f"(?P<{name}>{rx})" for name, _, rx in _SYNTAXES]
    signs.append(f"(?P<{_BRACKET[0]}>{_BRACKET[2]})")
    entries = [phrase_units(m) for m in set(markers)]
    entries += [(*word, _GREETING_TAIL) for word in _GREETING_WORDS]
    return DebrisPatterns(
        signs=re.compile("|".join(signs)),
        jump=re.compile("|".join([rx for _, _, rx in _SYNTAXES] + [_BRACKET[2]])),
        words=re.compile(trie_regex(entries, guard=r"(?<!\w.)")),
        word_test=folded_test(markers, extra=[(*g, _FOLDED_TAIL) for g in _GREETING_WORDS]),
    )


def _word_kind(match: str) -> str:
    """Which word-start entry matched: a greeting (to a stand-in or to nobody) or a marker."""
    head = match.split(None, 1)[0].rstrip(",")
    if head not in _GREETING_WORDS:
        return _MARKER[0]
    return _GREETINGS[1][0] if match.endswith(",") else _GREETINGS[0][0]


def _is_placeholder(inner: str, words: PlaceholderWords) -> bool:
    """Does the content of a `[bracket]` read like a placeholder left for a human to fill in?"""
    phrase = " ".join(inner.replace("_", " ").split()).lower()
    if not phrase or not phrase[0].isalpha():
        return False
    tokens = phrase.split(" ")
    if len(tokens) > 5:
        return False
    return (
        phrase in words.exact
        or tokens[0] in words.lead
        or tokens[-1].removesuffix("'s") in words.head
        or " ".join(tokens[-2:]) in words.head
    )


def _sign_matches(
    text: str, patterns: DebrisPatterns, words: PlaceholderWords
) -> list[tuple[int, int, str]]:
    """Try the syntaxes only where one matches; a bracket that is no placeholder hides nothing."""
    found = []
    pos = 0
    while (hit := patterns.jump.search(text, pos)) is not None:
        start = hit.start()
        pos = start + 1
        m = patterns.signs.match(text, start)
        if m is None:  # cannot happen: both patterns have the same alternatives
            continue
        kind = m.lastgroup or ""
        if kind == _BRACKET[0] and not _is_placeholder(m.group()[1:-1], words):
            continue
        found.append((start, m.end(), kind))
        pos = max(m.end(), pos)
    return found


def find_debris(
    text: str, patterns: DebrisPatterns, words: PlaceholderWords, low: str | None = None
) -> list[tuple[int, int, str]]:
    """`(start, end, kind)` for every piece of debris in `text`, in order (`low`: lower-cased)."""
    found = _sign_matches(text, patterns, words)
    if low is None:
        low = lowered(text)
    if not patterns.word_test.may_match(low):
        return found
    taken = [(s, e) for s, e, _ in found]
    for m in patterns.words.finditer(low):
        if not any(s < m.end() and m.start() < e for s, e in taken):
            found.append((m.start(), m.end(), _word_kind(m.group())))
    return sorted(found)


def _whole_value_standin(value: str) -> bool:
    return value.strip(_STANDIN_STRIP).casefold() in _STANDIN_VALUES


@lru_cache(maxsize=16)
def _rules(policy: GuardrailPolicy) -> tuple[DebrisPatterns, PlaceholderWords]:
    lexicon = load_lexicon(policy.lexicon_version)
    patterns = debris_patterns(lexicon.debris_markers + policy.debris_markers)
    return patterns, lexicon.placeholder_words


def check_template_debris(view: DraftView, policy: GuardrailPolicy) -> list[Violation]:
    """Unresolved placeholders in every field, in attributes, and in URLs however encoded."""
    pattern, words = _rules(policy)
    out = []
    for name, visible in view.visible.items():
        if not view.raw[name]:
            continue
        for start, end, kind in find_debris(visible.text, pattern, words, view.lowered.get(name)):
            span = visible.source_span(start, end)
            out.append(Violation(name, span, TEMPLATE_DEBRIS, DETAILS[kind]))
        for attr in view.attributes[name]:
            for _, _, kind in find_debris(attr.value, pattern, words):
                detail = f"{DETAILS[kind]} in an HTML {attr.name} attribute"
                out.append(Violation(name, attr.span, TEMPLATE_DEBRIS, detail))
        for link in view.links[name]:
            if link.origin == "text" and "%" in view.raw[name][link.span[0] : link.span[1]]:
                for _, _, kind in find_debris(link.url, pattern, words):
                    detail = f"{DETAILS[kind]} in a URL"
                    out.append(Violation(name, link.span, TEMPLATE_DEBRIS, detail))
        if name != "body" and _whole_value_standin(visible.text):
            span = (0, len(view.raw[name]))
            out.append(Violation(name, span, TEMPLATE_DEBRIS, "literal stand-in value"))
    return out
