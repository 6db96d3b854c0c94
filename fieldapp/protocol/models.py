"""The sync protocol: every request and answer body that the device and the central store share.

The device pushes `InspectionVersion` records (from fieldapp.core.inspection) as they are;
everything else that travels is defined here, so both sides validate the same shapes. The
server's OpenAPI document is generated from these models.

Cursors are opaque to the device: it stores `next_cursor` together with the page it applied
and sends it back unchanged. A 410 answer means the cursor no longer fits the server's
history (restored from a backup, new epoch): reload reference data from the start and
re-push the outbox; nothing local is thrown away.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date, datetime, time
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from fieldapp.core.entities import (
    Area,
    Assignment,
    AssignmentForm,
    DoorTestGround,
    DoorTestRound,
    Priority,
    Role,
    Team,
    Venue,
    VisitOrder,
)
from fieldapp.core.followup import (
    Action,
    ActionEventKind,
    ActionState,
    Attachment,
    DecisionKind,
    Measure,
    VenueFieldSummary,
)
from fieldapp.core.inspection import InspectionStatus, InspectionVersion, Sha256, Uuid
from fieldapp.core.sanctions import ActionKind

__all__ = [
    "API_VERSION",
    "AccountInfo",
    "ApproveRequest",
    "AreaChange",
    "AssignmentChange",
    "AuthorDigestAnswer",
    "BlobReceipt",
    "Change",
    "ChangesPage",
    "ConflictList",
    "Digest",
    "DigestQuery",
    "DigestsAnswer",
    "ErrorBody",
    "ErrorCode",
    "FormChange",
    "HeldConflict",
    "InspectionDetail",
    "InspectionList",
    "InspectionSummary",
    "InspectionVersion",
    "Message",
    "Meta",
    "PushReceipt",
    "QuestionComment",
    "ReturnRequest",
    "ReviewAction",
    "ReviewChange",
    "ReviewEvent",
    "RoundChange",
    "ServerLimits",
    "StoredVersion",
    "TeamChange",
    "TokenAnswer",
    "TokenRequest",
    "UserChange",
    "UserEntry",
    "VenueChange",
    "VersionHead",
    "digest_of",
]

#: Bumped when a change is not backwards compatible; part of every `Meta`.
API_VERSION = "1"

#: An opaque pull position; only the server reads what is inside.
Cursor = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Username = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9._-]{1,63}$")]
DeviceId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9._:-]{1,64}$")]


class _Body(BaseModel):
    """Base of every protocol body: unknown keys are mistakes, bodies never change."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# --- errors ----------------------------------------------------------------------------------


class ErrorCode(StrEnum):
    """Machine-readable reason of a refusal; the device decides on it whether to retry.

    Retry with backoff: `internal`, `unavailable`, `throttled` (and network errors, 408,
    429; a 429 says when in Retry-After). Never retry blindly: everything else needs a
    person (or, for `cursor_expired`, a reset).
    """

    UNAUTHENTICATED = "unauthenticated"
    BAD_CREDENTIALS = "bad_credentials"
    #: The password was right but an administrator deactivated the account: the device
    #: locks its profile of this person.
    ACCOUNT_DEACTIVATED = "account_deactivated"
    TOKEN_EXPIRED = "token_expired"
    TOKEN_REVOKED = "token_revoked"
    FORBIDDEN = "forbidden"
    NOT_YOURS = "not_yours"
    AUTHOR_MISMATCH = "author_mismatch"
    FORM_NOT_ALLOWED = "form_not_allowed"
    NOT_FOUND = "not_found"
    MALFORMED = "malformed"
    INVALID = "invalid"
    INVALID_CURSOR = "invalid_cursor"
    PATH_MISMATCH = "path_mismatch"
    CONTENT_HASH_MISMATCH = "content_hash_mismatch"
    UNKNOWN_FORM = "unknown_form"
    VERSION_CONFLICT = "version_conflict"
    STALE_BASE = "stale_base"
    UNKNOWN_BASE = "unknown_base"
    INSPECTION_CLOSED = "inspection_closed"
    STALE_VERSION = "stale_version"
    VERSION_INCOMPLETE = "version_incomplete"
    REVIEW_CONFLICT = "review_conflict"
    BLOB_HASH_MISMATCH = "blob_hash_mismatch"
    UPLOAD_OFFSET_MISMATCH = "upload_offset_mismatch"
    TOO_LARGE = "too_large"
    CURSOR_EXPIRED = "cursor_expired"
    INTERNAL = "internal"
    UNAVAILABLE = "unavailable"
    THROTTLED = "throttled"
    QUOTA_EXCEEDED = "quota_exceeded"
    #: An administrator's change the rules refuse (exists already, still in use, …).
    ADMIN_CONFLICT = "admin_conflict"
    #: Planning: the object changed since the `version` the edit was based on.
    EDIT_CONFLICT = "edit_conflict"


