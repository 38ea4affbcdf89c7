"""spam_marker: phrases on word boundaries, "!" runs, caps subjects, shorteners, link density."""

from __future__ import annotations

import pytest

from releasegate.guardrails import SPAM_MARKER, GuardrailPolicy, check_draft


def spam(body: str, subject: str = "", policy: GuardrailPolicy | None = None) -> list[str]:
    found = check_draft(body, subject, policy=policy or GuardrailPolicy())
    return [v.detail for v in found if v.code == SPAM_MARKER]


@pytest.mark.parametrize(
    "body",
    [
        "Act now: this offer is open.",
        "ACT   NOW before it is gone.",
        "This is 100% free for you.",
        "Claim your prize today.",
        "Don't delete this message.",
        "Don’t delete this message.",
        "Click&nbsp;here to learn more.",
        "Click <b>here</b> to learn more.",
        "Free\u200b money for early adopters.",
        "\uff21\uff43\uff54 now.",
        "Risk-free trial.",
    ],
)
def test_spam_phrases_are_flagged_however_written(body: str) -> None:
    assert "spam phrase" in spam(body)


@pytest.mark.parametrize(
    "body",
    [
        "We can interact now or next week.",
        "I am a freelancer and feel free to reply.",
        "It is not urgent; the delivery date is guaranteed.",
        "The contract now covers the react nowcast.",
        "Our free-text field holds notes.",
    ],
)
def test_word_boundaries_prevent_false_phrase_matches(body: str) -> None:
    assert spam(body) == []


def test_exclamation_runs_over_the_limit_are_flagged() -> None:
    assert "run of exclamation marks" in spam("Great news!!!")
    assert "run of exclamation marks" in spam("Great news! ! !")
    assert "run of exclamation marks" in spam("Great news\uff01\uff01\uff01")
    assert spam("Great news!! Thanks!") == []


@pytest.mark.parametrize(
    "subject", ["FREE MONEY INSIDE", "RE: LAST CHANCE TO JOIN", "URGENT REPLY NEEDED"]
)
def test_all_caps_subject_is_flagged(subject: str) -> None:
    assert "all-caps subject" in spam("Hello there.", subject)


@pytest.mark.parametrize(
    "subject", ["QBR", "Re: Q3 ROI for ACME", "ACME <> IBM", "Notes from Tuesday", ""]
)
def test_acronyms_and_mixed_case_subjects_are_fine(subject: str) -> None:
    assert spam("Hello there.", subject) == []


@pytest.mark.parametrize(
    "body",
    [
        "See https://bit.ly/3xYz",
        "See bit.ly/3xYz",
        "See http://www.bit.ly/3xYz",
        "See HTTPS://TinyURL.com/abc",
        '<a href="https://t.co/abc">link</a>',
        '<a href="https://bit%2Ely/abc">link</a>',
    ],
)
def test_link_shorteners_are_flagged_by_host(body: str) -> None:
    assert "link shortener host" in spam(body)


@pytest.mark.parametrize(
    "body",
    [
        "See habit.ly/x",
        "See https://rabbit.ly/x",
        "See https://microsoft.co/x",
        "Mail sam@bit.ly.example",
    ],
)
def test_hosts_that_only_look_like_shorteners_are_fine(body: str) -> None:
    assert "link shortener host" not in spam(body)


def test_too_many_links_for_the_length() -> None:
    links = " ".join(f"https://example.com/{i}" for i in range(3))
    assert "too many links for the length" in spam(f"Hi, see {links}.")
    long_body = " ".join(["word"] * 150) + " " + links
    assert "too many links for the length" not in spam(long_body)


def test_the_same_link_twice_counts_once() -> None:
    body = '<a href="https://acme.com/">https://acme.com</a> and <a href="https://acme.com">x</a>'
    assert spam(body) == []


def test_user_phrases_and_hosts_extend_the_lists_and_ignored_phrases_shrink_them() -> None:
    policy = GuardrailPolicy(spam_phrases=("synergy blast",), shortener_hosts=("sho.rt",))
    assert "spam phrase" in spam("A Synergy  Blast for you", policy=policy)
    assert "link shortener host" in spam("see https://sho.rt/x", policy=policy)
    quiet = GuardrailPolicy(ignore_spam_phrases=("Click here",))
    assert spam("Click here for the agenda.", policy=quiet) == []
