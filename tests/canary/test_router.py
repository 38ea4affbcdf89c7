"""The router: halts override the env var, promotions, the TTL cache, sticky cohorts, stamping."""

from __future__ import annotations

from pathlib import Path

import pytest

from releasegate import (
    Assignment,
    CanaryRouter,
    GraphSpec,
    MemoryRollouts,
    RolloutState,
    bucket,
    load_registry,
    resolve_version,
    stamp_run_config,
    verdict_stamp,
)
from releasegate.canary.state import StickyKey
from releasegate.errors import ConfigError, InputError, StoreError

SPEC = GraphSpec("campaign_composer", "v1", "v2")
STICKY = GraphSpec("campaign_composer", "v1", "v2", sticky=True)
IDS = [f"thread-{n}" for n in range(3000)]


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _router(states: MemoryRollouts, percent: str, clock: Clock | None = None) -> CanaryRouter:
    env = {"CAMPAIGN_CANARY_PERCENT": percent}
    return CanaryRouter(states, states, environ=env, clock=clock or Clock(), ttl_s=5.0)


def _cohorts(router: CanaryRouter, spec: GraphSpec = SPEC) -> dict[str, str]:
    return {t: router.resolve(spec, t).cohort for t in IDS}


def test_a_halt_sends_everyone_to_control_whatever_the_env_var_says() -> None:
    states = MemoryRollouts()
    router = _router(states, "100")
    assert set(_cohorts(router).values()) == {"candidate"}
    states.halt("campaign_composer", "v1", "v2")
    router.invalidate()
    assert set(_cohorts(router).values()) == {"control"}
    assert {router.resolve(SPEC, t).version_id for t in IDS} == {"v1"}


def test_state_is_read_once_per_ttl_and_can_be_invalidated() -> None:
    class Counting(MemoryRollouts):
        reads = 0

        def rollout_state(self, graph: str) -> RolloutState | None:
            Counting.reads += 1
            return super().rollout_state(graph)

    states, clock = Counting(), Clock()
    router = _router(states, "100", clock)
    for thread_id in IDS[:100]:
        router.resolve(SPEC, thread_id)
    assert Counting.reads == 1
    states.halt("campaign_composer", "v1", "v2")
    assert router.resolve(SPEC, "thread-1").cohort == "candidate"  # cached until the TTL ends
    clock.now = 5.0
    assert router.resolve(SPEC, "thread-1").cohort == "control"
    assert Counting.reads == 2


def test_an_unreachable_store_fails_closed_to_control_or_keeps_the_last_state() -> None:
    class Broken(MemoryRollouts):
        broken = True

        def rollout_state(self, graph: str) -> RolloutState | None:
            if Broken.broken:
                raise StoreError("down")
            return super().rollout_state(graph)

    clock = Clock()
    router = _router(Broken(), "100", clock)
    assert router.resolve(SPEC, "thread-1").cohort == "control"
    Broken.broken = False
    clock.now = 10
    assert router.resolve(SPEC, "thread-1").cohort == "candidate"
    Broken.broken = True
    clock.now = 20
    assert router.resolve(SPEC, "thread-1").cohort == "candidate"  # last known: not halted


def test_a_promoted_candidate_is_the_control_for_everyone() -> None:
    states = MemoryRollouts()
    states.promote("campaign_composer", "v2")
    router = _router(states, "50")
    got = {router.resolve(SPEC, t) for t in IDS[:200]}
    assert {(a.version_id, a.cohort) for a in got} == {("v2", "control")}


