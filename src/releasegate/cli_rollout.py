"""`releasegate rollout ...` and `releasegate cohorts`: thin commands over the rollout controller.

A refusal (widening to 100 or promoting without a PROMOTE) raises RefusedError, which `main` maps
to exit code 5. The shared consoles and `_settings` live in `releasegate.cli`; they are looked up
when a command runs, because `cli` imports this module to register it.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from releasegate.canary.bucketing import format_basis_points
from releasegate.canary.outcomes import cohort_report
from releasegate.canary.rollout import RolloutController
from releasegate.canary.router import effective_versions
from releasegate.canary.state import RolloutEvent
from releasegate.canary.status import RolloutStatus
from releasegate.cli_common import (
    ConfigOption,
    DbOption,
    JsonOption,
    emit_json,
    out,
    read_settings,
)
from releasegate.errors import InputError
from releasegate.gate import utc_now
from releasegate.store import Store
from releasegate.timestamps import epoch_us, iso
from releasegate.wiring import build

__all__ = ["cohorts_command", "rollout_app"]

rollout_app = typer.Typer(help="Canary rollout: status, set, halt, promote, history.",
                          no_args_is_help=True)

GraphOption = Annotated[str, typer.Option("--graph", help="Graph name from the registry.")]
ReasonOption = Annotated[str, typer.Option("--reason", help="Why: recorded in the audit trail.")]
ByOption = Annotated[str | None, typer.Option(
    "--by", help="Who is changing it [env: RELEASEGATE_ACTOR; default: the login name]",
    show_default=False)]


def _actor(by: str | None) -> str:
    if by and by.strip():
        return by.strip()[:128]
    if os.environ.get("RELEASEGATE_ACTOR", "").strip():
        return os.environ["RELEASEGATE_ACTOR"].strip()[:128]
    try:
        return getpass.getuser()[:128]
    except (OSError, KeyError):
        return "unknown"


@contextmanager
def _controller(db: str | None, config: str | None) -> Iterator[RolloutController]:
    settings = read_settings(db, config)
    with Store.open(settings.db_url) as store:
        yield build(settings, store).rollout  # the same wiring as decide: webhooks included


def _pct(points: int | None) -> str:
    return "–" if points is None else f"{format_basis_points(points)}%"


def _render_status(rows: list[RolloutStatus]) -> None:
    for row in rows:
        state = row.state
        candidate = row.candidate_version or "none"
        out.print(f"[bold]{escape(row.graph)}[/bold]  control {escape(row.control_version)}  "
                  f"candidate {escape(candidate)}"
                  + ("  [dim](sticky)[/dim]" if row.spec is not None and row.spec.sticky else ""))
        env_value = "unset" if row.env_raw is None else repr(row.env_raw)
        out.print(f"  routing   {_pct(row.routed_percent_bp)} of threads to the candidate")
        out.print(f"  env       {row.env_name}={escape(env_value)}")
        if state is not None:
            out.print(f"  stored    {_pct(state.percent_bp)}"
                      + ("  [bold red]HALTED[/bold red]" if state.halted else "")
                      + f"  by {escape(state.updated_by)} at {iso(state.updated_at_us)}: "
                      f"{escape(state.reason)}")
        else:
            out.print("  stored    nothing recorded")
        if row.latest_decision is not None:
            d = row.latest_decision
            out.print(f"  decision  {d.decision.decision} at {iso(d.decided_at_us)} "
                      f"({escape(d.decision.reason)})")
        elif row.candidate_version:
            out.print(f"  decision  none recorded for {escape(row.candidate_version)}")
        for flag in row.flags:
            out.print(f"  [yellow]![/yellow] {escape(flag)}")


def _render_event(event: RolloutEvent) -> None:
    out.print(
        f"{event.graph}: {event.action} by {escape(event.actor)} at {iso(event.at_us)}; "
        f"control {event.active_version}, candidate {event.candidate_version or 'none'}, "
        f"percent {_pct(event.percent_bp)}{', HALTED' if event.halted else ''}\n"
        f"  reason: {escape(event.reason)}")


def _event_dict(event: RolloutEvent) -> dict[str, Any]:
    return {"id": event.id, "graph": event.graph, "at": iso(event.at_us), "actor": event.actor,
            "action": event.action, "mode": event.mode, "active_version": event.active_version,
            "candidate_version": event.candidate_version,
            "percent_before": (format_basis_points(event.percent_before_bp)
                               if event.percent_before_bp is not None else None),
            "percent": (format_basis_points(event.percent_bp)
                        if event.percent_bp is not None else None),
            "halted": event.halted, "decision_id": event.decision_id, "reason": event.reason}


def _emit_event(event: RolloutEvent, as_json: bool) -> None:
    if as_json:
        emit_json(_event_dict(event))
    else:
        _render_event(event)


@rollout_app.command("status")
def status(graph: Annotated[str | None, typer.Option("--graph")] = None, db: DbOption = None,
           config: ConfigOption = None, as_json: JsonOption = False) -> None:
    """What routes now, what the store recorded, and every disagreement between them."""
    with _controller(db, config) as controller:
        rows = controller.status(graph, os.environ)
    if as_json:
        emit_json([row.as_dict() for row in rows])
    elif not rows:
        out.print("no graphs: declare [graphs.NAME] tables in releasegate.toml", markup=False)
    else:
        _render_status(rows)


@rollout_app.command("set")
def set_percent(graph: GraphOption, percent: Annotated[str, typer.Option(
        "--percent", help="0-100, at most two decimals; 100 needs a PROMOTE.")],
        reason: ReasonOption, by: ByOption = None, db: DbOption = None,
        config: ConfigOption = None, as_json: JsonOption = False) -> None:
    """Record the canary percent (lifting a halt). Refuses 100 without a PROMOTE (exit 5)."""
    with _controller(db, config) as controller:
        event = controller.set_percent(graph, percent, reason=reason, actor=_actor(by))
    _emit_event(event, as_json)


@rollout_app.command("halt")
def halt(graph: GraphOption, reason: ReasonOption, by: ByOption = None, db: DbOption = None,
         config: ConfigOption = None, as_json: JsonOption = False) -> None:
    """Send every thread to control, whatever the env var says."""
    with _controller(db, config) as controller:
        event = controller.halt(graph, reason=reason, actor=_actor(by))
    _emit_event(event, as_json)


@rollout_app.command("promote")
def promote(graph: GraphOption, reason: ReasonOption, by: ByOption = None, db: DbOption = None,
            config: ConfigOption = None, as_json: JsonOption = False) -> None:
    """Make the candidate the control, after a PROMOTE only (exit 5 otherwise)."""
    with _controller(db, config) as controller:
        event = controller.promote(graph, reason=reason, actor=_actor(by))
    _emit_event(event, as_json)


@rollout_app.command("history")
def history(graph: GraphOption, limit: Annotated[int | None, typer.Option(
        "--limit", min=1, help="Newest N only.")] = None, db: DbOption = None,
        config: ConfigOption = None, as_json: JsonOption = False) -> None:
    """The rollout's audit trail, oldest first: who changed what, when and why."""
    with _controller(db, config) as controller:
        events = controller.store.rollout_history(graph, limit)
    if as_json:
        emit_json([_event_dict(e) for e in events])
    elif not events:
        out.print(f"no rollout changes recorded for {escape(graph)}")
    else:
        for event in events:
            _render_event(event)