class Message(_Body):
    """One sentence for the person, in Dutch and English."""

    nl: str
    en: str


class VersionHead(_Body):
    """Where an inspection stands on the server: sent with a stale-base or stale-review 409."""

    inspection_id: Uuid
    head_version_id: Uuid
    status: InspectionStatus
    version_count: int
    head_received_at: datetime
    head_content_hash: Sha256


class ErrorBody(_Body):
    """Every 4xx and 5xx answer: a code for the device and a sentence for the person."""

    code: ErrorCode
    message: Message
    #: 413: the limit that was exceeded, in bytes.
    limit_bytes: int | None = None
    #: 409 upload_offset_mismatch: the offset the server has; resume from there.
    expected_offset: int | None = None
    #: 409 stale_base / stale_version: the inspection's current head.
    head: VersionHead | None = None
    #: 400/422: what exactly was wrong, one line per problem.
    problems: list[str] = Field(default_factory=list)
    #: The same problems in Dutch, in the same order, where the server has them in Dutch
    #: (an import's rows and columns); empty otherwise.
    problems_nl: list[str] = Field(default_factory=list)
    #: 409 edit_conflict: the current state of what the edit was based on an older version of.
    current: dict[str, Any] | None = None


# --- accounts --------------------------------------------------------------------------------


class TokenRequest(_Body):
    """`POST /v1/auth/token`: sign in with a username and password."""

    username: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    password: Annotated[str, StringConstraints(min_length=1, max_length=1024)]
    #: The device signing in, kept with the token so one device can be signed out.
    device_id: DeviceId | None = None


class AccountInfo(_Body):
    """Who a token belongs to, as the device shows it."""

    username: Username
    display_name: str
    role: Role
    team: str | None = None
    #: Supervisors: the teams whose work they review.
    supervises: list[str] = Field(default_factory=list)
    pseudonym: str | None = None
    languages: list[str]


class TokenAnswer(_Body):
    """A bearer token; send it as `Authorization: Bearer <access_token>`."""

    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_at: datetime
    account: AccountInfo
    #: The account's profile key (base64url, 32 bytes): the device keeps its data key
    #: wrapped by it too, so a password changed on the server can re-lock the profile.
    profile_key: str | None = None


# --- meta and the change feed ----------------------------------------------------------------


class ServerLimits(_Body):
    """Sizes the server refuses above (413), so a device can check before it sends."""

    max_json_bytes: int
    max_blob_bytes: int
    changes_page_max: int


class Meta(_Body):
    """`GET /v1/sync/meta`: what a device checks before it syncs."""

    api_version: str = API_VERSION
    #: Changes whenever the server's history is no longer continuous (a restore, a reset).
    epoch: str
    #: A cursor at the newest change now; pulling from it returns nothing yet.
    head_cursor: Cursor
    #: Server time, for display and for estimating the device clock's offset only.
    server_time: datetime
    min_client_version: str
    limits: ServerLimits


class UserEntry(_Body):
    """A user as the devices of their team see them: mystery guests by pseudonym only."""

    username: Username
    name: str
    role: Role
    team: str | None = None


class QuestionComment(_Body):
    """A supervisor's comment on one answer (in a repeat: on one row of it), or on a group
    or section. Every comment reopens what it names on the officer's device; an empty text
    reopens it without a comment."""

    question: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    row: Annotated[str, StringConstraints(min_length=1, max_length=100)] | None = None
    text: Annotated[str, StringConstraints(strip_whitespace=True, max_length=4000)]


class ReviewAction(StrEnum):
    RETURNED = "returned"
    APPROVED = "approved"


class ReviewEvent(_Body):
    """A supervisor returned or approved one version of an inspection."""

    event_id: Uuid
    inspection_id: Uuid
    version_id: Uuid
    action: ReviewAction
    reviewer: Username
    reviewer_name: str
    comments: list[QuestionComment] = Field(default_factory=list)
    note: str | None = None
    #: Server time of the review.
    at: datetime


