"""Sync figures over 127.0.0.1: pushing an outbox, a device's first sync, and a sync with
nothing to do vs history.

    .venv/bin/python bench/bench_sync.py [--pending 300] [--first 2000,10000]
        [--batch-sizes 1,100] [--single-max 2000] [--history 1000,10000] [--db URL]
        [--rtt-ms 40]

* push: a profile with N finalized inspections (with photos) waiting; one sync sends them.
* first sync: a seeded device of N inspections (photos and signatures; a tenth waiting in
  the outbox, the rest believed sent, which the server does not hold yet) syncs for the
  first time, one version per request (batch size 1, as before batches) and in batches,
  next to a raw copy of the same bytes over a loopback socket in the same run. Batch size
  1 runs only up to `--single-max` inspections: it takes minutes above that. In batches
  it runs again with every request `--rtt-ms` late (`SlowLine`: a round trip of a mobile
  network), where what the client sends at once waits its round trip at once.
* no-op: a profile whose H inspections are all on the server; a second sync has nothing
  to do. It must not grow with H: the feed jumps to the head, the outbox query uses its
  index, and the device's digest comes from the cache while the count of sent rows holds.

The central store runs in this process (uvicorn in a thread, cheap password hashing) on
SQLite by default or on `--db`; the profile is a real SQLCipher profile in a temp folder.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import httpx

from fieldapp.app.demo import DemoAccounts
from fieldapp.core.inspection import InspectionVersion
from fieldapp.core.locations import forms_directory, seeds_directory
from fieldapp.protocol.models import MAX_PUSH_BATCH
from fieldapp.server.app import create_app
from fieldapp.server.central import CentralStore
from fieldapp.server.config import PasswordPolicy, ServerConfig
from fieldapp.server.runner import BackgroundServer
from fieldapp.store import KdfParams, Profile, open_profile
from fieldapp.store.keys import DEVICE_PASSWORD_RULES
from fieldapp.store.seed import seed_profile
from fieldapp.sync.client import SyncClient
from fieldapp.sync.ledger import SentVersions, SyncState
from fieldapp.sync.report import SyncProgress, SyncReport

USER = "fatima.elamrani"


def central(home: Path, url: str | None) -> tuple[CentralStore, BackgroundServer]:
    """A central store on 127.0.0.1 in a thread of this process, the demo world loaded."""
    config = replace(
        ServerConfig(home=home, database_url=url),
        password_policy=PasswordPolicy(time_cost=1, memory_cost_kib=8, parallelism=1),
    )
    store = CentralStore(config)
    app = create_app(config, store)
    store.load_demo(seeds_directory(), forms_directory())
    return store, BackgroundServer(app).start()


def device(folder: Path) -> Profile:
    """A new SQLCipher profile of USER in `folder` (fast key derivation, password "demo")."""
    return open_profile(
        folder,
        USER,
        "demo",
        kdf=KdfParams.fast_for_tests(),
        password_rules=DEVICE_PASSWORD_RULES.allowing("demo"),
    )


@dataclass(frozen=True)
class SyncTimings:
    first: float  # seconds
    first_report: SyncReport
    noop: list[float]  # seconds of each sync with nothing to do


def timed_syncs(
    profile: Profile,
    url: str,
    noop_runs: int,
    progress: Callable[[SyncProgress], None] | None = None,
    batch_size: int = MAX_PUSH_BATCH,
) -> SyncTimings:
    """Time the first sync of a seeded `profile`, then `noop_runs` syncs with nothing to do.

    The first sync pushes the seed's outbox and repairs the versions the seed marked sent
    (the server has none of them yet), and loads the reference data. `progress` sees every
    step of every sync.
    """
    with SyncClient(
        profile, url, credentials=DemoAccounts(), progress=progress, batch_size=batch_size
    ) as client:
        started = time.perf_counter()
        first_report = client.sync_once()
        first = time.perf_counter() - started
        noop = []
        for _ in range(noop_runs):
            started = time.perf_counter()
            report = client.sync_once()
            noop.append(time.perf_counter() - started)
            assert report.sent == [] and report.drift_repaired == 0
    return SyncTimings(first, first_report, noop)


def _pending_push(folder: Path, url: str | None, pending: int, batch_size: int) -> None:
    store, server = central(folder / "central", url)
    profile = device(folder / "device")
    marks: dict[str, float] = {}

    def progress(step: SyncProgress) -> None:
        marks.setdefault(step.step, time.perf_counter())

    try:
        # About a tenth of seeded inspections wait in the outbox (the rest count as sent).
        seed_profile(profile, pending * 10, photo_share=0.5)
        waiting = SentVersions(profile).waiting()[0]
        with SyncClient(
            profile,
            server.url,
            credentials=DemoAccounts(),
            progress=progress,
            batch_size=batch_size,
        ) as client:
            report = client.sync_once()
        # The outbox push is the stretch between reading the meta and the first page.
        seconds = marks["page_fetched"] - marks["meta"]
        print(
            f"push (batch size {batch_size}): {waiting} pending versions with "
            f"{report.blobs_uploaded} blobs in the same "
            f"sync as {report.drift_repaired} drift repairs; outbox phase {seconds:.2f} s = "
            f"{waiting / seconds:.0f} versions/s"
        )
    finally:
        profile.close()
        server.stop()
        store.close()


class SlowLine(httpx.BaseTransport):
    """A line whose every request waits `rtt` seconds before it goes (a round trip over a
    mobile network, say), as many at once as the client sends at once."""

    def __init__(self, rtt: float) -> None:
        self.rtt = rtt
        self.real = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        time.sleep(self.rtt)
        return self.real.handle_request(request)

    def close(self) -> None:
        self.real.close()


def _first_sync(
    folder: Path, url: str | None, inspections: int, batch_size: int, rtt: float = 0.0
) -> float:
    """Seconds of a seeded device's first sync (each request `rtt` late); prints what went."""
    store, server = central(folder / "central", url)
    profile = device(folder / "device")
    try:
        seed_profile(profile, inspections, photo_share=0.3)
        attachments = sum(len(version.attachments) for version in all_versions(profile))
        with SyncClient(
            profile,
            server.url,
            credentials=DemoAccounts(),
            batch_size=batch_size,
            transport=SlowLine(rtt) if rtt else None,
        ) as client:
            started = time.perf_counter()
            report = client.sync_once()
            seconds = time.perf_counter() - started
        assert report.complete, report.summary("en")
        print(
            f"first sync (batch size {batch_size}, round trip {rtt * 1000:.0f} ms): "
            f"{inspections} inspections with "
            f"{attachments} attachments ({report.blobs_uploaded} distinct blobs uploaded, "
            f"{len(report.sent)} sent, {report.drift_repaired} repaired) in {seconds:.1f} s",
            flush=True,
        )
        return seconds
    finally:
        profile.close()
        server.stop()
        store.close()


