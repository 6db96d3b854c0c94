"""The sync client against a real central store: push, pull, digest, refusals and retries.

Each test acts as its own demo officer, so tests sharing a server (one per backend per
module) never see each other's versions. Retries wait on a fake clock: no test sleeps.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from fieldapp.cli import main
from fieldapp.core.errors import FieldappError
from fieldapp.core.inspection import InspectionStatus
from fieldapp.protocol.models import MAX_PUSH_BATCH, digest_of
from fieldapp.store import OutboxState
from fieldapp.sync.errors import ClientTooOld, ServerUnreachable, SignInRefused
from fieldapp.sync.report import SyncProgress
from fieldapp.sync.transport import RetryPolicy
from tests.support.central import BACKENDS, Central, running_central
from tests.support.sync import (
    PASSWORD,
    FakeTime,
    assert_server_holds_exactly,
    client_for,
    finalize_some,
    open_device,
    refusing_versions,
    server_loses,
    server_versions,
    transport_wrapping,
)


@pytest.fixture(scope="module", params=BACKENDS)
def central(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Central]:
    with running_central(request.param, tmp_path_factory.mktemp("sync"), "sync") as running:
        yield running


def test_a_sync_sends_the_outbox_loads_the_world_and_then_has_nothing_to_do(
    central: Central, tmp_path: Path
) -> None:
    profile = open_device(tmp_path, "fatima.elamrani")
    versions = finalize_some(profile, 3)
    steps: list[str] = []
    with client_for(profile, central.url, progress=lambda p: steps.append(p.step)) as client:
        report = client.sync_once()
        assert report.complete, report.summary("en")
        assert sorted(report.sent) == sorted(v.version_id for v in versions)
        assert report.initial_load and not report.reset and report.drift_repaired == 0
        assert report.pending == 0 and report.held == 0 and report.last_success is not None
        assert "blob_range" in steps  # photos are larger than the test's 512-byte ranges
        assert_server_holds_exactly(central.store, profile.username, versions)
        assert all(row.status is InspectionStatus.SENT for row in profile.sent())
        # The device keeps the server's receipt, byte for byte.
        receipt = profile.sent()[0].outbox
        assert receipt is not None and receipt.server_receipt is not None
        assert json.loads(receipt.server_receipt)["version_id"] == profile.sent()[0].version_id

        again = client.sync_once()
        assert again.complete and again.sent == [] and again.pulled == 0
        assert again.blobs_uploaded == 0 and again.drift_repaired == 0
        status = client.status()
        assert (status.pending, status.held, status.last_problem) == (0, 0, None)
    profile.close()


#: Versions per push: in batches (the default), and one by one (an older server).
PUSH_PATHS = [pytest.param(MAX_PUSH_BATCH, id="batched"), pytest.param(1, id="single")]


@pytest.mark.parametrize("batch_size", PUSH_PATHS)
def test_a_refused_version_shows_the_servers_words_and_the_others_still_go(
    central: Central, tmp_path: Path, batch_size: int
) -> None:
    profile = open_device(tmp_path, "joost.vandermeer")
    earlier = set(server_versions(central.store, profile.username))  # the other path's
    first, second, third = finalize_some(profile, 3, seed=2)
    refusals = {
        first.version_id: (413, "too_large", "Het verzoek is te groot (max 1 kB)."),
        second.version_id: (422, "invalid", "Het verzoek klopt niet: antwoord ontbreekt."),
    }
    transport = transport_wrapping(refusing_versions(refusals))
    with client_for(profile, central.url, transport=transport, batch_size=batch_size) as client:
        report = client.sync_once()
    assert report.sent == [third.version_id]
    assert {p.version_id: p.message.nl for p in report.failed} == {
        vid: text for vid, (_, _, text) in refusals.items()
    }
    assert not any(p.retryable for p in report.failed) and report.held == 2
    rows = {row.version_id: row.outbox for row in profile.outbox()}
    for version_id, (_, _, text) in refusals.items():
        outbox = rows[version_id]
        assert outbox is not None and outbox.state is OutboxState.HELD
        assert outbox.last_error == text and outbox.attempts == 1
    # Once a person has dealt with it, the held versions go like any other.
    for version_id in refusals:
        profile.requeue(version_id)
    with client_for(profile, central.url) as client:
        assert client.sync_once().complete
    assert_server_holds_exactly(
        central.store, profile.username, [first, second, third], besides=earlier
    )
    profile.close()


@pytest.mark.parametrize("batch_size", PUSH_PATHS)
@pytest.mark.parametrize("status", [401, 403, 404, 409, 412, 413, 422])
def test_refusals_are_never_retried(
    central: Central, tmp_path: Path, status: int, batch_size: int
) -> None:
    profile = open_device(tmp_path, "kevin.sitaldin")
    (version,) = finalize_some(profile, 1, seed=3)
    tries: list[str] = []
    code = "token_expired" if status == 401 else "forbidden"
    answer: Callable[[httpx.Request, Callable[[httpx.Request], httpx.Response]], httpx.Response]
    if status == 401 and batch_size > 1:
        # A 401 is the whole request's answer, never one version's: the batch is refused.
        def refuse(
            request: httpx.Request, forward: Callable[[httpx.Request], httpx.Response]
        ) -> httpx.Response:
            if request.method == "POST" and request.url.path == "/v1/sync/push":
                tries.append(request.url.path)
                body = {"code": code, "message": {"nl": "Nee.", "en": "No."}}
                return httpx.Response(status, json=body, request=request)
            return forward(request)

        answer = refuse
    else:
        answer = refusing_versions({version.version_id: (status, code, "Nee.")}, tries)
    fake = FakeTime()
    with client_for(
        profile,
        central.url,
        fake=fake,
        transport=transport_wrapping(answer),
        batch_size=batch_size,
    ) as c:
        report = c.sync_once()
    assert len(tries) == (2 if status == 401 else 1)  # a 401 signs in again once, no more
    assert fake.delays == []
    assert [p.version_id for p in report.failed] == [version.version_id]
    assert report.failed[0].message.nl == "Nee." and report.held == 1
    profile.close()


def test_backoff_grows_with_jitter_honours_retry_after_and_is_bounded(
    central: Central, tmp_path: Path
) -> None:
    profile = open_device(tmp_path, "elif.yildiz")
    answers = iter([503, 429, 500, 502])
    seen: list[int] = []

    def flaky(
        request: httpx.Request, forward: Callable[[httpx.Request], httpx.Response]
    ) -> httpx.Response:
        if request.url.path == "/v1/sync/meta":
            status = next(answers, None)
            if status is not None:
                seen.append(status)
                headers = {"Retry-After": "7"} if status == 429 else {}
                return httpx.Response(status, headers=headers, request=request)
        return forward(request)

    fake = FakeTime()
    policy = RetryPolicy(attempts=6, first_delay=1.0, max_delay=8.0, budget=60.0)
    with client_for(
        profile, central.url, fake=fake, retry=policy, transport=transport_wrapping(flaky)
    ) as client:
        assert client.sync_once().complete
    assert seen == [503, 429, 500, 502]
    first, second, third, fourth = fake.delays
    assert 0.5 <= first <= 1.0  # equal jitter: between half and all of 1 s
    assert second == 7.0  # Retry-After wins over the 1–2 s backoff
    assert 2.0 <= third <= 4.0 and 4.0 <= fourth <= 8.0

    # Always failing: the request gives up within its attempts and its time budget.
    def down(
        request: httpx.Request, forward: Callable[[httpx.Request], httpx.Response]
    ) -> httpx.Response:
        if request.url.path == "/v1/sync/meta":
            return httpx.Response(503, headers={"Retry-After": "20"}, request=request)
        return forward(request)

    fake = FakeTime()
    policy = RetryPolicy(attempts=10, first_delay=1.0, max_delay=30.0, budget=45.0)
    with (
        client_for(
            profile, central.url, fake=fake, retry=policy, transport=transport_wrapping(down)
        ) as client,
        pytest.raises(ServerUnreachable) as raised,
    ):
        client.sync_once()
    assert fake.delays == [20.0, 20.0] and sum(fake.delays) <= 45.0
    assert raised.value.report is not None and raised.value.report.problem is not None
    assert "storing" in raised.value.text("nl")
    profile.close()


def test_an_unreachable_server_stops_the_sync_with_a_plain_sentence(tmp_path: Path) -> None:
    profile = open_device(tmp_path, "sanne.dekker")
    finalize_some(profile, 1, seed=4)
    fake = FakeTime()
    # Port 9 on 127.0.0.1 (discard) has no listener here: connection refused at once.
    with client_for(profile, "http://127.0.0.1:9", fake=fake) as client:
        with pytest.raises(ServerUnreachable) as raised:
            client.sync_once()
        assert isinstance(raised.value, FieldappError)
        assert "niet bereikbaar" in raised.value.text("nl")
        assert "cannot be reached" in raised.value.text("en")
        assert len(fake.delays) == 5  # six attempts
        status = client.status()
    assert status.pending == 1 and status.last_success is None
    assert status.last_problem is not None and "reached" in status.last_problem.en
    profile.close()


def test_an_expired_token_signs_in_again_once_and_a_wrong_password_is_a_sentence(
    central: Central, tmp_path: Path
) -> None:
    profile = open_device(tmp_path, "tomasz.nowak")
    sign_ins: list[str] = []

    def count(
        request: httpx.Request, forward: Callable[[httpx.Request], httpx.Response]
    ) -> httpx.Response:
        if request.url.path == "/v1/auth/token":
            sign_ins.append(request.method)
        return forward(request)

    with client_for(profile, central.url, transport=transport_wrapping(count)) as client:
        assert client.sync_once().complete
        versions = finalize_some(profile, 1, seed=5)
        with central.store.database.write() as connection:
            central.store.accounts.revoke_all(connection, profile.username)
        report = client.sync_once()
        assert report.sent == [versions[0].version_id]
    assert sign_ins == ["POST", "POST"]

    with (
        client_for(profile, central.url, password="not-the-password") as client,
        pytest.raises(SignInRefused) as raised,
    ):
        client.sync_once()
    assert "tomasz.nowak" in raised.value.text("en")
    assert "wachtwoord" in raised.value.text("nl")
    profile.close()


def test_a_client_older_than_the_servers_minimum_is_refused_politely(tmp_path: Path) -> None:
    profile = open_device(tmp_path / "device", "youssef.benali")
    finalize_some(profile, 1, seed=6)
    with (
        running_central("sqlite", tmp_path / "central", "old", min_client_version="9.1") as c,
        client_for(profile, c.url) as client,
    ):
        with pytest.raises(ClientTooOld) as raised:
            client.sync_once()
        assert "9.1" in raised.value.text("en") and "Werk de app bij" in raised.value.text("nl")
        assert server_versions(c.store, profile.username) == {}
    profile.close()


def test_the_digest_finds_versions_the_server_lost_and_pushes_them_again(
    central: Central, tmp_path: Path
) -> None:
    import sqlalchemy as sa

    from fieldapp.server import schema

    profile = open_device(tmp_path, "priscilla.wijngaarde")
    versions = finalize_some(profile, 3, seed=7)
    with client_for(profile, central.url) as client:
        assert client.sync_once().complete
        # Drift: the server loses one version (and its digest entry) behind our back.
        lost = versions[1]
        with central.store.database.write() as connection:
            connection.execute(
                schema.version_blobs.delete().where(
                    schema.version_blobs.c.version_id == lost.version_id
                )
            )
            connection.execute(
                schema.versions.delete().where(schema.versions.c.version_id == lost.version_id)
            )
            kept = [v.version_id for v in versions if v is not lost]
            connection.execute(
                schema.digests.update()
                .where(schema.digests.c.author == profile.username)
                .values(count=2, digest=digest_of(kept))
            )
            connection.execute(
                schema.inspections.delete().where(
                    schema.inspections.c.inspection_id == lost.inspection_id
                )
            )
        report = client.sync_once()
        assert report.drift_repaired == 1 and report.complete
        assert_server_holds_exactly(central.store, profile.username, versions)
        assert client.sync_once().drift_repaired == 0
    with central.store.database.read() as connection:
        count = connection.execute(
            sa.select(schema.digests.c.count).where(schema.digests.c.author == profile.username)
        ).scalar_one()
    assert count == 3
    profile.close()


@pytest.mark.parametrize("backend", BACKENDS)
def test_fieldapp_sync_sends_a_seeded_demo_profile(
    backend: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A seeded profile holds inspections of several demo users; `--demo` signs in as each."""
    # Its own central store: it pushes as every demo user, which other tests here are.
    with running_central(backend, tmp_path / "central", "seeded") as central:
        _sync_seeded(central, tmp_path, monkeypatch, capsys)


