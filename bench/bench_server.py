"""Benchmarks of the central store over 127.0.0.1, on SQLite and (when given) PostgreSQL.

1. push: N finalized versions (about 40 answers each) and M photos of 1–3 MB pushed by
   parallel devices, next to a direct bulk insert of the same rows into the same kind of
   database plus a plain copy of the photo bytes, in the same run (ratio; target ≤ 2×).
2. no-op sync (digest + changes from the head cursor) with H1 and H2 versions in history:
   must not grow with history.
3. throughput: D concurrent devices pushing for S seconds: pushes/s, p50 and p99.

The server runs in its own process (as in production), so the client threads do not share
its interpreter. Usage (sizes are parameters; the defaults are a modest run):

    .venv/bin/python bench/bench_server.py [--pg-url URL] [--versions 2000] [--photos 40]
        [--batch-sizes 1 100] [--history 10000 100000] [--devices 50] [--seconds 5]

Push runs once per batch size (1 = a request per version, as before batch pushes).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa

from fieldapp.core.answers import canonical_json
from fieldapp.core.entities import Role
from fieldapp.core.inspection import Attachment, InspectionVersion, new_id
from fieldapp.core.locations import forms_directory, seeds_directory
from fieldapp.core.worldfile import load_world
from fieldapp.protocol.models import PushReceipt, digest_of
from fieldapp.server import schema
from fieldapp.server.central import CentralStore
from fieldapp.server.config import PasswordPolicy, ServerConfig

WORLD = load_world(seeds_directory())
BOAS = [user.username for user in WORLD.users if user.role is Role.BOA]
POLICY = PasswordPolicy(time_cost=1, memory_cost_kib=1024, parallelism=1)


# --- a server in its own process --------------------------------------------------------------


def serve(
    home: str,
    url: str,
    port: int,
    principal_cache_seconds: float | None = None,
    workers: int = 1,
    blob_storage: str = "files",
) -> None:
    """Entry point of the server process (`--serve`); `workers` > 1 as `--workers` runs,
    `blob_storage` as FIELDAPP_BLOB_STORAGE."""
    from fieldapp.server.app import create_app
    from fieldapp.server.runner import serve as run
    from fieldapp.server.runner import serve_workers

    config = ServerConfig(
        home=Path(home),
        database_url=url or None,
        password_policy=POLICY,
        blob_storage=blob_storage,
    )
    if principal_cache_seconds is not None:
        config = replace(config, principal_cache_seconds=principal_cache_seconds)
    store = CentralStore(config)
    store.migrate()
    store.load_demo(seeds_directory(), forms_directory())
    if workers > 1:
        store.close()
        serve_workers(config, "127.0.0.1", port, workers, access_log=False)
        return
    run(create_app(config, store), "127.0.0.1", port, access_log=False)


@contextmanager
def server_process(
    home: Path,
    url: str | None,
    principal_cache_seconds: float | None = None,
    workers: int = 1,
    blob_storage: str = "files",
) -> Iterator[str]:
    """A central store in its own process(es) on 127.0.0.1 (the demo world loaded); its URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    cache = "" if principal_cache_seconds is None else str(principal_cache_seconds)
    command = [
        *(sys.executable, __file__, "--serve", str(home), url or "", str(port), cache),
        str(workers),
        blob_storage,
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{base}/v1/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the benchmark server did not start")
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(30)


@contextmanager
def database(backend: str, pg_url: str | None, label: str) -> Iterator[str | None]:
    if backend == "sqlite":
        yield None
        return
    assert pg_url is not None
    name = f"bench_{label}_{secrets.token_hex(3)}"
    admin = sa.create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{name}"'))
    try:
        url = sa.make_url(pg_url).update_query_dict({"options": f"-csearch_path={name}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{name}" CASCADE'))
        admin.dispose()


def tokens(base: str) -> dict[str, str]:
    found = {}
    for username in BOAS:
        answer = httpx.post(
            f"{base}/v1/auth/token", json={"username": username, "password": "demo"}, timeout=30
        )
        answer.raise_for_status()
        found[username] = answer.json()["access_token"]
    return found


# --- data -----------------------------------------------------------------------------------


def realistic_version(
    author: str, rng: random.Random, photo: Attachment | None
) -> InspectionVersion:
    """A patrol report with about 40 answers: shift data and rows of observations."""
    answers: dict[str, Any] = {
        "shift_start": "2026-12-04T18:00:00",
        "shift_end": "2026-12-04T23:00:00",
        "patrol_modes": ["foot", "bicycle"],
        "area": "transvaal",
        "resident_contacts": rng.randint(2, 4),
    }
    rows = []
    for index in range(7):
        rows.append(
            {
                "row": f"r{index}",
                "answers": {
                    "observation_time": f"2026-12-04T{18 + index % 5}:{index * 7 % 60:02d}:00",
                    "category": rng.choice(["nuisance", "youth_group", "fireworks", "waste"]),
                    "observation_count": rng.randint(1, 9),
                    "observation_location": (
                        f"52.07{rng.randint(100, 999)} 4.29{rng.randint(100, 999)}"
                    ),
                    "observation_description": "Groep jongeren bij het plein, geen incidenten " * 2,
                },
            }
        )
    document = {"answers": answers, "repeats": {"observations": rows}}
    attachments = (photo,) if photo is not None else ()
    now = datetime(2026, 12, 4, 23, 0, tzinfo=UTC)
    digest = InspectionVersion.hash_of(
        "neighbourhood_patrol", "2026.3", None, document, attachments
    )
    return InspectionVersion(
        inspection_id=new_id(),
        version_id=new_id(),
        form_id="neighbourhood_patrol",
        form_version="2026.3",
        author=author,
        area_id="transvaal",
        started_at=now - timedelta(hours=5),
        finalized_at=now,
        document=document,
        attachments=attachments,
        outcomes=("referral_needed",),
        content_hash=digest,
    )


def make_photos(folder: Path, count: int, rng: random.Random) -> list[tuple[Path, Attachment]]:
    folder.mkdir(parents=True, exist_ok=True)
    photos = []
    for index in range(count):
        data = rng.randbytes(rng.randint(1_000_000, 3_000_000))
        sha = hashlib.sha256(data).hexdigest()
        path = folder / f"photo-{index}.jpg"
        path.write_bytes(data)
        photos.append((path, Attachment(question="observation_photo", sha256=sha, size=len(data))))
    return photos


# --- 1. push versus bulk insert ---------------------------------------------------------------


def bench_push(
    backend: str,
    pg_url: str | None,
    versions: int,
    photos: int,
    devices: int,
    batch: int = 1,
    workers: int = 1,
) -> dict[str, float]:
    """Push through the API (`batch` versions per request, 1 = one request each) next to a
    bulk insert and a file copy of the same data."""
    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        pictures = make_photos(root / "photos", photos, rng)
        work = [
            realistic_version(
                BOAS[index % len(BOAS)], rng, pictures[index][1] if index < photos else None
            )
            for index in range(versions)
        ]
        photo_of = {attachment.sha256: path for path, attachment in pictures}
        # A request carries one author's versions: chunks of up to `batch` per author.
        by_author: dict[str, list[InspectionVersion]] = {}
        for version in work:
            by_author.setdefault(version.author, []).append(version)
        chunks = [
            mine[start : start + batch]
            for mine in by_author.values()
            for start in range(0, len(mine), batch)
        ]
        with (
            database(backend, pg_url, "push") as url,
            server_process(root / "server", url, workers=workers) as base,
        ):
            bearer = tokens(base)
            queue = list(reversed(chunks))
            lock = threading.Lock()
            failures: list[str] = []

            def device() -> None:
                with httpx.Client(base_url=base, timeout=120) as client:
                    while True:
                        with lock:
                            if not queue:
                                return
                            chunk = queue.pop()
                        headers = {"Authorization": f"Bearer {bearer[chunk[0].author]}"}
                        for version in chunk:
                            for attachment in version.attachments:
                                data = photo_of[attachment.sha256].read_bytes()
                                answer = client.put(
                                    f"/v1/blobs/{attachment.sha256}", content=data, headers=headers
                                )
                                if answer.status_code not in {200, 201}:
                                    failures.append(answer.text)
                        if batch == 1:
                            (version,) = chunk
                            answer = client.put(
                                f"/v1/inspections/{version.inspection_id}/versions/"
                                f"{version.version_id}",
                                content=version.model_dump_json(),
                                headers=headers | {"Content-Type": "application/json"},
                            )
                            if answer.status_code != 201:
                                failures.append(answer.text)
                            continue
                        answer = client.post(
                            "/v1/sync/push",
                            content='{"versions":['
                            + ",".join(v.model_dump_json() for v in chunk)
                            + "]}",
                            headers=headers | {"Content-Type": "application/json"},
                        )
                        if answer.status_code != 200:
                            failures.append(answer.text)
                            continue
                        failures.extend(
                            str(outcome)
                            for outcome in answer.json()["outcomes"]
                            if outcome["status"] != 201
                        )

            started = time.perf_counter()
            threads = [threading.Thread(target=device) for _ in range(devices)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            pushed = time.perf_counter() - started
            assert not failures, failures[:3]

        # The same rows, inserted directly into a fresh store of the same kind.
        with database(backend, pg_url, "bulk") as url:
            config = ServerConfig(home=root / "bulk", database_url=url, password_policy=POLICY)
            store = CentralStore(config)
            store.migrate()
            store.load_demo(seeds_directory(), forms_directory())
            now = datetime.now(UTC)
            started = time.perf_counter()
            inspection_rows, version_rows, blob_rows = rows_for(work, now)
            with store.database.write() as connection:
                connection.execute(schema.inspections.insert(), inspection_rows)
                connection.execute(schema.versions.insert(), version_rows)
                if blob_rows:
                    connection.execute(schema.version_blobs.insert(), blob_rows)
            inserted = time.perf_counter() - started
            started = time.perf_counter()
            target = root / "bulk" / "copies"
            target.mkdir()
            for path, attachment in pictures:
                shutil.copyfile(path, target / attachment.sha256)
            copied = time.perf_counter() - started
            store.close()
    return {
        "push_s": pushed,
        "bulk_insert_s": inserted,
        "copy_s": copied,
        "ratio": pushed / (inserted + copied),
        "versions_per_s": versions / pushed,
    }


def rows_for(
    work: list[InspectionVersion], now: datetime
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    inspection_rows: list[dict[str, Any]] = []
    version_rows: list[dict[str, Any]] = []
    blob_rows: list[dict[str, Any]] = []
    for version in work:
        record = canonical_json(version.model_dump(mode="json"))
        inspection_rows.append(
            {
                "inspection_id": version.inspection_id,
                "form_id": version.form_id,
                "author": version.author,
                "team": "team-centrum",
                "venue_id": None,
                "area_id": version.area_id,
                "assignment_id": None,
                "status": "sent",
                "head_version_id": version.version_id,
                "version_count": 1,
                "created_at": now,
                "updated_at": now,
            }
        )
        receipt = PushReceipt(
            inspection_id=version.inspection_id,
            version_id=version.version_id,
            base_version_id=None,
            content_hash=version.content_hash,
            received_at=now,
            complete=True,
            missing_blobs=[],
        )
        version_rows.append(
            {
                "version_id": version.version_id,
                "inspection_id": version.inspection_id,
                "seq": 1,
                "base_version_id": None,
                "author": version.author,
                "form_id": version.form_id,
                "form_version": version.form_version,
                "content_hash": version.content_hash,
                "record_hash": hashlib.sha256(record).hexdigest(),
                "record": record.decode(),
                "receipt": receipt.model_dump_json(),
                "complete": True,
                "received_at": now,
                "client_finalized_at": version.finalized_at.isoformat(),
            }
        )
        blob_rows.extend(
            {"version_id": version.version_id, "sha256": a.sha256} for a in version.attachments
        )
    return inspection_rows, version_rows, blob_rows


# --- 2. no-op sync against history -----------------------------------------------------------


def bench_noop(backend: str, pg_url: str | None, history: int, rounds: int = 300) -> float:
    """Median seconds of digest + changes-from-head with `history` versions stored."""
    rng = random.Random(2)
    with tempfile.TemporaryDirectory() as scratch, database(backend, pg_url, "noop") as url:
        root = Path(scratch)
        config = ServerConfig(home=root / "server", database_url=url, password_policy=POLICY)
        store = CentralStore(config)
        store.migrate()
        store.load_demo(seeds_directory(), forms_directory())
        template = realistic_version(BOAS[0], rng, None)
        now = datetime.now(UTC)
        for start in range(0, history, 5000):
            batch = [
                template.model_copy(
                    update={
                        "inspection_id": new_id(),
                        "version_id": new_id(),
                        "author": BOAS[i % len(BOAS)],
                    }
                )
                for i in range(start, min(history, start + 5000))
            ]
            inspection_rows, version_rows, _ = rows_for(batch, now)
            with store.database.write() as connection:
                connection.execute(schema.inspections.insert(), inspection_rows)
                connection.execute(schema.versions.insert(), version_rows)
        with store.database.write() as connection:
            # The digests the pushes would have kept, so the digest reads one row.
            ids: dict[str, list[str]] = {}
            for row in connection.execute(
                sa.select(schema.versions.c.author, schema.versions.c.version_id)
            ):
                ids.setdefault(row.author, []).append(row.version_id)
            connection.execute(
                schema.digests.insert(),
                [{"author": a, "count": len(v), "digest": digest_of(v)} for a, v in ids.items()],
            )
        store.close()
        with server_process(root / "server", url) as base:
            token = tokens(base)[BOAS[0]]
            with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}) as c:
                cursor = None
                while True:
                    page = c.get("/v1/changes", params={"cursor": cursor} if cursor else {}).json()
                    cursor = page["next_cursor"]
                    if not page["has_more"]:
                        break
                times = []
                for _ in range(rounds):
                    started = time.perf_counter()
                    assert c.get("/v1/sync/digest").status_code == 200
                    answer = c.get("/v1/changes", params={"cursor": cursor})
                    assert answer.status_code == 200 and answer.json()["changes"] == []
                    times.append(time.perf_counter() - started)
    return statistics.median(times)


# --- 3. throughput ---------------------------------------------------------------------------


def bench_throughput(
    backend: str, pg_url: str | None, devices: int, seconds: float, workers: int = 1
) -> dict[str, float]:
    rng = random.Random(3)
    with (
        tempfile.TemporaryDirectory() as scratch,
        database(backend, pg_url, "load") as url,
        server_process(Path(scratch) / "server", url, workers=workers) as base,
    ):
        bearer = tokens(base)
        latencies: list[float] = []
        errors: list[int] = []
        lock = threading.Lock()
        barrier = threading.Barrier(devices + 1)
        stop = [0.0]

        def device(number: int) -> None:
            author = BOAS[number % len(BOAS)]
            mine: list[float] = []
            with httpx.Client(
                base_url=base,
                timeout=120,
                headers={"Authorization": f"Bearer {bearer[author]}"},
            ) as client:
                barrier.wait()
                while time.perf_counter() < stop[0]:
                    version = realistic_version(author, rng, None)
                    started = time.perf_counter()
                    answer = client.put(
                        f"/v1/inspections/{version.inspection_id}/versions/{version.version_id}",
                        content=version.model_dump_json(),
                        headers={"Content-Type": "application/json"},
                    )
                    mine.append(time.perf_counter() - started)
                    if answer.status_code != 201:
                        with lock:
                            errors.append(answer.status_code)
            with lock:
                latencies.extend(mine)

        threads = [threading.Thread(target=device, args=(n,)) for n in range(devices)]
        for thread in threads:
            thread.start()
        stop[0] = time.perf_counter() + 3600
        barrier.wait()
        started = time.perf_counter()
        stop[0] = started + seconds
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "pushes": len(latencies),
        "pushes_per_s": len(latencies) / elapsed,
        "p50_ms": 1000 * latencies[len(latencies) // 2],
        "p99_ms": 1000 * latencies[int(len(latencies) * 0.99)],
        "errors": len(errors),
    }


def main() -> None:
    if sys.argv[1:2] == ["--serve"]:
        home, url, port, cache, processes, blobs = sys.argv[2:8]
        serve(home, url, int(port), float(cache) if cache else None, int(processes), blobs)
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg-url", default=os.environ.get("FIELDAPP_TEST_PG_URL"))
    parser.add_argument("--versions", type=int, default=2000)
    parser.add_argument("--photos", type=int, default=40)
    parser.add_argument("--push-devices", type=int, default=8)
    parser.add_argument(
        "--batch-sizes", type=int, nargs="+", default=[1, 100], help="versions per push request"
    )
    parser.add_argument("--history", type=int, nargs=2, default=[10_000, 100_000])
    parser.add_argument("--devices", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--only", choices=("push", "noop", "throughput"))
    parser.add_argument(
        "--backends", nargs="+", choices=("sqlite", "postgresql"), help="default: both"
    )
    parser.add_argument(
        "--workers",
        type=int,
        nargs="+",
        default=[1],
        help="server processes for PostgreSQL's push and throughput (SQLite: always 1)",
    )
    args = parser.parse_args()
    backends = args.backends or ["sqlite"] + (["postgresql"] if args.pg_url else [])
    results: dict[str, Any] = {}
    for backend in backends:
        counts = args.workers if backend == "postgresql" else [1]
        if args.only in (None, "push"):
            for batch in args.batch_sizes:
                for workers in counts:
                    result = bench_push(
                        *(backend, args.pg_url, args.versions, args.photos),
                        *(args.push_devices, batch, workers),
                    )
                    label = f"{backend} push, batch {batch}, {workers} worker(s)"
                    results[label] = result
                    print(
                        f"{backend} push {args.versions} versions + {args.photos} photos, "
                        f"{batch} per request, {workers} worker(s): {result}",
                        flush=True,
                    )
        if args.only in (None, "noop"):
            small, large = (bench_noop(backend, args.pg_url, size) for size in args.history)
            results[f"{backend} no-op sync"] = {"small_ms": small * 1000, "large_ms": large * 1000}
            print(
                f"{backend} no-op sync: {small * 1000:.2f} ms with {args.history[0]} versions, "
                f"{large * 1000:.2f} ms with {args.history[1]} (×{large / small:.2f})",
                flush=True,
            )
        if args.only in (None, "throughput"):
            for workers in counts:
                result = bench_throughput(backend, args.pg_url, args.devices, args.seconds, workers)
                results[f"{backend} throughput, {workers} worker(s)"] = result
                print(
                    f"{backend} {args.devices} devices, {workers} worker(s): {result}", flush=True
                )
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
