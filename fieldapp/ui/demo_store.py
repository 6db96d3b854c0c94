"""The demo's central store, started in the background while the person signs in.

In the demo an officer's sync and a supervisor's review desk talk to the demo's own
central store (`fieldapp server --demo`, a process of its own: `fieldapp.app.demo`), which
takes a few seconds to start. Started on the task runner soon after the sign-in screen
has listed its accounts (not earlier: it would compete with the window for the
processor), it is usually up by the time someone has signed in; the session then finds
it running and uses it instead of starting one, and a sign-out leaves it running for the
next person. When the app ends, `stop()` stops it, if this run started it, and a start
still under way gives up at once (the window's close waits for background work).

Nothing here blocks the UI thread: starting waits on a worker, and a failure (a desktop
install without the server's parts, say) is only logged, because the session that needs
the store tries again and tells the person then, in its own words.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from fieldapp.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from fieldapp.app.demo import DemoServer

log = logging.getLogger(__name__)


class DemoStore(QObject):
    """Starts the demo's central store of `home` once, in the background; stops it at the end.

    Signals:
        ready(str): the store answers at this address (started now or found running).
        unavailable(object): it could not be started; carries the error (already logged).
    """

    ready = Signal(str)
    unavailable = Signal(object)

    def __init__(self, home: Path, tasks: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._home = home
        self._tasks = tasks
        self._started = False
        # The worker hands the server over under this lock, and `stop` takes it under the
        # same lock: a store that comes up after the app began to end is stopped at once.
        self._lock = threading.Lock()
        self._server: DemoServer | None = None
        self._ending = False
        self.url: str | None = None

    @property
    def started(self) -> bool:
        """Whether `start` was called (the store may still be on its way up)."""
        return self._started

    def start(self) -> None:
        """Start the store on the task runner; later calls do nothing."""
        if self._started:
            return
        self._started = True
        self._tasks.run(self._start, self._ready, self._failed)

    def _start(self) -> str | None:
        # Imported on the worker: the demo module brings the store and the HTTP client.
        from fieldapp.app.demo import start_demo_server

        # Abandoned when the app ends while the store is still coming up: closing the
        # window then does not wait for a store nobody will use.
        server = start_demo_server(self._home, abandoned=lambda: self._ending)
        with self._lock:
            ending = self._ending
            if not ending:
                self._server = server
        if ending:
            server.stop()
            return None
        return server.url

    def _ready(self, url: str | None) -> None:
        if url is None:
            return  # stopped as soon as it was up: the app is ending
        self.url = url
        log.info("the demo's central store answers at %s", url)
        self.ready.emit(url)

    def _failed(self, error: BaseException) -> None:
        if self._ending:
            log.info("the start of the demo's central store was given up: the app ended")
            return
        log.warning("the demo's central store did not start: %s", error)
        self.unavailable.emit(error)

    def stop(self) -> None:
        """Stop the store if this run started it (blocks until it stopped: call at the end).

        A start still under way gives up and stops the store it launched.
        """
        with self._lock:
            self._ending = True
            server, self._server = self._server, None
        if server is not None:
            server.stop()
