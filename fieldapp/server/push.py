"""Accepting pushed inspection versions exactly once.

A push is idempotent by the version id the device made. The database decides races: the
version id is a primary key, (inspection, sequence number) is unique, and the head moves
by compare-and-set (`UPDATE … WHERE head_version_id = :base`). When two requests race,
one insert fails on a constraint, the transaction is retried, and the retry finds the
winner's row: the same content gets the winner's answer again, other content a 409.
Whether a door-test visit may count for its round is asked in the write transaction,
under a lock on the round (`validation.lock_rounds`, `validation.round_refusal`).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.engine import Connection, RowMapping

from fieldapp.core.answers import canonical_json
from fieldapp.core.engine import FormEngine
from fieldapp.core.inspection import InspectionStatus, InspectionVersion
from fieldapp.protocol.models import ErrorCode, PushReceipt, digest_of
from fieldapp.server import schema
from fieldapp.server.accounts import Principal
from fieldapp.server.blobs import held_among
from fieldapp.server.database import CentralDatabase
from fieldapp.server.errors import ApiError, RaceLost, forbidden
from fieldapp.server.followup import FollowUp
from fieldapp.server.queries import head_of
from fieldapp.server.stored_forms import StoredForms
from fieldapp.server.summaries import ReportQueries
from fieldapp.server.usage import (
    MAX_HELD_CONFLICTS,
    charge,
    check_quota,
    held_conflicts,
    quota_exceeded,
    usage_of,
)
from fieldapp.server.validation import (
    References,
    RoundVisit,
    check_version,
    lock_rounds,
    round_refusal,
    round_visit,
)


@dataclass(frozen=True)
class PushAnswer:
    """The status and exact body bytes of a push answer (a replay repeats the bytes)."""

    status: int
    body: bytes


class Pushes:
    """Pushed versions: checked, stored once, and counted in their author's digest."""

    def __init__(
        self,
        database: CentralDatabase,
        quota_bytes: int,
        followup: FollowUp | None = None,
        summaries: ReportQueries | None = None,
        forms: StoredForms | None = None,
    ) -> None:
        self.database = database
        self.quota_bytes = quota_bytes
        #: Turns a patrol's referrals still to report into the supervisor's actions.
        self.followup = followup
        #: Keeps each stored version's period-summary facts beside it.
        self.summaries = summaries
        #: The loaded forms, compiled once (shared with the follow-up and the summaries).
        self.forms = forms if forms is not None else StoredForms()

    def push(
        self,
        principal: Principal,
        inspection_id: str,
        version_id: str,
        version: InspectionVersion,
        now: datetime,
    ) -> PushAnswer:
        if version.inspection_id != inspection_id or version.version_id != version_id:
            raise ApiError(
                422,
                ErrorCode.PATH_MISMATCH,
                "De id's in het adres en in de inhoud verschillen.",
                "The ids in the address and in the body differ.",
                problems=[
                    f"path: {inspection_id}/{version_id}; "
                    f"body: {version.inspection_id}/{version.version_id}"
                ],
            )
        record, record_hash = self._prepare(principal, version)
        return self.database.retrying(
            lambda: self._push_once(principal, version, record, record_hash, now)
        )

    def push_batch(
        self, principal: Principal, items: list[dict[str, Any]], now: datetime
    ) -> BatchAnswer:
        """Push several versions in one transaction; each is accepted or refused on its own.

        Every version is checked as a single push checks it, then all are applied in one
        write transaction, each inside a savepoint: a refusal rolls back only its own
        writes (a refused version that is held as a conflict keeps that), a lost race
        retries the whole batch, whose replays then find what the twin committed. The
        answer embeds each receipt as stored, so a replay repeats the receipt's bytes.
        """
        if not principal.is_author:
            raise forbidden(
                f"A {principal.role.value} does not send inspections.",
                f"Een {principal.role.value} verstuurt geen controles.",
            )
        outcomes: list[PushAnswer | ApiError | None] = [None] * len(items)
        prepared: list[tuple[int, InspectionVersion, bytes, str]] = []
        seen: References = {}
        with self.database.read() as connection:
            for index, item in enumerate(items):
                try:
                    version = InspectionVersion.model_validate(item)
                except ValidationError as error:
                    outcomes[index] = _invalid_version(error)
                    continue
                try:
                    record, record_hash = self._prepare(principal, version, connection, seen)
                except ApiError as refusal:
                    outcomes[index] = refusal
                    continue
                prepared.append((index, version, record, record_hash))
        if prepared:
            applied = self.database.retrying(lambda: self._batch_once(principal, prepared, now))
            for index, applied_outcome in applied.items():
                outcomes[index] = applied_outcome
        parts = []
        for item, outcome in zip(items, outcomes, strict=True):
            assert outcome is not None
            version_id = item.get("version_id")
            shown_id = json.dumps(version_id[:64] if isinstance(version_id, str) else None)
            if isinstance(outcome, PushAnswer):
                parts.append(
                    f'{{"version_id":{shown_id},"status":{outcome.status},'
                    f'"receipt":{outcome.body.decode("utf-8")}}}'
                )
            else:
                refused = json.dumps(outcome.content(), ensure_ascii=False)
                parts.append(
                    f'{{"version_id":{shown_id},"status":{outcome.status},"error":{refused}}}'
                )
        return BatchAnswer(
            ('{"outcomes":[' + ",".join(parts) + "]}").encode("utf-8"),
            [outcome.status for outcome in outcomes if outcome is not None],
        )

    def _batch_once(
        self,
        principal: Principal,
        prepared: list[tuple[int, InspectionVersion, bytes, str]],
        now: datetime,
    ) -> dict[int, PushAnswer | ApiError]:
        outcomes: dict[int, PushAnswer | ApiError] = {}
        tally = _Tally()
        # Each door-test visit decoded once for the locks and the checks below.
        visits: dict[int, RoundVisit] = {}
        for index, version, _, _ in prepared:
            named = round_visit(self._form(principal, version), version)
            if named is not None:
                visits[index] = named
        with self.database.write() as connection:
            # Every round of the batch at once, before any write (`lock_rounds` says why).
            lock_rounds(connection, (named.round_id for named in visits.values()))
            fresh = _Fresh(self, connection, principal, prepared, now)
            for index, version, record, record_hash in prepared:
                named = visits.get(index)
                if named is not None:
                    # The round check reads the visits written so far, this batch's too.
                    fresh.flush()
                    engine = self._form(principal, version)
                    round_refused = round_refusal(connection, engine, principal, version, named)
                    if round_refused is not None:
                        outcomes[index] = round_refused
                        continue
                if fresh.takes(version):
                    outcomes[index] = fresh.add(version, record, record_hash, tally)
                    continue
                # Anything else (a next version, a replay, an id seen before in this batch)
                # goes the single way, after the fresh ones so far are written.
                fresh.flush()
                savepoint = connection.begin_nested()
                try:
                    answer, refusal = self._apply(
                        connection, principal, version, record, record_hash, now, tally
                    )
                except ApiError as error:
                    savepoint.rollback()
                    outcomes[index] = error
                    continue
                except BaseException:
                    savepoint.rollback()
                    raise
                savepoint.commit()
                if refusal is not None:
                    outcomes[index] = refusal
                else:
                    assert answer is not None
                    outcomes[index] = answer
                    if answer.status == 201:
                        # Counted once the version's savepoint holds, added below at once.
                        tally.version_ids.append(version.version_id)
                        tally.bytes += len(record)
            fresh.flush()
            if tally.version_ids:
                self._add_to_digest(connection, principal.username, tally.version_ids)
                charge(self.database, connection, principal.username, tally.bytes)
        return outcomes

    def _prepare(
        self,
        principal: Principal,
        version: InspectionVersion,
        connection: Connection | None = None,
        seen: References | None = None,
    ) -> tuple[bytes, str]:
        """The checks before any write, as a single push makes them: the stored record and
        its hash, or an `ApiError`. `connection`: a read transaction to check in (a batch
        checks all its versions in one)."""
        if not principal.is_author:
            raise forbidden(
                f"A {principal.role.value} does not send inspections.",
                f"Een {principal.role.value} verstuurt geen controles.",
            )
        if version.author != principal.username:
            raise forbidden(
                "This version names another author than the signed-in user.",
                "Deze versie noemt een andere auteur dan de aangemelde gebruiker.",
                ErrorCode.AUTHOR_MISMATCH,
            )
        if version.base_version_id == version.version_id:
            raise ApiError(
                422,
                ErrorCode.INVALID,
                "Een versie kan niet zijn eigen basis zijn.",
                "A version cannot be its own base.",
            )
        if not version.hash_matches():
            raise ApiError(
                422,
                ErrorCode.CONTENT_HASH_MISMATCH,
                "De inhoud past niet bij de meegestuurde inhoudshash; de versie is niet "
                "opgeslagen.",
                "The content does not match its content hash; the version was not stored.",
            )
        record = canonical_json(version.model_dump(mode="json"))
        record_hash = hashlib.sha256(record).hexdigest()
        engine = self._form(principal, version)
        if connection is not None:
            check_version(connection, engine, principal, version, seen)
        else:
            with self.database.read() as reading:
                check_version(reading, engine, principal, version)
        return record, record_hash

    def _form(self, principal: Principal, version: InspectionVersion) -> FormEngine:
        """The compiled form of the version, if it exists and the principal's role fills it."""
        known = self.forms.known(version.form_id, version.form_version)
        if known is None:
            with self.database.read() as connection:
                known = self.forms.get(connection, version.form_id, version.form_version)
        if known is None:
            raise ApiError(
                422,
                ErrorCode.UNKNOWN_FORM,
                f"Het formulier {version.form_id[:64]} {version.form_version[:32]} is de "
                "server onbekend.",
                f"The form {version.form_id[:64]} {version.form_version[:32]} is unknown to "
                "the server.",
            )
        if principal.role.value not in known.roles:
            raise forbidden(
                f"The form {version.form_id} is not filled in by a {principal.role.value}.",
                f"Het formulier {version.form_id} is niet voor een {principal.role.value}.",
                ErrorCode.FORM_NOT_ALLOWED,
            )
        return known.engine

    def _push_once(
        self,
        principal: Principal,
        version: InspectionVersion,
        record: bytes,
        record_hash: str,
        now: datetime,
    ) -> PushAnswer:
        engine = self._form(principal, version)
        named = round_visit(engine, version)
        with self.database.write() as connection:
            # Before anything is written, so a refused visit leaves nothing behind.
            if named is not None:
                lock_rounds(connection, [named.round_id])
                refused = round_refusal(connection, engine, principal, version, named)
                if refused is not None:
                    raise refused
            answer, refusal = self._apply(connection, principal, version, record, record_hash, now)
        # A refused version held as a conflict is committed before the refusal is told.
        if refusal is not None:
            raise refusal
        assert answer is not None
        return answer

    def _apply(
        self,
        connection: Connection,
        principal: Principal,
        version: InspectionVersion,
        record: bytes,
        record_hash: str,
        now: datetime,
        tally: _Tally | None = None,
    ) -> tuple[PushAnswer | None, ApiError | None]:
        """Store one checked version in the open transaction: (answer, None), or (None,
        refusal) for a refusal whose conflict is kept; other refusals are raised.

        With a `tally` (a batch), the digest and the account's usage are left to the
        caller, which adds those of the whole batch at once."""
        refusal: ApiError | None = None
        answer: PushAnswer | None = None
        # Lock the inspection first (PostgreSQL; SQLite has one writer anyway), then
        # look for a replay: a duplicate that waited on the lock must see the version
        # its twin just committed, not a head that seems to have moved.
        query = sa.select(schema.inspections).where(
            schema.inspections.c.inspection_id == version.inspection_id
        )
        if self.database.is_postgresql:
            query = query.with_for_update()
        inspection = connection.execute(query).mappings().first()
        answer = self._replay(connection, version, record_hash)
        if answer is not None:
            return answer, None
        if inspection is not None and inspection["author"] != principal.username:
            raise forbidden(
                "This inspection belongs to someone else.",
                "Deze controle is van iemand anders.",
                ErrorCode.NOT_YOURS,
            )
        if inspection is None:
            if version.base_version_id is not None:
                refusal = ApiError(
                    409,
                    ErrorCode.UNKNOWN_BASE,
                    "De server kent de vorige versie van deze controle niet; stuur die eerst.",
                    "The server does not hold the version this one is based on; send "
                    "that one first.",
                )
            else:
                seq = 1
                connection.execute(
                    schema.inspections.insert().values(_new_inspection_row(version, principal, now))
                )
        else:
            refusal = self._check_base(connection, inspection, version)
            if refusal is None:
                moved = connection.execute(
                    schema.inspections.update()
                    .where(schema.inspections.c.inspection_id == version.inspection_id)
                    .where(schema.inspections.c.head_version_id == version.base_version_id)
                    .values(
                        head_version_id=version.version_id,
                        version_count=schema.inspections.c.version_count + 1,
                        status=InspectionStatus.SENT.value,
                        venue_id=version.venue_id,
                        area_id=version.area_id,
                        assignment_id=version.assignment_id,
                        updated_at=now,
                    )
                )
                if moved.rowcount != 1:
                    # Someone moved the head since we read it: start over and re-read.
                    raise RaceLost(version.version_id)
                seq = int(inspection["version_count"]) + 1
        if refusal is not None:
            self._hold_conflict(connection, principal, version, inspection, record, now)
        else:
            answer = self._store(connection, version, seq, record, record_hash, now, tally)
            if self.summaries is not None:
                self.summaries.on_pushed(connection, [version])
            if self.followup is not None:
                team = inspection["team"] if inspection is not None else principal.team
                self.followup.on_pushed(connection, version, team, now)
        return answer, refusal

    def _hold_conflict(
        self,
        connection: Connection,
        principal: Principal,
        version: InspectionVersion,
        inspection: RowMapping | None,
        record: bytes,
        now: datetime,
    ) -> None:
        """Keep a refused version for a person to resolve; never apply it.

        An account holds at most MAX_HELD_CONFLICTS within its quota; past that the
        refusal stands but the version is not kept (the device still has it).
        """
        username = principal.username
        if held_conflicts(connection, username) >= MAX_HELD_CONFLICTS:
            return
        if usage_of(connection, username) + len(record) > self.quota_bytes:
            return
        kept = connection.execute(
            self.database.insert_ignoring_duplicates(schema.conflicts).values(
                version_id=version.version_id,
                inspection_id=version.inspection_id,
                author=username,
                head_version_id=inspection["head_version_id"] if inspection else None,
                record=record.decode("utf-8"),
                received_at=now,
            )
        )
        if kept.rowcount == 1:
            charge(self.database, connection, username, len(record))

    def _replay(
        self, connection: Connection, version: InspectionVersion, record_hash: str
    ) -> PushAnswer | None:
        stored = (
            connection.execute(
                sa.select(
                    schema.versions.c.record_hash,
                    schema.versions.c.receipt,
                    schema.versions.c.author,
                ).where(schema.versions.c.version_id == version.version_id)
            )
            .mappings()
            .first()
        )
        if stored is None:
            return None
        if stored["author"] != version.author:
            raise forbidden(
                "This version belongs to someone else.",
                "Deze versie is van iemand anders.",
                ErrorCode.NOT_YOURS,
            )
        if stored["record_hash"] != record_hash:
            raise ApiError(
                409,
                ErrorCode.VERSION_CONFLICT,
                "De server heeft al een andere versie met dit id; deze is niet opgeslagen.",
                "The server already holds a different version with this id; this one was "
                "not stored.",
            )
        return PushAnswer(200, stored["receipt"].encode("utf-8"))

    def _check_base(
        self, connection: Connection, inspection: RowMapping, version: InspectionVersion
    ) -> ApiError | None:
        if inspection["status"] == InspectionStatus.APPROVED.value:
            return ApiError(
                409,
                ErrorCode.INSPECTION_CLOSED,
                "Deze controle is al goedgekeurd; een nieuwe versie kan niet meer.",
                "This inspection has been approved; it takes no new versions.",
                head=head_of(connection, inspection),
            )
        if inspection["head_version_id"] != version.base_version_id:
            return ApiError(
                409,
                ErrorCode.STALE_BASE,
                "Deze versie bouwt voort op een oudere versie dan de laatste op de server. "
                "Beide zijn bewaard; kies wat blijft.",
                "This version is based on an older version than the latest on the server. "
                "Both are kept; decide which stays.",
                head=head_of(connection, inspection),
            )
        return None

    def _store(
        self,
        connection: Connection,
        version: InspectionVersion,
        seq: int,
        record: bytes,
        record_hash: str,
        now: datetime,
        tally: _Tally | None = None,
    ) -> PushAnswer:
        hashes = sorted({attachment.sha256 for attachment in version.attachments})
        present = held_among(connection, version.author, hashes)
        missing = [sha for sha in hashes if sha not in present]
        receipt = PushReceipt(
            inspection_id=version.inspection_id,
            version_id=version.version_id,
            base_version_id=version.base_version_id,
            content_hash=version.content_hash,
            received_at=now,
            complete=not missing,
            missing_blobs=missing,
        )
        receipt_text = receipt.model_dump_json()
        pending = tally.bytes if tally is not None else 0
        check_quota(connection, version.author, pending + len(record), self.quota_bytes)
        connection.execute(
            schema.versions.insert().values(
                _version_row(version, seq, record, record_hash, receipt_text, not missing, now)
            )
        )
        if hashes:
            connection.execute(
                schema.version_blobs.insert(),
                [{"version_id": version.version_id, "sha256": sha} for sha in hashes],
            )
        if tally is None:
            self._add_to_digest(connection, version.author, [version.version_id])
            charge(self.database, connection, version.author, len(record))
        return PushAnswer(201, receipt_text.encode("utf-8"))

    def _add_to_digest(self, connection: Connection, author: str, version_ids: list[str]) -> None:
        connection.execute(
            self.database.insert_ignoring_duplicates(schema.digests).values(
                author=author, count=0, digest="0" * 64
            )
        )
        query = sa.select(schema.digests.c.count, schema.digests.c.digest).where(
            schema.digests.c.author == author
        )
        if self.database.is_postgresql:
            query = query.with_for_update()
        count, digest = connection.execute(query).one()
        combined = int(digest, 16) ^ int(digest_of(version_ids), 16)
        connection.execute(
            schema.digests.update()
            .where(schema.digests.c.author == author)
            .values(count=int(count) + len(version_ids), digest=f"{combined:064x}")
        )


