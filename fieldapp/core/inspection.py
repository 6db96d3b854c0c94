"""Inspections and their versions: identity, life cycle and the record that travels.

An inspection is made on the device (a UUID), so a retry can never create a second one.
Each finalized version is immutable and named by its own UUID; a correction after a
supervisor's return is a new version naming its base.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from fieldapp.core.answers import content_hash

Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
Uuid = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{32}$")]


def new_id() -> str:
    """A fresh identifier made on the device: 32 lowercase hex digits."""
    return uuid.uuid4().hex


class InspectionStatus(StrEnum):
    """draft → finalized → sent → (returned → draft → finalized → sent)* → approved."""

    DRAFT = "draft"
    FINALIZED = "finalized"
    SENT = "sent"
    RETURNED = "returned"
    APPROVED = "approved"


#: Metres: a position this unsure says nothing about which door it was taken at.
MAX_ACCURACY_METRES = 100_000.0


class PhotoPosition(BaseModel):
    """Where the device was when a photo came in: WGS84 degrees, and how sure in metres."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    accuracy: float | None = Field(default=None, ge=0, le=MAX_ACCURACY_METRES)


#: A photo's details beyond its file: when, where, and the photo as taken.
PHOTO_DETAILS = ("original", "taken_at", "position")


def _unset(value: object) -> bool:
    return value is None


class Attachment(BaseModel):
    """A photo or signature, named by the SHA-256 of its plain bytes.

    A photo also says when it was taken and where the device was (when known), and an
    annotated photo names the photo as taken (`original`), which the same version keeps
    as an attachment of the same question: the answer shows the annotated one, the
    original travels and stays beside it.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    question: str
    sha256: Sha256
    size: int = Field(ge=0)
    media_type: str = "image/jpeg"
    # Unset, these are left out of the record: an entry of before them keeps its exact
    # bytes and content hash, and an older central store is not sent keys it forbids.
    #: The SHA-256 of the photo as taken, when this one has marks drawn on it.
    original: Sha256 | None = Field(default=None, exclude_if=_unset)
    #: The camera's moment or the file's EXIF DateTimeOriginal, else when it was added.
    taken_at: AwareDatetime | None = Field(default=None, exclude_if=_unset)
    #: The device's last known position when the photo came in.
    position: PhotoPosition | None = Field(default=None, exclude_if=_unset)


class InspectionVersion(BaseModel):
    """One finalized version of an inspection, exactly as the device sends it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    inspection_id: Uuid
    version_id: Uuid
    base_version_id: Uuid | None = None
    form_id: str
    form_version: str
    author: str
    venue_id: str | None = None
    area_id: str | None = None
    assignment_id: str | None = None
    #: The device's clocks, kept for the audit trail; never used to order or accept data.
    started_at: datetime
    finalized_at: datetime
    #: `answers_document()` output: what the officer answered, repeat rows in order.
    document: dict[str, Any]
    attachments: tuple[Attachment, ...] = ()
    #: Names of the outcomes that were active when finalized, most severe first.
    outcomes: tuple[str, ...] = ()
    content_hash: Sha256

    @staticmethod
    def hash_of(
        form_id: str,
        form_version: str,
        base_version_id: str | None,
        document: dict[str, Any],
        attachments: tuple[Attachment, ...],
    ) -> str:
        """The content hash: form, base, answers and attachment hashes, canonically encoded."""
        return content_hash(
            {
                "form_id": form_id,
                "form_version": form_version,
                "base_version_id": base_version_id,
                "document": document,
                "attachments": [
                    attachment.model_dump(mode="json")
                    for attachment in sorted(attachments, key=lambda a: (a.question, a.sha256))
                ],
            }
        )

    def hash_matches(self) -> bool:
        expected = self.hash_of(
            self.form_id, self.form_version, self.base_version_id, self.document, self.attachments
        )
        return expected == self.content_hash
