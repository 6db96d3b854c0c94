"""The JSON shape check (`fieldapp.server.limits.shape_problem`): time and peak memory,
against the check as it was (the whole body split on its quotes at once), in the same run.

Bodies: one realistic version as a single push sends it, a batch of 100 of them, and two
hostile bodies of the largest size (nothing but quotes; a quote and two letters again
and again). Time is the median of repeated calls; memory is tracemalloc's peak during
one call, as a multiple of the body's size.

    .venv/bin/python bench/bench_shape.py [--repeats 200]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
import tracemalloc
from collections.abc import Callable

from bench_server import realistic_version

from fieldapp.core.answers import canonical_json
from fieldapp.server.limits import JsonShape, RequestLimits, shape_problem

_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"{}[]")


def split_at_once(body: bytes, shape: JsonShape) -> str | None:
    """The baseline: the check before its split went a piece at a time."""
    containers = body.count(b"{") + body.count(b"[")
    if containers > shape.max_containers:
        return f"more than {shape.max_containers} objects and arrays"
    if body.count(b":") > shape.max_keys:
        return f"more than {shape.max_keys} keys"
    plain = body.replace(b"\\\\", b"..").replace(b'\\"', b"..")
    parts = plain.split(b'"')
    if max(map(len, parts[1::2]), default=0) >= shape.max_string_bytes:
        return f"a string longer than {shape.max_string_bytes} bytes"
    brackets = b"".join(parts[0::2]).translate(None, _NOT_BRACKETS)
    depth = deepest = 0
    for byte in brackets:
        depth += 1 if byte in b"{[" else -1
        deepest = max(deepest, depth)
    if deepest > shape.max_depth:
        return f"nested deeper than {shape.max_depth} levels"
    return None


Check = Callable[[bytes, JsonShape], str | None]


def seconds_per_call(check: Check, body: bytes, shape: JsonShape, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        check(body, shape)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def peak_bytes(check: Check, body: bytes, shape: JsonShape) -> int:
    tracemalloc.start()
    try:
        check(body, shape)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=200)
    options = parser.parse_args()
    rng = random.Random(14)
    versions = [realistic_version("fatima.elamrani", rng, None) for _ in range(100)]
    single = canonical_json(versions[0].model_dump(mode="json"))
    batch = json.dumps({"versions": [v.model_dump(mode="json") for v in versions]}).encode()
    largest = RequestLimits().json_bytes
    bodies = {
        "one version": (single, options.repeats),
        "batch of 100": (batch, max(10, options.repeats // 10)),
        "2 MiB of quotes": (b'"' * largest, 5),
        '2 MiB of "ab': ((b'"ab' * largest)[:largest], 5),
    }
    shape = JsonShape()
    print(
        f"{'body':<18}{'bytes':>10}{'before µs':>12}{'after µs':>12}{'after/before':>14}"
        f"{'before peak':>13}{'after peak':>12}"
    )
    for name, (body, repeats) in bodies.items():
        assert shape_problem(body, shape) == split_at_once(body, shape)
        # Alternate, so a slower moment of the machine falls on both.
        before = after = 0.0
        for _ in range(3):
            before += seconds_per_call(split_at_once, body, shape, repeats)
            after += seconds_per_call(shape_problem, body, shape, repeats)
        before, after = before / 3, after / 3
        old_peak = peak_bytes(split_at_once, body, shape) / len(body)
        new_peak = peak_bytes(shape_problem, body, shape) / len(body)
        print(
            f"{name:<18}{len(body):>10}{before * 1e6:>12.1f}{after * 1e6:>12.1f}"
            f"{after / before:>14.2f}{old_peak:>12.1f}×{new_peak:>11.1f}×"
        )


if __name__ == "__main__":
    main()
