"""`releasegate check FILE...|-`: run the draft guardrails over files and report codes.

A thin command: read drafts (`releasegate.drafts`), call `check_draft` on each, render. It prints
codes, fields, spans and token kinds, never the text that was found. Exit 4 when any draft has a
hard violation, 0 otherwise; bad input raises `InputError`, which `cli.main` turns into exit 2.

Registered in `cli.py` with `app.command("check")(check_command)`.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Annotated

import typer

from releasegate.config import guardrail_policy, load_settings
from releasegate.drafts import Draft, read_drafts
from releasegate.guardrails import GuardrailPolicy, Violation, check_draft

__all__ = ["EXIT_HARD_VIOLATION", "check_command", "check_drafts"]

EXIT_HARD_VIOLATION = 4

Report = list[tuple[Draft, list[Violation]]]


def check_drafts(drafts: Sequence[Draft], policy: GuardrailPolicy) -> Report:
    """Each draft with its violations, in input order."""
    return [
        (d, check_draft(d.body, d.subject, sender_name=d.sender_name, policy=policy))
        for d in drafts
    ]


def _has_hard(violations: list[Violation], policy: GuardrailPolicy) -> bool:
    return any(policy.is_hard(v.code) for v in violations)


def _as_json(report: Report, policy: GuardrailPolicy) -> str:
    rows = [
        {
            "source": draft.source,
            "id": draft.id,
            "hard_violation": _has_hard(found, policy),
            "violations": [v.as_dict() | {"hard": policy.is_hard(v.code)} for v in found],
        }
        for draft, found in report
    ]
    hard = sum(1 for row in rows if row["hard_violation"])
    summary = {"checked": len(rows), "with_hard_violation": hard, "drafts": rows}
    return json.dumps(summary, sort_keys=True, ensure_ascii=False)


def _as_text(report: Report, policy: GuardrailPolicy) -> str:
    lines = []
    for draft, found in report:
        label = draft.source if draft.id == draft.source else f"{draft.source} (id {draft.id})"
        if not found:
            lines.append(f"{label}: ok")
        for v in found:
            kind = "hard" if policy.is_hard(v.code) else "soft"
            where = f"{v.field}[{v.span[0]}:{v.span[1]}]"
            lines.append(f"{label}: {v.code} ({kind}) {where} {v.detail}")
    hard = sum(1 for _, found in report if _has_hard(found, policy))
    lines.append(f"{len(report)} draft(s) checked, {hard} with a hard violation")
    return "\n".join(lines)


def check_command(
    files: Annotated[
        list[str], typer.Argument(help="Draft files (.txt, .html, .eml, .jsonl) or - for stdin.")
    ],
    json_output: Annotated[
        bool, typer.Option("--json", help="Machine-readable JSON on stdout only.")
    ] = False,
    config: Annotated[
        str | None,
        typer.Option(
            "--config",
            help="Config file with a [guardrails] section "
            "[env: RELEASEGATE_CONFIG; default ./releasegate.toml]",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Check outbound drafts for template debris, spam markers, empty or oversized copy."""
    settings = load_settings(config=config)
    policy = guardrail_policy(settings)
    stdin = typer.get_binary_stream("stdin") if "-" in files else None
    report = check_drafts(read_drafts(files, stdin=stdin), policy)
    rendered = _as_json(report, policy) if json_output else _as_text(report, policy)
    sys.stdout.write(rendered + "\n")
    if any(_has_hard(found, policy) for _, found in report):
        raise typer.Exit(EXIT_HARD_VIOLATION)
