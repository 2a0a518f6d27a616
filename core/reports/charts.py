"""Charts as inline SVG, drawn with matplotlib's SVG backend (no pyplot, no global state, no network).

Text stays text in the SVG (``svg.fonttype: none``): the page that embeds it names a CJK font
stack, so Chinese labels render with the reader's own fonts and nothing is bundled. matplotlib
only measures the labels; when no CJK font is installed where the report is built it measures
with DejaVu Sans, so the margins are computed here from the labels' display width (CJK counts
double) instead of from matplotlib's measurement.
"""

from __future__ import annotations

import functools
import io
import re
import warnings
from collections import OrderedDict
from typing import Any, Mapping, Sequence

from huiqi.reports.cells import shorten, width
from huiqi.reports.model import Chart

CJK_FONTS = ("Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei",
             "Microsoft YaHei", "PingFang SC", "SimHei")
PALETTE = ("#3b6ea8", "#e08a2c", "#5a9e5a", "#c4504d", "#8a6bb0", "#8c6d5a", "#d17cb5", "#7f7f7f", "#b5b536",
           "#3fb1c0")
FIG_WIDTH_IN = 7.4
FONT_PT = 9
MAX_LABEL = 26  # display-width units of a category label before it is shortened with …


@functools.cache
def _font_family() -> list[str]:
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    return [name for name in CJK_FONTS if name in installed] + ["DejaVu Sans"]


def chart_svg(chart: Chart, rows: Sequence[Mapping[str, Any]]) -> str:
    """The chart as an ``<svg>`` element (no XML prolog), ready to inline in html."""
    import matplotlib
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    rows = chart.rows if chart.rows is not None else rows
    categories, series = _series(chart, rows)
    settings = {"svg.fonttype": "none", "svg.hashsalt": "huiqi", "font.family": _font_family(),
                "font.size": FONT_PT, "axes.spines.top": False, "axes.spines.right": False}
    with matplotlib.rc_context(settings), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Glyph … missing from font(s)" where no CJK font is installed
        figure = Figure(figsize=(FIG_WIDTH_IN, _height(chart, categories)))
        FigureCanvasSVG(figure)
        axes = figure.add_subplot()
        DRAW[chart.kind](axes, chart, categories, series, rows)
        axes.set_title(chart.title, loc="left", fontsize=FONT_PT + 2, fontweight="bold")
        _margins(figure, chart, categories, series)
        out = io.StringIO()
        figure.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    return _strip_prolog(out.getvalue())


def _series(chart: Chart, rows) -> tuple[list[str], "OrderedDict[str, list[float]]"]:
    """Categories in row order and one list of plotted values per series."""
    categories = list(OrderedDict.fromkeys(str(r.get(chart.x, "")) for r in rows))
    names = (list(OrderedDict.fromkeys(str(r.get(chart.series)) for r in rows)) if chart.series else list(chart.y))
    values = OrderedDict((name, [0.0] * len(categories)) for name in names)
    index = {c: i for i, c in enumerate(categories)}
    for row in rows:
        keys = [(str(row.get(chart.series)), chart.y[0])] if chart.series else [(k, k) for k in chart.y]
        for name, key in keys:
            values[name][index[str(row.get(chart.x, ""))]] += _plotted(row.get(key), chart.value_kind)
    return [_short(c) for c in categories], values


def _plotted(value: Any, kind: str) -> float:
    """A number to draw (drawing only: money in 万元, percentages in %)."""
    if value is None or isinstance(value, str):
        return 0.0
    if kind == "money":
        return value / 1_000_000
    if kind == "percent":
        return float(value) * 100
    return float(value)


def _unit(kind: str) -> str:
    return {"money": "万元", "percent": "%"}.get(kind, "")


def _short(label: str) -> str:
    return shorten(label, MAX_LABEL)


def _height(chart: Chart, categories: list[str]) -> float:
    if chart.kind == "barh":
        return min(11.0, 1.2 + 0.32 * max(len(categories), 2))
    return 3.4 if chart.kind != "pie" else 3.8


def _color(i: int) -> str:
    return PALETTE[i % len(PALETTE)]


