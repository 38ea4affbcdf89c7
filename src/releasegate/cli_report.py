"""`releasegate report`: the dashboard's version page as one self-contained HTML file."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import typer

from releasegate.errors import InputError

__all__ = ["report_command"]


def _cli() -> Any:
    from releasegate import cli  # cli imports this module to register it: look up at call time

    return cli


def report_command(
    graph: Annotated[str, typer.Option("--graph", help="target_graph of the window.")],
    version: Annotated[str, typer.Option("--version", help="prompt_version to report on.")],
    output: Annotated[str, typer.Option("-o", "--output", help="HTML file to write; - stdout.")],
    db: Annotated[str | None, typer.Option(
        "--db", help="SQLAlchemy URL or SQLite path [env: RELEASEGATE_DB; default releasegate.db]",
        show_default=False)] = None,
    config: Annotated[str | None, typer.Option(
        "--config", help="Config file [env: RELEASEGATE_CONFIG; default ./releasegate.toml]",
        show_default=False)] = None,
) -> None:
    """Write a version's page (decision, charts, history, canary) as one static HTML file."""
    from releasegate.gate import utc_now
    from releasegate.service.pages import Pages
    from releasegate.service.views import version_view
    from releasegate.store import Store
    from releasegate.wiring import build

    cli = _cli()
    settings = cli._settings(db, config)
    with Store.open(settings.db_url) as store:
        wiring = build(settings, store)
        view = version_view(wiring.gate, wiring.rollout, os.environ, graph, version, utc_now())
    html = Pages().version(view, standalone=True)
    if output == "-":
        typer.echo(html, nl=False)
        return
    try:
        Path(output).write_text(html, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{output}: cannot write: {exc.strerror}") from None
    cli.err.print(f"wrote {output}: {view.graph} {view.version} {view.decision.decision}")
