"""Charts as server-side SVG geometry: no JavaScript, no CDN, the same in the report file.

A `Chart` holds pixel coordinates, reference lines and a data table (the accessible fallback);
the `chart` macro in templates/_charts.html draws it. Values come in as floats only for drawing:
every decision was already made, exactly, by the gate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

__all__ = ["Chart", "Line", "Reference", "Series", "line_chart"]

WIDTH: Final = 640
HEIGHT: Final = 240
LEFT, RIGHT, TOP, BOTTOM = 52, 28, 16, 36


@dataclass(frozen=True, slots=True)
class Series:
    """One plotted quantity: label, css class, and (x, y) values; y None leaves a gap."""

    label: str
    css: str
    values: Sequence[float | None]


@dataclass(frozen=True, slots=True)
class Line:
    label: str
    css: str
    path: str
    dots: tuple[tuple[float, float, str], ...]


@dataclass(frozen=True, slots=True)
class Reference:
    label: str
    css: str
    y: float


@dataclass(frozen=True, slots=True, kw_only=True)
class Chart:
    id: str
    title: str
    description: str
    width: int = WIDTH
    height: int = HEIGHT
    lines: tuple[Line, ...] = ()
    band: str | None = None
    band_label: str = ""
    references: tuple[Reference, ...] = ()
    y_ticks: tuple[tuple[float, str], ...] = ()
    x_ticks: tuple[tuple[float, str], ...] = ()
    table_head: tuple[str, ...] = ()
    table_rows: tuple[tuple[str, ...], ...] = ()
    empty: bool = False
    plot: tuple[float, float, float, float] = field(default=(LEFT, TOP, WIDTH - RIGHT,
                                                              HEIGHT - BOTTOM))


def _x(index: int, count: int) -> float:
    span = WIDTH - LEFT - RIGHT
    return LEFT + span / 2 if count <= 1 else LEFT + span * index / (count - 1)


def _y(value: float, top: float) -> float:
    span = HEIGHT - TOP - BOTTOM
    return HEIGHT - BOTTOM - span * (value / top if top > 0 else 0)


def _fmt(value: float, unit: str) -> str:
    return f"{value:.0f} ms" if unit == "ms" else f"{value:.2f}"


def _tick(value: float, unit: str) -> str:
    return f"{value:.0f}" if unit == "ms" else f"{value:.2f}"


def _path(points: Sequence[tuple[float, float]]) -> str:
    return " ".join(f"{'M' if i == 0 else 'L'}{x:.1f},{y:.1f}" for i, (x, y) in
                    enumerate(points))


def _line(series: Series, count: int, top: float, unit: str, labels: Sequence[str]) -> Line:
    segments: list[str] = []
    current: list[tuple[float, float]] = []
    dots = []
    for i, value in enumerate(series.values):
        if value is None:
            if current:
                segments.append(_path(current))
            current = []
            continue
        x, y = _x(i, count), _y(value, top)
        current.append((x, y))
        dots.append((round(x, 1), round(y, 1),
                     f"{labels[i]}: {series.label} {_fmt(value, unit)}"))
    if current:
        segments.append(_path(current))
    return Line(series.label, series.css, " ".join(segments), tuple(dots))


def _band(low: Sequence[float | None], high: Sequence[float | None], top: float) -> str | None:
    pairs = [(i, lo, hi) for i, (lo, hi) in enumerate(zip(low, high, strict=True))
             if lo is not None and hi is not None]
    if not pairs:
        return None
    count = len(low)
    if count == 1:  # one day: a bar wide enough to see
        _, lo, hi = pairs[0]
        x = _x(0, 1)
        return _path([(x - 6, _y(hi, top)), (x + 6, _y(hi, top)), (x + 6, _y(lo, top)),
                      (x - 6, _y(lo, top))]) + " Z"
    upper = [(_x(i, count), _y(hi, top)) for i, _, hi in pairs]
    lower = [(_x(i, count), _y(lo, top)) for i, lo, _ in reversed(pairs)]
    return _path(upper + lower) + " Z"


def _x_ticks(labels: Sequence[str]) -> tuple[tuple[float, str], ...]:
    count = len(labels)
    if count == 0:
        return ()
    step = max(1, -(-count // 6))
    chosen = list(range(0, count, step))
    if chosen[-1] != count - 1 and count - 1 - chosen[-1] >= step // 2:
        chosen.append(count - 1)
    return tuple((round(_x(i, count), 1), labels[i][5:]) for i in chosen)


def line_chart(*, id: str, title: str, description: str, labels: Sequence[str],
               series: Sequence[Series], unit: str = "rate",
               band: tuple[Sequence[float | None], Sequence[float | None]] | None = None,
               band_label: str = "", references: Sequence[tuple[str, str, float]] = (),
               ) -> Chart:
    """A chart of `series` over the bucket `labels` (dates), with optional band and lines."""
    values = [v for s in series for v in s.values if v is not None]
    values += [value for _, _, value in references]
    if unit == "rate":
        top = 1.0
        ticks = [0.0, 0.25, 0.5, 0.75, 1.0]
    else:
        top = max(values, default=1.0) * 1.15 or 1.0
        ticks = [top * k / 4 for k in range(5)]
    head = ("day", *(s.label for s in series))
    rows = tuple(
        (label, *("–" if s.values[i] is None else _fmt(s.values[i] or 0.0, unit)
                  for s in series))
        for i, label in enumerate(labels)
    )
    return Chart(
        id=id, title=title, description=description,
        lines=tuple(_line(s, len(labels), top, unit, labels) for s in series),
        band=_band(band[0], band[1], top) if band else None, band_label=band_label,
        references=tuple(Reference(label, css, round(_y(value, top), 1))
                         for label, css, value in references),
        y_ticks=tuple((round(_y(t, top), 1), _tick(t, unit)) for t in ticks),
        x_ticks=_x_ticks(labels), table_head=head, table_rows=rows, empty=not labels,
    )
