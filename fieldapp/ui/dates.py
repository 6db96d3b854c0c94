"""Dates and times as the person's language writes them, through QLocale, not a fixed pattern.

`fieldapp.ui.i18n.Translations.apply` sets the default QLocale with the language (Dutch or
English, the Netherlands as the country), so "03-12-2026" in Dutch and "03/12/2026" in
English come from Qt's locale data, as do the times.
"""

from __future__ import annotations

from datetime import date, datetime, time

from PySide6.QtCore import QDate, QLocale, QTime


def short_date(value: date) -> str:
    """The day in the locale's short form (nl: 03-12-2026)."""
    return QLocale().toString(
        QDate(value.year, value.month, value.day), QLocale.FormatType.ShortFormat
    )


def short_time(value: datetime | time) -> str:
    """Hours and minutes in the locale's short form (18:04)."""
    return QLocale().toString(QTime(value.hour, value.minute), QLocale.FormatType.ShortFormat)


def short_date_time(value: datetime) -> str:
    """The day and the time (nl: 03-12-2026 18:04)."""
    return f"{short_date(value)} {short_time(value)}"


def day_and_month(value: date) -> str:
    """The day and month without the year, in the locale's order (nl: 03-12; en: 03/12)."""
    locale = QLocale()
    pattern = locale.dateFormat(QLocale.FormatType.ShortFormat)
    # The short pattern without its year part and the separator next to it.
    for year in ("yyyy", "yy", "y"):
        if year in pattern:
            pattern = pattern.replace(year, "").strip(" -./")
            break
    return locale.toString(QDate(value.year, value.month, value.day), pattern)
