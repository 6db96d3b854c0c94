"""Batch sync (issue 18): many versions per request, one question for the blobs held, small
photos together; each version and blob still answered on its own, on both backends.

What the server holds is read straight from its database, not from its answers.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from fieldapp.app.demo import DemoAccounts
from fieldapp.core.inspection import Attachment, InspectionVersion
from fieldapp.protocol.models import MAX_BLOB_BATCH, MAX_PUSH_BATCH, digest_of
from fieldapp.server import schema
from fieldapp.server.blobstorage import DatabaseBlobStorage
from fieldapp.server.usage import usage_of
from fieldapp.store import Profile
from fieldapp.store.seed import seed_profile
from fieldapp.sync.client import DIGEST_QUESTIONS_AT_ONCE, SyncClient
from fieldapp.sync.errors import ServerUnreachable
from fieldapp.sync.ledger import SentVersions, SyncState
from fieldapp.sync.transport import RetryPolicy
from tests.support.central import (
    BACKENDS,
    BOA,
    BOA_SAME_TEAM,
    SUPERVISOR_CENTRUM,
    Central,
    make_version,
    running_central,
)
from tests.support.sync import (
    assert_no_corrupt_blob,
    assert_server_holds_exactly,
    attachments_of,
    client_for,
    finalize_some,
    open_device,
    server_blobs,
    server_loses,
    server_versions,
    transport_wrapping,
    with_body,
)

#: Large enough that the test photos count as small blobs and travel in batches.
WHOLE_PHOTOS = 1024 * 1024

Answer = Callable[[httpx.Request, Callable[[httpx.Request], httpx.Response]], httpx.Response]


@pytest.fixture(scope="module", params=BACKENDS)
def central(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Central]:
    with running_central(request.param, tmp_path_factory.mktemp("batches"), "batches") as running:
        yield running


@pytest.fixture(
    scope="module",
    params=[(backend, storage) for backend in BACKENDS for storage in ("files", "database")],
    ids=lambda param: "-".join(param),
)
def storing_central(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Central]:
    """A store on each backend with its blobs in files, then in the database (a batch's
    bodies are spooled otherwise for each: a file each, or one file for the batch)."""
    backend, storage = request.param
    with running_central(
        backend, tmp_path_factory.mktemp("storing"), "storing", blob_storage=storage
    ) as running:
        yield running


def scratch_files(central: Central) -> list[Path]:
    """What request bodies left in the store's scratch folder (nothing, once answered)."""
    return list((central.config.blob_directory / "tmp").iterdir())


def counting(requests: Counter[str], then: Answer | None = None) -> Answer:
    """Count every request by method and path kind, then answer as `then` (or forward)."""

    def answer(
        request: httpx.Request, forward: Callable[[httpx.Request], httpx.Response]
    ) -> httpx.Response:
        path = request.url.path
        if "/versions/" in path:
            path = "/v1/inspections/…/versions/…"
        elif path.startswith("/v1/blobs/") and path != "/v1/blobs/batch":
            path = "/v1/blobs/…"
        requests[f"{request.method} {path}"] += 1
        return then(request, forward) if then is not None else forward(request)

    return answer


def stored_receipts(central: Central, author: str) -> dict[str, str]:
    versions = schema.versions
    with central.store.database.read() as connection:
        rows = connection.execute(
            sa.select(versions.c.version_id, versions.c.receipt).where(versions.c.author == author)
        ).all()
    return {row.version_id: row.receipt for row in rows}