class _ChangeBase(_Body):
    #: Position in the server's change feed; increases, never reused within an epoch.
    position: int = Field(ge=1)
    #: The entity left the device's world (an assignment withdrawn, a user deactivated).
    removed: bool = False


class VenueChange(_ChangeBase):
    kind: Literal["venue"] = "venue"
    venue: Venue


class AreaChange(_ChangeBase):
    kind: Literal["area"] = "area"
    area: Area


class TeamChange(_ChangeBase):
    kind: Literal["team"] = "team"
    team: Team


class UserChange(_ChangeBase):
    kind: Literal["user"] = "user"
    user: UserEntry


class FormChange(_ChangeBase):
    """A form version; `definition` validates as fieldapp.core.forms.FormDefinition."""

    kind: Literal["form"] = "form"
    form_id: str
    form_version: str
    definition: dict[str, Any]


class AssignmentChange(_ChangeBase):
    kind: Literal["assignment"] = "assignment"
    assignment: Assignment


class RoundChange(_ChangeBase):
    """A door-test round. A tester's device gets it with the other tester hidden
    (`HIDDEN_TESTER`): a mystery guest never learns who else tests."""

    kind: Literal["round"] = "round"
    round: DoorTestRound


class VenueSummaryChange(_ChangeBase):
    """A venue's short history for boa's (`role:boa` only): recent visits, open actions
    and the repeat offences within the policy period. No names, no door tests."""

    kind: Literal["venue_summary"] = "venue_summary"
    summary: VenueFieldSummary


class ReviewChange(_ChangeBase):
    """A return (with per-question comments) or an approval of one of your inspections."""

    kind: Literal["review"] = "review"
    event: ReviewEvent


Change = Annotated[
    VenueChange
    | AreaChange
    | TeamChange
    | UserChange
    | FormChange
    | AssignmentChange
    | RoundChange
    | VenueSummaryChange
    | ReviewChange,
    Field(discriminator="kind"),
]


class ChangesPage(_Body):
    """`GET /v1/changes`: apply `changes` in order, then store `next_cursor` in the same
    local transaction; pull again while `has_more`."""

    epoch: str
    changes: list[Change]
    next_cursor: Cursor
    has_more: bool


# --- pushing ---------------------------------------------------------------------------------


class PushReceipt(_Body):
    """The answer to a push; a replay of the same version gets these exact bytes again."""

    inspection_id: Uuid
    version_id: Uuid
    base_version_id: Uuid | None
    content_hash: Sha256
    #: Server time when the version was first stored; the device clock plays no part.
    received_at: datetime
    #: The version is complete when the server holds every attachment it names.
    complete: bool
    #: Attachments the server did not hold when the version arrived: upload these.
    missing_blobs: list[Sha256]


class BlobReceipt(_Body):
    """The answer to a blob upload (whole, or one range of a resumable upload)."""

    sha256: Sha256
    #: Bytes the server holds: the blob's size when complete, else the resume offset.
    received: int
    complete: bool


#: Versions one batch push may carry; the device batches below it, and the JSON body limit
#: (`max_json_bytes`) bounds the batch's bytes as it bounds a single push.
MAX_PUSH_BATCH = 100
#: Blobs one batch upload may carry, each at most `MAX_BATCHED_BLOB_BYTES`, together at most
#: `MAX_BLOB_BATCH_BYTES`; larger blobs keep the resumable upload of their own.
MAX_BLOB_BATCH = 64
MAX_BATCHED_BLOB_BYTES = 1024 * 1024
MAX_BLOB_BATCH_BYTES = 8 * 1024 * 1024
#: Hashes one "which of these do you hold" question may name.
MAX_HELD_QUERY = 1000
#: Authors (bearer tokens) one digest question may name: a shared device's users.
MAX_DIGEST_QUERY = 32
#: A bearer token's length is about 43 characters; anything much longer is no token.
MAX_TOKEN_CHARS = 200


class PushBatch(BaseModel):
    """`POST /v1/sync/push`: finalized versions in the order the device finalized them.

    Each item is checked on its own (an item that is no valid version is refused alone),
    so the items are plain objects here and become `InspectionVersion`s one by one.
    """

    model_config = ConfigDict(extra="forbid")

    versions: list[dict[str, Any]] = Field(min_length=1, max_length=MAX_PUSH_BATCH)


class PushOutcome(_Body):
    """One version's answer within a batch: what a single push would have answered.

    `status` is the single push's status (201 stored now, 200 stored before, or the 4xx);
    `receipt` is the receipt (on a replay the first one, unchanged), `error` the refusal.
    """

    version_id: str | None
    status: int
    receipt: PushReceipt | None = None
    error: ErrorBody | None = None


