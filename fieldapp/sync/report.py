"""What a sync tells the person and the app: its report, its steps, and the status at rest.

Kept apart from the client so that the transport and the errors can name a `SyncReport`
without importing the client (which imports them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from fieldapp.core.texts import DEFAULT_LANGUAGE, Text
from fieldapp.protocol.models import Message

_DONE = Text(
    nl="Verstuurd: {sent} (waarvan {there} al aanwezig), {blobs} bijlagen; opgehaald: "
    "{pulled} wijzigingen ({returns} teruggestuurd, {approvals} goedgekeurd).",
    en="Sent: {sent} ({there} already there), {blobs} attachments; pulled: {pulled} changes "
    "({returns} returned, {approvals} approved).",
)
_RESET = Text(
    nl="De centrale opslag had een andere geschiedenis: gegevens opnieuw geladen.",
    en="The central store's history had changed: reference data reloaded.",
)
_DRIFT = Text(
    nl="{count} versies ontbraken op de server en zijn opnieuw verstuurd.",
    en="{count} versions were missing on the server and were sent again.",
)
_WAITING = Text(
    nl="Wacht op verzending: {pending}; tegengehouden: {held}.",
    en="Waiting to be sent: {pending}; held: {held}.",
)

# --- what a sync reports ---------------------------------------------------------------------


@dataclass(frozen=True)
class SyncProgress:
    """A step of a sync, for a progress bar (and for the tests that kill a sync there).

    Steps: signed_in, meta, blob_range, blob_done, version_pushed (the server committed,
    the device has not yet recorded it), version_marked, page_fetched, page_applied,
    reference_replaced, digest_checked, done.
    """

    step: str
    done: int = 0
    total: int = 0


@dataclass(frozen=True)
class VersionProblem:
    """A version that did not go, with the reason in plain words."""

    version_id: str
    inspection_id: str
    message: Message
    #: False: held until a person acts (the server refused it); True: tried again later.
    retryable: bool
    code: str | None = None


@dataclass
class SyncReport:
    """What one sync did. Times are the device's, for display only."""

    started_at: datetime
    finished_at: datetime | None = None
    #: Versions the server stored now (201) or had already (200), marked sent here.
    sent: list[str] = field(default_factory=list)
    already_there: list[str] = field(default_factory=list)
    blobs_uploaded: int = 0
    bytes_uploaded: int = 0
    #: Changes pulled and applied (reference data and review events).
    pulled: int = 0
    returns: int = 0
    approvals: int = 0
    ignored: list[str] = field(default_factory=list)
    failed: list[VersionProblem] = field(default_factory=list)
    #: The server's history changed (410 or a new epoch): reference data reloaded.
    reset: bool = False
    #: The first sync of this profile with this server: reference data loaded whole.
    initial_load: bool = False
    #: Versions the digest check found missing on the server and pushed again.
    drift_repaired: int = 0
    pending: int = 0
    held: int = 0
    last_success: datetime | None = None
    #: Why the sync stopped early, when it did.
    problem: Message | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """Ran to the end and nothing waits on this device for a person or a retry."""
        return self.problem is None and not self.failed

    def summary(self, language: str = DEFAULT_LANGUAGE, *, with_problem: bool = True) -> str:
        """A few lines for the person (the CLI prints this); without the problem that
        stopped the sync when the caller says that one itself (on standard error)."""
        lines = [
            _DONE.format(
                sent=len(self.sent),
                there=len(self.already_there),
                blobs=self.blobs_uploaded,
                pulled=self.pulled,
                returns=self.returns,
                approvals=self.approvals,
            )
        ]
        if self.reset:
            lines.append(_RESET)
        if self.drift_repaired:
            lines.append(_DRIFT.format(count=self.drift_repaired))
        for problem in self.failed:
            # The server's own words: placed as they are, never used as a template.
            lines.append(
                Text(
                    f"  {problem.version_id[:8]}…: {problem.message.nl}",
                    f"  {problem.version_id[:8]}…: {problem.message.en}",
                )
            )
        if self.problem is not None and with_problem:
            lines.append(Text.of(self.problem))
        lines.append(_WAITING.format(pending=self.pending, held=self.held))
        return "\n".join(line.pick(language) for line in lines)


@dataclass(frozen=True)
class SyncStatus:
    """What the app shows next to "Sync now", read without talking to the server."""

    pending: int
    held: int
    last_success: datetime | None
    last_problem: Message | None
