"""Request limits enforced before a body is parsed: size, shape, time and how many at once.

A body that declares its length is refused from the header alone. A JSON body sent in
chunks (no length) is collected up to the limit here, within a time limit (a trickling
client is cut off), and handed on only if it fits, so the JSON parser never sees more
than the limit. Its shape is then checked on the bytes, without building objects: how
many containers and keys it can hold, how deep it nests and its longest string, and that
it holds no lone UTF-16 surrogate and no NUL (which no database column can store alike);
a query string with NUL or bytes that are not UTF-8 is refused the same way. Parsing and handling a
large body takes one of a few permits, so a hundred large pushes at once parse a few at a
time instead of all building their objects together. Blob uploads stream; their endpoint
counts the bytes itself (only the declared length and the pace are checked here).
"""

from __future__ import annotations

import asyncio
import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_to_bytes

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fieldapp.protocol.models import ErrorCode
from fieldapp.server.errors import ApiError, too_large

#: Paths whose bodies are blobs, limited by max_blob_bytes and streamed by the endpoint.
BLOB_PREFIX = "/v1/blobs/"
#: Paths whose bodies are files (register imports, form YAML), not JSON: limited by size
#: like JSON bodies, but their bytes are no JSON document to check the shape of.
FILE_PATHS = ("/v1/admin/import/", "/v1/admin/forms")
#: How much of a refused body is read and dropped, so the 413 arrives (see `drain`).
DRAIN_CAP = 4 * 1024 * 1024


@dataclass(frozen=True)
class JsonShape:
    """The most a JSON body may hold; a real inspection version stays far below each.

    Counts are taken on the bytes, so braces and colons inside strings count too: the
    limits are generous enough for that.
    """

    #: Objects and arrays (`{` and `[`).
    max_containers: int = 20_000
    #: Keys (`:`), with times like 21:30 counted too.
    max_keys: int = 60_000
    max_depth: int = 32
    #: Longest string, in bytes as sent (escapes included).
    max_string_bytes: int = 256 * 1024


@dataclass(frozen=True)
class RequestLimits:
    """Everything `RequestGuard` enforces; ServerConfig holds one."""

    json_bytes: int = 2 * 1024 * 1024
    blob_bytes: int = 64 * 1024 * 1024
    shape: JsonShape = JsonShape()
    #: A JSON body must arrive completely within this many seconds.
    json_body_seconds: float = 30.0
    #: A blob body may pause this long between chunks before it is cut off.
    blob_idle_seconds: float = 30.0
    #: JSON bodies above this size need a parse permit; smaller ones never wait.
    large_json_bytes: int = 64 * 1024
    #: Large JSON bodies parsed and handled at once.
    large_json_permits: int = 4


_ESCAPED_SURROGATE_OR_NUL = re.compile(rb"\\u(?:[dD][89a-fA-F][0-9a-fA-F]{2}|0000)")
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"{}[]")
#: Bytes of a body split on its quotes at a time (see `shape_problem`).
_SPLIT_PIECE = 16 * 1024


