"""The weekly overview of follow-up actions for a supervisor: what is overdue, what falls due
this coming week, what else is open, and (when asked) what was closed this past week.

Overdue actions come first, the most overdue on top, each saying how many days late it is:
they are what a supervisor must chase. "Open" is `ActionState.is_open` (open, or waiting
for the operator's response); everything is counted relative to the `today` given, so the
same actions and day give the same PDF.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, time, timedelta

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, Spacer

from fieldapp.core.followup import Action
from fieldapp.core.texts import Text
from fieldapp.reports.document import (
    CONTENT_WIDTH,
    HYPHENATION,
    DocumentInfo,
    ReportStyles,
    render_pdf,
)
from fieldapp.reports.flowables import grid_table, key_value_table, para
from fieldapp.reports.followup_parts import closed_at, last_entry_text, overdue_text, venue_cell
from fieldapp.reports.followup_parts import word as action_word
from fieldapp.reports.fonts import ReportFonts, report_fonts
from fieldapp.reports.i18n import Language, phrase
from fieldapp.reports.parts import letterhead
from fieldapp.reports.text import format_date, format_short_date

#: "The coming week" and "the past week", in days.
WINDOW = 7
#: The columns of words (kind, title, last log entry), which may break at a hyphen.
HYPHENATED = frozenset({2, 3, 6})

TEXTS: Mapping[str, Text] = {
    "kind": Text("Overzicht vervolgacties", "Follow-up actions overview"),
    "as_of": Text("Stand op {date}", "As of {date}"),
    "scope": Text("Betreft", "Covers"),
    "date": Text("Datum", "Date"),
    "overdue": Text("Te laat", "Overdue"),
    "due_soon": Text("Termijn in de komende 7 dagen", "Due in the coming 7 days"),
    "other_open": Text("Overige open acties", "Other open actions"),
    "closed": Text("Afgesloten in de afgelopen 7 dagen", "Closed in the last 7 days"),
    "open_total": Text("Open acties in totaal", "Open actions in all"),
    "no_overdue": Text("Geen acties te laat.", "No overdue actions."),
    "no_due_soon": Text(
        "Geen acties met een termijn in de komende 7 dagen.", "No actions due in the coming 7 days."
    ),
    "no_other_open": Text("Geen andere open acties.", "No other open actions."),
    "no_closed": Text(
        "Geen acties afgesloten in de afgelopen 7 dagen.", "No actions closed in the last 7 days."
    ),
    "today": Text("vandaag", "today"),
    "tomorrow": Text("morgen", "tomorrow"),
    "in_days": Text("over {n} dagen", "in {n} days"),
    "closed_on": Text("op {date}", "on {date}"),
    "note": Text(
        "Open: open of wachtend op de zienswijze van de exploitant. Te laat: de termijn lag vóór "
        "{date}. Een actie zonder locatie (zoals een doorverwijzing) staat er met —.",
        "Open: open or waiting for the operator's response. Overdue: due before {date}. An "
        "action without a venue (such as a referral) is shown with —.",
    ),
}


def text(key: str, language: Language, **values: object) -> str:
    """This report's phrase `key` in `language`, with `{name}` placeholders filled in."""
    words = TEXTS[key].pick(language)
    return words.format(**values) if values else words


