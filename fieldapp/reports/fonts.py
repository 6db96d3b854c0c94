"""The fonts every report embeds: DejaVu Sans, Sans Bold and Sans Mono from resources/fonts.

A report must show Dutch, Turkish (ş, ğ, İ), Polish (ł, ż, ń) and Arabic names exactly and
must not depend on the fonts of the machine that prints it, so only these shipped TrueType
files are used and reportlab embeds a subset of each in the PDF. The standard PDF fonts
(Helvetica and friends) are never used: they are not embedded and know no ş or ł.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from fieldapp.core.locations import resources_directory


@dataclass(frozen=True, slots=True)
class ReportFonts:
    """The reportlab names of the three faces a report uses."""

    regular: str = "FieldappSans"
    bold: str = "FieldappSans-Bold"
    mono: str = "FieldappMono"

    def files(self) -> dict[str, str]:
        return {
            self.regular: "DejaVuSans.ttf",
            self.bold: "DejaVuSans-Bold.ttf",
            self.mono: "DejaVuSansMono.ttf",
        }


def fonts_directory() -> Path:
    return resources_directory() / "fonts"


def report_fonts(directory: Path | None = None) -> ReportFonts:
    """Register the shipped fonts with reportlab (once per process) and name them.

    reportlab keeps registered fonts in its own process-wide table; parsing a TrueType file
    costs tens of milliseconds, so a face already registered under our name is reused.
    """
    fonts = ReportFonts()
    folder = directory or fonts_directory()
    registered = set(pdfmetrics.getRegisteredFontNames())
    for name, filename in fonts.files().items():
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, str(folder / filename)))
    # <b> in a paragraph switches to the bold face; there is no italic on purpose.
    addMapping(fonts.regular, 0, 0, fonts.regular)
    addMapping(fonts.regular, 1, 0, fonts.bold)
    addMapping(fonts.regular, 0, 1, fonts.regular)
    addMapping(fonts.regular, 1, 1, fonts.bold)
    addMapping(fonts.bold, 0, 0, fonts.bold)
    addMapping(fonts.bold, 1, 0, fonts.bold)
    return fonts
