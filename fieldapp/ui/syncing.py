"""Syncing in the app: one `SyncController` per signed-in officer or mystery guest.

It connects the profile to the central store on the task runner (in the demo it starts
the demo's own store first), syncs after sign-in, every `sync_minutes`, after each
finalize and on "Sync now", never two at a time, and says in one plain line what waits
and when the last sync succeeded, or what went wrong. A running sync can be cancelled
(a server that takes the connection and never answers would otherwise hold it until the
read times out); the request under way is cut off and the outbox keeps what was not
sent. It closes the connection (and stops a demo store it started) when the session ends.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal

from fieldapp.app.session import SignedIn
from fieldapp.app.syncing import (
    RetryPolicy,
    ServerUnreachable,
    SyncCancelled,
    SyncConnection,
    SyncError,
    SyncReport,
    SyncStatus,
)
from fieldapp.app.syncing import connect as open_connection
from fieldapp.core.errors import FieldappError
from fieldapp.ui.context import AppContext
from fieldapp.ui.dates import day_and_month, short_time
from fieldapp.ui.tasks import TaskRunner

log = logging.getLogger(__name__)


class _DemoStops:
    """Demo stores still being stopped, so the next session does not reuse a dying one.

    Signing out stops the demo store on the task runner; signing in again at once would
    otherwise find its record, reuse it and lose it a moment later. Process-wide on
    purpose: the demo store is one per home and machine, not one per screen.
    """

    def __init__(self) -> None:
        self._pending = 0
        self._idle = threading.Condition()

    def begin(self) -> None:
        with self._idle:
            self._pending += 1

    def end(self) -> None:
        with self._idle:
            self._pending -= 1
            self._idle.notify_all()

    def wait(self, timeout: float = 30.0) -> None:
        with self._idle:
            self._idle.wait_for(lambda: self._pending == 0, timeout)


_demo_stops = _DemoStops()


def close_later(connection: SyncConnection, tasks: TaskRunner) -> None:
    """Close on the task runner; a new demo session waits for the demo store to stop."""
    if not connection.stops_a_store:
        tasks.run(connection.close)
        return
    _demo_stops.begin()

    def close() -> None:
        try:
            connection.close()
        finally:
            _demo_stops.end()

    tasks.run(close)


def connect(
    home: Path,
    server_url: str,
    signed: SignedIn,
    language: str,
    *,
    retry: RetryPolicy | None = None,
) -> SyncConnection:
    """A connection for `signed` (blocking: it may start the demo's central store).

    In the demo (no `server_url`) the demo accounts sign in; with a configured store the
    person's own account, with the password typed at sign-in.
    """
    if not server_url:
        _demo_stops.wait()
    return open_connection(
        home,
        signed.profile,
        server_url=server_url,
        password=signed.password,
        demo_accounts=not server_url,
        language=language,
        retry=retry,
    )


class SyncController(QObject):
    """Syncs one session's profile in the background and keeps its status at hand.

    Signals:
        sync_started(): a sync began (the "Sync now" button disables itself).
        sync_finished(object): a sync ran to the end; carries its `SyncReport` (some
            versions may still have been refused: see `report.failed`).
        sync_failed(str): a sync could not go on; carries the sentence for the person.
        status_changed(): `status_text()` has something new to say.
    """

    sync_started = Signal()
    sync_finished = Signal(object)
    sync_failed = Signal(str)
    status_changed = Signal()

    def __init__(
        self,
        context: AppContext,
        signed: SignedIn,
        connect: Callable[[SignedIn], SyncConnection],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.signed = signed
        self._connect = connect
        self._connection: SyncConnection | None = None
        self._running = False
        # A request while a sync runs (a finalize, a click) is remembered, not dropped:
        # the version finalized meanwhile must not wait for the next timer.
        self._again = False
        self._closed = False
        # Cancel was pressed: the sync under way (or the connection being made) stops.
        self._cancelling = False
        self.status: SyncStatus | None = None
        self.last_report: SyncReport | None = None
        # The sentence of the last failed sync of this session; cleared by a success.
        self.problem: str | None = None
        self._timer = QTimer(self)
        self._timer.setObjectName("sync_timer")
        self._timer.timeout.connect(self.sync_now)
        app = QCoreApplication.instance()
        self._quit_hooked = app is not None
        if app is not None:
            # The window's close waits for the task runner; what is still open then
            # (a demo store started here) is stopped before the process ends.
            app.aboutToQuit.connect(self.close_now)

    # -- state ---------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._running

    @property
    def cancelling(self) -> bool:
        return self._cancelling

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def connection(self) -> SyncConnection | None:
        return self._connection

    @property
    def demo_store(self) -> bool:
        """Connected to the demo's own store on this computer (not a real central store)."""
        return self._connection is not None and self._connection.server is not None

    def start(self) -> None:
        """Sync now and then every `sync_minutes` (the first sync after sign-in)."""
        self.set_minutes(self.context.settings.sync_minutes)
        self.sync_now()

    def set_minutes(self, minutes: int) -> None:
        """Sync every `minutes`; 0 only after sign-in, finalize and "Sync now"."""
        self._timer.stop()
        if minutes > 0 and not self._closed:
            self._timer.start(minutes * 60_000)

    # -- syncing -------------------------------------------------------------------------

    def sync_now(self) -> None:
        """Start a sync in the background, or one more right after the running one."""
        if self._closed:
            return
        if self._running:
            self._again = True
            return
        self._running = True
        self._again = False
        self._cancelling = False
        self.sync_started.emit()
        self.status_changed.emit()
        connection = self._connection
        if connection is None:
            signed, make = self.signed, self._connect
            self.context.tasks.run(lambda: make(signed), self._connected, self._failed)
        else:
            self._sync(connection)

    def _connected(self, connection: SyncConnection) -> None:
        if self._closed:
            # The session ended while the demo store was starting: nobody will sync.
            self._running = False
            close_later(connection, self.context.tasks)
            self._forget_quit()
            return
        self._connection = connection
        if self._cancelling:
            self._failed(SyncCancelled())  # cancelled while the connection was made
            return
        self.status_changed.emit()  # the screen says now whether it is the demo's store
        self._sync(connection)

    def _sync(self, connection: SyncConnection) -> None:
        client = connection.client
        # Reasons written on outbox rows follow the language the person reads now.
        client.language = self.context.language
        # Allowed here, on this thread, before the work starts: a cancel pressed from now
        # on reaches this sync and is not undone by it.
        connection.allow()
        self.context.tasks.run(connection.sync_once, self._synced, self._failed)

    def cancel(self) -> None:
        """Stop the running sync now; its end arrives as `sync_failed` with a sentence
        saying it was cancelled. Nothing is lost: the outbox keeps what was not sent."""
        if not self._running or self._cancelling:
            return
        self._cancelling = True
        self._again = False  # a sync asked for meanwhile waits for the next turn
        self.status_changed.emit()
        if self._connection is not None:
            self._connection.cancel()

    def _synced(self, report: SyncReport) -> None:
        self.last_report = report
        self.status = SyncStatus(report.pending, report.held, report.last_success, None)
        self.problem = None
        self._settle()
        if not self._closed:
            self.sync_finished.emit(report)

    def _failed(self, error: BaseException) -> None:
        if self._closed:
            # Signing out closes the profile under a running sync; that ends it, quietly.
            log.info("sync ended with the session: %s", error)
            self._settle()
            return
        if not isinstance(error, FieldappError):
            # A bug: the log gets the traceback, the person a sentence. Errors of the
            # world (no network, the demo store would not start) only get the sentence.
            log.error("sync failed", exc_info=error)
        # The cut-off request may end as any error of the network: it was the cancel.
        said = SyncCancelled() if self._cancelling else error
        self.problem = self.describe(said)
        report = error.report if isinstance(error, SyncError) else None
        if report is not None:
            self.last_report = report
            self.status = SyncStatus(
                report.pending, report.held, report.last_success, report.problem
            )
        self._settle()
        self.sync_failed.emit(self.problem)

    def _settle(self) -> None:
        self._running = False
        self._cancelling = False
        if self._closed:
            self._close_connection()
            return
        self.status_changed.emit()
        if self._again:
            self.sync_now()

    def describe(self, error: BaseException) -> str:
        """The sentence for the status line; the shortest that still says what to do."""
        language = self.context.language
        if isinstance(error, ServerUnreachable) and error.network:
            return self.tr(
                "No connection to the central store; your work stays safe on this device."
            )
        text = getattr(error, "text", None)
        if callable(text):
            return str(text(language))
        return self.tr("The sync did not work; the details are in the log.")

    def status_text(self, now: datetime | None = None) -> str:
        """ "3 to send · last synced 18:04", "Syncing…", or the last problem."""
        if self._running:
            return self.tr("Cancelling the sync…") if self._cancelling else self.tr("Syncing…")
        if self.problem is not None:
            return self.problem
        status = self.status
        if status is None:
            return self.tr("Not synced yet")
        parts = [self.tr("%1 to send").replace("%1", str(status.pending))]
        if status.pending == 0:
            parts = [self.tr("Everything sent")]
        if status.held:
            parts.append(self.tr("%1 held").replace("%1", str(status.held)))
        if status.last_success is None:
            parts.append(self.tr("not synced yet"))
        else:
            parts.append(
                self.tr("last synced %1").replace("%1", clock_time(status.last_success, now))
            )
        return " · ".join(parts)

    # -- the end of the session ----------------------------------------------------------

    def close(self) -> None:
        """End syncing for this session: the connection is closed on the task runner.

        A running sync is let finish (the profile closing under it ends it early); the
        connection closes once it has.
        """
        if self._closed:
            return
        self._closed = True
        self._timer.stop()
        if not self._running:
            self._close_connection()

    def _close_connection(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            close_later(connection, self.context.tasks)
        self._forget_quit()

    def _forget_quit(self) -> None:
        app = QCoreApplication.instance()
        if app is not None and self._quit_hooked:
            self._quit_hooked = False
            app.aboutToQuit.disconnect(self.close_now)

    def close_now(self) -> None:
        """At quit: close and stop at once, on this thread (the event loop is ending)."""
        self._closed = True
        self._timer.stop()
        connection, self._connection = self._connection, None
        if connection is not None:
            connection.close()
        self._forget_quit()


def clock_time(moment: datetime, now: datetime | None = None) -> str:
    """ "18:04" today, "03-12 18:04" on another day (QLocale), in the device's own time zone."""
    local = moment.astimezone()
    today = (now or datetime.now().astimezone()).date()
    if local.date() == today:
        return short_time(local)
    return f"{day_and_month(local)} {short_time(local)}"
