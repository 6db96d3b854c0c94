"""The weekly overview of follow-up actions (issue 13): overdue first with the days late, then
due this week, then the other open ones, then (when asked) those closed this past week."""

from __future__ import annotations

import datetime as dt

import pytest

from fieldapp.core.followup import Action, ActionEventKind, ActionState
from fieldapp.core.sanctions import ActionKind
from fieldapp.reports import actions_report
from tests.reports.test_dossier_report import (
    at,
    closure_decision,
    event,
    letter_of_intent,
    pdf_text,
)

TODAY = dt.date(2026, 11, 20)
SCOPE = "Team Centrum, Team Segbroek"


def open_action(
    action_id: str,
    kind: ActionKind,
    title: str,
    due: dt.date,
    *,
    venue: str | None = "Coffeeshop De Groene Linde",
    state: ActionState = ActionState.OPEN,
) -> Action:
    return Action(
        action_id=action_id,
        kind=kind,
        title=title,
        venue_id="cs-groene-linde" if venue else None,
        venue_name=venue,
        team="team-centrum",
        owner="r.bakker",
        owner_name="Rachid Bakker",
        due=due,
        state=state,
        created_by="s.devries",
        created_at=at("2026-11-10T09:00"),
        updated_at=at("2026-11-10T09:00"),
        version=1,
        events=(event(1, "2026-11-10T09:00", ActionEventKind.CREATED, state=state),),
    )


def week() -> list[Action]:
    """One of each: overdue (18 days), due in 4 days, a referral due tomorrow without a
    venue, one open far ahead, and the letter of intent decided long ago."""
    return [
        open_action(
            "act-later",
            ActionKind.RE_INSPECTION,
            "Hercontrole na heropening",
            dt.date(2027, 1, 15),
        ),
        open_action(
            "act-soon", ActionKind.CONVERSATION, "Gesprek met exploitant", dt.date(2026, 11, 24)
        ),
        open_action(
            "act-referral",
            ActionKind.REFERRAL,
            "Melding jeugdzorg na wijkronde",
            dt.date(2026, 11, 21),
            venue=None,
            state=ActionState.WAITING_RESPONSE,
        ),
        closure_decision(),  # due 2 November, still open
        letter_of_intent(),  # decided on 20 October
    ]


def recently_closed() -> Action:
    action = open_action(
        "act-warning", ActionKind.FORMAL_WARNING, "Waarschuwing versturen", dt.date(2026, 11, 18)
    )
    done = event(2, "2026-11-17T16:00", ActionEventKind.STATE, state=ActionState.DONE)
    return action.model_copy(update={"state": ActionState.DONE, "events": (*action.events, done)})


def test_the_overdue_action_comes_first_with_its_days_late() -> None:
    text = pdf_text(actions_report(week(), today=TODAY, scope=SCOPE))
    assert SCOPE in text
    assert "Te laat 1" in text and "Termijn in de komende 7 dagen 2" in text
    body = text[text.index("Te laat (1)") :]
    order = [
        body.index(words)
        for words in (
            "18 dagen te laat",  # the due column comes first
            "Sluitingsbesluit opstellen",  # the overdue action
            "Termijn in de komende 7 dagen (2)",
            "Melding jeugdzorg na wijkronde",  # tomorrow
            "Gesprek met exploitant",  # in 4 days
            "Overige open acties (1)",
            "Hercontrole na heropening",
        )
    ]
    assert order == sorted(order)
    assert "morgen" in body and "over 4 dagen" in body
    # Decided, so not open; without the flag closed actions are not listed at all.
    assert "Voornemen tot sluiting verzenden" not in text
    assert "Afgesloten in de afgelopen 7 dagen" not in text


def test_a_referral_without_a_venue_shows_a_dash() -> None:
    text = pdf_text(actions_report(week(), today=TODAY, scope=SCOPE))
    row = text[text.index("21-11-2026") :]
    assert row.index("—") < row.index("Melding jeugdzorg")
    assert "Wacht op zienswijze" in row


def test_closed_this_week_is_listed_last_when_asked() -> None:
    actions = [*week(), recently_closed()]
    text = pdf_text(actions_report(actions, today=TODAY, scope=SCOPE, include_closed=True))
    closed = text[text.index("Afgesloten in de afgelopen 7 dagen (1)") :]
    assert "Waarschuwing versturen" in closed
    assert "op 17-11-2026" in closed
    # Closed a month ago: outside the week.
    assert "Voornemen tot sluiting verzenden" not in text


def test_the_english_overview_uses_its_own_words() -> None:
    text = pdf_text(
        actions_report(week(), today=TODAY, scope=SCOPE, language="en", include_closed=True)
    )
    for words in (
        "Follow-up actions overview",
        "Overdue (1)",
        "18 days overdue",
        "Due in the coming 7 days (2)",
        "tomorrow",
        "Closure decision",
        "Waiting for response",
        "Closed in the last 7 days (0)",
    ):
        assert words in text, words
    for dutch in ("Te laat", "dagen te laat", "Termijn", "morgen"):
        assert dutch not in text, dutch


@pytest.mark.parametrize("language", ["nl", "en"])
def test_no_actions_render_with_every_section_empty(language: str) -> None:
    pdf = actions_report([], today=TODAY, scope="", language=language, include_closed=True)  # type: ignore[arg-type]
    text = pdf_text(pdf)
    expected = {
        "nl": ("Geen acties te laat.", "Geen andere open acties.", "Geen acties afgesloten"),
        "en": ("No overdue actions.", "No other open actions.", "No actions closed"),
    }[language]
    for words in expected:
        assert words in text, words


def test_the_same_actions_on_the_same_day_give_the_same_bytes() -> None:
    assert actions_report(week(), today=TODAY, scope=SCOPE) == actions_report(
        week(), today=TODAY, scope=SCOPE
    )
