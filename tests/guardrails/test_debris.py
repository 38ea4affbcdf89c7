"""template_debris: every syntax, every hiding trick, and the legitimate text that must pass."""

from __future__ import annotations

import pytest

from releasegate.guardrails import TEMPLATE_DEBRIS, check_draft


def debris(body: str, subject: str = "", sender_name: str = "") -> list[tuple[str, str]]:
    found = check_draft(body, subject, sender_name=sender_name)
    return [(v.field, v.detail) for v in found if v.code == TEMPLATE_DEBRIS]


SYNTAXES = [
    ("Hi {{first_name}},", "double-brace placeholder"),
    ("Hi {{ first_name }},", "double-brace placeholder"),
    ("Hi {{contact.first_name}},", "double-brace placeholder"),
    ('Hi {{ first_name | default: "there" }},', "double-brace placeholder"),
    ("Hi {{{first_name}}},", "double-brace placeholder"),
    ("Hi {{first_name, saw your post", "double-brace placeholder"),
    ("{% if company %}at {{company}}{% endif %}", "template tag"),
    ("Hi <%= first_name %>,", "template tag"),
    ("Hi {!Contact.FirstName},", "Salesforce merge field"),
    ("Hi ${name},", "dollar-brace placeholder"),
    ("Hi *|FNAME|*,", "Mailchimp merge tag"),
    ("Hi *|TEXT:FNAME|*,", "Mailchimp merge tag"),
    ("Hi %FIRSTNAME%,", "percent-delimited token"),
    ("Hi %first_name%,", "percent-delimited token"),
    ("Hi %%Token%%,", "double-percent token"),
    ("Hi <<Name>>,", "double-angle placeholder"),
    ("Hi << First Name >>,", "double-angle placeholder"),
    ("Hi «Name»,", "guillemet merge field"),
    ("Hi [[name]],", "double-bracket placeholder"),
    ("Hi [firstname, fallback=there],", "bracketed merge field"),
    ("Hi #firstname#,", "hash-delimited token"),
    ("Hi __FIRST_NAME__,", "double-underscore token"),
    ("Hi {FirstName},", "single-brace placeholder"),
    ("Hi {first_name},", "single-brace placeholder"),
    ("Hi {contact.name},", "single-brace placeholder"),
    ("Hi #{first_name},", "single-brace placeholder"),
    ("Best,\n[Your Name]", "bracketed placeholder"),
    ("We work with [Company Name].", "bracketed placeholder"),
    ("Hi [Recipient's Name],", "bracketed placeholder"),
    ("Here: [Insert Link]", "bracketed placeholder"),
    ("Hi [Name],", "bracketed placeholder"),
    ("Hi {First Name},", "bracketed placeholder"),
    ("Best, <Your Name>", "bracketed placeholder"),
    ("Hi [object Object],", "tool marker for a missing value"),
    ("Hi MISSING_TOKEN,", "tool marker for a missing value"),
    ("Revenue: #N/A", "tool marker for a missing value"),
    ("Lorem ipsum dolor sit amet.", "tool marker for a missing value"),
    ("Hi undefined,", "greeting with a stand-in name"),
    ("Dear None,", "greeting with a stand-in name"),
    ("Hello null!", "greeting with a stand-in name"),
    ("Hi ,", "greeting with an empty name"),
]


@pytest.mark.parametrize(("body", "detail"), SYNTAXES)
def test_every_syntax_is_flagged_with_its_kind(body: str, detail: str) -> None:
    assert ("body", detail) in debris(body)


HIDDEN = [
    "Hi {{first<span></span>_name}},",
    "Hi {{<b>first_name</b>}},",
    "Hi {{first_<!-- x -->name}},",
    "Hi {{&nbsp;first_name&nbsp;}},",
    "Hi {{\u00a0first_name\u00a0}},",
    "Hi {{\u2009first_name\u3000}},",
    "Hi &#123;&#123;first_name&#125;&#125;,",
    "Hi &#x7B;&#x7b;first_name&#x7D;&#x7d;,",
    "Hi &lbrace;&lbrace;first_name&rbrace;&rbrace;,",
    "Hi {{first\u200b_name}},",
    "Hi {\u200b{first_name}\u200d},",
    "Hi {{first\ufeff_name\u2060}},",
    "Hi \uff5b\uff5bfirst_name\uff5d\uff5d,",
    "Hi &lt;&lt;Name&gt;&gt;,",
    "Hi *&#124;FNAME&#124;*,",
    "Hi <b>%</b><i>FIRSTNAME</i>%,",
    "Hi %FIRST\u200bNAME%,",
    "<p>Hi [Your\u00a0Name],</p>",
]


