"""The `releasegate` command line: thin commands over the library.

Exit codes (SPEC §4): 0 PROMOTE, 3 HOLD, 4 ROLLBACK, 2 bad input or usage, 1 unexpected failure,
5 refused (a rollout change that no PROMOTE authorizes).
Errors are mapped to exit codes in one place, `main`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

from releasegate.cli_check import check_command
from releasegate.cli_common import (
    ConfigOption,
    DbOption,
    JsonOption,
    emit_json,
    err,
    out,
    read_settings,
    silence_stdout,
)
from releasegate.cli_import import import_app
from releasegate.cli_report import report_command
from releasegate.cli_rollout import cohorts_command, rollout_app
from releasegate.cli_serve import serve_command
from releasegate.errors import (
    ConfigError,
    InputError,
    RefusedError,
    ReleasegateError,
    VerdictError,
)
from releasegate.gate import Gate, utc_now
from releasegate.ingestion import ingest_sources
from releasegate.integrations.github import github_report
from releasegate.policy import GatePolicy
from releasegate.render import render_decision, render_history, render_ingest, render_windows
from releasegate.sources import FORMATS, Format, Source, open_source
from releasegate.store import DecisionRecord, Store
from releasegate.store.database import create_store_engine, schema_status, upgrade
from releasegate.store.transfer import export_store, import_store, schema_ddl
from releasegate.timestamps import epoch_us
from releasegate.wiring import build, window_spec

__all__ = ["app", "main"]

app = typer.Typer(
    name="releasegate",
    help="Evidence-driven PROMOTE / HOLD / ROLLBACK release gate for LLM agents.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # help texts mention [graphs.NAME] and [policy]: print them as written
)
db_app = typer.Typer(help="The database: check, upgrade, export, import.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(rollout_app, name="rollout")
app.add_typer(import_app, name="import")
app.command("cohorts")(cohorts_command)
app.command("check")(check_command)
app.command("serve")(serve_command)
app.command("report")(report_command)


@contextmanager
def _gate(db: str | None, config: str | None, *, create: bool = False) -> Iterator[Gate]:
    settings = read_settings(db, config)
    with Store.open(settings.db_url, create=create) as store:
        yield build(settings, store).gate


@contextmanager
def _progress(sources: Sequence[Source]) -> Iterator[Any]:
    total = sum(s.size or 0 for s in sources)
    if not err.is_terminal or total < 4 << 20:
        yield None
        return
    with Progress("[progress.description]{task.description}", BarColumn(), DownloadColumn(),
                  TimeRemainingColumn(), console=err, transient=True) as bar:
        task = bar.add_task("ingesting", total=total)
        yield lambda n: bar.advance(task, n)


@app.command()
def ingest(
    paths: Annotated[list[str], typer.Argument(help="JSONL, CSV or JSON files; - for stdin.")],
    db: DbOption = None,
    config: ConfigOption = None,
    skip_invalid: Annotated[bool, typer.Option(
        "--skip-invalid", help="Store the good rows; report each bad one.")] = False,
    fmt: Annotated[str | None, typer.Option(
        "--format", help="jsonl, csv or json (default: from the extension or the content).",
        show_default=False)] = None,
    as_json: JsonOption = False,
) -> None:
    """Store verdict rows (schema v1). All or nothing: one bad row refuses the whole input."""
    if paths.count("-") > 1:
        raise InputError("stdin (-) can be read only once")
    if fmt is not None and fmt not in FORMATS:
        raise InputError(f"--format: {fmt!r} is not one of {', '.join(FORMATS)}")
    settings = read_settings(db, config)
    fmt_value: Format | None = fmt  # type: ignore[assignment]
    sources = [open_source(path, fmt_value) for path in paths]
    try:
        with Store.open(settings.db_url) as store, _progress(sources) as progress:
            report = ingest_sources(store, sources, now_us=epoch_us(utc_now()),
                                    skip_invalid=skip_invalid, progress=progress)
    except VerdictError as exc:
        if as_json:  # machines get the problems on stdout too; the exit code stays 2
            emit_json({"error": "invalid verdict rows", "stored": 0,
                        "problems": [p.as_dict() for p in exc.problems]})
        raise
    if report.received == 0 and not report.skipped_rows:
        err.print("[yellow]warning:[/yellow] no verdict rows in the input: nothing to store")
    if as_json:
        emit_json(report.as_dict())
    else:
        render_ingest(out, report, len(sources))


@app.command()
def decide(
    graph: Annotated[str, typer.Option("--graph", help="target_graph of the window.")],
    version: Annotated[str, typer.Option("--version", help="prompt_version to decide on.")],
    baseline: Annotated[str | None, typer.Option(
        "--baseline", help="Version to compare against (default: the graph's control).")] = None,
    judge: Annotated[str | None, typer.Option(
        "--judge", help="judge_version (default: that of the most recent verdict).")] = None,
    since: Annotated[str | None, typer.Option(
        "--since", help="RFC 3339 time, date, or age (7d).")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Exclusive upper bound.")] = None,
    last: Annotated[int | None, typer.Option("--last", min=1, help="Only the last N runs.")] = None,
    db: DbOption = None,
    config: ConfigOption = None,
    as_json: JsonOption = False,
    fmt: Annotated[str, typer.Option("--format", help="text, json, or github (a step summary "
                                     "to $GITHUB_STEP_SUMMARY and annotations)")] = "text",
    policy: Annotated[str | None, typer.Option(
        "--policy", help="clear-v1 or anytime-v1 (docs/policies.md) [env: "
        "AGENT_EVAL_RELEASE_POLICY; default: [policy] name, else clear-v1]",
        show_default=False)] = None,
) -> None:
    """Decide PROMOTE / HOLD / ROLLBACK for a version and record the decision."""
    if fmt not in ("text", "json", "github"):
        raise InputError(f"--format: {fmt!r} is not one of text, json, github")
    window = window_spec(since, until, last, utc_now())
    with _gate(db, config) as gate:
        record = gate.decide(graph, version, baseline=baseline, judge=judge, window=window,
                             policy=_policy(gate, policy))
        if record.decision.evidence["n"] == 0 and not gate.store.has_verdicts(graph, version):
            err.print(f"[yellow]warning:[/yellow] no verdicts at all for {escape(graph)} "
                      f"{escape(version)}: check the names (`releasegate windows` lists them)")
        action = _action_taken(gate, record)
    try:
        if as_json or fmt == "json":
            sys.stdout.write(record.decision.to_json() + "\n")
        elif fmt == "github":
            sys.stdout.write(github_report(record, os.environ.get("GITHUB_STEP_SUMMARY"),
                                           action=action))
        else:
            render_decision(out, record.decision)
            out.print(f"  [dim]{escape(action)}[/dim]")
        sys.stdout.flush()
    except BrokenPipeError:  # `decide | head -1`: the reader left; the decision still stands
        silence_stdout()
    raise typer.Exit(record.decision.exit_code)


def _policy(gate: Gate, name: str | None) -> GatePolicy | None:
    """The settings' policy values under the policy --policy names; None: the settings' own."""
    if name is None:
        return None
    try:
        return gate.policy.named(name.strip())
    except ConfigError as exc:
        raise ConfigError(f"--policy: {exc}") from None


def _action_taken(gate: Gate, record: DecisionRecord) -> str:
    """What the gate did about this decision, in the words an operator needs."""
    graph = record.decision.evidence["target_graph"]
    events = [e for e in gate.store.rollout_history(graph, limit=3)
              if e.decision_id == record.id]
    if record.mode == "advisory":
        advice = " (recommended: halt the canary)" if events else ""
        return (f"advisory: recorded, nothing changed{advice}; "
                "AGENT_EVAL_RELEASE_GATE=enforce to act")
    if any(e.action == "halt" for e in events):
        return f"enforce: the {graph} canary is halted; every thread now runs control"
    return "enforce: recorded; no rollout change was needed"


@app.command()
def history(
    graph: Annotated[str, typer.Option("--graph")],
    version: Annotated[str | None, typer.Option("--version")] = None,
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="Newest N only.")] = None,
    db: DbOption = None,
    config: ConfigOption = None,
    as_json: JsonOption = False,
) -> None:
    """The decisions recorded so far, oldest first."""
    with _gate(db, config) as gate:
        records = gate.store.history(graph, version, limit)
    if as_json:
        emit_json([r.as_dict() for r in records])
    elif not records:
        out.print(f"no decisions recorded for {graph}{' ' + version if version else ''}")
    else:
        render_history(out, records)


@app.command()
def windows(
    graph: Annotated[str | None, typer.Option("--graph")] = None,
    db: DbOption = None,
    config: ConfigOption = None,
    as_json: JsonOption = False,
) -> None:
    """Every (graph, version, judge) window with its statistics and what the gate says now."""
    with _gate(db, config) as gate:
        rows = gate.overview(graph)
    if as_json:
        emit_json([{"current_judge": r.current, "control": r.control, **r.decision.as_dict()}
                    for r in rows])
    elif not rows:
        out.print("no verdicts stored yet: `releasegate ingest FILE` first")
    else:
        render_windows(out, rows)


@db_app.command("check")
def db_check(db: DbOption = None, config: ConfigOption = None) -> None:
    """Say whether the database is reachable and its schema current."""
    settings = read_settings(db, config)
    engine = create_store_engine(settings.db_url)
    try:
        current, head = schema_status(engine)
    finally:
        engine.dispose()
    if current == head:
        out.print(f"ok: schema at revision {head}")
        return
    state = "empty (no releasegate schema)" if current is None else f"at revision {current}"
    out.print(f"schema {state}; this releasegate needs {head}: run `releasegate db upgrade`")
    raise typer.Exit(1)


@db_app.command("upgrade")
def db_upgrade(db: DbOption = None, config: ConfigOption = None) -> None:
    """Migrate the database schema to this version of releasegate."""
    settings = read_settings(db, config)
    engine = create_store_engine(settings.db_url)
    try:
        before, after = upgrade(engine)
    finally:
        engine.dispose()
    out.print(f"schema upgraded from {before or 'empty'} to {after}" if before != after
              else f"schema already at {after}")


@db_app.command("export")
def db_export(
    output: Annotated[str, typer.Option("-o", "--output", help="File to write; - for stdout.")],
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Write the whole store (verdicts, decisions, rollouts) as JSON Lines, streaming."""
    settings = read_settings(db, config)
    with Store.open(settings.db_url) as store:
        if output == "-":
            report = export_store(store.engine, sys.stdout)
        else:
            with open(output, "w", encoding="utf-8") as handle:
                report = export_store(store.engine, handle)
    err.print(report.summary("exported"))