def post_batch(client: httpx.Client, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    answer = client.post("/v1/sync/push", json={"versions": items})
    assert answer.status_code == 200, answer.text
    outcomes: list[dict[str, Any]] = answer.json()["outcomes"]
    return outcomes


def as_item(version: InspectionVersion) -> dict[str, Any]:
    item: dict[str, Any] = version.model_dump(mode="json")
    return item


# --- the device's sync ----------------------------------------------------------------------


def test_an_outbox_went_as_one_request_per_version_and_per_photo(
    central: Central, tmp_path: Path
) -> None:
    profile = open_device(tmp_path, "tomasz.nowak")
    earlier = set(server_versions(central.store, profile.username))
    versions = finalize_some(profile, 12, seed=81)
    photos = attachments_of(versions)
    assert len(photos) >= 12
    requests: Counter[str] = Counter()
    with client_for(
        profile,
        central.url,
        transport=transport_wrapping(counting(requests)),
        batch_size=5,
        chunk_bytes=WHOLE_PHOTOS,
    ) as client:
        report = client.sync_once()
    assert report.complete, report.summary("en")
    assert sorted(report.sent) == sorted(v.version_id for v in versions)
    # 12 versions in batches of 5: three requests, none alone; no HEAD or PUT per photo.
    assert requests["POST /v1/sync/push"] == 3
    assert requests["PUT /v1/inspections/…/versions/…"] == 0
    assert requests["HEAD /v1/blobs/…"] == 0 and requests["PUT /v1/blobs/…"] == 0
    assert requests["POST /v1/sync/blobs/held"] == 3
    assert 3 <= requests["POST /v1/blobs/batch"] <= 3 + len(photos) // MAX_BLOB_BATCH
    assert report.blobs_uploaded == len(photos)
    assert_server_holds_exactly(central.store, profile.username, versions, besides=earlier)
    # Each device keeps the receipt the server stored, byte for byte, as for a single push.
    receipts = stored_receipts(central, profile.username)
    for row in profile.sent():
        assert row.outbox is not None and row.version_id is not None
        assert row.outbox.server_receipt == receipts[row.version_id]
    # Nothing is left to do: the next sync sends nothing and asks nothing of the photos.
    requests.clear()
    with client_for(
        profile, central.url, transport=transport_wrapping(counting(requests))
    ) as client:
        again = client.sync_once()
    assert again.complete and again.sent == [] and again.blobs_uploaded == 0
    assert requests["POST /v1/sync/push"] == 0 and requests["POST /v1/blobs/batch"] == 0
    profile.close()


def test_the_photos_of_the_next_batch_waited_for_the_push_before_them(
    central: Central, tmp_path: Path
) -> None:
    """On a slow line each request waits out its round trip. The photos of the next batch
    were sent only after the push before them had its answer: two waits where one would
    do. Here each upload of a later batch's photos is held until a push starts (at most
    5 s); before, none ever did, since the device waited for the upload first."""
    # An author no other test here pushes as: their digest matches, so no repair follows.
    profile = open_device(tmp_path, "emre.kaya")
    versions = finalize_some(profile, 12, seed=88)
    earlier = set(server_versions(central.store, profile.username))
    first_batch = attachments_of(versions[:5])
    assert attachments_of(versions[5:10]) - first_batch and attachments_of(versions[10:])
    last_batch = {version.version_id for version in versions[10:]}
    meeting = threading.Condition()
    pushes_started = 0
    held_uploads = 0
    #: For each push: whether photos of a later batch were on their way as it went (each
    #: but the last waits for them up to 5 s: an upload thread may be a moment late).
    beside: list[bool] = []
    #: For each held upload: whether a push started while it was held.
    met: list[bool] = []

    def hold_later_photos(
        request: httpx.Request, forward: Callable[[httpx.Request], httpx.Response]
    ) -> httpx.Response:
        nonlocal pushes_started, held_uploads
        if request.url.path == "/v1/sync/push":
            pushed = {item["version_id"] for item in json.loads(request.content)["versions"]}
            with meeting:
                if pushed & last_batch:
                    beside.append(held_uploads > 0)
                else:
                    beside.append(meeting.wait_for(lambda: held_uploads > 0, timeout=5))
                pushes_started += 1
                meeting.notify_all()
        elif request.url.path == "/v1/blobs/batch":
            named = {item.split(":")[0] for item in request.headers["Blob-Manifest"].split(",")}
            if not named & first_batch:
                with meeting:
                    seen = pushes_started
                    held_uploads += 1
                    meeting.notify_all()
                    met.append(meeting.wait_for(lambda: pushes_started > seen, timeout=5))
                    held_uploads -= 1
        return forward(request)

    with client_for(
        profile,
        central.url,
        transport=transport_wrapping(hold_later_photos),
        batch_size=5,
        chunk_bytes=WHOLE_PHOTOS,
    ) as client:
        report = client.sync_once()
    assert report.complete, report.summary("en")
    assert sorted(report.sent) == sorted(v.version_id for v in versions)
    assert report.blobs_uploaded == len(attachments_of(versions))
    assert_server_holds_exactly(central.store, profile.username, versions, besides=earlier)
    # Three batches: the first two pushes went while the next batch's photos travelled.
    assert beside == [True, True, False]
    assert met and all(met)
    profile.close()


def test_a_batch_answer_cost_the_device_a_commit_per_version(
    central: Central, tmp_path: Path
) -> None:
    profile = open_device(tmp_path, "tomasz.nowak")
    versions = finalize_some(profile, 12, seed=82)
    # Every statement the device's SQLite runs, as SQLite itself reports it.
    statements: list[str] = []
    profile._database.connection.set_trace_callback(statements.append)
    with client_for(profile, central.url, batch_size=6, chunk_bytes=WHOLE_PHOTOS) as client:
        report = client.sync_once()
    profile._database.connection.set_trace_callback(None)
    assert report.complete and len(report.sent) == 12
    # Two batches of six: each answer recorded in one transaction, not a commit each.
    recorded_in = _transactions_holding(statements, "UPDATE outbox SET state = 'sent'")
    assert recorded_in == [6, 6], recorded_in
    assert {row.version_id for row in profile.sent()} >= {v.version_id for v in versions}
    profile.close()


def _transactions_holding(statements: list[str], prefix: str) -> list[int]:
    """How many statements starting with `prefix` each transaction that ran any held."""
    counts: list[int] = []
    inside = 0
    for statement in statements:
        if statement.startswith("BEGIN"):
            inside = 0
        elif statement.startswith(prefix):
            inside += 1
        elif statement == "COMMIT" and inside:
            counts.append(inside)
            inside = 0
    return counts


def test_an_older_server_without_batches_still_gets_everything(
    central: Central, tmp_path: Path
) -> None:
    profile = open_device(tmp_path, "elif.yildiz")
    earlier = set(server_versions(central.store, profile.username))
    versions = finalize_some(profile, 4, seed=82)
    requests: Counter[str] = Counter()
    batch_paths = {"/v1/sync/push", "/v1/sync/blobs/held", "/v1/blobs/batch"}

    def old_server(
        request: httpx.Request, forward: Callable[[httpx.Request], httpx.Response]
    ) -> httpx.Response:
        if request.url.path in batch_paths:
            body = {"code": "not_found", "message": {"nl": "Niet gevonden.", "en": "Not found."}}
            return httpx.Response(404, json=body, request=request)
        return forward(request)

    with client_for(
        profile,
        central.url,
        transport=transport_wrapping(counting(requests, old_server)),
        chunk_bytes=WHOLE_PHOTOS,
    ) as client:
        report = client.sync_once()
    assert report.complete, report.summary("en")
    # Asked once each, then one request per version as before batches.
    assert requests["POST /v1/sync/push"] == 1 and requests["POST /v1/sync/blobs/held"] == 1
    assert requests["PUT /v1/inspections/…/versions/…"] == len(versions)
    assert requests["POST /v1/blobs/batch"] == 0
    assert_server_holds_exactly(central.store, profile.username, versions, besides=earlier)
    profile.close()


def test_a_photo_damaged_within_a_batch_is_sent_again_on_its_own(
    central: Central, tmp_path: Path
) -> None:
    profile = open_device(tmp_path, "sanne.dekker")
    earlier = set(server_versions(central.store, profile.username))
    versions = finalize_some(profile, 3, seed=83)
    photos = attachments_of(versions)
    damaged: list[str] = []

    def damage_one(
        request: httpx.Request, forward: Callable[[httpx.Request], httpx.Response]
    ) -> httpx.Response:
        if request.url.path == "/v1/blobs/batch" and not damaged:
            # One byte of the first blob flipped on the way; the others arrive whole.
            first = request.headers["Blob-Manifest"].split(",")[0].split(":")[0]
            damaged.append(first)
            body = bytearray(request.content)
            body[0] ^= 0xFF
            request = with_body(request, bytes(body))
        return forward(request)

    with client_for(
        profile,
        central.url,
        transport=transport_wrapping(damage_one),
        chunk_bytes=WHOLE_PHOTOS,
    ) as client:
        report = client.sync_once()
    assert damaged and report.complete, report.summary("en")
    assert photos <= server_blobs(central.store)
    assert_no_corrupt_blob(central.store)
    assert_server_holds_exactly(central.store, profile.username, versions, besides=earlier)
    profile.close()


def test_a_drift_repair_after_a_restore_went_one_request_per_version(
    central: Central, tmp_path: Path
) -> None:
    profile = open_device(tmp_path, "anouk.bakker")
    earlier = set(server_versions(central.store, profile.username))
    versions = finalize_some(profile, 7, seed=84)
    with client_for(profile, central.url, chunk_bytes=WHOLE_PHOTOS) as client:
        assert client.sync_once().complete
    # The server is restored from a backup that lacks five of them (and their photos'
    # holders stay: the blobs are still there).
    lost = versions[:5]
    server_loses(central, lost, profile.username)
    requests: Counter[str] = Counter()
    with client_for(
        profile,
        central.url,
        transport=transport_wrapping(counting(requests)),
        batch_size=3,
        chunk_bytes=WHOLE_PHOTOS,
    ) as client:
        report = client.sync_once()
    assert report.complete and report.drift_repaired == len(lost), report.summary("en")
    # Seven versions believed sent, in batches of three: three requests, none alone.
    assert requests["POST /v1/sync/push"] == 3
    assert requests["PUT /v1/inspections/…/versions/…"] == 0
    assert_server_holds_exactly(central.store, profile.username, versions, besides=earlier)
    profile.close()


def test_a_shared_devices_interleaved_outbox_went_a_version_at_a_time(
    central: Central, tmp_path: Path
) -> None:
    profile = open_device(tmp_path, "youssef.benali")
    # The seed draws its authors by the device's random id: on some devices each author's
    # few waiting versions happen to stand together. Seed on until they interleave.
    for _ in range(5):
        seed_profile(profile, 200, seed=85, photo_share=0.0)
        pending = profile.pending_versions()
        authors = [v.author for v in pending]
        runs = 1 + sum(1 for a, b in itertools.pairwise(authors) if a != b)
        if runs > len(set(authors)):
            break
    assert runs > len(set(authors)), "the seed's outbox should interleave its authors"
    ledger = SentVersions(profile)
    believed = {a: len(ledger.sent_ids(a)) for a in ledger.digests(SyncState.load(profile))}
    batches: list[set[str]] = []

    def watch(
        request: httpx.Request, forward: Callable[[httpx.Request], httpx.Response]
    ) -> httpx.Response:
        if request.url.path == "/v1/sync/push":
            batches.append({v["author"] for v in json.loads(request.content)["versions"]})
        return forward(request)

    with SyncClient(
        profile,
        central.url,
        credentials=DemoAccounts(),
        transport=transport_wrapping(watch),
    ) as client:
        report = client.sync_once()
    assert report.complete, report.summary("en")
    # One request per author for the outbox, and per author for the drift repair (each
    # under a hundred): not one per run of an author's versions.
    assert all(len(authors_of) == 1 for authors_of in batches)
    assert len(batches) == len(set(authors)) + sum(1 for n in believed.values() if n)
    held = set(server_versions(central.store))
    assert {v.version_id for v in pending} <= held
    profile.close()


def _older_server(request: httpx.Request) -> httpx.Response:
    """What a server from before `POST /v1/sync/digests` answers it."""
    return httpx.Response(404, json={"detail": "Not Found"}, request=request)


def test_a_shared_devices_digests_were_asked_one_after_the_other(tmp_path: Path) -> None:
    # Against a server older than the one digest question for all authors, which asks
    # one question per author. A store of its own: the seed's door-test rounds would clash
    # with another test's.
    with running_central("sqlite", tmp_path / "central", "digests") as central:
        _ask_digests_of_a_shared_device(central, tmp_path / "device")


def _shared_device(home: Path, owner: str = "youssef.benali") -> Profile:
    """A device several people used: the seed's versions of 40 inspections, by many."""
    profile = open_device(home, owner)
    seed_profile(profile, 40, seed=86, photo_share=0.0)
    return profile


def _synced_once(profile: Profile, central: Central) -> set[str]:
    """Sync the device once (everything reaches the server); the people a sync asks about."""
    with SyncClient(profile, central.url, credentials=DemoAccounts()) as client:
        first = client.sync_once()
    assert first.complete, first.summary("en")
    return _people_asked_about(profile)


def _people_asked_about(profile: Profile) -> set[str]:
    """Whose digests a sync of this device checks: each person it holds work of, and its
    owner even without any. The seed draws its authors by the device's random id, so the
    owner is among them on some runs and not on others."""
    return {*SentVersions(profile).digests(SyncState.load(profile)), profile.username}


def _ask_digests_of_a_shared_device(central: Central, home: Path) -> None:
    profile = _shared_device(home, "youssef.benali")
    authors = _synced_once(profile, central)
    assert len(authors) >= 3, "the seed should have several authors on this device"
    # The first two digest questions wait for each other: asked one after the other, the
    # first would wait in vain and the barrier break.
    meeting = threading.Barrier(2, timeout=20)
    lock = threading.Lock()
    in_flight = [0, 0]  # now, most at once
    asked: list[str] = []

    def watch(
        request: httpx.Request, forward: Callable[[httpx.Request], httpx.Response]
    ) -> httpx.Response:
        if request.url.path == "/v1/sync/digests":
            return _older_server(request)
        if request.url.path != "/v1/sync/digest":
            return forward(request)
        with lock:
            asked.append(request.headers["authorization"])
            in_flight[0] += 1
            in_flight[1] = max(in_flight)
            first_two = len(asked) <= 2
        try:
            if first_two:
                meeting.wait()
            return forward(request)
        finally:
            with lock:
                in_flight[0] -= 1

    with SyncClient(
        profile, central.url, credentials=DemoAccounts(), transport=transport_wrapping(watch)
    ) as client:
        again = client.sync_once()
    assert again.complete and again.sent == [] and again.drift_repaired == 0
    assert len(asked) == len(set(asked)) == len(authors)  # each author asked once
    assert 2 <= in_flight[1] <= DIGEST_QUESTIONS_AT_ONCE
    profile.close()


def test_a_server_gone_during_the_digests_was_asked_for_every_authors_digest(
    tmp_path: Path,
) -> None:
    # Against a server older than the one digest question for all authors.
    with running_central("sqlite", tmp_path / "central", "digests-gone") as central:
        profile = _shared_device(tmp_path / "device", "youssef.benali")
        authors = _synced_once(profile, central)
        assert len(authors) > 2 * DIGEST_QUESTIONS_AT_ONCE
        asked: list[str] = []
        lock = threading.Lock()
        # The first digest question finds the server gone; the others already under way
        # hang until a second later, long after the first failure was seen.
        later = threading.Event()
        timer = threading.Timer(1.0, later.set)
        timer.start()

        def gone(
            request: httpx.Request, forward: Callable[[httpx.Request], httpx.Response]
        ) -> httpx.Response:
            if request.url.path == "/v1/sync/digests":
                return _older_server(request)
            if request.url.path != "/v1/sync/digest":
                return forward(request)
            with lock:
                first = not asked
                asked.append(request.headers["authorization"])
            if not first:
                later.wait(10)
            raise httpx.ConnectError("the server went away", request=request)

        try:
            with (
                SyncClient(
                    profile,
                    central.url,
                    credentials=DemoAccounts(),
                    transport=transport_wrapping(gone),
                    retry=RetryPolicy(attempts=1, first_delay=0.01, budget=5.0),
                ) as client,
                pytest.raises(ServerUnreachable),
            ):
                client.sync_once()
        finally:
            timer.cancel()
            later.set()
        # The questions not yet asked when the server was found gone were not asked at all.
        assert len(set(asked)) < len(authors)
        profile.close()


def test_a_shared_device_asked_a_digest_question_per_author(tmp_path: Path) -> None:
    # A sync with nothing to do cost a shared device one authenticated round trip per
    # person who ever used it; now one question carries every person's token.
    with running_central("sqlite", tmp_path / "central", "one-question") as central:
        profile = _shared_device(tmp_path / "device", "youssef.benali")
        authors = _synced_once(profile, central)
        assert len(authors) >= 3, "the seed should have several authors on this device"
        paths: list[str] = []
        questions: list[int] = []

        def watch(
            request: httpx.Request, forward: Callable[[httpx.Request], httpx.Response]
        ) -> httpx.Response:
            paths.append(request.url.path)
            if request.url.path == "/v1/sync/digests":
                questions.append(len(json.loads(request.content)["tokens"]))
            return forward(request)

        with SyncClient(
            profile, central.url, credentials=DemoAccounts(), transport=transport_wrapping(watch)
        ) as client:
            again = client.sync_once()
        assert again.complete and again.sent == [] and again.drift_repaired == 0
        assert questions == [len(authors)]
        assert "/v1/sync/digest" not in paths
        profile.close()


def test_drift_of_one_author_on_a_shared_device_was_found_by_the_one_question(
    tmp_path: Path,
) -> None:
    # The server's digest of one person no longer agrees with the device (its digest row is
    # removed by hand, so the server counts none of theirs): the one question must show that
    # person's difference, and the repair pushes theirs alone. The versions themselves are
    # still on the server, so each push is a replay; that the repair ran is what counts here
    # (tests/sync/test_client.py repairs versions the server really lost).
    with running_central("sqlite", tmp_path / "central", "one-question-drift") as central:
        profile = _shared_device(tmp_path / "device", "youssef.benali")
        with SyncClient(profile, central.url, credentials=DemoAccounts()) as client:
            assert client.sync_once().complete
            believed = SentVersions(profile).digests(SyncState.load(profile))
            lost = sorted(author for author in believed if author != "youssef.benali")[0]
            with central.store.database.write() as connection:
                held = {
                    str(v)
                    for v in connection.execute(
                        sa.select(schema.versions.c.version_id).where(
                            schema.versions.c.author == lost
                        )
                    ).scalars()
                }
                connection.execute(schema.digests.delete().where(schema.digests.c.author == lost))
            repushed: list[str] = []

            def watch(
                request: httpx.Request, forward: Callable[[httpx.Request], httpx.Response]
            ) -> httpx.Response:
                if request.url.path == "/v1/sync/push":
                    repushed.extend(v["author"] for v in json.loads(request.content)["versions"])
                return forward(request)

            with SyncClient(
                profile,
                central.url,
                credentials=DemoAccounts(),
                transport=transport_wrapping(watch),
            ) as watched:
                report = watched.sync_once()
        assert report.complete, report.summary("en")
        assert set(repushed) == {lost} and len(repushed) == len(held) == believed[lost].count
        profile.close()


def test_an_author_whose_token_the_digest_question_refused_was_signed_in_and_asked_again(
    tmp_path: Path,
) -> None:
    # A token revoked (or expired) since the device got it: that person's answer is empty,
    # and the device signs that person in again and asks once more, with the fresh token.
    with running_central("sqlite", tmp_path / "central", "one-question-revoked") as central:
        profile = _shared_device(tmp_path / "device", "youssef.benali")
        alone: list[str] = []
        signed_in: list[str] = []

        def watch(
            request: httpx.Request, forward: Callable[[httpx.Request], httpx.Response]
        ) -> httpx.Response:
            if request.url.path == "/v1/sync/digest":
                alone.append(request.headers["authorization"])
            if request.url.path == "/v1/sync/digests":
                questions.append(len(json.loads(request.content)["tokens"]))
            if request.url.path == "/v1/auth/token":
                signed_in.append(json.loads(request.content)["username"])
            return forward(request)

        questions: list[int] = []
        with SyncClient(
            profile, central.url, credentials=DemoAccounts(), transport=transport_wrapping(watch)
        ) as client:
            assert client.sync_once().complete
            authors = _people_asked_about(profile)
            revoked = sorted(author for author in authors if author != "youssef.benali")[0]
            with central.store.database.write() as connection:
                assert central.store.accounts.revoke_all(connection, revoked) >= 1
            alone.clear()
            signed_in.clear()
            questions.clear()
            again = client.sync_once()
        assert again.complete and again.sent == [] and again.drift_repaired == 0
        assert signed_in == [revoked] and alone == []
        assert questions == [len(authors), 1]
        profile.close()


def test_an_owner_whose_token_was_revoked_at_the_digest_question_was_signed_in_twice(
    tmp_path: Path,
) -> None:
    # The owner's token revoked (or expired) just as the digest question goes: the line
    # signs the owner in again and repeats the question, but with the same body, whose
    # owner's token is the dead one. The server answers the owner's item empty, and the
    # device signs the owner in a second time to ask alone: two sign-ins (two Argon2
    # checks on the server, two tokens) where one fresh token served both.
    owner = "youssef.benali"
    with running_central("sqlite", tmp_path / "central", "one-question-owner") as central:
        profile = _shared_device(tmp_path / "device", owner)
        signed_in: list[str] = []
        revoked: list[None] = []

        def watch(
            request: httpx.Request, forward: Callable[[httpx.Request], httpx.Response]
        ) -> httpx.Response:
            if request.url.path == "/v1/auth/token":
                signed_in.append(json.loads(request.content)["username"])
            if request.url.path == "/v1/sync/digests" and not revoked:
                revoked.append(None)
                with central.store.database.write() as connection:
                    assert central.store.accounts.revoke_all(connection, owner) >= 1
            return forward(request)

        with SyncClient(
            profile, central.url, credentials=DemoAccounts(), transport=transport_wrapping(watch)
        ) as client:
            assert client.sync_once().complete
            assert len(SentVersions(profile).digests(SyncState.load(profile))) >= 2
            signed_in.clear()
            revoked.clear()
            again = client.sync_once()
        assert revoked, "the digest question was not asked"
        assert again.complete and again.sent == [] and again.drift_repaired == 0
        assert signed_in == [owner], signed_in
        profile.close()


def test_a_shared_device_whose_tokens_had_all_expired_signed_in_one_after_the_other(
    tmp_path: Path,
) -> None:
    # Back after a fortnight, every token a shared device holds has expired. Each person
    # was signed in again one after the other and then asked alone: a sign-in (the
    # server's password hashing) plus a round trip per person, in a row. Now the sign-ins
    # go several at a time and the renewed tokens ask once more together.
    with running_central("sqlite", tmp_path / "central", "one-question-expired") as central:
        profile = _shared_device(tmp_path / "device", "youssef.benali")
        meeting = threading.Barrier(2, timeout=20)
        lock = threading.Lock()
        signed_in: list[str] = []
        paths: list[str] = []
        expired = threading.Event()

        def watch(
            request: httpx.Request, forward: Callable[[httpx.Request], httpx.Response]
        ) -> httpx.Response:
            with lock:
                paths.append(request.url.path)
            if request.url.path == "/v1/auth/token" and expired.is_set():
                with lock:
                    signed_in.append(json.loads(request.content)["username"])
                    first_two = len(signed_in) <= 3  # the owner's, then two others
                if first_two and signed_in[-1] != "youssef.benali":
                    meeting.wait()
            return forward(request)

        with SyncClient(
            profile, central.url, credentials=DemoAccounts(), transport=transport_wrapping(watch)
        ) as client:
            assert client.sync_once().complete
            authors = _people_asked_about(profile)
            assert len(authors) >= 3
            with central.store.database.write() as connection:
                for author in authors:
                    central.store.accounts.revoke_all(connection, author)
            paths.clear()
            expired.set()
            again = client.sync_once()
        assert again.complete and again.sent == [] and again.drift_repaired == 0
        assert sorted(signed_in) == sorted(authors)  # each signed in once
        assert paths.count("/v1/sync/digests") == 2
        assert "/v1/sync/digest" not in paths
        profile.close()


# --- the server's side ----------------------------------------------------------------------


def test_a_refusal_in_a_batch_did_not_fail_its_neighbours_and_a_replay_repeats_the_receipts(
    central: Central,
) -> None:
    good = make_version(BOA, note="eerste")
    tampered = make_version(BOA, note="tweede").model_copy(
        update={"document": {"answers": {"notes": "veranderd"}, "repeats": {}}}
    )
    foreign = make_version(BOA_SAME_TEAM, note="van een ander")
    also_good = make_version(BOA, note="derde")
    items = [
        as_item(good),
        as_item(tampered),
        {"version_id": "not a version"},
        as_item(foreign),
        as_item(also_good),
    ]
    with central.client(BOA) as boa:
        first = post_batch(boa, items)
        again = post_batch(boa, items)
        digest = boa.get("/v1/sync/digest").json()
    # The author's digest counts what the database holds, each version once.
    held_ids = list(server_versions(central.store, BOA))
    assert (digest["count"], digest["hash"]) == (len(held_ids), digest_of(held_ids))
    assert [o["status"] for o in first] == [201, 422, 422, 403, 201]
    assert [o["error"]["code"] for o in first if "error" in o] == [
        "content_hash_mismatch",
        "invalid",
        "author_mismatch",
    ]
    held = server_versions(central.store, BOA)
    assert good.version_id in held and also_good.version_id in held
    assert tampered.version_id not in held and foreign.version_id not in held
    # A replay: the same outcomes, 200 for the stored ones with the first receipt.
    assert [o["status"] for o in again] == [200, 422, 422, 403, 200]
    receipts = stored_receipts(central, BOA)
    for outcome in (again[0], again[4]):
        version_id = outcome["version_id"]
        assert outcome["receipt"] == json.loads(receipts[version_id])
        assert (
            outcome["receipt"] == next(o for o in first if o["version_id"] == version_id)["receipt"]
        )


def test_a_correction_after_its_base_in_the_same_batch_is_applied_in_order(
    central: Central,
) -> None:
    base = make_version(BOA, note="basis")
    correction = make_version(
        BOA, inspection_id=base.inspection_id, base=base.version_id, note="aangevuld"
    )
    stale = make_version(
        BOA, inspection_id=base.inspection_id, base=base.version_id, note="te laat"
    )
    with central.client(BOA) as boa:
        outcomes = post_batch(boa, [as_item(base), as_item(correction), as_item(stale)])
    assert [o["status"] for o in outcomes] == [201, 201, 409]
    assert outcomes[2]["error"]["code"] == "stale_base"
    inspections = schema.inspections
    with central.store.database.read() as connection:
        head, count = connection.execute(
            sa.select(inspections.c.head_version_id, inspections.c.version_count).where(
                inspections.c.inspection_id == base.inspection_id
            )
        ).one()
        held = connection.execute(
            sa.select(schema.conflicts.c.version_id).where(
                schema.conflicts.c.version_id == stale.version_id
            )
        ).scalar_one_or_none()
    assert (head, count) == (correction.version_id, 2)
    # The refused one is kept for a person, as a single push keeps it.
    assert held == stale.version_id


def test_two_devices_racing_with_the_same_batch_store_it_once(central: Central) -> None:
    versions = [make_version(BOA, note=f"race {n}") for n in range(8)]
    items = [as_item(v) for v in versions]
    answers: list[list[dict[str, Any]]] = []
    start = threading.Barrier(2)

    def send() -> None:
        with central.client(BOA) as boa:
            start.wait(timeout=30)
            answers.append(post_batch(boa, items))

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(answers) == 2
    for outcomes in answers:
        assert all(o["status"] in {200, 201} for o in outcomes), outcomes
    # Every version stored once (one of the two got each first), with one receipt for both.
    statuses = [sorted(o["status"] for o in pair) for pair in zip(*answers, strict=True)]
    assert statuses == [[200, 201]] * len(versions)
    held = server_versions(central.store, BOA)
    assert {v.version_id for v in versions} <= set(held)
    for first, second in zip(*answers, strict=True):
        assert first["receipt"] == second["receipt"]


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"versions": []}, 422),
        ({"versions": [{}] * (MAX_PUSH_BATCH + 1)}, 422),
        ({"versions": "none"}, 422),
        ({"items": []}, 422),
    ],
    ids=["empty", "too many", "not a list", "unknown key"],
)
def test_a_batch_of_the_wrong_shape_is_a_4xx(
    central: Central, body: dict[str, Any], status: int
) -> None:
    with central.client(BOA) as boa:
        answer = boa.post("/v1/sync/push", json=body)
    assert answer.status_code == status, answer.text
    assert answer.json()["code"] == "invalid"


