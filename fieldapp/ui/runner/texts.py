"""Form texts in the person's language, falling back to the form's default language."""

from __future__ import annotations

from datetime import date, datetime, time

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
        """A number as people in this language write it (decimal comma in Dutch)."""
        if isinstance(value, float):
            text = f"{value:.6f}".rstrip("0").rstrip(".") if value == value else ""
        else:
            text = str(value)
        return text.replace(".", ",") if self.form_language == "nl" else text

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


def parse_number(text: str, whole: bool) -> int | float | None:
    """A typed number, accepting a decimal comma; None when it is not one."""
    cleaned = text.strip().replace(" ", "").replace(",", ".")
    if not cleaned:
        return None
    try:
        if whole:
            return int(cleaned)
        number = float(cleaned)
    except ValueError:
        return None
    return number if number == number and abs(number) != float("inf") else None
