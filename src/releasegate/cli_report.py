"""`releasegate report`: the dashboard's version page as one self-contained HTML file."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from releasegate.cli_common import ConfigOption, DbOption, err, read_settings
from releasegate.errors import InputError

__all__ = ["report_command"]


def report_command(
    graph: Annotated[str, typer.Option("--graph", help="target_graph of the window.")],
    version: Annotated[str, typer.Option("--version", help="prompt_version to report on.")],
    output: Annotated[str, typer.Option("-o", "--output", help="HTML file to write; - stdout.")],
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Write a version's page (decision, charts, history, canary) as one static HTML file."""
    from releasegate.gate import utc_now
    from releasegate.service.pages import Pages
    from releasegate.service.views import version_view
    from releasegate.store import Store
    from releasegate.wiring import build

    settings = read_settings(db, config)
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
    err.print(f"wrote {output}: {view.graph} {view.version} {view.decision.decision}")
