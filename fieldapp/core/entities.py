"""The world the app works in: areas, venues, teams, users, assignments and door-test rounds.

These are the domain entities every layer shares: the device's reference data, the central
store's registers and the reports all speak of them. The models check the shape of one
item; `fieldapp.core.worldfile` reads a whole world from files and checks what the items
say about each other.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from enum import StrEnum
from typing import Annotated, Literal, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from fieldapp.core.texts import Language

#: A stable identifier: lower-case words joined by hyphens (``cs-weimar-12``).
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=64)]
Username = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9._-]{1,63}$")]
LanguageCode = Annotated[str, StringConstraints(pattern=r"^[a-z]{2}$")]
#: Text in several languages: ``{nl: "...", en: "..."}``.
LocalText = Annotated[
    dict[LanguageCode, Annotated[str, StringConstraints(min_length=1)]], Field(min_length=1)
]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]

#: The stadsdelen of Den Haag.
District = Literal[
    "Centrum",
    "Escamp",
    "Haagse Hout",
    "Laak",
    "Leidschenveen-Ypenburg",
    "Loosduinen",
    "Scheveningen",
    "Segbroek",
]


class WorldModel(BaseModel):
    """Base for every world model: unknown keys are mistakes, not extensions."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Role(StrEnum):
    BOA = "boa"
    MYSTERY_GUEST = "mystery_guest"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class VenueKind(StrEnum):
    COFFEESHOP = "coffeeshop"
    CLUB = "club"
    BAR = "bar"


class AssignmentForm(StrEnum):
    """The checklists an assignment can ask for (the ids of forms/*.yaml)."""

    COFFEESHOP_INSPECTION = "coffeeshop_inspection"
    DOOR_TEST = "door_test"
    NEIGHBOURHOOD_PATROL = "neighbourhood_patrol"


class Priority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"


class GroupRole(StrEnum):
    """Which half of a paired door test a group is."""

    TEST = "test"
    CONTROL = "control"


class DoorTestGround(StrEnum):
    """The ground of discrimination a door-test round is designed to test (art. 1 Grondwet).

    A property of the test design, stated once per round so that a report used for a
    sanction can say which ground was tested. It is never recorded about a person: not of a
    tester, not of door staff.
    """

    ORIGIN = "origin"
    SKIN_COLOUR = "skin_colour"
    RELIGION = "religion"
    SEXUAL_ORIENTATION = "sexual_orientation"
    GENDER = "gender"
    DISABILITY = "disability"
    AGE = "age"


#: The grounds in words, for screens and reports.
DOOR_TEST_GROUND_LABELS: Mapping[DoorTestGround, Mapping[str, str]] = {
    DoorTestGround.ORIGIN: {"nl": "afkomst", "en": "origin"},
    DoorTestGround.SKIN_COLOUR: {"nl": "huidskleur", "en": "skin colour"},
    DoorTestGround.RELIGION: {"nl": "godsdienst of levensovertuiging", "en": "religion or belief"},
    DoorTestGround.SEXUAL_ORIENTATION: {"nl": "seksuele gerichtheid", "en": "sexual orientation"},
    DoorTestGround.GENDER: {"nl": "geslacht", "en": "sex or gender"},
    DoorTestGround.DISABILITY: {
        "nl": "handicap of chronische ziekte",
        "en": "disability or chronic illness",
    },
    DoorTestGround.AGE: {"nl": "leeftijd", "en": "age"},
}


class VisitOrder(StrEnum):
    """Which group of a round goes to the door first.

    Test group first is the stronger design: a "too busy" given to the test group is then
    contradicted by the control group's entry afterwards. The order is recorded either way.
    """

    TEST_FIRST = "test_first"
    CONTROL_FIRST = "control_first"


#: Who fills in each form; an assignment to a person with another role is a mistake.
FORM_ROLES: Mapping[AssignmentForm, Role] = {
    AssignmentForm.COFFEESHOP_INSPECTION: Role.BOA,
    AssignmentForm.DOOR_TEST: Role.MYSTERY_GUEST,
    AssignmentForm.NEIGHBOURHOOD_PATROL: Role.BOA,
}
#: The venue kinds each venue-based form may visit.
FORM_VENUE_KINDS: Mapping[AssignmentForm, frozenset[VenueKind]] = {
    AssignmentForm.COFFEESHOP_INSPECTION: frozenset({VenueKind.COFFEESHOP}),
    AssignmentForm.DOOR_TEST: frozenset({VenueKind.CLUB, VenueKind.BAR}),
}


