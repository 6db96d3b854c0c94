"""Read queries on inspections: the inbox, one inspection in detail, the digest, blob access.

Who sees what: an author their own inspections; a supervisor those of the teams they
supervise; nobody else (a 404, so existence is not revealed). `visible`, `readable` and
`head_of` are the reading helpers that push.py and review.py share with these queries.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from fieldapp.core.entities import Role
from fieldapp.core.inspection import InspectionStatus, InspectionVersion
from fieldapp.protocol.models import (
    ConflictList,
    Digest,
    ErrorCode,
    HeldConflict,
    InspectionDetail,
    InspectionList,
    InspectionSummary,
    ReviewEvent,
    StoredVersion,
    VersionHead,
    digest_of,
)
from fieldapp.server import blobs, schema
from fieldapp.server.accounts import Principal, aware
from fieldapp.server.database import CentralDatabase
from fieldapp.server.errors import ApiError, forbidden, not_found


def visible(principal: Principal) -> Any:
    """The SQL condition for the inspections a principal may read."""
    table = schema.inspections
    if principal.is_author:
        return table.c.author == principal.username
    if principal.is_supervisor:
        return table.c.team.in_(sorted(principal.supervises))
    raise forbidden(
        f"A {principal.role.value} does not read inspections.",
        f"Een {principal.role.value} leest geen controles.",
    )


def readable(connection: Connection, principal: Principal, inspection_id: str) -> RowMapping:
    """The inspection's row if the principal may read it, else a 404."""
    row = (
        connection.execute(
            sa.select(schema.inspections)
            .where(schema.inspections.c.inspection_id == inspection_id)
            .where(visible(principal))
        )
        .mappings()
        .first()
    )
    if row is None:
        raise not_found("inspection", "De controle")
    return row


def head_of(connection: Connection, inspection: RowMapping) -> VersionHead:
    """Where an inspection stands now, as a refusal names it to the one who was refused."""
    head_version = (
        connection.execute(
            sa.select(schema.versions.c.received_at, schema.versions.c.content_hash).where(
                schema.versions.c.version_id == inspection["head_version_id"]
            )
        )
        .mappings()
        .one()
    )
    return VersionHead(
        inspection_id=inspection["inspection_id"],
        head_version_id=inspection["head_version_id"],
        status=InspectionStatus(inspection["status"]),
        version_count=inspection["version_count"],
        head_received_at=aware(head_version["received_at"]),
        head_content_hash=head_version["content_hash"],
    )


