"""Planning over HTTP: supervisors plan assignments and door-test rounds for their teams.

Every handler hands the principal to `Planning`, which checks the role (403), the scope
(another team's work is 404, planning for another team 403) and the edit version (409
`edit_conflict` with the current state).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from starlette.concurrency import run_in_threadpool

from fieldapp.protocol.models import (
    AssignmentDraft,
    AssignmentList,
    Cancel,
    PlannedAssignment,
    PlannedRound,
    RoundDraft,
    RoundList,
)
from fieldapp.server.deps import PrincipalDep, StoreDep
from fieldapp.server.errors import error_responses

router = APIRouter(prefix="/v1/planning", tags=["planning"])

Slug = Annotated[str, Path(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=64)]

_EDIT = error_responses(
    401, 403, 404, 409, 422, e409="`edit_conflict`: changed since `version`; `current` holds it."
)


@router.get(
    "/assignments",
    summary="The assignments of the teams the supervisor leads, with their derived state",
    responses=error_responses(401, 403),
)
def list_assignments(principal: PrincipalDep, store: StoreDep) -> AssignmentList:
    return AssignmentList(assignments=store.planning.assignments(principal))


@router.post(
    "/assignments",
    status_code=201,
    summary="Plan an assignment for a person or a team the supervisor leads",
    responses=error_responses(401, 403, 409, 422),
)
async def plan_assignment(
    body: AssignmentDraft, principal: PrincipalDep, store: StoreDep
) -> PlannedAssignment:
    return await run_in_threadpool(store.planning.plan_assignment, principal, body)


@router.get(
    "/assignments/{assignment_id}",
    summary="One assignment with its version, state and progress",
    responses=error_responses(401, 403, 404, 422),
)
def get_assignment(
    assignment_id: Slug, principal: PrincipalDep, store: StoreDep
) -> PlannedAssignment:
    return store.planning.assignment(principal, assignment_id)


@router.put(
    "/assignments/{assignment_id}",
    summary="Change or reassign an assignment (send the `version` it is based on)",
    responses=_EDIT,
)
async def edit_assignment(
    assignment_id: Slug, body: AssignmentDraft, principal: PrincipalDep, store: StoreDep
) -> PlannedAssignment:
    return await run_in_threadpool(store.planning.edit_assignment, principal, assignment_id, body)


@router.post(
    "/assignments/{assignment_id}/cancel",
    summary="Cancel an assignment: devices drop it",
    responses=_EDIT,
)
async def cancel_assignment(
    assignment_id: Slug, body: Cancel, principal: PrincipalDep, store: StoreDep
) -> PlannedAssignment:
    return await run_in_threadpool(
        store.planning.cancel_assignment, principal, assignment_id, body.version
    )


@router.get(
    "/rounds",
    summary="The door-test rounds of the teams the supervisor leads",
    responses=error_responses(401, 403),
)
def list_rounds(principal: PrincipalDep, store: StoreDep) -> RoundList:
    return RoundList(rounds=store.planning.rounds(principal))


@router.post(
    "/rounds",
    status_code=201,
    summary="Plan a door-test round: one assignment per tester, linked to the round",
    responses=error_responses(401, 403, 409, 422),
)
async def plan_round(body: RoundDraft, principal: PrincipalDep, store: StoreDep) -> PlannedRound:
    return await run_in_threadpool(store.planning.plan_round, principal, body)


@router.put(
    "/rounds/{round_id}",
    summary="Change a round (send the `version` it is based on); its assignments follow",
    responses=_EDIT,
)
async def edit_round(
    round_id: Slug, body: RoundDraft, principal: PrincipalDep, store: StoreDep
) -> PlannedRound:
    return await run_in_threadpool(store.planning.edit_round, principal, round_id, body)


@router.post(
    "/rounds/{round_id}/cancel",
    summary="Cancel a round and its two assignments",
    responses=_EDIT,
)
async def cancel_round(
    round_id: Slug, body: Cancel, principal: PrincipalDep, store: StoreDep
) -> PlannedRound:
    return await run_in_threadpool(store.planning.cancel_round, principal, round_id, body.version)