class PushBatchAnswer(_Body):
    """The outcomes in the order of the batch's versions."""

    outcomes: list[PushOutcome]


class HeldQuery(_Body):
    """`POST /v1/sync/blobs/held`: which of these blobs have I uploaded?"""

    sha256: list[Sha256] = Field(min_length=1, max_length=MAX_HELD_QUERY)


BearerToken = Annotated[str, StringConstraints(min_length=1, max_length=MAX_TOKEN_CHARS)]


class DigestQuery(_Body):
    """`POST /v1/sync/digests`: the digests of several authors in one question.

    A shared device holds a bearer token of each person who signed in on it; a token is
    the proof that the device may ask for that person's digest, as `GET /v1/sync/digest`
    signed in as them would. One question instead of one round trip per author.
    """

    tokens: list[BearerToken] = Field(min_length=1, max_length=MAX_DIGEST_QUERY)


class AuthorDigestAnswer(_Body):
    """One token's answer: whose it is and their digest, or nothing when the token is not
    good (unknown, expired, revoked, the account deactivated); the device then asks
    `GET /v1/sync/digest` as that person, which signs in again or says why not."""

    username: str | None
    digest: Digest | None


class DigestsAnswer(_Body):
    """The answers in the order of the question's tokens."""

    digests: list[AuthorDigestAnswer]


class HeldAnswer(_Body):
    """The asked blobs the signed-in user has uploaded (never whether anyone else did)."""

    held: list[Sha256]


class BlobOutcome(_Body):
    """One blob's answer within a batch upload: 201 kept, 200 held before, or the refusal."""

    sha256: Sha256
    status: int
    receipt: BlobReceipt | None = None
    error: ErrorBody | None = None


class BlobBatchAnswer(_Body):
    """The outcomes in the order of the batch's manifest."""

    outcomes: list[BlobOutcome]


class Digest(_Body):
    """`GET /v1/sync/digest`: the versions the server holds from the signed-in author.

    `hash` is `digest_of(version ids)`; a device compares it with the same over the
    versions it believes sent and re-pushes on a mismatch (pushes are idempotent).
    """

    count: int
    hash: Sha256
    #: Up to 100 of the author's versions that still miss attachments.
    incomplete: list[Uuid] = Field(default_factory=list)


def digest_of(version_ids: Iterable[str]) -> str:
    """An order-free hash of a set of version ids: XOR of their SHA-256 digests.

    The server keeps it up to date per author as versions arrive, so the digest costs the
    same with 100 or 100,000 versions in history.
    """
    total = 0
    for version_id in version_ids:
        total ^= int.from_bytes(hashlib.sha256(version_id.encode("ascii")).digest(), "big")
    return f"{total:064x}"


# --- review ----------------------------------------------------------------------------------


class ReturnRequest(_Body):
    """`POST /v1/inspections/{id}/return`: send a version back with comments.

    `event_id` is made by the client, so a retried request cannot return twice.
    """

    event_id: Uuid
    version_id: Uuid
    comments: list[QuestionComment] = Field(min_length=1, max_length=500)
    note: Annotated[str, StringConstraints(max_length=4000)] | None = None


class ApproveRequest(_Body):
    """`POST /v1/inspections/{id}/approve`: approve the version the supervisor read."""

    event_id: Uuid
    version_id: Uuid
    note: Annotated[str, StringConstraints(max_length=4000)] | None = None


class InspectionSummary(_Body):
    """One line of a supervisor's inbox (or of an officer's own list)."""

    inspection_id: Uuid
    form_id: str
    form_version: str
    author: Username
    #: The pseudonym for a mystery guest, the display name otherwise.
    author_name: str
    team: str | None
    venue_id: str | None
    area_id: str | None
    assignment_id: str | None
    status: InspectionStatus
    head_version_id: Uuid
    version_count: int
    first_received_at: datetime
    last_received_at: datetime
    outcomes: list[str]
    #: When the visit began, by the device (the head version's start); reports order a
    #: venue's history by it, never by upload time.
    started_at: datetime | None = None


class HeldConflict(_Body):
    """A pushed version the server refused for a stale base and keeps for a person."""

    version_id: Uuid
    inspection_id: Uuid
    author: str
    #: The head the version did not build on, when the inspection existed.
    head_version_id: Uuid | None = None
    received_at: datetime
    version: InspectionVersion


