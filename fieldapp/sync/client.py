"""The device's sync client: push the outbox, pull the change feed, repair drift.

`SyncClient(profile, server_url, credentials=…)` is built once (no globals) and its
`sync_once()` does one whole sync and returns a `SyncReport`:

1. sign in as the profile's user (device id = the profile's) and read `/v1/sync/meta`:
   refuse politely when this fieldapp is older than the server's minimum, learn the
   limits, notice a new epoch (→ reset);
2. push the outbox in the order versions were finalized, in batches. Blobs first (small
   ones together, the next batch's beside this batch's push; large ones HEAD, then PUT in
   ranges of about 1 MiB resuming from the server's offset), then the version; anything
   the receipt still lists as missing is uploaded too. A version is
   marked sent only after a 200/201 receipt *and* once the server holds all its blobs.
   `unknown_base` pushes the base first. A refusal (403, 409, 413, 422 …) is written on
   that outbox row in the server's words and the queue moves on;
3. pull the change feed page by page; each page is applied together with its cursor in
   one local transaction. No cursor yet, a new epoch, or a 410: the reference data is
   reloaded from the start and replaced in one transaction (nothing of the officer's is
   touched) and the outbox is offered again;
4. compare the digest of the versions the device believes sent with the server's; on a
   mismatch re-push them (pushes are idempotent), and upload the blobs of versions the
   server lists as incomplete.

Retries, backoff and sign-in live in `transport.CentralLine`. A sync that cannot go on
at all (server unreachable, password refused, client too old) raises a `SyncError`
whose `report` says what happened up to then.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from datetime import UTC, datetime
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from fieldapp import __version__
from fieldapp.core.inspection import Attachment, InspectionVersion
from fieldapp.core.texts import Text
from fieldapp.protocol.models import (
    MAX_BATCHED_BLOB_BYTES,
    MAX_BLOB_BATCH,
    MAX_DIGEST_QUERY,
    MAX_HELD_QUERY,
    MAX_PUSH_BATCH,
    MAX_TOKEN_CHARS,
    BlobBatchAnswer,
    BlobReceipt,
    ChangesPage,
    Digest,
    DigestQuery,
    DigestsAnswer,
    ErrorCode,
    HeldAnswer,
    HeldQuery,
    Message,
    Meta,
    PushBatchAnswer,
    PushOutcome,
    PushReceipt,
    ServerLimits,
)
from fieldapp.store import (
    AttachmentMissing,
    FormRejected,
    FormText,
    Profile,
    StoreError,
    UnknownVersion,
    Upsert,
)
from fieldapp.store import Change as StoreChange
from fieldapp.sync.changefeed import ChangeFeedMapper, SnapshotBuilder
from fieldapp.sync.errors import (
    AccountDeactivated,
    BadAnswer,
    ClientTooOld,
    GaveUp,
    Refusal,
    ServerUnreachable,
    SignInRefused,
    SyncError,
)
from fieldapp.sync.ledger import AuthorDigest, SentVersions, SyncState
from fieldapp.sync.report import SyncProgress, SyncReport, SyncStatus, VersionProblem
from fieldapp.sync.transport import (
    DEFAULT_TIMEOUT,
    CentralLine,
    CredentialSource,
    RetryPolicy,
    ServerTrust,
    TokenProvider,
    Waiting,
)

log = logging.getLogger(__name__)

#: Size of one range of a resumable upload; an interrupted range counts for nothing.
CHUNK_BYTES = 1024 * 1024
#: Bytes of versions in one batch push (and at most half the server's JSON limit): small
#: enough that a batch lost on a bad line costs little to send again.
BATCH_BYTES = 1024 * 1024
#: Bytes of small blobs in one batch upload.
BLOB_BATCH_BYTES = 4 * 1024 * 1024
#: Bounds on loops that depend on the server's answers.
MAX_PAGES = 100_000
MAX_BASE_DEPTH = 50
MAX_BLOB_ROUNDS = 4
_JSON = {"Content-Type": "application/json"}
_OCTETS = "application/octet-stream"
#: Refusals of a batch as a whole that say nothing of its versions (an older server, a body
#: over a limit or of a shape the server refuses): each version goes on its own instead.
_BATCH_REFUSALS = frozenset({400, 404, 405, 413, 422})
#: Digest questions in flight at once on a shared device (bounded: each is a connection).
DIGEST_QUESTIONS_AT_ONCE = 4
#: Batches of small blobs on their way at once, beside the pushes (bounded: each holds up
#: to BLOB_BATCH_BYTES of photos in memory, and a connection).
UPLOADS_AT_ONCE = 2


# --- the client ------------------------------------------------------------------------------


#: A version the server holds whole: its receipt, the push's status (201 stored now, 200
#: stored before) and the receipt's text as recorded on the outbox row.
Stored = tuple[InspectionVersion, PushReceipt, int, str]


class SyncClient:
    """Syncs one profile with one central store; reuse it for every sync of the session.

    Exactly one of `credentials` (a `Credentials`, or a `CredentialSource` such as the
    demo's) and `tokens` (a `TokenProvider`) says how to sign in. `language` is the
    language of the reasons written on outbox rows. `trust` says whether plain http to
    another machine is allowed and which CAs are trusted. `waiting`, `retry` and `transport`
    exist for tests and special networks; `progress` is called at every step.
    """

    def __init__(
        self,
        profile: Profile,
        server_url: str,
        *,
        credentials: CredentialSource | None = None,
        tokens: TokenProvider | None = None,
        transport: httpx.BaseTransport | None = None,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        waiting: Waiting | None = None,
        language: str = "nl",
        page_size: int = 500,
        chunk_bytes: int = CHUNK_BYTES,
        batch_size: int = MAX_PUSH_BATCH,
        progress: Callable[[SyncProgress], None] | None = None,
        clock: Callable[[], datetime] | None = None,
        client_version: str = __version__,
        trust: ServerTrust | None = None,
    ) -> None:
        self.profile = profile
        self.server_url = server_url.rstrip("/")
        self.line = CentralLine(
            self.server_url,
            device_id=profile.device_id,
            credentials=credentials,
            tokens=tokens,
            transport=transport,
            timeout=timeout,
            retry=retry,
            waiting=waiting,
            user_agent=f"fieldapp/{client_version}",
            trust=trust,
        )
        self.language = language
        self.page_size = page_size
        self.chunk_bytes = chunk_bytes
        #: Versions per batch push; 1 pushes each on its own (as clients before batches).
        self.batch_size = max(1, min(batch_size, MAX_PUSH_BATCH))
        self.client_version = client_version
        self._progress = progress
        self._clock = clock or (lambda: datetime.now(UTC))
        self._mapper = ChangeFeedMapper(profile)
        self._ledger = SentVersions(profile)
        self._lock = threading.Lock()

    def close(self) -> None:
        self.line.close()

    def __enter__(self) -> SyncClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # --- status -------------------------------------------------------------------------

    def status(self) -> SyncStatus:
        """Pending and held counts, last success and last problem: no network needed."""
        state = SyncState.load(self.profile)
        pending, held = self._ledger.waiting()
        return SyncStatus(pending, held, state.last_success, state.last_problem)

    # --- one sync -----------------------------------------------------------------------

    def sync_once(self) -> SyncReport:
        """One whole sync (see the module docstring).

        Raises a `SyncError` (with `report` set) when the sync cannot go on: the server is
        unreachable (`ServerUnreachable`), the password is refused (`SignInRefused`), this
        fieldapp is too old (`ClientTooOld`).

        Calls from several threads take turns.
        """
        with self._lock:
            report = SyncReport(started_at=self._clock())
            state = SyncState.load(self.profile)
            run = _Run(self, report, state)
            try:
                run.sync()
            except SyncError as error:
                report.problem = error.as_message
                state.last_problem = report.problem
                error.report = report
                raise
            else:
                state.last_success = report.finished_at = self._clock()
                state.last_problem = report.failed[0].message if report.failed else None
            finally:
                report.pending, report.held = self._ledger.waiting()
                report.last_success = state.last_success
                state.save()
            self.step("done")
            return report

    def step(self, name: str, done: int = 0, total: int = 0) -> None:
        if self._progress is not None:
            self._progress(SyncProgress(name, done, total))


class _Underway:
    """The blobs of some versions on their way to the server (`_Run.start_blobs`)."""

    def __init__(self, author: str) -> None:
        self.author = author
        #: Batches of small blobs handed to the upload threads: each blob's hash and size,
        #: and the server's answer to come.
        self.batches: list[tuple[list[tuple[str, int]], Future[BlobBatchAnswer]]] = []
        #: Blobs to send on their own (large ones, or to an older server) when finished.
        self.alone: list[str] = []
        #: What stopped the start (raised when the blobs are finished).
        self.error: Exception | None = None


class _Run:
    """The state of one `sync_once`: what was uploaded, the limits, the report."""

    def __init__(self, client: SyncClient, report: SyncReport, state: SyncState) -> None:
        self.client = client
        self.profile = client.profile
        self.line = client.line
        self.report = report
        self.state = state
        self.owner = client.profile.username
        self.limits: ServerLimits | None = None
        self.meta: Meta | None = None
        #: Blobs the server is known to hold, found or uploaded during this sync.
        self.held_blobs: set[str] = set()
        #: Authors whose versions this sync pushed (their digests are checked too).
        self.authors: set[str] = {self.owner}
        #: Whether the server takes batches (an older one answers 404 and gets singles).
        self.batching = client.batch_size > 1
        self.blob_batching = self.batching
        #: Whether the server answers several authors' digests at once (else one each).
        self.digest_batching = True
        #: The threads that upload batches of small blobs beside the pushes (made at the
        #: first batch), and the uploads still on their way.
        self.upload_threads: ThreadPoolExecutor | None = None
        self.uploads_in_flight: list[Future[BlobBatchAnswer]] = []

    # --- the steps ----------------------------------------------------------------------

    def sync(self) -> None:
        try:
            self.line.token(self.owner)
            profile_key = self.line.profile_keys.get(self.owner)
            if profile_key is not None:
                # So that a password an administrator sets later can re-lock the profile.
                self.profile.keep_profile_key(profile_key)
            self.client.step("signed_in")
            meta = self.read_meta()
            self.client.step("meta")
            # A cursor of another history would get a 410 anyway; knowing it from the
            # meta spares that round trip. (The epoch, not the address, names a history:
            # the demo's store moves to another port on every start.)
            new_history = self.state.epoch is not None and self.state.epoch != meta.epoch
            self.push_outbox()
            self.pull(new_history)
            self.state.server = self.client.server_url
            self.state.epoch = meta.epoch
            self.check_digests()
            self.client.step("digest_checked")
        except AccountDeactivated:
            # The account's profile opens no more until the central store accepts it again.
            self.profile.lock()
            raise
        except GaveUp as error:
            raise ServerUnreachable(str(error), network=error.network, busy=error.busy) from error
        except (Refusal, BadAnswer) as error:
            raise SyncError(error.message) from error
        finally:
            self.end_uploads()

    def read_meta(self) -> Meta:
        response = self.line.call("GET", "/v1/sync/meta", user=self.owner)
        meta = _parse(Meta, response)
        if _version_key(self.client.client_version) < _version_key(meta.min_client_version):
            raise ClientTooOld(self.client.client_version, meta.min_client_version)
        self.meta, self.limits = meta, meta.limits
        return meta

    # --- push ---------------------------------------------------------------------------

    def push_outbox(self) -> None:
        """Push the outbox in batches of one author's versions, in their order.

        A version that cannot go at all is failed before anything is sent; one too large
        for a batch goes on its own. An older server without the batch endpoint gets every
        version on its own, as before. The blobs of the next batch are on their way while
        a batch is pushed (`start_blobs`): on a slow line a push and an upload wait for
        their answers together, not one after the other.
        """
        assert self.limits is not None
        batch_bytes = min(self.limits.max_json_bytes // 2, BATCH_BYTES)
        group: list[InspectionVersion] = []
        #: Each version's JSON, made once: for the limits and then for the request.
        bodies: dict[str, str] = {}
        size = 0
        #: The batch whose blobs are on their way, to be pushed once the next one's start.
        waiting: tuple[list[InspectionVersion], dict[str, str], _Underway] | None = None

        def push_waiting() -> None:
            nonlocal waiting
            if waiting is not None:
                ready, ready_bodies, underway = waiting
                waiting = None
                self.push_group(ready, ready_bodies, underway)

        def start(ready: list[InspectionVersion], ready_bodies: dict[str, str]) -> None:
            nonlocal waiting
            attachments = [a for version in ready for a in version.attachments]
            underway = self.start_blobs(ready[0].author, attachments)
            push_waiting()
            waiting = (ready, ready_bodies, underway)

        # Each author's versions in their own order (a correction follows its base), one
        # author after the other: authors do not depend on each other, and a shared device's
        # outbox, interleaved, would otherwise make a batch of one version at a time.
        by_author: dict[str, list[InspectionVersion]] = {}
        for version in self.profile.pending_versions():
            by_author.setdefault(version.author, []).append(version)
        for version in (version for mine in by_author.values() for version in mine):
            if not self.batching:
                push_waiting()  # what came before it goes first
                self.push_one(version)
                continue
            self.authors.add(version.author)
            body = version.model_dump_json()
            refusal = self.precheck(version, body)
            if refusal is not None:
                self.fail(version, refusal, retryable=False)
                continue
            body_bytes = len(body.encode("utf-8"))
            if body_bytes > batch_bytes:
                if group:
                    start(group, bodies)
                    group, bodies, size = [], {}, 0
                push_waiting()
                self.push_one(version)
                continue
            if group and (
                group[0].author != version.author
                or len(group) >= self.client.batch_size
                or size + body_bytes > batch_bytes
            ):
                start(group, bodies)
                group, bodies, size = [], {}, 0
            group.append(version)
            bodies[version.version_id] = body
            size += body_bytes
        if group:
            start(group, bodies)
        push_waiting()

    def push_group(
        self, group: list[InspectionVersion], bodies: Mapping[str, str], underway: _Underway
    ) -> None:
        """Push one author's versions in one request; each is marked sent or failed alone.

        Their blobs go first: `underway` has them on their way (asked for together, small
        ones uploaded together). A whole-batch refusal (an older server, a body over a
        limit, a photo missing on this device) sends the versions one by one instead, so
        each gets its own answer.
        """
        if not self.batching:
            self.settle(underway)
            for version in group:
                self.push_one(version)
            return
        author = group[0].author
        try:
            self.finish_blobs(underway)
            answer = self.post_batch(author, group, bodies)
        except Refusal as refusal:
            if refusal.status in {404, 405}:
                self.batching = False  # a server older than the batch endpoint
            if refusal.status in _BATCH_REFUSALS:
                for version in group:
                    self.push_one(version)
            else:
                # Said of the request, so of each version in it (a role that sends nothing).
                for version in group:
                    self.fail(version, refusal.message, retryable=False, code=refusal.code)
            return
        except (AttachmentMissing, BadAnswer):
            for version in group:
                self.push_one(version)
            return
        except (SignInRefused, AccountDeactivated) as error:
            if author == self.owner:
                raise
            for version in group:
                self.fail(version, error.message, retryable=False)
            return
        except GaveUp as error:
            for version in group:
                self.fail(version, error.message, retryable=True)
            if error.network:
                raise
            return
        except LookupError:  # the token provider cannot act for this author
            for version in group:
                self.fail(version, _not_theirs(author), retryable=False)
            return
        # The server committed the batch; the device has recorded none of it yet.
        self.client.step("version_pushed")
        # What the server holds whole is recorded at once, in one commit; the rest (blobs
        # still missing, refusals) each on its own, as a single push's answer would be.
        stored: list[Stored] = []
        others: list[tuple[InspectionVersion, PushOutcome]] = []
        for version, outcome in zip(group, answer.outcomes, strict=True):
            receipt = outcome.receipt
            whole = (
                outcome.status in {200, 201}
                and receipt is not None
                and not receipt.missing_blobs
                and (receipt.version_id, receipt.content_hash)
                == (version.version_id, version.content_hash)
            )
            if whole and receipt is not None:
                stored.append((version, receipt, outcome.status, receipt.model_dump_json()))
            else:
                others.append((version, outcome))
        self.mark_all(stored)
        for version, outcome in others:
            self.take_outcome(version, outcome)

    def post_batch(
        self, author: str, group: list[InspectionVersion], bodies: Mapping[str, str]
    ) -> PushBatchAnswer:
        """One batch push (`bodies`: each version's JSON by id): the server's outcome per
        version, in the batch's order."""
        body = '{"versions":[' + ",".join(bodies[v.version_id] for v in group) + "]}"
        response = self.line.call("POST", "/v1/sync/push", user=author, content=body, headers=_JSON)
        answer = _parse(PushBatchAnswer, response)
        if len(answer.outcomes) != len(group):
            raise BadAnswer("the batch answer does not match the batch")
        return answer

    def take_outcome(self, version: InspectionVersion, outcome: PushOutcome) -> None:
        """Record one version's answer within a batch, as `push_one` records a single one."""
        receipt = outcome.receipt
        if outcome.status in {200, 201} and receipt is not None:
            if (receipt.version_id, receipt.content_hash) != (
                version.version_id,
                version.content_hash,
            ):
                self.fail(version, _BAD_ANSWER, retryable=True)
                return
            try:
                # Marked sent only once the server holds every blob it names.
                for sha in receipt.missing_blobs:
                    self.ensure_blob(version.author, sha)
            except Refusal as refusal:
                self.fail(version, refusal.message, retryable=False, code=refusal.code)
                return
            except AttachmentMissing as error:
                self.fail(version, error.message, retryable=False)
                return
            except GaveUp as error:
                self.fail(version, error.message, retryable=True)
                if error.network:
                    raise
                return
            self.mark_all([(version, receipt, outcome.status, receipt.model_dump_json())])
            return
        refused = Refusal(outcome.status, outcome.error, "POST", "/v1/sync/push")
        if refused.code is ErrorCode.UNKNOWN_BASE:
            # The base is not on the server: the single path sends it first.
            self.push_one(version)
            return
        retryable = outcome.status >= 500 or outcome.status in {408, 429}
        self.fail(version, refused.message, retryable=retryable, code=refused.code)

    def mark_all(self, stored: Sequence[Stored]) -> None:
        """The server holds these versions and their blobs: mark them sent in one commit,
        count them, report them."""
        if not stored:
            return
        ledger = self.client._ledger
        known = {version.version_id for version, *_ in stored if ledger.is_sent(version.version_id)}
        self.profile.mark_all_sent([(version.version_id, text) for version, _, _, text in stored])
        for version, receipt, status, _ in stored:
            if version.version_id not in known:
                self._count_sent(version.author, version.version_id)
            self.report.sent.append(receipt.version_id)
            if status == 200:
                self.report.already_there.append(receipt.version_id)
            self.client.step("version_marked", len(self.report.sent))

    def push_one(self, version: InspectionVersion, depth: int = 0) -> bool:
        """Push one outbox version and record the outcome on its row; True when sent."""
        author = version.author
        self.authors.add(author)
        try:
            refusal = self.precheck(version)
            if refusal is not None:
                self.fail(version, refusal, retryable=False)
                return False
            # Returns only once the server holds the version and every blob it names.
            receipt, status, text = self.deliver(version, depth, blobs_first=True)
            self.mark_all([(version, receipt, status, text)])
            return True
        except Refusal as refusal:
            self.fail(version, refusal.message, retryable=False, code=refusal.code)
        except (SignInRefused, AccountDeactivated) as error:
            if author == self.owner:
                raise
            self.fail(version, error.message, retryable=False)
        except AttachmentMissing as error:
            self.fail(version, error.message, retryable=False)
        except GaveUp as error:
            self.fail(version, error.message, retryable=True)
            if error.network:
                raise
        except BadAnswer as error:
            self.fail(version, error.message, retryable=True)
        except LookupError:  # the token provider cannot act for this author
            self.fail(version, _not_theirs(author), retryable=False)
        return False

    def precheck(self, version: InspectionVersion, body: str | None = None) -> Text | None:
        """A reason this version cannot go at all, found before sending anything (`body`:
        its JSON, when the caller has it already)."""
        if not self.line.can_act_for(version.author):
            return _not_theirs(version.author)
        assert self.limits is not None
        if body is None:
            body = version.model_dump_json()
        if len(body.encode("utf-8")) > self.limits.max_json_bytes:
            return _too_large(_THE_INSPECTION, self.limits.max_json_bytes)
        for attachment in version.attachments:
            if attachment.size > self.limits.max_blob_bytes:
                return _too_large(
                    _THE_ATTACHMENT.format(question=attachment.question),
                    self.limits.max_blob_bytes,
                )
        return None

    def deliver(
        self, version: InspectionVersion, depth: int, *, blobs_first: bool
    ) -> tuple[PushReceipt, int, str]:
        """Send a version and then whatever blobs its receipt still misses: (receipt,
        status, receipt text). Returns only when the version is complete on the server."""
        author = version.author
        if blobs_first:
            self.ensure_blobs(author, version.attachments)
        path = f"/v1/inspections/{version.inspection_id}/versions/{version.version_id}"
        body = version.model_dump_json()
        try:
            response = self.line.call(
                "PUT", path, user=author, ok=frozenset({200, 201}), content=body, headers=_JSON
            )
        except Refusal as refusal:
            base_id = version.base_version_id
            if refusal.code is not ErrorCode.UNKNOWN_BASE or base_id is None:
                raise
            if depth >= MAX_BASE_DEPTH:
                raise
            if not self.push_base(base_id, depth + 1):
                if self.client._ledger.state(base_id) == "pending":
                    # The base could not go yet for a passing reason: the correction waits
                    # with it as retryable, not held for a person as if it were refused.
                    raise GaveUp("the base version is not on the server yet", False) from None
                raise
            response = self.line.call(
                "PUT", path, user=author, ok=frozenset({200, 201}), content=body, headers=_JSON
            )
        receipt = _parse(PushReceipt, response)
        if (receipt.version_id, receipt.content_hash) != (
            version.version_id,
            version.content_hash,
        ):
            raise BadAnswer("the receipt names another version")
        self.client.step("version_pushed")
        # A replayed receipt lists what was missing at the first push; HEAD tells what is
        # missing now, so nothing is uploaded twice.
        for sha in receipt.missing_blobs:
            self.ensure_blob(author, sha)
        return receipt, response.status_code, response.text

    def push_base(self, base_id: str, depth: int) -> bool:
        """The server lacks the version a correction is based on: send that one first."""
        try:
            base = self.profile.version(base_id)
        except UnknownVersion:
            return False
        state = self.client._ledger.state(base_id)
        if state == "sent":
            try:
                self.deliver(base, depth, blobs_first=True)
            except (Refusal, BadAnswer, AttachmentMissing):
                return False
            return True
        if state == "held":
            return False  # refused before: it waits for a person, and so does its correction
        return self.push_one(base, depth)

    def ensure_blobs(self, author: str, attachments: Iterable[Attachment]) -> None:
        """Make sure the server holds these blobs, in as few requests as the server allows:
        one question for which it holds, small blobs uploaded together (several batches at
        once), large ones each on their own (resumably). A blob damaged on the way is
        started over on its own."""
        self.finish_blobs(self.start_blobs(author, attachments))

    def start_blobs(self, author: str, attachments: Iterable[Attachment]) -> _Underway:
        """Start what `ensure_blobs` does and return before the uploads end, so that the
        pushes go on beside them; `finish_blobs` waits for them and says how they went.

        Asks which blobs the server holds and reads the small ones it lacks (the profile is
        read on this thread only); their batches are uploaded by the upload threads, at
        most UPLOADS_AT_ONCE at a time, which bounds the bytes held in memory. Whatever stops
        this (a refusal, the server gone, a photo missing on the device) is kept and raised
        by `finish_blobs`, at the turn of the versions it belongs to.
        """
        underway = _Underway(author)
        sizes = {a.sha256: a.size for a in attachments if a.sha256 not in self.held_blobs}
        if not sizes:
            return underway
        try:
            if self.blob_batching:
                try:
                    for start in range(0, len(sizes), MAX_HELD_QUERY):
                        asked = list(sizes)[start : start + MAX_HELD_QUERY]
                        response = self.line.call(
                            "POST",
                            "/v1/sync/blobs/held",
                            user=author,
                            content=HeldQuery(sha256=asked).model_dump_json(),
                            headers=_JSON,
                        )
                        self.held_blobs.update(_parse(HeldAnswer, response).held)
                except Refusal as refusal:
                    if refusal.status not in {404, 405}:
                        raise
                    self.blob_batching = False  # a server older than the batch endpoints
            small_limit = min(self.client.chunk_bytes, MAX_BATCHED_BLOB_BYTES)
            batch: list[tuple[str, bytes]] = []
            batch_bytes = 0
            for sha, size in sizes.items():
                if sha in self.held_blobs:
                    continue
                if not self.blob_batching or size > small_limit:
                    underway.alone.append(sha)
                    continue
                if batch and (
                    len(batch) >= MAX_BLOB_BATCH or batch_bytes + size > BLOB_BATCH_BYTES
                ):
                    self.send_batch(underway, batch)
                    batch, batch_bytes = [], 0
                batch.append((sha, self.profile.read_attachment(sha)))
                batch_bytes += size
            if batch:
                self.send_batch(underway, batch)
        except Exception as error:  # raised again by finish_blobs, unchanged
            underway.error = error
        return underway

    def send_batch(self, underway: _Underway, batch: list[tuple[str, bytes]]) -> None:
        """Hand one batch of small blobs to the upload threads, once fewer than
        UPLOADS_AT_ONCE are on their way."""
        self.uploads_in_flight = [f for f in self.uploads_in_flight if not f.done()]
        while len(self.uploads_in_flight) >= UPLOADS_AT_ONCE:
            wait(self.uploads_in_flight, return_when=FIRST_COMPLETED)
            self.uploads_in_flight = [f for f in self.uploads_in_flight if not f.done()]
        if self.upload_threads is None:
            self.upload_threads = ThreadPoolExecutor(UPLOADS_AT_ONCE, thread_name_prefix="upload")
        future = self.upload_threads.submit(self.post_blob_batch, underway.author, batch)
        self.uploads_in_flight.append(future)
        underway.batches.append(([(sha, len(data)) for sha, data in batch], future))

    def post_blob_batch(self, author: str, batch: list[tuple[str, bytes]]) -> BlobBatchAnswer:
        """Upload small blobs in one request (on an upload thread): the server's answer."""
        manifest = ",".join(f"{sha}:{len(data)}" for sha, data in batch)
        response = self.line.call(
            "POST",
            "/v1/blobs/batch",
            user=author,
            content=b"".join(data for _, data in batch),
            headers={"Content-Type": _OCTETS, "Blob-Manifest": manifest},
        )
        answer = _parse(BlobBatchAnswer, response)
        if [outcome.sha256 for outcome in answer.outcomes] != [sha for sha, _ in batch]:
            raise BadAnswer("the batch answer names other blobs")
        return answer

    def finish_blobs(self, underway: _Underway) -> None:
        """Wait for the uploads `start_blobs` began and record them; send the large blobs
        and any that was damaged on the way on their own. Raises what stopped them."""
        author = underway.author
        for sent, future in underway.batches:
            answer = future.result()
            for (sha, size), outcome in zip(sent, answer.outcomes, strict=True):
                if outcome.status in {200, 201}:
                    self.held_blobs.add(sha)
                    self.report.blobs_uploaded += 1
                    self.report.bytes_uploaded += size
                    self.client.step("blob_done", self.report.blobs_uploaded)
                elif (
                    outcome.error is not None and outcome.error.code is ErrorCode.BLOB_HASH_MISMATCH
                ):
                    log.warning("blob %s was damaged on the way; sending it on its own", sha[:12])
                    self.ensure_blob(author, sha)
                else:
                    raise Refusal(outcome.status, outcome.error, "POST", "/v1/blobs/batch")
        if underway.error is not None:
            raise underway.error
        for sha in underway.alone:
            self.ensure_blob(author, sha)

    def settle(self, underway: _Underway) -> None:
        """Wait for the uploads `start_blobs` began and keep what arrived, saying nothing of
        what did not: the versions they were for go on their own, which asks again."""
        for sent, future in underway.batches:
            try:
                answer = future.result()
            except Exception:  # each version's own push meets it again
                continue
            for (sha, _size), outcome in zip(sent, answer.outcomes, strict=True):
                if outcome.status in {200, 201}:
                    self.held_blobs.add(sha)

    def end_uploads(self) -> None:
        """Let every upload still on its way end (a sync that stopped early leaves none
        running behind it), and stop the upload threads."""
        if self.upload_threads is not None:
            self.upload_threads.shutdown(wait=True, cancel_futures=True)
            self.upload_threads = None
        self.uploads_in_flight = []

    def ensure_blob(self, author: str, sha: str) -> None:
        """Make sure the server holds this blob: HEAD, then upload what it lacks.

        A hash mismatch means bytes were damaged on the way (the device checked them when
        it read the file): start that blob over, a bounded number of times.
        """
        if sha in self.held_blobs:
            return
        path = f"/v1/blobs/{sha}"
        data: bytes | None = None
        for _round in range(MAX_BLOB_ROUNDS):
            head = self.line.call("HEAD", path, user=author, ok=frozenset({200, 404}))
            if head.status_code == 200:
                self.held_blobs.add(sha)
                return
            offset = _int_header(head, "Upload-Offset")
            if data is None:
                data = self.profile.read_attachment(sha)
            try:
                self.upload(author, sha, data, offset)
            except Refusal as refusal:
                if refusal.code is ErrorCode.BLOB_HASH_MISMATCH:
                    log.warning("blob %s was damaged on the way; starting it over", sha[:12])
                    continue
                raise
            self.held_blobs.add(sha)
            self.report.blobs_uploaded += 1
            self.client.step("blob_done", self.report.blobs_uploaded)
            return
        raise GaveUp(f"blob {sha[:12]}: damaged on the way {MAX_BLOB_ROUNDS} times", False)

    def upload(self, author: str, sha: str, data: bytes, offset: int) -> None:
        path = f"/v1/blobs/{sha}"
        total = len(data)
        chunk = self.client.chunk_bytes
        if (total <= chunk and offset == 0) or total == 0:
            self.line.call(
                "PUT",
                path,
                user=author,
                ok=frozenset({200, 201}),
                content=data,
                headers={"Content-Type": _OCTETS},
            )
            self.report.bytes_uploaded += total
            return
        # A partial upload that already holds every byte (the server stopped before keeping
        # it) cannot be finished by a range: start it over from the first byte.
        position = offset if offset < total else 0
        # Each range either advances or is answered with where to go on: bounded.
        for _step in range(2 * (total // chunk + 1) + 8):
            end = min(position + chunk, total) - 1
            try:
                response = self.line.call(
                    "PUT",
                    path,
                    user=author,
                    ok=frozenset({200, 201, 202}),
                    content=data[position : end + 1],
                    headers={
                        "Content-Type": _OCTETS,
                        "Content-Range": f"bytes {position}-{end}/{total}",
                    },
                )
            except Refusal as refusal:
                expected = refusal.body.expected_offset if refusal.body else None
                if refusal.code is ErrorCode.UPLOAD_OFFSET_MISMATCH and expected is not None:
                    # An earlier range did arrive though its answer was lost: go on there.
                    position = expected if expected < total else 0
                    continue
                raise
            receipt = _parse(BlobReceipt, response)
            self.report.bytes_uploaded += end + 1 - position
            if receipt.complete:
                return
            position = receipt.received
            self.client.step("blob_range", position, total)
        raise GaveUp(f"blob {sha[:12]}: the upload did not advance", False)

    def fail(
        self,
        version: InspectionVersion,
        message: Text,
        *,
        retryable: bool,
        code: ErrorCode | None = None,
    ) -> None:
        self.profile.record_send_failure(
            version.version_id, message.pick(self.client.language), retryable
        )
        self.report.failed.append(
            VersionProblem(
                version.version_id,
                version.inspection_id,
                Message(nl=message.nl, en=message.en),
                retryable,
                code.value if code is not None else None,
            )
        )

    def _count_sent(self, author: str, version_id: str) -> None:
        """Keep the cached device digest in step with a version this sync marked sent."""
        state = self.state
        if state.sent_total >= 0:
            state.digests.setdefault(author, AuthorDigest()).add(version_id)
            state.sent_total += 1

    # --- pull ---------------------------------------------------------------------------

    def pull(self, new_history: bool) -> None:
        cursor = self.profile.pull_cursor()
        if cursor is None or new_history:
            self.load_whole(reset=cursor is not None)
            return
        try:
            self.pull_from(cursor)
        except Refusal as refusal:
            if refusal.status != 410:
                raise
            log.info("the central store's history changed (410): reloading")
            self.load_whole(reset=True)

    def fetch(self, cursor: str | None) -> ChangesPage:
        params: dict[str, Any] = {"limit": self.client.page_size}
        if cursor is not None:
            params["cursor"] = cursor
        response = self.line.call("GET", "/v1/changes", user=self.owner, params=params)
        return _parse(ChangesPage, response)

    def pull_from(self, cursor: str) -> None:
        for _page in range(MAX_PAGES):
            page = self.fetch(cursor)
            self.client.step("page_fetched", len(page.changes))
            if page.changes or page.next_cursor != cursor:
                mapped = self.client._mapper.page(page.changes)
                self.report.notes.extend(mapped.rejected_forms)
                self.apply(mapped.changes, page.next_cursor)
            self.report.pulled += len(page.changes)
            self.client.step("page_applied", len(page.changes))
            cursor = page.next_cursor
            if not page.has_more:
                return
        raise GaveUp("the change feed did not end", False)

    def apply(self, changes: Sequence[StoreChange], cursor: str | None) -> None:
        try:
            result = self.profile.apply_changes(changes, cursor)
        except FormRejected as error:
            # A form version the officer's inspections use changed on the server: keep
            # the device's (it is a contract), apply the rest, and say so.
            self.report.notes.append(str(error))
            kept = [
                c for c in changes if not (isinstance(c, Upsert) and isinstance(c.item, FormText))
            ]
            result = self.profile.apply_changes(kept, cursor)
        self.report.returns += result.returns
        self.report.approvals += result.approvals
        self.report.ignored.extend(result.ignored)

    def load_whole(self, *, reset: bool) -> None:
        """Pull the feed from the start and make it the device's reference data.

        The replacement and the review events go in two transactions, in this order, with
        the cursor stored only by the second: a crash in between leaves no cursor, so the
        next sync simply pulls from the start again.
        """
        for _attempt in range(3):
            builder = SnapshotBuilder(self.client._mapper)
            cursor: str | None = None
            try:
                for _page in range(MAX_PAGES):
                    page = self.fetch(cursor)
                    builder.add(page.changes)
                    cursor = page.next_cursor
                    self.client.step("page_fetched", len(page.changes))
                    if not page.has_more:
                        break
            except Refusal as refusal:
                if refusal.status == 410:
                    continue  # the epoch changed while loading: start over
                raise
            self.profile.replace_reference_data(builder.snapshot(), None)
            self.client.step("reference_replaced", builder.count)
            self.apply(builder.reviews, cursor)
            self.report.notes.extend(builder.rejected_forms)
            self.report.pulled += builder.count
            self.client.step("page_applied", builder.count)
            if reset:
                self.report.reset = True
            else:
                self.report.initial_load = True
            return
        raise GaveUp("the central store's history kept changing during a reload", False)

    # --- drift --------------------------------------------------------------------------

    def check_digests(self) -> None:
        digests = self.client._ledger.digests(self.state)
        authors = sorted(
            author
            for author in {*self.authors, *digests}
            if author == self.owner or self.line.can_act_for(author)
        )
        asked = self.server_digests(authors)
        for author in authors:
            try:
                self.check_digest(author, digests.get(author, AuthorDigest()), asked[author])
            except (SignInRefused, AccountDeactivated):
                if author == self.owner:
                    raise
                self.report.notes.append(f"{author}: sign-in refused; digest not checked")

    def server_digests(self, authors: Sequence[str]) -> dict[str, Callable[[], Digest]]:
        """Ask the server for each author's digest: a shared device asks for all of its
        users in one question (`POST /v1/sync/digests`), an older server one question per
        author, several at a time. Each answer comes back as a call that gives the digest
        or raises what asking raised, so every author's failure is handled at its turn."""
        if len(authors) < 2:
            return {author: functools.partial(self.ask_digest, author) for author in authors}
        if self.digest_batching:
            answers: dict[str, Callable[[], Digest]] = {}
            for start in range(0, len(authors), MAX_DIGEST_QUERY):
                asked = self.digests_at_once(authors[start : start + MAX_DIGEST_QUERY])
                if asked is None:
                    break
                answers.update(asked)
            else:
                return answers
        return self.digests_one_by_one(authors)

    def ask_digest(self, author: str) -> Digest:
        """`author`'s digest, asked as them alone."""
        return _parse(Digest, self.line.call("GET", "/v1/sync/digest", user=author))

    def digests_at_once(self, authors: Sequence[str]) -> dict[str, Callable[[], Digest]] | None:
        """The digests of `authors` in one request, each proven by that author's token.

        An author whose sign-in is refused raises that at their turn. Tokens the server
        did not take (expired or revoked meanwhile) are renewed, several at a time, and
        asked about once more together; one still not taken is asked alone, which says
        why. None when the server is older than the question.
        """
        answers: dict[str, Callable[[], Digest]] = {}
        tokens = self.tokens_for(authors, set(), answers)
        asked = self.ask_digests(tokens)
        if asked is None:
            return None
        refused = [author for author, digest in asked.items() if digest is None]
        for author, digest in asked.items():
            if digest is not None:
                answers[author] = functools.partial(_given, digest)
        if refused:
            # The owner's token may be fresh already: the line signed in again to repeat
            # the question when the owner's own token had died at it.
            stale = {author for author in refused if self.line.held_token(author) == tokens[author]}
            again = self.tokens_for(refused, stale, answers)
            second = self.ask_digests(again) or {}
            for author in again:
                digest = second.get(author)
                answers[author] = (
                    functools.partial(_given, digest)
                    if digest is not None
                    else functools.partial(self.ask_digest, author)
                )
        return answers

    def tokens_for(
        self, authors: Sequence[str], renew: set[str], answers: dict[str, Callable[[], Digest]]
    ) -> dict[str, str]:
        """A token of each author (a fresh sign-in for those in `renew` and those without
        one held), the sign-ins several at a time: after a fortnight away every token of a
        shared device has expired. An author without a token the question can carry goes
        into `answers` to be asked alone, or to raise their refused sign-in at their turn.
        """

        def token(author: str) -> str | None:
            return self.line.token(author, renew=author in renew)

        needed = [a for a in authors if a in renew or self.line.held_token(a) is None]
        found: dict[str, str | BaseException | None] = {}
        if len(needed) > 1:
            with ThreadPoolExecutor(
                min(DIGEST_QUESTIONS_AT_ONCE, len(needed)), thread_name_prefix="sign-in"
            ) as pool:
                futures = {author: pool.submit(token, author) for author in needed}
            for author, future in futures.items():
                error = future.exception()
                found[author] = error if error is not None else future.result()
        tokens: dict[str, str] = {}
        for author in authors:
            try:
                held = found[author] if author in found else token(author)
                if isinstance(held, BaseException):
                    raise held
            except (SignInRefused, AccountDeactivated) as error:
                answers[author] = functools.partial(_raise, error)
                continue
            if held is None or not 0 < len(held) <= MAX_TOKEN_CHARS:
                # No token, or one the question cannot carry (another server's kind).
                answers[author] = functools.partial(self.ask_digest, author)
            else:
                tokens[author] = held
        return tokens

    def ask_digests(self, tokens: dict[str, str]) -> dict[str, Digest | None] | None:
        """`POST /v1/sync/digests` for these authors' tokens: each author's digest, or None
        where the server did not take the token. None when the server is older."""
        if not tokens:
            return {}
        try:
            response = self.line.call(
                "POST",
                "/v1/sync/digests",
                user=self.owner,
                content=DigestQuery(tokens=list(tokens.values())).model_dump_json(),
                headers=_JSON,
            )
        except Refusal as refusal:
            if refusal.status not in {404, 405}:
                raise
            self.digest_batching = False  # a server older than the question
            return None
        answer = _parse(DigestsAnswer, response)
        if len(answer.digests) != len(tokens):
            raise BadAnswer("the digests answer does not match the question")
        return {
            author: item.digest if item.username == author else None
            for author, item in zip(tokens, answer.digests, strict=True)
        }

    def digests_one_by_one(self, authors: Sequence[str]) -> dict[str, Callable[[], Digest]]:
        """Each author's digest in a request of its own, several at a time (an older
        server): one after the other, that is a round trip each."""
        stopped: list[BaseException] = []

        def answer(future: Future[Digest]) -> Callable[[], Digest]:
            def result() -> Digest:
                if future.cancelled():
                    raise stopped[0]
                return future.result()

            return result

        workers = min(DIGEST_QUESTIONS_AT_ONCE, len(authors))
        with ThreadPoolExecutor(workers, thread_name_prefix="digest") as pool:
            futures = {author: pool.submit(self.ask_digest, author) for author in authors}
            pending = set(futures.values())
            while pending and not stopped:
                done, pending = wait(pending, return_when=FIRST_EXCEPTION)
                # What ends the sync at its author's turn (the server unreachable, a
                # cancel, …) ends the questions not yet asked too: with the server gone,
                # each would wait out its own retries first.
                stopped.extend(
                    error
                    for error in (f.exception() for f in done)
                    if error is not None
                    and not isinstance(error, SignInRefused | AccountDeactivated)
                )
            for future in pending:
                future.cancel()
        return {author: answer(future) for author, future in futures.items()}

    def check_digest(self, author: str, device: AuthorDigest, asked: Callable[[], Digest]) -> None:
        """Compare the device's digest of `author` with the server's (`asked`): repush on a
        difference, and upload the blobs of versions the server lists as incomplete."""
        server = asked()
        agreed = (server.count, server.hash) == (device.count, device.hash)
        if not agreed and self.state.verified.get(author) != (server.hash, device.hash):
            log.info(
                "digest of %s differs (server %d, device %d): pushing sent versions again",
                author,
                server.count,
                device.count,
            )
            complete = self.repush(author)
            server = self.ask_digest(author)
            # Remember the pair: another device of the same person makes the server hold
            # more than this device, and that is no reason to push everything again. Only
            # after a repush that went through: a failed one must be tried again next time.
            if complete:
                self.state.verified[author] = (server.hash, device.hash)
        for version_id in server.incomplete:
            try:
                version = self.profile.version(version_id)
            except UnknownVersion:
                continue  # another device's version
            for sha in _unique(a.sha256 for a in version.attachments):
                try:
                    self.ensure_blob(author, sha)
                except (Refusal, AttachmentMissing, StoreError) as error:
                    self.report.notes.append(f"{version_id[:8]}: {error}")

    def repush(self, author: str) -> bool:
        """Send every version believed sent again, in batches; True when all of them went.

        The blobs go after the receipts, only those the server still lacks: a batch's are
        on their way while the next batch is sent.
        """
        assert self.limits is not None
        batch_bytes = min(self.limits.max_json_bytes // 2, BATCH_BYTES)
        complete = True
        group: list[InspectionVersion] = []
        bodies: dict[str, str] = {}
        size = 0
        underway: _Underway | None = None

        def send(ready: list[InspectionVersion], ready_bodies: dict[str, str]) -> bool:
            nonlocal underway
            went, missing = self.repush_group(author, ready, ready_bodies)
            earlier, underway = underway, missing
            return self.finish_repair_blobs(earlier) and went

        for version_id in self.client._ledger.sent_ids(author):
            try:
                version = self.profile.version(version_id)
            except UnknownVersion as error:
                self.report.notes.append(f"{version_id[:8]}: {error}")
                complete = False
                continue
            body = version.model_dump_json()
            body_bytes = len(body.encode("utf-8"))
            if not self.batching or body_bytes > batch_bytes:
                complete = self.repush_one(version) and complete
                continue
            if group and (len(group) >= self.client.batch_size or size + body_bytes > batch_bytes):
                complete = send(group, bodies) and complete
                group, bodies, size = [], {}, 0
            group.append(version)
            bodies[version.version_id] = body
            size += body_bytes
        if group:
            complete = send(group, bodies) and complete
        return self.finish_repair_blobs(underway) and complete

    def repush_group(
        self, author: str, group: list[InspectionVersion], bodies: Mapping[str, str]
    ) -> tuple[bool, _Underway | None]:
        """Send versions believed sent again in one request: whether all of them went, and
        the blobs the server still lacks, on their way (`finish_repair_blobs` waits)."""
        try:
            answer = self.post_batch(author, group, bodies)
        except (Refusal, BadAnswer) as error:
            if isinstance(error, Refusal) and error.status in {404, 405}:
                self.batching = False
            # Each on its own, every one of them (not only until the first that fails).
            went = [self.repush_one(version) for version in group]
            return all(went), None
        complete = True
        missing: dict[str, Attachment] = {}
        for version, outcome in zip(group, answer.outcomes, strict=True):
            receipt = outcome.receipt
            if outcome.status in {200, 201} and receipt is not None:
                if receipt.version_id != version.version_id:
                    self.report.notes.append(f"{version.version_id[:8]}: another receipt")
                    complete = False
                    continue
                if outcome.status == 201:
                    self.report.drift_repaired += 1
                for attachment in version.attachments:
                    if attachment.sha256 in receipt.missing_blobs:
                        missing[attachment.sha256] = attachment
                continue
            refused = Refusal(outcome.status, outcome.error, "POST", "/v1/sync/push")
            if refused.code is ErrorCode.UNKNOWN_BASE:
                complete = self.repush_one(version) and complete
                continue
            complete = False
            self.hold_refused_sent(version, refused)
        return complete, self.start_blobs(author, missing.values())

    def finish_repair_blobs(self, underway: _Underway | None) -> bool:
        """Wait for the blobs a repair sent; True when the server holds them all."""
        if underway is None:
            return True
        try:
            self.finish_blobs(underway)
        except (Refusal, BadAnswer, AttachmentMissing, StoreError) as error:
            self.report.notes.append(f"{underway.author}: {error}")
            return False
        return True

    def repush_one(self, version: InspectionVersion) -> bool:
        """Send one version believed sent again, on its own; True when it went."""
        try:
            _, status, _ = self.deliver(version, 0, blobs_first=False)
        except Refusal as refusal:
            self.hold_refused_sent(version, refusal)
            return False
        except (BadAnswer, AttachmentMissing, UnknownVersion) as error:
            self.report.notes.append(f"{version.version_id[:8]}: {error}")
            return False
        if status == 201:
            self.report.drift_repaired += 1
        return True

    def hold_refused_sent(self, version: InspectionVersion, refusal: Refusal) -> None:
        """The server does not hold a version believed sent and will not take it: it is not
        sent. Hold it for a person with the server's words, as a refused push is held."""
        if self.profile.hold_sent(version.version_id, refusal.message.pick(self.client.language)):
            self.report.failed.append(
                VersionProblem(
                    version.version_id,
                    version.inspection_id,
                    Message(nl=refusal.message.nl, en=refusal.message.en),
                    False,
                    refusal.code.value if refusal.code is not None else None,
                )
            )


# --- helpers ---------------------------------------------------------------------------------


_Model = TypeVar("_Model", bound=BaseModel)


def _parse(model: type[_Model], response: httpx.Response) -> _Model:
    try:
        return model.model_validate_json(response.content)
    except (ValidationError, ValueError) as error:
        raise BadAnswer(f"{response.request.url.path}: {error}") from error


def _given(digest: Digest) -> Digest:
    return digest


def _raise(error: BaseException) -> Digest:
    raise error


def _int_header(response: httpx.Response, name: str) -> int:
    try:
        return max(0, int(response.headers.get(name, "0")))
    except ValueError:
        return 0


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


_NOT_THEIRS = Text(
    nl="Deze versie is gemaakt door {author}; alleen die gebruiker kan haar versturen.",
    en="This version was made by {author}; only that user can send it.",
)
_TOO_LARGE = Text(
    nl="{what} is groter dan de centrale opslag aanneemt ({megabytes} MB).",
    en="{what} is larger than the central store accepts ({megabytes} MB).",
)
_BAD_ANSWER = Text(
    nl="De centrale opslag gaf een onverwacht antwoord; de versie wordt later opnieuw verstuurd.",
    en="The central store gave an unexpected answer; the version will be sent again later.",
)
_THE_INSPECTION = Text(nl="De controle", en="The inspection")
_THE_ATTACHMENT = Text(nl="De bijlage bij '{question}'", en="The attachment of '{question}'")


def _not_theirs(author: str) -> Text:
    return _NOT_THEIRS.format(author=author)


def _too_large(what: Text, limit: int) -> Text:
    megabytes = max(1, limit // 1_000_000)
    return Text(
        _TOO_LARGE.nl.format(what=what.nl, megabytes=megabytes),
        _TOO_LARGE.en.format(what=what.en, megabytes=megabytes),
    )


def _version_key(version: str) -> tuple[int, ...]:
    parts = []
    for part in version.split("."):
        digits = "".join(ch for ch in part if ch.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple(parts)
