"""The check of a JSON body's shape before it is parsed, against the parsed truth."""

from __future__ import annotations

import json
import random
import tracemalloc
from typing import Any

from fieldapp.server.limits import JsonShape, RequestLimits, shape_problem

#: Characters that trouble a byte scanner: brackets, quotes and backslashes inside strings.
TRICKY = 'ab{}[]":\\\n\u00e9\u2028\x01'


def _string(rng: random.Random) -> str:
    return "".join(rng.choice(TRICKY) for _ in range(rng.randint(0, 12)))


def _value(rng: random.Random, depth: int) -> Any:
    roll = rng.random()
    if depth > 10 or roll < 0.45:
        return _string(rng) if rng.random() < 0.7 else rng.randint(0, 99)
    if roll < 0.7:
        return [_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    return {_string(rng): _value(rng, depth + 1) for _ in range(rng.randint(0, 4))}


def _truth(value: Any, ascii_only: bool) -> tuple[int, int]:
    """Depth and longest string in bytes as sent, worked out from the parsed value."""
    if isinstance(value, str):
        return 0, len(json.dumps(value, ensure_ascii=ascii_only).encode()) - 2
    if isinstance(value, list):
        inner = [_truth(item, ascii_only) for item in value]
    elif isinstance(value, dict):
        inner = [_truth(key, ascii_only) for key in value]
        inner += [_truth(item, ascii_only) for item in value.values()]
    else:
        return 0, 0
    return 1 + max((d for d, _ in inner), default=0), max((s for _, s in inner), default=0)


def test_the_shape_check_agrees_with_the_parsed_document() -> None:
    rng = random.Random(18)
    for _ in range(3000):
        document = _value(rng, 0)
        ascii_only = rng.random() < 0.5
        body = json.dumps(document, ensure_ascii=ascii_only).encode()
        depth, longest = _truth(document, ascii_only)
        shape = JsonShape(max_depth=rng.randint(1, 8), max_string_bytes=rng.randint(1, 14))
        problem = shape_problem(body, shape)
        if longest >= shape.max_string_bytes:
            assert problem is not None and "string" in problem, (body, shape)
        elif depth > shape.max_depth:
            assert problem is not None and "nested" in problem, (body, shape)
        else:
            assert problem is None, (body, shape, problem)


def test_a_long_run_between_strings_was_taken_for_a_long_string() -> None:
    # The old pattern started at any quote, a closing one too, and so measured the
    # numbers after a key as if they were a string.
    body = json.dumps({"readings": list(range(2000))}).encode()
    assert shape_problem(body, JsonShape(max_string_bytes=1000)) is None


def test_an_escaped_string_is_measured_in_bytes_as_sent() -> None:
    # 600 newlines are 1,200 bytes on the wire; the old pattern counted 600.
    body = json.dumps({"note": "\n" * 600}).encode()
    problem = shape_problem(body, JsonShape(max_string_bytes=1000))
    assert problem is not None and "string" in problem


def test_brackets_and_escaped_quotes_inside_strings_do_not_nest() -> None:
    text = '[[[[ \\" {{{{ \\\\'
    body = json.dumps({"note": text, "key": [text, {"x": text}]}).encode()
    assert shape_problem(body, JsonShape(max_depth=3)) is None
    assert shape_problem(body, JsonShape(max_depth=2)) == "nested deeper than 2 levels"


def test_a_body_split_in_many_pieces_agrees_with_the_parsed_document() -> None:
    # A body far larger than the piece the check splits at a time: the strings and the
    # brackets between them are followed across the cuts.
    rng = random.Random(7)
    for _ in range(8):
        document = [_value(rng, 0) for _ in range(rng.randint(300, 600))]
        if rng.random() < 0.5:
            document.append("\\" * rng.randint(0, 40_000))  # one long string somewhere
            rng.shuffle(document)
        ascii_only = rng.random() < 0.5
        body = json.dumps(document, ensure_ascii=ascii_only).encode()
        assert len(body) > 50_000  # several pieces
        depth, longest = _truth(document, ascii_only)
        counts = {"max_containers": 10**9, "max_keys": 10**9}
        for shape in (
            JsonShape(max_depth=depth, max_string_bytes=longest + 1, **counts),
            JsonShape(max_depth=depth - 1, max_string_bytes=longest + 1, **counts),
            JsonShape(max_depth=depth, max_string_bytes=longest, **counts),
        ):
            problem = shape_problem(body, shape)
            if longest >= shape.max_string_bytes:
                assert problem is not None and "string" in problem, shape
            elif depth > shape.max_depth:
                assert problem is not None and "nested" in problem, shape
            else:
                assert problem is None, (shape, problem)


def test_a_body_of_quotes_cost_the_shape_check_a_hundred_megabytes() -> None:
    """Before: the body was split on its quotes at once, a bytes object per part: a body
    of the largest size made of nothing but quotes took about 110 MB for a moment."""
    body = b'"' * RequestLimits().json_bytes
    tracemalloc.start()
    try:
        problem = shape_problem(body, JsonShape())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert problem is None  # a million empty strings: odd, but within every limit
    assert peak < 4 * len(body), f"{peak / 1e6:.1f} MB for a body of {len(body) / 1e6:.1f} MB"
