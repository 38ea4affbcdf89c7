"""Server-rendered pages (Jinja2): the dashboard's and the report's one set of templates.

`standalone=True` inlines the stylesheet and drops links to the server, so a report is one file
that opens anywhere, offline.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from releasegate.canary.bucketing import format_basis_points
from releasegate.service.views import OverviewView, VersionView
from releasegate.timestamps import iso

__all__ = ["Pages"]

_HERE: Final = Path(__file__).parent
TEMPLATES: Final = _HERE / "templates"
STYLESHEET: Final = _HERE / "static" / "style.css"


def _rate(value: Any) -> str:
    return "–" if value is None else f"{float(value):.4f}"


def _ms(value: Any) -> str:
    return "–" if value is None else f"{value:g} ms"


def _when(us: int | None) -> str:
    text = iso(None if us is None else us - us % 1_000_000) or "–"
    return text.replace("T", " ").replace("Z", " UTC")


def _percent(points: int | None) -> str:
    return "–" if points is None else f"{format_basis_points(points)}%"


class Pages:
    """Renders the pages; one instance per app (or per report), no global state."""

    def __init__(self) -> None:
        self.env = Environment(loader=FileSystemLoader(TEMPLATES),
                               autoescape=select_autoescape(["html"]),
                               undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
        self.env.filters.update(rate=_rate, ms=_ms, when=_when, isotime=iso,
                                percent=_percent)

    def _render(self, name: str, *, standalone: bool = False, **context: Any) -> str:
        css = STYLESHEET.read_text(encoding="utf-8") if standalone else None
        return self.env.get_template(name).render(standalone=standalone, inline_css=css,
                                                  **context)

    def overview(self, view: OverviewView) -> str:
        return self._render("index.html", view=view)

    def version(self, view: VersionView, *, standalone: bool = False) -> str:
        return self._render("version.html", view=view, standalone=standalone)

    def login(self, message: str = "") -> str:
        return self._render("login.html", message=message)