class ConflictList(_Body):
    """`GET /v1/conflicts`: held conflicts, newest first."""

    items: list[HeldConflict]
    #: Pass as `after` for the next page; None on the last page.
    next_after: Cursor | None = None


class InspectionList(_Body):
    items: list[InspectionSummary]
    #: Pass as `after` for the next page; None on the last page.
    next_after: Cursor | None = None


class StoredVersion(_Body):
    """A version as the server holds it."""

    version: InspectionVersion
    received_at: datetime
    complete: bool
    missing_blobs: list[Sha256]


class InspectionDetail(_Body):
    summary: InspectionSummary
    #: Oldest first.
    versions: list[StoredVersion]
    #: Oldest first.
    reviews: list[ReviewEvent]


# --- administration (admin endpoints, docs/administration.md) ---------------------------------


class ImportReport(_Body):
    """What an import did, or (`dry_run`) would do: counts per outcome and every problem.

    A problem names its row (1 is the header) and column. An import with problems changes
    nothing: a dry run answers 200 with them, a real import 422 with them in `problems`.
    """

    kind: Literal["venues", "areas", "teams", "users"]
    dry_run: bool
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    #: Present in the store but not in the file, with `sync`: deactivated (never deleted).
    deactivated: int = 0
    problems: list[str] = Field(default_factory=list)
    #: The same problems in Dutch, in the same order.
    problems_nl: list[str] = Field(default_factory=list)
    #: New accounts (users import, not a dry run): the one-time password of each, shown
    #: once to the administrator, who hands it over; the person chooses their own later.
    passwords: dict[str, str] = Field(default_factory=dict)


class PublishedForm(_Body):
    """A form version in the central store, and whether devices may start new drafts on it."""

    form_id: str
    form_version: str
    roles: list[str]
    published_at: datetime
    retired: bool
    #: The newest version that is not retired: what a new draft uses.
    live: bool
    #: The form's own title per language, as its file gives it: a municipality's own form
    #: is named by it on the administrator's screens. Empty from a server before 0.3.
    title: dict[str, str] = Field(default_factory=dict)


class PolicyAnswer(_Body):
    """`POST /v1/admin/policies`: the sanction policy now in force."""

    policy_id: str
    version: str
    title: dict[str, str]


class FormList(_Body):
    forms: list[PublishedForm]


Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=64)]


class TeamBody(_Body):
    """`POST /v1/admin/teams`: a new team."""

    id: Slug
    name: Name
    supervisor: Username
    areas: list[Slug] = Field(min_length=1, max_length=200)


class TeamPatch(_Body):
    """`PATCH /v1/admin/teams/{team_id}`: rename, another supervisor or other areas."""

    name: Name | None = None
    supervisor: Username | None = None
    areas: list[Slug] | None = Field(default=None, min_length=1, max_length=200)


class TeamList(_Body):
    teams: list[Team]


class AdminUser(_Body):
    """An account as an administrator sees it (never a password or its hash)."""

    username: Username
    display_name: str
    role: Role
    team: str | None = None
    pseudonym: str | None = None
    languages: list[str]
    active: bool


class UserList(_Body):
    users: list[AdminUser]


def _dutch() -> list[Literal["nl", "en"]]:
    return ["nl"]


class NewUser(_Body):
    """`POST /v1/admin/users`: an account; the answer carries its one-time password."""

    username: Username
    display_name: Name
    role: Role
    team: Slug | None = None
    pseudonym: Name | None = None
    languages: list[Literal["nl", "en"]] = Field(default_factory=_dutch, min_length=1)


class UserPatch(_Body):
    """`PATCH /v1/admin/users/{username}`: move to a team, change role, name or activity.

    A key left out stays as it is; `team: null` takes the user out of every team.
    Deactivating revokes every token of the account.
    """

    display_name: Name | None = None
    role: Role | None = None
    team: Slug | None = None
    pseudonym: Name | None = None
    active: bool | None = None


class PasswordReset(_Body):
    """`POST /v1/admin/users/{username}/password`: a new password, or a one-time one."""

    password: Annotated[str, StringConstraints(min_length=1, max_length=1024)] | None = None


class UserAnswer(_Body):
    """An account after a change; `one_time_password` only when the server made one."""

    user: AdminUser
    one_time_password: str | None = None


class VenueEdit(_Body):
    """One edit of a venue: who, when, and the venue before (None: added) and after."""

    version: int
    at: datetime
    actor: str
    before: Venue | None
    after: Venue


