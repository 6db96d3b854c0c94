"""The follow-up of findings: measures proposed by the sanction ladder, actions, the venue file.

These are the shapes every layer shares: the central store keeps them, the supervisor's
screens and the dossier PDF show them, and a boa's device gets the short `VenueFieldSummary`.
A `Measure` is what the policy proposed for an approved finding and what the supervisor
decided; an `Action` is a piece of follow-up work with an owner, a due date, a state and
a log (the operator's response, the zienswijze, is an entry in that log). A `VenueFile`
is everything the central store knows about one venue, across all time.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from fieldapp.core.entities import LocalText, Venue
from fieldapp.core.sanctions import ActionKind
from fieldapp.core.texts import Text

__all__ = [
    "Action",
    "ActionEvent",
    "ActionEventKind",
    "ActionState",
    "Attachment",
    "DecisionKind",
    "FileFinding",
    "FileRound",
    "FileVisit",
    "Measure",
    "MeasureState",
    "Repetition",
    "VenueFieldSummary",
    "VenueFile",
]

ShortText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MeasureState(StrEnum):
    PROPOSED = "proposed"
    #: The supervisor took the proposed step.
    CONFIRMED = "confirmed"
    #: The supervisor took another step, with a reason.
    CHANGED = "changed"
    #: The supervisor decided on no measure, with a reason.
    NO_MEASURE = "no_measure"

    @property
    def label(self) -> Text:
        return _MEASURE_STATES[self]


_MEASURE_STATES = {
    MeasureState.PROPOSED: Text("Voorgesteld", "Proposed"),
    MeasureState.CONFIRMED: Text("Bevestigd", "Confirmed"),
    MeasureState.CHANGED: Text("Gewijzigd", "Changed"),
    MeasureState.NO_MEASURE: Text("Geen maatregel", "No measure"),
}


class DecisionKind(StrEnum):
    """What a supervisor does with a proposal."""

    CONFIRM = "confirm"
    CHANGE = "change"
    NO_MEASURE = "no_measure"


class ActionState(StrEnum):
    OPEN = "open"
    #: Waiting for the operator's response (zienswijze) to a letter of intent.
    WAITING_RESPONSE = "waiting_response"
    DECIDED = "decided"
    DONE = "done"
    CANCELLED = "cancelled"

    @property
    def label(self) -> Text:
        return _ACTION_STATES[self]

    @property
    def is_open(self) -> bool:
        """Still work to do: it can be overdue and shows on the supervisor's home."""
        return self in (ActionState.OPEN, ActionState.WAITING_RESPONSE)


_ACTION_STATES = {
    ActionState.OPEN: Text("Open", "Open"),
    ActionState.WAITING_RESPONSE: Text("Wacht op zienswijze", "Waiting for response"),
    ActionState.DECIDED: Text("Besloten", "Decided"),
    ActionState.DONE: Text("Afgerond", "Done"),
    ActionState.CANCELLED: Text("Vervallen", "Cancelled"),
}

#: The states an action may move to from each state.
ACTION_MOVES: dict[ActionState, frozenset[ActionState]] = {
    ActionState.OPEN: frozenset(
        {ActionState.WAITING_RESPONSE, ActionState.DECIDED, ActionState.DONE, ActionState.CANCELLED}
    ),
    ActionState.WAITING_RESPONSE: frozenset(
        {ActionState.OPEN, ActionState.DECIDED, ActionState.DONE, ActionState.CANCELLED}
    ),
    ActionState.DECIDED: frozenset({ActionState.DONE, ActionState.OPEN}),
    ActionState.DONE: frozenset({ActionState.OPEN}),
    ActionState.CANCELLED: frozenset({ActionState.OPEN}),
}


class ActionEventKind(StrEnum):
    CREATED = "created"
    NOTE = "note"
    STATE = "state"
    #: The operator's response (zienswijze): its date, a summary, perhaps a file.
    RESPONSE = "response"
    DUE = "due"
    OWNER = "owner"
    #: A re-inspection action planned an assignment.
    ASSIGNMENT = "assignment"

    @property
    def label(self) -> Text:
        return _EVENT_KINDS[self]


_EVENT_KINDS = {
    ActionEventKind.CREATED: Text("Aangemaakt", "Created"),
    ActionEventKind.NOTE: Text("Notitie", "Note"),
    ActionEventKind.STATE: Text("Status", "State"),
    ActionEventKind.RESPONSE: Text("Zienswijze", "Operator's response"),
    ActionEventKind.DUE: Text("Termijn", "Due date"),
    ActionEventKind.OWNER: Text("Eigenaar", "Owner"),
    ActionEventKind.ASSIGNMENT: Text("Opdracht gepland", "Assignment planned"),
}


class Attachment(_Model):
    """A file kept with an action's log entry (the operator's letter), by its hash."""

    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
    filename: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    media_type: str
    size: int = Field(ge=0)


