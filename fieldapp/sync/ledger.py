"""What the device remembers about syncing, beside its outbox: the SyncLedger.

Two things live here:

* `SyncState`, a small JSON document kept inside the profile's encrypted database
  (`Profile.sync_memory`): the server and epoch last seen, the last successful sync, the
  last problem, and a cache of the device-side digest per author. It names the owner, the
  other authors and the server, so it is not a plain file in the profile folder; a
  `sync-state.json` an older fieldapp left there is moved in and deleted. Losing it costs
  one recount, nothing else.
* `SentVersions`, what the profile's outbox says through the store's own queries: which
  versions the device believes sent, per author, and how many wait or are held.

Why a digest cache: the drift check compares `digest_of(ids the device believes sent)`
with the server's, and hashing 100,000 ids on every sync would make a sync with nothing
to do grow with history. The sent set only ever grows (nothing turns a sent version back),
so an unchanged count of sent rows means an unchanged set: the cached digest is used as
long as the count matches, and rebuilt otherwise.
"""

from __future__ import annotations

import contextlib
import json
import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from fieldapp.protocol.models import Message, digest_of
from fieldapp.store import OutboxState, Profile

log = logging.getLogger(__name__)

#: Where fieldapp before issue 14 kept the state: a plain file in the profile folder.
OLD_STATE_FILE = "sync-state.json"
_EMPTY_DIGEST = digest_of([])


@dataclass
class AuthorDigest:
    count: int = 0
    hash: str = _EMPTY_DIGEST

    def add(self, version_id: str) -> None:
        self.count += 1
        self.hash = f"{int(self.hash, 16) ^ int(digest_of([version_id]), 16):064x}"


@dataclass
class SyncState:
    """The sync client's memory between syncs (see the module docstring)."""

    profile: Profile
    server: str | None = None
    epoch: str | None = None
    last_success: datetime | None = None
    last_problem: Message | None = None
    #: Sent rows counted when `digests` was built; a different count means rebuild.
    sent_total: int = -1
    digests: dict[str, AuthorDigest] = field(default_factory=dict)
    #: author → (server hash, device hash) last found to agree after a drift repair.
    verified: dict[str, tuple[str, str]] = field(default_factory=dict)

    @classmethod
    def load(cls, profile: Profile) -> SyncState:
        """The state kept in `profile`; an old plain `sync-state.json` moves in first."""
        state = cls(profile)
        document = profile.sync_memory()
        old_file = profile.directory / OLD_STATE_FILE
        if document is None and old_file.exists():
            try:
                document = old_file.read_text(encoding="utf-8")
            except (OSError, ValueError) as error:
                log.warning("ignoring unreadable %s: %s", old_file, error)
            else:
                profile.keep_sync_memory(document)
        # Only once the state is safe inside the database does the plain copy go.
        old_file.unlink(missing_ok=True)
        if document is None:
            return state
        try:
            raw = json.loads(document)
        except ValueError as error:
            log.warning("ignoring an unreadable sync state: %s", error)
            return state
        if not isinstance(raw, dict):
            return state
        with contextlib.suppress(KeyError, TypeError, ValueError):
            state.server = _text(raw.get("server"))
            state.epoch = _text(raw.get("epoch"))
            success = _text(raw.get("last_success"))
            state.last_success = datetime.fromisoformat(success) if success else None
            problem = raw.get("last_problem")
            state.last_problem = Message.model_validate(problem) if problem else None
            state.sent_total = int(raw.get("sent_total", -1))
            state.digests = {
                str(author): AuthorDigest(int(item["count"]), str(item["hash"]))
                for author, item in dict(raw.get("digests", {})).items()
            }
            state.verified = {
                str(author): (str(pair[0]), str(pair[1]))
                for author, pair in dict(raw.get("verified", {})).items()
            }
        return state

    def save(self) -> None:
        document: dict[str, Any] = {
            "server": self.server,
            "epoch": self.epoch,
            "last_success": self.last_success.isoformat() if self.last_success else None,
            "last_problem": self.last_problem.model_dump() if self.last_problem else None,
            "sent_total": self.sent_total,
            "digests": {a: {"count": d.count, "hash": d.hash} for a, d in self.digests.items()},
            "verified": {a: list(pair) for a, pair in self.verified.items()},
        }
        self.profile.keep_sync_memory(json.dumps(document, sort_keys=True))


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


class SentVersions:
    """What one profile's outbox says, for the drift check and the status line."""

    def __init__(self, profile: Profile) -> None:
        self.profile = profile

    def sent_total(self) -> int:
        return self.profile.outbox_counts().sent

    def digests(self, state: SyncState) -> dict[str, AuthorDigest]:
        """The device-side digest per author, from the cache while it still holds."""
        total = self.sent_total()
        if total != state.sent_total:
            built: dict[str, AuthorDigest] = {}
            for author, version_ids in self.profile.sent_version_ids_by_author().items():
                digest = built.setdefault(author, AuthorDigest())
                for version_id in version_ids:
                    digest.add(version_id)
            state.digests = built
            state.sent_total = total
        return state.digests

    def sent_ids(self, author: str) -> list[str]:
        """The author's versions the device believes sent, in the order they were queued."""
        return self.profile.sent_version_ids(author)

    def state(self, version_id: str) -> OutboxState | None:
        """Pending, held or sent; None when the version is not in the outbox."""
        entry = self.profile.outbox_entry(version_id)
        return None if entry is None else entry.state

    def is_sent(self, version_id: str) -> bool:
        return self.state(version_id) is OutboxState.SENT

    def waiting(self) -> tuple[int, int]:
        """(pending, held): versions still to send, and those a person must look at."""
        counts = self.profile.outbox_counts()
        return counts.pending, counts.held
