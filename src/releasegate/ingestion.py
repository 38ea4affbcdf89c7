"""The ingest pipeline: sources → schema-v1 validation → the store, all or nothing.

Without `skip_invalid`, the first bad row stops the writing but not the reading: every problem in
every file is reported, and nothing is stored. With it, good rows are stored and each skipped row
is reported with its line and field.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Final

from releasegate.errors import Problem, VerdictError
from releasegate.sources import Progress, Source
from releasegate.store import Store
from releasegate.store.ingest import Row, verdict_row
from releasegate.verdicts import ProblemsFound, parse_verdict

__all__ = ["IngestReport", "ingest_sources"]

BATCH: Final = 5000
MAX_PROBLEMS: Final = 10_000  # beyond this only the count grows: the report stays readable


@dataclass(frozen=True, slots=True)
class IngestReport:
    received: int
    stored: int
    skipped: Sequence[Problem]
    skipped_rows: int

    @property
    def duplicates(self) -> int:
        return self.received - self.stored

    def as_dict(self) -> dict[str, Any]:
        return {
            "received": self.received, "stored": self.stored, "duplicates": self.duplicates,
            "skipped": self.skipped_rows,
            "problems": [p.as_dict() for p in self.skipped],
        }


class _Collector:
    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.rows: set[tuple[str, int]] = set()

    def add(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            self.rows.add((problem.source, problem.line))
            if len(self.problems) < MAX_PROBLEMS:
                self.problems.append(problem)


def _rows(sources: Iterable[Source], collector: _Collector, *, skip_invalid: bool,
          now_us: int, progress: Progress | None) -> Iterator[list[Row]]:
    batch: list[Row] = []
    for source in sources:
        for record in source.records(progress):
            if record.problem is not None:
                collector.add([record.problem])
                continue
            try:
                verdict = parse_verdict(record.value, source=source.name, line=record.line)
            except ProblemsFound as exc:
                collector.add(exc.problems)
                continue
            if collector.rows and not skip_invalid:
                continue  # keep reading to report every problem; store nothing
            batch.append(verdict_row(verdict, now_us))
            if len(batch) >= BATCH:
                yield batch
                batch = []
    if collector.rows and not skip_invalid:
        raise VerdictError(collector.problems)
    if batch:
        yield batch


def ingest_sources(store: Store, sources: Iterable[Source], *, now_us: int,
                   skip_invalid: bool = False, progress: Progress | None = None) -> IngestReport:
    """Validate and store every row of every source in one transaction."""
    collector = _Collector()
    result = store.ingest(_rows(sources, collector, skip_invalid=skip_invalid, now_us=now_us,
                                progress=progress))
    return IngestReport(result.received, result.stored, collector.problems, len(collector.rows))