def shape_problem(body: bytes, shape: JsonShape) -> str | None:
    """Why a JSON body is too big in structure, or None; read on the bytes, nothing parsed.

    Every push passes here before its JSON is parsed, so each step is one pass of a C
    method over the bytes: a regular expression per string cost more than the parse.
    """
    containers = body.count(b"{") + body.count(b"[")
    if containers > shape.max_containers:
        return f"more than {shape.max_containers} objects and arrays"
    if body.count(b":") > shape.max_keys:
        return f"more than {shape.max_keys} keys"
    # Inside a string a backslash starts a two-byte escape; an escaped backslash or quote
    # becomes two plain bytes, so no quote is left but those that open and close strings
    # (and each string keeps its length as sent). Taken left to right, the pairs of a run
    # of backslashes are exactly its escaped backslashes. (Without a backslash, `replace`
    # gives the body itself back: no copy.)
    plain = body.replace(b"\\\\", b"..").replace(b'\\"', b"..")
    # Split on the quotes, the parts alternating between what lies between strings and
    # the strings themselves. Split a piece at a time, cut just before a quote: a split
    # makes an object per part, and a body of nothing but quotes split at once made a
    # million of them (over 50 bytes each for a 2 MiB body). A piece of about
    # _SPLIT_PIECE bytes keeps that to a few hundred kB, and costs a version (far below
    # it) one split, as before.
    longest = 0
    between: list[bytes] = []
    start = 0
    in_string = False  # whether the part that begins at `start` is a string
    while start <= len(plain):
        cut = plain.find(b'"', start + _SPLIT_PIECE)
        if cut < 0:
            cut = len(plain)
        parts = plain[start:cut].split(b'"')
        strings, outside = (parts[0::2], parts[1::2]) if in_string else (parts[1::2], parts[0::2])
        longest = max(longest, max(map(len, strings), default=0))
        if longest >= shape.max_string_bytes:
            return f"a string longer than {shape.max_string_bytes} bytes"
        # What is left is at most 2 × containers.
        between.append(b"".join(outside).translate(None, _NOT_BRACKETS))
        # The quote at `cut` ends the piece's last part and begins the next piece's first.
        in_string = in_string != (len(parts) % 2 == 1)
        start = cut + 1
    brackets = b"".join(between)
    depth = deepest = 0
    for byte in brackets:
        depth += 1 if byte in b"{[" else -1
        deepest = max(deepest, depth)
    if deepest > shape.max_depth:
        return f"nested deeper than {shape.max_depth} levels"
    return None


def has_unstorable_character(body: bytes) -> bool:
    """Whether the JSON text decodes to a string with a character no database column can
    hold: an unpaired UTF-16 surrogate (no character at all) or NUL (PostgreSQL's text
    refuses it, SQLite keeps it: the backends would disagree)."""
    if _ESCAPED_SURROGATE_OR_NUL.search(body) is None:
        return False  # only an escape can make one: raw UTF-8 cannot, raw NUL is not JSON
    try:
        document = json.loads(body)
    except ValueError:
        return False  # unreadable JSON gets its own 400 from the parser
    return _holds_unstorable(document)


