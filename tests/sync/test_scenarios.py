"""The field's hard cases, end to end on SQLite and PostgreSQL (sync.md items 2, 3, 6–10).

Every test runs against both backends with the same assertions: identical results are
item 10. Each starts its own central store, so "exactly" means exactly.
"""

from __future__ import annotations

import math
import random
import shutil
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from fieldapp.core.inspection import InspectionStatus
from fieldapp.core.locations import forms_directory, seeds_directory
from fieldapp.core.worldfile import load_world
from fieldapp.server import feed, schema
from fieldapp.server.app import create_app
from fieldapp.server.central import CentralStore
from fieldapp.server.runner import BackgroundServer
from fieldapp.store import OutboxState
from fieldapp.sync.report import SyncProgress
from tests.support.central import (
    BACKENDS,
    NOTE_QUESTION,
    Central,
    database_url,
    pull_all,
    push,
    test_config,
)
from tests.support.store import FakeClock
from tests.support.sync import (
    PASSWORD,
    assert_server_holds_exactly,
    backup_central,
    client_for,
    finalize_some,
    open_device,
    restore_central,
    return_inspection,
    server_versions,
)

BOA = "fatima.elamrani"


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    from tests.support.central import require_backend

    require_backend(request.param)
    return str(request.param)


class _Centrals:
    """Starts (and restarts, on the same database) central stores for one test."""

    def __init__(self, backend: str, home: Path, url: str | None) -> None:
        self.backend, self.home, self.url = backend, home, url
        self.running: list[Central] = []

    def start(self, load: bool = True) -> Central:
        config = test_config(self.home, self.url)
        store = CentralStore(config)
        app = create_app(config, store)
        if load:
            store.load_demo(seeds_directory(), forms_directory())
        central = Central(config, store, BackgroundServer(app).start(), app)
        self.running.append(central)
        return central

    def stop(self, central: Central) -> None:
        central.server.stop()
        central.store.close()
        self.running.remove(central)


@pytest.fixture
def centrals(backend: str, tmp_path: Path) -> Iterator[_Centrals]:
    with database_url(backend, "scenario") as url:
        made = _Centrals(backend, tmp_path / "central", url)
        try:
            yield made
        finally:
            for central in list(made.running):
                made.stop(central)


def _copy_profile(source_home: Path, target_home: Path) -> None:
    shutil.copytree(source_home / "profiles", target_home / "profiles")


def test_every_version_pushed_twice_in_turn_and_at_once_is_stored_once(
    centrals: _Centrals, tmp_path: Path
) -> None:
    central = centrals.start()
    first_home, second_home = tmp_path / "one", tmp_path / "two"
    profile = open_device(first_home)
    versions = finalize_some(profile, 4, seed=31)
    profile.close()
    # Two copies of the same device: the same versions, the same device id.
    _copy_profile(first_home, second_home)
    devices = [open_device(first_home), open_device(second_home)]
    clients = [client_for(device, central.url) for device in devices]
    barrier = threading.Barrier(len(clients), timeout=30)
    reports = []
    errors: list[BaseException] = []

    def sync(index: int) -> None:
        try:
            barrier.wait()
            reports.append(clients[index].sync_once())
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=sync, args=(index,)) for index in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    assert all(report.complete for report in reports)
    # And once more each, one after the other: replays, nothing new.
    for client in clients:
        again = client.sync_once()
        assert again.complete and again.sent == []
    assert_server_holds_exactly(central.store, BOA, versions)
    receipts = [
        {row.version_id: row.outbox.server_receipt for row in device.sent() if row.outbox}
        for device in devices
    ]
    assert receipts[0] == receipts[1]  # the same answer, byte for byte
    for client, device in zip(clients, devices, strict=True):
        client.close()
        device.close()