@dataclass(frozen=True)
class BatchAnswer:
    """A batch push's answer: the JSON body, and each version's status in the batch's order
    (201 stored now, 200 stored before, or the refusal's) for the push metrics."""

    body: bytes
    statuses: list[int]


class _Fresh:
    """The first versions of new inspections in a batch, written with one statement per
    table instead of a dozen per version: the common case of an outbox.

    What the single path reads per version is read once for the batch: which of its
    inspections and versions exist, which of its blobs the author holds, the account's
    usage. A version is fresh when none of that names it: no base, its inspection and
    version ids unknown to the store and not seen earlier in the batch. Such a version
    cannot be refused by the transaction (but by the quota, checked here), and a
    concurrent twin makes an insert fail on its key: the whole batch is then retried,
    and the retry finds the twin's rows and answers them as replays.
    """

    def __init__(
        self,
        pushes: Pushes,
        connection: Connection,
        principal: Principal,
        prepared: list[tuple[int, InspectionVersion, bytes, str]],
        now: datetime,
    ) -> None:
        self.pushes = pushes
        self.connection = connection
        self.principal = principal
        self.now = now
        inspection_ids = sorted({version.inspection_id for _, version, _, _ in prepared})
        version_ids = sorted({version.version_id for _, version, _, _ in prepared})
        inspections, versions = schema.inspections, schema.versions
        self.known_ids: set[str] = set(
            connection.execute(
                sa.select(inspections.c.inspection_id).where(
                    inspections.c.inspection_id.in_(inspection_ids)
                )
            ).scalars()
        )
        self.known_ids.update(
            connection.execute(
                sa.select(versions.c.version_id).where(versions.c.version_id.in_(version_ids))
            ).scalars()
        )
        self.held = held_among(
            connection,
            principal.username,
            (a.sha256 for _, version, _, _ in prepared for a in version.attachments),
        )
        self.used = usage_of(connection, principal.username)
        self.rows: dict[str, list[dict[str, Any]]] = {"i": [], "v": [], "b": []}
        self.written: list[InspectionVersion] = []

    def takes(self, version: InspectionVersion) -> bool:
        fresh = (
            version.base_version_id is None
            and version.inspection_id not in self.known_ids
            and version.version_id not in self.known_ids
        )
        # Seen now: a second version with either id in this batch goes the single way.
        self.known_ids.update((version.inspection_id, version.version_id))
        return fresh

    def add(
        self, version: InspectionVersion, record: bytes, record_hash: str, tally: _Tally
    ) -> PushAnswer | ApiError:
        quota = self.pushes.quota_bytes
        if self.used + tally.bytes + len(record) > quota:
            return quota_exceeded(quota, self.used + tally.bytes)
        hashes = sorted({attachment.sha256 for attachment in version.attachments})
        missing = [sha for sha in hashes if sha not in self.held]
        receipt_text = PushReceipt(
            inspection_id=version.inspection_id,
            version_id=version.version_id,
            base_version_id=None,
            content_hash=version.content_hash,
            received_at=self.now,
            complete=not missing,
            missing_blobs=missing,
        ).model_dump_json()
        now, principal = self.now, self.principal
        self.rows["i"].append(_new_inspection_row(version, principal, now))
        self.rows["v"].append(
            _version_row(version, 1, record, record_hash, receipt_text, not missing, now)
        )
        self.rows["b"].extend({"version_id": version.version_id, "sha256": sha} for sha in hashes)
        self.written.append(version)
        tally.version_ids.append(version.version_id)
        tally.bytes += len(record)
        return PushAnswer(201, receipt_text.encode("utf-8"))

    def flush(self) -> None:
        """Write the fresh versions so far (before a version that may build on them)."""
        if not self.written:
            return
        connection = self.connection
        connection.execute(schema.inspections.insert(), self.rows["i"])
        connection.execute(schema.versions.insert(), self.rows["v"])
        if self.rows["b"]:
            connection.execute(schema.version_blobs.insert(), self.rows["b"])
        if self.pushes.summaries is not None:
            self.pushes.summaries.on_pushed(connection, self.written)
        followup = self.pushes.followup
        if followup is not None:
            for version in self.written:
                followup.on_pushed(connection, version, self.principal.team, self.now)
        self.rows = {"i": [], "v": [], "b": []}
        self.written = []


