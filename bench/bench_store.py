"""Figures for the device's store: autosave and finalize latency, size and open time.

Not a test: it prints numbers. By default it fills a profile with 100,000 inspections
(`--inspections` scales that down), then measures, in the same run and on the same disk:

* autosave latency (`Profile.set_answer`, SQLCipher on) next to a bare `sqlite3` single-row
  commit with the same journal settings (WAL, same `synchronous`), and their ratio;
* the same single-row commit on the profile's own SQLCipher connection, which splits the
  store's overhead into encryption and everything else (engine, JSON, bookkeeping);
* finalize latency, database and attachment bytes per inspection, time to open the profile;
* optionally (`--seed-compare N`) seeding N inspections through the store's bulk path in
  batches of 1,000 per transaction, next to one transaction per inspection;
* optionally a longer crash soak (`--soak KILLS`) with the crash test's child process.

    .venv/bin/python bench/bench_store.py --inspections 10000
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from fieldapp.store import DEFAULT_KDF, KdfParams, Profile, StoreSettings, open_profile, verify
from fieldapp.store.images import photo
from fieldapp.store.keys import DEVICE_PASSWORD_RULES
from fieldapp.store.seed import (
    AnswerWalker,
    VisitPlanner,
    replay_answers,
    seed_profile,
    seed_reference_data,
)

# The raw-file helpers live with the tests; the bench reaches past the store through them.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.support.store import (
    attachment_folder,
    database_file,
    raw_connection,
    raw_transaction,
)

USER = "fatima.elamrani"
PASSWORD = "demo"
#: The demo's published password, allowed for these benchmark profiles only.
DEMO = DEVICE_PASSWORD_RULES.allowing(PASSWORD)


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def describe(samples: list[float]) -> str:
    p50, p99 = percentile(samples, 0.5) * 1e6, percentile(samples, 0.99) * 1e6
    mean = statistics.fmean(samples) * 1e6
    return f"p50 {p50:8.0f} µs   p99 {p99:8.0f} µs   mean {mean:8.0f} µs   (n={len(samples)})"


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def bare_sqlite(directory: Path, rows: int, synchronous: str) -> sqlite3.Connection:
    """A plain, unencrypted sqlite3 database shaped like the answers table, same settings."""
    path = directory / "bare.db"
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute(f"PRAGMA synchronous = {synchronous}")
    connection.execute("PRAGMA cache_size = -16384")
    connection.execute(
        "CREATE TABLE IF NOT EXISTS answers (inspection_id TEXT, name TEXT, row_id TEXT,"
        " value TEXT, PRIMARY KEY (inspection_id, name, row_id)) WITHOUT ROWID"
    )
    connection.execute("BEGIN")
    connection.executemany(
        "INSERT OR REPLACE INTO answers VALUES (?, 'findings_summary', '', ?)",
        ((f"{n:032x}", "x" * 200) for n in range(rows)),
    )
    connection.execute("COMMIT")
    return connection


def single_row_commit(connection: sqlite3.Connection, number: int) -> None:
    connection.execute("BEGIN IMMEDIATE")
    connection.execute(
        "INSERT OR REPLACE INTO answers (inspection_id, name, row_id, value)"
        " VALUES (?, 'findings_summary', '', ?)",
        (f"{number % 50:032x}", f'"Waarneming {number}: ' + "tekst " * 20 + '"'),
    )
    connection.execute("COMMIT")


def autosave_figures(profile: Profile, bare: sqlite3.Connection, count: int) -> None:
    draft = profile.start_inspection("coffeeshop_inspection", venue_id="cs-weimar-12")
    edits: list[tuple[str, object]] = [
        ("findings_summary", "Waarneming {n}: voorraad gewogen, vergunning hangt zichtbaar."),
        ("nearest_school_distance_m", None),
        ("inspectors", "BOA 44{n}, BOA 4417"),
        ("announced", None),
    ]
    store: list[float] = []
    raw_cipher: list[float] = []
    baseline: list[float] = []
    cipher = raw_connection(profile)
    cipher.execute(
        "CREATE TABLE IF NOT EXISTS bench_answers (inspection_id TEXT, name TEXT, row_id TEXT,"
        " value TEXT, PRIMARY KEY (inspection_id, name, row_id)) WITHOUT ROWID"
    )
    for warm in range(50):
        profile.set_answer(draft, "findings_summary", f"warm {warm}")
        single_row_commit(bare, warm)
    # Interleaved in blocks so disk and CPU drift hit all three alike.
    for block in range(count // 100):
        for step in range(100):
            n = block * 100 + step
            name, template = edits[n % len(edits)]
            value: object
            if name == "nearest_school_distance_m":
                value = 100 + n % 500
            elif name == "announced":
                value = "yes" if n % 2 else "no"
            else:
                value = str(template).format(n=n)
            store.append(timed(partial(profile.set_answer, draft, name, value)))
        for step in range(100):
            baseline.append(timed(partial(single_row_commit, bare, block * 100 + step)))
        for step in range(100):
            raw_cipher.append(timed(partial(_cipher_commit, profile, block * 100 + step)))
    cipher.execute("DROP TABLE bench_answers")
    print(f"  bare sqlite3 single-row commit     {describe(baseline)}")
    print(f"  same commit on the SQLCipher conn. {describe(raw_cipher)}")
    print(f"  Profile.set_answer (autosave)      {describe(store)}")
    for label, share in (("p50", 0.5), ("p99", 0.99)):
        ratio = percentile(store, share) / percentile(baseline, share)
        print(f"  ratio autosave / bare sqlite3 {label}: {ratio:4.2f}x   (target <= 1.5x)")
    profile.discard_draft(draft)


def _cipher_commit(profile: Profile, number: int) -> None:
    with raw_transaction(profile) as connection:
        connection.execute(
            "INSERT OR REPLACE INTO bench_answers VALUES (?, 'findings_summary', '', ?)",
            (f"{number % 50:032x}", f'"Waarneming {number}: ' + "tekst " * 20 + '"'),
        )


def finalize_figures(profile: Profile, count: int, seed: int) -> None:
    from datetime import datetime

    from fieldapp.core.locations import seeds_directory
    from fieldapp.core.worldfile import load_world

    rng = random.Random(seed)
    world = load_world(seeds_directory())
    planner = VisitPlanner(world, rng, datetime(2026, 12, 20, 23, 0))
    walker = AnswerWalker(world.venues, rng, photo_share=0.5)
    pictures = [photo(n, width=96, height=72) for n in range(4)]
    samples: list[float] = []
    for _ in range(count):
        visit = planner.plan()
        filled = walker.fill(profile.engine(visit.form_id), visit)
        draft = profile.start_inspection(
            visit.form_id,
            venue_id=visit.venue.id if visit.venue else None,
            area_id=visit.area.id if visit.area else None,
        )
        replay_answers(profile, draft, filled, pictures, rng)
        samples.append(timed(partial(profile.finalize, draft)))
    print(f"  Profile.finalize                   {describe(samples)}")


def sizes(profile: Profile, inspections: int) -> None:
    profile.checkpoint()
    database = database_file(profile).stat().st_size
    files = [p for p in attachment_folder(profile).rglob("*") if p.is_file()]
    attached = sum(p.stat().st_size for p in files)
    print(f"  database {database / 1e6:8.1f} MB = {database / inspections:7.0f} bytes/inspection")
    print(
        f"  attachments {attached / 1e6:5.1f} MB in {len(files)} files"
        f" = {attached / inspections:7.0f} bytes/inspection"
    )


def open_figures(home: Path, inspections: int) -> None:
    samples = []
    first_page = []
    for _ in range(5):
        start = time.perf_counter()
        profile = open_profile(home, USER, PASSWORD)
        samples.append(time.perf_counter() - start)
        first_page.append(timed(partial(_first_page, profile)))
        profile.close()
    print(f"  open_profile with {inspections} inspections (Argon2id included): {describe(samples)}")
    print(f"  then count + first page of 100 sent:        {describe(first_page)}")


def _first_page(profile: Profile) -> None:
    profile.count()
    profile.sent(limit=100)


def seed_figures(inspections: int, kdf: KdfParams, settings: StoreSettings) -> None:
    """Seeding through `Profile.add_past_inspections`: batched, and one per transaction."""
    for batch in (1000, 1):
        with tempfile.TemporaryDirectory(prefix="bench-seed-") as scratch:
            profile = open_profile(
                Path(scratch), USER, PASSWORD, kdf=kdf, settings=settings, password_rules=DEMO
            )
            seed_reference_data(profile)
            elapsed = timed(partial(seed_profile, profile, inspections, batch=batch))
            profile.close()
        label = f"{batch} per transaction" if batch > 1 else "one per transaction"
        print(
            f"  seed {inspections} inspections, {label:<22} {elapsed:6.1f} s"
            f" ({inspections / elapsed:.0f}/s)"
        )


def soak(kills: int) -> None:
    from tests.store import test_crash as test_store_crash

    with tempfile.TemporaryDirectory() as scratch:
        start = time.perf_counter()
        seed = random.randrange(1_000_000)
        in_finalize, finalized, photos = test_store_crash.kill_and_check(
            Path(scratch) / "home", kills, seed
        )
        print(
            f"  {kills} SIGKILLs (seed {seed}), every check passed: {in_finalize} inside a"
            f" finalize, {finalized} inspections finalized, {photos} photos,"
            f" {time.perf_counter() - start:.0f} s"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inspections", type=int, default=100_000)
    parser.add_argument("--autosaves", type=int, default=2000)
    parser.add_argument("--finalizes", type=int, default=40)
    parser.add_argument("--synchronous", choices=("FULL", "NORMAL"), default="FULL")
    parser.add_argument("--home", type=Path, help="keep the profile here (default: a temp dir)")
    parser.add_argument("--fast-kdf", action="store_true", help="cheap Argon2id (not realistic)")
    parser.add_argument("--soak", type=int, default=0, metavar="KILLS", help="crash soak")
    parser.add_argument(
        "--seed-compare", type=int, default=0, metavar="N", help="seeding, batched and not"
    )
    args = parser.parse_args(argv)

    scratch = None
    home = args.home
    if home is None:
        scratch = tempfile.mkdtemp(prefix="bench-store-")
        home = Path(scratch)
    settings = StoreSettings(autosave_synchronous=args.synchronous)
    kdf: KdfParams = KdfParams.fast_for_tests() if args.fast_kdf else DEFAULT_KDF
    try:
        print(
            f"fieldapp store bench: {args.inspections} inspections, synchronous={args.synchronous}"
        )
        print(f"  folder {home} ({os.cpu_count()} CPUs)")
        profile = open_profile(
            home, USER, PASSWORD, kdf=kdf, settings=settings, password_rules=DEMO
        )
        if not profile.has_reference_data():
            seed_reference_data(profile)
        existing = profile.count()
        if existing < args.inspections:
            start = time.perf_counter()

            def progress(done: int, total: int) -> None:
                print(f"\r  seeding {done}/{total}", end="", flush=True)

            seed_profile(profile, args.inspections - existing, progress=progress)
            elapsed = time.perf_counter() - start
            print(
                f"\r  seeded {args.inspections - existing} inspections in {elapsed:.1f} s"
                f" ({(args.inspections - existing) / elapsed:.0f}/s)"
            )
        inspections = profile.count()
        print("sizes")
        sizes(profile, inspections)
        print("autosave")
        bare = bare_sqlite(home, inspections, args.synchronous)
        autosave_figures(profile, bare, args.autosaves)
        bare.close()
        print("finalize")
        finalize_figures(profile, args.finalizes, seed=7)
        print("verify")
        quick = timed(lambda: verify(profile, deep=False))
        print(f"  verify (files checked by size) {quick:.1f} s")
        profile.close()
        print("open")
        open_figures(home, inspections)
        if args.seed_compare:
            print("seeding")
            seed_figures(args.seed_compare, kdf, settings)
        if args.soak:
            print("crash soak")
            soak(args.soak)
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
