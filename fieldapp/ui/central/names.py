"""The words the planning and administration screens show for ids: venues, people, states.

A username is shown as the person's name (a tester by her pseudonym), a venue id as its
name and street, a team id as the team's name; an id nobody sent is shown as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication

from fieldapp.core.entities import DOOR_TEST_GROUND_LABELS, Area, DoorTestGround, Team, Venue
from fieldapp.protocol.models import AssignmentState, PublishedForm

if TYPE_CHECKING:
    from fieldapp.app.planning import Board


def form_name(form_id: str) -> str:
    """The shipped forms by their titles, as the homes and the PDFs name them."""
    names = {
        "coffeeshop_inspection": QCoreApplication.translate("Central", "Coffeeshop inspection"),
        "neighbourhood_patrol": QCoreApplication.translate("Central", "Neighbourhood patrol"),
        "door_test": QCoreApplication.translate("Central", "Nightlife door test"),
    }
    return names.get(form_id, form_id)


def published_form_name(form: PublishedForm, language: str) -> str:
    """A published form by its file's title in `language` (a form a municipality added, which
    `form_name` does not know, too), else in any language it has; from a server that
    sends no titles, as `form_name` names it."""
    if not form.title:
        return form_name(form.form_id)
    return form.title.get(language) or next(iter(form.title.values()))


def state_name(state: AssignmentState) -> str:
    return {
        AssignmentState.PLANNED: QCoreApplication.translate("Central", "planned"),
        AssignmentState.STARTED: QCoreApplication.translate("Central", "started"),
        AssignmentState.DONE: QCoreApplication.translate("Central", "done"),
        AssignmentState.OVERDUE: QCoreApplication.translate("Central", "overdue"),
        AssignmentState.CANCELLED: QCoreApplication.translate("Central", "cancelled"),
    }[state]


def kind_name(kind: str) -> str:
    return {
        "coffeeshop": QCoreApplication.translate("Central", "coffeeshop"),
        "club": QCoreApplication.translate("Central", "club"),
        "bar": QCoreApplication.translate("Central", "bar"),
    }.get(kind, kind)


def role_label(role: str) -> str:
    return {
        "boa": QCoreApplication.translate("Central", "enforcement officer"),
        "mystery_guest": QCoreApplication.translate("Central", "mystery guest"),
        "supervisor": QCoreApplication.translate("Central", "supervisor"),
        "admin": QCoreApplication.translate("Central", "administrator"),
    }.get(role, role)


@dataclass
class Names:
    venues: dict[str, Venue] = field(default_factory=dict)
    areas: dict[str, Area] = field(default_factory=dict)
    teams: dict[str, Team] = field(default_factory=dict)
    people: dict[str, str] = field(default_factory=dict)

    def take(self, board: Board) -> None:
        self.venues = {venue.id: venue for venue in board.venues}
        self.areas = {area.id: area for area in board.areas}
        self.teams.update({team.id: team for team in board.teams})

    def venue(self, venue_id: str) -> str:
        venue = self.venues.get(venue_id)
        if venue is None:
            return venue_id
        return f"{venue.name}, {venue.street} {venue.house_number}"

    def area(self, area_id: str) -> str:
        area = self.areas.get(area_id)
        return area.name if area is not None else area_id

    def place(self, venue_id: str | None, area_id: str | None) -> str:
        if venue_id:
            return self.venue(venue_id)
        if area_id:
            return self.area(area_id)
        return ""

    def person(self, username: str) -> str:
        return self.people.get(username, username)

    def team(self, team_id: str) -> str:
        team = self.teams.get(team_id)
        return team.name if team is not None else team_id

    def who(self, assignee: str | None, team: str | None) -> str:
        if assignee:
            return self.person(assignee)
        if team:
            return QCoreApplication.translate("Central", "Whole team: {team}").format(
                team=self.team(team)
            )
        return ""

    @staticmethod
    def ground(ground: DoorTestGround, language: str) -> str:
        labels = DOOR_TEST_GROUND_LABELS[ground]
        return labels.get(language) or labels["en"]
