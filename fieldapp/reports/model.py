"""What a report is made from: domain objects gathered by whoever holds them.

The device's local store and the central store both fill in these records, so the reports
never know where the data lives. A door-test record may only name a tester by pseudonym:
`ReportInspection` refuses anything else, because such reports may be made public.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from functools import cached_property

from fieldapp.core.answers import replies_of, session_from_document
from fieldapp.core.doortest import RefusedVisit
from fieldapp.core.engine import FormEngine, FormSession
from fieldapp.core.entities import Area, DoorTestRound, Role, User, Venue
from fieldapp.core.forms import Outcome
from fieldapp.core.inspection import Attachment, InspectionStatus, InspectionVersion
from fieldapp.core.summary import Period as Period  # re-exported: reports name it here
from fieldapp.core.texts import Text

#: The plain bytes of a photo or signature by its SHA-256; raises KeyError or OSError
#: when this store does not hold it (yet).
AttachmentSource = Callable[[str], bytes]


def no_attachments(sha256: str) -> bytes:
    """An `AttachmentSource` for a store that holds no attachment bytes."""
    raise KeyError(sha256)


class TrailStep(StrEnum):
    """One step in the review trail of an inspection, as reports list it."""

    #: Finalized on the device; not (yet) acknowledged by the central store.
    FINALIZED = "finalized"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    CORRECTED = "corrected"
    APPROVED = "approved"
    COMMENTED = "commented"


TRAIL_STEP_LABELS: Mapping[TrailStep, Text] = {
    TrailStep.FINALIZED: Text(nl="Afgerond op het apparaat", en="Finalized on the device"),
    TrailStep.SUBMITTED: Text(nl="Ingediend", en="Submitted"),
    TrailStep.RETURNED: Text(nl="Teruggestuurd voor correctie", en="Returned for correction"),
    TrailStep.CORRECTED: Text(
        nl="Gecorrigeerd en opnieuw ingediend", en="Corrected and resubmitted"
    ),
    TrailStep.APPROVED: Text(nl="Goedgekeurd", en="Approved"),
    TrailStep.COMMENTED: Text(nl="Opmerking", en="Comment"),
}


@dataclass(frozen=True, slots=True)
class ReportComment:
    """A supervisor's comment on one question (and repeat row) of a returned version."""

    question: str
    text: str
    row: str | None = None


@dataclass(frozen=True, slots=True)
class ReportReply:
    """The author's reply, in a correction, to the comment on one question (or section)."""

    question: str
    text: str
    row: str | None = None


def replies_in(version: InspectionVersion) -> tuple[ReportReply, ...]:
    """The replies a version's document carries (a correction's), as reports show them."""
    return tuple(
        ReportReply(reply.question, reply.text, reply.row) for reply in replies_of(version.document)
    )


@dataclass(frozen=True, slots=True)
class ReviewEntry:
    """One step of the review: who did what to which version, and when (server time)."""

    at: datetime
    actor: str
    action: TrailStep
    version_id: str
    comment: str = ""
    question_comments: tuple[ReportComment, ...] = ()
    #: A correction's replies to the comments of the return it answers.
    replies: tuple[ReportReply, ...] = ()


@dataclass(frozen=True, slots=True)
class EarlierInspection:
    """An earlier inspection of the same venue, for the reader's context."""

    inspection_id: str
    started_at: datetime
    status: InspectionStatus
    #: Names of its outcomes, as recorded.
    outcomes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Author:
    """Who a report names as having filled in the form."""

    name: str
    is_pseudonym: bool = False

    @classmethod
    def of(cls, user: User) -> Author:
        """A user as reports may show them: a mystery guest only by pseudonym."""
        return cls(user.public_name, user.pseudonym is not None)


def is_door_test(engine: FormEngine) -> bool:
    """Forms filled in by mystery guests: their reports may be made public."""
    return Role.MYSTERY_GUEST.value in engine.definition.roles


@dataclass(frozen=True)
class ReportInspection:
    """One inspection version with everything a report about it shows."""

    version: InspectionVersion
    engine: FormEngine
    status: InspectionStatus
    author: Author
    venue: Venue | None = None
    area: Area | None = None
    attachments: AttachmentSource = no_attachments
    reviews: tuple[ReviewEntry, ...] = ()
    earlier: tuple[EarlierInspection, ...] = ()
    #: For venue questions inside the answers (a patrol's coffeeshop observation).
    venues: Mapping[str, Venue] = field(default_factory=dict)

    def __post_init__(self) -> None:
        version, engine = self.version, self.engine
        if (version.form_id, version.form_version) != (engine.form_id, engine.version):
            raise ValueError(
                f"version {version.version_id} is {version.form_id} {version.form_version}, "
                f"the engine is {engine.form_id} {engine.version}"
            )
        if is_door_test(engine) and not self.author.is_pseudonym:
            raise ValueError("a door-test report names its tester by pseudonym only")

    @cached_property
    def session(self) -> FormSession:
        """The answers as the engine sees them: relevance, calculations and outcomes."""
        return session_from_document(self.engine, self.version.document)

    @property
    def confidential_author(self) -> bool:
        """A tester: no real name and no signature may appear."""
        return self.author.is_pseudonym or is_door_test(self.engine)

    def photo_entries(self, question: str) -> dict[str, Attachment]:
        """The version's entries of one question's files, by hash: when and where each
        photo was taken, and a marked photo's original."""
        return {a.sha256: a for a in self.version.attachments if a.question == question}

    def outcomes(self) -> list[Outcome]:
        """Active outcomes, most severe first, recomputed with the version's own form."""
        return self.session.outcomes()

    def recorded_outcomes_differ(self) -> bool:
        return {o.name for o in self.outcomes()} != set(self.version.outcomes)

    def latest_review_time(self) -> datetime | None:
        latest = max(self.reviews, key=lambda entry: instant(entry.at), default=None)
        return None if latest is None else latest.at

    def as_of(self) -> datetime:
        """The moment the report describes: the last review, else the finalization."""
        latest = self.latest_review_time()
        finalized = self.version.finalized_at
        if latest is None:
            return finalized
        return max(latest, finalized, key=instant)


def instant(moment: datetime) -> datetime:
    """A moment that compares with any other: one without an offset (an old or a hand-made
    record) is taken as UTC, as the central store's own times are. A trail mixes the
    device's finalization time with the store's times, and must never fail to sort."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class ReportDoorTest:
    """The two visits of one door-test round; either may not have arrived yet.

    `refused` lists the visits offered for the round that are not part of the pair, with the
    reason (`fieldapp.core.doortest.pair_round_visits`); `planned` is the round itself when
    the source knows the round register.
    """

    test_id: str
    test: ReportInspection | None
    control: ReportInspection | None
    venue: Venue | None = None
    refused: tuple[RefusedVisit, ...] = ()
    planned: DoorTestRound | None = None

    def __post_init__(self) -> None:
        for visit in (self.test, self.control):
            if visit is not None and not is_door_test(visit.engine):
                raise ValueError(f"{visit.version.version_id} is not a door-test visit")


@dataclass(frozen=True, slots=True)
class ReportScope:
    """Whose inspections a source holds, so a report can say what it covers.

    `teams` are team names and `areas` area ids; both empty means not limited by team.
    """

    reader: str
    central: bool
    teams: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SummaryItem:
    """One inspection (its latest version) for the period summary and the exports."""

    version: InspectionVersion
    status: InspectionStatus
