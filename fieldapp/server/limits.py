"""Request size limits, enforced before a body is parsed: a clear 413 that names the limit.

A body that declares its length is refused from the header alone. A JSON body sent in
chunks (no length) is collected up to the limit here and handed on only if it fits, so
the JSON parser never sees more than the limit. Blob uploads stream; their endpoint
counts the bytes itself (only the declared length is checked here).
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fieldapp.server.errors import too_large

#: Paths whose bodies are blobs, limited by max_blob_bytes and streamed by the endpoint.
BLOB_PREFIX = "/v1/blobs/"
#: How much of a refused body is read and dropped, so the 413 arrives (see `drain`).
DRAIN_CAP = 4 * 1024 * 1024


class BodyLimit:
    """ASGI middleware: 413 for bodies over the limit of their kind."""

    def __init__(self, app: ASGIApp, json_limit: int, blob_limit: int) -> None:
        self.app = app
        self.json_limit = json_limit
        self.blob_limit = blob_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in {"GET", "HEAD", "OPTIONS"}:
            await self.app(scope, receive, send)
            return
        is_blob = scope["path"].startswith(BLOB_PREFIX)
        limit = self.blob_limit if is_blob else self.json_limit
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            if declared <= limit + DRAIN_CAP:
                await drain(receive)
            await self._refuse(send, limit, is_blob)
            return
        if is_blob:
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body = message.get("body", b"")
            size += len(body)
            if size > limit:
                if message.get("more_body", False):
                    await drain(receive)
                await self._refuse(send, limit, is_blob)
                return
            chunks.append(body)
            if not message.get("more_body", False):
                break
        collected = b"".join(chunks)
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": collected, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, send: Send, limit: int, is_blob: bool) -> None:
        error = (
            too_large(limit, "blob", "Het bestand")
            if is_blob
            else too_large(limit, "request body", "Het verzoek")
        )
        payload = json.dumps(error.content()).encode("utf-8")
        await send(
            {
                "type": "http.response.start",
                "status": 413,
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