def test_only_those_who_send_inspections_push_batches(central: Central) -> None:
    with central.client(SUPERVISOR_CENTRUM) as supervisor:
        answer = supervisor.post(
            "/v1/sync/push", json={"versions": [as_item(make_version(SUPERVISOR_CENTRUM))]}
        )
    assert answer.status_code == 403


def test_blobs_held_names_only_what_the_asker_uploaded(central: Central) -> None:
    photo = b"a photo only the boa uploaded " + hashlib.sha256(b"held").digest()
    sha = hashlib.sha256(photo).hexdigest()
    other = hashlib.sha256(b"never uploaded").hexdigest()
    with central.client(BOA) as boa, central.client(BOA_SAME_TEAM) as colleague:
        assert boa.put(f"/v1/blobs/{sha}", content=photo).status_code == 201
        mine = boa.post("/v1/sync/blobs/held", json={"sha256": [sha, other]})
        theirs = colleague.post("/v1/sync/blobs/held", json={"sha256": [sha, other]})
        too_many = boa.post("/v1/sync/blobs/held", json={"sha256": [other] * 1001})
        not_a_hash = boa.post("/v1/sync/blobs/held", json={"sha256": ["../etc/passwd"]})
    assert mine.status_code == 200 and mine.json() == {"held": [sha]}
    # Whether anyone else holds it is never told.
    assert theirs.status_code == 200 and theirs.json() == {"held": []}
    assert too_many.status_code == 422 and not_a_hash.status_code == 422


