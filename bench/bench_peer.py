"""Our sync next to PouchDB's replication of the same inspections and photos, over 127.0.0.1.

    .venv/bin/python bench/bench_peer.py [--sizes 1000,10000] [--quick] [--photo-share 0.3]
        [--noop-runs 5] [--outbox seed|all] [--batch-size 100] [--our-server thread|process]
        [--peer-server leveldb|memory] [--direction sync|push] [--db URL] [--json FILE]

For each N: a device seeded with N finalized inspections (`seed_profile`, as bench_sync.py)
syncs with an empty central store, then syncs again with nothing to do (`timed_syncs`, the
same measurement as bench_sync.py's no-op figure). The device's versions (the JSON our sync
pushes) and attachment bytes are exported to a temporary folder, and bench/peer/replicate.js
loads them into a local PouchDB and replicates them to pouchdb-server (first, then no-op).
One side runs at a time. The table shows both times and their ratio (ours / PouchDB's; at
or below 1 is the goal). bench/peer/README.md says what is and is not comparable.

The node packages are installed by this script (`npm ci` into bench/peer/node_modules) when
missing. Without node or npm, or when the install fails, it prints a "skipped" line and
exits 0: this bench is not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from unittest import mock

from bench_server import database, server_process
from bench_sync import all_versions, central, device, timed_syncs

from fieldapp.core.inspection import InspectionStatus
from fieldapp.protocol.models import MAX_PUSH_BATCH
from fieldapp.store import Profile
from fieldapp.store import seed as seeding
from fieldapp.store.seed import SeedReport, seed_profile

PEER = Path(__file__).resolve().parent / "peer"
SCRIPT = PEER / "replicate.js"
#: Generous bounds on the slow shared machine; a stuck child must not hang the bench.
NPM_TIMEOUT = 900
REPLICATE_TIMEOUT = 3600


@dataclass
class Row:
    n: int
    docs: int
    json_bytes: int
    attachments: int
    attachment_bytes: int
    ours_first: float
    ours_noop: float
    peer_first: float
    peer_noop: float
    #: How our first sync moved the versions: through the outbox, or as drift repairs.
    ours_outbox: int
    ours_repaired: int
    ours_blobs: int
    ours_phases: dict[str, float]
    #: The 1-minute load average as each side started (the machine is shared).
    load: tuple[float, float]
    peer: dict[str, Any]


def skipped(reason: str) -> int:
    print(f"peer bench skipped: {reason}")
    return 0


def install(npm: str) -> str | None:
    """`npm ci` into bench/peer/node_modules when it is missing; a reason when it fails.

    --ignore-scripts: leveldown loads its prebuilt binary without them, and the one other
    install script (sqlite3, for pouchdb-server's --sqlite, unused here) would compile
    SQLite from source for minutes.
    """
    if (PEER / "node_modules" / "pouchdb-node").is_dir() and (
        PEER / "node_modules" / "pouchdb-server"
    ).is_dir():
        return None
    print("installing pouchdb-node and pouchdb-server (npm ci in bench/peer) …", flush=True)
    try:
        done = subprocess.run(
            [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund"],
            cwd=PEER,
            capture_output=True,
            text=True,
            timeout=NPM_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return f"npm ci took more than {NPM_TIMEOUT} s"
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        return "npm ci failed: " + " / ".join(tail)
    return None


def export(profile: Profile, folder: Path) -> None:
    """Every version in `profile` as replicate.js reads it: docs.jsonl and blobs/<sha256>.

    The body is the version's JSON exactly as our sync pushes it; the files are the plain
    attachment bytes our sync uploads (each once per version).
    """
    blobs = folder / "blobs"
    blobs.mkdir(parents=True)
    with (folder / "docs.jsonl").open("w", encoding="utf-8") as out:
        for version in all_versions(profile):
            files: dict[str, str] = {}
            for attachment in version.attachments:
                if attachment.sha256 not in files:
                    (blobs / attachment.sha256).write_bytes(
                        profile.read_attachment(attachment.sha256)
                    )
                    files[attachment.sha256] = attachment.media_type
            item = {
                "id": version.version_id,
                "body": json.loads(version.model_dump_json()),
                "files": list(files.items()),
            }
            out.write(json.dumps(item, ensure_ascii=False) + "\n")


def seed(profile: Profile, n: int, photo_share: float, outbox: str) -> SeedReport:
    """`seed_profile`; with outbox "all", every version waits in the outbox.

    The seed's own mix marks about nine in ten versions as sent before (a device that
    synced with another server), so the first sync re-pushes those as drift repairs. With
    "all" the seed's status mix is only "finalized": the first sync is all outbox push,
    the path a batch push changes.
    """
    if outbox == "seed":
        return seed_profile(profile, n, photo_share=photo_share)
    with mock.patch.object(seeding, "_STATUS_MIX", ((InspectionStatus.FINALIZED, 1.0),)):
        return seed_profile(profile, n, photo_share=photo_share)


@contextmanager
def our_central(
    folder: Path, url: str | None, where: str, workers: int = 1, blob_storage: str = "files"
) -> Iterator[str]:
    """Our central store: in a thread of this process (as bench_sync.py) or its own process
    (as bench_server.py and as pouchdb-server runs here), with `workers` processes
    (PostgreSQL only, as `fieldapp server --workers`) and its blobs in `blob_storage`
    (as FIELDAPP_BLOB_STORAGE; a process only); its base URL."""
    if where == "process":
        with server_process(folder, url, workers=workers, blob_storage=blob_storage) as base:
            yield base
        return
    store, server = central(folder, url)
    try:
        yield server.url
    finally:
        server.stop()
        store.close()


def peer(node: str, export_folder: Path, work: Path, args: argparse.Namespace) -> dict[str, Any]:
    command = [
        node,
        str(SCRIPT),
        "--export",
        str(export_folder),
        "--work",
        str(work),
        "--server",
        args.peer_server,
        "--direction",
        args.direction,
        "--noop-runs",
        str(args.noop_runs),
        "--timeout",
        str(REPLICATE_TIMEOUT),
    ]
    done = subprocess.run(
        command,
        cwd=PEER,
        capture_output=True,
        text=True,
        timeout=REPLICATE_TIMEOUT + 60,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"replicate.js failed ({done.returncode}): {done.stderr.strip()}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def one_size(node: str, n: int, args: argparse.Namespace) -> Row:
    with tempfile.TemporaryDirectory(prefix="fieldapp-peer-") as temp:
        folder = Path(temp)
        profile = device(folder / "device")
        try:
            started = time.perf_counter()
            seeded = seed(profile, n, args.photo_share, args.outbox)
            print(
                f"N={n}: seeded {seeded.inspections} inspections with {seeded.attachments} "
                f"attachments in {time.perf_counter() - started:.1f} s; exporting …",
                flush=True,
            )
            export(profile, folder / "export")
            marks: list[tuple[str, float]] = []
            load_ours = os.getloadavg()[0]
            backend = "postgresql" if args.db and args.db.startswith("postgresql") else "sqlite"
            with (
                database(backend, args.db, f"peer{n}") as url,
                our_central(
                    folder / "central",
                    url or args.db,
                    args.our_server,
                    args.workers,
                    args.blob_storage,
                ) as base,
            ):
                started = time.perf_counter()
                client_before = time.process_time()
                server_before = children_cpu()
                ours = timed_syncs(
                    profile,
                    base,
                    args.noop_runs,
                    lambda step: marks.append((step.step, time.perf_counter())),
                    args.batch_size,
                )
                client_cpu = time.process_time() - client_before
                server_cpu = children_cpu() - server_before
        finally:
            profile.close()
        report = ours.first_report
        assert not report.failed, report.failed
        phases = first_sync_phases(started, marks)
        print(
            f"N={n}: ours first {ours.first:.2f} s ("
            + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in phases.items())
            + f"), no-op median {statistics.median(ours.noop) * 1000:.0f} ms; processor time"
            + f" of the syncs: client {client_cpu:.1f} s"
            + (f", server process {server_cpu:.1f} s" if args.our_server == "process" else "")
            + "; PouchDB …",
            flush=True,
        )
        # Our side's files go before PouchDB's are written: the disk holds one copy at a time.
        shutil.rmtree(folder / "device")
        shutil.rmtree(folder / "central", ignore_errors=True)
        load_peer = os.getloadavg()[0]
        result = peer(node, folder / "export", folder / "pouch", args)
    return Row(
        n=n,
        docs=result["docs"],
        json_bytes=result["json_bytes"],
        attachments=result["attachments"],
        attachment_bytes=result["attachment_bytes"],
        ours_first=ours.first,
        ours_noop=statistics.median(ours.noop),
        peer_first=result["first_seconds"],
        peer_noop=result["noop_median_seconds"],
        ours_outbox=len(report.sent),
        ours_repaired=report.drift_repaired,
        ours_blobs=report.blobs_uploaded,
        ours_phases=phases,
        load=(load_ours, load_peer),
        peer=result,
    )


def children_cpu() -> float:
    """Processor seconds of this process's children and theirs (the server process and its
    workers), from /proc: a server started before the timing must not count its start."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    pending = [os.getpid()]
    while pending:
        pid = pending.pop()
        try:
            tasks = Path(f"/proc/{pid}/task")
            for task in tasks.iterdir():
                pending.extend(int(c) for c in (task / "children").read_text().split())
            if pid != os.getpid():
                # utime and stime are fields 14 and 15, after the parenthesised name.
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += (int(fields[11]) + int(fields[12])) / ticks
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


