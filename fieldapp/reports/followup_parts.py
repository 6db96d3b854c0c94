"""What the two follow-up reports (the venue file and the actions overview) both say about an
action: its words, its log entries in a line, and when it was closed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from fieldapp.core.followup import Action, ActionEvent, ActionEventKind
from fieldapp.core.texts import Text
from fieldapp.reports.i18n import Language
from fieldapp.reports.text import format_date, format_short_date

#: Placed where an action concerns no venue (a referral after a patrol, say).
NO_VENUE = "—"
#: A log entry in a narrow column is cut here; the venue file prints it whole.
SHORT_ENTRY = 140

WORDS: Mapping[str, Text] = {
    "kind": Text("Soort", "Kind"),
    "title": Text("Omschrijving", "Title"),
    "owner": Text("Eigenaar", "Owner"),
    "team": Text("Team", "Team"),
    "state": Text("Status", "State"),
    "due": Text("Termijn", "Due"),
    "last_entry": Text("Laatste logregel", "Last log entry"),
    "created": Text("Aangemaakt", "Created"),
    "created_by": Text("{who} op {when}", "{who} on {when}"),
    "follows_from": Text("Volgt uit controle(s)", "Follows from inspection(s)"),
    "no_log": Text("Geen logregels.", "No log entries."),
    "entry": Text("Inhoud", "Entry"),
    "response_dated": Text("zienswijze gedateerd {date}", "response dated {date}"),
    "due_on": Text("termijn {date}", "due {date}"),
    "attachment": Text("bijlage: {name}", "attached: {name}"),
    "assignment": Text("opdracht {id}", "assignment {id}"),
    "overdue_one": Text("1 dag te laat", "1 day overdue"),
    "overdue_many": Text("{n} dagen te laat", "{n} days overdue"),
}


def word(key: str, language: Language, **values: object) -> str:
    """The follow-up phrase `key` in `language`, with `{name}` placeholders filled in."""
    text = WORDS[key].pick(language)
    return text.format(**values) if values else text


def overdue_text(due: date, today: date, language: Language) -> str:
    """How late an action is: "12 dagen te laat"."""
    days = (today - due).days
    return word("overdue_one", language) if days == 1 else word("overdue_many", language, n=days)


def venue_cell(action: Action) -> str:
    return action.venue_name or NO_VENUE


def title_text(action: Action, language: Language) -> str:
    """The action's title; its kind's label when it has none."""
    return action.title or action.kind.label.pick(language)


def event_text(event: ActionEvent, language: Language) -> str:
    """What one log entry changed or recorded, in a line (without its kind or author)."""
    parts: list[str] = []
    if event.kind is ActionEventKind.RESPONSE and event.response_date is not None:
        parts.append(
            word("response_dated", language, date=format_date(event.response_date, language))
        )
    if event.state is not None and event.kind in (ActionEventKind.STATE, ActionEventKind.CREATED):
        parts.append(event.state.label.pick(language))
    if event.due is not None:
        parts.append(word("due_on", language, date=format_date(event.due, language)))
    if event.text:
        parts.append(event.text)
    if event.attachment is not None:
        parts.append(word("attachment", language, name=event.attachment.filename))
    if event.assignment_id:
        parts.append(word("assignment", language, id=event.assignment_id))
    # A dot, not a semicolon: the operator's summary ends in its own full stop.
    return " · ".join(parts)


def creator_name(action: Action) -> str:
    """Who created the action, by name where the log says it (else the user name)."""
    created = next((e for e in action.events if e.kind is ActionEventKind.CREATED), None)
    return created.actor_name if created is not None else action.created_by


def last_event(action: Action) -> ActionEvent | None:
    return max(action.events, key=lambda e: e.seq, default=None)


def last_entry_text(action: Action, language: Language, limit: int = SHORT_ENTRY) -> str:
    """The latest log entry: its date, its kind, and what it says, cut to `limit`."""
    event = last_event(action)
    if event is None:
        return ""
    text = f"{format_short_date(event.at.date(), language)} {event.kind.label.pick(language)}"
    content = event_text(event, language)
    if content:
        text += f": {content}"
    return shorten(text, limit)


def shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def closed_at(action: Action) -> datetime | None:
    """When an action that is no longer open left the open states: the log entry that set
    its present state, else its last change."""
    if action.state.is_open:
        return None
    for event in sorted(action.events, key=lambda e: e.seq, reverse=True):
        if event.state is action.state:
            return event.at
    return action.updated_at
