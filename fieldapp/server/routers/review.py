"""The supervisor's side: the inbox, one inspection with its history, return and approve."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from fieldapp.core.inspection import InspectionStatus
from fieldapp.protocol.models import (
    ApproveRequest,
    ConflictList,
    InspectionDetail,
    InspectionList,
    ReturnRequest,
    ReviewEvent,
)
from fieldapp.server.deps import PrincipalDep, StoreDep, Uuid
from fieldapp.server.errors import error_responses

router = APIRouter()


@router.get(
    "/v1/inspections",
    tags=["review"],
    summary="Inspections you may read, newest activity first",
    description=(
        "Supervisors: the work of the teams they supervise. Boa's and mystery guests: "
        "their own. Admins: 403 (accounts, not reports)."
    ),
    responses=error_responses(400, 401, 403, 422),
)
def list_inspections(
    principal: PrincipalDep,
    store: StoreDep,
    status: InspectionStatus | None = None,
    form_id: Annotated[str | None, Query(max_length=64)] = None,
    after: Annotated[str | None, Query(max_length=120)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    venue_id: Annotated[str | None, Query(max_length=128)] = None,
    area_id: Annotated[str | None, Query(max_length=128)] = None,
    author: Annotated[str | None, Query(max_length=64)] = None,
    since: Annotated[datetime | None, Query(description="last activity at or after")] = None,
    until: Annotated[datetime | None, Query(description="last activity before")] = None,
) -> InspectionList:
    return store.queries.inbox(
        principal,
        status=status,
        form_id=form_id,
        after=after,
        limit=limit,
        venue_id=venue_id,
        area_id=area_id,
        author=author,
        since=since,
        until=until,
    )


@router.get(
    "/v1/conflicts",
    tags=["review"],
    summary="Versions refused for a stale base and held for a person, newest first",
    description=(
        "Supervisors: those of the people in the teams they supervise. Administrators: "
        "all. Others: 403."
    ),
    responses=error_responses(400, 401, 403, 422),
)
def list_conflicts(
    principal: PrincipalDep,
    store: StoreDep,
    after: Annotated[str | None, Query(max_length=120)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> ConflictList:
    return store.queries.conflicts(principal, after=after, limit=limit)


@router.get(
    "/v1/inspections/{inspection_id}",
    tags=["review"],
    summary="An inspection with all its versions and reviews",
    responses=error_responses(401, 403, 404, 422),
)
def get_inspection(
    inspection_id: Uuid, principal: PrincipalDep, store: StoreDep
) -> InspectionDetail:
    return store.queries.detail(principal, inspection_id)


_REVIEW_ERRORS = error_responses(
    400,
    401,
    403,
    404,
    409,
    413,
    422,
    e403="Only supervisors review.",
    e404="Not an inspection of a team you supervise.",
    e409="`stale_version`: a newer version arrived (`head`); `inspection_closed`; "
    "`version_incomplete` (approve needs every attachment); `review_conflict`: the "
    "event id was used for another request.",
)


@router.post(
    "/v1/inspections/{inspection_id}/return",
    tags=["review"],
    summary="Return the head version to its author with per-question comments",
    description="Idempotent by `event_id`. The author's devices receive the event.",
    responses=_REVIEW_ERRORS,
)
def return_inspection(
    inspection_id: Uuid, body: ReturnRequest, principal: PrincipalDep, store: StoreDep
) -> ReviewEvent:
    return store.reviews.review(principal, inspection_id, body, store.config.clock())


@router.post(
    "/v1/inspections/{inspection_id}/approve",
    tags=["review"],
    summary="Approve the head version (it must be complete)",
    description="Idempotent by `event_id`. The author's devices receive the event.",
    responses=_REVIEW_ERRORS,
)
def approve_inspection(
    inspection_id: Uuid, body: ApproveRequest, principal: PrincipalDep, store: StoreDep
) -> ReviewEvent:
    return store.reviews.review(principal, inspection_id, body, store.config.clock())
