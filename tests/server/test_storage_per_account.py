"""Issue 14, finding 5: what one account can make the server keep is bounded, and swept.

A quota per account (versions, held conflicts, blobs it uploaded first), a bound on held
conflicts, a sweep of unreferenced blobs, abandoned partial uploads, temporary files and
old access-log rows, the client address in the access log, and held conflicts visible to
supervisors and administrators.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
import sqlalchemy as sa

from fieldapp.core.inspection import Attachment
from fieldapp.server import schema
from fieldapp.server.usage import MAX_HELD_CONFLICTS, usage_of
from tests.support.central import (
    ADMIN,
    BACKENDS,
    BOA,
    BOA_SAME_TEAM,
    BOA_WEST,
    MYSTERY_GUEST,
    SUPERVISOR_CENTRUM,
    SUPERVISOR_UITGAAN,
    Central,
    make_version,
    push,
    running_central,
)

QUOTA = 128 * 1024


@pytest.fixture(scope="module", params=BACKENDS)
def central(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Central]:
    home = tmp_path_factory.mktemp("storage")
    with running_central(
        request.param, home, "storage", quota_bytes=QUOTA, sweep_minutes=0
    ) as running:
        yield running


def _usage(central: Central, username: str) -> int:
    with central.store.database.read() as connection:
        return usage_of(connection, username)


def test_finding_5_an_account_past_its_quota_is_refused_and_nothing_is_stored(
    central: Central,
) -> None:
    with central.client(BOA_SAME_TEAM) as boa:
        statuses = []
        for number in range(40):
            version = make_version(BOA_SAME_TEAM, note=f"ronde {number} " + "x" * 8_000)
            answer = push(boa, version)
            statuses.append(answer.status_code)
            if answer.status_code != 201:
                break
        assert statuses[-1] == 413, statuses
        body = answer.json()
        assert body["code"] == "quota_exceeded" and body["limit_bytes"] == QUOTA
        with central.store.database.read() as connection:
            stored = connection.execute(
                sa.select(sa.func.count())
                .select_from(schema.versions)
                .where(schema.versions.c.version_id == version.version_id)
            ).scalar_one()
        assert stored == 0
        assert _usage(central, BOA_SAME_TEAM) <= QUOTA
        # A photo past the quota is refused before its bytes are kept.
        photo = os.urandom(QUOTA)
        sha = hashlib.sha256(photo).hexdigest()
        refused = boa.put(f"/v1/blobs/{sha}", content=photo)
        assert refused.status_code == 413 and refused.json()["code"] == "quota_exceeded"
        assert not central.store.blobs.has(sha)


def test_finding_5_held_conflicts_are_bounded_and_visible_to_supervisors_and_admins(
    central: Central,
) -> None:
    first = make_version(BOA_WEST)
    with central.client(BOA_WEST) as boa:
        assert push(boa, first).status_code == 201
        second = make_version(BOA_WEST, inspection_id=first.inspection_id, base=first.version_id)
        assert push(boa, second).status_code == 201
        for number in range(MAX_HELD_CONFLICTS + 3):
            stale = make_version(
                BOA_WEST,
                inspection_id=first.inspection_id,
                base=first.version_id,
                note=f"tegelijk {number}",
            )
            assert push(boa, stale).json()["code"] == "stale_base"
        assert boa.get("/v1/conflicts").status_code == 403
    with central.store.database.read() as connection:
        held = connection.execute(
            sa.select(sa.func.count())
            .select_from(schema.conflicts)
            .where(schema.conflicts.c.author == BOA_WEST)
        ).scalar_one()
    assert held == MAX_HELD_CONFLICTS
    with central.client(SUPERVISOR_CENTRUM) as supervisor:  # supervises team-west
        page = supervisor.get("/v1/conflicts", params={"limit": 60}).json()
        assert len(page["items"]) == 60 and page["next_after"]
        assert {item["author"] for item in page["items"]} == {BOA_WEST}
        rest = supervisor.get(
            "/v1/conflicts", params={"limit": 60, "after": page["next_after"]}
        ).json()
        assert len(rest["items"]) == MAX_HELD_CONFLICTS - 60 and rest["next_after"] is None
        assert rest["items"][0]["version"]["base_version_id"] == first.version_id
    with central.client(SUPERVISOR_UITGAAN) as other:
        assert other.get("/v1/conflicts").json()["items"] == []
    with central.client(ADMIN) as admin:
        assert len(admin.get("/v1/conflicts", params={"limit": 500}).json()["items"]) >= 100
    with central.client(MYSTERY_GUEST) as guest:
        assert guest.get("/v1/conflicts").status_code == 403


def test_finding_5_the_sweep_removes_unused_blobs_abandoned_uploads_and_old_log_rows(
    central: Central,
) -> None:
    store = central.store
    with central.client(BOA) as boa:
        used = b"a photo a version names"
        used_sha = hashlib.sha256(used).hexdigest()
        unused = os.urandom(2_000)
        unused_sha = hashlib.sha256(unused).hexdigest()
        assert boa.put(f"/v1/blobs/{used_sha}", content=used).status_code == 201
        assert boa.put(f"/v1/blobs/{unused_sha}", content=unused).status_code == 201
        version = make_version(
            BOA,
            attachments=(
                Attachment(question="observation_photo", sha256=used_sha, size=len(used)),
            ),
        )
        assert push(boa, version).status_code == 201
        # A refused request from behind the proxy: the access log names the client.
        with httpx.Client(base_url=central.url, timeout=30) as anonymous:
            anonymous.get(
                "/v1/sync/meta",
                headers={"Authorization": "Bearer nonsense", "X-Forwarded-For": "203.0.113.9"},
            )
    with store.database.read() as connection:
        clients = connection.execute(sa.select(schema.access_log.c.client)).scalars().all()
    assert "203.0.113.9" in clients
    # An abandoned partial upload and a temporary file left by a killed process.
    partial = central.config.blob_directory / "partial" / f"{'c' * 64}.{BOA}"
    partial.write_bytes(b"half a photo")
    temporary = store.scratch.directory / "upload-left-behind"
    temporary.write_bytes(b"bytes of an upload that died")
    long_ago = time.time() - timedelta(days=3).total_seconds()
    for path in (partial, temporary):
        os.utime(path, (long_ago, long_ago))
    fresh = store.scratch.directory / "upload-running-now"
    fresh.write_bytes(b"an upload in progress")
    before = _usage(central, BOA)
    assert store.sweeper.sweep().blobs == 0  # nothing is old enough yet
    assert not partial.exists() and not temporary.exists() and fresh.exists()
    central.clock.advance(timedelta(days=91))
    try:
        report = store.sweeper.sweep()
    finally:
        central.clock.advance(-timedelta(days=91))
    assert report.blobs >= 1 and report.access_log >= 1
    assert not store.blobs.has(unused_sha)
    assert store.blobs.has(used_sha)
    assert _usage(central, BOA) == before - len(unused)
    with store.database.read() as connection:
        assert (
            connection.execute(
                sa.select(schema.blobs.c.sha256).where(schema.blobs.c.sha256 == unused_sha)
            ).first()
            is None
        )
        assert (
            connection.execute(
                sa.select(sa.func.count()).select_from(schema.access_log)
            ).scalar_one()
            == 0
        )
    # Tokens expired long before the 91 days went too: sign in again.
    assert report.tokens >= 1
    central.tokens.clear()
    with central.client(BOA) as boa:
        assert boa.get(f"/v1/blobs/{used_sha}").content == used