def test_the_same_version_id_with_other_content_is_refused_and_the_rest_goes_on(
    centrals: _Centrals, tmp_path: Path
) -> None:
    central = centrals.start()
    profile = open_device(tmp_path)
    taken, *others = finalize_some(profile, 3, seed=32)
    # Someone already stored other content under the first version's id.
    impostor = taken.model_copy(
        update={
            "document": {
                "answers": {NOTE_QUESTION[taken.form_id]: "iets anders"},
                "repeats": {},
            },
            "attachments": (),
        }
    )
    impostor = impostor.model_copy(
        update={
            "content_hash": impostor.hash_of(
                impostor.form_id,
                impostor.form_version,
                None,
                impostor.document,
                impostor.attachments,
            )
        }
    )
    with central.client(BOA) as boa:
        assert push(boa, impostor).status_code == 201
    with client_for(profile, central.url) as client:
        report = client.sync_once()
    assert sorted(report.sent) == sorted(v.version_id for v in others)
    (problem,) = report.failed
    assert problem.version_id == taken.version_id and problem.code == "version_conflict"
    assert not problem.retryable and "andere versie met dit id" in problem.message.nl
    row = profile.inspection(taken.inspection_id)
    assert row.outbox is not None and row.outbox.state is OutboxState.HELD
    assert row.outbox.last_error == problem.message.nl
    # The server is unchanged: it still holds the first content under that id.
    held = server_versions(central.store, BOA)
    assert held[taken.version_id]["content_hash"] == impostor.content_hash
    assert set(held) == {taken.version_id, *(v.version_id for v in others)}
    profile.close()


#: The writers of the interrupted-pull test, the venue changes each commits, how many
#: commits each cut of the pull lets go, and the page size of the pull.
WRITERS, WRITES_EACH, WRITES_PER_CUT, PAGE_SIZE = 4, 12, 2, 3


def test_a_pull_interrupted_at_every_page_while_the_server_writes_skips_nothing(
    centrals: _Centrals, tmp_path: Path
) -> None:
    """Writers commit venue changes while the device pulls; every pull is cut at its page,
    after fetching it or after applying it in turn, and starts again.

    The pull paces the writers: each cut lets the next WRITES_PER_CUT commits go, so they
    land between and during interrupted pulls however fast or slow the machine is, and the
    pull is cut once per WRITES_PER_CUT writes. Then it is cut at every page until the
    device holds the head: at most two cuts per page, a bounded count.
    """
    central = centrals.start()
    profile = open_device(tmp_path)
    with client_for(profile, central.url) as client:
        client.sync_once()
    start = profile.pull_cursor()
    venue = load_world(seeds_directory()).venues[0]
    total = WRITERS * WRITES_EACH
    permits = threading.Semaphore(0)
    stop = threading.Event()
    errors: list[BaseException] = []

    def writer(seed: int) -> None:
        rng = random.Random(seed)
        try:
            for index in range(WRITES_EACH):
                permits.acquire()
                if stop.is_set():
                    return
                with central.store.database.write() as connection:
                    # Work around taking positions: commits land in another order.
                    stop.wait(rng.uniform(0, 0.01))
                    name = f"Coffeeshop w{seed}-{index}"
                    change = feed.venue_change(venue.model_copy(update={"name": name}))
                    feed.append(connection, [change], central.config.clock())
                    stop.wait(rng.uniform(0, 0.01))
        except BaseException as error:
            errors.append(error)

    class Interrupted(Exception):
        pass

    applied: list[int] = []
    cut_after = "page_fetched"
    released = 0

    def progress(step: SyncProgress) -> None:
        nonlocal cut_after, released
        if step.step == "page_applied":
            applied.append(step.done)
        if step.step == cut_after:
            cut_after = "page_applied" if step.step == "page_fetched" else "page_fetched"
            more = min(WRITES_PER_CUT, total - released)
            if more:
                permits.release(more)
                released += more
            raise Interrupted

    writers = [threading.Thread(target=writer, args=(seed,)) for seed in range(WRITERS)]
    for thread in writers:
        thread.start()
    interruptions = 0
    try:
        with client_for(profile, central.url, page_size=PAGE_SIZE, progress=progress) as client:
            while released < total:
                with pytest.raises(Interrupted):
                    client.sync_once()
                interruptions += 1
            assert interruptions == total // WRITES_PER_CUT
            for thread in writers:
                thread.join(30)
            assert not errors, errors
            assert not any(thread.is_alive() for thread in writers)
            _, head = central.store.feed.read_head()
            # Fetching a page and applying it are cut in turn: two cuts per page at most.
            for _cut in range(2 * math.ceil(total / PAGE_SIZE)):
                if profile.pull_cursor() == head.encode():
                    break
                with pytest.raises(Interrupted):
                    client.sync_once()
                interruptions += 1
            assert profile.pull_cursor() == head.encode()
            cut_after = "never"
            assert client.sync_once().pulled == 0
    finally:
        stop.set()
        permits.release(total)
        for thread in writers:
            thread.join(30)
    most = total // WRITES_PER_CUT + 2 * math.ceil(total / PAGE_SIZE)
    assert total // WRITES_PER_CUT <= interruptions <= most
    with central.client(BOA) as boa:
        expected, _ = pull_all(boa, start)
    assert len(expected) == total
    assert sum(applied) == len(expected), "a change was skipped or applied twice"
    final = expected[-1]["venue"]["name"]
    assert profile.venue(venue.id) is not None
    assert profile.venue(venue.id).name == final  # type: ignore[union-attr]
    profile.close()