def manifest_of(*blobs: bytes) -> str:
    return ",".join(f"{hashlib.sha256(blob).hexdigest()}:{len(blob)}" for blob in blobs)


def test_a_blob_batch_keeps_each_blob_that_hashes_right(storing_central: Central) -> None:
    central = storing_central
    blobs = [f"batched blob {n} ".encode() * (n + 1) for n in range(5)]
    wrong = b"bytes that are not what the manifest names"
    named = hashlib.sha256(b"something else").hexdigest()
    manifest = manifest_of(*blobs) + f",{named}:{len(wrong)},{manifest_of(b'')}"
    with central.store.database.read() as connection:
        used_before = usage_of(connection, BOA)
    with central.client(BOA) as boa:
        answer = boa.post(
            "/v1/blobs/batch",
            content=b"".join(blobs) + wrong,
            headers={"Blob-Manifest": manifest},
        )
    assert answer.status_code == 200, answer.text
    outcomes = answer.json()["outcomes"]
    assert [o["status"] for o in outcomes] == [201] * 5 + [409, 201]
    assert outcomes[5]["error"]["code"] == "blob_hash_mismatch"
    kept = server_blobs(central.store)
    assert {hashlib.sha256(b).hexdigest() for b in blobs} <= kept
    assert named not in kept
    for blob in blobs:
        sha = hashlib.sha256(blob).hexdigest()
        assert b"".join(central.store.blobs.read(sha)) == blob
    # Each new one is counted against the uploader's storage, once.
    with central.store.database.read() as connection:
        assert usage_of(connection, BOA) - used_before == sum(len(b) for b in blobs)
    with central.client(BOA) as boa:
        held = boa.post(
            "/v1/sync/blobs/held",
            json={"sha256": [hashlib.sha256(b).hexdigest() for b in blobs]},
        ).json()["held"]
    assert len(held) == 5
    assert scratch_files(central) == []


