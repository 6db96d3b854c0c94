"""The export's bulk read: a page of the latest versions of one form's inspections."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from fieldapp.protocol.reports import MAX_EXPORT_PAGE, ExportPage
from fieldapp.server.deps import PrincipalDep, StoreDep
from fieldapp.server.errors import error_responses

router = APIRouter()


@router.get(
    "/v1/export",
    tags=["reports"],
    summary="The latest version of every inspection of one form you may read, a page at a time",
    description=(
        "For `fieldapp export --server`: the inspections of `form_id` you may read "
        "(supervisors: the teams they supervise; boa's and mystery guests: their own; "
        "admins: 403), with activity at or after `since`, ordered by inspection id, at most "
        f"{MAX_EXPORT_PAGE} a page, each with its status and its author's public name. "
        "Pass `next_after` as `after` for the next page."
    ),
    responses=error_responses(400, 401, 403, 422),
)
def export_page(
    principal: PrincipalDep,
    store: StoreDep,
    form_id: Annotated[str, Query(min_length=1, max_length=64)],
    since: Annotated[datetime | None, Query(description="last activity at or after")] = None,
    after: Annotated[str | None, Query(max_length=32, description="the last id of a page")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_EXPORT_PAGE)] = MAX_EXPORT_PAGE,
) -> ExportPage:
    return store.exports.page(principal, form_id, since=since, after=after, limit=limit)
