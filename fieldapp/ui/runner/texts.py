"""Form texts in the person's language, falling back to the form's default language."""

from __future__ import annotations

from datetime import date, datetime, time

from PySide6.QtCore import QLocale

from fieldapp.core.expr import Value
from fieldapp.core.forms import FormDefinition, LocalText
from fieldapp.ui.dates import short_date, short_date_time, short_time


class FormTexts:
    """Picks the text of a `LocalText` for the current language of one form."""

    def __init__(self, definition: FormDefinition, language: str) -> None:
        self.definition = definition
        self.language = language

    @property
    def form_language(self) -> str:
        """The language form texts are shown in: the person's, if the form has it."""
        if self.language in self.definition.languages:
            return self.language
        return self.definition.default_language

    def text(self, local: LocalText | None) -> str:
        if not local:
            return ""
        return (
            local.get(self.form_language)
            or local.get(self.definition.default_language)
            or next(iter(local.values()))
        )

    def number(self, value: float | int) -> str:
        """A number as people in this language write it (QLocale: a decimal comma in Dutch),
        without group separators, which read as decimals in the other language."""
        locale = number_locale(self.form_language)
        if isinstance(value, float):
            if value != value:
                return ""
            decimals = len(f"{value:.6f}".rstrip("0").partition(".")[2])
            return locale.toString(value, "f", decimals)
        return locale.toString(value)

    def parse(self, text: str, whole: bool) -> int | float | None:
        """A number typed in this form's language (see `parse_number`)."""
        return parse_number(text, whole, self.form_language)

    def value(self, value: Value) -> str:
        """Any calculated value as display text."""
        if isinstance(value, bool):
            return "✓" if value else "✗"
        if isinstance(value, int | float):
            return self.number(value)
        if isinstance(value, datetime):
            return short_date_time(value)
        if isinstance(value, date):
            return short_date(value)
        if isinstance(value, time):
            return short_time(value)
        if isinstance(value, tuple):
            return ", ".join(value)
        return value


def number_locale(language: str) -> QLocale:
    """The locale numbers are written and read in for `language`, without group separators
    (in a form field "1.500" is ambiguous between the two languages)."""
    locale = QLocale(QLocale.Language.Dutch if language == "nl" else QLocale.Language.English)
    locale.setNumberOptions(
        QLocale.NumberOption.OmitGroupSeparator | QLocale.NumberOption.RejectGroupSeparator
    )
    return locale


def parse_number(text: str, whole: bool, language: str = "nl") -> int | float | None:
    """A typed number, read by QLocale in `language`; spaces between digits are allowed.

    A decimal point in Dutch or a decimal comma in English is read too (QLocale's "C"
    locale, then the other language): a boa on a borrowed English tablet types "12,5".
    None when it is not a number.
    """
    cleaned = "".join(text.split())
    if not cleaned:
        return None
    other = "en" if language == "nl" else "nl"
    for locale in (number_locale(language), QLocale.c(), number_locale(other)):
        locale.setNumberOptions(QLocale.NumberOption.RejectGroupSeparator)
        if whole:
            whole_number, ok = locale.toLongLong(cleaned)
            if ok:
                return int(whole_number)
            continue
        number, ok = locale.toDouble(cleaned)
        if ok and number == number and abs(number) != float("inf"):
            return float(number)
    return None
