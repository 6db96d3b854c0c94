"""Issue 14, finding 13: no plain metadata about people or the server in the profile folder.

The sync client's memory (owner, other authors, server, epoch) lives inside the encrypted
profile database; a `sync-state.json` an older fieldapp left is moved in, nothing lost.
Checked on the bytes on disk after a real sync with a real central store.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from fieldapp.store import open_profile
from fieldapp.sync.ledger import OLD_STATE_FILE, SyncState
from tests.support.central import running_central
from tests.support.sync import PASSWORD, client_for, finalize_some, open_device

OWNER = "elif.yildiz"


def _files_naming(folder: Path, needles: list[bytes]) -> dict[str, list[bytes]]:
    found: dict[str, list[bytes]] = {}
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            hits = [needle for needle in needles if needle in data]
            if hits:
                found[path.relative_to(folder).as_posix()] = hits
    return found


def test_finding_13_the_sync_state_is_kept_inside_the_encrypted_profile(tmp_path: Path) -> None:
    profile = open_device(tmp_path / "device", OWNER)
    finalize_some(profile, 2, seed=31)
    with running_central("sqlite", tmp_path / "central", "metadata") as central:
        with client_for(profile, central.url) as client:
            report = client.sync_once()
            assert report.complete and len(report.sent) == 2
        state = SyncState.load(profile)
        assert state.server == central.url and state.epoch is not None
        assert OWNER in state.digests
        directory = profile.directory
        profile.close()
        assert not (directory / OLD_STATE_FILE).exists()
        address = central.url.removeprefix("http://").encode()
        assert _files_naming(directory, [OWNER.encode(), address, b"epoch"]) == {}
        # What the sync remembered is still there after a restart: no extra push.
        with (
            open_profile(tmp_path / "device", OWNER, PASSWORD) as reopened,
            client_for(reopened, central.url) as client,
        ):
            assert SyncState.load(reopened).last_success == state.last_success
            again = client.sync_once()
            assert again.sent == [] and again.drift_repaired == 0


def test_finding_13_an_old_sync_state_file_moves_inside_and_nothing_is_lost(
    tmp_path: Path,
) -> None:
    profile = open_device(tmp_path, OWNER)
    success = datetime(2026, 11, 30, 17, 5, tzinfo=UTC)
    old = {
        "server": "https://central.example.org",
        "epoch": "epoch-7",
        "last_success": success.isoformat(),
        "last_problem": None,
        "sent_total": 3,
        "digests": {OWNER: {"count": 3, "hash": "ab" * 32}},
        "verified": {OWNER: ["cd" * 32, "ef" * 32]},
    }
    old_file = profile.directory / OLD_STATE_FILE
    old_file.write_text(json.dumps(old), encoding="utf-8")
    state = SyncState.load(profile)
    assert not old_file.exists()
    assert (state.server, state.epoch, state.last_success) == (
        "https://central.example.org",
        "epoch-7",
        success,
    )
    assert state.sent_total == 3 and state.digests[OWNER].count == 3
    assert state.verified[OWNER] == ("cd" * 32, "ef" * 32)
    profile.close()
    with open_profile(tmp_path, OWNER, PASSWORD) as reopened:
        again = SyncState.load(reopened)
        assert (again.epoch, again.digests[OWNER].hash) == ("epoch-7", "ab" * 32)
