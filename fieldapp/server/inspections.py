"""Inspections on the server: accepting pushed versions exactly once, review, and the digest.

A push is idempotent by the version id the device made. The database decides races: the
version id is a primary key, (inspection, sequence number) is unique, and the head moves
by compare-and-set (`UPDATE … WHERE head_version_id = :base`). When two requests race,
one insert fails on a constraint, the transaction is retried, and the retry finds the
winner's row: the same content gets the winner's answer again, other content a 409.

Who sees what: an author their own inspections; a supervisor those of the teams they
supervise; nobody else (a 404, so existence is not revealed). Only a supervisor reviews.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, RowMapping

from fieldapp.core.answers import canonical_json
from fieldapp.core.inspection import InspectionStatus, InspectionVersion
from fieldapp.protocol.models import (
    ApproveRequest,
    Digest,
    ErrorCode,
    InspectionDetail,
    InspectionList,
    InspectionSummary,
    PushReceipt,
    ReturnRequest,
    ReviewAction,
    ReviewEvent,
    StoredVersion,
    VersionHead,
    digest_of,
)
from fieldapp.server import blobs, feed, schema
from fieldapp.server.accounts import Principal, aware
from fieldapp.server.database import CentralDatabase
from fieldapp.server.errors import ApiError, RaceLost, forbidden, not_found


@dataclass(frozen=True)
class PushAnswer:
    """The status and exact body bytes of a push answer (a replay repeats the bytes)."""

    status: int
    body: bytes


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _insert_ignore(database: CentralDatabase, table: sa.Table) -> Any:
    dialect = postgresql if database.is_postgresql else sqlite
    return dialect.insert(table).on_conflict_do_nothing()


def _head(row: RowMapping, head_version: RowMapping) -> VersionHead:
    return VersionHead(
        inspection_id=row["inspection_id"],
        head_version_id=row["head_version_id"],
        status=InspectionStatus(row["status"]),
        version_count=row["version_count"],
        head_received_at=aware(head_version["received_at"]),
        head_content_hash=head_version["content_hash"],
    )


class Inspections:
    """The inspection use cases of the central store."""

    def __init__(self, database: CentralDatabase) -> None:
        self.database = database
        #: Roles per (form id, version). A loaded form version never changes, so the
        #: answer can be kept for the life of the process.
        self._form_roles: dict[tuple[str, str], frozenset[str]] = {}

    # --- push -----------------------------------------------------------------------------

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
        if not principal.is_author:
            raise forbidden(
                f"A {principal.role.value} does not send inspections.",
                f"Een {principal.role.value} verstuurt geen inspecties.",
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
        record_hash = _sha(record)
        self._check_form(principal, version)
        return self.database.retrying(
            lambda: self._push_once(principal, version, record, record_hash, now)
        )

    def _check_form(self, principal: Principal, version: InspectionVersion) -> None:
        key = (version.form_id, version.form_version)
        roles = self._form_roles.get(key)
        if roles is None:
            with self.database.read() as connection:
                stored = connection.execute(
                    sa.select(schema.forms.c.roles)
                    .where(schema.forms.c.form_id == version.form_id)
                    .where(schema.forms.c.form_version == version.form_version)
                ).scalar_one_or_none()
            if stored is not None:
                roles = self._form_roles[key] = frozenset(json.loads(stored))
        if roles is None:
            raise ApiError(
                422,
                ErrorCode.UNKNOWN_FORM,
                f"Het formulier {version.form_id} {version.form_version} is de server onbekend.",
                f"The form {version.form_id} {version.form_version} is unknown to the server.",
            )
        if principal.role.value not in roles:
            raise forbidden(
                f"The form {version.form_id} is not filled in by a {principal.role.value}.",
                f"Het formulier {version.form_id} is niet voor een {principal.role.value}.",
                ErrorCode.FORM_NOT_ALLOWED,
            )

    def _push_once(
        self,
        principal: Principal,
        version: InspectionVersion,
        record: bytes,
        record_hash: str,
        now: datetime,
    ) -> PushAnswer:
        refusal: ApiError | None = None
        answer: PushAnswer | None = None
        with self.database.write() as connection:
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
                return answer
            if inspection is not None and inspection["author"] != principal.username:
                raise forbidden(
                    "This inspection belongs to someone else.",
                    "Deze inspectie is van iemand anders.",
                    ErrorCode.NOT_YOURS,
                )
            if inspection is None:
                if version.base_version_id is not None:
                    refusal = ApiError(
                        409,
                        ErrorCode.UNKNOWN_BASE,
                        "De server kent de vorige versie van deze inspectie niet; stuur die eerst.",
                        "The server does not hold the version this one is based on; send "
                        "that one first.",
                    )
                else:
                    seq = 1
                    connection.execute(
                        schema.inspections.insert().values(
                            inspection_id=version.inspection_id,
                            form_id=version.form_id,
                            author=principal.username,
                            team=principal.team,
                            venue_id=version.venue_id,
                            area_id=version.area_id,
                            assignment_id=version.assignment_id,
                            status=InspectionStatus.SENT.value,
                            head_version_id=version.version_id,
                            version_count=1,
                            created_at=now,
                            updated_at=now,
                        )
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
                # Keep the refused version for a person to resolve; never apply it.
                connection.execute(
                    _insert_ignore(self.database, schema.conflicts).values(
                        version_id=version.version_id,
                        inspection_id=version.inspection_id,
                        author=principal.username,
                        head_version_id=inspection["head_version_id"] if inspection else None,
                        record=record.decode("utf-8"),
                        received_at=now,
                    )
                )
            else:
                answer = self._store(connection, version, seq, record, record_hash, now)
        if refusal is not None:
            raise refusal
        assert answer is not None
        return answer

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
                "Deze inspectie is al goedgekeurd; een nieuwe versie kan niet meer.",
                "This inspection has been approved; it takes no new versions.",
                head=self._head_of(connection, inspection),
            )
        if inspection["head_version_id"] != version.base_version_id:
            return ApiError(
                409,
                ErrorCode.STALE_BASE,
                "Deze versie bouwt voort op een oudere versie dan de laatste op de server. "
                "Beide zijn bewaard; kies wat blijft.",
                "This version is based on an older version than the latest on the server. "
                "Both are kept; decide which stays.",
                head=self._head_of(connection, inspection),
            )
        return None

    def _head_of(self, connection: Connection, inspection: RowMapping) -> VersionHead:
        head_version = (
            connection.execute(
                sa.select(schema.versions.c.received_at, schema.versions.c.content_hash).where(
                    schema.versions.c.version_id == inspection["head_version_id"]
                )
            )
            .mappings()
            .one()
        )
        return _head(inspection, head_version)

    def _store(
        self,
        connection: Connection,
        version: InspectionVersion,
        seq: int,
        record: bytes,
        record_hash: str,
        now: datetime,
    ) -> PushAnswer:
        hashes = sorted({attachment.sha256 for attachment in version.attachments})
        present = (
            set(
                connection.execute(
                    sa.select(schema.blobs.c.sha256).where(schema.blobs.c.sha256.in_(hashes))
                ).scalars()
            )
            if hashes
            else set()
        )
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
        connection.execute(
            schema.versions.insert().values(
                version_id=version.version_id,
                inspection_id=version.inspection_id,
                seq=seq,
                base_version_id=version.base_version_id,
                author=version.author,
                form_id=version.form_id,
                form_version=version.form_version,
                content_hash=version.content_hash,
                record_hash=record_hash,
                record=record.decode("utf-8"),
                receipt=receipt_text,
                complete=not missing,
                received_at=now,
                client_finalized_at=version.finalized_at.isoformat(),
            )
        )
        if hashes:
            connection.execute(
                schema.version_blobs.insert(),
                [{"version_id": version.version_id, "sha256": sha} for sha in hashes],
            )
        self._add_to_digest(connection, version.author, version.version_id)
        return PushAnswer(201, receipt_text.encode("utf-8"))

    def _add_to_digest(self, connection: Connection, author: str, version_id: str) -> None:
        connection.execute(
            _insert_ignore(self.database, schema.digests).values(
                author=author, count=0, digest="0" * 64
            )
        )
        query = sa.select(schema.digests.c.count, schema.digests.c.digest).where(
            schema.digests.c.author == author
        )
        if self.database.is_postgresql:
            query = query.with_for_update()
        count, digest = connection.execute(query).one()
        combined = int(digest, 16) ^ int(digest_of([version_id]), 16)
        connection.execute(
            schema.digests.update()
            .where(schema.digests.c.author == author)
            .values(count=int(count) + 1, digest=f"{combined:064x}")
        )

    # --- digest ---------------------------------------------------------------------------

    def digest(self, principal: Principal) -> Digest:
        with self.database.read() as connection:
            row = connection.execute(
                sa.select(schema.digests.c.count, schema.digests.c.digest).where(
                    schema.digests.c.author == principal.username
                )
            ).first()
            counted = None if row is None else (int(row[0]), str(row[1]))
            waiting = (
                connection.execute(
                    sa.select(schema.versions.c.version_id)
                    .where(schema.versions.c.author == principal.username)
                    .where(schema.versions.c.complete.is_(False))
                    .order_by(schema.versions.c.version_id)
                    .limit(100)
                )
                .scalars()
                .all()
            )
            incomplete = [v for v in waiting if blobs.missing_blobs(connection, v)]
        if len(incomplete) < len(waiting):
            with self.database.write() as connection:
                blobs.complete_versions(connection, [v for v in waiting if v not in incomplete])
        if counted is None:
            return Digest(count=0, hash=digest_of([]), incomplete=incomplete)
        return Digest(count=counted[0], hash=counted[1], incomplete=incomplete)

    # --- reading --------------------------------------------------------------------------

    def _visible(self, principal: Principal) -> Any:
        """The SQL condition for the inspections a principal may read."""
        table = schema.inspections
        if principal.is_author:
            return table.c.author == principal.username
        if principal.is_supervisor:
            return table.c.team.in_(sorted(principal.supervises))
        raise forbidden(
            f"A {principal.role.value} does not read inspections.",
            f"Een {principal.role.value} leest geen inspecties.",
        )

    def inbox(
        self,
        principal: Principal,
        *,
        status: InspectionStatus | None,
        form_id: str | None,
        after: str | None,
        limit: int,
        venue_id: str | None = None,
        area_id: str | None = None,
        author: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> InspectionList:
        """A page of the inbox, newest activity first; every filter narrows it.

        `since`/`until` bound the last activity (server time), so a period filter never
        needs to read the versions' answers.
        """
        table = schema.inspections
        query = sa.select(table).where(self._visible(principal))
        if status is not None:
            query = query.where(table.c.status == status.value)
        if form_id is not None:
            query = query.where(table.c.form_id == form_id)
        for column, wanted in (
            (table.c.venue_id, venue_id),
            (table.c.area_id, area_id),
            (table.c.author, author),
        ):
            if wanted is not None:
                query = query.where(column == wanted)
        # SQLite keeps times as naive UTC text: compare in UTC whatever zone was asked.
        if since is not None:
            query = query.where(table.c.updated_at >= aware(since).astimezone(UTC))
        if until is not None:
            query = query.where(table.c.updated_at < aware(until).astimezone(UTC))
        if after is not None:
            moment, inspection_id = _parse_after(after)
            query = query.where(
                sa.or_(
                    table.c.updated_at < moment,
                    sa.and_(table.c.updated_at == moment, table.c.inspection_id < inspection_id),
                )
            )
        query = query.order_by(table.c.updated_at.desc(), table.c.inspection_id.desc())
        with self.database.read() as connection:
            rows = connection.execute(query.limit(limit + 1)).mappings().all()
            items = [self._summary(connection, row) for row in rows[:limit]]
        next_after = None
        if len(rows) > limit:
            last = rows[limit - 1]
            next_after = f"{aware(last['updated_at']).isoformat()}|{last['inspection_id']}"
        return InspectionList(items=items, next_after=next_after)

    def _summary(self, connection: Connection, row: RowMapping) -> InspectionSummary:
        versions = schema.versions
        head = (
            connection.execute(
                sa.select(versions.c.record, versions.c.form_version).where(
                    versions.c.version_id == row["head_version_id"]
                )
            )
            .mappings()
            .one()
        )
        first = connection.execute(
            sa.select(sa.func.min(versions.c.received_at)).where(
                versions.c.inspection_id == row["inspection_id"]
            )
        ).scalar_one()
        author = connection.execute(
            sa.select(schema.users.c.display_name, schema.users.c.pseudonym).where(
                schema.users.c.username == row["author"]
            )
        ).one()
        record = json.loads(head["record"])
        return InspectionSummary(
            inspection_id=row["inspection_id"],
            form_id=row["form_id"],
            form_version=head["form_version"],
            author=row["author"],
            author_name=author.pseudonym or author.display_name,
            team=row["team"],
            venue_id=row["venue_id"],
            area_id=row["area_id"],
            assignment_id=row["assignment_id"],
            status=InspectionStatus(row["status"]),
            head_version_id=row["head_version_id"],
            version_count=row["version_count"],
            first_received_at=aware(first),
            last_received_at=aware(row["updated_at"]),
            outcomes=list(record.get("outcomes", [])),
        )

    def _readable(
        self, connection: Connection, principal: Principal, inspection_id: str
    ) -> RowMapping:
        row = (
            connection.execute(
                sa.select(schema.inspections)
                .where(schema.inspections.c.inspection_id == inspection_id)
                .where(self._visible(principal))
            )
            .mappings()
            .first()
        )
        if row is None:
            raise not_found("inspection", "De inspectie")
        return row

    def detail(self, principal: Principal, inspection_id: str) -> InspectionDetail:
        with self.database.read() as connection:
            row = self._readable(connection, principal, inspection_id)
            stored = (
                connection.execute(
                    sa.select(schema.versions)
                    .where(schema.versions.c.inspection_id == inspection_id)
                    .order_by(schema.versions.c.seq)
                )
                .mappings()
                .all()
            )
            versions = [
                StoredVersion(
                    version=InspectionVersion.model_validate_json(version["record"]),
                    received_at=aware(version["received_at"]),
                    complete=not (
                        missing := blobs.missing_blobs(connection, version["version_id"])
                    ),
                    missing_blobs=missing,
                )
                for version in stored
            ]
            reviews = self._reviews(connection, inspection_id)
            summary = self._summary(connection, row)
        return InspectionDetail(summary=summary, versions=versions, reviews=reviews)

    def _reviews(self, connection: Connection, inspection_id: str) -> list[ReviewEvent]:
        payloads = connection.execute(
            sa.select(schema.review_events.c.payload)
            .where(schema.review_events.c.inspection_id == inspection_id)
            .order_by(schema.review_events.c.at, schema.review_events.c.event_id)
        ).scalars()
        return [ReviewEvent.model_validate_json(payload) for payload in payloads]

    def can_read_blob(self, principal: Principal, sha256: str) -> bool:
        if not (principal.is_author or principal.is_supervisor):
            return False
        vb, v, i = schema.version_blobs, schema.versions, schema.inspections
        query = (
            sa.select(sa.literal(1))
            .select_from(vb.join(v, v.c.version_id == vb.c.version_id))
            .join(i, i.c.inspection_id == v.c.inspection_id)
            .where(vb.c.sha256 == sha256)
            .where(self._visible(principal))
            .limit(1)
        )
        with self.database.read() as connection:
            return connection.execute(query).first() is not None

    # --- review ---------------------------------------------------------------------------

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
                "Alleen een leidinggevende beoordeelt inspecties.",
            )
        action = (
            ReviewAction.RETURNED if isinstance(request, ReturnRequest) else ReviewAction.APPROVED
        )
        request_hash = _sha(
            canonical_json({"action": action.value, **request.model_dump(mode="json")})
        )
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
            row = self._readable(connection, principal, inspection_id)
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
                row = self._readable(connection, principal, inspection_id)
            if row["head_version_id"] != request.version_id:
                raise ApiError(
                    409,
                    ErrorCode.STALE_VERSION,
                    "Er is intussen een nieuwere versie binnengekomen; bekijk die eerst.",
                    "A newer version has arrived meanwhile; read that one first.",
                    head=self._head_of(connection, row),
                )
            if row["status"] == InspectionStatus.APPROVED.value:
                raise ApiError(
                    409,
                    ErrorCode.INSPECTION_CLOSED,
                    "Deze inspectie is al goedgekeurd.",
                    "This inspection has already been approved.",
                    head=self._head_of(connection, row),
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
            feed.append(connection, [feed.review_change(event, row["author"])], now)
        return event


def _parse_after(text: str) -> tuple[datetime, str]:
    moment, _, inspection_id = text.partition("|")
    try:
        return datetime.fromisoformat(moment), inspection_id
    except ValueError:
        raise ApiError(
            400,
            ErrorCode.INVALID_CURSOR,
            "De paginapositie is onleesbaar.",
            "The page position ('after') is not one this server hands out.",
        ) from None