def first_sync_phases(started: float, marks: list[tuple[str, float]]) -> dict[str, float]:
    """Where our first sync spent its time, from its progress steps (up to its "done").

    The client signs in and reads the meta, pushes the outbox, pulls the change feed (the
    whole reference data on a first sync), then checks the digests and re-pushes what the
    server lacks (the versions the seed marked sent).
    """
    first: dict[str, float] = {}
    last: dict[str, float] = {}
    for step, moment in marks:
        first.setdefault(step, moment)
        last[step] = moment
        if step == "done":
            break
    meta = first["meta"]
    # The outbox ends with its last version marked sent; the pull with its last page.
    pushed = last.get("version_marked", meta)
    applied = last["page_applied"]
    return {
        "sign-in and meta": meta - started,
        "outbox": pushed - meta,
        "pull": applied - pushed,
        "digest and repair": first["digest_checked"] - applied,
    }


def table(rows: list[Row]) -> str:
    head = (
        f"{'N':>7} {'ours first':>11} {'PouchDB first':>14} {'ratio':>6} "
        f"{'ours no-op':>11} {'PouchDB no-op':>14} {'ratio':>6}"
    )
    lines = [head, "-" * len(head)]
    for row in rows:
        lines.append(
            f"{row.n:>7} {row.ours_first:>10.2f}s {row.peer_first:>13.2f}s "
            f"{row.ours_first / row.peer_first:>6.2f} {row.ours_noop * 1000:>9.1f}ms "
            f"{row.peer_noop * 1000:>12.1f}ms {row.ours_noop / row.peer_noop:>6.2f}"
        )
    lines.append("")
    for row in rows:
        lines.append(
            f"N={row.n}: {row.docs} docs, {row.json_bytes / 1e6:.1f} MB JSON, "
            f"{row.attachments} attachments, {row.attachment_bytes / 1e6:.1f} MB attachment "
            f"bytes; ours moved {row.ours_outbox} versions through the outbox, "
            f"{row.ours_repaired} as drift repairs, {row.ours_blobs} blobs; load average "
            f"{row.load[0]:.1f} (ours), {row.load[1]:.1f} (PouchDB)"
        )
        if row.peer["direction"] == "sync" and row.peer["noop_seconds"]:
            # Its pull side ran beside the first push, so the next sync still reads the
            # echo of the pushed docs from the server's feed (and writes nothing).
            lines.append(
                f"N={row.n}: PouchDB's first sync after the first took "
                f"{row.peer['noop_seconds'][0]:.2f} s (the pull side catching up); "
                "the no-op figure is the median"
            )
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated N")
    parser.add_argument("--quick", action="store_true", help="N=200 and 3 no-op runs")
    parser.add_argument("--photo-share", type=float, default=0.3, help="as seed_profile")
    parser.add_argument("--noop-runs", type=int, default=5)
    parser.add_argument(
        "--outbox",
        choices=["seed", "all"],
        default="seed",
        help="our device: the seed's mix (most marked sent; as bench_sync.py) or all waiting",
    )
    parser.add_argument(
        "--batch-size",
        type=int,
        default=MAX_PUSH_BATCH,
        help="our versions per push request (1: one per request, as before batches)",
    )
    parser.add_argument("--our-server", choices=["thread", "process"], default="thread")
    parser.add_argument("--peer-server", choices=["leveldb", "memory"], default="leveldb")
    parser.add_argument(
        "--direction",
        choices=["sync", "push"],
        default="sync",
        help="PouchDB: both ways (as our sync pushes and pulls) or push only",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="server processes (with --our-server process and a PostgreSQL --db)",
    )
    parser.add_argument(
        "--blob-storage",
        choices=["files", "database"],
        default="files",
        help="where our store keeps photos (FIELDAPP_BLOB_STORAGE; with --our-server process)",
    )
    parser.add_argument("--db", default=None, help="our store's SQLAlchemy URL (default SQLite)")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args(argv)
    if args.our_server == "thread" and (args.blob_storage != "files" or args.workers != 1):
        parser.error("--blob-storage and --workers need --our-server process")
    if args.workers != 1 and not (args.db or "").startswith("postgresql"):
        parser.error("--workers needs a PostgreSQL --db (SQLite has one writer)")
    if args.quick:
        args.sizes, args.noop_runs = "200", 3
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        return skipped("node or npm is not on PATH")
    reason = install(npm)
    if reason is not None:
        return skipped(reason)
    rows = [one_size(node, int(part), args) for part in args.sizes.split(",") if part.strip()]
    print()
    print(
        f"our store: {args.db or 'SQLite'}, blobs in {args.blob_storage}, server in a "
        f"{args.our_server} ({args.workers} worker(s)), outbox "
        f"{args.outbox}, batch size {args.batch_size}; pouchdb-server "
        f"{rows[0].peer['pouchdb_server']} ({args.peer_server}), PouchDB "
        f"{rows[0].peer['pouchdb']} ({args.direction}), node {rows[0].peer['node']}; "
        f"no-op = median of {args.noop_runs}"
        if rows
        else "no sizes given"
    )
    print(table(rows))
    if args.json is not None:
        args.json.write_text(
            json.dumps([asdict(row) for row in rows], indent=2) + "\n", encoding="utf-8"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
