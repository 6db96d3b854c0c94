"""What the store hands out for lists and screens: plain frozen records, no live database rows.

Lists are read in one go into these records, so no read transaction outlives a call (a
long-lived reader would keep the WAL from being checkpointed).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from fieldapp.core.inspection import InspectionStatus


class OutboxState(StrEnum):
    """pending: waiting to be sent (also after a retryable failure); held: the server
    refused it and a person must look; sent: the server acknowledged it."""

    PENDING = "pending"
    HELD = "held"
    SENT = "sent"


@dataclass(frozen=True, slots=True)
class OutboxInfo:
    version_id: str
    state: OutboxState
    queued_at: datetime
    attempts: int
    last_error: str | None
    last_attempt_at: datetime | None
    server_receipt: str | None
    sent_at: datetime | None

    @property
    def retryable(self) -> bool:
        """False when the last failure needs a person (a 403, 409, 413 or 422)."""
        return self.state is not OutboxState.HELD


@dataclass(frozen=True, slots=True)
class OutboxCounts:
    """How many versions the outbox holds in each state."""

    pending: int
    held: int
    sent: int


@dataclass(frozen=True, slots=True)
class Review:
    """A supervisor's return (with comments per question) or approval of one version."""

    kind: str  # "returned" or "approved"
    version_id: str
    reviewer: str
    at: datetime
    comment: str | None
    comments: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class LocalInspectionSummary:
    """One inspection on this device as a list shows it (the central store's list item is
    `fieldapp.protocol.models.InspectionSummary`)."""

    inspection_id: str
    form_id: str
    form_version: str
    status: InspectionStatus
    author: str
    venue_id: str | None
    venue_name: str | None
    area_id: str | None
    area_name: str | None
    assignment_id: str | None
    started_at: datetime
    updated_at: datetime
    #: The latest finalized version (None for a first draft).
    version_id: str | None
    #: For a correction: the returned version it replaces.
    base_version_id: str | None
    #: Active outcomes of the latest finalized version, most severe first.
    outcomes: tuple[str, ...]
    outbox: OutboxInfo | None
    #: The latest return or approval of the current (or, for a correction, base) version.
    review: Review | None
    #: For a draft: the findings its answers add up to so far, most severe first (None
    #: until the store has worked them out after the last change).
    draft_outcomes: tuple[str, ...] | None = None

    @property
    def is_correction(self) -> bool:
        return self.status is InspectionStatus.DRAFT and self.base_version_id is not None


@dataclass(frozen=True, slots=True)
class SavedPosition:
    """Where the person was in a draft, as saved: the page (group), the question, the repeat
    row, and when. (The form runner's live one is `fieldapp.ui.runner.runner.Position`.)"""

    page: str
    question: str | None
    row: str | None
    at: datetime