@pytest.mark.parametrize("how", ["backup", "new_epoch"])
def test_a_server_restored_from_an_older_backup_gets_the_outbox_again_and_nothing_is_lost(
    centrals: _Centrals, backend: str, tmp_path: Path, how: str
) -> None:
    central = centrals.start()
    profile = open_device(tmp_path / "device")
    first = finalize_some(profile, 1, seed=33)
    with client_for(profile, central.url) as client:
        assert client.sync_once().complete
    backup = backup_central(central.store, backend, centrals.home) if how == "backup" else None
    later = finalize_some(profile, 2, seed=34)
    with client_for(profile, central.url) as client:
        assert client.sync_once().complete
    return_inspection(central, first[0], ["findings_summary"])
    with client_for(profile, central.url) as client:
        assert client.sync_once().returns == 1
    centrals.stop(central)
    if backup is not None:
        restore_central(centrals.url, backend, centrals.home, backup)
    central = centrals.start(load=False)
    if how == "new_epoch":
        central.store.new_epoch()
    still_waiting = finalize_some(profile, 1, seed=35)
    with client_for(profile, central.url) as client:
        report = client.sync_once()
        assert report.reset and report.complete
        assert report.sent == [still_waiting[0].version_id]
        assert report.drift_repaired == (2 if how == "backup" else 0)
        assert client.sync_once().drift_repaired == 0
    assert_server_holds_exactly(central.store, BOA, [*first, *later, *still_waiting])
    # Nothing local was lost: the return the device had applied is still there.
    assert profile.inspection(first[0].inspection_id).status is InspectionStatus.RETURNED
    assert profile.venues() and profile.pull_cursor() is not None
    profile.close()


