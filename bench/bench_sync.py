"""Sync figures over 127.0.0.1: pushing an outbox, and a sync with nothing to do vs history.

    .venv/bin/python bench/bench_sync.py [--pending 300] [--history 1000,10000] [--db URL]

* push: a profile with N finalized inspections (with photos) waiting; one sync sends them.
* no-op: a profile whose H inspections are all on the server; a second sync has nothing
  to do. It must not grow with H: the feed jumps to the head, the outbox query uses its
  index, and the device's digest comes from the cache while the count of sent rows holds.

The central store runs in this process (uvicorn in a thread, cheap password hashing) on
SQLite by default or on `--db`; the profile is a real SQLCipher profile in a temp folder.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from fieldapp.app.demo import DemoAccounts
from fieldapp.core.locations import forms_directory, seeds_directory
from fieldapp.server.app import create_app
from fieldapp.server.central import CentralStore
from fieldapp.server.config import PasswordPolicy, ServerConfig
from fieldapp.server.runner import BackgroundServer
from fieldapp.store import KdfParams, open_profile
from fieldapp.store.keys import DEVICE_PASSWORD_RULES
from fieldapp.store.seed import seed_profile
from fieldapp.sync.client import SyncClient
from fieldapp.sync.ledger import SentVersions, SyncState
from fieldapp.sync.report import SyncProgress

USER = "fatima.elamrani"


def _central(home: Path, url: str | None) -> tuple[CentralStore, BackgroundServer]:
    config = replace(
        ServerConfig(home=home, database_url=url),
        password_policy=PasswordPolicy(time_cost=1, memory_cost_kib=8, parallelism=1),
    )
    store = CentralStore(config)
    app = create_app(config, store)
    store.load_demo(seeds_directory(), forms_directory())
    return store, BackgroundServer(app).start()


def _pending_push(folder: Path, url: str | None, pending: int) -> None:
    store, server = _central(folder / "central", url)
    profile = open_profile(
        folder / "device",
        USER,
        "demo",
        kdf=KdfParams.fast_for_tests(),
        password_rules=DEVICE_PASSWORD_RULES.allowing("demo"),
    )
    marks: dict[str, float] = {}

    def progress(step: SyncProgress) -> None:
        marks.setdefault(step.step, time.perf_counter())

    try:
        # About a tenth of seeded inspections wait in the outbox (the rest count as sent).
        seed_profile(profile, pending * 10, photo_share=0.5)
        waiting = SentVersions(profile).waiting()[0]
        with SyncClient(
            profile, server.url, credentials=DemoAccounts(), progress=progress
        ) as client:
            report = client.sync_once()
        # The outbox push is the stretch between reading the meta and the first page.
        seconds = marks["page_fetched"] - marks["meta"]
        print(
            f"push: {waiting} pending versions with {report.blobs_uploaded} blobs in the same "
            f"sync as {report.drift_repaired} drift repairs; outbox phase {seconds:.2f} s = "
            f"{waiting / seconds:.0f} versions/s"
        )
    finally:
        profile.close()
        server.stop()
        store.close()


def _noop(folder: Path, url: str | None, history: int) -> None:
    store, server = _central(folder / "central", url)
    profile = open_profile(
        folder / "device",
        USER,
        "demo",
        kdf=KdfParams.fast_for_tests(),
        password_rules=DEVICE_PASSWORD_RULES.allowing("demo"),
    )
    try:
        seed_profile(profile, history, photo_share=0.0)
        with SyncClient(profile, server.url, credentials=DemoAccounts()) as client:
            started = time.perf_counter()
            client.sync_once()  # pushes the seed's outbox and repairs the "sent" ones
            first = time.perf_counter() - started
            timings = []
            for _ in range(5):
                started = time.perf_counter()
                report = client.sync_once()
                timings.append(time.perf_counter() - started)
            assert report.sent == [] and report.drift_repaired == 0
        ledger = SentVersions(profile)
        started = time.perf_counter()
        ledger.digests(SyncState.load(profile))
        cached = time.perf_counter() - started
        print(
            f"no-op sync, {history} inspections in history: median "
            f"{statistics.median(timings) * 1000:.1f} ms (first sync {first:.1f} s; "
            f"device digest from cache {cached * 1000:.1f} ms)"
        )
    finally:
        profile.close()
        server.stop()
        store.close()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pending", type=int, default=300)
    parser.add_argument("--history", default="1000,10000")
    parser.add_argument("--db", default=None, help="SQLAlchemy URL (default: SQLite)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        _pending_push(Path(folder) / "push", args.db, args.pending)
    for history in (int(part) for part in args.history.split(",") if part):
        with tempfile.TemporaryDirectory() as folder:
            _noop(Path(folder), args.db, history)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
