"""Sober bar charts drawn with reportlab's own graphics, in the report fonts.

Charts are vector drawings inside the PDF (no images, no transparency). Every chart sits
next to a table with the same numbers, because a chart is for seeing a pattern and the
table is for quoting.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors

from fieldapp.reports.document import CONTENT_WIDTH, INK, MUTED, RULE
from fieldapp.reports.fonts import ReportFonts
from fieldapp.reports.text import base_is_rtl, has_rtl, shape_rtl, visual_order

#: Blues and greys that stay distinguishable in black-and-white print.
PALETTE = (
    colors.HexColor("#1f4e79"),
    colors.HexColor("#7a9cc6"),
    colors.HexColor("#a35200"),
    colors.HexColor("#b8c4ce"),
    colors.HexColor("#2e6b3f"),
    colors.HexColor("#5f6b76"),
)
BAR_HEIGHT = 13.0
LABEL_WIDTH = 150


def bar_chart(
    categories: Sequence[str],
    series: Sequence[Sequence[float]],
    fonts: ReportFonts,
    *,
    names: Sequence[str] = (),
    colours: Sequence[colors.Color] = PALETTE,
    stacked: bool = False,
    width: float = CONTENT_WIDTH,
    percent: bool = False,
    bar_colours: Sequence[colors.Color] = (),
) -> Drawing:
    """Horizontal bars, one row per category (first on top), one or more series."""
    rows = max(len(categories), 1)
    per_row = BAR_HEIGHT * (1 if stacked or len(series) == 1 else len(series) * 0.8)
    legend_height = 18.0 if names else 0.0
    plot_height = rows * per_row + 6
    height = plot_height + 24 + legend_height
    drawing = Drawing(width, height)
    # The renderer's starting font would otherwise be Helvetica, which is never embedded.
    cast(Any, drawing).initialFontName = fonts.regular
    chart = HorizontalBarChart()
    chart.x = LABEL_WIDTH
    chart.y = 16
    chart.width = round(width - LABEL_WIDTH - 12)
    chart.height = round(plot_height)
    # reportlab draws the first category at the bottom; reverse so the list reads top-down.
    chart.data = [list(reversed(list(values))) for values in series] or [[0]]
    chart.categoryAxis.categoryNames = [_short(name) for name in reversed(list(categories))]
    chart.categoryAxis.labels.fontName = fonts.regular
    chart.categoryAxis.labels.fontSize = 7.5
    chart.categoryAxis.labels.fillColor = INK
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -4
    chart.categoryAxis.strokeColor = RULE
    chart.categoryAxis.tickLeft = 0
    chart.valueAxis.labels.fontName = fonts.regular
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labels.fillColor = MUTED
    chart.valueAxis.strokeColor = RULE
    chart.valueAxis.gridStrokeColor = colors.HexColor("#e3e7eb")
    chart.valueAxis.visibleGrid = 1
    chart.valueAxis.valueMin = 0
    top = (
        max((sum(column) if stacked else max(column)) for column in zip(*series, strict=True))
        if series and categories
        else 0
    )
    if percent:
        chart.valueAxis.valueMax = 100
        chart.valueAxis.valueStep = 20
        chart.valueAxis.labelTextFormat = "%d%%"
    else:
        chart.valueAxis.valueMax = max(top, 1) * 1.08
        chart.valueAxis.valueStep = _step(max(top, 1))
        chart.valueAxis.labelTextFormat = "%d"
    chart.barSpacing = 1
    chart.groupSpacing = 3
    chart.bars.strokeWidth = 0
    chart.bars.strokeColor = None
    for index in range(len(series)):
        chart.bars[index].fillColor = colours[index % len(colours)]
    # A single series may colour each bar by its own meaning (e.g. severity).
    for index, colour in enumerate(reversed(list(bar_colours))):
        chart.bars[(0, index)].fillColor = colour
    if stacked:
        chart.categoryAxis.style = "stacked"
    drawing.add(chart)
    if names:
        legend = Legend()
        legend.fontName = fonts.regular
        legend.fontSize = 7.5
        legend.alignment = "right"
        legend.x = 4
        legend.y = round(height - 4)
        legend.dx = 7
        legend.dy = 7
        legend.deltax = round(min(125, (width - 8) / len(names)))
        legend.columnMaximum = 1
        legend.boxAnchor = "nw"
        legend.strokeWidth = 0
        legend.colorNamePairs = [
            (colours[index % len(colours)], name) for index, name in enumerate(names)
        ]
        drawing.add(legend)
    return drawing


def _step(top: float) -> int:
    """A round tick step giving about five ticks."""
    raw = top / 5
    magnitude = 10 ** max(len(str(int(raw))) - 1, 0)
    for factor in (1, 2, 5, 10):
        if raw <= factor * magnitude:
            return max(int(factor * magnitude), 1)
    return max(int(raw), 1)


def _short(text: str, limit: int = 34) -> str:
    """A category label that fits beside the bars, shaped when it is right-to-left."""
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return visual_order(shape_rtl(text), base_is_rtl(text)) if has_rtl(text) else text
