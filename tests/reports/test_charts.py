"""Charts carry values and axis titles, and never cut a label with '…' (issue 11)."""

from __future__ import annotations

import io
from datetime import date

import pyphen
from pypdf import PdfReader
from reportlab.pdfbase.pdfmetrics import stringWidth

from fieldapp.reports.charts import wrap_label
from fieldapp.reports.fonts import report_fonts
from fieldapp.reports.model import Period
from fieldapp.reports.summary import summarize
from fieldapp.reports.summary_report import summary_report
from tests.support.samples import SampleWorld, period_items


def test_long_dutch_words_break_at_hyphenation_points_never_mid_syllable() -> None:
    font = report_fonts().regular
    word = "Bestuursrechtelijkehandhavingsbevoegdheden"
    lines = wrap_label(f"Overzicht {word} per wijk", font, 7.5, 60, "nl")
    assert all(stringWidth(line, font, 7.5) <= 60 for line in lines)
    assert "".join(line.removesuffix("-") for line in lines).replace(" ", "") == (
        f"Overzicht{word}perwijk"
    )
    # Every break inside the word is one the Dutch dictionary allows.
    allowed = set(pyphen.Pyphen(lang="nl_NL").positions(word))
    position = 0
    for line in lines:
        if line.endswith("-"):
            position += len(line) - 1 - (len("Overzicht ") if line.startswith("Overzicht") else 0)
            assert position in allowed
    assert not any("…" in line for line in lines)


def test_summary_charts_have_values_and_axis_titles_and_whole_labels() -> None:
    samples = SampleWorld.load()
    venues = {v.id: v for v in samples.world.venues}
    areas = {a.id: a for a in samples.world.areas}
    period = Period(date(2026, 12, 1), date(2026, 12, 31))
    summary = summarize(period_items(samples, 200), samples.engine, period, venues=venues)
    pdf = summary_report(summary, venues=venues, areas=areas)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "…" not in text
    for title in ("Aantal controles", "Aantal rondes", "Aantal waarnemingen"):
        assert title in text, title
