"""Reading JSONL, CSV and JSON arrays: line numbers, strict decoding, format detection."""

from __future__ import annotations

from pathlib import Path

import pytest

from releasegate.errors import InputError
from releasegate.sources import Record, open_source
from releasegate.verdicts import parse_verdict


def records(path: Path, fmt: str | None = None) -> list[Record]:
    return list(open_source(str(path), fmt).records())  # type: ignore[arg-type]


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


HEADER = "run_id,target_graph,prompt_version,judge_version,passed,violations,latency_ms,"\
         "levels_scored,created_at\n"


def test_csv_rows_become_typed_verdicts(tmp_path: Path) -> None:
    path = write(tmp_path, "v.csv", HEADER
                 + "r1,g,v2,j1,true,template_debris;weak_cta,1840.5,,2026-11-03T02:01:00Z\n"
                 + "r2,g,v2,,NULL,,,[],\n"
                 + "r3,g,v2,j1,False,\"[\"\"loop_detected\"\"]\",12,step|outcome,\n")
    got = [parse_verdict(r.value, line=r.line) for r in records(path)]
    assert [r.line for r in records(path)] == [2, 3, 4]
    assert got[0].passed is True and got[0].violations == ["template_debris", "weak_cta"]
    assert got[0].latency_ms == 1840.5 and got[0].created_at is not None
    assert got[1].passed is None and got[1].judge_version == "default"
    assert got[1].levels_scored == [] and not got[1].fully_covered
    assert got[2].violations == ["loop_detected"] and got[2].levels_scored == ["step", "outcome"]


@pytest.mark.parametrize("cell, message", [("nan", "finite"), ("inf", "finite"),
                                           ("12ms", "number"), ("-1", "greater than")])
def test_csv_bad_numbers_are_named(tmp_path: Path, cell: str, message: str) -> None:
    path = write(tmp_path, "v.csv", "run_id,target_graph,prompt_version,passed,latency_ms\n"
                 f"r1,g,v,true,{cell}\n")
    with pytest.raises(ValueError, match=message):
        parse_verdict(records(path)[0].value)


def test_csv_unknown_or_repeated_column_is_refused_at_the_header(tmp_path: Path) -> None:
    unknown = records(write(tmp_path, "a.csv", "run_id,subject,passed\nr,hello,true\n"))
    assert unknown[0].problem is not None and unknown[0].problem.field == "subject"
    twice = records(write(tmp_path, "b.csv", "run_id,passed,passed\nr,true,true\n"))
    assert twice[0].problem is not None and "twice" in twice[0].problem.message


def test_csv_ragged_row_is_named_by_line(tmp_path: Path) -> None:
    got = records(write(tmp_path, "a.csv", "run_id,target_graph,prompt_version,passed\n"
                        "r1,g,v,true\nr2,g,v\n"))
    assert got[1].problem is not None and got[1].problem.line == 3


def test_csv_multiline_quoted_cell_keeps_the_starting_line(tmp_path: Path) -> None:
    got = records(write(tmp_path, "a.csv", 'run_id,target_graph,prompt_version,passed\n'
                        '"r\n1",g,v,true\nr2,g,v,false\n'))
    assert [r.line for r in got] == [2, 4]


def test_jsonl_skips_blank_lines_and_keeps_physical_line_numbers(tmp_path: Path) -> None:
    got = records(write(tmp_path, "a.jsonl", '\ufeff{"a": 1}\n\n   \n{"b": 2}\n'))
    assert [(r.line, r.value) for r in got] == [(1, {"a": 1}), (4, {"b": 2})]


def test_jsonl_invalid_utf8_and_broken_json_are_named(tmp_path: Path) -> None:
    got = records(write(tmp_path, "a.jsonl", b'{"a": "\xff"}\n{"a": \n{"a": 1, "a": 2}\n'))
    assert [r.problem.message if r.problem else None for r in got] == [
        "not valid UTF-8", "invalid JSON: Expecting value at column 7", "duplicate key 'a'"]


def test_huge_line_is_refused_without_parsing(tmp_path: Path) -> None:
    got = records(write(tmp_path, "a.jsonl", '{"run_id": "' + "x" * (2 << 20) + '"}\n'))
    assert got[0].problem is not None and "longer than" in got[0].problem.message


def test_json_array_file_numbers_its_items(tmp_path: Path) -> None:
    got = records(write(tmp_path, "a.json", '[{"a": 1}, {"b": 2}]'))
    assert [(r.line, r.value) for r in got] == [(1, {"a": 1}), (2, {"b": 2})]


def test_json_extension_holding_jsonl_is_read_as_jsonl(tmp_path: Path) -> None:
    got = records(write(tmp_path, "a.json", '{"a": 1}\n{"b": 2}\n'))
    assert [r.line for r in got] == [1, 2]


def test_unknown_extension_is_sniffed(tmp_path: Path) -> None:
    assert open_source(str(write(tmp_path, "a.txt", '{"a": 1}\n'))).format == "jsonl"
    assert open_source(str(write(tmp_path, "b.txt", "run_id,passed\n"))).format == "csv"
    assert open_source(str(write(tmp_path, "c.log", "  [ ]"))).format == "json"


def test_empty_file_has_no_records(tmp_path: Path) -> None:
    assert records(write(tmp_path, "a.jsonl", "")) == []
    assert records(write(tmp_path, "a.csv", "")) == []


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        open_source(str(tmp_path / "nope.jsonl"))
    with pytest.raises(InputError, match="cannot read"):
        open_source(str(tmp_path))