def _holds_unstorable(value: Any) -> bool:
    if isinstance(value, str):
        return any(c == "\x00" or "\ud800" <= c <= "\udfff" for c in value)
    if isinstance(value, dict):
        return any(_holds_unstorable(k) or _holds_unstorable(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_unstorable(item) for item in value)
    return False


def query_problem(query_string: bytes) -> str | None:
    """Why a query string cannot be used (NUL, or bytes that are not UTF-8), or None."""
    raw = unquote_to_bytes(query_string.replace(b"+", b" "))
    if b"\x00" in raw:
        return "a NUL character in the query"
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return "bytes in the query that are not UTF-8 text"
    return None


class Permits:
    """A semaphore that knows how many hold a permit and how many wait for one."""

    def __init__(self, count: int) -> None:
        self._semaphore = asyncio.Semaphore(count)
        self.waiting = 0
        self.holding = 0

    async def __aenter__(self) -> None:
        self.waiting += 1
        try:
            await self._semaphore.acquire()
        finally:
            self.waiting -= 1
        self.holding += 1

    async def __aexit__(self, *_: object) -> None:
        self.holding -= 1
        self._semaphore.release()


class RequestGuard:
    """ASGI middleware: 413 over a size limit, 422 for an oversized shape or a lone
    surrogate, 408 for a body that trickles in, and a few large bodies parsed at once."""

    def __init__(self, app: ASGIApp, limits: RequestLimits, permits: Permits) -> None:
        self.app = app
        self.limits = limits
        self.permits = permits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        problem = query_problem(scope.get("query_string", b""))
        if problem is not None:
            await _answer(send, _bad_query(problem))
            return
        if scope["method"] in {"GET", "HEAD", "OPTIONS"}:
            await self.app(scope, receive, send)
            return
        is_blob = scope["path"].startswith(BLOB_PREFIX)
        limit = self.limits.blob_bytes if is_blob else self.limits.json_bytes
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            if declared <= limit + DRAIN_CAP:
                await drain(receive)
            await self._refuse(send, limit, is_blob)
            return
        if is_blob:
            await self.app(scope, self._paced(receive), send)
            return
        try:
            async with asyncio.timeout(self.limits.json_body_seconds):
                collected = await self._collect(receive, limit)
        except TimeoutError:
            await _answer(send, _too_slow(self.limits.json_body_seconds))
            return
        if collected is None:
            return  # the client went away
        if len(collected) > limit:
            await self._refuse(send, limit, is_blob)
            return
        is_file = scope["path"].startswith(FILE_PATHS)
        problem = None if is_file else shape_problem(collected, self.limits.shape)
        if problem is None and not is_file and has_unstorable_character(collected):
            problem = (
                "text with a NUL character or a lone UTF-16 surrogate (\\ud800-\\udfff), "
                "which no field may hold"
            )
        if problem is not None:
            await _answer(send, _bad_shape(problem))
            return
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": collected, "more_body": False}
            return await receive()

        if len(collected) <= self.limits.large_json_bytes:
            await self.app(scope, replay, send)
            return
        async with self.permits:
            await self.app(scope, replay, send)

    async def _collect(self, receive: Receive, limit: int) -> bytes | None:
        """The whole body, or None when the client left; past the limit, what was read."""
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            body = message.get("body", b"")
            size += len(body)
            chunks.append(body)
            if size > limit:
                if message.get("more_body", False):
                    await drain(receive)
                return b"".join(chunks)
            if not message.get("more_body", False):
                return b"".join(chunks)

    def _paced(self, receive: Receive) -> Receive:
        """`receive` that gives up (as a disconnect) when a blob body stalls too long."""
        idle = self.limits.blob_idle_seconds

        async def paced() -> Message:
            try:
                async with asyncio.timeout(idle):
                    return await receive()
            except TimeoutError:
                return {"type": "http.disconnect"}

        return paced

    async def _refuse(self, send: Send, limit: int, is_blob: bool) -> None:
        error = (
            too_large(limit, "blob", "Het bestand")
            if is_blob
            else too_large(limit, "request body", "Het verzoek")
        )
        await _answer(send, error)


def _too_slow(seconds: float) -> ApiError:
    return ApiError(
        408,
        ErrorCode.MALFORMED,
        f"Het verzoek kwam niet binnen {seconds:.0f} seconden volledig binnen.",
        f"The request did not arrive completely within {seconds:.0f} seconds.",
    )


def _bad_query(problem: str) -> ApiError:
    return ApiError(
        400,
        ErrorCode.MALFORMED,
        f"Het adres van het verzoek is onbruikbaar: {problem}.",
        f"The request's address cannot be used: {problem}.",
        problems=[f"query: {problem}"],
    )


def _bad_shape(problem: str) -> ApiError:
    return ApiError(
        422,
        ErrorCode.INVALID,
        f"Het verzoek heeft een onmogelijke vorm: {problem}.",
        f"The request has an impossible shape: {problem}.",
        problems=[f"body: {problem}"],
    )


async def _answer(send: Send, error: ApiError) -> None:
    """Answer an `ErrorBody` and close the connection (the rest of the body is not read)."""
    payload = json.dumps(error.content()).encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": error.status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode("ascii")),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})


async def drain(receive: Receive, cap: int | None = None) -> None:
    """Read and drop the rest of a refused body (up to a cap) before answering.

    A server that closes a connection with unread bytes makes the kernel send a reset,
    which can destroy the 413 before the client reads it; the client would see a network
    error and retry the same oversized body forever instead of showing the limit.
    """
    remaining = DRAIN_CAP if cap is None else cap
    while remaining > 0:
        message = await receive()
        if message["type"] != "http.request":
            return
        remaining -= len(message.get("body", b""))
        if not message.get("more_body", False):
            return


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