@db_app.command("import")
def db_import(
    path: Annotated[str, typer.Argument(help="An export file; - for stdin.")],
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Load an export into a new, empty store. All or nothing."""
    settings = read_settings(db, config)
    with Store.open(settings.db_url) as store:
        if path == "-":
            report = import_store(store.engine, sys.stdin)
        else:
            try:
                handle = open(path, encoding="utf-8")  # noqa: SIM115 - closed below
            except OSError as exc:
                raise InputError(f"{path}: cannot read: {exc.strerror}") from None
            with handle:
                report = import_store(store.engine, handle)
    out.print(report.summary("imported"))


@app.command("schema")
def schema(
    dialect: Annotated[str, typer.Option(
        "--dialect", help="sqlite (also Cloudflare D1) or postgresql.")] = "sqlite",
) -> None:
    """Print the DDL of every table and index, for creating the store with other tools."""
    sys.stdout.write(schema_ddl(dialect))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; every error becomes an exit code here and nowhere else."""
    try:
        app(args=list(argv) if argv is not None else None, prog_name="releasegate")
    except SystemExit as exc:  # typer's standalone mode: usage errors are 2, Exit(n) is n
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except InputError as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}")
        return 2
    except RefusedError as exc:  # the gate's evidence does not authorize the change
        err.print(f"[red]refused:[/red] {escape(str(exc))}")
        return 5
    except ReleasegateError as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}")
        return 1
    except BrokenPipeError:  # `decide | head -1`: the reader left; the verdict still stands
        silence_stdout()
        return 1
    except Exception as exc:  # the last line of defence: a reason, not a traceback
        if os.environ.get("RELEASEGATE_DEBUG"):
            raise
        err.print(f"[red]unexpected failure:[/red] {type(exc).__name__}: {escape(str(exc))} "
                  "(set RELEASEGATE_DEBUG=1 for a traceback)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
