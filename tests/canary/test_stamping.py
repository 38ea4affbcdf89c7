"""Recording online outcomes: a touch carries ids, cohorts and events — never text."""

from __future__ import annotations

import pytest

from releasegate.canary.stamping import record_touch
from releasegate.errors import InputError


class Nowhere:
    def record_touch(self, **_kwargs: object) -> None:
        raise AssertionError("nothing may be stored")


@pytest.mark.parametrize("thread_id, graph, message", [
    ("bob@example.com", "g", "e-mail address"),
    ("", "g", "thread_id is empty"),
    ("t-1", "my graph", "graph:"),
])
def test_a_bad_touch_stores_nothing(thread_id: str, graph: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        record_touch(thread_id, graph, ("candidate", "v2"), "sent", store=Nowhere())