def test_a_return_while_the_officer_is_offline_and_editing_overwrites_nothing(
    centrals: _Centrals, tmp_path: Path
) -> None:
    from tests.support.store import fill_draft

    central = centrals.start()
    profile = open_device(tmp_path)
    (sent,) = finalize_some(profile, 1, seed=36)
    with client_for(profile, central.url) as client:
        assert client.sync_once().complete
    # Offline: the supervisor returns it, the officer works on another inspection.
    question, other = list(sent.document["answers"])[-2:]
    return_inspection(central, sent, [question])
    draft = fill_draft(profile, "coffeeshop_inspection", 37)
    before = profile.resume(draft).answers.copy()
    with client_for(profile, central.url) as client:
        report = client.sync_once()
    assert report.returns == 1 and report.complete
    assert profile.resume(draft).answers == before  # the draft is untouched
    assert profile.inspection(draft).status is InspectionStatus.DRAFT
    returned = profile.inspection(sent.inspection_id)
    assert returned.status is InspectionStatus.RETURNED
    assert profile.review_comments(sent.inspection_id) == {question: f"Graag {question} aanvullen"}
    # Only the commented question reopens; the finalized version itself is unchanged.
    profile.start_correction(sent.inspection_id)
    assert profile.is_editable(sent.inspection_id, question)
    assert not profile.is_editable(sent.inspection_id, other)
    assert profile.version(sent.version_id) == sent
    # A second pull of the same return (a replay) changes nothing.
    with client_for(profile, central.url) as client:
        assert client.sync_once().returns == 0
    profile.close()


def test_a_device_clock_days_off_changes_neither_acceptance_nor_order(
    centrals: _Centrals, tmp_path: Path
) -> None:
    central = centrals.start()
    ahead = FakeClock(datetime.now(UTC) + timedelta(days=9))
    behind = FakeClock(datetime.now(UTC) - timedelta(days=6))
    early = open_device(tmp_path / "ahead", BOA, clock=ahead)
    late = open_device(tmp_path / "behind", "joost.vandermeer", clock=behind)
    first = finalize_some(early, 2, seed=38)
    second = finalize_some(late, 2, seed=39)
    # The device whose clock is far ahead syncs first, the one far behind afterwards.
    for device in (early, late):
        with client_for(device, central.url) as client:
            assert client.sync_once().complete
    assert_server_holds_exactly(central.store, BOA, first)
    assert_server_holds_exactly(central.store, "joost.vandermeer", second)
    with central.store.database.read() as connection:
        rows = connection.execute(
            sa.select(
                schema.versions.c.version_id,
                schema.versions.c.received_at,
                schema.versions.c.client_finalized_at,
            ).order_by(schema.versions.c.received_at)
        ).all()
    order = [row.version_id for row in rows]
    # Order is the order of arrival by the server's clock, not the devices' claims.
    assert order == [v.version_id for v in (*first, *second)]
    now = datetime.now(UTC)
    for row in rows:
        received = row.received_at.replace(tzinfo=UTC)
        assert abs(received - now) < timedelta(minutes=5)
    claimed = {row.version_id: row.client_finalized_at for row in rows}
    assert claimed[first[0].version_id].startswith(ahead().date().isoformat())
    early.close()
    late.close()


def test_the_demo_central_store_starts_once_per_home_and_a_seeded_profile_syncs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`fieldapp sync` with no configuration: the home's own demo store, in a subprocess."""
    from fieldapp.app.demo import running_demo_server, start_demo_server
    from fieldapp.cli import main
    from fieldapp.store.seed import seed_profile

    profile = open_device(tmp_path, "sanne.dekker")
    seed_profile(profile, 12, seed=41, photo_share=0.1)
    profile.close()
    monkeypatch.setenv("FIELDAPP_PASSWORD", PASSWORD)
    server = start_demo_server(tmp_path)
    try:
        assert server.started_here and running_demo_server(tmp_path) is not None
        again = start_demo_server(tmp_path)
        assert not again.started_here and again.url == server.url
        assert httpx.get(f"{server.url}/v1/health", timeout=5).json()["status"] == "ok"
        code = main(["sync", "--home", str(tmp_path), "--user", "sanne.dekker"])
        assert code == 0, capsys.readouterr()
        assert "Waiting to be sent: 0; held: 0." in capsys.readouterr().out
        again.stop()  # not started there: keeps running
        assert running_demo_server(tmp_path) is not None
    finally:
        server.stop()
    assert running_demo_server(tmp_path) is None
