"""Hypothesis: invariants of check_draft that no example table can cover."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from releasegate.guardrails import TEMPLATE_DEBRIS, check_draft

WORDS = st.sampled_from(
    [
        "the",
        "team",
        "pricing",
        "options",
        "Denver",
        "Thursday",
        "call",
        "onboarding",
        "summary",
        "20%",
        "to",
        "30%",
        "[1]",
        "[PDF]",
        "{1,",
        "2,",
        "3}",
        "{a,",
        "b}",
        ":-)",
        ";)",
        "Q3",
        "ROI",
        "ACME",
        "interact",
        "freelancer",
        "notes",
        "attached",
        "review",
        "next",
        "week",
        "50%",
        "Re:",
        "(see)",
        "x",
        "<",
        "y",
        "-",
        ",",
        ".",
        "?",
        "thanks",
        "habit.ly",
    ]
)
CLEAN = st.lists(WORDS, min_size=1, max_size=60).map(" ".join)
TOKENS = st.sampled_from(
    [
        "{{first_name}}",
        "{{ company }}",
        "{FirstName}",
        "%FIRSTNAME%",
        "*|FNAME|*",
        "${name}",
        "<<Name>>",
        "«Name»",
        "[[name]]",
        "#firstname#",
        "{!Contact.FirstName}",
        "[Your Name]",
        "%%Token%%",
        "[Company Name]",
    ]
)
WRAPPERS = st.sampled_from(
    [
        "<b>{}</b>",
        "<span style='x'>{}</span>",
        "<p>{}</p>",
        "<i><u>{}</u></i>",
        "&nbsp;{}&nbsp;",
        "<a href='https://example.com'>{}</a>",
        "<font color=red>{}</font>",
        "\u200b{}\u200b",
    ]
)


def _debris(body: str) -> bool:
    return any(v.code == TEMPLATE_DEBRIS for v in check_draft(body))


@settings(max_examples=300, deadline=None)
@given(CLEAN)
def test_clean_generated_text_is_never_template_debris(text: str) -> None:
    assert not _debris(text)


@settings(max_examples=300, deadline=None)
@given(CLEAN, TOKENS, st.data())
def test_a_token_inserted_anywhere_in_a_clean_draft_is_flagged(
    text: str, token: str, data: st.DataObject
) -> None:
    spaces = [i for i, c in enumerate(text) if c == " "] + [0, len(text)]
    at = data.draw(st.sampled_from(spaces))
    assert _debris(text[:at] + " " + token + " " + text[at:])


@settings(max_examples=300, deadline=None)
@given(CLEAN, TOKENS, WRAPPERS, st.integers(min_value=1, max_value=3))
def test_wrapping_a_token_in_harmless_html_never_hides_it(
    text: str, token: str, wrapper: str, depth: int
) -> None:
    wrapped = token
    for _ in range(depth):
        wrapped = wrapper.format(wrapped)
    assert _debris(f"<p>{text}</p> {wrapped} <p>{text}</p>")


@settings(max_examples=200, deadline=None)
@given(TOKENS, st.integers(min_value=1, max_value=4), st.data())
def test_splitting_a_token_with_empty_tags_or_zero_width_characters_never_hides_it(
    token: str, cuts: int, data: st.DataObject
) -> None:
    filler = data.draw(st.sampled_from(["<span></span>", "\u200b", "<b></b>", "&#8203;", "\u00ad"]))
    positions = sorted(
        data.draw(st.lists(st.integers(1, len(token) - 1), min_size=1, max_size=cuts))
    )
    pieces, last = [], 0
    for p in positions:
        pieces.append(token[last:p])
        last = p
    pieces.append(token[last:])
    assert _debris("Hi " + filler.join(pieces) + ", thanks.")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_gives_spans_inside_the_value(text: str) -> None:
    for v in check_draft(text, text, sender_name=text):
        assert 0 <= v.span[0] <= v.span[1] <= len(text)
