"""What every importer shares: the target of an import, the result, and schema-v1 rows.

An importer reads another tool's result file and returns `Imported`: schema-v1 verdict rows (plain
dicts, each validated by `parse_verdict`), ready for the ordinary ingest path. Only ids, numbers,
times and codes are taken from the file; prompts, outputs, test variables, error messages and
comments are never copied.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from releasegate.errors import ConfigError, InputError, Problem, VerdictError
from releasegate.sources import Source
from releasegate.verdicts import LEVELS, ProblemsFound, parse_verdict

__all__ = ["ImportTarget", "Imported", "code_of", "read_json", "rfc3339",
           "stable_id", "validated"]

_NAME: Final = re.compile(r"[A-Za-z0-9_.:/-]{1,128}")
_ID_PART: Final = re.compile(r"[A-Za-z0-9_.-]{1,48}")
_NOT_CODE: Final = re.compile(r"[^a-z0-9_.:-]+")


@dataclass(frozen=True, slots=True, kw_only=True)
class ImportTarget:
    """Where imported runs belong, and how scores become a verdict.

    `levels`: the eval levels the tool scores (requested and, for a scored run, scored); these
    tools judge the final output, so the default is `("outcome",)`. `pass_threshold`: a numeric
    score passes when it is at least this (1.0: only a full score passes). promptfoo's own
    pass/fail is used as it is.
    """

    graph: str
    version: str
    judge: str | None = None
    levels: tuple[str, ...] = ("outcome",)
    pass_threshold: float = 1.0

    def __post_init__(self) -> None:
        for what, value in (("--graph", self.graph), ("--version", self.version),
                            ("--judge", self.judge)):
            if value is not None and not _NAME.fullmatch(value):
                raise ConfigError(f"{what} {value!r} must be 1-128 characters of [A-Za-z0-9_.:/-]")
        unknown = [level for level in self.levels if level not in LEVELS]
        if not self.levels or unknown:
            raise ConfigError(f"--levels must be a non-empty subset of {', '.join(LEVELS)}")
        if not 0 < self.pass_threshold <= 1:
            raise ConfigError("--pass-threshold must be in (0, 1]")

    def row(self, run_id: str, passed: bool | None, **fields: Any) -> dict[str, Any]:
        """A schema-v1 row: an unscored run (passed None) scored no level; None fields left out."""
        row: dict[str, Any] = {"run_id": run_id, "target_graph": self.graph,
                               "prompt_version": self.version}
        if self.judge is not None:
            row["judge_version"] = self.judge
        row["passed"] = passed
        row["levels_requested"] = list(self.levels)
        row["levels_scored"] = [] if passed is None else list(self.levels)
        row.update((key, value) for key, value in fields.items() if value is not None)
        return row


@dataclass(frozen=True, slots=True)
class Imported:
    """Verdict rows from one result file, and notes on what was left out and why."""

    tool: str
    source: str
    rows: tuple[dict[str, Any], ...]
    notes: tuple[str, ...] = field(default=())

    def counts(self) -> dict[str, int]:
        passed = sum(1 for row in self.rows if row["passed"] is True)
        unscored = sum(1 for row in self.rows if row["passed"] is None)
        return {"runs": len(self.rows), "passed": passed, "unscored": unscored,
                "failed": len(self.rows) - passed - unscored}

    def as_dict(self) -> dict[str, Any]:
        return {"tool": self.tool, "source": self.source, **self.counts(),
                "notes": list(self.notes)}

    def to_jsonl(self) -> str:
        """The rows as schema-v1 JSONL (keys sorted): what `releasegate ingest` reads."""
        return "".join(json.dumps(row, sort_keys=True, ensure_ascii=False) + "\n"
                       for row in self.rows)

    def as_source(self) -> Source:
        """The rows as an ingest Source, so an import takes the ordinary ingest path."""
        data = self.to_jsonl().encode("utf-8")
        return Source(self.source, io.BytesIO(data), "jsonl", len(data))


def read_json(path: str | Path) -> Any:
    """A whole JSON file; InputError naming the file when it cannot be read or decoded."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not valid UTF-8") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: invalid JSON: {exc.msg} at line {exc.lineno}") from None


def stable_id(tool: str, *parts: object) -> str:
    """A run_id from the source file's own ids: the same file gives the same ids on re-import.

    Short id-like parts are kept readable; anything else is replaced by a digest, so no text
    from the file (a sample id may be a sentence) reaches the row.
    """
    shown = []
    for part in parts:
        text = str(part)
        if _ID_PART.fullmatch(text):
            shown.append(text)
        else:
            digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
            shown.append("h" + digest[:16])
    return ":".join([tool, *shown])[:128]


def code_of(name: object) -> str | None:
    """A check's name (promptfoo metric, Inspect scorer, LangSmith key) as a violation code.

    A name that reads like a label ("Mentions Company!") becomes `mentions_company`. One that
    could carry text — an e-mail address, a sentence, anything long — becomes `check.h<digest>`,
    so no text from the file reaches a row.
    """
    if not isinstance(name, str) or not name.strip():
        return None
    label = name.strip()
    if "@" in label or len(label) > 40 or len(label.split()) > 4:
        digest = hashlib.sha256(label.encode("utf-8", "surrogatepass")).hexdigest()
        return f"check.h{digest[:16]}"
    code = _NOT_CODE.sub("_", label.lower()).strip("_")[:64]
    return code or None


def rfc3339(value: object) -> str | None:
    """An RFC 3339 UTC timestamp from a datetime, an ISO string (naive means UTC) or epoch ms."""
    moment: datetime | None = None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and value.strip():
        try:
            moment = datetime.fromisoformat(value.strip().replace("z", "Z"))
        except ValueError:
            return None
    elif isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
        moment = datetime.fromtimestamp(value / 1000, UTC)
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def validated(tool: str, source: str, rows: Sequence[Mapping[str, Any]],
              where: Sequence[int], notes: Iterable[str] = ()) -> Imported:
    """Every row checked against schema v1 (`parse_verdict`); one bad row refuses the file."""
    problems: list[Problem] = []
    for row, position in zip(rows, where, strict=True):
        try:
            parse_verdict(row, source=source, line=position)
        except ProblemsFound as exc:
            problems.extend(exc.problems)
    if problems:
        raise VerdictError(problems)
    return Imported(tool, source, tuple(dict(row) for row in rows), tuple(notes))
