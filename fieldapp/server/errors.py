"""Every error class of the server, and the refusals the API gives.

A refusal is an HTTP status, a machine code and a sentence in Dutch and English. Code
anywhere in the server raises `ApiError`; the app turns it into an `ErrorBody`. The tree:

    Exception
    ├── ApiError   a refusal the person or device is told about: status, `ErrorCode`, nl/en
    │              sentence; app.py answers it as an `ErrorBody` and logs 401/403/404.
    ├── RaceLost   inside a write transaction, another transaction got there first;
    │              `CentralDatabase.retrying` runs the work again, never seen over HTTP.
    └── FieldappError (core)
        └── DatabaseUnreachable  the database did not answer within the start-up wait

The administration verbs raise `fieldapp.core.errors.FieldappError` (a bad form file, a
demo load into a store that holds data): those are the core's, told to a person at a
terminal, not over HTTP. Anything else that escapes a request is a bug: a 500 with an
`internal` body, and a traceback in the log.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fieldapp.core.errors import FieldappError
from fieldapp.protocol.models import ErrorBody, ErrorCode, Message, VersionHead


class ApiError(Exception):
    """A refusal with its status and its `ErrorBody`."""

    def __init__(
        self,
        status: int,
        code: ErrorCode,
        nl: str,
        en: str,
        *,
        limit_bytes: int | None = None,
        expected_offset: int | None = None,
        head: VersionHead | None = None,
        problems: list[str] | None = None,
        problems_nl: list[str] | None = None,
        current: dict[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        log_detail: str | None = None,
    ) -> None:
        super().__init__(f"{status} {code}: {en}")
        self.status = status
        self.body = ErrorBody(
            code=code,
            message=Message(nl=nl, en=en),
            limit_bytes=limit_bytes,
            expected_offset=expected_offset,
            head=head,
            problems=problems or [],
            problems_nl=problems_nl or [],
            current=current,
        )
        self.headers = dict(headers or {})
        #: What the access log records about a refusal (never a password or a token).
        self.log_detail = log_detail or en

    @property
    def code(self) -> ErrorCode:
        return self.body.code

    def content(self) -> dict[str, Any]:
        return self.body.model_dump(mode="json")


class RaceLost(Exception):
    """Raised inside a write transaction when another one got there first: retry it."""


#: What each refusal status means, as the OpenAPI document describes it.
_ERROR_TEXT = {
    400: "Malformed request (unreadable JSON, cursor or range); `problems` names it.",
    401: "Not signed in, or the token expired (`token_expired`) or was revoked (`token_revoked`).",
    403: "The role or the signed-in user may not do this.",
    404: "Does not exist, or is outside what the signed-in user may see.",
    409: "Conflict; `code` says which (see the operation).",
    410: "The cursor does not fit this server's history: reset and pull from the start.",
    413: "The body is larger than `limit_bytes`.",
    422: "The body or a parameter is invalid; `problems` lists each problem.",
    429: "Too many requests (`throttled`); wait the seconds in Retry-After.",
    500: "A bug in the server; retry later.",
}


def error_responses(*statuses: int, **texts: str) -> dict[int | str, dict[str, Any]]:
    """The `responses` of an operation for these statuses, each an `ErrorBody`.

    `e409="…"` (and so on) replaces the general text of one status for this operation.
    """
    answer: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        text = texts.get(f"e{status}", _ERROR_TEXT[status])
        answer[status] = {"model": ErrorBody, "description": text}
    return answer


def too_large(limit: int, what_en: str, what_nl: str) -> ApiError:
    megabytes = f"{limit / (1024 * 1024):.1f} MiB"
    return ApiError(
        413,
        ErrorCode.TOO_LARGE,
        f"{what_nl} is groter dan de limiet van {limit} bytes ({megabytes}).",
        f"The {what_en} is larger than the limit of {limit} bytes ({megabytes}).",
        limit_bytes=limit,
    )


def not_found(what_en: str, what_nl: str) -> ApiError:
    return ApiError(
        404,
        ErrorCode.NOT_FOUND,
        f"{what_nl} bestaat niet of is niet voor u zichtbaar.",
        f"The {what_en} does not exist or is not visible to you.",
    )


def forbidden(en: str, nl: str, code: ErrorCode = ErrorCode.FORBIDDEN) -> ApiError:
    return ApiError(403, code, nl, en)


class DatabaseUnreachable(FieldappError):
    """The database did not answer within the start-up wait."""

    def __init__(self, url: str, seconds: float, reason: str) -> None:
        super().__init__(
            {
                "nl": f"De database op {url} antwoordde niet binnen {seconds:.0f} seconden "
                f"({reason}). Controleer of ze draait en bereikbaar is.",
                "en": f"The database at {url} did not answer within {seconds:.0f} seconds "
                f"({reason}). Check that it runs and can be reached.",
            }
        )