class Area(WorldModel):
    """A wijk that patrols, teams and venues refer to."""

    id: Slug
    name: Text
    district: District
    fireworks_free_zone: bool = False
    coffeeshop_overconcentration: bool = False
    #: The boundary as GeoJSON (Multi)Polygon coordinates: polygons of rings of (lon, lat);
    #: the first ring of a polygon is its outline, the others its holes.
    boundary: list[list[list[tuple[float, float]]]] | None = None

    def contains(self, lat: float, lon: float) -> bool:
        """Whether the position lies inside the boundary (False when there is none)."""
        for polygon in self.boundary or ():
            outline, *holes = polygon
            if _inside(outline, lon, lat) and not any(_inside(h, lon, lat) for h in holes):
                return True
        return False


def _inside(ring: list[tuple[float, float]], x: float, y: float) -> bool:
    """Even-odd rule: a ray from the point crosses the ring an odd number of times."""
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


class Venue(WorldModel):
    """A coffeeshop, club or bar in the venue registry."""

    id: Slug
    name: Text
    kind: VenueKind
    street: Text
    house_number: Annotated[
        str, StringConstraints(pattern=r"^[1-9][0-9]{0,4}[A-Za-z]?(?:-[0-9A-Za-z]{1,4})?$")
    ]
    postcode: Annotated[str, StringConstraints(pattern=r"^[1-9][0-9]{3} [A-Z]{2}$")]
    area: Slug
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    permit_number: Text | None = None
    notes: LocalText | None = None
    #: The permit holder or operator, as the register names them.
    operator: Text | None = None
    #: Opening hours as the register gives them ("ma-zo 10:00-01:00").
    opening_hours: Text | None = None
    #: False once the venue closed: never deleted, because inspections refer to it.
    active: bool = True

    @property
    def address(self) -> str:
        return f"{self.street} {self.house_number}, {self.postcode}"

    @model_validator(mode="after")
    def _check_permit(self) -> Self:
        # Only coffeeshops hold a tolerance permit (gedoogbeschikking); one on a bar is a typo.
        if self.kind is VenueKind.COFFEESHOP and self.permit_number is None:
            raise ValueError("a coffeeshop needs a permit_number")
        if self.kind is not VenueKind.COFFEESHOP and self.permit_number is not None:
            raise ValueError(f"only a coffeeshop has a permit_number, not a {self.kind}")
        return self


class Team(WorldModel):
    """A group of users working the same areas under one supervisor."""

    id: Slug
    name: Text
    areas: list[Slug] = Field(min_length=1)
    supervisor: Username


def _dutch_only() -> list[Language]:
    return ["nl"]


class User(WorldModel):
    """A demo account."""

    username: Username
    display_name: Text
    role: Role
    team: Slug | None = None
    #: Mystery guests only: the name shown on every report instead of the person.
    pseudonym: Text | None = None
    #: Interface and form languages in order of preference.
    languages: list[Language] = Field(default_factory=_dutch_only, min_length=1)

    @property
    def language(self) -> Language:
        return self.languages[0]

    @property
    def public_name(self) -> str:
        """The name reports may show: the pseudonym for a mystery guest."""
        return self.pseudonym if self.pseudonym is not None else self.display_name

    @model_validator(mode="after")
    def _check_pseudonym(self) -> Self:
        # Reports may be made public, so a tester must never be shown by name.
        if self.role is Role.MYSTERY_GUEST and self.pseudonym is None:
            raise ValueError("a mystery guest needs a pseudonym")
        if self.role is not Role.MYSTERY_GUEST and self.pseudonym is not None:
            raise ValueError(f"only a mystery guest has a pseudonym, not a {self.role}")
        if len(set(self.languages)) != len(self.languages):
            raise ValueError("a language is listed twice in 'languages'")
        return self


def round_assignment_id(round_id: str, role: GroupRole) -> str:
    """The id of the assignment for one group of a door-test round."""
    return f"{round_id}-{role.value}"[:64]


