"""The one way to run disk and network work off the UI thread.

`TaskRunner.run(work, on_success, on_failure)` runs `work` on a worker thread and calls
back on the UI thread through a queued signal, as Anki's `QueryOp` and git-cola's
`RunTask` do. Store work goes to the *serial* lane: one long-lived thread, so the store's
connection is always used from the same thread and autosaves land in the order they were
made. Everything else (decoding photos, network) goes to the shared pool.

A failure without its own handler goes to `TaskRunner.failed`, which the app turns into a
plain sentence for errors of the world and a logged traceback for bugs.

Work that reports how far it got (a first sign-in pulling a person's world) is given a
`report` function by `run_reporting`; each report reaches `on_progress` on the UI thread
through the same relay, in order, before the result does.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Generic, TypeVar

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, SignalInstance

T = TypeVar("T")

FailureHandler = Callable[[BaseException], None]


class _Relay(QObject):
    """Carries one task's result from its worker thread back to the UI thread."""

    succeeded = Signal(object)
    failed = Signal(object)
    progressed = Signal(object)


class _Job(QRunnable, Generic[T]):
    def __init__(self, work: Callable[[], T], relay: _Relay) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._work = work
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._work()
        except BaseException as error:  # delivered to the UI thread, never lost
            self._deliver(self._relay.failed, error)
        else:
            self._deliver(self._relay.succeeded, result)

    @staticmethod
    def _deliver(signal: SignalInstance, value: object) -> None:
        # When the application is shutting down the relay may be gone: nobody is waiting.
        with contextlib.suppress(RuntimeError):
            signal.emit(value)


class TaskRunner(QObject):
    """Runs work in the background and delivers success or failure on the UI thread.

    Signals:
        failed(BaseException): a task failed and had no failure handler of its own.
        busy_changed(bool): True when the first task starts, False when the last ends.
    """

    failed = Signal(object)
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._serial = QThreadPool(self)
        self._serial.setMaxThreadCount(1)
        # A thread that never expires: the store's connection stays on one thread.
        self._serial.setExpiryTimeout(-1)
        self._parallel = QThreadPool(self)
        self._parallel.setMaxThreadCount(max(2, QThreadPool.globalInstance().maxThreadCount()))
        self._relays: set[_Relay] = set()

    @property
    def pending(self) -> int:
        """Tasks started and not yet delivered."""
        return len(self._relays)

    def run(
        self,
        work: Callable[[], T],
        on_success: Callable[[T], None] | None = None,
        on_failure: FailureHandler | None = None,
        *,
        serial: bool = False,
        context: QObject | None = None,
    ) -> None:
        """Run `work` in the background; `serial` for anything that touches the store.

        With a `context`, the callbacks are skipped once that object is gone (a screen
        closed while its work was still running), as Qt's connect with a context does.
        """
        self._start(lambda _relay: work(), on_success, on_failure, None, serial, context)

    def run_reporting(
        self,
        work: Callable[[Callable[[object], None]], T],
        on_progress: Callable[[object], None],
        on_success: Callable[[T], None] | None = None,
        on_failure: FailureHandler | None = None,
        *,
        serial: bool = False,
        context: QObject | None = None,
    ) -> None:
        """`run`, where `work(report)` may call `report(anything)` from its thread; each
        value reaches `on_progress` on the UI thread (skipped once `context` is gone)."""
        self._start(
            lambda relay: work(relay.progressed.emit),
            on_success,
            on_failure,
            on_progress,
            serial,
            context,
        )

    def _start(
        self,
        work: Callable[[_Relay], T],
        on_success: Callable[[T], None] | None,
        on_failure: FailureHandler | None,
        on_progress: Callable[[object], None] | None,
        serial: bool,
        context: QObject | None,
    ) -> None:
        relay = _Relay()
        was_idle = not self._relays
        self._relays.add(relay)

        def finish() -> None:
            self._relays.discard(relay)
            relay.deleteLater()
            if not self._relays:
                self.busy_changed.emit(False)

        def alive() -> bool:
            return context is None or shiboken6.isValid(context)

        def succeeded(result: object) -> None:
            try:
                if on_success is not None and alive():
                    on_success(result)  # type: ignore[arg-type]
            finally:
                finish()

        def failed(error: object) -> None:
            try:
                assert isinstance(error, BaseException)
                if not alive():
                    pass  # the screen that asked is gone (signed out): nobody to tell
                elif on_failure is not None:
                    on_failure(error)
                else:
                    self.failed.emit(error)
            finally:
                finish()

        def progressed(value: object) -> None:
            if on_progress is not None and alive():
                on_progress(value)

        relay.succeeded.connect(succeeded)
        relay.failed.connect(failed)
        relay.progressed.connect(progressed)
        if was_idle:
            self.busy_changed.emit(True)
        pool = self._serial if serial else self._parallel
        pool.start(_Job(lambda: work(relay), relay))

    def wait(self, milliseconds: int = 30_000) -> bool:
        """Block until the worker threads are idle (closing the app, tests, benchmarks).

        The callbacks of finished tasks are still queued on the UI thread afterwards.
        """
        serial = self._serial.waitForDone(milliseconds)
        parallel = self._parallel.waitForDone(milliseconds)
        return serial and parallel
