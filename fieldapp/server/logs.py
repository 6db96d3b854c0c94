"""The server's log: one JSON object per line (or plain text), set up by whoever runs it.

Every request is one line from `fieldapp.server.requests` with its request id, user,
method, route (the template, not the ids in it), status, duration and client address;
other lines carry the request id of the request they belong to when there is one. A
traceback is one field of its line, so a log shipper keeps it together.
"""

from __future__ import annotations

import json
import logging
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

#: The id of the request being handled, for every line logged while handling it.
REQUEST_ID: ContextVar[str | None] = ContextVar("fieldapp_request_id", default=None)

#: Fields a request line carries (given as `extra=`), in the order they are written.
REQUEST_FIELDS = ("request_id", "user", "method", "route", "status", "duration_ms", "client")


class JsonLinesFormatter(logging.Formatter):
    """A log record as one line of JSON: time, level, logger, message, request fields."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None) or REQUEST_ID.get()
        if request_id is not None:
            line["request_id"] = request_id
        for name in REQUEST_FIELDS[1:]:
            value = getattr(record, name, None)
            if value is not None:
                line[name] = value
        if record.exc_info:
            line["traceback"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """Plain lines for a person at a terminal, with the request fields at the end."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        fields = [
            f"{name}={getattr(record, name)}"
            for name in REQUEST_FIELDS
            if getattr(record, name, None) is not None
        ]
        return f"{text} {' '.join(fields)}" if fields else text


def configure_logging(log_format: str, level: int = logging.INFO) -> None:
    """Send every log line to stderr in `log_format` ("json" or "text")."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLinesFormatter() if log_format == "json" else TextFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # uvicorn's own lines go through the same handler; its access log is replaced by
    # the request lines, which know the user and the route.
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    logging.getLogger("uvicorn.access").disabled = True
