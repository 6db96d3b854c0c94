"""Pushing a finalized version, and reading one back with its completeness."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from fieldapp.core.inspection import InspectionVersion
from fieldapp.protocol.models import PushReceipt, StoredVersion
from fieldapp.server.deps import PrincipalDep, StoreDep, Uuid
from fieldapp.server.errors import error_responses, not_found

router = APIRouter()


@router.put(
    "/v1/inspections/{inspection_id}/versions/{version_id}",
    tags=["inspections"],
    status_code=201,
    summary="Push one finalized version (idempotent by version id)",
    description=(
        "201: stored now. 200: this exact version was stored before; the body is the "
        "first answer, byte for byte. The receipt lists attachments the server does not "
        "hold yet; the version is complete once they are uploaded. The author must be "
        "the signed-in user; `content_hash` must match the content. Device clocks in "
        "the record are kept, never used: `received_at` is the server's."
    ),
    response_model=PushReceipt,
    responses={
        200: {"model": PushReceipt, "description": "Replay: the first answer again."},
        **error_responses(
            400,
            401,
            403,
            409,
            413,
            422,
            e403="`author_mismatch`, `not_yours` (another officer's inspection), "
            "`form_not_allowed`, or a role that does not push.",
            e409="`version_conflict`: this version id holds other content (server "
            "unchanged). `stale_base`: the base is not the current head; `head` holds the "
            "head, the refused version is kept for a person to resolve. `unknown_base`: "
            "push the base first. `inspection_closed`: approved.",
            e422="Invalid body, ids in path and body differ (`path_mismatch`), "
            "`content_hash_mismatch`, or `unknown_form`.",
        ),
    },
)
def push_version(
    inspection_id: Uuid,
    version_id: Uuid,
    version: InspectionVersion,
    principal: PrincipalDep,
    store: StoreDep,
) -> Response:
    answer = store.pushes.push(principal, inspection_id, version_id, version, store.config.clock())
    return Response(answer.body, answer.status, media_type="application/json")


@router.get(
    "/v1/inspections/{inspection_id}/versions/{version_id}",
    tags=["inspections"],
    summary="One stored version with its completeness now",
    responses=error_responses(401, 403, 404, 422),
)
def get_version(
    inspection_id: Uuid, version_id: Uuid, principal: PrincipalDep, store: StoreDep
) -> StoredVersion:
    detail = store.queries.detail(principal, inspection_id)
    for stored in detail.versions:
        if stored.version.version_id == version_id:
            return stored
    raise not_found("version", "De versie")
