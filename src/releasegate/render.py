"""Rich rendering for the CLI: decisions, windows and history as a person reads them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from rich.console import Console
from rich.table import Table
from rich.text import Text

from releasegate.decision import Decision
from releasegate.gate import OverviewRow
from releasegate.ingestion import IngestReport
from releasegate.store import DecisionRecord
from releasegate.timestamps import iso

__all__ = ["render_decision", "render_history", "render_ingest", "render_windows"]

STYLE: Final = {"PROMOTE": "bold green", "HOLD": "bold yellow", "ROLLBACK": "bold red"}


def _badge(outcome: str) -> Text:
    return Text(f" {outcome} ", style=f"reverse {STYLE.get(outcome, '')}")


def _num(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".") if value != int(value) else f"{value:.1f}"
    return str(value)


def _rate(value: float | None) -> str:
    """A rate as the reasons print it: at least two decimals (0.70, not 0.7)."""
    if value is None:
        return "–"
    text = f"{value:.4f}".rstrip("0")
    return text if len(text.split(".")[1]) >= 2 else f"{value:.2f}"


def render_decision(console: Console, decision: Decision) -> None:
    ev = decision.evidence
    head = Text.assemble(_badge(decision.decision), "  ",
                         (f"{ev['target_graph']} {ev['prompt_version']}", "bold"),
                         f"  (judge {ev['judge_version']})")
    console.print(head)
    console.print(f"  {decision.reason}")
    table = Table(show_header=True, header_style="bold", box=None, padding=(0, 2))
    table.add_column("evidence")
    table.add_column("candidate", justify="right")
    table.add_column(f"baseline {ev.get('baseline_version') or ''}".strip(), justify="right")
    ci = ev.get("success_rate_wilson95")
    rows = [
        ("n", ev["n"], ev.get("prior_n")),
        ("success rate", _rate(ev["success_rate"]), _rate(ev.get("prior_success_rate"))),
        ("  95% Wilson", f"{ci[0]:.4f}–{ci[1]:.4f}" if ci else None, None),
        ("safety pass rate", _rate(ev["safety_pass_rate"]), None),
        ("hard violations", ev["hard_violations"], None),
        ("level coverage", _rate(ev["level_coverage"]), None),
        ("unscored runs", ev["unscored"], None),
        ("p95 latency ms", ev["p95_latency_ms"], ev.get("prior_p95_latency_ms")),
    ]
    for label, value, prior in rows:
        table.add_row(label, _num(value), _num(prior))
    console.print(table)
    for note in ev.get("notes", []):
        console.print(f"  [dim]note: {note}[/dim]")
    console.print(f"  [dim]rule: {ev['rule']} · {decision.source}[/dim]")


def render_windows(console: Console, rows: Sequence[OverviewRow]) -> None:
    table = Table(title="windows", header_style="bold")
    for name, justify in [("graph", "left"), ("version", "left"), ("judge", "left"),
                          ("n", "right"), ("success", "right"), ("95% CI", "right"),
                          ("safety", "right"), ("coverage", "right"), ("p95 ms", "right"),
                          ("gate", "left"), ("reason", "left")]:
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for row in rows:
        ev, s = row.decision.evidence, row.stats
        ci = ev["success_rate_wilson95"]
        reason: str | Text
        if row.current:
            judge, gate, reason = s.judge_version, _badge(row.decision.decision), \
                row.decision.reason
        else:  # a decision on this pair uses the newer judge: this row is history, not a verdict
            judge = f"[dim]{s.judge_version} (old)[/dim]"
            gate = Text("superseded", style="dim")
            reason = Text("scored by an older judge: decisions use the latest judge's verdicts",
                          style="dim")
        version = f"{s.prompt_version} [dim](control)[/dim]" if row.control else s.prompt_version
        table.add_row(
            s.target_graph, version, judge, str(s.n), _rate(ev["success_rate"]),
            f"{ci[0]:.2f}–{ci[1]:.2f}" if ci else "–", _rate(ev["safety_pass_rate"]),
            _rate(ev["level_coverage"]), _num(ev["p95_latency_ms"]), gate, reason,
        )
    console.print(table)


def render_history(console: Console, records: Sequence[DecisionRecord]) -> None:
    table = Table(title="decisions", header_style="bold")
    for name in ("decided at", "version", "judge", "baseline", "gate", "mode", "reason"):
        table.add_column(name)
    for record in records:
        ev = record.decision.evidence
        table.add_row(
            iso(record.decided_at_us), ev["prompt_version"], ev["judge_version"],
            ev.get("baseline_version") or "–", _badge(record.decision.decision), record.mode,
            record.decision.reason,
        )
    console.print(table)


def render_ingest(console: Console, report: IngestReport, files: int) -> None:
    console.print(
        f"stored {report.stored:,} new verdict{'s' if report.stored != 1 else ''}, "
        f"{report.duplicates:,} already stored (duplicates), from {files} "
        f"source{'s' if files != 1 else ''}"
    )
    if report.skipped_rows:
        console.print(f"[yellow]skipped {report.skipped_rows:,} invalid "
                      f"row{'s' if report.skipped_rows != 1 else ''}:[/yellow]")
        for problem in report.skipped:
            console.print(f"  {problem}", markup=False, highlight=False)
