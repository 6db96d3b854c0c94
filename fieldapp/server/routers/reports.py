"""Reports computed on the central store: the period summary, one door-test round's visits."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query

from fieldapp.protocol.reports import MAX_SUMMARY_AREAS, MAX_SUMMARY_DAYS, RoundVisits, SummaryBody
from fieldapp.server.deps import PrincipalDep, StoreDep
from fieldapp.server.errors import error_responses

router = APIRouter()

#: A round's test id as people type it: letters, digits and a few separators.
TestId = Annotated[
    str,
    Path(
        min_length=1,
        max_length=128,
        pattern=r"^[\w.-]+$",
        description="the round's test id (compared without regard to case)",
    ),
]


@router.get(
    "/v1/reports/summary",
    tags=["reports"],
    summary="The period summary's numbers, counted on the server",
    description=(
        "Over the inspections you may read (supervisors: the teams they supervise; boa's "
        "and mystery guests: their own; admins: 403) whose visit began between `from` and "
        f"`to` (both included, at most {MAX_SUMMARY_DAYS} days), in the named areas (an "
        f"inspection without an area by its venue's; at most {MAX_SUMMARY_AREAS}). "
        "429 when the server is counting other summaries already."
    ),
    responses=error_responses(401, 403, 422, 429),
)
def period_summary(
    principal: PrincipalDep,
    store: StoreDep,
    start: Annotated[date, Query(alias="from", description="first day, YYYY-MM-DD")],
    end: Annotated[date, Query(alias="to", description="last day, YYYY-MM-DD")],
    area: Annotated[list[str], Query(max_length=MAX_SUMMARY_AREAS)] = [],  # noqa: B006
) -> SummaryBody:
    return store.reports.summary(principal, start, end, area)


@router.get(
    "/v1/reports/door-tests/{test_id}",
    tags=["reports"],
    summary="Every visit of one door-test round you may read, for its report",
    description="The visits whose answers name the round, newest activity first; 404 if none.",
    responses=error_responses(401, 403, 404, 422),
)
def round_visits(test_id: TestId, principal: PrincipalDep, store: StoreDep) -> RoundVisits:
    return store.reports.round_visits(principal, test_id)
