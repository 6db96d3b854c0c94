"""The pull side of sync: a fresh device loading a large world, next to the raw fetch.

    .venv/bin/python bench/bench_pull.py [--venues 10000] [--assignments 1000] [--db URL]
        [--noop-runs 5]

A central store gets the demo world, then `--venues` more venues imported from a CSV file
(as a municipality imports its venue file) and `--assignments` assignments planned by the
team's supervisor for the boa's team (as the planning screen does). A fresh SQLCipher
profile of that boa then syncs for the first time: it pages through the change feed and
replaces its reference data. Printed next to it, in the same run:

* raw fetch: the same pages fetched with httpx and nothing done with them (the floor the
  network and the server's paging set);
* a no-op sync afterwards (median of `--noop-runs`).

The central store runs in this process (uvicorn in a thread), on SQLite or `--db`.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

import httpx
from bench_sync import USER, central, device

from fieldapp.app.demo import DemoAccounts
from fieldapp.core.entities import AssignmentForm
from fieldapp.core.registerfile import VENUE_COLUMNS
from fieldapp.protocol.models import AssignmentDraft
from fieldapp.server.runner import BackgroundServer
from fieldapp.sync.client import SyncClient

SUPERVISOR = "ingrid.verhoeven"
TEAM = "team-centrum"
AREAS = ["centrum", "zeeheldenkwartier", "schilderswijk", "transvaal"]


def venue_file(count: int, rng: random.Random) -> bytes:
    """A venue CSV of `count` bars and coffeeshops in the team's areas."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(VENUE_COLUMNS)
    for n in range(count):
        kind = "coffeeshop" if n % 10 == 0 else "bar"
        writer.writerow(
            [
                f"bench-{n:05d}",
                f"Zaak {n}",
                kind,
                "Grote Markt",
                str(1 + n % 400),
                "2511 BH",
                f"{52.070 + rng.random() * 0.02:.5f}",
                f"{4.290 + rng.random() * 0.03:.5f}",
                AREAS[n % len(AREAS)],
                f"DH-B-{n:05d}" if kind == "coffeeshop" else "",
                "",
                "",
                "",
                "Bankzitters rond sluitingstijd." if n % 3 == 0 else "",
                "",
            ]
        )
    return out.getvalue().encode("utf-8")


def build_world(home: Path, url: str | None, venues: int, assignments: int) -> BackgroundServer:
    store, server = central(home, url)
    rng = random.Random(18)
    report = store.register.import_venues(SUPERVISOR, "venues.csv", venue_file(venues, rng))
    assert not report.problems, report.problems[:3]
    with store.database.read() as connection:
        principal = store.accounts.principal(connection, SUPERVISOR)
    assert principal is not None
    start = date(2026, 12, 1)
    for n in range(assignments):
        coffeeshop = n % 2 == 0
        store.planning.plan_assignment(
            principal,
            AssignmentDraft(
                form_id=(
                    AssignmentForm.COFFEESHOP_INSPECTION
                    if coffeeshop
                    else AssignmentForm.NEIGHBOURHOOD_PATROL
                ),
                venue=f"bench-{(n * 10) % venues:05d}" if coffeeshop else None,
                area=None if coffeeshop else AREAS[n % len(AREAS)],
                team=TEAM,
                due=start + timedelta(days=n % 60),
            ),
        )
    return server


def raw_fetch(url: str, page_size: int) -> tuple[float, int, int]:
    """Every page of the feed as the device asks for it, and nothing done with it."""
    token = httpx.post(
        f"{url}/v1/auth/token", json={"username": USER, "password": "demo"}, timeout=60
    ).json()["access_token"]
    pages = size = 0
    started = time.perf_counter()
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}) as client:
        cursor: str | None = None
        while True:
            params: dict[str, str | int] = {"limit": page_size}
            if cursor is not None:
                params["cursor"] = cursor
            answer = client.get("/v1/changes", params=params, timeout=120)
            answer.raise_for_status()
            page = answer.json()
            pages += 1
            size += len(answer.content)
            cursor = page["next_cursor"]
            if not page["has_more"]:
                break
    return time.perf_counter() - started, pages, size


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--venues", type=int, default=10_000)
    parser.add_argument("--assignments", type=int, default=1_000)
    parser.add_argument("--noop-runs", type=int, default=5)
    parser.add_argument("--db", default=None, help="SQLAlchemy URL (default: SQLite)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        started = time.perf_counter()
        server = build_world(root / "central", args.db, args.venues, args.assignments)
        url = server.url
        print(
            f"world: {args.venues} venues and {args.assignments} assignments more than the "
            f"demo, built in {time.perf_counter() - started:.1f} s",
            flush=True,
        )
        profile = device(root / "device")
        try:
            with SyncClient(profile, url, credentials=DemoAccounts()) as client:
                page_size = client.page_size
                started = time.perf_counter()
                first = client.sync_once()
                first_s = time.perf_counter() - started
                noop = []
                for _ in range(args.noop_runs):
                    started = time.perf_counter()
                    report = client.sync_once()
                    noop.append(time.perf_counter() - started)
                    assert report.pulled == 0, report.pulled
            assert first.complete, first.summary("en")
            venues_held = len(profile.venues())
            assignments_held = len(profile.assignments())
        finally:
            profile.close()
        # Memory on a second fresh device: tracing allocations slows everything down.
        second = device(root / "second")
        try:
            with SyncClient(second, url, credentials=DemoAccounts()) as client:
                tracemalloc.start()
                client.sync_once()
                _, peak = tracemalloc.get_traced_memory()
                tracemalloc.stop()
        finally:
            second.close()
        raw_s, pages, size = raw_fetch(url, page_size)
        server.stop()
    print(
        f"first sync of a fresh device: {first_s:.2f} s, {first.pulled} changes in {pages} "
        f"pages ({size / 1e6:.1f} MB), Python peak {peak / 1e6:.0f} MB; the device holds "
        f"{venues_held} venues and {assignments_held} assignments"
    )
    print(f"raw fetch of the same pages: {raw_s:.2f} s → first sync {first_s / raw_s:.2f}× raw")
    print(f"no-op sync afterwards: median {statistics.median(noop) * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
