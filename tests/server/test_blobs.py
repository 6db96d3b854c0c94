"""Attachments by SHA-256: verified before kept, resumable, size-limited, safe names only."""

from __future__ import annotations

import hashlib
import os
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import BinaryIO

import httpx
import pytest

from fieldapp.core.inspection import Attachment
from fieldapp.server.blobstorage import Scratch
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

LIMIT = 256 * 1024


@pytest.fixture(scope="module", params=BACKENDS)
def central(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Central]:
    home = tmp_path_factory.mktemp("blobs")
    with running_central(request.param, home, "blobs", max_blob_bytes=LIMIT) as running:
        yield running


@pytest.fixture(scope="module")
def boa(central: Central) -> Iterator[httpx.Client]:
    with central.client(BOA) as client:
        yield client


def _blob(size: int) -> tuple[bytes, str]:
    data = os.urandom(size)
    return data, hashlib.sha256(data).hexdigest()


def _stored_files(central: Central) -> set[str]:
    root = central.config.blob_directory
    return {
        path.name
        for path in root.rglob("*")
        if path.is_file() and path.parent.name not in {"tmp", "partial"}
    }


def test_a_whole_upload_is_kept_once_and_a_second_upload_is_a_no_op(
    central: Central, boa: httpx.Client
) -> None:
    data, sha = _blob(40_000)
    assert boa.head(f"/v1/blobs/{sha}").status_code == 404
    answer = boa.put(f"/v1/blobs/{sha}", content=data)
    assert answer.status_code == 201, answer.text
    assert answer.json() == {"sha256": sha, "received": len(data), "complete": True}
    head = boa.head(f"/v1/blobs/{sha}")
    assert head.status_code == 200
    assert head.headers["Upload-Offset"] == str(len(data))
    assert boa.put(f"/v1/blobs/{sha}", content=data).status_code == 200
    assert (central.config.blob_directory / sha[:2] / sha).read_bytes() == data


def test_bytes_that_do_not_match_the_name_are_refused_and_not_kept(
    central: Central, boa: httpx.Client
) -> None:
    data, sha = _blob(10_000)
    corrupt = data[:-1] + bytes([data[-1] ^ 0xFF])
    answer = boa.put(f"/v1/blobs/{sha}", content=corrupt)
    assert answer.status_code == 409
    assert answer.json()["code"] == "blob_hash_mismatch"
    assert boa.head(f"/v1/blobs/{sha}").status_code == 404
    assert sha not in _stored_files(central)
    assert not any((central.config.blob_directory / "tmp").iterdir())


def test_a_large_blob_uploads_in_ranges_and_resumes_after_an_interruption(
    central: Central, boa: httpx.Client
) -> None:
    data, sha = _blob(200_000)
    size = len(data)

    def send(start: int, end: int, body: bytes | None = None) -> httpx.Response:
        return boa.put(
            f"/v1/blobs/{sha}",
            content=data[start : end + 1] if body is None else body,
            headers={"Content-Range": f"bytes {start}-{end}/{size}"},
        )

    first = send(0, 65_535)
    assert first.status_code == 202
    assert first.json() == {"sha256": sha, "received": 65_536, "complete": False}
    # The device lost its place: HEAD says where the server is.
    head = boa.head(f"/v1/blobs/{sha}")
    assert head.status_code == 404 and head.headers["Upload-Offset"] == "65536"
    skipped = send(100_000, 150_000)
    assert skipped.status_code == 409
    assert skipped.json()["code"] == "upload_offset_mismatch"
    assert skipped.json()["expected_offset"] == 65_536
    # A range whose body is shorter than it says is refused and counts for nothing.
    short = send(65_536, 131_071, body=data[65_536:100_000])
    assert short.status_code == 400
    assert boa.head(f"/v1/blobs/{sha}").headers["Upload-Offset"] == "65536"
    assert send(65_536, 131_071).status_code == 202
    last = send(131_072, size - 1)
    assert last.status_code == 201
    assert last.json() == {"sha256": sha, "received": size, "complete": True}
    assert (central.config.blob_directory / sha[:2] / sha).read_bytes() == data
    assert not any((central.config.blob_directory / "partial").iterdir())


def test_a_resumed_upload_that_ends_up_corrupt_is_refused_whole(
    central: Central, boa: httpx.Client
) -> None:
    data, sha = _blob(100_000)
    size = len(data)
    headers = {"Content-Range": f"bytes 0-49999/{size}"}
    assert boa.put(f"/v1/blobs/{sha}", content=data[:50_000], headers=headers).status_code == 202
    wrong = bytes(50_000)
    headers = {"Content-Range": f"bytes 50000-99999/{size}"}
    answer = boa.put(f"/v1/blobs/{sha}", content=wrong, headers=headers)
    assert answer.status_code == 409
    assert answer.json()["code"] == "blob_hash_mismatch"
    head = boa.head(f"/v1/blobs/{sha}")
    assert head.status_code == 404 and head.headers["Upload-Offset"] == "0"
    assert sha not in _stored_files(central)