def actions_report(
    actions: Sequence[Action],
    *,
    today: date,
    scope: str,
    language: Language = "nl",
    include_closed: bool = False,
    fonts: ReportFonts | None = None,
) -> bytes:
    """The PDF overview of `actions` as of `today`; `scope` says whose actions they are (for
    instance the team names), `include_closed` adds those closed in the last 7 days."""
    fonts = fonts or report_fonts()
    styles = ReportStyles(fonts, language)
    soon = today + timedelta(days=WINDOW)
    open_actions = [a for a in actions if a.state.is_open]
    overdue = sorted((a for a in open_actions if a.due < today), key=lambda a: (a.due, a.action_id))
    due_soon = sorted(
        (a for a in open_actions if today <= a.due <= soon), key=lambda a: (a.due, a.action_id)
    )
    other = sorted((a for a in open_actions if a.due > soon), key=lambda a: (a.due, a.action_id))
    closed: list[tuple[Action, date]] = []
    if include_closed:
        for action in actions:
            moment = closed_at(action)
            if moment is not None and today - timedelta(days=WINDOW) <= moment.date() <= today:
                closed.append((action, moment.date()))
        closed.sort(key=lambda item: (item[1], item[0].action_id), reverse=True)

    as_of = text("as_of", language, date=format_date(today, language))
    story = letterhead(text("kind", language), text("kind", language), as_of, styles, language)
    counts: list[tuple[str, str | Flowable]] = [
        (text("scope", language), scope or "–"),
        (text("date", language), format_date(today, language)),
        (text("overdue", language), str(len(overdue))),
        (text("due_soon", language), str(len(due_soon))),
        (text("other_open", language), str(len(other))),
        (text("open_total", language), str(len(open_actions))),
    ]
    if include_closed:
        counts.append((text("closed", language), str(len(closed))))
    story.append(key_value_table(counts, styles, label_width=0.36))
    story.append(Spacer(0, 2 * mm))
    story.append(para(text("note", language, date=format_date(today, language)), styles.note))

    def late(action: Action) -> str:
        return overdue_text(action.due, today, language)

    def coming(action: Action) -> str:
        days = (action.due - today).days
        if days == 0:
            return text("today", language)
        if days == 1:
            return text("tomorrow", language)
        return text("in_days", language, n=days)

    story.extend(_section("overdue", "no_overdue", overdue, late, styles, language))
    story.extend(_section("due_soon", "no_due_soon", due_soon, coming, styles, language))
    story.extend(_section("other_open", "no_other_open", other, None, styles, language))
    if include_closed:
        closed_dates = {a.action_id: d for a, d in closed}

        def when_closed(action: Action) -> str:
            return text(
                "closed_on",
                language,
                date=format_short_date(closed_dates[action.action_id], language),
            )

        story.extend(
            _section(
                "closed",
                "no_closed",
                [a for a, _ in closed],
                None,
                styles,
                language,
                state_note=when_closed,
            )
        )
    title = f"{text('kind', language)} – {format_date(today, language)}"
    # The same actions on the same day give the same bytes.
    digest = hashlib.sha256("\n".join(a.model_dump_json() for a in actions).encode()).hexdigest()
    info = DocumentInfo(
        title=title,
        author=phrase("municipality", language),
        subject="; ".join(part for part in (text("kind", language), as_of, scope) if part),
        language=language,
        created_at=datetime.combine(today, time(0, 0)),
        identifier=f"actions\n{language}\n{today.isoformat()}\n{scope}\n{include_closed}\n{digest}",
        keywords=("actions", today.isoformat()),
        running_header=f"{phrase('municipality', language)} · {title}",
        footer_lines=(" · ".join(part for part in (as_of, scope) if part),),
    )
    return render_pdf(story, info, fonts)


def _section(
    key: str,
    empty_key: str,
    actions: Sequence[Action],
    due_note: Callable[[Action], str] | None,
    styles: ReportStyles,
    language: Language,
    state_note: Callable[[Action], str] | None = None,
) -> list[Flowable]:
    """A heading with its count, then one row per action (or a line saying there is none)."""
    story: list[Flowable] = [
        CondPageBreak(40 * mm),
        para(f"{text(key, language)} ({len(actions)})", styles.h1),
    ]
    if not actions:
        story.append(para(text(empty_key, language), styles.note))
        return story
    # Seven columns on a portrait page: a size smaller than other tables, and long Dutch
    # words (Sluitingsbesluit) break at a hyphenation point, never mid-syllable; names and
    # dates are never hyphenated.
    names = ParagraphStyle("action_names", parent=styles.cell, fontSize=8, leading=10.2)
    words = ParagraphStyle("action_words", parent=names, hyphenationLang=HYPHENATION[language])
    rows: list[list[str | Flowable]] = []
    for action in actions:
        due = format_short_date(action.due, language)
        if due_note is not None:
            due += f"\n{due_note(action)}"
        state = action.state.label.pick(language)
        if state_note is not None:
            state += f"\n{state_note(action)}"
        cells = [
            due,
            venue_cell(action),
            action.kind.label.pick(language),
            action.title,
            action.owner_name,
            state,
            last_entry_text(action, language),
        ]
        rows.append(
            [
                para(value, words if index in HYPHENATED else names)
                for index, value in enumerate(cells)
            ]
        )
    header = [
        action_word("due", language),
        phrase("venue", language),
        action_word("kind", language),
        action_word("title", language),
        action_word("owner", language),
        action_word("state", language),
        action_word("last_entry", language),
    ]
    widths = [26 * mm, 24 * mm, 24 * mm, 26 * mm, 21 * mm, 23 * mm, CONTENT_WIDTH - 144 * mm]
    story.append(grid_table(header, rows, styles, widths))
    return story