@pytest.mark.parametrize(
    ("manifest", "body", "status"),
    [
        ("nonsense", b"x", 400),
        (f"{'a' * 64}:3", b"ab", 400),  # shorter than named
        (f"{'a' * 64}:1", b"ab", 400),  # longer than named
        (f"{'a' * 64}:1,{'a' * 64}:1", b"ab", 400),  # the same blob twice
        (",".join(f"{n:064x}:0" for n in range(MAX_BLOB_BATCH + 1)), b"", 400),
        (f"{'a' * 64}:{2 * 1024 * 1024}", b"", 413),  # one blob too large for a batch
        (f"{'A' * 64}:1", b"x", 400),  # not lowercase hex
    ],
    ids=["unreadable", "short", "long", "twice", "too many", "too large", "not a hash"],
)
def test_a_hostile_blob_batch_is_a_4xx_and_keeps_nothing(
    storing_central: Central, manifest: str, body: bytes, status: int
) -> None:
    central = storing_central
    before = server_blobs(central.store)
    with central.client(BOA) as boa:
        answer = boa.post("/v1/blobs/batch", content=body, headers={"Blob-Manifest": manifest})
    assert answer.status_code == status, answer.text
    assert answer.json()["code"] in {"malformed", "too_large"}
    assert server_blobs(central.store) == before
    assert scratch_files(central) == []