def _render_cohorts(report: dict[str, Any]) -> None:
    table = Table(title=f"{report['graph']}: outcomes per cohort (95% Wilson intervals)")
    for column in ("cohort", "version", "threads", "send rate", "error rate", "reply rate"):
        table.add_column(column, justify="left" if column in ("cohort", "version") else "right")

    def cell(rate: dict[str, Any]) -> str:
        if rate["rate"] is None:
            return "–"
        low, high = rate["ci95"]
        return f"{rate['rate']:.4f} [{low:.4f}, {high:.4f}] ({rate['count']}/{rate['n']})"

    for row in report["cohorts"]:
        table.add_row(row["cohort"], row["version_id"], str(row["threads"]),
                      cell(row["send_rate"]), cell(row["error_rate"]), cell(row["reply_rate"]))
    out.print(table)
    comparison = report["comparison"]
    if comparison is None:
        out.print("no comparison: needs one control and one candidate version with touches")
        return
    out.print(f"candidate {comparison['candidate_version']} vs control "
              f"{comparison['control_version']} (two-proportion z test, two-sided 5%):")
    for metric in ("send_rate", "error_rate", "reply_rate"):
        test = comparison[metric]
        if test is None:
            verdict = "not testable (a side is empty, or the rate is 0 or 1 on both)"
        else:
            verdict = (f"z={test['z']:+.4f} p={test['p_value']:.4f} "
                       + ("[bold]differs[/bold]" if test["significant"]
                          else "no significant difference"))
        out.print(f"  {metric:<11} {verdict}")


def cohorts_command(
    graph: GraphOption,
    since: Annotated[str | None, typer.Option(
        "--since", help="RFC 3339 time, date, or age (7d).")] = None,
    db: DbOption = None, config: ConfigOption = None, as_json: JsonOption = False,
) -> None:
    """Per-cohort threads, send, error and reply rates, with intervals and a two-proportion test."""
    since_us = None
    if since is not None:
        from releasegate.window import parse_when

        try:
            since_us = epoch_us(parse_when(since, utc_now()))
        except ValueError as exc:
            raise InputError(f"--since: {exc}") from None
    with _controller(db, config) as controller:
        counts = controller.store.cohort_counts(graph, since_us)
        spec = controller.registry.get(graph)
        if spec is None and not counts:
            controller.registry.spec(graph)  # raises InputError, naming the registered graphs
        control, candidate = (effective_versions(spec, controller.store.rollout_state(graph))
                              if spec is not None else (None, None))
    report = cohort_report(graph, counts, control_version=control,
                           candidate_version=candidate).as_dict()
    if as_json:
        emit_json(report)
    elif not report["cohorts"]:
        out.print(f"no touches recorded for {escape(graph)}: call record_touch(...)")
    else:
        _render_cohorts(report)
