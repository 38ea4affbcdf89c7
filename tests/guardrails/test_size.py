"""empty_draft and oversized_draft."""

from __future__ import annotations

import pytest

from releasegate.guardrails import EMPTY_DRAFT, OVERSIZED_DRAFT, GuardrailPolicy, check_draft


def codes(body: str, subject: str = "", policy: GuardrailPolicy | None = None) -> set[str]:
    return {v.code for v in check_draft(body, subject, policy=policy or GuardrailPolicy())}


@pytest.mark.parametrize(
    "body",
    [
        "",
        "   \n\t",
        "\u200b\u200c\ufeff",
        "\u00a0\u00a0",
        "<p>&nbsp;</p>",
        "<p></p><br/>",
        "<html><head><style>p{}</style></head><body><div>&#8203;</div></body></html>",
        "(empty)",
        "None",
        "null",
        "undefined",
        "N/A",
        "<p>None</p>",
        "'None'",
        "[empty]",
        "...",
        "—",
        "<p>-</p>",
    ],
)
def test_nothing_a_reader_would_see_is_an_empty_draft(body: str) -> None:
    assert EMPTY_DRAFT in codes(body)


@pytest.mark.parametrize(
    "body", ["Hi", "Thanks, Sam", "<p>Ok</p>", "None of the options fit, Sam."]
)
def test_short_real_text_is_not_empty(body: str) -> None:
    assert EMPTY_DRAFT not in codes(body)


def test_size_is_measured_in_utf8_bytes_of_the_body() -> None:
    policy = GuardrailPolicy(max_body_bytes=1000, max_words=0)
    assert OVERSIZED_DRAFT not in codes("a" * 1000, policy=policy)
    assert OVERSIZED_DRAFT in codes("é" * 501, policy=policy)  # 1002 bytes, 501 characters


def test_oversized_span_starts_at_the_first_character_past_the_limit() -> None:
    policy = GuardrailPolicy(max_body_bytes=10, max_words=0)
    (v,) = check_draft("éééééé", policy=policy)  # 12 bytes: the 6th character crosses
    assert (v.code, v.span) == (OVERSIZED_DRAFT, (5, 6))


def test_word_limit_counts_visible_words_only() -> None:
    policy = GuardrailPolicy(max_words=3)
    assert OVERSIZED_DRAFT not in codes('<p class="a b c d e">one two three</p>', policy=policy)
    assert OVERSIZED_DRAFT in codes("one two three four", policy=policy)


def test_zero_turns_a_limit_off() -> None:
    policy = GuardrailPolicy(max_body_bytes=0, max_words=0, max_subject_chars=0)
    assert OVERSIZED_DRAFT not in codes("word " * 50_000, "s" * 500, policy=policy)


def test_long_subject_is_oversized() -> None:
    assert OVERSIZED_DRAFT in codes("Hi", "Notes " * 40)