class VenueUpdate(_Body):
    """`PUT /v1/admin/venues/{venue_id}`: the whole venue as it should be now.

    `version` is the number of the last edit the change is based on (see the history);
    a stale one is 409 `edit_conflict` with the current venue. Leave it out to add a venue.
    """

    venue: Venue
    version: int | None = Field(default=None, ge=1)


class VenueHistory(_Body):
    venue_id: str
    edits: list[VenueEdit]


class VenueList(_Body):
    venues: list[Venue]


class AreaList(_Body):
    areas: list[Area]


# --- planning (supervisors, docs/administration.md) -------------------------------------------

#: Who a tester's copy of a round names as the other tester: never the real person.
HIDDEN_TESTER = "other.tester"

LocalNote = Annotated[
    dict[
        Literal["nl", "en"],
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)],
    ],
    Field(min_length=1),
]


class AssignmentState(StrEnum):
    """Derived from what devices pushed, never set by hand (except cancelling)."""

    PLANNED = "planned"
    STARTED = "started"
    DONE = "done"
    OVERDUE = "overdue"
    CANCELLED = "cancelled"


class AssignmentDraft(_Body):
    """`POST /v1/planning/assignments` (and, with `version`, `PUT …/{id}`): the plan."""

    id: Slug | None = None
    form_id: AssignmentForm
    venue: Slug | None = None
    area: Slug | None = None
    assignee: Username | None = None
    team: Slug | None = None
    due: date
    due_until: date | None = None
    note: LocalNote | None = None
    priority: Priority = Priority.NORMAL
    #: For an edit: the version it is based on (409 edit_conflict when it is stale).
    version: int | None = Field(default=None, ge=1)


class PlannedAssignment(_Body):
    assignment: Assignment
    version: int
    #: The team whose supervisors plan it.
    team: str
    state: AssignmentState
    #: Inspections devices pushed for it.
    inspections: int
    #: The door-test round it belongs to.
    round: str | None = None


class AssignmentList(_Body):
    assignments: list[PlannedAssignment]


class Cancel(_Body):
    """`POST …/cancel`: the version the cancellation is based on."""

    version: int = Field(ge=1)


class RoundDraft(_Body):
    """`POST /v1/planning/rounds` (and, with `version`, `PUT …/{id}`)."""

    id: Slug | None = None
    venue: Slug
    date: date
    window_start: time
    window_end: time
    ground: DoorTestGround
    order: VisitOrder
    max_gap_minutes: int = Field(gt=0, le=240)
    test_tester: Username
    control_tester: Username
    note: LocalNote | None = None
    version: int | None = Field(default=None, ge=1)


class PlannedRound(_Body):
    round: DoorTestRound
    version: int
    team: str
    cancelled: bool
    #: The assignment of each group: {"test": id, "control": id}.
    assignments: dict[str, str]


class RoundList(_Body):
    rounds: list[PlannedRound]


# --- follow-up: measures, actions, the venue file (docs/followup.md) ---------------------

FollowUpText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]


class DecisionRequest(_Body):
    """`POST /v1/followup/measures/{id}/decide`: confirm the proposed step, take another
    (`step_id`, with a reason), or decide on no measure (with a reason)."""

    decision: DecisionKind
    step_id: Annotated[str, StringConstraints(max_length=64)] | None = None
    reason: FollowUpText = ""


class MeasureList(_Body):
    measures: list[Measure]


class ActionDraft(_Body):
    """`POST /v1/followup/actions`: a new action. `action_id` (32 hex) makes a retry safe;
    a re-inspection with an `assignee` plans an assignment for that boa."""

    action_id: Uuid | None = None
    kind: ActionKind
    title: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = ""
    venue_id: Slug | None = None
    inspection_ids: list[Uuid] = Field(default_factory=list, max_length=50)
    owner: Username
    due: date
    note: FollowUpText = ""
    assignee: Username | None = None


class ActionUpdate(_Body):
    """`POST /v1/followup/actions/{id}/events`: one log entry, based on `version`."""

    version: int = Field(ge=1)
    kind: Literal[
        ActionEventKind.NOTE,
        ActionEventKind.STATE,
        ActionEventKind.RESPONSE,
        ActionEventKind.DUE,
        ActionEventKind.OWNER,
    ]
    text: FollowUpText = ""
    state: ActionState | None = None
    response_date: date | None = None
    due: date | None = None
    owner: Username | None = None
    attachment: Attachment | None = None


class ActionList(_Body):
    actions: list[Action]