def _bars(axes, chart: Chart, categories, series, horizontal: bool) -> None:
    positions = list(range(len(categories)))
    count = len(series)
    bottoms = [0.0] * len(categories)
    thickness = 0.7 if chart.stacked or count == 1 else 0.8 / count
    for i, (name, values) in enumerate(series.items()):
        offset = 0.0 if chart.stacked or count == 1 else (i - (count - 1) / 2) * thickness
        where = [p + offset for p in positions]
        label = chart.labels.get(name, name)
        if horizontal:
            axes.barh(where, values, height=thickness, left=bottoms if chart.stacked else None, color=_color(i),
                      label=label)
        else:
            axes.bar(where, values, width=thickness, bottom=bottoms if chart.stacked else None, color=_color(i),
                     label=label)
        if chart.stacked:
            bottoms = [b + v for b, v in zip(bottoms, values)]
    ticks = axes.set_yticks if horizontal else axes.set_xticks
    ticks(positions, categories)
    value_axis = axes.set_xlabel if horizontal else axes.set_ylabel
    value_axis(_unit(chart.value_kind))
    if chart.value_kind == "int":
        from matplotlib.ticker import MaxNLocator

        (axes.xaxis if horizontal else axes.yaxis).set_major_locator(MaxNLocator(integer=True))
    if horizontal:
        axes.invert_yaxis()  # first row on top, as in the table
    if chart.reference is not None:
        line = axes.axvline if horizontal else axes.axhline
        line(_plotted(chart.reference, chart.value_kind), color="#444444", linestyle="--", linewidth=0.8)
    if count > 1 or chart.series:
        axes.legend(frameon=False, fontsize=FONT_PT - 1, loc="lower right" if horizontal else "best")


def _barh(axes, chart, categories, series, rows) -> None:
    _bars(axes, chart, categories, series, horizontal=True)
    if chart.marker is not None:
        for i, row in enumerate(rows):
            mark = _plotted(row.get(chart.marker), chart.value_kind)
            axes.plot([mark, mark], [i - 0.42, i + 0.42], color="#222222", linewidth=1.6)


def _bar(axes, chart, categories, series, rows=()) -> None:
    _bars(axes, chart, categories, series, horizontal=False)
    if max((width(c) for c in categories), default=0) * len(categories) > 90:
        for label in axes.get_xticklabels():
            label.set_rotation(30)
            label.set_horizontalalignment("right")


def _line(axes, chart, categories, series, rows=()) -> None:
    for i, (name, values) in enumerate(series.items()):
        axes.plot(categories, values, marker="o", color=_color(i), label=chart.labels.get(name, name))
    axes.set_ylabel(_unit(chart.value_kind))
    if len(series) > 1:
        axes.legend(frameon=False, fontsize=FONT_PT - 1)


def _pie(axes, chart, categories, series, rows=()) -> None:
    values = next(iter(series.values()), [])
    shown = [(c, v) for c, v in zip(categories, values) if v > 0]
    if shown:
        axes.pie([v for _, v in shown], labels=[c for c, _ in shown], colors=PALETTE, autopct="%1.0f%%",
                 startangle=90, counterclock=False, textprops={"fontsize": FONT_PT - 1})
    axes.set_aspect("equal")


DRAW = {"bar": _bar, "barh": _barh, "line": _line, "pie": _pie}


def _margins(figure, chart: Chart, categories: list[str], series) -> None:
    """Room for the category labels, from their display width rather than matplotlib's measurement."""
    char_in = FONT_PT * 0.62 / 72  # one width unit (half a CJK character) in inches
    height = figure.get_figheight()
    top = 1 - 0.45 / height
    if chart.kind == "barh":
        left = min(0.5, (max((width(c) for c in categories), default=4) * char_in + 0.25) / FIG_WIDTH_IN)
        figure.subplots_adjust(left=left, right=0.97, top=top, bottom=0.5 / height)
    elif chart.kind == "bar":
        rotated = max((width(c) for c in categories), default=0) * len(categories) > 90
        bottom = (max((width(c) for c in categories), default=4) * char_in * 0.55 + 0.3) if rotated else 0.45
        figure.subplots_adjust(left=0.1, right=0.97, top=top, bottom=min(0.6, bottom / height))
    elif chart.kind == "line":
        figure.subplots_adjust(left=0.1, right=0.97, top=top, bottom=0.45 / height)


def _strip_prolog(svg: str) -> str:
    """Only the <svg> element: no XML prolog, DOCTYPE, metadata or namespace URIs (html parses inline SVG
    without them, and the page then names no address at all)."""
    svg = svg[svg.find("<svg"):]
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", svg, flags=re.S)
    return re.sub(r'\s+xmlns(:xlink)?="[^"]*"', "", svg, count=2)
