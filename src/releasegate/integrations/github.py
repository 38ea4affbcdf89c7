"""A decision for GitHub Actions: a Markdown step summary and workflow annotations.

`step_summary` is what `releasegate decide --format github` appends to `$GITHUB_STEP_SUMMARY`;
`annotation_commands` are the `::error` / `::warning` / `::notice` commands it prints to stdout: a
ROLLBACK is an error, a HOLD a warning, a PROMOTE a notice. Both are pure; `github_report` is the
one function that touches a file (it appends the summary, as GitHub expects).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

from releasegate.decision import Decision
from releasegate.store import DecisionRecord

__all__ = ["LEVELS", "annotation_commands", "escape_data", "escape_property", "github_report",
           "step_summary"]

LEVELS: Final = {"ROLLBACK": "error", "HOLD": "warning", "PROMOTE": "notice"}
_ICONS: Final = {"ROLLBACK": "🔴", "HOLD": "🟡", "PROMOTE": "🟢"}


def escape_data(text: str) -> str:
    """A workflow command's message: `%`, CR and LF escaped as the runner expects."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value (`title=`): also `:` and `,` escaped."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _cell(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        text = f"{value:.4f}".rstrip("0").rstrip(".")
        return text if "." in text or value != int(value) else f"{value:.1f}"
    if isinstance(value, list | tuple):
        return "–".join(_cell(v) for v in value)
    return str(value).replace("|", "\\|").replace("\n", " ")


def _title(decision: Decision) -> str:
    ev = decision.evidence
    return f"releasegate {decision.decision}: {ev.get('target_graph')} {ev.get('prompt_version')}"


def _rows(ev: dict[str, Any]) -> Sequence[tuple[str, Any, Any]]:
    return (
        ("n", ev.get("n"), ev.get("prior_n")),
        ("success rate", ev.get("success_rate"), ev.get("prior_success_rate")),
        ("success rate, 95% Wilson", ev.get("success_rate_wilson95"), None),
        ("safety pass rate", ev.get("safety_pass_rate"), None),
        ("hard violations", ev.get("hard_violations"), None),
        ("level coverage", ev.get("level_coverage"), None),
        ("unscored runs", ev.get("unscored"), None),
        ("p95 latency ms", ev.get("p95_latency_ms"), ev.get("prior_p95_latency_ms")),
    )


def step_summary(decision: Decision, *, mode: str | None = None, action: str | None = None
                 ) -> str:
    """Markdown: the decision, its reason and the evidence table (ends with a blank line)."""
    ev = decision.evidence
    baseline = ev.get("baseline_version")
    lines = [
        f"### {_ICONS.get(decision.decision, '')} {_title(decision)}",
        "",
        f"**{decision.decision}** — {_cell(decision.reason)}",
        "",
        f"| evidence | candidate | baseline{' ' + _cell(baseline) if baseline else ''} |",
        "|---|---:|---:|",
        *(f"| {label} | {_cell(value)} | {_cell(prior)} |" for label, value, prior in _rows(ev)),
        "",
    ]
    codes = ev.get("hard_violation_codes") or {}
    if codes:
        shown = ", ".join(f"`{code}` × {count}" for code, count in sorted(codes.items()))
        lines += [f"Hard violations by code: {shown}", ""]
    notes = [f"> note: {_cell(note)}" for note in ev.get("notes") or ()]
    if notes:
        lines += [*notes, ""]
    footer = [f"judge `{ev.get('judge_version')}`", f"rule `{ev.get('rule')}`",
              f"`{decision.source}`"]
    if mode:
        footer.append(f"{mode} mode")
    if action:
        lines += [f"**Action:** {_cell(action)}", ""]
    lines.append(" · ".join(footer))
    return "\n".join(lines) + "\n\n"


def annotation_commands(decision: Decision) -> str:
    """One workflow command per decision, plus a notice per evidence note; newline-terminated."""
    level = LEVELS[decision.decision]
    commands = [f"::{level} title={escape_property(_title(decision))}::"
                f"{escape_data(decision.reason)}"]
    commands += [f"::notice title=releasegate note::{escape_data(str(note))}"
                 for note in decision.evidence.get("notes") or ()]
    return "\n".join(commands) + "\n"


def github_report(record: DecisionRecord, summary_path: str | None, *,
                  action: str | None = None) -> str:
    """Append the step summary to `summary_path` (`$GITHUB_STEP_SUMMARY`) and return the
    annotations for stdout; without a path, the summary follows the annotations on stdout.

    A summary file that cannot be written never changes the decision or its exit code: a
    warning annotation says so, and the summary goes to stdout instead.
    """
    summary = step_summary(record.decision, mode=record.mode, action=action)
    commands = annotation_commands(record.decision)
    if action and record.mode == "enforce":
        commands += f"::notice title=releasegate action::{escape_data(action)}\n"
    if not summary_path:
        return commands + "\n" + summary
    try:
        with Path(summary_path).open("a", encoding="utf-8") as handle:
            handle.write(summary)
    except OSError as exc:
        warning = (f"::warning title=releasegate summary::GITHUB_STEP_SUMMARY {summary_path}: "
                   f"{escape_data(str(exc.strerror))}; the summary follows in the log\n")
        return commands + warning + "\n" + summary
    return commands