def test_a_blob_over_the_limit_is_413_naming_the_limit(boa: httpx.Client) -> None:
    data, sha = _blob(LIMIT + 1)
    answer = boa.put(f"/v1/blobs/{sha}", content=data)
    assert answer.status_code == 413
    body = answer.json()
    assert body["code"] == "too_large" and body["limit_bytes"] == LIMIT
    assert str(LIMIT) in body["message"]["en"] and str(LIMIT) in body["message"]["nl"]
    # Declared in a range: refused before any byte is kept.
    ranged = boa.put(
        f"/v1/blobs/{sha}",
        content=data[:1000],
        headers={"Content-Range": f"bytes 0-999/{LIMIT + 1}"},
    )
    assert ranged.status_code == 413 and ranged.json()["limit_bytes"] == LIMIT

    # Streamed without a declared length: counted while it arrives.
    def chunks() -> Iterator[bytes]:
        for start in range(0, len(data), 65_536):
            yield data[start : start + 65_536]

    streamed = boa.put(f"/v1/blobs/{sha}", content=chunks())
    assert streamed.status_code == 413
    assert boa.head(f"/v1/blobs/{sha}").status_code == 404


@pytest.mark.parametrize(
    "name",
    [
        "..%2F..%2Fcentral.db",
        "%2e%2e%2f%2e%2e%2fcentral.db",
        "..",
        "A" * 64,
        "a" * 63,
        "a" * 65,
        ("a" * 64) + "%00",
        ("a" * 62) + "%2F" + "aa",
        "central.db",
    ],
)
def test_path_tricks_in_blob_names_are_refused(
    central: Central, boa: httpx.Client, name: str
) -> None:
    for method in ("HEAD", "PUT", "GET"):
        answer = boa.request(method, f"/v1/blobs/{name}", content=b"x" if method == "PUT" else None)
        assert 400 <= answer.status_code < 500, (method, name, answer.status_code)
        assert answer.status_code != 200
    assert not (central.config.home.parent / "central.db").exists()


def test_raw_dot_segments_never_reach_a_file(central: Central) -> None:
    # httpx would normalise `..`; send the request line by hand.
    token = central.token(BOA)
    for target in ("/v1/blobs/../../central.db", "/v1/blobs/..%5c..%5ccentral.db"):
        request = (
            f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
            "Connection: close\r\n\r\n"
        ).encode()
        with socket.create_connection((central.server.host, central.server.port), 10) as sock:
            sock.sendall(request)
            reply = b""
            while chunk := sock.recv(65_536):
                reply += chunk
        status = int(reply.split(b" ", 2)[1])
        assert 400 <= status < 500, (target, reply[:200])
        assert b"SQLite format" not in reply


def test_an_interrupted_whole_upload_keeps_nothing(central: Central) -> None:
    data, sha = _blob(100_000)
    token = central.token(BOA)
    head = (
        f"PUT /v1/blobs/{sha} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
        f"Content-Length: {len(data)}\r\n\r\n"
    ).encode()
    with socket.create_connection((central.server.host, central.server.port), 10) as sock:
        sock.sendall(head + data[:30_000])
    with central.client(BOA) as boa:
        deadline = time.monotonic() + 10
        while any((central.config.blob_directory / "tmp").iterdir()):
            assert time.monotonic() < deadline, "the temporary file was not removed"
            time.sleep(0.05)
        assert boa.head(f"/v1/blobs/{sha}").status_code == 404
        assert boa.put(f"/v1/blobs/{sha}", content=data).status_code == 201


class _BusyDisk(Scratch):
    """A scratch folder whose new files wait until released, as on a disk busy with other
    writes: making a file there can take milliseconds, and then a long while."""

    def __init__(self, directory: Path) -> None:
        super().__init__(directory)
        self.entered = threading.Event()
        self.release = threading.Event()

    def temporary_file(self) -> tuple[Path, BinaryIO]:
        self.entered.set()
        self.release.wait(30)
        return super().temporary_file()


