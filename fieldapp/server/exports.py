"""The export's bulk read: the latest version of every inspection of one form a reader may
read, a bounded page at a time.

`fieldapp export --server` writes every answer, so it needs every version; one request per
inspection made a 2,000-inspection export 2,000 round trips. A page here carries up to
`MAX_EXPORT_PAGE` versions with their status and the author's public name, under the same
`visible` rule as the inbox and the detail, ordered by inspection id so the cursor (the last
id of a page) stays valid while new work arrives.
"""

from __future__ import annotations

import json
import re
from datetime import datetime

import sqlalchemy as sa

from fieldapp.core.inspection import InspectionStatus, InspectionVersion
from fieldapp.protocol.models import ErrorCode
from fieldapp.protocol.reports import MAX_EXPORT_PAGE, ExportItem, ExportPage
from fieldapp.server import schema
from fieldapp.server.accounts import Principal
from fieldapp.server.database import CentralDatabase
from fieldapp.server.errors import ApiError
from fieldapp.server.queries import in_utc, visible

_INSPECTION_ID = re.compile(r"^[0-9a-f]{32}$")


#: The records one export page holds at most (a page has at least one inspection).
EXPORT_PAGE_BYTES = 8 * 1024 * 1024


class ExportQueries:
    """The export endpoint's use case, over the same database as the inbox."""

    def __init__(self, database: CentralDatabase) -> None:
        self.database = database

    def page(
        self,
        principal: Principal,
        form_id: str,
        *,
        since: datetime | None = None,
        after: str | None = None,
        limit: int = MAX_EXPORT_PAGE,
    ) -> ExportPage:
        """Up to `limit` inspections of `form_id` that `principal` may read, with activity
        at or after `since` (server time: a visit is always sent after it began), whose id
        sorts after `after`."""
        if not 1 <= limit <= MAX_EXPORT_PAGE:
            raise ApiError(
                422,
                ErrorCode.INVALID,
                f"Een pagina telt 1 tot {MAX_EXPORT_PAGE} controles.",
                f"A page holds 1 to {MAX_EXPORT_PAGE} inspections.",
                problems=[f"limit: 1 to {MAX_EXPORT_PAGE}"],
            )
        if after is not None and not _INSPECTION_ID.match(after):
            raise ApiError(
                400,
                ErrorCode.INVALID_CURSOR,
                "De paginapositie is onleesbaar.",
                "The page position ('after') is not one this server hands out.",
            )
        inspections, versions, users = schema.inspections, schema.versions, schema.users
        query = (
            sa.select(
                inspections.c.inspection_id,
                inspections.c.status,
                users.c.display_name,
                users.c.pseudonym,
                versions.c.record,
            )
            .select_from(
                inspections.join(
                    versions, versions.c.version_id == inspections.c.head_version_id
                ).join(users, users.c.username == inspections.c.author)
            )
            .where(visible(principal))  # a 403 for a role that reads no inspections
            .where(inspections.c.form_id == form_id)
        )
        if since is not None:
            query = query.where(inspections.c.updated_at >= in_utc(since, "since"))
        if after is not None:
            query = query.where(inspections.c.inspection_id > after)
        query = query.order_by(inspections.c.inspection_id).limit(limit + 1)
        items: list[ExportItem] = []
        taken = 0
        next_after = None
        with (
            self.database.read() as connection,
            connection.execution_options(yield_per=50).execute(query) as rows,
        ):
            for row in rows:
                # A page also ends at EXPORT_PAGE_BYTES of records (each may be up to the
                # JSON limit), so one request holds a bounded amount in memory.
                if len(items) == limit or (items and taken >= EXPORT_PAGE_BYTES):
                    next_after = items[-1].version.inspection_id
                    break
                taken += len(row.record)
                items.append(
                    ExportItem(
                        status=InspectionStatus(row.status),
                        author_name=row.pseudonym or row.display_name,
                        version=InspectionVersion.model_validate(json.loads(row.record)),
                    )
                )
        return ExportPage(items=items, next_after=next_after)
