"""Every shortcut check_draft takes for speed gives the answer of the full path it skips."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from hypothesis import given, settings
from hypothesis import strategies as st

from releasegate.guardrails import DEFAULT_GUARDRAILS, check_draft
from releasegate.guardrails.debris import debris_patterns
from releasegate.guardrails.fold import folded_test
from releasegate.guardrails.lexicon import load_lexicon
from releasegate.guardrails.links import host_of
from releasegate.guardrails.size import _standin, more_words_than
from releasegate.guardrails.spam import phrase_pattern, phrase_test
from releasegate.guardrails.trie import lowered
from releasegate.guardrails.visible import (
    _ATTR,
    _ATTR_ASCII,
    _SPECIAL,
    _SPECIAL_ASCII,
    _TAG,
    _TAG_ASCII,
    attributes,
    visible_text,
)

LEXICON = load_lexicon()
MARKERS = LEXICON.debris_markers
PHRASES = LEXICON.spam_phrases

# Pieces that make the shortcuts work hard: phrase fragments, every kind of separator, signs,
# tags in both cases, entities, non-ASCII letters and spaces, look-alikes.
PIECES = st.sampled_from(
    [
        *PHRASES[:40:3],
        *MARKERS[::2],
        "act",
        "now",
        "hi",
        "hello",
        "dear",
        "null",
        "nan",
        "free",
        "money",
        "don",
        "t",
        "'",
        "’",
        " ",
        "  ",
        "\n",
        "\t",
        "\xa0",
        "\u2028",
        "\x85",
        "\x1c",
        ",",
        " ,",
        "-",
        "_",
        "$",
        "#",
        "[",
        "]",
        "!",
        "?",
        "/",
        "%",
        "{",
        "}",
        "{{",
        "}}",
        "*|",
        "|*",
        "<<",
        ">>",
        "«",
        "»",
        "<",
        ">",
        "&",
        ";",
        "x",
        "X",
        "é",
        "ſ",
        "K",
        "İ",
        "ǅ",
        "\u200b",
        "\uff5b",
        "<P>",
        "</p>",
        "<Br/>",
        "<SCRIPT>x</script>",
        "<!-- c -->",
        "<a HREF='https://bit.ly/x'>",
        '<img Alt="[Your Name]" src=x>',
        "<ſrc=x>",
        "&nbsp;",
        "&AMP;",
        "&#123;",
        "&#x7D;",
        "<<Name>>",
        "__X__",
        "%FIRST%",
        "#n/a",
        "Hi ,",
    ]
)
TEXTS = st.lists(PIECES, max_size=30).map("".join)
ASCII_TEXTS = TEXTS.map(lambda t: t.encode("ascii", "ignore").decode("ascii"))


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_the_folded_test_never_skips_a_spam_phrase_or_a_marker(text: str) -> None:
    low = lowered(text)
    if phrase_pattern(PHRASES).search(low):
        assert phrase_test(PHRASES).may_match(low)
    patterns = debris_patterns(MARKERS)
    if patterns.words.search(low):
        assert patterns.word_test.may_match(low)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=12), min_size=1, max_size=4), TEXTS)
def test_the_folded_test_never_skips_a_phrase_of_any_spelling(
    phrases: list[str], text: str
) -> None:
    """User phrases may hold punctuation, non-ASCII letters or nothing foldable at all."""
    phrases = [p for p in phrases if p.strip()]
    if not phrases:
        return
    tuple_ = tuple(phrases)
    for at in range(0, len(text) + 1, max(1, len(text) // 3)):
        probe = lowered(text[:at] + " " + phrases[0] + " " + text[at:])
        if phrase_pattern(tuple_).search(probe):
            assert phrase_test(tuple_).may_match(probe)


def test_a_phrase_without_letters_is_a_substring_test_and_spaces_turn_the_test_off() -> None:
    assert folded_test(["$$$"]).literals == ("$$$",)
    assert folded_test(["$$ $"]).pattern is None
    assert not folded_test(["act now"]).may_match("please contact nobody")
    assert folded_test(["act now"]).may_match("(act\u2028now)")


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_the_sign_jump_pattern_matches_where_the_named_syntaxes_match(text: str) -> None:
    patterns = debris_patterns(MARKERS)
    for i in range(len(text) + 1):
        named, jump = patterns.signs.match(text, i), patterns.jump.match(text, i)
        assert (named and named.span()) == (jump and jump.span())


@settings(max_examples=400, deadline=None)
@given(ASCII_TEXTS)
def test_ascii_patterns_cut_and_read_attributes_as_the_general_ones(text: str) -> None:
    assert _SPECIAL_ASCII.split(text) == _SPECIAL.split(text)
    assert _ATTR_ASCII.findall(text) == _ATTR.findall(text)
    assert _TAG_ASCII.findall(text) == _TAG.findall(text)


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_visible_text_maps_spans_back_into_the_source(text: str) -> None:
    visible = visible_text(text)
    for start in range(0, len(visible.text), 3):
        lo, hi = visible.source_span(start, min(start + 2, len(visible.text)))
        assert 0 <= lo <= hi <= len(text)
    for attr in attributes(text):
        assert 0 <= attr.span[0] <= attr.span[1] <= len(text)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(["a", "bc", " ", "\n", "\x1c", "\x85", "\xa0", "\u3000", "é"])).map(
        "".join
    ),
    st.integers(min_value=0, max_value=20),
)
def test_the_word_bound_agrees_with_counting_the_words(text: str, limit: int) -> None:
    assert more_words_than(text, limit) == (len(text.split()) > limit)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["none", "no", "body", " ", "\n", "(", ")", "x", "NULL"])))
def test_the_stand_in_shortcut_agrees_with_collapsing_every_space(pieces: list[str]) -> None:
    text = "".join(pieces)
    standins = LEXICON.empty_standins
    strip = " \t\r\n\"'`()[]<>{}.*_-"
    assert _standin(text, standins) == (" ".join(text.strip(strip).split()).casefold() in standins)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "http://",
                "HTTPS://",
                "x+y://",
                "www.",
                "bit.ly",
                "BIT.LY",
                ":",
                "80",
                "@",
                "/",
                "?",
                "#",
                ".",
                "-",
                "[",
                "]",
                "::1",
                " ",
                "\t",
                "é",
                "a",
                "%41",
                "\u200b",
            ]
        ),
        max_size=8,
    ).map("".join)
)
def test_the_plain_host_shortcut_agrees_with_urlsplit(url: str) -> None:
    full = url if "://" in url[:12] else "http://" + url
    try:
        expected = (urlsplit(full.strip()).hostname or "").removeprefix("www.").rstrip(".")
    except ValueError:
        expected = ""
    assert host_of(url) == expected


@settings(max_examples=200, deadline=None)
@given(TEXTS, TEXTS)
def test_check_draft_is_deterministic_and_spans_stay_inside_their_field(
    body: str, subject: str
) -> None:
    first = check_draft(body, subject, policy=DEFAULT_GUARDRAILS)
    assert first == check_draft(body, subject, policy=DEFAULT_GUARDRAILS)
    for v in first:
        value = body if v.field == "body" else subject
        assert 0 <= v.span[0] <= v.span[1] <= len(value)
        assert re.fullmatch(r"[a-z_]+", v.code)
