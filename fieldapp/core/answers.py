"""Answers as JSON: one canonical document per inspection version, and its content hash.

The device stores it, the sync client sends it and the server keeps it; all three hash the
same canonical bytes, so a content hash names one exact set of answers everywhere.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from fieldapp.core.engine import AnswerKey, FormEngine, FormSession, coerce_answer
from fieldapp.core.expr import Value

JsonValue = str | int | float | list[str]

#: Longest reply of a boa to a supervisor's comment: a few sentences, not a report.
MAX_REPLY_CHARS = 1_000
#: Replies in one correction: at most one per comment a return can carry.
MAX_REPLIES = 500


@dataclass(frozen=True, slots=True)
class Reply:
    """A boa's reply to the supervisor's comment on one question, group or section (in a
    repeat: on one row of it), carried in the correction that answers the return."""

    question: str
    text: str
    row: str | None = None


def encode_value(value: Value) -> JsonValue:
    """An answer as JSON: dates and times in ISO 8601, choice lists and photos as lists."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, bool):
        raise TypeError("answers are never booleans")
    return value


def decode_value(engine: FormEngine, name: str, raw: Any) -> Value:
    """An answer from JSON, checked against its question (raises AnswerError when wrong)."""
    field = engine.fields[name]
    value = tuple(raw) if isinstance(raw, list) else raw
    return coerce_answer(field, value)


def answers_document(session: FormSession, *, relevant_only: bool = False) -> dict[str, Any]:
    """What the officer answered (not what was calculated), with repeat rows in order.

    A draft keeps answers to questions that are hidden now (switching back restores them);
    a finalized version takes `relevant_only`, so a hidden answer — possibly personal data
    the form no longer asks for — is not frozen into the record, as ODK drops it too.
    """
    top: dict[str, JsonValue] = {}
    repeats: dict[str, list[dict[str, Any]]] = {}
    by_row: dict[str, dict[str, JsonValue]] = {}
    for (name, row), value in session.answers.items():
        if relevant_only and not session.relevant.get((name, row), False):
            continue
        if row is None:
            top[name] = encode_value(value)
        else:
            by_row.setdefault(row, {})[name] = encode_value(value)
    for repeat, rows in session.rows.items():
        repeats[repeat] = [{"row": row, "answers": by_row.get(row, {})} for row in rows]
    return {"answers": top, "repeats": repeats}


def with_replies(document: dict[str, Any], replies: Iterable[Reply]) -> dict[str, Any]:
    """The document with the replies under "replies", in canonical order (question, then
    row). Without replies the document is returned as it was: a version that replies to
    nothing hashes exactly as it always did."""
    ordered = sorted(replies, key=lambda reply: (reply.question, reply.row or ""))
    if not ordered:
        return document
    return {
        **document,
        "replies": [
            {"question": reply.question, "row": reply.row, "text": reply.text} for reply in ordered
        ],
    }


def replies_of(document: Mapping[str, Any]) -> list[Reply]:
    """The replies a stored document carries (checked when it was stored), in its order."""
    found = document.get("replies")
    if not isinstance(found, list):
        return []
    return [
        Reply(str(item["question"]), str(item["text"]), item.get("row"))
        for item in found
        if isinstance(item, dict)
    ]


def session_from_document(
    engine: FormEngine,
    document: Mapping[str, Any],
    clock: Callable[[], datetime] = datetime.now,
) -> FormSession:
    """Rebuild a session from `answers_document` output (raises AnswerError on bad data)."""
    answers: dict[AnswerKey, Value] = {}
    rows: dict[str, list[str]] = {}
    for name, raw in document.get("answers", {}).items():
        answers[(name, None)] = decode_value(engine, name, raw)
    for repeat, items in document.get("repeats", {}).items():
        rows[repeat] = [item["row"] for item in items]
        for item in items:
            for name, raw in item["answers"].items():
                answers[(name, item["row"])] = decode_value(engine, name, raw)
    return engine.session(answers, rows, clock, resumed=True)


def projected_session(
    engine: FormEngine, document: Mapping[str, Any], names: Iterable[str]
) -> FormSession:
    """A session of a stored document that knows only `names`: their relevance and values
    are what `session_from_document` gives, computed from just the answers they depend on
    (`FormEngine.needed_for`). A summary over many versions reads a few answers of each;
    a full evaluation of every question would cost it ten times more."""
    needed = set(engine.needed_for(names))
    answers: dict[AnswerKey, Value] = {}
    rows: dict[str, list[str]] = {}
    # The session checks each answer against its question (what `decode_value` does), so
    # here a JSON list only becomes a tuple: one check per answer, not two.
    for name, raw in document.get("answers", {}).items():
        if name in needed:
            answers[(name, None)] = tuple(raw) if isinstance(raw, list) else raw
    for repeat, items in document.get("repeats", {}).items():
        rows[repeat] = [item["row"] for item in items]
        for item in items:
            for name, raw in item["answers"].items():
                if name in needed:
                    value = tuple(raw) if isinstance(raw, list) else raw
                    answers[(name, item["row"])] = value
    session = FormSession(engine, answers, rows, datetime.now, apply_defaults=False, evaluate=False)
    session.evaluate_only(needed)
    return session


def canonical_json(document: Any) -> bytes:
    """One byte string per value: sorted keys, no spaces, UTF-8, no NaN."""
    return json.dumps(
        document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def content_hash(document: Any) -> str:
    """SHA-256 of the canonical JSON, in hex."""
    return hashlib.sha256(canonical_json(document)).hexdigest()
