"""GuardrailPolicy.from_mapping: the [guardrails] section of releasegate.toml."""

from __future__ import annotations

import tomllib

import pytest

from releasegate.errors import ConfigError
from releasegate.guardrails import DEFAULT_GUARDRAILS, GuardrailPolicy, check_draft

TOML = """
[guardrails]
hard = ["template_debris", "empty_draft"]
spam_phrases = ["synergy blast"]
shortener_hosts = ["sho.rt"]
debris_markers = ["XX_MISSING"]
max_body_bytes = 50000
max_words = 300
max_links = 4
"""


def test_the_documented_toml_section_loads() -> None:
    policy = GuardrailPolicy.from_mapping(tomllib.loads(TOML)["guardrails"])
    assert policy.hard_codes == {"template_debris", "empty_draft"}
    assert (policy.max_body_bytes, policy.max_words, policy.max_links) == (50000, 300, 4)
    assert policy.spam_phrases == ("synergy blast",)
    assert not policy.is_hard("spam_marker")
    assert [v.detail for v in check_draft("Hi XX_MISSING", policy=policy)] == [
        "tool marker for a missing value"
    ]


def test_an_empty_section_is_the_default() -> None:
    assert GuardrailPolicy.from_mapping({}) == DEFAULT_GUARDRAILS


@pytest.mark.parametrize(
    ("section", "named"),
    [
        ({"max_wrods": 10}, "guardrails.max_wrods"),
        ({"max_words": "10"}, "guardrails.max_words"),
        ({"max_words": True}, "guardrails.max_words"),
        ({"max_words": -1}, "guardrails.max_words"),
        ({"hard": ["templat_debris"]}, "guardrails.hard"),
        ({"hard": "template_debris"}, "guardrails.hard"),
        ({"spam_phrases": ["ok", ""]}, "guardrails.spam_phrases"),
        ({"lexicon_version": "v99"}, "guardrails.lexicon_version"),
        ({"exclamation_run": 1}, "guardrails.exclamation_run"),
    ],
)
def test_a_bad_key_or_value_is_a_config_error_naming_the_key(
    section: dict[str, object], named: str
) -> None:
    with pytest.raises(ConfigError, match=named.replace(".", r"\.")):
        GuardrailPolicy.from_mapping(section)


def test_policy_is_a_frozen_hashable_value() -> None:
    with pytest.raises(AttributeError):
        DEFAULT_GUARDRAILS.max_words = 1  # type: ignore[misc]
    assert hash(GuardrailPolicy()) == hash(DEFAULT_GUARDRAILS)
