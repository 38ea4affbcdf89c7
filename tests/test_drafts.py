"""releasegate.drafts: reading drafts from .txt, .html, .eml, JSONL and stdin."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from releasegate.drafts import parse_drafts, read_drafts
from releasegate.errors import InputError

FIXTURES = Path(__file__).parent / "guardrails" / "fixtures"


def test_eml_takes_subject_sender_display_name_and_the_html_body() -> None:
    (draft,) = read_drafts([str(FIXTURES / "clean.eml")])
    assert draft.subject == "Notes from Tuesday"
    assert draft.sender_name == "Sam Rivera"
    assert draft.body.startswith("<html>") and "Denver&nbsp;team" in draft.body


def test_eml_decodes_encoded_words_and_quoted_printable() -> None:
    (draft,) = read_drafts([str(FIXTURES / "debris.eml")])
    assert draft.sender_name == "{{sender_name}}"
    assert 'href="https://example.com/?n=%7B%7Bfirst_name%7D%7D"' in draft.body


def test_eml_with_only_a_plain_part() -> None:
    (draft,) = read_drafts([str(FIXTURES / "plain_only.eml")])
    assert draft.sender_name == "Jordan Park" and draft.body.startswith("Hi Riley")


def test_html_and_text_files_are_one_draft_each() -> None:
    drafts = read_drafts([str(FIXTURES / "clean.html"), str(FIXTURES / "empty.html")])
    assert [d.source for d in drafts] == [
        str(FIXTURES / "clean.html"),
        str(FIXTURES / "empty.html"),
    ]
    assert drafts[0].subject == "" and "<p>Hi Dana,</p>" in drafts[0].body


def test_jsonl_gives_one_draft_per_line_with_line_sources() -> None:
    drafts = read_drafts([str(FIXTURES / "drafts.jsonl")])
    assert [d.id for d in drafts] == ["a1", "a2", "3"]
    assert drafts[0].sender_name == "Sam" and drafts[1].subject == "FREE MONEY!!!"
    assert drafts[2].source.endswith("drafts.jsonl:3")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "expected a JSON object"),
        ('{"subject": "x"}', "body: missing"),
        ('{"body": 5}', "body: expected a string"),
        ('{"body": "x", "bdy": "y"}', "unknown field 'bdy'"),
        ('{"body": "x", "id": true}', "id: expected"),
    ],
)
def test_a_bad_jsonl_line_is_refused_with_its_line_number(
    tmp_path: Path, line: str, message: str
) -> None:
    path = tmp_path / "d.jsonl"
    path.write_text('{"body": "fine"}\n\n' + line + "\n")
    with pytest.raises(InputError, match=rf"d\.jsonl:3: .*{message}"):
        read_drafts([str(path)])


def test_stdin_is_sniffed_jsonl_eml_or_text() -> None:
    jsonl = read_drafts(["-"], stdin=io.BytesIO(b'{"body": "Hi"}\n{"body": "Yo"}\n'))
    assert [d.body for d in jsonl] == ["Hi", "Yo"]
    eml = read_drafts(["-"], stdin=io.BytesIO((FIXTURES / "clean.eml").read_bytes()))
    assert eml[0].subject == "Notes from Tuesday"
    text = read_drafts(["-"], stdin=io.BytesIO(b"Hi: there\nplain text"))
    assert text[0].body == "Hi: there\nplain text" and text[0].source == "<stdin>"


def test_stdin_can_be_read_only_once() -> None:
    with pytest.raises(InputError, match="only once"):
        read_drafts(["-", "-"], stdin=io.BytesIO(b"x"))


def test_missing_file_and_bad_encoding_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        read_drafts([str(tmp_path / "nope.txt")])
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("café".encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8"):
        read_drafts([str(bad)])


def test_a_bom_is_not_part_of_the_body() -> None:
    (draft,) = parse_drafts("\ufeffHello".encode(), "x.txt", suffix=".txt")
    assert draft.body == "Hello"
