"""Issue 14's attacks, measured: memory, sign-in flood, slow clients; before and after.

Each scenario starts `fieldapp server --demo` in a process of its own from a source tree
(`--tree`, default this repository; give an exported older commit to measure "before"),
on 127.0.0.1 only, and reads the server's memory from /proc (VmHWM is the peak resident
set since start, VmRSS what is resident now):

- memory: C concurrent pushes of a 1.5 MB version made of tiny nested JSON objects
  (the issue's recipe: 100 concurrent). Peak and left-over resident memory.
- flood: C concurrent wrong sign-ins (no account needed) with the real Argon2 cost, while
  a signed-in device asks /v1/sync/meta again and again: the server's peak memory, the
  device's slowest and median answer, how long the flood took, and its statuses.
- slowloris: N connections trickle their headers; how many the server still holds open
  after 15 s, and how fast a normal request is answered meanwhile.
- load: the 50-device load of the tests (tests/support/load.py, 3 s) against P server
  processes on one PostgreSQL database made for the run (blobs in the database):
  versions stored per second, the statuses, and that nothing was lost or doubled.

    .venv/bin/python bench/bench_hardening.py memory [--tree DIR] [--concurrent 100]
    .venv/bin/python bench/bench_hardening.py flood [--tree DIR] [--concurrent 60]
    .venv/bin/python bench/bench_hardening.py slowloris [--tree DIR] [--connections 1000]
    .venv/bin/python bench/bench_hardening.py load --pg-url URL [--processes 2]

Every loop is bounded in count and time; the server is stopped at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
BOA = "fatima.elamrani"
MIB = 1024 * 1024


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def server(
    tree: Path, *extra: str, environ: dict[str, str] | None = None
) -> Iterator[tuple[str, int]]:
    """`fieldapp server` from `tree` in its own process (`--demo` unless other arguments
    are given): its URL and process id."""
    home = Path(tempfile.mkdtemp(prefix="bench-hardening-"))
    port = _free_port()
    environment = {
        **os.environ,
        "PYTHONPATH": str(tree),
        "FIELDAPP_LOG_FORMAT": "text",
        **(environ or {}),
    }
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "fieldapp", "server"),
            *("--home", str(home), "--port", str(port)),
            *(extra or ("--demo",)),
        ],
        cwd=tree,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                raise SystemExit("the server did not start")
            try:
                if httpx.get(f"{url}/v1/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("the server did not start in time")
            time.sleep(0.2)
        yield url, process.pid
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def memory(pid: int) -> tuple[float, float]:
    """(peak, current) resident memory of a process, in MiB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in {"VmHWM", "VmRSS"}:
            fields[name] = int(value.split()[0]) / 1024
    return fields["VmHWM"], fields["VmRSS"]


def sign_in(url: str, username: str = BOA) -> str:
    answer = httpx.post(
        f"{url}/v1/auth/token", json={"username": username, "password": "demo"}, timeout=120
    )
    answer.raise_for_status()
    return str(answer.json()["access_token"])


