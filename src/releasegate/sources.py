"""Reading verdict rows from files and stdin: JSONL, CSV, or a JSON array.

Each record comes out with its line number (for a JSON array, its position) so that every error
can name where it is. Decoding is strict: no NaN, no duplicate keys, valid UTF-8.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Final, Literal

from releasegate.errors import InputError, Problem
from releasegate.verdicts import FIELDS, decode_json_object, safe_key

__all__ = ["FORMATS", "Format", "Record", "Source", "open_source"]

Format = Literal["jsonl", "csv", "json"]
FORMATS: Final = ("jsonl", "csv", "json")
MAX_LINE: Final = 1 << 20  # a verdict is a few hundred bytes; a megabyte line is not one
_NUMBER: Final = re.compile(r"^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$")
_NON_FINITE: Final = {"nan", "-nan", "inf", "-inf", "+inf", "infinity", "-infinity", "+infinity"}
_BOOL_FIELDS: Final = frozenset({"passed", "hard_violation"})
_NUMBER_FIELDS: Final = frozenset({"composite", "latency_ms", "cost_usd"})
_LIST_FIELDS: Final = frozenset({"violations", "levels_requested", "levels_scored"})


@dataclass(frozen=True, slots=True)
class Record:
    """One decoded row, or the problem that kept it from decoding."""

    line: int
    value: Any = None
    problem: Problem | None = None


Progress = Callable[[int], None]


@dataclass(frozen=True, slots=True)
class Source:
    """A named stream of verdict rows in one format."""

    name: str
    stream: IO[bytes]
    format: Format
    size: int | None

    def records(self, progress: Progress | None = None) -> Iterator[Record]:
        readers = {"jsonl": self._jsonl, "csv": self._csv, "json": self._json_array}
        return readers[self.format](progress)

    def _problem(self, line: int, field: str, message: str) -> Record:
        return Record(line, problem=Problem(self.name, line, field, message))

    def _jsonl(self, progress: Progress | None) -> Iterator[Record]:
        for number, raw in enumerate(self.stream, start=1):
            if progress is not None:
                progress(len(raw))
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            if len(raw) > MAX_LINE:
                yield self._problem(number, "(row)", f"line longer than {MAX_LINE} bytes")
                continue
            if not raw.strip():
                continue
            try:
                text = raw.decode("utf-8").rstrip("\r\n")
            except UnicodeDecodeError:
                yield self._problem(number, "(row)", "not valid UTF-8")
                continue
            try:
                yield Record(number, decode_json_object(text))
            except ValueError as exc:
                yield self._problem(number, "(row)", str(exc))

    def _json_array(self, progress: Progress | None) -> Iterator[Record]:
        data = self.stream.read()
        if progress is not None:
            progress(len(data))
        try:
            items = decode_json_object(data.decode("utf-8-sig"))
        except (ValueError, UnicodeDecodeError) as exc:
            yield self._problem(0, "(file)", str(exc))
            return
        if not isinstance(items, list):
            yield self._problem(0, "(file)", "a .json file must hold an array of verdicts")
            return
        for position, item in enumerate(items, start=1):
            yield Record(position, item)

    def _csv(self, progress: Progress | None) -> Iterator[Record]:
        text = io.TextIOWrapper(self.stream, encoding="utf-8-sig", newline="")
        reader = csv.reader(text, strict=True)
        try:
            header = next(reader, None)
        except (csv.Error, UnicodeDecodeError) as exc:
            yield self._problem(1, "(header)", str(exc))
            return
        if header is None:
            return
        problem = _header_problem([h.strip() for h in header])
        if problem:
            yield self._problem(1, problem[0], problem[1])
            return
        columns = [h.strip() for h in header]
        start = 2
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except (csv.Error, UnicodeDecodeError) as exc:
                yield self._problem(reader.line_num, "(row)", f"unreadable CSV: {exc}")
                return
            line, start = start, reader.line_num + 1
            if progress is not None:
                progress(sum(len(c) + 1 for c in cells))
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != len(columns):
                yield self._problem(line, "(row)",
                                    f"has {len(cells)} cells, the header has {len(columns)}")
                continue
            yield Record(line, _csv_object(zip(columns, cells, strict=True)))


def _header_problem(columns: list[str]) -> tuple[str, str] | None:
    seen: set[str] = set()
    for column in columns:
        if column not in FIELDS:
            hint = "" if seen else "; the first line must be a header naming the columns"
            return safe_key(column), ("unknown column (a verdict carries scores and codes only)"
                                      f"{hint}")
        if column in seen:
            return column, "column appears twice"
        seen.add(column)
    return None


def _csv_cell(column: str, cell: str) -> Any:
    text = cell.strip()
    lowered = text.lower()
    if column in _BOOL_FIELDS:
        return {"true": True, "false": False, "null": None}.get(lowered, text)
    if column in _NUMBER_FIELDS:
        if lowered in _NON_FINITE:
            return float(lowered)
        if _NUMBER.match(text):
            return float(text) if any(c in text for c in ".eE") else int(text)
        return text
    if column in _LIST_FIELDS:
        if text.startswith("["):
            try:
                return decode_json_object(text)
            except ValueError:
                return text
        return [part.strip() for part in re.split(r"[;|,]", text) if part.strip()]
    return text


def _csv_object(pairs: Any) -> dict[str, Any]:
    """A CSV row as a verdict object; an empty cell means the field is absent ("[]" is an
    empty list)."""
    return {column: _csv_cell(column, cell) for column, cell in pairs if cell.strip()}


def _sniff(head: bytes) -> Format:
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"["):
        return "json"
    if stripped.startswith(b"{"):
        return "jsonl"
    return "csv"


_EXTENSIONS: Final[dict[str, Format]] = {
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".json": "json",
}


def _peekable(stream: IO[bytes]) -> io.BufferedReader:
    if isinstance(stream, io.BufferedReader):
        return stream
    return io.BufferedReader(io.BytesIO(stream.read()))


def open_source(path: str, fmt: Format | None = None) -> Source:
    """Open a path (or "-" for stdin) as a Source; the format comes from the flag, the
    extension, or the first bytes."""
    if path == "-":
        stdin = _peekable(sys.stdin.buffer)
        return Source("<stdin>", stdin, fmt or _sniff(stdin.peek(64)), None)
    file = Path(path)
    try:
        stream = io.BufferedReader(file.open("rb", buffering=0), 1 << 16)
        size = file.stat().st_size
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    sniffed = _sniff(stream.peek(64))
    chosen = fmt or _EXTENSIONS.get(file.suffix.lower()) or sniffed
    if {chosen, sniffed} == {"json", "jsonl"}:
        chosen = sniffed  # JSON either way: an array in a .jsonl, objects per line in a .json
    return Source(path, stream, chosen, size)