def all_versions(profile: Profile) -> Iterator[InspectionVersion]:
    """Every finalized version on the device: waiting, and believed sent (by any author)."""
    yield from profile.pending_versions()
    ledger = SentVersions(profile)
    for author in ledger.digests(SyncState.load(profile)):
        for version_id in ledger.sent_ids(author):
            yield profile.version(version_id)


def _payload_bytes(folder: Path, inspections: int) -> int:
    """The bytes a first sync of the seeded device must carry: versions and distinct blobs."""
    profile = device(folder / "device")
    try:
        seed_profile(profile, inspections, photo_share=0.3)
        total = 0
        blobs: set[str] = set()
        for version in all_versions(profile):
            total += len(version.model_dump_json().encode("utf-8"))
            for attachment in version.attachments:
                if attachment.sha256 not in blobs:
                    blobs.add(attachment.sha256)
                    total += attachment.size
        return total
    finally:
        profile.close()


def _loopback_copy(size: int) -> float:
    """Seconds to send `size` bytes through a loopback TCP socket and read them all."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    received = 0

    def receive() -> None:
        nonlocal received
        connection, _ = listener.accept()
        with connection:
            while chunk := connection.recv(1 << 20):
                received += len(chunk)

    reader = threading.Thread(target=receive)
    reader.start()
    block = b"x" * (1 << 20)
    started = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port)) as sender:
        left = size
        while left > 0:
            sender.sendall(block[: min(left, len(block))])
            left -= min(left, len(block))
    reader.join()
    seconds = time.perf_counter() - started
    listener.close()
    assert received == size
    return seconds


def _noop(folder: Path, url: str | None, history: int) -> None:
    store, server = central(folder / "central", url)
    profile = device(folder / "device")
    try:
        seed_profile(profile, history, photo_share=0.0)
        timed = timed_syncs(profile, server.url, 5)
        ledger = SentVersions(profile)
        started = time.perf_counter()
        ledger.digests(SyncState.load(profile))
        cached = time.perf_counter() - started
        print(
            f"no-op sync, {history} inspections in history: median "
            f"{statistics.median(timed.noop) * 1000:.1f} ms (first sync {timed.first:.1f} s; "
            f"device digest from cache {cached * 1000:.1f} ms)"
        )
    finally:
        profile.close()
        server.stop()
        store.close()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pending", type=int, default=300)
    parser.add_argument("--first", default="2000", help="inspections on a first-syncing device")
    parser.add_argument("--batch-sizes", default="1,100", help="versions per push request")
    parser.add_argument("--single-max", type=int, default=2000)
    parser.add_argument("--history", default="1000,10000")
    parser.add_argument("--db", default=None, help="SQLAlchemy URL (default: SQLite)")
    parser.add_argument(
        "--rtt-ms",
        type=float,
        default=40.0,
        help="the first sync again with each request this late (0: not)",
    )
    args = parser.parse_args(argv)
    sizes = [int(part) for part in args.batch_sizes.split(",") if part]
    for batch_size in sizes:
        with tempfile.TemporaryDirectory() as folder:
            _pending_push(Path(folder) / "push", args.db, args.pending, batch_size)
    rows = []
    for inspections in (int(part) for part in args.first.split(",") if part):
        with tempfile.TemporaryDirectory() as folder:
            copy = _loopback_copy(_payload_bytes(Path(folder), inspections))
        timings = {}
        for batch_size in sizes:
            if batch_size == 1 and inspections > args.single_max:
                continue
            with tempfile.TemporaryDirectory() as folder:
                timings[batch_size, 0.0] = _first_sync(
                    Path(folder), args.db, inspections, batch_size
                )
            if args.rtt_ms and batch_size > 1:
                with tempfile.TemporaryDirectory() as folder:
                    timings[batch_size, args.rtt_ms / 1000] = _first_sync(
                        Path(folder), args.db, inspections, batch_size, args.rtt_ms / 1000
                    )
        rows.append((inspections, copy, timings))
    if rows:
        print("\n| inspections | batch size | round trip | first sync | vs raw loopback copy |")
        print("|---|---|---|---|---|")
        for inspections, copy, timings in rows:
            for (batch_size, rtt), seconds in timings.items():
                print(
                    f"| {inspections} | {batch_size} | {rtt * 1000:.0f} ms | {seconds:.1f} s | "
                    f"{seconds / copy:.0f}× ({copy * 1000:.0f} ms) |"
                )
    for history in (int(part) for part in args.history.split(",") if part):
        with tempfile.TemporaryDirectory() as folder:
            _noop(Path(folder), args.db, history)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