@pytest.mark.parametrize("how", ["whole", "batch"])
def test_a_blob_upload_waiting_for_the_disk_held_up_every_other_request(
    central: Central, how: str
) -> None:
    # The upload's file was made and written on the server's event loop: while the disk
    # kept it waiting, no other request of any device was answered, not even a health check.
    uploads = central.store.uploads
    usual = uploads.scratch
    busy = _BusyDisk(usual.directory)
    uploads.scratch = busy
    data, sha = _blob(5_000)

    def upload() -> httpx.Response:
        with central.client(BOA) as boa:
            if how == "whole":
                return boa.put(f"/v1/blobs/{sha}", content=data)
            manifest = {"Blob-Manifest": f"{sha}:{len(data)}"}
            return boa.post("/v1/blobs/batch", content=data, headers=manifest)

    try:
        with ThreadPoolExecutor(1) as pool:
            pending = pool.submit(upload)
            try:
                assert busy.entered.wait(10), "the upload never reached the disk"
                answer = httpx.get(f"{central.url}/v1/health", timeout=3)
                assert answer.status_code == 200
            finally:
                busy.release.set()
            assert pending.result(timeout=30).status_code in {200, 201}
    finally:
        uploads.scratch = usual
    with central.client(BOA) as boa:
        held = boa.head(f"/v1/blobs/{sha}")
    assert held.status_code == 200
    assert int(held.headers["Upload-Offset"]) == len(data)


def test_who_may_upload_and_who_may_download(central: Central, boa: httpx.Client) -> None:
    data, sha = _blob(5_000)
    with central.client(ADMIN) as client:
        assert client.put(f"/v1/blobs/{sha}", content=data).status_code == 403
        assert client.head(f"/v1/blobs/{sha}").status_code == 403
    # A supervisor uploads the files of an action's log (issue 13); holding the bytes
    # opens nothing: only an action of her teams that names the file does.
    with central.client(SUPERVISOR_CENTRUM) as client:
        assert client.head(f"/v1/blobs/{sha}").status_code == 404
    assert boa.put(f"/v1/blobs/{sha}", content=data).status_code == 201
    # Nobody downloads a blob that no readable inspection names, not even its uploader.
    assert boa.get(f"/v1/blobs/{sha}").status_code == 404
    version = make_version(
        BOA, attachments=(Attachment(question="observation_photo", sha256=sha, size=len(data)),)
    )
    assert push(boa, version).status_code == 201
    expected = {
        BOA: 200,
        SUPERVISOR_CENTRUM: 200,
        BOA_SAME_TEAM: 404,
        MYSTERY_GUEST: 404,
        SUPERVISOR_UITGAAN: 404,
        ADMIN: 404,
    }
    seen = {}
    for username in expected:
        with central.client(username) as client:
            answer = client.get(f"/v1/blobs/{sha}")
            seen[username] = answer.status_code
            if answer.status_code == 200:
                assert answer.content == data
    assert seen == expected


def test_finding_9_a_known_hash_opens_nothing_and_an_upload_reveals_nothing(
    central: Central, boa: httpx.Client
) -> None:
    """A colleague who knows the hash of a boa's photo learns nothing and reads nothing.

    Before: HEAD said 200, an upload answered 200 without reading (the photo exists), and
    listing the hash in her own version made the photo hers to download.
    """
    photo, sha = _blob(3_000)
    assert boa.put(f"/v1/blobs/{sha}", content=photo).status_code == 201
    mine = make_version(
        BOA, attachments=(Attachment(question="observation_photo", sha256=sha, size=len(photo)),)
    )
    assert push(boa, mine).status_code == 201
    with central.client(BOA_WEST) as colleague:
        head = colleague.head(f"/v1/blobs/{sha}")
        assert head.status_code == 404 and head.headers["Upload-Offset"] == "0"
        borrowed = make_version(
            BOA_WEST,
            attachments=(Attachment(question="observation_photo", sha256=sha, size=len(photo)),),
        )
        receipt = push(colleague, borrowed).json()
        assert not receipt["complete"] and receipt["missing_blobs"] == [sha]
        assert colleague.get(f"/v1/blobs/{sha}").status_code == 404
        # Uploading it (she took the same photo, say) answers exactly as for a new blob.
        fresh, fresh_sha = _blob(3_000)
        known_answer = colleague.put(f"/v1/blobs/{sha}", content=photo)
        new_answer = colleague.put(f"/v1/blobs/{fresh_sha}", content=fresh)
        assert known_answer.status_code == new_answer.status_code == 201
        assert known_answer.json() | {"sha256": "x"} == new_answer.json() | {"sha256": "x"}
        assert colleague.put(f"/v1/blobs/{sha}", content=photo).status_code == 200
        # Now she has shown she holds the bytes: her version is complete and reads it.
        assert colleague.get(f"/v1/blobs/{sha}").content == photo
        assert colleague.head(f"/v1/blobs/{sha}").status_code == 200
    assert len([name for name in _stored_files(central) if name == sha]) == 1
