"""What the dashboard and the report show, built from the same library calls as the CLI.

`overview_view` is the front page (every window and what the gate says now); `version_view` is
one version: the current evaluation (not persisted: looking never decides), its per-day series,
the decision history, and the canary. Scores and codes only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from releasegate.canary.outcomes import cohort_report
from releasegate.canary.rollout import RolloutController
from releasegate.canary.router import effective_versions
from releasegate.canary.status import RolloutStatus
from releasegate.decision import Decision
from releasegate.gate import Gate, OverviewRow
from releasegate.service.charts import Chart, Series, line_chart
from releasegate.store import DecisionRecord
from releasegate.store.series import SeriesPoint
from releasegate.timestamps import epoch_us, iso
from releasegate.window import wilson_interval

__all__ = ["GraphGroup", "OverviewView", "VersionView", "overview_view", "version_view"]


@dataclass(frozen=True, slots=True)
class GraphGroup:
    graph: str
    rows: tuple[OverviewRow, ...]
    canary: RolloutStatus | None


@dataclass(frozen=True, slots=True)
class OverviewView:
    groups: tuple[GraphGroup, ...]
    mode: str
    generated_at: str


@dataclass(frozen=True, slots=True, kw_only=True)
class VersionView:
    graph: str
    version: str
    judge: str
    decision: Decision
    mode: str
    history: tuple[DecisionRecord, ...]  # newest first
    charts: tuple[Chart, ...]
    canary: RolloutStatus | None
    cohorts: Mapping[str, Any] | None
    generated_at: str

    @property
    def evidence(self) -> Mapping[str, Any]:
        return self.decision.evidence


def _statuses(rollout: RolloutController, environ: Mapping[str, str]) -> dict[str, RolloutStatus]:
    return {status.graph: status for status in rollout.status(None, environ)}


def overview_view(gate: Gate, rollout: RolloutController, environ: Mapping[str, str],
                  now: datetime) -> OverviewView:
    rows = gate.overview()
    statuses = _statuses(rollout, environ)
    graphs = sorted({row.stats.target_graph for row in rows} | set(statuses))
    groups = tuple(
        GraphGroup(graph, tuple(r for r in rows if r.stats.target_graph == graph),
                   statuses.get(graph))
        for graph in graphs
    )
    return OverviewView(groups, gate.mode, iso(epoch_us(now)) or "")


def _day(us: int) -> str:
    return (iso(us) or "")[:10]


def _charts(points: Sequence[SeriesPoint], gate: Gate, evidence: Mapping[str, Any]
            ) -> tuple[Chart, ...]:
    policy = gate.policy
    labels = [_day(p.start_us) for p in points]
    rates = [p.passes / p.n if p.n else None for p in points]
    bands = [wilson_interval(p.passes, p.n) for p in points]
    low = [float(b[0]) if b else None for b in bands]
    high = [float(b[1]) if b else None for b in bands]
    success_refs = [("success floor", "ref-floor", float(policy.success_floor))]
    prior = evidence.get("prior_success_rate")
    if prior is not None:
        success_refs.append((f"baseline {evidence.get('baseline_version')}", "ref-baseline",
                             float(prior)))
    latency = [p.p95_latency_us / 1000 if p.p95_latency_us is not None else None
               for p in points]
    latency_refs = []
    prior_p95 = evidence.get("prior_p95_latency_ms")
    if prior_p95 is not None:
        latency_refs = [
            (f"baseline p95 {evidence.get('baseline_version')}", "ref-baseline", float(prior_p95)),
            (f"HOLD above (× {1 + policy.latency_tolerance})", "ref-floor",
             float(prior_p95) * float(1 + policy.latency_tolerance)),
        ]
    coverage = [p.fully_covered / p.n if p.n else None for p in points]
    return (
        line_chart(id="success", title="Success rate per day",
                   description=f"Daily success rate with its 95% Wilson band against the floor "
                               f"{policy.success_floor}", labels=labels,
                   series=[Series("success rate", "line-main", rates)],
                   band=(low, high), band_label="95% Wilson interval", references=success_refs),
        line_chart(id="latency", title="p95 latency per day (ms)",
                   description="Daily nearest-rank p95 latency against the baseline's",
                   labels=labels, unit="ms", series=[Series("p95 latency", "line-main", latency)],
                   references=latency_refs),
        line_chart(id="coverage", title="Level coverage per day",
                   description=f"Share of runs with every requested level scored, against the "
                               f"minimum {policy.min_level_coverage}", labels=labels,
                   series=[Series("level coverage", "line-main", coverage)],
                   references=[("minimum coverage", "ref-floor",
                                float(policy.min_level_coverage))]),
    )


def _cohorts(gate: Gate, rollout: RolloutController, graph: str) -> Mapping[str, Any] | None:
    counts = gate.store.cohort_counts(graph)
    if not counts:
        return None
    spec = rollout.registry.get(graph)
    control, candidate = (effective_versions(spec, gate.store.rollout_state(graph))
                          if spec is not None else (None, None))
    return cohort_report(graph, counts, control_version=control,
                         candidate_version=candidate).as_dict()


def version_view(gate: Gate, rollout: RolloutController, environ: Mapping[str, str],
                 graph: str, version: str, now: datetime) -> VersionView:
    decision = gate.evaluate(graph, version)
    judge = decision.evidence["judge_version"]
    _, points = gate.store.series(graph, version, judge, gate.policy.hard_codes)
    history = tuple(reversed(gate.store.history(graph, version)))
    return VersionView(
        graph=graph, version=version, judge=judge, decision=decision, mode=gate.mode,
        history=history, charts=_charts(points, gate, decision.evidence),
        canary=_statuses(rollout, environ).get(graph), cohorts=_cohorts(gate, rollout, graph),
        generated_at=iso(epoch_us(now)) or "",
    )
