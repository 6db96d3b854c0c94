"""Kill the sync client at every step (sync.md item 1), on SQLite and PostgreSQL.

A child process syncs a real profile against a real central store and SIGKILLs itself
at a planned step: during sign-in, mid-upload of a photo, right after the server
committed a version but before the device recorded it, between fetching a page and
applying it, before the digest. The next child starts from whatever the last one left.
After the last one completes, everything must have arrived exactly once: every version
once on the server with its receipt on the device, the review applied once, the feed
applied without gaps.

Run as a script, this file is that child.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

#: (step, occurrence within that child's run): every kind of step, for each version, one
#: version at a time (as with a server older than batches).
SINGLE_PLAN = [
    ("signed_in", 1),
    ("meta", 1),
    ("blob_range", 1),  # first photo half uploaded
    ("blob_done", 1),
    ("version_pushed", 1),  # the server committed; the device did not record it
    ("version_marked", 1),
    ("blob_range", 3),
    ("version_pushed", 1),
    ("version_pushed", 1),
    ("page_fetched", 1),  # a page fetched, not applied
    ("page_applied", 2),
    ("page_fetched", 2),
    ("digest_checked", 1),
]
#: The same with the outbox in one batch: killed once the server committed the whole
#: batch and the device recorded none of it, and again with part of it recorded.
BATCHED_PLAN = [
    ("signed_in", 1),
    ("meta", 1),
    ("blob_range", 1),
    ("blob_done", 1),
    ("blob_range", 3),
    ("version_pushed", 1),  # the batch committed; the device recorded none of it
    ("version_marked", 1),  # the batch recorded in one commit, the steps not all told
    ("page_fetched", 1),
    ("page_applied", 2),
    ("page_fetched", 2),
    ("digest_checked", 1),
]
PAGE_SIZE = 3


def run_child(home: str, url: str, kill_step: str, kill_at: int, batch_size: int) -> int:
    """Sync the profile in `home`; SIGKILL this process at the `kill_at`-th `kill_step`."""
    from fieldapp.sync.client import SyncClient
    from fieldapp.sync.report import SyncProgress
    from fieldapp.sync.transport import Credentials
    from tests.support.store import new_profile

    profile = new_profile(Path(home))
    seen = 0

    def progress(step: SyncProgress) -> None:
        nonlocal seen
        if step.step == kill_step:
            seen += 1
            if seen == kill_at:
                os.kill(os.getpid(), signal.SIGKILL)

    with SyncClient(
        profile,
        url,
        credentials=Credentials(profile.username, "demo"),
        progress=progress,
        page_size=PAGE_SIZE,
        chunk_bytes=512,
        batch_size=batch_size,
    ) as client:
        report = client.sync_once()
    print(f"complete={report.complete}", flush=True)
    profile.close()
    return 0 if report.complete else 3


def _child(
    home: Path, url: str, step: str, at: int, batch_size: int
) -> subprocess.CompletedProcess[str]:
    root = str(Path(__file__).resolve().parents[2])
    return subprocess.run(
        [sys.executable, __file__, str(home), url, step, str(at), str(batch_size)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": root},
        check=False,
    )


if __name__ != "__main__":
    from tests.support.central import BACKENDS, Central, running_central

    @pytest.fixture(params=BACKENDS)
    def central(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Central]:
        with running_central(request.param, tmp_path / "central", "kill") as running:
            yield running

    @pytest.mark.parametrize("batch_size", [100, 1], ids=["batched", "single"])
    def test_a_sync_killed_at_every_step_delivers_everything_exactly_once(
        central: Central, tmp_path: Path, batch_size: int
    ) -> None:
        from fieldapp.core.locations import seeds_directory
        from fieldapp.core.worldfile import load_world
        from fieldapp.server import feed
        from tests.support.sync import (
            assert_server_holds_exactly,
            client_for,
            finalize_some,
            open_device,
            return_inspection,
            server_versions,
        )

        home = tmp_path / "device"
        profile = open_device(home)
        (reviewed,) = finalize_some(profile, 1, seed=51)
        with client_for(profile, central.url) as client:
            assert client.sync_once().complete
        return_inspection(central, reviewed, list(reviewed.document["answers"])[-1:])
        # More for the feed (several pages) and the outbox (three versions with photos).
        venue = load_world(seeds_directory()).venues[0]
        with central.store.database.write() as connection:
            changes = [
                feed.venue_change(venue.model_copy(update={"name": f"Coffeeshop {n}"}))
                for n in range(12)
            ]
            feed.append(connection, changes, central.config.clock())
        versions = [reviewed, *finalize_some(profile, 3, seed=52)]
        profile.close()

        for step, at in BATCHED_PLAN if batch_size > 1 else SINGLE_PLAN:
            result = _child(home, central.url, step, at, batch_size)
            assert result.returncode == -signal.SIGKILL, (step, at, result.stdout, result.stderr)
        final = _child(home, central.url, "none", 0, batch_size)
        assert final.returncode == 0, final.stdout + final.stderr

        profile = open_device(home)
        assert_server_holds_exactly(central.store, profile.username, versions)
        stored = {vid: row["content_hash"] for vid, row in server_versions(central.store).items()}
        assert len(stored) == len(versions)
        assert profile.outbox() == [] and len(profile.sent()) == 3
        entries = profile.audit_entries(reviewed.inspection_id)
        assert [e.action for e in entries].count("version_returned") == 1
        sent = [e for e in profile.audit_entries() if e.action == "version_sent"]
        assert len(sent) == len(versions)  # each recorded sent exactly once
        assert profile.venue(venue.id).name == "Coffeeshop 11"  # type: ignore[union-attr]
        with client_for(profile, central.url) as client:
            again = client.sync_once()
        assert again.complete and again.sent == [] and again.pulled == 0
        assert again.drift_repaired == 0
        profile.close()


if __name__ == "__main__":
    sys.exit(run_child(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])))
