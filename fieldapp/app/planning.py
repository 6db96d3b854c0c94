"""The supervisor's planning use cases: assignments and door-test rounds on the central store.

Qt-free; the planning screen runs each call on the task runner. Planning needs the central
store: offline, a call raises `CentralOffline` and the screen keeps what was typed. An
edit carries the `version` it was based on; when someone else changed it in between the
server answers 409 and `PlanningConflict` carries the current state, already read into the
protocol's model, so the screen can show it beside the supervisor's own text.

The glance (overdue, unassigned, progress) and the week view's days are computed here from
the list the server sends, so the screen only lays them out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from pydantic import ValidationError

from fieldapp.app.administration import (
    CentralError,
    EditConflict,
    checked,
    translated,
)
from fieldapp.core.entities import Area, Team, Venue
from fieldapp.protocol.models import (
    AssignmentDraft,
    AssignmentState,
    PlannedAssignment,
    PlannedRound,
    RoundDraft,
)
from fieldapp.sync.administration import AdminClient, PlanningClient
from fieldapp.sync.transport import CentralLine

__all__ = [
    "AssignmentDraft",
    "AssignmentState",
    "Board",
    "CentralError",
    "Glance",
    "PlannedAssignment",
    "PlannedRound",
    "Planning",
    "PlanningConflict",
    "RoundDraft",
    "glance",
    "monday_of",
    "round_state",
    "week",
]

#: States that need nothing more from anyone.
CLOSED_STATES = frozenset({AssignmentState.DONE, AssignmentState.CANCELLED})


class PlanningConflict(EditConflict):
    """Someone else changed the assignment or round; `assignment`/`round` is it now."""

    def __init__(
        self,
        current: dict[str, Any] | None,
        assignment: PlannedAssignment | None = None,
        planned_round: PlannedRound | None = None,
    ) -> None:
        super().__init__(current)
        self.assignment = assignment
        self.round = planned_round


def _conflict(error: EditConflict, kind: type[PlannedAssignment] | type[PlannedRound]) -> None:
    current = error.current
    try:
        parsed = kind.model_validate(current) if current is not None else None
    except ValidationError:
        parsed = None
    if isinstance(parsed, PlannedRound):
        raise PlanningConflict(current, planned_round=parsed) from error
    if isinstance(parsed, PlannedAssignment):
        raise PlanningConflict(current, assignment=parsed) from error
    raise PlanningConflict(current) from error


@dataclass(frozen=True)
class Board:
    """Everything the planning screen shows at once."""

    assignments: list[PlannedAssignment]
    rounds: list[PlannedRound]
    venues: list[Venue]
    areas: list[Area]
    #: The teams this supervisor leads (whose work she plans).
    teams: list[Team]


@dataclass(frozen=True)
class Glance:
    """What needs the supervisor's attention, counted."""

    overdue: int = 0
    unassigned: int = 0
    planned: int = 0
    started: int = 0
    done: int = 0
    cancelled: int = 0
    overdue_ids: list[str] = field(default_factory=list)
    unassigned_ids: list[str] = field(default_factory=list)


def is_unassigned(planned: PlannedAssignment) -> bool:
    """Planned for a whole team and not yet taken by anyone, still to be done."""
    return planned.assignment.assignee is None and planned.state not in CLOSED_STATES


def glance(assignments: Iterable[PlannedAssignment]) -> Glance:
    counts = dict.fromkeys(AssignmentState, 0)
    overdue: list[str] = []
    unassigned: list[str] = []
    for planned in assignments:
        counts[planned.state] += 1
        if planned.state is AssignmentState.OVERDUE:
            overdue.append(planned.assignment.id)
        if is_unassigned(planned):
            unassigned.append(planned.assignment.id)
    return Glance(
        overdue=len(overdue),
        unassigned=len(unassigned),
        planned=counts[AssignmentState.PLANNED],
        started=counts[AssignmentState.STARTED],
        done=counts[AssignmentState.DONE],
        cancelled=counts[AssignmentState.CANCELLED],
        overdue_ids=overdue,
        unassigned_ids=unassigned,
    )


