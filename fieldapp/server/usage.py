"""Storage per account: what each account stores, and the quota it may not pass.

An account is charged for the versions it pushed and the refused versions held for it (as
recorded), and for the blobs it uploaded first (a second uploader of the same bytes adds
nothing). The total lives in `account_usage`, changed in the transaction that stores or
removes what it counts. A push or upload that would take an account past its quota is
refused with 413 `quota_exceeded` before anything is written.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from fieldapp.protocol.models import ErrorCode
from fieldapp.server import schema
from fieldapp.server.database import CentralDatabase
from fieldapp.server.errors import ApiError

#: Refused versions held per account for a person to resolve; more are refused unkept.
MAX_HELD_CONFLICTS = 100


def usage_of(connection: Connection, username: str) -> int:
    found = connection.execute(
        sa.select(schema.account_usage.c.bytes).where(schema.account_usage.c.username == username)
    ).scalar_one_or_none()
    return 0 if found is None else int(found)


def charge(database: CentralDatabase, connection: Connection, username: str, size: int) -> None:
    """Add `size` bytes (negative: remove) to an account's usage."""
    if size == 0:
        return
    usage = schema.account_usage
    connection.execute(
        database.insert_ignoring_duplicates(usage).values(username=username, bytes=0)
    )
    connection.execute(
        usage.update().where(usage.c.username == username).values(bytes=usage.c.bytes + size)
    )


def check_quota(connection: Connection, username: str, adding: int, quota: int) -> None:
    """Refuse (413 `quota_exceeded`) when `adding` bytes would take the account past it."""
    used = usage_of(connection, username)
    if used + adding > quota:
        raise quota_exceeded(quota, used)


def quota_exceeded(quota: int, used: int) -> ApiError:
    megabytes = quota / (1024 * 1024)
    return ApiError(
        413,
        ErrorCode.QUOTA_EXCEEDED,
        f"Uw opslag op de server is vol ({used} van {quota} bytes, {megabytes:.0f} MiB); "
        "vraag de beheerder om ruimte.",
        f"Your storage on the server is full ({used} of {quota} bytes, {megabytes:.0f} "
        "MiB); ask the administrator for room.",
        limit_bytes=quota,
    )


def held_conflicts(connection: Connection, username: str) -> int:
    return int(
        connection.execute(
            sa.select(sa.func.count())
            .select_from(schema.conflicts)
            .where(schema.conflicts.c.author == username)
        ).scalar_one()
    )
