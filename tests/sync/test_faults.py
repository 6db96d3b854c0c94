"""Syncs through a broken network (sync.md items 4 and 5), on SQLite and PostgreSQL.

A TCP fault proxy (tests/faultproxy.py) sits between the client and a real central store
and resets, truncates, stalls, slices, slows and corrupts uploads and downloads. Once it
heals, the server must hold exactly what the device finalized, with no corrupt blob, and
the device must have applied the change feed exactly once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from fieldapp.core.inspection import InspectionStatus
from fieldapp.protocol.models import MAX_PUSH_BATCH
from fieldapp.server import schema
from fieldapp.sync.errors import SyncCancelled, SyncError
from fieldapp.sync.transport import RetryPolicy
from tests.support.central import BACKENDS, Central, running_central
from tests.support.faultproxy import Fault, FaultProxy
from tests.support.sync import (
    FakeTime,
    assert_server_holds_exactly,
    client_for,
    finalize_some,
    open_device,
    return_inspection,
    server_versions,
)

BLOB = b"PUT /v1/blobs/"
BATCH = b"POST /v1/sync/push"
CHANGES = b"GET /v1/changes"
#: Short enough that a stalled answer costs little real time, long enough for 127.0.0.1.
TIMEOUT = httpx.Timeout(1.5, connect=1.5)


@pytest.fixture(scope="module", params=BACKENDS)
def central(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Central]:
    with running_central(request.param, tmp_path_factory.mktemp("faults"), "faults") as running:
        yield running


def test_after_resets_truncations_stalls_and_corruption_the_server_holds_exactly_what_was_finalized(
    central: Central, tmp_path: Path
) -> None:
    # First a version the supervisor returns, so the feed carries a review to pull.
    profile = open_device(tmp_path, "fatima.elamrani")
    (returned,) = finalize_some(profile, 1, seed=21)
    with client_for(profile, central.url) as client:
        assert client.sync_once().complete
    return_inspection(central, returned, ["findings_summary"])
    versions = [returned, *finalize_some(profile, 4, seed=22)]
    port = int(central.url.rsplit(":", 1)[1])
    with FaultProxy(port) as proxy:
        proxy.plan(
            Fault("reset", BLOB, "up", after=100),
            Fault("truncate", BLOB, "up", after=420),
            Fault("corrupt", BLOB),
            Fault("stall", BLOB, "up", after=300),
            Fault("reset", BATCH, "up", after=60),
            Fault("truncate", BATCH, "down", after=40),
            Fault("stall", CHANGES, "down", after=150),
            Fault("reset", CHANGES, "down", after=600),
            Fault("truncate", CHANGES, "down", after=30),
        )
        planned = len(proxy.faults)
        proxy.slice_bytes = 7
        fake = FakeTime()
        policy = RetryPolicy(attempts=4, first_delay=0.05, budget=30.0)
        failures = 0
        with client_for(
            profile, proxy.url, fake=fake, retry=policy, timeout=TIMEOUT, page_size=5
        ) as client:
            for _round in range(6):
                try:
                    report = client.sync_once()
                except SyncError:
                    failures += 1
                    continue
                if report.complete:
                    break
            # Slow but whole: then healed, one more sync finds nothing left to do.
            proxy.slice_bytes = 0
            proxy.bytes_per_second = 400_000
            client.sync_once()
            proxy.heal()
            final = client.sync_once()
        assert len(proxy.fired) == planned, [f.kind for f in proxy.faults]
    assert final.complete and final.sent == [] and final.drift_repaired == 0
    assert_server_holds_exactly(central.store, profile.username, versions)
    assert {row.status for row in profile.inspections()} == {InspectionStatus.SENT} | {
        InspectionStatus.RETURNED
    }
    # The return arrived exactly once and reopened the commented question.
    assert profile.review_comments(returned.inspection_id) == {
        "findings_summary": "Graag findings_summary aanvullen"
    }
    entries = profile.audit_entries(returned.inspection_id)
    assert [e.action for e in entries].count("version_returned") == 1
    # The reference data is the server's, complete: as a fault-free device pulls it.
    clean = open_device(tmp_path / "clean", "fatima.elamrani")
    with client_for(clean, central.url) as client:
        client.sync_once()
    assert profile.venues() == clean.venues() and profile.team_users() == clean.team_users()
    assert profile.assignments() == clean.assignments()
    clean.close()
    profile.close()


@pytest.mark.parametrize("batched", [True, False], ids=["batched", "single"])
def test_a_dropped_answer_is_asked_again_and_the_retry_gets_the_original_receipt(
    central: Central, tmp_path: Path, batched: bool
) -> None:
    profile = open_device(tmp_path, "joost.vandermeer")
    earlier = set(server_versions(central.store, profile.username))  # the other path's
    versions = finalize_some(profile, 3, seed=23)
    port = int(central.url.rsplit(":", 1)[1])
    with FaultProxy(port) as proxy:
        # Every push's answer is lost once: the server stored it, the device never heard.
        if batched:
            faults = [Fault("drop_response", BATCH)]
        else:
            faults = [
                Fault("drop_response", f"{v.inspection_id}/versions/{v.version_id}".encode())
                for v in versions
            ]
        proxy.plan(*faults)
        with client_for(
            profile, proxy.url, timeout=TIMEOUT, batch_size=MAX_PUSH_BATCH if batched else 1
        ) as client:
            report = client.sync_once()
        assert len(proxy.fired) == len(faults)
    assert report.complete
    assert sorted(report.already_there) == sorted(v.version_id for v in versions)
    assert_server_holds_exactly(central.store, profile.username, versions, besides=earlier)
    with central.store.database.read() as connection:
        receipts = dict(
            connection.execute(
                sa.select(schema.versions.c.version_id, schema.versions.c.receipt).where(
                    schema.versions.c.author == profile.username
                )
            ).all()
        )
    for row in profile.sent():
        assert row.outbox is not None and row.version_id is not None
        assert row.outbox.server_receipt == receipts[row.version_id]
    profile.close()


def test_a_sync_cancelled_while_its_push_answer_hangs_sends_each_version_exactly_once(
    central: Central, tmp_path: Path
) -> None:
    """Issue 15 item 14: Cancel cuts off a request the server took and never answered; the
    device keeps the versions in its outbox, and the next sync sends them exactly once."""
    profile = open_device(tmp_path, "kevin.sitaldin")
    earlier = set(server_versions(central.store, profile.username))  # the other path's
    versions = finalize_some(profile, 2, seed=31)
    port = int(central.url.rsplit(":", 1)[1])
    with FaultProxy(port) as proxy:
        # The push reaches the store, which stores it; its answer is held back.
        proxy.plan(Fault("stall", BATCH, "down"))
        # A read timeout far beyond the test: only the cancel can end this sync soon.
        client = client_for(profile, proxy.url, timeout=httpx.Timeout(120.0, connect=5.0))
        ended: list[BaseException] = []

        def sync() -> None:
            try:
                client.sync_once()
            except BaseException as error:
                ended.append(error)

        worker = threading.Thread(target=sync)
        worker.start()
        stored = threading.Event()
        for _ in range(400):  # bounded: the store has the push, the answer hangs
            if set(server_versions(central.store, profile.username)) - earlier:
                stored.set()
                break
            stored.wait(0.05)
        assert stored.is_set() and worker.is_alive()
        started = time.monotonic()
        client.line.cancel()
        worker.join(10)
        assert not worker.is_alive()
        assert time.monotonic() - started < 2.0
        assert len(ended) == 1 and isinstance(ended[0], SyncCancelled), ended
        # The device never heard: both versions still wait, nothing is marked sent.
        assert {v.version_id for v in profile.pending_versions()} == {
            v.version_id for v in versions
        }
        proxy.heal()
        client.line.allow()
        report = client.sync_once()
        client.close()
    assert report.complete
    assert sorted(report.already_there) == sorted(v.version_id for v in versions)
    assert profile.pending_versions() == []
    assert_server_holds_exactly(central.store, profile.username, versions, besides=earlier)
    profile.close()
