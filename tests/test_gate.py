"""The orchestrator: baselines, persistence, and refusing what can only be a mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from releasegate.canary.state import RolloutState
from releasegate.errors import InputError
from releasegate.gate import Gate
from releasegate.ingestion import ingest_sources
from releasegate.sources import open_source
from releasegate.store import Store
from tests.conftest import verdict, write_jsonl


def load(store: Store, tmp_path: Path) -> None:
    rows = [verdict(f"a{i}", i < 9, prompt_version="v1") for i in range(10)]
    rows += [verdict(f"b{i}", i < 7, prompt_version="v2") for i in range(10)]
    rows += [verdict(f"c{i}", i < 5, prompt_version="v3") for i in range(10)]
    ingest_sources(store, [open_source(str(write_jsonl(tmp_path / "r.jsonl", rows)))], now_us=0)


def test_the_configured_control_is_the_default_baseline(store: Store, tmp_path: Path) -> None:
    load(store, tmp_path)
    gate = Gate(store, controls={"g": "v1"})
    assert gate.evaluate("g", "v2").evidence["baseline_version"] == "v1"
    assert gate.evaluate("g", "v1").evidence["baseline_version"] is None
    assert gate.evaluate("g", "v3", baseline="v2").evidence["baseline_version"] == "v2"


def test_after_a_promote_the_stored_control_is_the_baseline(store: Store, tmp_path: Path) -> None:
    load(store, tmp_path)
    gate = Gate(store, controls={"g": "v1"})
    with store._rollout_write("test") as conn:  # what `rollout promote` leaves behind
        from releasegate.store import rollouts

        rollouts.put_rollout(conn, RolloutState(graph="g", active_version="v2",
                                                candidate_version=None))
    assert gate.evaluate("g", "v3").evidence["baseline_version"] == "v2"
    assert {r.stats.prompt_version: r.decision.evidence["baseline_version"]
            for r in gate.overview()} == {"v1": "v2", "v2": None, "v3": "v2"}


def test_a_named_baseline_without_verdicts_is_refused(store: Store, tmp_path: Path) -> None:
    load(store, tmp_path)
    with pytest.raises(InputError, match="'v9' has no verdicts"):
        Gate(store).evaluate("g", "v2", baseline="v9")


@pytest.mark.parametrize("field, kwargs", [
    ("graph", {"graph": "my graph"}), ("version", {"version": "v/ 2"}),
    ("judge", {"judge": "j\n1"}), ("baseline", {"baseline": ""}),
])
def test_names_no_verdict_could_carry_are_refused(store: Store, field: str,
                                                  kwargs: dict[str, str]) -> None:
    args = {"graph": "g", "version": "v2", **kwargs}
    with pytest.raises(InputError, match=f"^{field}:"):
        Gate(store).evaluate(args.pop("graph"), args.pop("version"), **args)


def test_decide_persists_and_evaluate_does_not(store: Store, tmp_path: Path) -> None:
    load(store, tmp_path)
    gate = Gate(store)
    gate.evaluate("g", "v1")
    assert store.history("g") == []
    record = gate.decide("g", "v1")
    assert [r.id for r in store.history("g")] == [record.id]
