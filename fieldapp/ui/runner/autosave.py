"""Every change saved at once, in order, off the UI thread.

Changes wait in a queue and go to the `AnswerSink` one at a time on the task runner's
serial lane. While one is being written, a newer value for the same answer replaces the
waiting one (typing a word is one save per pause, not one per letter, and nothing typed
is lost: the newest value always follows). A failed save stays at the head of the queue;
nothing behind it is written before it, and `retry` tries again.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum

from PySide6.QtCore import QObject, Signal

from fieldapp.core.expr import Value
from fieldapp.ui.runner.sink import AnswerSink
from fieldapp.ui.tasks import TaskRunner


class SaveState(Enum):
    SAVED = "saved"
    SAVING = "saving"
    FAILED = "failed"


@dataclass
class _Save:
    #: Saves with the same key replace each other while waiting; None never coalesces.
    key: tuple[str, ...] | None
    work: Callable[[], object]
    done: Callable[[object], None] | None = None


class Autosave(QObject):
    """The queue between the runner and its sink.

    Signals:
        state_changed(SaveState): saving started, everything saved, or a save failed.
        save_failed(BaseException): a save failed; it is kept and retried by `retry`.
    """

    state_changed = Signal(object)
    save_failed = Signal(object)

    def __init__(self, sink: AnswerSink, tasks: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.sink = sink
        self._tasks = tasks
        self._queue: deque[_Save] = deque()
        self._busy = False
        self._failed: BaseException | None = None
        self.state = SaveState.SAVED

    @property
    def idle(self) -> bool:
        """Nothing waiting and nothing being written."""
        return not self._queue and not self._busy

    @property
    def failure(self) -> BaseException | None:
        return self._failed

    def answer(self, name: str, row: str | None, value: Value) -> None:
        sink = self.sink
        self._add(_Save(("answer", name, row or ""), lambda: sink.save_answer(name, row, value)))

    def row_added(self, repeat: str, row: str, answers: Mapping[str, Value]) -> None:
        sink = self.sink
        starting = dict(answers)
        self._add(_Save(None, lambda: sink.save_row_added(repeat, row, starting)))

    def row_removed(self, repeat: str, row: str) -> None:
        sink = self.sink
        self._add(_Save(None, lambda: sink.save_row_removed(repeat, row)))

    def row_moved(self, repeat: str, row: str, index: int) -> None:
        sink = self.sink
        self._add(_Save(None, lambda: sink.save_row_moved(repeat, row, index)))

    def reply(self, question: str, text: str) -> None:
        sink = self.sink
        self._add(_Save(("reply", question), lambda: sink.save_reply(question, text)))

    def position(self, page: str, question: str | None, row: str | None) -> None:
        sink = self.sink
        self._add(_Save(("position",), lambda: sink.save_position(page, question, row)))

    def attachment(
        self,
        question: str,
        row: str | None,
        data: bytes,
        media_type: str,
        done: Callable[[str], None],
    ) -> None:
        """Store a file and refer to it; `done(sha256)` then updates the screen."""
        sink = self.sink

        def delivered(sha: object) -> None:
            assert isinstance(sha, str)
            done(sha)

        self._add(
            _Save(None, lambda: sink.save_attachment(question, row, data, media_type), delivered)
        )

    def annotation(
        self,
        question: str,
        row: str | None,
        shown: str,
        data: bytes,
        media_type: str,
        done: Callable[[str], None],
    ) -> None:
        """Store a marked copy of photo `shown` in its place; `done(sha256)` then."""
        sink = self.sink

        def delivered(sha: object) -> None:
            assert isinstance(sha, str)
            done(sha)

        self._add(
            _Save(
                None,
                lambda: sink.save_annotation(question, row, shown, data, media_type),
                delivered,
            )
        )

    def attachment_removed(self, question: str, row: str | None, sha256: str) -> None:
        sink = self.sink
        self._add(_Save(None, lambda: sink.remove_attachment(question, row, sha256)))

    def load(
        self,
        sha256: str,
        on_loaded: Callable[[bytes], None],
        on_failure: Callable[[BaseException], None],
    ) -> None:
        """Read an attachment on the serial lane (the store's thread), outside the queue."""
        sink = self.sink
        self._tasks.run(
            lambda: sink.load_attachment(sha256), on_loaded, on_failure, serial=True, context=self
        )

    def retry(self) -> None:
        if self._failed is not None:
            self._failed = None
            self._pump()

    def _add(self, save: _Save) -> None:
        if save.key is not None:
            # Replace a waiting save of the same answer only when it is the last one, so
            # the order of changes between different things is never altered.
            in_flight = self._busy and len(self._queue) == 1
            if self._queue and self._queue[-1].key == save.key and not in_flight:
                self._queue[-1] = save
                return
        self._queue.append(save)
        self._pump()

    def _pump(self) -> None:
        if self._busy or self._failed is not None or not self._queue:
            self._set_state()
            return
        save = self._queue[0]
        self._busy = True
        self._set_state()
        self._tasks.run(save.work, self._saved, self._refused, serial=True, context=self)

    def _saved(self, result: object) -> None:
        save = self._queue.popleft()
        self._busy = False
        if save.done is not None:
            save.done(result)
        self._pump()

    def _refused(self, error: BaseException) -> None:
        self._busy = False
        self._failed = error
        self._set_state()
        self.save_failed.emit(error)

    def _set_state(self) -> None:
        if self._failed is not None:
            state = SaveState.FAILED
        elif self._busy or self._queue:
            state = SaveState.SAVING
        else:
            state = SaveState.SAVED
        if state is not self.state:
            self.state = state
            self.state_changed.emit(state)
