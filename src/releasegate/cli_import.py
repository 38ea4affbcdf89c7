"""`releasegate import promptfoo|inspect|langsmith FILE...`: other tools' results as verdicts.

Each file becomes schema-v1 rows (`releasegate.integrations`), which then take the ordinary ingest
path: one transaction over every file, all or nothing, idempotent (run_ids come from the source
file's own ids, so importing the same file twice stores it once). The shared consoles and
`_settings` live in `releasegate.cli`, looked up when a command runs (cli imports this module).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from releasegate.cli_common import ConfigOption, DbOption, emit_json, err, out, read_settings
from releasegate.errors import ConflictError, InputError
from releasegate.gate import utc_now
from releasegate.ingestion import ingest_sources
from releasegate.integrations import Imported, ImportTarget, import_file
from releasegate.render import render_ingest
from releasegate.store import Store
from releasegate.timestamps import epoch_us

__all__ = ["import_app"]

import_app = typer.Typer(
    help="Import other tools' result files (promptfoo, Inspect AI, LangSmith) as verdicts.",
    no_args_is_help=True)

Files = Annotated[list[Path], typer.Argument(help="Result files to import.", show_default=False)]
Graph = Annotated[str, typer.Option("--graph", help="target_graph of the imported runs.")]
Version = Annotated[str, typer.Option("--version", help="prompt_version that ran.")]
Judge = Annotated[str | None, typer.Option(
    "--judge", help="judge_version of the scorer (default: \"default\").", show_default=False)]
Levels = Annotated[str, typer.Option(
    "--levels", help="Eval levels the tool scores, comma-separated (step,trajectory,outcome).")]
Threshold = Annotated[float, typer.Option(
    "--pass-threshold", help="A numeric score passes at or above this (Inspect, LangSmith).")]
DryRun = Annotated[bool, typer.Option(
    "--dry-run", help="Convert and validate only; store nothing.")]
JsonlOut = Annotated[str | None, typer.Option(
    "--jsonl-out", help="Also write the verdict rows as JSONL to this file (- for stdout).",
    show_default=False)]
AsJson = Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout only.")]


def _write_jsonl(target: str, imports: list[Imported]) -> None:
    text = "".join(item.to_jsonl() for item in imports)
    if target == "-":
        sys.stdout.write(text)
        return
    try:
        Path(target).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"--jsonl-out {target}: cannot write: {exc.strerror}") from None


def _refuse_conflicting_repeats(imports: list[Imported]) -> None:
    """What the store would refuse, a dry run refuses too: one run id with two contents."""
    seen: dict[str, str] = {}
    clashes: list[str] = []
    for item in imports:
        for row in item.rows:
            content = json.dumps(row, sort_keys=True)
            if seen.setdefault(str(row["run_id"]), content) != content:
                clashes.append(str(row["run_id"]))
    if clashes:
        raise ConflictError(sorted(set(clashes)), within_input=sorted(set(clashes)))


def _run(tool: str, files: list[Path], target: ImportTarget, *, db: str | None,
         config: str | None, dry_run: bool, jsonl_out: str | None, as_json: bool,
         **options: Any) -> None:
    if as_json and jsonl_out == "-":
        raise InputError("--json and --jsonl-out - both want stdout: choose one")
    imports = [import_file(tool, path, target, **options) for path in files]
    if jsonl_out is not None:
        _write_jsonl(jsonl_out, imports)
    report = None
    if dry_run:
        _refuse_conflicting_repeats(imports)
    else:
        settings = read_settings(db, config)
        with Store.open(settings.db_url) as store:
            report = ingest_sources(store, [item.as_source() for item in imports],
                                    now_us=epoch_us(utc_now()))
    if as_json:
        emit_json({"imports": [item.as_dict() for item in imports],
                        "ingest": report.as_dict() if report else None})
        return
    console = err if jsonl_out == "-" else out
    for item in imports:
        c = item.counts()
        console.print(f"{tool} {escape(item.source)}: {c['runs']} runs → {c['passed']} passed, "
                      f"{c['failed']} failed, {c['unscored']} unscored (passed null)")
        for note in item.notes:
            console.print(f"  [dim]note: {escape(note)}[/dim]")
    if report is not None:
        render_ingest(console, report, len(imports))
    else:
        console.print("dry run: nothing stored")


def _target(graph: str, version: str, judge: str | None, levels: str,
            threshold: float) -> ImportTarget:
    chosen = tuple(part.strip() for part in levels.split(",") if part.strip())
    return ImportTarget(graph=graph, version=version, judge=judge, levels=chosen,
                        pass_threshold=threshold)


@import_app.command("promptfoo")
def promptfoo(files: Files, graph: Graph, version: Version, judge: Judge = None,
              provider: Annotated[str | None, typer.Option(
                  "--provider", help="Only rows of this provider (label or id).",
                  show_default=False)] = None,
              prompt_index: Annotated[int | None, typer.Option(
                  "--prompt-index", help="Only rows of this prompt (promptIdx).",
                  show_default=False)] = None,
              levels: Levels = "outcome", db: DbOption = None, config: ConfigOption = None,
              dry_run: DryRun = False, jsonl_out: JsonlOut = None, as_json: AsJson = False,
              ) -> None:
    """promptfoo results (`promptfoo eval -o results.json`): one verdict per test row."""
    _run("promptfoo", files, _target(graph, version, judge, levels, 1.0), db=db, config=config,
         dry_run=dry_run, jsonl_out=jsonl_out, as_json=as_json, provider=provider,
         prompt_index=prompt_index)


@import_app.command("inspect")
def inspect_logs(files: Files, graph: Graph, version: Version, judge: Judge = None,
                 levels: Levels = "outcome", pass_threshold: Threshold = 1.0, db: DbOption = None,
                 config: ConfigOption = None, dry_run: DryRun = False, jsonl_out: JsonlOut = None,
                 as_json: AsJson = False) -> None:
    """Inspect AI eval logs (.eval or .json): one verdict per sample and epoch."""
    _run("inspect", files, _target(graph, version, judge, levels, pass_threshold), db=db,
         config=config, dry_run=dry_run, jsonl_out=jsonl_out, as_json=as_json)


@import_app.command("langsmith")
def langsmith(files: Files, graph: Graph, version: Version, judge: Judge = None,
              levels: Levels = "outcome", pass_threshold: Threshold = 1.0, db: DbOption = None,
              config: ConfigOption = None, dry_run: DryRun = False, jsonl_out: JsonlOut = None,
              as_json: AsJson = False) -> None:
    """LangSmith runs exported as JSONL with their feedback: one verdict per root run."""
    _run("langsmith", files, _target(graph, version, judge, levels, pass_threshold), db=db,
         config=config, dry_run=dry_run, jsonl_out=jsonl_out, as_json=as_json)
