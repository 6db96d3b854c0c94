"""Sober bar charts drawn with reportlab's own graphics, in the report fonts.

Charts are vector drawings inside the PDF (no images, no transparency). Every chart sits
next to a table with the same numbers, because a chart is for seeing a pattern and the
table is for quoting; the bars carry their values too, and the value axis its title.
Category labels are never cut: they wrap over lines, and a word too long for a line is
hyphenated with pyphen's dictionary for the report's language, not broken mid-syllable.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from fieldapp.reports.document import CONTENT_WIDTH, INK, MUTED, RULE, hyphenator
from fieldapp.reports.fonts import ReportFonts
from fieldapp.reports.i18n import Language
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
LABEL_SIZE = 7.5
LINE_HEIGHT = 8.6


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
    value_title: str = "",
    language: Language = "nl",
) -> Drawing:
    """Horizontal bars, one row per category (first on top), one or more series; each bar
    (or stack) ends in its value, and `value_title` names the value axis."""
    rows = max(len(categories), 1)
    wrapped = [
        wrap_label(name, fonts.regular, LABEL_SIZE, LABEL_WIDTH - 10, language)
        for name in categories
    ]
    most_lines = max((len(lines) for lines in wrapped), default=1)
    per_row = BAR_HEIGHT * (1 if stacked or len(series) == 1 else len(series) * 0.8)
    per_row = max(per_row, most_lines * LINE_HEIGHT + 4)
    legend_height = 18.0 if names else 0.0
    title_height = 12.0 if value_title else 0.0
    plot_height = rows * per_row + 6
    height = plot_height + 24 + legend_height + title_height
    drawing = Drawing(width, height)
    # The renderer's starting font would otherwise be Helvetica, which is never embedded.
    cast(Any, drawing).initialFontName = fonts.regular
    chart = HorizontalBarChart()
    chart.x = LABEL_WIDTH
    chart.y = round(16 + title_height)
    # Room on the right for the value at the end of the longest bar.
    chart.width = round(width - LABEL_WIDTH - 30)
    chart.height = round(plot_height)
    # reportlab draws the first category at the bottom; reverse so the list reads top-down.
    chart.data = [list(reversed(list(values))) for values in series] or [[0]]
    chart.categoryAxis.categoryNames = [
        "\n".join(_shaped(line) for line in lines) for lines in reversed(wrapped)
    ]
    chart.categoryAxis.labels.fontName = fonts.regular
    chart.categoryAxis.labels.fontSize = LABEL_SIZE
    chart.categoryAxis.labels.leading = LINE_HEIGHT
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
    _bar_values(drawing, chart, series, stacked, percent, fonts)
    if value_title:
        drawing.add(
            String(
                chart.x + chart.width / 2,
                2,
                value_title,
                fontName=fonts.regular,
                fontSize=7.5,
                fillColor=MUTED,
                textAnchor="middle",
            )
        )
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


def _bar_values(
    drawing: Drawing,
    chart: HorizontalBarChart,
    series: Sequence[Sequence[float]],
    stacked: bool,
    percent: bool,
    fonts: ReportFonts,
) -> None:
    """The value at the end of every bar; a stack's total at the end of the stack."""
    if not series or not series[0]:
        return
    top = float(chart.valueAxis.valueMax)
    rows = len(series[0])
    groups = [[sum(column) for column in zip(*series, strict=True)]] if stacked else series
    band = chart.height / rows
    for position in range(rows):
        # Category `position` counts from the top; reportlab draws the first at the bottom.
        base = chart.y + (rows - 1 - position) * band
        for index, values in enumerate(groups):
            value = values[position]
            if len(groups) == 1:
                y = base + band / 2
            else:
                slot = (band - 2 * chart.groupSpacing / 2) / len(groups)
                y = base + band - chart.groupSpacing / 2 - (index + 0.5) * slot
            x = chart.x + chart.width * min(value, top) / top + 2
            text = f"{value:.0f}%" if percent else f"{value:.0f}"
            drawing.add(
                String(x, y - 2.5, text, fontName=fonts.regular, fontSize=6.8, fillColor=INK)
            )


def wrap_label(text: str, font: str, size: float, width: float, language: Language) -> list[str]:
    """`text` in lines that fit `width`; a word that does not fit is hyphenated where the
    language's dictionary allows, and left whole (never cut) where it allows nothing."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        trial = f"{current} {word}" if current else word
        if stringWidth(trial, font, size) <= width:
            current = trial
            continue
        if current:
            lines.append(current)
        current = word
        while stringWidth(current, font, size) > width:
            split = _hyphenated(current, font, size, width, language)
            if split is None:
                break
            head, current = split
            lines.append(head)
    if current:
        lines.append(current)
    return lines or [""]


def _hyphenated(
    word: str, font: str, size: float, width: float, language: Language
) -> tuple[str, str] | None:
    """The longest head of `word` (with a hyphen) that fits, and the rest."""
    best: tuple[str, str] | None = None
    for head, tail in hyphenator(language).iterate(word):
        if stringWidth(head + "-", font, size) <= width:
            best = (head + "-", tail)
            break
    return best


def _step(top: float) -> int:
    """A round tick step giving about five ticks."""
    raw = top / 5
    magnitude = 10 ** max(len(str(int(raw))) - 1, 0)
    for factor in (1, 2, 5, 10):
        if raw <= factor * magnitude:
            return max(int(factor * magnitude), 1)
    return max(int(raw), 1)


def _shaped(text: str) -> str:
    """A label line, shaped when it is right-to-left."""
    return visual_order(shape_rtl(text), base_is_rtl(text)) if has_rtl(text) else text
