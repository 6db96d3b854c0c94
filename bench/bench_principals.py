"""What the principal cache saves per authenticated request (issue 18), over 127.0.0.1.

The same server, in its own process (`bench_server.server_process`), is started twice
in one run: once with the cache off (`principal_cache_seconds=0`, every request reads its
token, account and teams) and once with the default. One device then makes N
authenticated GETs of /v1/sync/meta in turn on one keep-alive connection, and the figures
are printed side by side with their ratio, on SQLite and (with --pg-url) PostgreSQL.
Ratios, not absolute times: this machine is shared.

    .venv/bin/python bench/bench_principals.py [--pg-url URL] [--requests 2000]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import httpx
from bench_server import database, server_process

from fieldapp.server.config import ServerConfig

DEFAULT_CACHE = ServerConfig(home=Path()).principal_cache_seconds


def requests_in_turn(base: str, count: int) -> list[float]:
    """Seconds per authenticated GET, one after the other on one connection."""
    answer = httpx.post(
        f"{base}/v1/auth/token",
        json={"username": "fatima.elamrani", "password": "demo"},
        timeout=30,
    )
    answer.raise_for_status()
    headers = {"Authorization": f"Bearer {answer.json()['access_token']}"}
    took: list[float] = []
    with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
        for _ in range(50):  # warm the connection and the server's code paths
            client.get("/v1/sync/meta").raise_for_status()
        for _ in range(count):
            began = time.perf_counter()
            client.get("/v1/sync/meta").raise_for_status()
            took.append(time.perf_counter() - began)
    return took


def figures(took: list[float]) -> tuple[float, float, float]:
    ordered = sorted(took)
    p50 = statistics.median(ordered) * 1000
    p99 = ordered[int(len(ordered) * 0.99) - 1] * 1000
    return p50, p99, len(took) / sum(took)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pg-url", default=None)
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args()
    backends = ["sqlite"] + (["postgresql"] if args.pg_url else [])
    print(f"{args.requests} authenticated GETs of /v1/sync/meta in turn, one connection")
    print(f"{'backend':<11} {'cache':>7} {'p50 ms':>8} {'p99 ms':>8} {'req/s':>8}")
    for backend in backends:
        results = {}
        for cache in (0.0, DEFAULT_CACHE):
            with (
                tempfile.TemporaryDirectory() as home,
                database(backend, args.pg_url, "principals") as url,
                server_process(Path(home), url, cache) as base,
            ):
                results[cache] = figures(requests_in_turn(base, args.requests))
            p50, p99, rate = results[cache]
            label = "off" if cache == 0 else f"{cache:g} s"
            print(f"{backend:<11} {label:>7} {p50:8.2f} {p99:8.2f} {rate:8.0f}")
        off, on = results[0.0], results[DEFAULT_CACHE]
        print(
            f"{backend:<11} {'ratio':>7} {on[0] / off[0]:8.2f} {on[1] / off[1]:8.2f} "
            f"{on[2] / off[2]:8.2f}  (cache on / off)"
        )
    if args.pg_url:
        print("PostgreSQL as given by --pg-url (state fsync on or off when quoting figures)")


if __name__ == "__main__":
    main()