def round_state(planned: PlannedRound, assignments: Iterable[PlannedAssignment]) -> AssignmentState:
    """A door-test round's state from its two visits' assignments, as the glance counts
    them: done when both are, overdue when either is late, started when a visit came in.
    A round the store holds without assignments was run before it was planned: done.

    The rounds list said "planned" for every round not cancelled, while the glance above
    it counted those rounds' assignments as overdue."""
    ids = set(planned.assignments.values())
    states = {p.state for p in assignments if p.assignment.id in ids}
    if planned.cancelled or states == {AssignmentState.CANCELLED}:
        return AssignmentState.CANCELLED
    if not ids:
        # Run before the store planned it (the demo world's history): nothing to be done.
        return AssignmentState.DONE
    if AssignmentState.OVERDUE in states:
        return AssignmentState.OVERDUE
    if states and states <= CLOSED_STATES:
        return AssignmentState.DONE
    if states & {AssignmentState.STARTED, AssignmentState.DONE}:
        # One visit in and the other still to come is a round under way.
        return AssignmentState.STARTED
    return AssignmentState.PLANNED


def rounds_in_order(
    rounds: Iterable[PlannedRound], assignments: Iterable[PlannedAssignment]
) -> list[tuple[PlannedRound, AssignmentState]]:
    """The rounds as the planning lists them, each with its state: those still to run
    first, soonest on top, then those done or cancelled, latest on top. Oldest first, a
    world with two years of history showed its 2025 rounds above the coming ones."""
    listed = list(assignments)
    stated = [(planned, round_state(planned, listed)) for planned in rounds]
    coming = sorted(
        (item for item in stated if item[1] not in CLOSED_STATES), key=lambda i: i[0].round.date
    )
    past = sorted(
        (item for item in stated if item[1] in CLOSED_STATES),
        key=lambda i: i[0].round.date,
        reverse=True,
    )
    return coming + past


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week(
    assignments: Iterable[PlannedAssignment], monday: date, *, with_cancelled: bool = False
) -> list[list[PlannedAssignment]]:
    """The seven days from `monday`, each with the assignments due (or running) that day.

    An assignment with a range (`due` to `due_until`) is on every day of it.
    """
    days: list[list[PlannedAssignment]] = [[] for _ in range(7)]
    for planned in assignments:
        if planned.state is AssignmentState.CANCELLED and not with_cancelled:
            continue
        first = planned.assignment.due
        last = planned.assignment.due_until or first
        for offset in range(7):
            day = monday + timedelta(days=offset)
            if first <= day <= last:
                days[offset].append(planned)
    for day_list in days:
        day_list.sort(key=lambda p: (p.assignment.priority.value != "high", p.assignment.id))
    return days


class Planning:
    """A supervisor's planning on the central store."""

    def __init__(self, line: CentralLine, username: str) -> None:
        self.username = username
        self.client = PlanningClient(line, username)
        self.registers = AdminClient(line, username)

    def board(self) -> Board:
        with translated():
            teams = [t for t in self.registers.teams() if t.supervisor == self.username]
            return Board(
                assignments=self.client.assignments(),
                rounds=self.client.rounds(),
                venues=self.registers.venues(),
                areas=self.registers.areas(),
                teams=teams,
            )

    def assignment(self, assignment_id: str) -> PlannedAssignment:
        with translated():
            return self.client.assignment(assignment_id)

    def save(self, values: dict[str, Any], assignment_id: str | None = None) -> PlannedAssignment:
        """Plan a new assignment, or change `assignment_id` (values carry its `version`)."""
        draft = checked(AssignmentDraft, **values)
        try:
            with translated():
                if assignment_id is None:
                    return self.client.plan(draft)
                return self.client.edit(assignment_id, draft)
        except EditConflict as conflict:
            _conflict(conflict, PlannedAssignment)
            raise

    def cancel(self, assignment_id: str, version: int) -> PlannedAssignment:
        try:
            with translated():
                return self.client.cancel(assignment_id, version)
        except EditConflict as conflict:
            _conflict(conflict, PlannedAssignment)
            raise

    def save_round(self, values: dict[str, Any], round_id: str | None = None) -> PlannedRound:
        """Plan a door-test round (one assignment per tester), or change `round_id`."""
        draft = checked(RoundDraft, **values)
        try:
            with translated():
                if round_id is None:
                    return self.client.plan_round(draft)
                return self.client.edit_round(round_id, draft)
        except EditConflict as conflict:
            _conflict(conflict, PlannedRound)
            raise

    def cancel_round(self, round_id: str, version: int) -> PlannedRound:
        try:
            with translated():
                return self.client.cancel_round(round_id, version)
        except EditConflict as conflict:
            _conflict(conflict, PlannedRound)
            raise
