"""The venue's file as a few plain lines: its open actions, repeat offences and as of when.

The form (above a draft) and the new-inspection dialog's history view both show it.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from fieldapp.core.followup import VenueFieldSummary
from fieldapp.core.sanctions import ActionKind
from fieldapp.core.texts import language_of, local
from fieldapp.ui.dates import short_date


def venue_file_lines(file: VenueFieldSummary, language: str) -> list[str]:
    """One line per open action and per repeat offence, then the file's date."""
    lang = language_of(language)
    lines = [
        QCoreApplication.translate("VenueFile", "Open action: {kind}, due {due}").format(
            kind=ActionKind(kind).label.pick(lang), due=short_date(due)
        )
        for kind, due in file.open_actions
    ]
    lines.extend(
        QCoreApplication.translate(
            "VenueFile", "Repeat offence: {ladder} ({count}× within {months} months)"
        ).format(
            ladder=local(repetition.label, lang),
            count=repetition.count,
            months=repetition.period_months,
        )
        for repetition in file.repetitions
    )
    updated = short_date(file.updated_at.astimezone().date())
    lines.append(
        QCoreApplication.translate("VenueFile", "From the venue's file as of {day}.").format(
            day=updated
        )
    )
    return lines