class DoorTestRound(WorldModel):
    """One planned paired door test: one venue, one evening, one test and one control visit.

    A venue has many rounds over time. The round, not a loose id typed on the device,
    decides which two visits are compared: `fieldapp.core.doortest` pairs and judges the
    visits of one round, and refuses a third one.
    """

    id: Slug
    venue: Slug
    #: The evening of the round; a window past midnight still belongs to this date.
    date: dt.date
    window_start: dt.time
    window_end: dt.time
    #: The ground the test design is about (a round attribute, never a person's).
    ground: DoorTestGround
    order: VisitOrder
    #: The largest gap between the two arrivals for the visits to be comparable.
    max_gap_minutes: int = Field(gt=0, le=240)
    #: The mystery guests (pseudonymous usernames) who lead each group.
    test_tester: Username
    control_tester: Username
    note: LocalText | None = None

    @model_validator(mode="after")
    def _check_round(self) -> Self:
        if self.test_tester == self.control_tester:
            raise ValueError("the test group and the control group need different testers")
        if self.window_start == self.window_end:
            raise ValueError("the time window needs a start and a different end")
        return self

    def tester_of(self, role: GroupRole) -> str:
        """The username of the tester who leads the group in `role`."""
        return self.test_tester if role is GroupRole.TEST else self.control_tester

    def assignment_for(self, role: GroupRole, note: Mapping[str, str] | None = None) -> Assignment:
        """The assignment of one group's visit, as the central store plans it for the
        group's tester (`round_assignment_id` names it)."""
        return Assignment(
            id=round_assignment_id(self.id, role),
            form_id=AssignmentForm.DOOR_TEST,
            venue=self.venue,
            assignee=self.tester_of(role),
            due=self.date,
            note=self.note if note is None else dict(note),
            paired_test=self.id,
            group_role=role,
        )

    def evening_of(self, moment: dt.datetime) -> dt.date:
        """The round date a moment belongs to: after midnight, a window that crosses
        midnight still counts for the evening before."""
        crosses_midnight = self.window_end < self.window_start
        if crosses_midnight and moment.time() < self.window_end:
            return moment.date() - dt.timedelta(days=1)
        return moment.date()

    def in_window(self, moment: dt.datetime) -> bool:
        """True when `moment` falls inside the round's time window on the round's evening."""
        if self.evening_of(moment) != self.date:
            return False
        clock = moment.time()
        if self.window_end < self.window_start:
            return clock >= self.window_start or clock <= self.window_end
        return self.window_start <= clock <= self.window_end


class Assignment(WorldModel):
    """Work handed to a person or a team: a form to fill in at a venue or in an area."""

    id: Slug
    form_id: AssignmentForm
    venue: Slug | None = None
    area: Slug | None = None
    assignee: Username | None = None
    team: Slug | None = None
    due: dt.date
    note: LocalText | None = None
    #: Door tests only: the `DoorTestRound` this visit belongs to. The name is kept from the
    #: time a round was a loose id shared by the two assignments; devices prefill the visit's
    #: `test_id` answer with it.
    paired_test: Slug | None = None
    group_role: GroupRole | None = None
    #: The last day of a date range; None: due on `due` itself.
    due_until: dt.date | None = None
    priority: Priority = Priority.NORMAL

    @model_validator(mode="after")
    def _check_shape(self) -> Self:
        if self.due_until is not None and self.due_until < self.due:
            raise ValueError("due_until lies before due")
        if (self.assignee is None) == (self.team is None):
            raise ValueError("give either an assignee or a team, not both or neither")
        if self.form_id is AssignmentForm.NEIGHBOURHOOD_PATROL:
            if self.area is None or self.venue is not None:
                raise ValueError("a neighbourhood_patrol needs an area and no venue")
        elif self.venue is None or self.area is not None:
            raise ValueError(f"a {self.form_id} needs a venue and no area")
        if self.form_id is AssignmentForm.DOOR_TEST:
            if self.paired_test is None or self.group_role is None:
                raise ValueError("a door_test needs a paired_test and a group_role")
            # The pair is only comparable when each group is led by one known tester.
            if self.assignee is None:
                raise ValueError("a door_test is assigned to one mystery guest, not a team")
        elif self.paired_test is not None or self.group_role is not None:
            raise ValueError("only a door_test has a paired_test and a group_role")
        return self
