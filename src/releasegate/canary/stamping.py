"""Stamping a routed run with its `(cohort, version_id)`, and recording its online outcomes.

`stamp_run_config` returns LangChain / LangSmith `RunnableConfig`-shaped run metadata (`tags` and
`metadata`), so traces filter by cohort; `verdict_stamp` gives the fields a verdict row carries;
`record_touch` stores one `sent` / `error` / `replied` event, so outcomes per cohort are a
GROUP BY away (`releasegate cohorts`).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any, Protocol

from releasegate.canary.outcomes import TOUCH_EVENTS
from releasegate.canary.state import COHORTS, Assignment, Cohort
from releasegate.errors import InputError
from releasegate.verdicts import check_name

__all__ = ["TouchRecorder", "canary_metadata", "record_touch", "stamp_run_config",
           "verdict_stamp"]


def canary_metadata(assignment: Assignment) -> dict[str, Any]:
    """The metadata keys a routed run carries."""
    return {"target_graph": assignment.graph, "cohort": assignment.cohort,
            "version_id": assignment.version_id, "canary_bucket": assignment.bucket}


def stamp_run_config(assignment: Assignment, config: Mapping[str, Any] | None = None
                     ) -> dict[str, Any]:
    """`config` (a RunnableConfig or None) with the cohort tags and metadata added; a new dict.

    Tags `cohort:<cohort>` and `version:<version_id>` are appended once; existing tags and
    metadata are kept, the canary keys overwrite stale ones.
    """
    stamped = dict(config or {})
    tags = list(stamped.get("tags") or [])
    for tag in (f"cohort:{assignment.cohort}", f"version:{assignment.version_id}"):
        if tag not in tags:
            tags.append(tag)
    stamped["tags"] = tags
    stamped["metadata"] = {**(stamped.get("metadata") or {}), **canary_metadata(assignment)}
    return stamped


def verdict_stamp(assignment: Assignment) -> dict[str, str]:
    """The schema-v1 verdict fields that tie a scored run to its cohort."""
    return {"target_graph": assignment.graph, "prompt_version": assignment.version_id,
            "cohort": assignment.cohort}


class TouchRecorder(Protocol):
    def record_touch(self, *, graph: str, thread_id: str, cohort: Cohort, version_id: str,
                     bucket: int | None, event: str, at_us: int) -> None: ...


def _stamp(assignment: Assignment | tuple[str, str]) -> tuple[str, str, int | None]:
    if isinstance(assignment, Assignment):
        return assignment.cohort, assignment.version_id, assignment.bucket
    if isinstance(assignment, tuple) and len(assignment) == 2:
        return assignment[0], assignment[1], None
    raise InputError("assignment must be what resolve_version returned, or (cohort, version_id)")


def record_touch(thread_id: str, graph: str, assignment: Assignment | tuple[str, str],
                 event: str, *, store: TouchRecorder, at_us: int | None = None) -> None:
    """Store one online outcome of a routed thread: `sent`, `error` or `replied`."""
    if not isinstance(thread_id, str) or not thread_id:
        raise InputError("thread_id is empty: a touch belongs to a routed thread")
    if "@" in thread_id:  # the store keeps scores, codes and ids, never an e-mail address
        raise InputError("thread_id looks like an e-mail address: use an opaque thread id")
    if not (isinstance(graph, str) and graph):
        raise InputError("graph is empty")
    check_name(graph, "graph")
    cohort, version_id, bucket = _stamp(assignment)
    if isinstance(assignment, Assignment) and assignment.graph != graph:
        raise InputError(f"assignment is for graph {assignment.graph!r}, not {graph!r}")
    if cohort not in COHORTS:
        raise InputError(f"cohort {cohort!r} is not one of {', '.join(COHORTS)}")
    if event not in TOUCH_EVENTS:
        raise InputError(f"event {event!r} is not one of {', '.join(TOUCH_EVENTS)}")
    if not isinstance(version_id, str) or not version_id:
        raise InputError("version_id is empty")
    when = time.time_ns() // 1000 if at_us is None else at_us
    store.record_touch(graph=graph, thread_id=thread_id, cohort=cohort,
                       version_id=version_id, bucket=bucket, event=event, at_us=when)
