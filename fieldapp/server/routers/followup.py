"""Follow-up over HTTP: the venue file, the ladder's proposals and decisions, actions.

Every handler hands the principal to `FollowUp`, which checks the role (403), the scope
(another team's measure, action or venue is 404) and the edit version (409 with the
current state).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from starlette.concurrency import run_in_threadpool

from fieldapp.core.followup import Action, Measure, MeasureState, VenueFile
from fieldapp.core.sanctions import SanctionPolicy
from fieldapp.protocol.models import (
    ActionDraft,
    ActionList,
    ActionUpdate,
    DecisionRequest,
    MeasureList,
)
from fieldapp.server.deps import PrincipalDep, StoreDep
from fieldapp.server.errors import error_responses

router = APIRouter(prefix="/v1/followup", tags=["follow-up"])

Slug = Annotated[str, Path(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=64)]
Hex = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$")]
VenueQuery = Annotated[str | None, Query(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=64)]


@router.get(
    "/venues/{venue_id}/file",
    summary="The venue file: every visit, door-test round, measure and action, all time",
    description=(
        "Supervisors, for venues in the areas of their teams or visited by their teams; "
        "what their teams did there. Repetitions are counted within each ladder's period."
    ),
    responses=error_responses(401, 403, 404, 422),
)
def venue_file(venue_id: Slug, principal: PrincipalDep, store: StoreDep) -> VenueFile:
    return store.followup.venue_file(principal, venue_id)


@router.get(
    "/policy",
    summary="The sanction policy in force, or the version a proposal names",
    responses=error_responses(401, 403, 404, 422),
)
def read_policy(
    principal: PrincipalDep,
    store: StoreDep,
    policy_id: Annotated[str | None, Query(max_length=64)] = None,
    version: Annotated[str | None, Query(max_length=32)] = None,
) -> SanctionPolicy:
    return store.followup.read_policy(principal, policy_id, version)


@router.get(
    "/measures",
    summary="Measures the sanction ladder proposed for your teams' approved findings",
    responses=error_responses(401, 403, 422),
)
def list_measures(
    principal: PrincipalDep,
    store: StoreDep,
    state: MeasureState | None = None,
    venue_id: VenueQuery = None,
) -> MeasureList:
    return MeasureList(measures=store.followup.measures(principal, state=state, venue_id=venue_id))


@router.post(
    "/measures/{measure_id}/decide",
    summary="Confirm the proposed step, take another with a reason, or decide on no measure",
    responses=error_responses(
        401, 403, 404, 409, 422, e409="`edit_conflict`: decided already; `current` holds it."
    ),
)
async def decide(
    measure_id: Hex, body: DecisionRequest, principal: PrincipalDep, store: StoreDep
) -> Measure:
    return await run_in_threadpool(store.followup.decide, principal, measure_id, body)


@router.get(
    "/actions",
    summary="Follow-up actions: a supervisor's teams', or those assigned to you",
    responses=error_responses(401, 403, 422),
)
def list_actions(
    principal: PrincipalDep,
    store: StoreDep,
    open_only: bool = False,
    venue_id: VenueQuery = None,
) -> ActionList:
    return ActionList(
        actions=store.followup.actions(principal, open_only=open_only, venue_id=venue_id)
    )


@router.post(
    "/actions",
    status_code=201,
    summary="Add an action (a re-inspection with an assignee plans an assignment)",
    responses=error_responses(401, 403, 409, 422),
)
async def create_action(body: ActionDraft, principal: PrincipalDep, store: StoreDep) -> Action:
    return await run_in_threadpool(store.followup.create_action, principal, body)


@router.get(
    "/actions/{action_id}",
    summary="One action with its log",
    responses=error_responses(401, 403, 404, 422),
)
def get_action(action_id: Hex, principal: PrincipalDep, store: StoreDep) -> Action:
    return store.followup.action(principal, action_id)


@router.post(
    "/actions/{action_id}/events",
    summary="Add to an action's log: a note, a state, the operator's response, due, owner",
    responses=error_responses(
        401, 403, 404, 409, 422, e409="`edit_conflict`: changed since `version`."
    ),
)
async def update_action(
    action_id: Hex, body: ActionUpdate, principal: PrincipalDep, store: StoreDep
) -> Action:
    return await run_in_threadpool(store.followup.update_action, principal, action_id, body)
