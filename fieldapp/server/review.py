"""A supervisor's review of an inspection: return it to its author, or approve it.

A review is idempotent by the event id the supervisor's app made: the same request again
gets the first event back, another request under that id a 409. The event reaches the
author's devices through the change feed. Only a supervisor reviews, and only the
inspections of the teams they supervise.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from fieldapp.core.answers import content_hash
from fieldapp.core.inspection import InspectionStatus
from fieldapp.protocol.models import (
    ApproveRequest,
    ErrorCode,
    ReturnRequest,
    ReviewAction,
    ReviewEvent,
)
from fieldapp.server import blobs, feed, schema
from fieldapp.server.accounts import Principal
from fieldapp.server.database import CentralDatabase
from fieldapp.server.errors import ApiError, forbidden
from fieldapp.server.followup import FollowUp
from fieldapp.server.queries import head_of, readable


class CentralReviews:
    """Review actions on the inspections in the central store."""

    def __init__(self, database: CentralDatabase, followup: FollowUp | None = None) -> None:
        self.database = database
        #: Indexes an approval's findings and proposes the ladder's next step.
        self.followup = followup

    def review(
        self,
        principal: Principal,
        inspection_id: str,
        request: ReturnRequest | ApproveRequest,
        now: datetime,
    ) -> ReviewEvent:
        if not principal.is_supervisor:
            raise forbidden(
                "Only a supervisor reviews inspections.",
                "Alleen een leidinggevende beoordeelt controles.",
            )
        action = (
            ReviewAction.RETURNED if isinstance(request, ReturnRequest) else ReviewAction.APPROVED
        )
        request_hash = content_hash({"action": action.value, **request.model_dump(mode="json")})
        return self.database.retrying(
            lambda: self._review_once(principal, inspection_id, request, action, request_hash, now)
        )

    def _review_once(
        self,
        principal: Principal,
        inspection_id: str,
        request: ReturnRequest | ApproveRequest,
        action: ReviewAction,
        request_hash: str,
        now: datetime,
    ) -> ReviewEvent:
        with self.database.write() as connection:
            # Visibility first: a replayed event id must not show another team's review.
            row = readable(connection, principal, inspection_id)
            earlier = (
                connection.execute(
                    sa.select(
                        schema.review_events.c.request_hash,
                        schema.review_events.c.payload,
                        schema.review_events.c.inspection_id,
                    ).where(schema.review_events.c.event_id == request.event_id)
                )
                .mappings()
                .first()
            )
            if earlier is not None:
                if (
                    earlier["request_hash"] != request_hash
                    or earlier["inspection_id"] != inspection_id
                ):
                    raise ApiError(
                        409,
                        ErrorCode.REVIEW_CONFLICT,
                        "Dit beoordelings-id is al gebruikt voor iets anders.",
                        "This review id was already used for something else.",
                    )
                return ReviewEvent.model_validate_json(earlier["payload"])
            if self.database.is_postgresql:
                connection.execute(
                    sa.select(schema.inspections.c.inspection_id)
                    .where(schema.inspections.c.inspection_id == inspection_id)
                    .with_for_update()
                )
                row = readable(connection, principal, inspection_id)
            if row["head_version_id"] != request.version_id:
                raise ApiError(
                    409,
                    ErrorCode.STALE_VERSION,
                    "Er is intussen een nieuwere versie binnengekomen; bekijk die eerst.",
                    "A newer version has arrived meanwhile; read that one first.",
                    head=head_of(connection, row),
                )
            if row["status"] == InspectionStatus.APPROVED.value:
                raise ApiError(
                    409,
                    ErrorCode.INSPECTION_CLOSED,
                    "Deze controle is al goedgekeurd.",
                    "This inspection has already been approved.",
                    head=head_of(connection, row),
                )
            if action is ReviewAction.APPROVED and blobs.missing_blobs(
                connection, request.version_id
            ):
                raise ApiError(
                    409,
                    ErrorCode.VERSION_INCOMPLETE,
                    "Niet alle foto's van deze versie zijn binnen; goedkeuren kan nog niet.",
                    "Not all photos of this version have arrived; it cannot be approved yet.",
                )
            event = ReviewEvent(
                event_id=request.event_id,
                inspection_id=inspection_id,
                version_id=request.version_id,
                action=action,
                reviewer=principal.username,
                reviewer_name=principal.display_name,
                comments=list(request.comments) if isinstance(request, ReturnRequest) else [],
                note=request.note,
                at=now,
            )
            payload = event.model_dump_json()
            connection.execute(
                schema.review_events.insert().values(
                    event_id=event.event_id,
                    inspection_id=inspection_id,
                    version_id=request.version_id,
                    action=action.value,
                    reviewer=principal.username,
                    request_hash=request_hash,
                    payload=payload,
                    at=now,
                )
            )
            status = (
                InspectionStatus.RETURNED
                if action is ReviewAction.RETURNED
                else InspectionStatus.APPROVED
            )
            connection.execute(
                schema.inspections.update()
                .where(schema.inspections.c.inspection_id == inspection_id)
                .values(status=status.value, updated_at=now)
            )
            connection.execute(
                schema.audit_log.insert().values(
                    at=now,
                    actor=principal.username,
                    action=f"inspection.{action.value}",
                    subject=inspection_id,
                    detail=payload,
                )
            )
            if action is ReviewAction.APPROVED and self.followup is not None:
                self.followup.on_approved(connection, row, now)
            feed.append(connection, [feed.review_change(event, row["author"])], now)
        return event