def tiny_nested_version(size: int) -> tuple[str, bytes]:
    """A version whose answers are `size` bytes of tiny nested objects; its path and body."""
    inspection_id, version_id = secrets.token_hex(16), secrets.token_hex(16)
    unit = '{"a":{"b":{}}},'
    junk = "[" + unit * (size // len(unit)) + "{}]"
    moment = datetime(2026, 12, 4, 21, 30, tzinfo=UTC).isoformat()
    body = (
        "{"
        f'"inspection_id":"{inspection_id}","version_id":"{version_id}",'
        '"form_id":"neighbourhood_patrol","form_version":"2026.3",'
        f'"author":"{BOA}","started_at":"{moment}","finalized_at":"{moment}",'
        f'"document":{{"answers":{{"shift_summary":{junk}}},"repeats":{{}}}},'
        f'"content_hash":"{"0" * 64}"'
        "}"
    )
    return f"/v1/inspections/{inspection_id}/versions/{version_id}", body.encode()


def bench_memory(tree: Path, concurrent: int) -> dict[str, object]:
    with server(tree) as (url, pid):
        token = sign_in(url)
        bodies = [tiny_nested_version(int(1.5 * MIB)) for _ in range(concurrent)]
        before = memory(pid)[1]
        statuses: Counter[int] = Counter()
        lock = threading.Lock()
        start = threading.Barrier(concurrent)

        def push(path: str, body: bytes) -> None:
            with httpx.Client(base_url=url, timeout=300) as client:
                start.wait()
                try:
                    answer = client.put(
                        path,
                        content=body,
                        headers={
                            "Authorization": f"Bearer {token}",
                            "Content-Type": "application/json",
                        },
                    )
                    status = answer.status_code
                except httpx.HTTPError:
                    status = 0
                with lock:
                    statuses[status] += 1

        began = time.monotonic()
        threads = [threading.Thread(target=push, args=item) for item in bodies]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(600)
        seconds = time.monotonic() - began
        time.sleep(2)  # let the server settle before reading what it kept
        peak, left = memory(pid)
    return {
        "scenario": f"{concurrent} concurrent pushes of 1.5 MB tiny nested JSON",
        "rss_before_mib": round(before),
        "peak_rss_mib": round(peak),
        "rss_after_mib": round(left),
        "seconds": round(seconds, 1),
        "statuses": dict(statuses),
    }


def bench_flood(tree: Path, concurrent: int) -> dict[str, object]:
    with server(tree) as (url, pid):
        token = sign_in(url)
        before = memory(pid)[1]
        statuses: Counter[int] = Counter()
        lock = threading.Lock()
        start = threading.Barrier(concurrent + 1)
        done = threading.Event()

        def guess(number: int) -> None:
            with httpx.Client(base_url=url, timeout=300) as client:
                start.wait()
                try:
                    status = client.post(
                        "/v1/auth/token",
                        json={"username": f"nobody-{number}", "password": "wrong guess"},
                        headers={"X-Forwarded-For": f"10.0.{number // 250}.{number % 250 + 1}"},
                    ).status_code
                except httpx.HTTPError:
                    status = 0
                with lock:
                    statuses[status] += 1

        latencies: list[float] = []

        def device() -> None:
            with httpx.Client(
                base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=300
            ) as client:
                start.wait()
                for _ in range(200):
                    if done.is_set():
                        return
                    began = time.monotonic()
                    client.get("/v1/sync/meta")
                    latencies.append(time.monotonic() - began)

        threads = [threading.Thread(target=guess, args=(n,)) for n in range(concurrent)]
        watcher = threading.Thread(target=device)
        for thread in [*threads, watcher]:
            thread.start()
        began = time.monotonic()
        for thread in threads:
            thread.join(600)
        flood_seconds = time.monotonic() - began
        done.set()
        watcher.join(60)
        peak, _ = memory(pid)
    return {
        "scenario": f"{concurrent} concurrent wrong sign-ins, Argon2 64 MiB",
        "rss_before_mib": round(before),
        "peak_rss_mib": round(peak),
        "flood_seconds": round(flood_seconds, 1),
        "device_requests": len(latencies),
        "device_median_s": round(statistics.median(latencies), 3) if latencies else None,
        "device_slowest_s": round(max(latencies), 3) if latencies else None,
        "statuses": dict(statuses),
    }


def bench_slowloris(tree: Path, connections: int) -> dict[str, object]:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, connections * 2 + 256)), hard))
    with server(tree) as (url, _pid):
        port = int(url.rsplit(":", 1)[1])
        opened: list[socket.socket] = []
        try:
            for _ in range(connections):
                connection = socket.create_connection(("127.0.0.1", port), timeout=5)
                connection.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Slow: ")
                opened.append(connection)
            began = time.monotonic()
            normal = []
            while time.monotonic() - began < 15:
                for connection in opened:  # a byte now and then
                    with contextlib.suppress(OSError):
                        connection.send(b"a")
                asked = time.monotonic()
                try:
                    status = httpx.get(f"{url}/v1/health", timeout=10).status_code
                except httpx.HTTPError:
                    status = 0
                normal.append((status, time.monotonic() - asked))
                time.sleep(1)
            still_open = 0
            for connection in opened:
                connection.setblocking(False)
                try:
                    connection.recv(1)  # b"" (closed) or an answer: not held open
                except BlockingIOError:
                    still_open += 1  # nothing to read and not closed: still held
                except OSError:
                    pass
        finally:
            for connection in opened:
                connection.close()
    return {
        "scenario": f"{connections} connections trickling their headers for 15 s",
        "still_open_after_15_s": still_open,
        "normal_requests": Counter(status for status, _ in normal),
        "normal_slowest_s": round(max(seconds for _, seconds in normal), 3),
    }


@contextmanager
def scratch_database(pg_url: str) -> Iterator[str]:
    import sqlalchemy as sa

    name = f"fa_bench_{secrets.token_hex(4)}"
    admin = sa.create_engine(pg_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        yield sa.make_url(pg_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def bench_load(tree: Path, pg_url: str, processes: int) -> dict[str, object]:
    sys.path.insert(0, str(ROOT))
    from fieldapp.server.database import CentralDatabase
    from tests.support.load import SECONDS, USERNAMES, run_load

    environ = {"FIELDAPP_BLOB_STORAGE": "database", "FIELDAPP_POOL_SIZE": "10"}
    with contextlib.ExitStack() as stack:
        url = stack.enter_context(scratch_database(pg_url))
        urls = [stack.enter_context(server(tree, "--db", url, "--demo", environ=environ))[0]]
        for _ in range(processes - 1):
            urls.append(stack.enter_context(server(tree, "--db", url, environ=environ))[0])
        tokens = {
            name: sign_in(urls[number % len(urls)], name) for number, name in enumerate(USERNAMES)
        }
        database = CentralDatabase(url)
        try:
            statuses = run_load(urls, tokens, database)  # asserts nothing lost or doubled
        finally:
            database.dispose()
    return {
        "scenario": f"50 devices for {SECONDS} s on {processes} process(es), one PostgreSQL",
        "versions_stored_per_s": round(statuses[201] / SECONDS, 1),
        "requests_per_s": round(sum(statuses.values()) / SECONDS, 1),
        "statuses": dict(statuses),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", choices=("memory", "flood", "slowloris", "load"))
    parser.add_argument("--tree", type=Path, default=ROOT, help="source tree to run")
    parser.add_argument("--concurrent", type=int, default=None)
    parser.add_argument("--connections", type=int, default=1000)
    parser.add_argument("--pg-url", help="PostgreSQL to make a database in (load)")
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args()
    if args.scenario == "memory":
        result = bench_memory(args.tree, args.concurrent or 100)
    elif args.scenario == "flood":
        result = bench_flood(args.tree, args.concurrent or 60)
    elif args.scenario == "slowloris":
        result = bench_slowloris(args.tree, args.connections)
    else:
        if not args.pg_url:
            parser.error("load needs --pg-url")
        result = bench_load(args.tree, args.pg_url, args.processes)
    print(json.dumps({"tree": str(args.tree), **result}, default=str))


if __name__ == "__main__":
    main()