@pytest.mark.parametrize("body", HIDDEN)
def test_hiding_tricks_do_not_hide_the_token(body: str) -> None:
    assert debris(body)


IN_ATTRIBUTES = [
    '<a href="https://x.com/?n=%7B%7Bfirst_name%7D%7D">x</a>',
    '<a href="https://x.com/?n=%257B%257Bfirst_name%257D%257D">x</a>',
    "<a href='https://x.com/?n=&#123;&#123;first_name&#125;&#125;'>x</a>",
    '<img src="https://x.com/%7B%7Bname%7D%7D.png">',
    "<a href=https://x.com/*%7CFNAME%7C*>x</a>",
    '<img alt="Photo of {{first_name}}" src="a.png">',
]


@pytest.mark.parametrize("body", IN_ATTRIBUTES)
def test_tokens_in_href_src_and_alt_are_found_even_url_encoded(body: str) -> None:
    details = [detail for _, detail in debris(body)]
    assert details and all(" attribute" in d for d in details)


def test_url_encoded_token_in_a_written_url_is_found() -> None:
    assert debris("Book here: https://cal.example.com/?n=%7B%7Bfirst_name%7D%7D")


LEGITIMATE = [
    "The sets {1, 2, 3} and {a, b} and {c} are disjoint.",
    'Payload: {"name": "Sam", "id": 4}',
    '{ "a": { "b": [1, 2] } }',
    "Growth of 20% to 30% this year, 5%-10% margins.",
    "We do 100% of the work; 50% of 100% is 50%.",
    "See the report [1] and the appendix [2].",
    "Attached: deck [PDF] and notes [DOCX].",
    "[EXTERNAL] Re: your note [Update]",
    "Thanks :-) ;) :] <3 :-{ }:) >_< ^_^ (: xD :P",
    "x < y and y > z",
    "Use C# or F#, tags #sales #growth.",
    "Call me at 555-1234 #2.",
    "Check [our deck](https://acme.com/deck).",
    "[x] signed, [ ] countersigned",
    "Set notation {x | x > 0} for positive numbers.",
    "See https://example.com/a%20b and https://example.com/%E2%80%99s",
    "« Bonjour » from the Paris team.",
    "Hello none of us expected that.",
    "AT&T and Q&A and R&D.",
    "Python's __init__ method.",
    "Plain good email with no markup at all.",
    "<p>Hello</p><p>World</p>",
]


@pytest.mark.parametrize("body", LEGITIMATE)
def test_legitimate_text_is_not_template_debris(body: str) -> None:
    assert debris(body) == []


def test_subject_and_sender_name_are_scanned_too() -> None:
    assert ("subject", "double-brace placeholder") in debris("ok", subject="Hi {{name}}")
    assert ("sender_name", "Mailchimp merge tag") in debris("ok", sender_name="*|FROM_NAME|*")


@pytest.mark.parametrize("value", ["None", "undefined", " null ", "[object Object]"])
def test_a_stand_in_subject_or_sender_name_is_debris(value: str) -> None:
    assert ("subject", "literal stand-in value") in debris("ok", subject=value)
    assert ("sender_name", "literal stand-in value") in debris("ok", sender_name=value)


@pytest.mark.parametrize(
    "body",
    [
        "Hi {{first<span></span>_name}}!",
        "<p>Hi &#123;&#123;first_name&#125;&#125;</p>",
        "Hi {{\u200bname}} and more",
        "<div>x</div><p>Hello <b>*|</b>FNAME|*</p>",
    ],
)
def test_span_indexes_the_original_value_and_covers_the_hidden_token(body: str) -> None:
    (v,) = [v for v in check_draft(body) if v.code == TEMPLATE_DEBRIS]
    start, end = v.span
    covered = body[start:end]
    assert covered[0] in "{&*" and covered[-1] in "};*"
    assert 0 <= start < end <= len(body)


def test_detail_never_contains_the_offending_text() -> None:
    for v in check_draft(
        "Hi {{secret_field}} [Your Name] <a href='https://x.co/%7B%7Bsecret%7D%7D'>"
    ):
        assert "secret" not in v.detail and "{{" not in v.detail
