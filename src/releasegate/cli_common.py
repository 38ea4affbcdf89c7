"""What every CLI module shares: the common options, the two consoles, reading the settings.

The command modules (cli, cli_rollout, cli_import, cli_report, cli_serve, cli_check) import from
here, so an option is spelled and documented once.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from releasegate.config import Settings, load_settings

__all__ = ["ConfigOption", "DbOption", "JsonOption", "emit_json", "err", "out",
           "read_settings", "silence_stdout"]

DbOption = Annotated[str | None, typer.Option(
    "--db", help="SQLAlchemy URL or SQLite path [env: RELEASEGATE_DB; default releasegate.db]",
    show_default=False)]
ConfigOption = Annotated[str | None, typer.Option(
    "--config", help="Config file [env: RELEASEGATE_CONFIG; default ./releasegate.toml]",
    show_default=False)]
JsonOption = Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout only.")]


def silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


class _Console(Console):
    """Rich's console, but a reader closing the pipe (`decide | head`) does not change the exit
    code: the output is dropped and the command finishes as decided."""

    def on_broken_pipe(self) -> None:
        self.quiet = True
        silence_stdout()


# Piped output (CI logs, `make demo | less`) gets a wide page instead of Rich's 80 columns.
out = _Console(highlight=False, width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True, highlight=False, width=None if sys.stderr.isatty() else 160)


def emit_json(value: object) -> None:
    """Machine output: one JSON value on stdout, keys sorted."""
    sys.stdout.write(json.dumps(value, sort_keys=True, ensure_ascii=False) + "\n")


def read_settings(db: str | None, config: str | None) -> Settings:
    """The settings for a command, its warnings printed to stderr."""
    settings = load_settings(db=db, config=config)
    for warning in settings.warnings:
        err.print(f"[yellow]warning:[/yellow] {escape(warning)}")
    return settings
