"""Blobs in the database (FIELDAPP_BLOB_STORAGE=database): the same uploads, nothing on disk.

Whole and resumable uploads, a resume at the wrong offset, a corrupt whole, downloads in
chunks, the sweep of an abandoned upload; afterwards the home folder holds no blob bytes,
so several server processes on several machines can share one PostgreSQL.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from fieldapp.core.inspection import Attachment
from fieldapp.core.locations import PROJECT_ROOT
from fieldapp.server.blobstorage import CHUNK, DatabaseBlobStorage, FileBlobStorage, ReceivedBody
from tests.support.central import (
    BACKENDS,
    BOA,
    SUPERVISOR_CENTRUM,
    Central,
    make_version,
    push,
    running_central,
)


@pytest.fixture(scope="module", params=BACKENDS)
def central(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Central]:
    home = tmp_path_factory.mktemp("dbblobs")
    with running_central(
        request.param, home, "dbblobs", blob_storage="database", sweep_minutes=0
    ) as running:
        yield running


def _files_under(central: Central) -> list[str]:
    return [
        str(path.relative_to(central.config.home))
        for path in central.config.blob_directory.rglob("*")
        if path.is_file()
    ]


def _ranges(
    client: httpx.Client, sha: str, data: bytes, start: int, step: int, stop: int | None = None
) -> list[int]:
    """Send `data[start:stop]` in ranges of `step` bytes; the statuses of the answers."""
    statuses = []
    for position in range(start, len(data) if stop is None else stop, step):
        end = min(position + step, len(data)) - 1
        answer = client.put(
            f"/v1/blobs/{sha}",
            content=data[position : end + 1],
            headers={"Content-Range": f"bytes {position}-{end}/{len(data)}"},
        )
        statuses.append(answer.status_code)
    return statuses


def test_blobs_in_the_database_upload_resume_download_and_leave_no_files(
    central: Central,
) -> None:
    whole = os.urandom(3 * CHUNK + 123)  # several chunks
    whole_sha = hashlib.sha256(whole).hexdigest()
    ranged = os.urandom(2 * CHUNK + 7)
    ranged_sha = hashlib.sha256(ranged).hexdigest()
    step = 700_000
    with central.client(BOA) as boa:
        assert boa.put(f"/v1/blobs/{whole_sha}", content=whole).status_code == 201
        # Two ranges, then an interruption: HEAD tells where to go on.
        assert _ranges(boa, ranged_sha, ranged, 0, step, stop=2 * step) == [202, 202]
        head = boa.head(f"/v1/blobs/{ranged_sha}")
        assert head.status_code == 404 and head.headers["Upload-Offset"] == str(2 * step)
        wrong = boa.put(
            f"/v1/blobs/{ranged_sha}",
            content=ranged[step : 2 * step],
            headers={"Content-Range": f"bytes {step}-{2 * step - 1}/{len(ranged)}"},
        )
        assert wrong.status_code == 409 and wrong.json()["expected_offset"] == 2 * step
        assert _ranges(boa, ranged_sha, ranged, 2 * step, step)[-1] == 201
        version = make_version(
            BOA,
            attachments=tuple(
                Attachment(question="observation_photo", sha256=sha, size=len(data))
                for sha, data in ((whole_sha, whole), (ranged_sha, ranged))
            ),
        )
        receipt = push(boa, version).json()
        assert receipt["complete"], receipt
    with central.client(SUPERVISOR_CENTRUM) as supervisor:
        for sha, data in ((whole_sha, whole), (ranged_sha, ranged)):
            answer = supervisor.get(f"/v1/blobs/{sha}")
            assert answer.status_code == 200 and answer.content == data
    assert _files_under(central) == []


def test_a_corrupt_resumed_upload_in_the_database_is_refused_and_dropped(
    central: Central,
) -> None:
    data = os.urandom(CHUNK + 10)
    sha = hashlib.sha256(data).hexdigest()
    damaged = data[:-1] + bytes([data[-1] ^ 1])
    with central.client(BOA) as boa:
        statuses = _ranges(boa, sha, damaged, 0, 600_000)
        assert statuses[:-1] == [202] and statuses[-1] == 409
        head = boa.head(f"/v1/blobs/{sha}")
        assert head.status_code == 404 and head.headers["Upload-Offset"] == "0"
    assert not central.store.blobs.has(sha)


def test_an_abandoned_upload_in_the_database_is_swept(central: Central) -> None:
    data = os.urandom(CHUNK)
    sha = hashlib.sha256(data).hexdigest()
    with central.client(BOA) as boa:
        assert _ranges(boa, sha, data, 0, CHUNK // 2, stop=CHUNK // 2) == [202]
    assert central.store.blobs.partial_size(sha, BOA) == CHUNK // 2
    central.clock.advance(timedelta(days=3))
    try:
        assert central.store.sweeper.sweep().partials >= 1
    finally:
        central.clock.advance(-timedelta(days=3))
    assert central.store.blobs.partial_size(sha, BOA) == 0


def test_a_partial_upload_was_locked_only_within_one_process(tmp_path: Path) -> None:
    """Workers share the blob folder: while one process appends to a partial upload,
    another one's piece of the same upload waits (before, only a thread lock guarded it,
    and two workers' appends could interleave)."""
    pytest.importorskip("fcntl")
    storage = FileBlobStorage(tmp_path / "blobs")
    sha, owner = "ab" * 32, "p.devries"
    child = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from fieldapp.server.blobstorage import FileBlobStorage\n"
        "storage = FileBlobStorage(Path(sys.argv[1]))\n"
        "print('waiting', flush=True)\n"
        "with storage.partial(sys.argv[2], sys.argv[3]):\n"
        "    print(time.time(), flush=True)\n"
    )
    with storage.partial(sha, owner):
        other = subprocess.Popen(
            [sys.executable, "-c", child, str(tmp_path / "blobs"), sha, owner],
            cwd=PROJECT_ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert other.stdout is not None
        assert other.stdout.readline().strip() == "waiting"
        # Long enough for the other process to have got in, had nothing held it back.
        time.sleep(1.0)
        released = time.time()
    output, _ = other.communicate(timeout=30)
    assert other.returncode == 0
    assert float(output.strip()) >= released


def test_a_batch_of_photos_in_the_database_took_a_transaction_each(central: Central) -> None:
    # Twelve new photos (one empty, two at a chunk's size) and one the store already holds,
    # in one batch upload.
    photos = [os.urandom(size) for size in (1, 500, 20_000, CHUNK - 1, CHUNK, 0)]
    photos += [os.urandom(3_000 + n) for n in range(6)]
    held = os.urandom(4_096)
    with central.client(BOA) as boa:
        held_sha = hashlib.sha256(held).hexdigest()
        assert boa.put(f"/v1/blobs/{held_sha}", content=held).status_code == 201
        batch = [*photos, held]
        manifest = ",".join(f"{hashlib.sha256(data).hexdigest()}:{len(data)}" for data in batch)
        commits: list[int] = []
        counting = [True]
        central.store.database.after_commit(lambda _: commits.append(1) if counting else None)
        try:
            answer = boa.post(
                "/v1/blobs/batch",
                content=b"".join(batch),
                headers={"Content-Type": "application/octet-stream", "Blob-Manifest": manifest},
            )
        finally:
            counting.clear()
        assert answer.status_code == 200, answer.text
        statuses = [outcome["status"] for outcome in answer.json()["outcomes"]]
        assert statuses[:-1] == [201] * len(photos) and statuses[-1] in {200, 201}, statuses
        # The photos' bytes, their rows and the quota in one transaction.
        assert len(commits) == 1, f"{len(commits)} commits for one batch"
    with central.client(SUPERVISOR_CENTRUM) as supervisor:
        version = make_version(
            BOA,
            attachments=tuple(
                Attachment(
                    question="observation_photo",
                    sha256=hashlib.sha256(data).hexdigest(),
                    size=len(data),
                )
                for data in [*photos, held]
            ),
        )
        with central.client(BOA) as boa:
            assert push(boa, version).json()["complete"]
        for data in [*photos, held]:
            sha = hashlib.sha256(data).hexdigest()
            answer = supervisor.get(f"/v1/blobs/{sha}")
            assert answer.status_code == 200 and answer.content == data, sha
    assert _files_under(central) == []


def test_two_batches_of_the_same_photos_in_other_orders_deadlocked(central: Central) -> None:
    # Devices of one team upload the same new photos at once, each batch in its own order.
    # On PostgreSQL each batch waited for a key the other had inserted: a 500 for one.
    statuses: list[int] = []
    outcomes: list[int] = []
    for _ in range(15):
        photos = [os.urandom(300_000 + n) for n in range(7)]
        orders = [photos, photos, photos[::-1], photos[::-1]]
        start = threading.Barrier(len(orders))

        def upload(batch: list[bytes], start: threading.Barrier) -> None:
            manifest = ",".join(f"{hashlib.sha256(b).hexdigest()}:{len(b)}" for b in batch)
            with central.client(BOA) as boa:
                start.wait(timeout=30)
                answer = boa.post(
                    "/v1/blobs/batch",
                    content=b"".join(batch),
                    headers={"Blob-Manifest": manifest},
                )
            statuses.append(answer.status_code)
            if answer.status_code == 200:
                outcomes.extend(o["status"] for o in answer.json()["outcomes"])

        threads = [threading.Thread(target=upload, args=(batch, start)) for batch in orders]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        for data in photos:
            assert b"".join(central.store.blobs.read(hashlib.sha256(data).hexdigest())) == data
    assert statuses == [200] * 60, statuses
    assert set(outcomes) <= {200, 201}, outcomes


def test_bodies_sharing_one_file_are_kept_in_the_database_and_refused_as_files(
    central: Central, tmp_path: Path
) -> None:
    first, second = os.urandom(CHUNK + 5), b""
    scratch = tmp_path / "batch"
    scratch.write_bytes(first + second + b"trailing bytes of no blob")
    bodies = [
        ReceivedBody(scratch, hashlib.sha256(first).hexdigest(), len(first), 0),
        ReceivedBody(scratch, hashlib.sha256(second).hexdigest(), 0, len(first)),
    ]
    storage = central.store.blobs
    assert isinstance(storage, DatabaseBlobStorage)
    storage.keep_many(bodies)
    assert not scratch.exists()
    for body, data in zip(bodies, (first, second), strict=True):
        assert b"".join(storage.read(body.sha256)) == data
    # Blob files are renamed into place: a body that begins inside a file cannot be one.
    scratch.write_bytes(first + second)
    with pytest.raises(ValueError):
        FileBlobStorage(tmp_path / "blobs").keep_many([bodies[1]])
