"""Planning by supervisors: assignments and door-test rounds for the teams they lead.

An assignment or round lives in `reference` (what devices pull) with its planning data in
`plans`: the team whose supervisors plan it, an edit `version` for optimistic concurrency
(a stale edit is a 409 with the current state), and who planned it. An assignment's state
is derived from the inspections devices pushed for it. A round makes one assignment per
tester, linked to it; each tester's device receives the round with the other tester
hidden, the team's supervisors (audience `lead:<team>`) the whole round.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.engine import Connection

from fieldapp.core.entities import (
    FORM_ROLES,
    FORM_VENUE_KINDS,
    Assignment,
    AssignmentForm,
    DoorTestRound,
    GroupRole,
    Role,
    Team,
    Venue,
    round_assignment_id,
)
from fieldapp.core.inspection import InspectionStatus
from fieldapp.protocol.models import (
    HIDDEN_TESTER,
    AssignmentDraft,
    AssignmentState,
    ErrorCode,
    PlannedAssignment,
    PlannedRound,
    RoundDraft,
)
from fieldapp.server import feed, schema
from fieldapp.server.accounts import Principal
from fieldapp.server.administration import audit
from fieldapp.server.database import CentralDatabase
from fieldapp.server.errors import ApiError, forbidden, not_found

_DONE = {InspectionStatus.SENT.value, InspectionStatus.APPROVED.value}


def _invalid(problems: list[str]) -> ApiError:
    return ApiError(
        422,
        ErrorCode.INVALID,
        "De planning klopt niet: " + "; ".join(problems),
        "The plan is not right: " + "; ".join(problems),
        problems=problems,
    )


def _stale(current: dict[str, Any]) -> ApiError:
    return ApiError(
        409,
        ErrorCode.EDIT_CONFLICT,
        "Iemand anders heeft dit intussen gewijzigd; bekijk de huidige stand en pas uw "
        "wijziging daarop aan (uw tekst blijft bewaard).",
        "Someone else changed this in the meantime; look at the current state and apply "
        "your change to it (your text is kept).",
        current=current,
    )


def require_supervisor(principal: Principal) -> None:
    if principal.role is not Role.SUPERVISOR:
        raise forbidden(
            f"Only a supervisor plans work, not a {principal.role.value}.",
            f"Alleen een supervisor plant werk, geen {principal.role.value}.",
        )


class Planning:
    """Assignments and door-test rounds as the supervisors of a team plan them."""

    def __init__(self, database: CentralDatabase, clock: Callable[[], datetime]) -> None:
        self.database = database
        self.clock = clock

    # --- assignments --------------------------------------------------------------------

    def assignments(self, principal: Principal) -> list[PlannedAssignment]:
        require_supervisor(principal)
        with self.database.read() as connection:
            found = [
                self._planned(connection, assignment, meta)
                for assignment, meta in self._all_assignments(connection)
                if meta["team"] in principal.supervises
            ]
        return sorted(found, key=lambda p: (p.assignment.due, p.assignment.id))

    def assignment(self, principal: Principal, assignment_id: str) -> PlannedAssignment:
        require_supervisor(principal)
        with self.database.read() as connection:
            assignment, meta = self._visible_assignment(connection, principal, assignment_id)
            return self._planned(connection, assignment, meta)

    def plan_assignment(self, principal: Principal, draft: AssignmentDraft) -> PlannedAssignment:
        require_supervisor(principal)
        if draft.form_id is AssignmentForm.DOOR_TEST:
            raise _invalid(["form_id: a door test is planned as a round (/v1/planning/rounds)"])
        assignment_id = draft.id or _new_id("a")
        assignment = _assignment(draft, assignment_id)
        with self.database.write() as connection:
            return self.plan_in(connection, principal, assignment, self.clock())

    def plan_in(
        self, connection: Connection, principal: Principal, assignment: Assignment, now: datetime
    ) -> PlannedAssignment:
        """Plan `assignment` inside the caller's transaction (a re-inspection action plans
        its assignment in the same transaction as the action)."""
        # Scope first: another team's supervisor learns nothing about existing ids.
        team = self._check_assignment(connection, principal, assignment)
        assignment_id = assignment.id
        if self._reference(connection, "assignment", assignment_id) is not None:
            raise ApiError(
                409,
                ErrorCode.ADMIN_CONFLICT,
                f"De opdracht {assignment_id} bestaat al.",
                f"The assignment {assignment_id} exists.",
            )
        self._put(connection, "assignment", assignment_id, assignment.model_dump_json(), False)
        self._new_plan(connection, principal, "assignment", assignment_id, team, now)
        audit(
            connection,
            now,
            principal.username,
            "assignment.plan",
            assignment_id,
            None,
            assignment.model_dump(mode="json"),
        )
        feed.append(connection, [feed.assignment_change(assignment)], now)
        return self._planned(connection, assignment, self._meta(connection, assignment))

    def edit_assignment(
        self, principal: Principal, assignment_id: str, draft: AssignmentDraft
    ) -> PlannedAssignment:
        """Replace the plan (reassign, move the date, change the instructions)."""
        require_supervisor(principal)
        if draft.version is None:
            raise _invalid(["version: send the version the edit is based on"])
        now = self.clock()
        with self.database.write() as connection:
            before, meta = self._visible_assignment(connection, principal, assignment_id)
            self._check_version(connection, before, meta, draft.version)
            if meta["cancelled"]:
                raise _invalid(["the assignment is cancelled"])
            if before.paired_test is not None:
                raise _invalid(["a door-test assignment changes with its round"])
            if draft.form_id is AssignmentForm.DOOR_TEST:
                raise _invalid(["form_id: a door test is planned as a round"])
            after = _assignment(draft, assignment_id)
            team = self._check_assignment(connection, principal, after)
            self._put(connection, "assignment", assignment_id, after.model_dump_json(), False)
            self._bump(connection, principal, "assignment", assignment_id, team, now, meta)
            audit(
                connection,
                now,
                principal.username,
                "assignment.edit",
                assignment_id,
                before.model_dump(mode="json"),
                after.model_dump(mode="json"),
            )
            changes = _moved(before, after)
            feed.append(connection, changes, now)
            return self._planned(connection, after, self._meta(connection, after))

    def cancel_assignment(
        self, principal: Principal, assignment_id: str, version: int
    ) -> PlannedAssignment:
        require_supervisor(principal)
        now = self.clock()
        with self.database.write() as connection:
            assignment, meta = self._visible_assignment(connection, principal, assignment_id)
            self._check_version(connection, assignment, meta, version)
            if assignment.paired_test is not None:
                raise _invalid(["a door-test assignment is cancelled with its round"])
            if not meta["cancelled"]:
                self._cancel(connection, principal, "assignment", assignment, meta, now)
                feed.append(connection, [feed.assignment_change(assignment, removed=True)], now)
            return self._planned(connection, assignment, self._meta(connection, assignment))

    # --- door-test rounds ----------------------------------------------------------------

    def rounds(self, principal: Principal) -> list[PlannedRound]:
        require_supervisor(principal)
        with self.database.read() as connection:
            rows = connection.execute(
                sa.select(schema.reference.c.payload).where(schema.reference.c.kind == "round")
            ).scalars()
            found = []
            # Every round's assignments in one read, not a query per round.
            halves = self._round_halves(connection)
            for payload in rows:
                planned = DoorTestRound.model_validate_json(payload)
                meta = self._meta_of(connection, "round", planned.id)
                if meta is not None and meta["team"] in principal.supervises:
                    found.append(_planned_round(planned, meta, halves.get(planned.id, {})))
        return sorted(found, key=lambda r: (r.round.date, r.round.id))

    def plan_round(self, principal: Principal, draft: RoundDraft) -> PlannedRound:
        require_supervisor(principal)
        round_id = draft.id or _new_id("dt")
        planned = _round(draft, round_id)
        now = self.clock()
        with self.database.write() as connection:
            team = self._check_round(connection, principal, planned)
            if self._reference(connection, "round", round_id) is not None:
                raise ApiError(
                    409,
                    ErrorCode.ADMIN_CONFLICT,
                    f"De ronde {round_id} bestaat al.",
                    f"The round {round_id} exists.",
                )
            self._put(connection, "round", round_id, planned.model_dump_json(), False)
            self._new_plan(connection, principal, "round", round_id, team, now)
            changes: list[feed.NewChange] = []
            for role in GroupRole:
                assignment = _round_assignment(planned, role, draft)
                self._put(
                    connection, "assignment", assignment.id, assignment.model_dump_json(), False
                )
                self._new_plan(connection, principal, "assignment", assignment.id, team, now)
                changes.append(feed.assignment_change(assignment))
            audit(
                connection,
                now,
                principal.username,
                "round.plan",
                round_id,
                None,
                planned.model_dump(mode="json"),
            )
            changes.extend(round_changes(planned, team))
            feed.append(connection, changes, now)
            return _planned_round(
                planned,
                self._meta_of(connection, "round", round_id),
                self._halves(connection, round_id),
            )

    def edit_round(self, principal: Principal, round_id: str, draft: RoundDraft) -> PlannedRound:
        require_supervisor(principal)
        if draft.version is None:
            raise _invalid(["version: send the version the edit is based on"])
        now = self.clock()
        with self.database.write() as connection:
            before, meta = self._visible_round(connection, principal, round_id)
            halves = self._halves(connection, round_id)
            _refuse_history(before, halves)
            if meta["version"] != draft.version:
                raise _stale(_planned_round(before, meta, halves).model_dump(mode="json"))
            if meta["cancelled"]:
                raise _invalid(["the round is cancelled"])
            after = _round(draft, round_id)
            team = self._check_round(connection, principal, after)
            self._put(connection, "round", round_id, after.model_dump_json(), False)
            self._bump(connection, principal, "round", round_id, team, now, meta)
            changes: list[feed.NewChange] = []
            for role in GroupRole:
                old = _as_half(_round_assignment(before, role, None), halves, role)
                new = _as_half(_round_assignment(after, role, draft), halves, role)
                self._put(connection, "assignment", new.id, new.model_dump_json(), False)
                changes.extend(_moved(old, new))
            if (
                before.test_tester != after.test_tester
                or before.control_tester != after.control_tester
            ):
                # A tester taken off the round loses it from her device.
                gone = {before.test_tester, before.control_tester} - {
                    after.test_tester,
                    after.control_tester,
                }
                changes.extend(
                    c
                    for c in round_changes(before, team, removed=True)
                    if c.audience in {f"user:{u}" for u in gone}
                )
            changes.extend(round_changes(after, team))
            audit(
                connection,
                now,
                principal.username,
                "round.edit",
                round_id,
                before.model_dump(mode="json"),
                after.model_dump(mode="json"),
            )
            feed.append(connection, changes, now)
            return _planned_round(
                after,
                self._meta_of(connection, "round", round_id),
                self._halves(connection, round_id),
            )

    def cancel_round(self, principal: Principal, round_id: str, version: int) -> PlannedRound:
        require_supervisor(principal)
        now = self.clock()
        with self.database.write() as connection:
            planned, meta = self._visible_round(connection, principal, round_id)
            halves = self._halves(connection, round_id)
            _refuse_history(planned, halves)
            if meta["version"] != version:
                raise _stale(_planned_round(planned, meta, halves).model_dump(mode="json"))
            if not meta["cancelled"]:
                self._cancel(connection, principal, "round", planned, meta, now)
                changes = round_changes(planned, meta["team"], removed=True)
                for role in GroupRole:
                    assignment = _as_half(_round_assignment(planned, role, None), halves, role)
                    self._put(
                        connection, "assignment", assignment.id, assignment.model_dump_json(), True
                    )
                    changes.append(feed.assignment_change(assignment, removed=True))
                feed.append(connection, changes, now)
            return _planned_round(
                planned,
                self._meta_of(connection, "round", round_id),
                self._halves(connection, round_id),
            )

    # --- checks -------------------------------------------------------------------------

    def _check_assignment(
        self, connection: Connection, principal: Principal, assignment: Assignment
    ) -> str:
        """The team that plans the assignment, after checking everything it names."""
        problems: list[str] = []
        covered: str | None = assignment.area
        if assignment.venue is not None:
            venue = self._venue(connection, assignment.venue)
            if venue is None:
                problems.append(f"venue: '{assignment.venue}' is not a venue")
            else:
                covered = venue.area
                if not venue.active:
                    problems.append(f"venue: '{venue.id}' is closed")
                if venue.kind not in FORM_VENUE_KINDS.get(assignment.form_id, frozenset()):
                    problems.append(f"venue: a {assignment.form_id} does not visit a {venue.kind}")
        if (
            assignment.area is not None
            and self._reference(connection, "area", assignment.area) is None
        ):
            problems.append(f"area: '{assignment.area}' is not an area")
        team: str | None = assignment.team
        if assignment.assignee is not None:
            user = self._user(connection, assignment.assignee)
            if user is None or not user["active"]:
                problems.append(f"assignee: '{assignment.assignee}' is not an active user")
            else:
                team = user["team"]
                if user["role"] != FORM_ROLES[assignment.form_id].value:
                    problems.append(
                        f"assignee: a {assignment.form_id} is filled in by a "
                        f"{FORM_ROLES[assignment.form_id].value}, not a {user['role']}"
                    )
        if problems:
            raise _invalid(problems)
        if team is None or team not in principal.supervises:
            raise forbidden(
                "You plan only for the teams you supervise.",
                "U plant alleen voor de teams die u leidt.",
            )
        if assignment.team is not None:
            payload = connection.execute(
                sa.select(schema.teams.c.payload).where(schema.teams.c.team_id == team)
            ).scalar_one()
            areas = Team.model_validate_json(payload).areas
            if covered is not None and covered not in areas:
                raise _invalid([f"team: '{covered}' is not one of the areas of '{team}'"])
        return team

    def _check_round(
        self, connection: Connection, principal: Principal, planned: DoorTestRound
    ) -> str:
        problems: list[str] = []
        teams: set[str] = set()
        for role in GroupRole:
            username = planned.tester_of(role)
            user = self._user(connection, username)
            if user is None or not user["active"]:
                problems.append(f"{role}_tester: '{username}' is not an active user")
            elif user["role"] != Role.MYSTERY_GUEST.value:
                problems.append(f"{role}_tester: '{username}' is not a mystery guest")
            else:
                teams.add(user["team"])
        if problems:
            raise _invalid(problems)
        if len(teams) != 1 or not teams <= principal.supervises:
            raise forbidden(
                "Both testers must be mystery guests of one team you supervise.",
                "Beide testers moeten mystery guests zijn van één team dat u leidt.",
            )
        venue = self._venue(connection, planned.venue)
        if venue is None:
            problems.append(f"venue: '{planned.venue}' is not a venue")
        elif venue.kind not in FORM_VENUE_KINDS[AssignmentForm.DOOR_TEST]:
            problems.append(f"venue: a door test visits a bar or club, not a {venue.kind}")
        elif not venue.active:
            problems.append(f"venue: '{venue.id}' is closed")
        if problems:
            raise _invalid(problems)
        return teams.pop()

    def _check_version(
        self, connection: Connection, assignment: Assignment, meta: dict[str, Any], version: int
    ) -> None:
        if meta["version"] != version:
            raise _stale(self._planned(connection, assignment, meta).model_dump(mode="json"))

    # --- reading ------------------------------------------------------------------------

    def _all_assignments(
        self, connection: Connection
    ) -> Iterable[tuple[Assignment, dict[str, Any]]]:
        rows = connection.execute(
            sa.select(schema.reference.c.payload, schema.reference.c.removed).where(
                schema.reference.c.kind == "assignment"
            )
        ).all()
        for payload, removed in rows:
            assignment = Assignment.model_validate_json(payload)
            meta = self._meta(connection, assignment)
            # A round's assignments are withdrawn with the round: cancelled too.
            yield assignment, {**meta, "cancelled": meta["cancelled"] or bool(removed)}

    def _visible_assignment(
        self, connection: Connection, principal: Principal, assignment_id: str
    ) -> tuple[Assignment, dict[str, Any]]:
        payload = self._reference(connection, "assignment", assignment_id)
        if payload is not None:
            assignment = Assignment.model_validate_json(payload)
            meta = self._meta(connection, assignment)
            if meta["team"] in principal.supervises:
                return assignment, meta
        raise not_found("assignment", "De opdracht")

    def _visible_round(
        self, connection: Connection, principal: Principal, round_id: str
    ) -> tuple[DoorTestRound, dict[str, Any]]:
        payload = self._reference(connection, "round", round_id)
        meta = self._meta_of(connection, "round", round_id)
        if payload is None or meta is None or meta["team"] not in principal.supervises:
            raise not_found("door-test round", "De deurtestronde")
        return DoorTestRound.model_validate_json(payload), meta

    def _meta(self, connection: Connection, assignment: Assignment) -> dict[str, Any]:
        """The plan row; an assignment from the demo world or an import has none yet:
        version 1, planned by the team it is for (or its assignee's team)."""
        meta = self._meta_of(connection, "assignment", assignment.id)
        if meta is not None:
            return meta
        team = assignment.team
        if team is None and assignment.assignee is not None:
            user = self._user(connection, assignment.assignee)
            team = user["team"] if user is not None else None
        return {"team": team or "", "version": 1, "cancelled": False, "exists": False}

    def _meta_of(self, connection: Connection, kind: str, key: str) -> dict[str, Any] | None:
        row = (
            connection.execute(
                sa.select(schema.plans).where(
                    schema.plans.c.kind == kind, schema.plans.c.key == key
                )
            )
            .mappings()
            .first()
        )
        if row is None:
            return None
        return {
            "team": row["team"],
            "version": row["version"],
            "cancelled": bool(row["cancelled"]),
            "exists": True,
        }

    def _planned(
        self, connection: Connection, assignment: Assignment, meta: dict[str, Any]
    ) -> PlannedAssignment:
        statuses = (
            connection.execute(
                sa.select(schema.inspections.c.status).where(
                    schema.inspections.c.assignment_id == assignment.id
                )
            )
            .scalars()
            .all()
        )
        return PlannedAssignment(
            assignment=assignment,
            version=meta["version"],
            team=meta["team"],
            state=_state(assignment, statuses, meta["cancelled"], self.clock().date()),
            inspections=len(statuses),
            round=assignment.paired_test,
        )

    def _halves(self, connection: Connection, round_id: str) -> dict[str, str]:
        """The assignment of each group of one round, by group ("test", "control")."""
        return self._round_halves(connection, round_id).get(round_id, {})

    def _round_halves(
        self, connection: Connection, round_id: str | None = None
    ) -> dict[str, dict[str, str]]:
        """Each round's assignment per group, by round (only `round_id`'s when given).

        Those planning made (`round_assignment_id`) and those the world's plan named with
        ids of its own (a-2026-006); where a round has both, from before a change wrote
        planning's next to the world's, planning's, which has the change. A round run
        before the store planned it (the demo world's history) has none."""
        named = f'"paired_test":"{round_id}"' if round_id else '"paired_test":"'
        payloads = connection.execute(
            sa.select(schema.reference.c.payload)
            .where(schema.reference.c.kind == "assignment")
            .where(schema.reference.c.payload.contains(named, autoescape=True))
        ).scalars()
        found: dict[str, dict[str, str]] = {}
        for payload in payloads:
            assignment = Assignment.model_validate_json(payload)
            paired, role = assignment.paired_test, assignment.group_role
            if paired is None or role is None or round_id not in (None, paired):
                continue
            halves = found.setdefault(paired, {})
            if role.value not in halves or assignment.id == round_assignment_id(paired, role):
                halves[role.value] = assignment.id
        return found

    def _reference(self, connection: Connection, kind: str, key: str) -> str | None:
        payload = connection.execute(
            sa.select(schema.reference.c.payload)
            .where(schema.reference.c.kind == kind)
            .where(schema.reference.c.key == key)
        ).scalar_one_or_none()
        return None if payload is None else str(payload)

    def _venue(self, connection: Connection, venue_id: str) -> Venue | None:
        payload = self._reference(connection, "venue", venue_id)
        return None if payload is None else Venue.model_validate_json(payload)

    def _user(self, connection: Connection, username: str) -> dict[str, Any] | None:
        row = connection.execute(
            sa.select(schema.users.c.role, schema.users.c.team, schema.users.c.active).where(
                schema.users.c.username == username
            )
        ).first()
        return None if row is None else {"role": row.role, "team": row.team, "active": row.active}

    # --- writing ------------------------------------------------------------------------

    def _put(
        self, connection: Connection, kind: str, key: str, payload: str, removed: bool
    ) -> None:
        now = self.clock()
        exists = self._reference(connection, kind, key) is not None
        if exists:
            connection.execute(
                schema.reference.update()
                .where(schema.reference.c.kind == kind, schema.reference.c.key == key)
                .values(payload=payload, removed=removed, updated_at=now)
            )
        else:
            connection.execute(
                schema.reference.insert().values(
                    kind=kind, key=key, payload=payload, removed=removed, updated_at=now
                )
            )

    def _new_plan(
        self,
        connection: Connection,
        principal: Principal,
        kind: str,
        key: str,
        team: str,
        now: datetime,
    ) -> None:
        insert_plan(connection, kind, key, team, principal.username, now)

    def _bump(
        self,
        connection: Connection,
        principal: Principal,
        kind: str,
        key: str,
        team: str,
        now: datetime,
        meta: dict[str, Any],
        cancelled: bool = False,
    ) -> None:
        """The next version; the WHERE on the old one makes a concurrent edit lose."""
        if not meta["exists"]:
            insert_plan(
                connection,
                kind,
                key,
                team,
                principal.username,
                now,
                version=meta["version"] + 1,
                cancelled=cancelled,
            )
            return
        done = connection.execute(
            schema.plans.update()
            .where(
                schema.plans.c.kind == kind,
                schema.plans.c.key == key,
                schema.plans.c.version == meta["version"],
            )
            .values(
                team=team,
                version=meta["version"] + 1,
                cancelled=cancelled,
                updated_by=principal.username,
                updated_at=now,
            )
        )
        if done.rowcount != 1:
            raise _stale({"version": meta["version"]})

    def _cancel(
        self,
        connection: Connection,
        principal: Principal,
        kind: str,
        item: Any,
        meta: dict[str, Any],
        now: datetime,
    ) -> None:
        self._bump(connection, principal, kind, item.id, meta["team"], now, meta, cancelled=True)
        connection.execute(
            schema.reference.update()
            .where(schema.reference.c.kind == kind, schema.reference.c.key == item.id)
            .values(removed=True, updated_at=now)
        )
        audit(connection, now, principal.username, f"{kind}.cancel", item.id)


def _new_id(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(6)}"


def _assignment(draft: AssignmentDraft, assignment_id: str) -> Assignment:
    values = draft.model_dump(exclude={"id", "version"}, exclude_none=True)
    try:
        return Assignment.model_validate({**values, "id": assignment_id})
    except ValidationError as error:
        raise _invalid([_describe(e) for e in error.errors()]) from None


def _round(draft: RoundDraft, round_id: str) -> DoorTestRound:
    values = draft.model_dump(exclude={"id", "version"}, exclude_none=True)
    try:
        return DoorTestRound.model_validate({**values, "id": round_id})
    except ValidationError as error:
        raise _invalid([_describe(e) for e in error.errors()]) from None


def _describe(error: Any) -> str:
    field = ".".join(str(part) for part in error["loc"])
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{field}: {message}" if field else message


def _round_assignment(
    planned: DoorTestRound, role: GroupRole, draft: RoundDraft | None
) -> Assignment:
    note = None if draft is None or draft.note is None else dict(draft.note.items())
    return planned.assignment_for(role, {str(k): v for k, v in (note or {}).items()} or None)


def _planned_round(
    planned: DoorTestRound, meta: dict[str, Any] | None, halves: dict[str, str]
) -> PlannedRound:
    """The round as planning shows it, with the assignments the store holds (`halves`)."""
    assert meta is not None
    return PlannedRound(
        round=planned,
        version=meta["version"],
        team=meta["team"],
        cancelled=meta["cancelled"],
        assignments=halves,
    )


def _refuse_history(planned: DoorTestRound, halves: dict[str, str]) -> None:
    """A round the store holds without assignments was run before it was planned here
    (the demo world's history): nothing of it is to be done, so nothing to change."""
    if not halves:
        raise ApiError(
            409,
            ErrorCode.ADMIN_CONFLICT,
            f"De ronde {planned.id} is gehouden voordat ze hier gepland werd; er is niets "
            "aan te wijzigen of te annuleren.",
            f"The round {planned.id} was run before it was planned here; there is nothing "
            "to change or cancel.",
        )


def _as_half(assignment: Assignment, halves: dict[str, str], role: GroupRole) -> Assignment:
    """A round's assignment for a group under the id the store holds it by: the world's
    plan names the halves of its rounds with ids of its own (a-2026-006), and a change
    written under the id planning makes (pt-2026-02-test) gave the tester a second one."""
    held = halves.get(role.value)
    if held is None or held == assignment.id:
        return assignment
    return assignment.model_copy(update={"id": held})


def insert_plan(
    connection: Connection,
    kind: str,
    key: str,
    team: str,
    actor: str,
    now: datetime,
    *,
    version: int = 1,
    cancelled: bool = False,
) -> None:
    """The `plans` row of an assignment or round first planned (or first versioned) now."""
    connection.execute(
        schema.plans.insert().values(
            kind=kind,
            key=key,
            team=team,
            version=version,
            cancelled=cancelled,
            created_by=actor,
            created_at=now,
            updated_by=actor,
            updated_at=now,
        )
    )


def round_changes(planned: DoorTestRound, team: str, removed: bool = False) -> list[feed.NewChange]:
    """The whole round for the team's supervisors; each tester's own copy hides the other."""
    whole = {"kind": "round", "removed": removed, "round": planned.model_dump(mode="json")}
    changes = [feed.NewChange("round", planned.id, f"lead:{team}", whole)]
    for role in GroupRole:
        other = "control_tester" if role is GroupRole.TEST else "test_tester"
        own = planned.model_copy(update={other: HIDDEN_TESTER})
        body = {"kind": "round", "removed": removed, "round": own.model_dump(mode="json")}
        changes.append(feed.NewChange("round", planned.id, f"user:{planned.tester_of(role)}", body))
    return changes


def _moved(before: Assignment, after: Assignment) -> list[feed.NewChange]:
    """The feed changes of an edit: withdrawn where it no longer goes, sent where it does."""
    old = feed.assignment_change(before, removed=True)
    new = feed.assignment_change(after)
    return [new] if old.audience == new.audience else [old, new]


def _state(
    assignment: Assignment, statuses: Iterable[str], cancelled: bool, today: date
) -> AssignmentState:
    if cancelled:
        return AssignmentState.CANCELLED
    found = set(statuses)
    if found & _DONE:
        return AssignmentState.DONE
    if (assignment.due_until or assignment.due) < today:
        return AssignmentState.OVERDUE
    if found:
        return AssignmentState.STARTED
    return AssignmentState.PLANNED