def test_router_and_bare_function_agree_without_state(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAMPAIGN_CANARY_PERCENT", "37.5")
    router = CanaryRouter()
    for thread_id in IDS[:500]:
        assert router.resolve(SPEC, thread_id) == resolve_version(SPEC, thread_id)


def test_assignment_carries_version_cohort_and_bucket() -> None:
    got = _router(MemoryRollouts(), "100").resolve(SPEC, "thread-7")
    assert isinstance(got, Assignment)
    assert (got.graph, got.version_id, got.cohort, got.bucket) == (
        "campaign_composer", "v2", "candidate", bucket("campaign_composer", "thread-7"))


def test_empty_thread_id_is_an_error_on_the_router_too() -> None:
    with pytest.raises(InputError):
        _router(MemoryRollouts(), "50").resolve(SPEC, "")


# --- sticky cohorts -------------------------------------------------------------------------

def test_sticky_threads_keep_their_first_cohort_when_the_percent_widens_or_narrows() -> None:
    states = MemoryRollouts()
    first = _cohorts(_router(states, "20"), STICKY)
    assert set(first.values()) == {"control", "candidate"}
    assert _cohorts(_router(states, "60"), STICKY) == first
    assert _cohorts(_router(states, "5"), STICKY) == first
    # a thread first seen at 60% gets a 60% assignment and keeps it too
    newcomer = next(f"new-{n}" for n in range(10_000)
                    if 2000 <= bucket("campaign_composer", f"new-{n}") < 6000)
    assert _router(states, "60").resolve(STICKY, newcomer).cohort == "candidate"
    assert _router(states, "10").resolve(STICKY, newcomer).cohort == "candidate"


def test_without_sticky_narrowing_moves_threads_back() -> None:
    wide = _cohorts(_router(MemoryRollouts(), "60"))
    narrow = _cohorts(_router(MemoryRollouts(), "10"))
    assert any(wide[t] == "candidate" and narrow[t] == "control" for t in IDS)


def test_a_halt_overrides_sticky_and_lifting_it_restores_the_recorded_cohorts() -> None:
    states = MemoryRollouts()
    first = _cohorts(_router(states, "30"), STICKY)
    states.halt("campaign_composer", "v1", "v2")
    assert set(_cohorts(_router(states, "30"), STICKY).values()) == {"control"}
    states.put(RolloutState(graph="campaign_composer", active_version="v1",
                            candidate_version="v2", percent_bp=3000))
    assert _cohorts(_router(states, "30"), STICKY) == first


def test_percent_zero_is_a_kill_switch_for_sticky_threads_too() -> None:
    states = MemoryRollouts()
    _cohorts(_router(states, "50"), STICKY)
    assert set(_cohorts(_router(states, "0"), STICKY).values()) == {"control"}


def test_promotion_starts_stickiness_afresh() -> None:
    states = MemoryRollouts()
    _cohorts(_router(states, "50"), STICKY)
    states.promote("campaign_composer", "v2")
    after = {_router(states, "50").resolve(STICKY, t) for t in IDS[:300]}
    assert {(a.version_id, a.cohort) for a in after} == {("v2", "control")}
    # the next candidate gets fresh assignments under the new (control, candidate) pair
    nxt = GraphSpec("campaign_composer", "v2", "v3", sticky=True)
    fresh = _cohorts(_router(states, "50"), nxt)
    assert set(fresh.values()) == {"control", "candidate"}
    assert all(k.control_version == "v1" or k.control_version == "v2"
               for k in states.assignments)
    assert StickyKey("campaign_composer", "v2", "v3", IDS[0]) in states.assignments


def test_bare_resolve_version_keeps_sticky_threads_in_process(
        monkeypatch: pytest.MonkeyPatch) -> None:
    spec = GraphSpec("g", "v1", "v2", sticky=True)
    monkeypatch.setenv("CAMPAIGN_CANARY_PERCENT", "50")
    first = {t: resolve_version(spec, t).cohort for t in IDS[:500]}
    monkeypatch.setenv("CAMPAIGN_CANARY_PERCENT", "90")
    assert {t: resolve_version(spec, t).cohort for t in IDS[:500]} == first


# --- stamping ------------------------------------------------------------------------------

def test_stamp_run_config_adds_tags_and_metadata_without_mutating() -> None:
    got = Assignment("campaign_composer", "v2", "candidate", 42)
    config = {"tags": ["mine"], "metadata": {"user": "u1"}, "run_name": "x"}
    stamped = stamp_run_config(got, config)
    assert stamped["tags"] == ["mine", "cohort:candidate", "version:v2"]
    assert stamped["metadata"] == {"user": "u1", "target_graph": "campaign_composer",
                                   "cohort": "candidate", "version_id": "v2",
                                   "canary_bucket": 42}
    assert stamped["run_name"] == "x"
    assert config == {"tags": ["mine"], "metadata": {"user": "u1"}, "run_name": "x"}
    assert stamp_run_config(got, stamped)["tags"] == stamped["tags"]
    assert stamp_run_config(got)["tags"] == ["cohort:candidate", "version:v2"]
    assert verdict_stamp(got) == {"target_graph": "campaign_composer", "prompt_version": "v2",
                                  "cohort": "candidate"}


# --- registry ------------------------------------------------------------------------------

def test_registry_loads_graph_tables_from_toml(tmp_path: Path) -> None:
    path = tmp_path / "releasegate.toml"
    path.write_text('[graphs.campaign_composer]\nactive_version = "v1"\n'
                    'candidate_version = "v2"\nsticky = true\nsalt = "cc-2026"\n'
                    '[graphs.lead_qualifier]\nactive_version = "lq-3"\n'
                    'canary_percent_env = "LQ_CANARY_PERCENT"\n', encoding="utf-8")
    registry = load_registry(path)
    assert list(registry) == ["campaign_composer", "lead_qualifier"]
    assert registry["campaign_composer"] == GraphSpec("campaign_composer", "v1", "v2",
                                                       salt="cc-2026", sticky=True)
    assert registry.spec("lead_qualifier").canary_percent_env == "LQ_CANARY_PERCENT"
    with pytest.raises(InputError, match="registered: campaign_composer, lead_qualifier"):
        registry.spec("nope")


@pytest.mark.parametrize(("table", "message"), [
    ('active_version = "v1"\ncandidate_version = "v1"', "equals active_version"),
    ('active_version = "v 1"', "active_version"),
    ('active_version = "v1"\ncandidate_version = 2', "candidate_version"),
    ('active_version = "v1"\nsticky = "yes"', "sticky"),
    ('active_version = "v1"\nsalt = ""', "salt"),
    ('active_version = "v1"\ncanary_percent_env = "1BAD-NAME"', "canary_percent_env"),
    ('active_version = "v1"\ncolour = "blue"', "unknown key"),
])
def test_bad_graph_tables_are_refused_naming_the_table(tmp_path: Path, table: str,
                                                       message: str) -> None:
    path = tmp_path / "releasegate.toml"
    path.write_text(f"[graphs.g]\n{table}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as info:
        load_registry(path)
    assert "graphs.g" in str(info.value)


def test_graph_spec_equality_ignores_its_runtime_memory() -> None:
    a, b = GraphSpec("g", "v1", "v2"), GraphSpec("g", "v1", "v2")
    resolve_version(a, "thread-1")
    assert a == b and hash(a) == hash(b)
    assert "memory" not in repr(a)
