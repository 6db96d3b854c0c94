"""Where the runner sends each change: the `AnswerSink` protocol and an in-memory one.

The protocol is Qt-free and synchronous. The runner calls it on the background
mechanism's serial lane, one call at a time and in the order the person made the changes,
so an implementation can simply write to its database. What it is handed is plain: the
answer as the person gave it, a new row with its id and the answers it starts with. The
runner's `FormSession` is the one live session of the inspection and has already worked
out what the change means; a sink only keeps it. A file is handed over (and must be
durably stored) before any answer refers to it.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from fieldapp.core.expr import Value
from fieldapp.core.inspection import Attachment


class AnswerSink(Protocol):
    """Persists one inspection's changes as they happen."""

    def save_answer(self, name: str, row: str | None, value: Value) -> None:
        """Store an answer; `''` clears it. Never called for photos or signatures."""

    def save_row_added(self, repeat: str, row: str, answers: Mapping[str, Value]) -> None:
        """A row `row` now stands at the end of a repeat, with the answers it starts with
        (its defaults, such as a time of 'now')."""

    def save_row_removed(self, repeat: str, row: str) -> None:
        """A row of a repeat and all its answers and files are gone."""

    def save_row_moved(self, repeat: str, row: str, index: int) -> None:
        """A row of a repeat now stands at `index`."""

    def save_attachment(self, question: str, row: str | None, data: bytes, media_type: str) -> str:
        """Store a photo (added to the answer) or signature (replacing the answer) durably,
        then refer to it; returns its SHA-256, the name the answer uses."""
        ...

    def save_annotation(
        self, question: str, row: str | None, shown: str, data: bytes, media_type: str
    ) -> str:
        """Store `data`, photo `shown` with marks drawn on it, in `shown`'s place in the
        answer, keeping the photo as taken beside it; returns the new photo's SHA-256."""
        ...

    def remove_attachment(self, question: str, row: str | None, sha256: str) -> None:
        """Take a photo or signature out of the answer."""

    def load_attachment(self, sha256: str) -> bytes:
        """The plain bytes of a stored attachment."""
        ...

    def photo_details(self, question: str, row: str | None, sha256: str) -> Attachment | None:
        """A photo's entry: when it was taken, where, and a marked photo's original (None
        for a file the answer does not hold)."""
        ...

    def save_position(self, page: str, question: str | None, row: str | None) -> None:
        """Where the person is (page, question and repeat row), so reopening resumes there."""

    def save_reply(self, question: str, text: str) -> None:
        """In a correction, the reply to the supervisor's comment on `question` (a
        question, group or section); `''` removes it."""


@dataclass
class MemoryAnswerSink:
    """Keeps everything in memory: for tests, previews and the benchmark."""

    answers: dict[tuple[str, str | None], Value] = field(default_factory=dict)
    rows: dict[str, list[str]] = field(default_factory=dict)
    attachments: dict[str, bytes] = field(default_factory=dict)
    media_types: dict[str, str] = field(default_factory=dict)
    #: An annotated photo's SHA-256 to the SHA-256 of the photo as taken.
    originals: dict[str, str] = field(default_factory=dict)
    position: tuple[str, str | None, str | None] | None = None
    replies: dict[str, str] = field(default_factory=dict)
    calls: int = 0
    #: Names of signature questions (a new signature replaces the old one).
    signatures: frozenset[str] = frozenset()
    #: When set, the next call raises it once (to test how failures are shown).
    fail_next: BaseException | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def _call(self) -> None:
        with self._lock:
            self.calls += 1
            failure, self.fail_next = self.fail_next, None
        if failure is not None:
            raise failure

    def save_answer(self, name: str, row: str | None, value: Value) -> None:
        self._call()
        if isinstance(value, str) and value == "":
            self.answers.pop((name, row), None)
        else:
            self.answers[(name, row)] = value

    def save_row_added(self, repeat: str, row: str, answers: Mapping[str, Value]) -> None:
        self._call()
        self.rows.setdefault(repeat, []).append(row)
        for name, value in answers.items():
            self.answers[(name, row)] = value

    def save_row_removed(self, repeat: str, row: str) -> None:
        self._call()
        self.rows.get(repeat, []).remove(row)
        for key in [key for key in self.answers if key[1] == row]:
            del self.answers[key]

    def save_row_moved(self, repeat: str, row: str, index: int) -> None:
        self._call()
        rows = self.rows.setdefault(repeat, [])
        rows.remove(row)
        rows.insert(max(0, min(index, len(rows))), row)

    def save_attachment(self, question: str, row: str | None, data: bytes, media_type: str) -> str:
        self._call()
        sha = hashlib.sha256(data).hexdigest()
        self.attachments[sha] = data
        self.media_types[sha] = media_type
        current = self.answers.get((question, row), "")
        if self.signatures and question in self.signatures:
            self.answers[(question, row)] = sha
        else:
            names = tuple(current) if isinstance(current, tuple) else ()
            self.answers[(question, row)] = names if sha in names else (*names, sha)
        return sha

    def save_annotation(
        self, question: str, row: str | None, shown: str, data: bytes, media_type: str
    ) -> str:
        self._call()
        sha = hashlib.sha256(data).hexdigest()
        self.attachments[sha] = data
        self.media_types[sha] = media_type
        self.originals[sha] = self.originals.get(shown, shown)
        current = self.answers.get((question, row), ())
        names = current if isinstance(current, tuple) else ()
        self.answers[(question, row)] = tuple(sha if name == shown else name for name in names)
        return sha

    def remove_attachment(self, question: str, row: str | None, sha256: str) -> None:
        self._call()
        current = self.answers.get((question, row), "")
        if isinstance(current, tuple):
            remaining = tuple(name for name in current if name != sha256)
            if remaining:
                self.answers[(question, row)] = remaining
            else:
                self.answers.pop((question, row), None)
        elif current == sha256:
            self.answers.pop((question, row), None)

    def load_attachment(self, sha256: str) -> bytes:
        return self.attachments[sha256]

    def photo_details(self, question: str, row: str | None, sha256: str) -> Attachment | None:
        data = self.attachments.get(sha256)
        if data is None:
            return None
        return Attachment(
            question=question,
            sha256=sha256,
            size=len(data),
            media_type=self.media_types.get(sha256, "image/jpeg"),
            original=self.originals.get(sha256),
        )

    def save_position(self, page: str, question: str | None, row: str | None) -> None:
        self._call()
        self.position = (page, question, row)

    def save_reply(self, question: str, text: str) -> None:
        self._call()
        if text:
            self.replies[question] = text
        else:
            self.replies.pop(question, None)