def test_a_version_pushed_in_a_batch_names_the_photos_still_missing(central: Central) -> None:
    photo = b"a photo that comes after its version"
    sha = hashlib.sha256(photo).hexdigest()
    version = make_version(
        BOA, attachments=(Attachment(question="observation_photo", sha256=sha, size=len(photo)),)
    )
    with central.client(BOA) as boa:
        (outcome,) = post_batch(boa, [as_item(version)])
        assert outcome["status"] == 201
        assert outcome["receipt"]["complete"] is False
        assert outcome["receipt"]["missing_blobs"] == [sha]
        uploaded = boa.post(
            "/v1/blobs/batch", content=photo, headers={"Blob-Manifest": manifest_of(photo)}
        )
        assert uploaded.json()["outcomes"][0]["status"] == 201
        stored = boa.get(f"/v1/inspections/{version.inspection_id}/versions/{version.version_id}")
    assert stored.status_code == 200 and stored.json()["complete"] is True


def test_a_photo_uploaded_again_while_it_was_swept_was_recorded_without_its_bytes(
    storing_central: Central, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A photo nobody's version names is swept a week after it came. Uploaded again just
    # then, the upload found its bytes still there and kept nothing; the sweep removed its
    # row, then its bytes; the upload then recorded a row that named bytes no longer there.
    central = storing_central
    storage = central.store.blobs
    real_keep, real_keep_many = storage.keep, storage.keep_many
    sweeps: list[int] = []

    def sweep_once() -> None:
        # Once per upload, right after its bytes were kept (or found there already).
        if not sweeps:
            sweeps.append(central.store.sweeper.sweep().blobs)

    def keep_then_sweep(*args: Any) -> None:
        real_keep(*args)
        sweep_once()

    def keep_many_then_sweep(*args: Any) -> None:
        real_keep_many(*args)
        sweep_once()

    for way in ("whole", "batch"):
        data = os.urandom(5_000)
        sha = hashlib.sha256(data).hexdigest()

        def upload(boa: httpx.Client, data: bytes = data, sha: str = sha, way: str = way) -> int:
            if way == "whole":
                return boa.put(f"/v1/blobs/{sha}", content=data).status_code
            answer = boa.post(
                "/v1/blobs/batch", content=data, headers={"Blob-Manifest": manifest_of(data)}
            )
            return (
                answer.status_code
                if answer.status_code != 200
                else answer.json()["outcomes"][0]["status"]
            )

        with central.client(BOA) as boa:
            assert upload(boa) == 201
        # Another officer's device sends the same bytes (a photo shared in the team).
        with central.client(BOA_SAME_TEAM) as other:
            central.clock.advance(timedelta(days=8))
            sweeps.clear()
            try:
                with monkeypatch.context() as patched:
                    patched.setattr(storage, "keep", keep_then_sweep)
                    patched.setattr(storage, "keep_many", keep_many_then_sweep)
                    status = upload(other)
            finally:
                central.clock.advance(-timedelta(days=8))
            # Never a row without its bytes; a refused upload is sent again, as a device does.
            assert [s for s in server_blobs(central.store) if not storage.has(s)] == [], way
            if not (way == "batch" and isinstance(storage, DatabaseBlobStorage)):
                # (A batch into the database keeps and records in one transaction: no gap.)
                assert sweeps and sweeps[0] >= 1, "the sweep did not run between them"
            if status == 503:
                status = upload(other)
            assert status in {200, 201}, (way, status)
        assert sha in server_blobs(central.store) and storage.has(sha), way
        assert b"".join(storage.read(sha)) == data