def _sync_seeded(
    central: Central,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from fieldapp.store.seed import seed_profile

    profile = open_device(tmp_path, "emre.kaya")
    seeded = seed_profile(profile, 30, seed=11, photo_share=0.1)
    profile.close()
    monkeypatch.setenv("FIELDAPP_PASSWORD", PASSWORD)
    code = main(
        ["sync", "--home", str(tmp_path), "--user", "emre.kaya", "--demo", "--server", central.url]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    assert "Waiting to be sent: 0; held: 0." in out
    # Every finalized version of the seed reached the server, whoever made it.
    profile = open_device(tmp_path, "emre.kaya")
    ids = {row.version_id for row in profile.inspections() if row.version_id}
    assert len(ids) == seeded.inspections
    assert ids <= set(server_versions(central.store))
    profile.close()
    # Nothing is left: a second sync, as the profile's own user only, has nothing to do.
    assert (
        main(["sync", "--home", str(tmp_path), "--user", "emre.kaya", "--server", central.url]) == 0
    )


def test_progress_reports_every_step_of_a_sync(central: Central, tmp_path: Path) -> None:
    profile = open_device(tmp_path, "anouk.bakker")
    finalize_some(profile, 1, seed=8)
    steps: list[SyncProgress] = []
    with client_for(profile, central.url, progress=steps.append, page_size=10) as client:
        client.sync_once()
    names = [step.step for step in steps]
    assert names[:2] == ["signed_in", "meta"]
    order = ["blob_done", "version_pushed", "version_marked", "page_fetched", "reference_replaced"]
    positions = [names.index(name) for name in order]
    assert positions == sorted(positions)
    assert names[-2:] == ["digest_checked", "done"]
    profile.close()


def test_a_correction_whose_base_the_server_lost_sends_the_base_first(
    central: Central, tmp_path: Path
) -> None:
    from fieldapp.core.forms import QuestionType
    from tests.support.sync import return_inspection

    profile = open_device(tmp_path, "youssef.benali")
    (base,) = finalize_some(profile, 1, seed=9)
    engine = profile.engine(base.form_id, base.form_version)
    question = next(
        name for name in base.document["answers"] if engine.fields[name].kind is QuestionType.TEXT
    )
    with client_for(profile, central.url) as client:
        assert client.sync_once().complete
        return_inspection(central, base, [question])
        assert client.sync_once().returns == 1
        profile.start_correction(base.inspection_id)
        profile.set_answer(base.inspection_id, question, "Aangevuld na terugsturen")
        correction = profile.finalize(base.inspection_id)
        # The server lost the base (say, a restore) but the device believes it sent.
        server_loses(central, [base], profile.username)
        report = client.sync_once()
    assert report.sent == [correction.version_id] and report.complete
    # (The seeded-profile test pushed other inspections of this user to the same server.)
    held = {
        version_id: row
        for version_id, row in server_versions(central.store, profile.username).items()
        if row["record"]["inspection_id"] == base.inspection_id
    }
    assert set(held) == {base.version_id, correction.version_id}
    assert held[correction.version_id]["record"]["base_version_id"] == base.version_id
    profile.close()