def _new_inspection_row(
    version: InspectionVersion, principal: Principal, now: datetime
) -> dict[str, Any]:
    """The `inspections` row a first version creates."""
    return {
        "inspection_id": version.inspection_id,
        "form_id": version.form_id,
        "author": principal.username,
        "team": principal.team,
        "venue_id": version.venue_id,
        "area_id": version.area_id,
        "assignment_id": version.assignment_id,
        "status": InspectionStatus.SENT.value,
        "head_version_id": version.version_id,
        "version_count": 1,
        "created_at": now,
        "updated_at": now,
    }


def _version_row(
    version: InspectionVersion,
    seq: int,
    record: bytes,
    record_hash: str,
    receipt_text: str,
    complete: bool,
    now: datetime,
) -> dict[str, Any]:
    """The `versions` row of a stored version."""
    return {
        "version_id": version.version_id,
        "inspection_id": version.inspection_id,
        "seq": seq,
        "base_version_id": version.base_version_id,
        "author": version.author,
        "form_id": version.form_id,
        "form_version": version.form_version,
        "content_hash": version.content_hash,
        "record_hash": record_hash,
        "record": record.decode("utf-8"),
        "receipt": receipt_text,
        "complete": complete,
        "received_at": now,
        "client_finalized_at": version.finalized_at.isoformat(),
    }


@dataclass
class _Tally:
    """What a batch stored so far: the versions its digest gains and the bytes they take."""

    version_ids: list[str] = field(default_factory=list)
    bytes: int = 0


def _invalid_version(error: ValidationError) -> ApiError:
    """A batch item that is no valid version: refused alone, as a single push would be."""
    problems = [
        f"body.{'.'.join(str(part) for part in item.get('loc', ()))}: {item.get('msg', 'invalid')}"
        for item in error.errors()[:50]
    ]
    return ApiError(
        422,
        ErrorCode.INVALID,
        "Deze versie klopt niet: " + "; ".join(problems[:3]),
        "This version is not valid: " + "; ".join(problems[:3]),
        problems=problems,
    )