class InspectionQueries:
    """What the central store answers about inspections, to those who may read them."""

    def __init__(self, database: CentralDatabase) -> None:
        self.database = database

    def digest(self, principal: Principal) -> Digest:
        """Count and XOR-hash of the author's versions, and which still miss attachments."""
        return self.digests([principal.username])[principal.username]

    def digests(self, authors: list[str]) -> dict[str, Digest]:
        """`digest` of each author, read in one transaction (a shared device asks for all
        of its users at once).

        Marks complete the versions whose last attachment arrived meanwhile (see
        `blobs.complete_versions`), so this one query writes.
        """
        answers: dict[str, Digest] = {}
        completed: list[str] = []
        with self.database.read() as connection:
            counted = {
                str(author): (int(count), str(hash_))
                for author, count, hash_ in connection.execute(
                    sa.select(
                        schema.digests.c.author, schema.digests.c.count, schema.digests.c.digest
                    ).where(schema.digests.c.author.in_(set(authors)))
                )
            }
            # Up to 100 incomplete versions per author, all authors in one query.
            numbered = (
                sa.select(
                    schema.versions.c.author,
                    schema.versions.c.version_id,
                    sa.func.row_number()
                    .over(
                        partition_by=schema.versions.c.author,
                        order_by=schema.versions.c.version_id,
                    )
                    .label("n"),
                )
                .where(schema.versions.c.author.in_(set(authors)))
                .where(schema.versions.c.complete.is_(False))
                .subquery()
            )
            waiting: dict[str, list[str]] = {}
            for author, version_id in connection.execute(
                sa.select(numbered.c.author, numbered.c.version_id)
                .where(numbered.c.n <= 100)
                .order_by(numbered.c.author, numbered.c.version_id)
            ):
                waiting.setdefault(str(author), []).append(str(version_id))
            lacking = blobs.versions_lacking_blobs(
                connection, [v for mine in waiting.values() for v in mine]
            )
            for author in dict.fromkeys(authors):
                incomplete = []
                for version_id in waiting.get(author, []):
                    if version_id in lacking:
                        incomplete.append(version_id)
                    else:
                        completed.append(version_id)
                count, hash_ = counted.get(author, (0, digest_of([])))
                answers[author] = Digest(count=count, hash=hash_, incomplete=incomplete)
        if completed:
            with self.database.write() as connection:
                blobs.complete_versions(connection, completed)
        return answers

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
        query = sa.select(table).where(visible(principal))
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
            query = query.where(table.c.updated_at >= in_utc(since, "since"))
        if until is not None:
            query = query.where(table.c.updated_at < in_utc(until, "until"))
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
            started_at=record.get("started_at"),
        )

    def detail(self, principal: Principal, inspection_id: str) -> InspectionDetail:
        """An inspection with every version (and what each still misses) and its reviews."""
        with self.database.read() as connection:
            row = readable(connection, principal, inspection_id)
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

    def conflicts(self, principal: Principal, *, after: str | None, limit: int) -> ConflictList:
        """Held conflicts, newest first: an admin's of everyone, a supervisor's of the
        people in the teams they supervise; nobody else's (403)."""
        c, u = schema.conflicts, schema.users
        query = sa.select(c).select_from(c.join(u, u.c.username == c.c.author))
        if principal.role is Role.SUPERVISOR:
            query = query.where(u.c.team.in_(sorted(principal.supervises)))
        elif principal.role is not Role.ADMIN:
            raise forbidden(
                "Only supervisors and administrators see held conflicts.",
                "Alleen leidinggevenden en beheerders zien vastgehouden conflicten.",
            )
        if after is not None:
            moment, version_id = _parse_after(after)
            query = query.where(
                sa.or_(
                    c.c.received_at < moment,
                    sa.and_(c.c.received_at == moment, c.c.version_id < version_id),
                )
            )
        query = query.order_by(c.c.received_at.desc(), c.c.version_id.desc()).limit(limit + 1)
        with self.database.read() as connection:
            rows = connection.execute(query).mappings().all()
        items = [
            HeldConflict(
                version_id=row["version_id"],
                inspection_id=row["inspection_id"],
                author=row["author"],
                head_version_id=row["head_version_id"],
                received_at=aware(row["received_at"]),
                version=InspectionVersion.model_validate_json(row["record"]),
            )
            for row in rows[:limit]
        ]
        next_after = None
        if len(rows) > limit:
            last = rows[limit - 1]
            next_after = f"{aware(last['received_at']).isoformat()}|{last['version_id']}"
        return ConflictList(items=items, next_after=next_after)

    def can_read_blob(self, principal: Principal, sha256: str) -> bool:
        """Whether a version the principal may read names this attachment, and its author
        uploaded it: naming someone else's photo in one's own version opens nothing."""
        if not (principal.is_author or principal.is_supervisor):
            return False
        vb, v, i, h = (
            schema.version_blobs,
            schema.versions,
            schema.inspections,
            schema.blob_holders,
        )
        query = (
            sa.select(sa.literal(1))
            .select_from(vb.join(v, v.c.version_id == vb.c.version_id))
            .join(i, i.c.inspection_id == v.c.inspection_id)
            .join(h, sa.and_(h.c.sha256 == vb.c.sha256, h.c.username == v.c.author))
            .where(vb.c.sha256 == sha256)
            .where(visible(principal))
            .limit(1)
        )
        with self.database.read() as connection:
            return connection.execute(query).first() is not None


def in_utc(moment: datetime, name: str) -> datetime:
    """A moment in UTC; one whose UTC falls outside years 1-9999 is refused, not a 500."""
    try:
        return aware(moment).astimezone(UTC)
    except OverflowError:
        raise ApiError(
            422,
            ErrorCode.INVALID,
            f"Het tijdstip '{name}' ligt buiten de kalender (jaar 1 tot 9999).",
            f"The moment '{name}' is outside the calendar (years 1 to 9999).",
            problems=[f"{name}: outside years 1 to 9999 in UTC"],
        ) from None


def _parse_after(text: str) -> tuple[datetime, str]:
    moment, _, inspection_id = text.partition("|")
    try:
        return aware(datetime.fromisoformat(moment)).astimezone(UTC), inspection_id
    except (ValueError, OverflowError):
        raise ApiError(
            400,
            ErrorCode.INVALID_CURSOR,
            "De paginapositie is onleesbaar.",
            "The page position ('after') is not one this server hands out.",
        ) from None