class ActionEvent(_Model):
    seq: int
    at: dt.datetime
    actor: str
    actor_name: str
    kind: ActionEventKind
    text: str = ""
    #: The state after this entry (for STATE entries, and CREATED).
    state: ActionState | None = None
    #: RESPONSE: the date the operator's response is dated.
    response_date: dt.date | None = None
    due: dt.date | None = None
    attachment: Attachment | None = None
    assignment_id: str | None = None


class Action(_Model):
    """One piece of follow-up work."""

    action_id: str
    kind: ActionKind
    #: What to do, in a line, as a person typed it ("" for actions the app made).
    title: str = ""
    #: What to do in both languages, for actions the app made (a step of the ladder, a
    #: referral still to report).
    subject: LocalText | None = None
    venue_id: str | None = None
    venue_name: str | None = None
    #: The inspections (findings) it follows from.
    inspection_ids: tuple[str, ...] = ()
    measure_id: str | None = None
    team: str
    owner: str
    owner_name: str
    due: dt.date
    state: ActionState
    created_by: str
    created_at: dt.datetime
    updated_at: dt.datetime
    #: The edit version: a change names the version it was based on (409 when stale).
    version: int
    events: tuple[ActionEvent, ...] = ()

    def describe(self, language: str) -> str:
        """The action's line: what a person typed, else what the app said, else its kind."""
        if self.title:
            return self.title
        if self.subject:
            return Text.of(self.subject).pick(language)
        return self.kind.label.pick(language)

    def overdue(self, today: dt.date) -> bool:
        return self.state.is_open and self.due < today

    @property
    def responses(self) -> tuple[ActionEvent, ...]:
        return tuple(e for e in self.events if e.kind is ActionEventKind.RESPONSE)


class Measure(_Model):
    """What the sanction ladder proposed for a finding, and what the supervisor decided."""

    measure_id: str
    venue_id: str
    team: str
    ladder_id: str
    ladder_label: LocalText
    #: The findings (``form_id:outcome``) that started it, and the inspections they are in.
    findings: tuple[str, ...]
    finding_labels: tuple[LocalText, ...]
    inspection_ids: tuple[str, ...]
    #: The moment of the visit with the finding.
    visited_at: dt.datetime
    policy_id: str
    policy_version: str
    proposed_step: str
    proposed_label: LocalText
    #: Earlier approved findings on the ladder within the period (visit moments, inspections).
    repetitions: tuple[dt.datetime, ...]
    repetition_inspections: tuple[str, ...]
    period_months: int
    proposed_at: dt.datetime
    state: MeasureState
    decided_step: str | None = None
    decided_label: LocalText | None = None
    reason: str = ""
    decided_by: str | None = None
    decided_by_name: str | None = None
    decided_at: dt.datetime | None = None
    #: The actions the decision started.
    action_ids: tuple[str, ...] = ()


class FileFinding(_Model):
    key: str
    label: LocalText
    severity: str


class FileVisit(_Model):
    """One inspection at the venue as the file shows it."""

    inspection_id: str
    form_id: str
    form_title: LocalText
    visited_at: dt.datetime
    #: Display names (pseudonyms for mystery guests).
    officers: tuple[str, ...]
    status: str
    approved_by: str | None = None
    approved_at: dt.datetime | None = None
    findings: tuple[FileFinding, ...] = ()
    round_id: str | None = None
    group_role: str | None = None


class FileRound(_Model):
    """A door-test round at the venue and what its pair shows."""

    round_id: str
    date: dt.date
    result: str | None
    result_label: LocalText | None
    inspection_ids: tuple[str, ...]
    approved: bool


class Repetition(_Model):
    """Approved findings on one ladder within the policy's period, up to today."""

    ladder_id: str
    label: LocalText
    period_months: int
    count: int
    last_at: dt.datetime | None


class VenueFile(_Model):
    """Everything the central store knows about one venue, across all time."""

    venue: Venue
    generated_at: dt.datetime
    policy_id: str | None
    policy_version: str | None
    visits: tuple[FileVisit, ...]
    rounds: tuple[FileRound, ...]
    measures: tuple[Measure, ...]
    actions: tuple[Action, ...]
    repetitions: tuple[Repetition, ...]


class VenueFieldSummary(_Model):
    """What a boa's device shows before an inspection: recent visits, open actions, findings.

    It holds no names, no door tests and nothing of mystery guests: it reaches boa's only.
    """

    venue_id: str
    updated_at: dt.datetime
    #: The last visits by boa's: when, which form, which findings (labels), approved or not.
    last_visits: tuple[FileVisit, ...]
    open_actions: tuple[tuple[str, dt.date], ...]
    #: Ladders with approved findings within their period: the repeat offences to know of.
    repetitions: tuple[Repetition, ...]

    @property
    def previous_violation(self) -> bool:
        """An approved finding on a coffeeshop ladder within its period."""
        return any(rep.count > 0 for rep in self.repetitions)
