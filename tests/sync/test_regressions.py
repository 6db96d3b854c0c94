"""Regression tests for four sync client defects fixed together (see c40ab7e).

1. A reset (new epoch / 410) whose feed carries a form version the device holds with
   another text used to stop the whole reload on that form.
2. A correction whose base could not be pushed for a passing reason (5xx until retries
   ran out) used to be held for a person instead of waiting as retryable.
3. A drift repair (repush) that failed used to be remembered as verified, so the next
   sync never tried it again.
4. A partial blob upload that already held every byte made the client resume at the
   last byte forever instead of starting over.

All against a real central store on 127.0.0.1; retries wait on fake time, nobody sleeps.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from fieldapp.core.forms import QuestionType
from fieldapp.server import feed
from fieldapp.store import OutboxState, Profile
from fieldapp.sync.transport import RetryPolicy
from tests.support.central import BACKENDS, Central, running_central
from tests.support.store import forget_receipt
from tests.support.sync import (
    FakeTime,
    assert_no_corrupt_blob,
    assert_server_holds_exactly,
    client_for,
    finalize_some,
    open_device,
    return_inspection,
    server_blobs,
    server_loses,
    server_versions,
    transport_wrapping,
)

Answer = Callable[[httpx.Request, Callable[[httpx.Request], httpx.Response]], httpx.Response]
#: Few, instant retries: a 503 that never ends runs out of them at once.
SHORT_RETRY = RetryPolicy(attempts=2, first_delay=0.01, budget=5.0)


@pytest.fixture(scope="module", params=BACKENDS)
def central(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Central]:
    home = tmp_path_factory.mktemp("regressions")
    with running_central(request.param, home, "regressions") as running:
        yield running


@pytest.fixture(params=BACKENDS)
def own_central(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Central]:
    """A central store for one test only (it changes what every user's feed says)."""
    with running_central(request.param, tmp_path / "central", "regressions_own") as running:
        yield running


def _outbox_state(profile: Profile, version_id: str) -> tuple[OutboxState, str | None]:
    entry = profile.outbox_entry(version_id)
    assert entry is not None
    return entry.state, entry.last_error


# --- 1. a reset keeps the device's text of a form version it holds --------------------------


def test_a_reset_whose_feed_changed_a_form_version_in_use_keeps_the_devices_text(
    own_central: Central, tmp_path: Path
) -> None:
    central = own_central
    author = "fatima.elamrani"
    profile = open_device(tmp_path / "device", author)
    first, second = finalize_some(profile, 2, seed=61)
    with client_for(profile, central.url) as client:
        assert client.sync_once().complete
    form_id, form_version = first.form_id, first.form_version
    own_text = profile.engine(form_id, form_version).definition.model_dump(
        mode="json", exclude_none=True
    )
    # The server is restored from an older backup: it lost the second version, and its
    # copy of the first version's form says something else under the same version.
    server_loses(central, [second], author)
    definition = profile.engine(form_id, form_version).definition
    changed = definition.model_copy(
        update={"title": {lang: f"{text} (server)" for lang, text in definition.title.items()}}
    )
    with central.store.database.write() as connection:
        feed.append(connection, feed.form_changes(changed), central.config.clock())
    central.store.new_epoch()

    with client_for(profile, central.url) as client:
        report = client.sync_once()  # before the fix: FormRejected stopped the reload
        assert report.reset and report.complete, report.summary("en")
        key = f"{form_id}@{form_version}"
        assert any(key in note and "keeps its own text" in note for note in report.notes)
        # The sync went on past the reload: the digest check pushed the lost one again.
        assert report.drift_repaired == 1
        assert client.sync_once().complete
    kept = profile.engine(form_id, form_version).definition
    assert kept.model_dump(mode="json", exclude_none=True) == own_text
    assert profile.venues() and profile.pull_cursor() is not None
    assert_server_holds_exactly(central.store, author, [first, second])
    profile.close()


# --- 2. a correction whose base could not go yet is retried, not held ----------------------


def test_a_correction_whose_base_gets_503_until_retries_run_out_stays_retryable(
    central: Central, tmp_path: Path
) -> None:
    author = "youssef.benali"
    profile = open_device(tmp_path, author)
    (base,) = finalize_some(profile, 1, seed=62)
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
    # Both sides lost the base's delivery: the server (a restore) and the device (its
    # outbox row is back to pending, as if the receipt had never been recorded).
    server_loses(central, [base], author)
    forget_receipt(profile, base.version_id)
    assert _outbox_state(profile, base.version_id)[0] is OutboxState.PENDING
    base_puts: list[str] = []

    def unavailable(
        request: httpx.Request, forward: Callable[[httpx.Request], httpx.Response]
    ) -> httpx.Response:
        if request.method == "PUT" and request.url.path.endswith(f"/versions/{base.version_id}"):
            base_puts.append(request.url.path)
            return httpx.Response(503, request=request)
        return forward(request)

    fake = FakeTime()
    # One by one: the base goes alone after `unknown_base`, as it does for a correction
    # whose base is not in the same batch.
    with client_for(
        profile,
        central.url,
        fake=fake,
        retry=SHORT_RETRY,
        transport=transport_wrapping(unavailable),
        batch_size=1,
    ) as client:
        report = client.sync_once()
    assert base_puts, "the base's push never reached the failing server"
    problems = {p.version_id: p for p in report.failed}
    assert set(problems) == {base.version_id, correction.version_id}
    assert problems[correction.version_id].retryable, problems[correction.version_id]
    state, reason = _outbox_state(profile, correction.version_id)
    assert state is OutboxState.PENDING and reason
    assert _outbox_state(profile, base.version_id)[0] is OutboxState.PENDING
    assert report.held == 0 and report.pending == 2
    # Once the server answers again, both go without a person doing anything.
    with client_for(profile, central.url) as client:
        again = client.sync_once()
    assert again.complete and again.sent == [base.version_id, correction.version_id]
    held = server_versions(central.store, author)
    assert {base.version_id, correction.version_id} <= set(held)
    profile.close()


# --- 3. a failed drift repair is tried again next time --------------------------------------


def test_a_repush_that_failed_is_tried_again_on_the_next_sync(
    central: Central, tmp_path: Path
) -> None:
    author = "priscilla.wijngaarde"
    profile = open_device(tmp_path, author)
    versions = finalize_some(profile, 2, seed=63)
    lost = versions[1]
    with client_for(profile, central.url) as client:
        assert client.sync_once().complete
    server_loses(central, [lost], author)
    tries: list[str] = []

    def garbled(
        request: httpx.Request, forward: Callable[[httpx.Request], httpx.Response]
    ) -> httpx.Response:
        alone = request.method == "PUT" and request.url.path.endswith(
            f"/versions/{lost.version_id}"
        )
        batched = (
            request.url.path == "/v1/sync/push" and lost.version_id.encode() in request.content
        )
        if alone or batched:
            tries.append(request.url.path)
            return httpx.Response(200, content=b"<html>proxy error</html>", request=request)
        return forward(request)

    with client_for(profile, central.url, transport=transport_wrapping(garbled)) as client:
        failed = client.sync_once()
    assert tries, "the digest mismatch did not lead to a repush"
    assert failed.drift_repaired == 0
    assert any(note.startswith(lost.version_id[:8]) for note in failed.notes)
    assert lost.version_id not in server_versions(central.store, author)
    # Next time the pair (server, device) is the same as before; the repush is tried again.
    with client_for(profile, central.url) as client:
        report = client.sync_once()
        assert report.drift_repaired == 1 and report.complete, report.summary("en")
        assert client.sync_once().drift_repaired == 0
    assert_server_holds_exactly(central.store, author, versions)
    profile.close()


# --- 4. a partial upload holding every byte starts over -------------------------------------


def test_a_partial_upload_that_holds_every_byte_is_started_over(
    central: Central, tmp_path: Path
) -> None:
    author = "kevin.sitaldin"
    profile = open_device(tmp_path, author)
    (version,) = finalize_some(profile, 1, seed=64)
    assert version.attachments
    sha = version.attachments[0].sha256
    data = profile.read_attachment(sha)
    assert len(data) > 512  # more than one of the test's ranges
    # The server wrote the last range of an earlier upload and stopped before keeping it.
    source = tmp_path / "whole-upload"
    source.write_bytes(data)
    with central.store.blobs.partial(sha, author) as upload:
        upload.append(source, 0)
    ranges: list[str] = []

    def watch(
        request: httpx.Request, forward: Callable[[httpx.Request], httpx.Response]
    ) -> httpx.Response:
        if request.method == "PUT" and request.url.path == f"/v1/blobs/{sha}":
            ranges.append(request.headers.get("Content-Range", "whole"))
        return forward(request)

    fake = FakeTime()
    with client_for(profile, central.url, fake=fake, transport=transport_wrapping(watch)) as client:
        with central.client(author) as direct:
            head = direct.head(f"/v1/blobs/{sha}")
        assert head.status_code == 404 and head.headers["Upload-Offset"] == str(len(data))
        report = client.sync_once()
    assert report.complete, report.summary("en")
    assert report.sent == [version.version_id]
    assert ranges[0].startswith("bytes 0-"), ranges
    assert len(ranges) <= len(data) // 512 + 2  # one pass, no loop at the last byte
    assert sha in server_blobs(central.store)
    assert_no_corrupt_blob(central.store)
    assert_server_holds_exactly(central.store, author, [version])
    profile.close()


# --- 5. a version the server refuses on a drift repair is held, not left looking sent ------


def test_a_version_the_server_refuses_on_a_drift_repair_is_held_not_forgotten(
    central: Central, tmp_path: Path
) -> None:
    from fieldapp.store.seed import replay_answers
    from tests.support.store import sample_photo, walked

    # A coffeeshop inspection under an assignment that is not kevin's (it is elif's): the
    # central store refuses it. The device believes it sent (as after a seed, or a server
    # restored from an older backup): only the drift repair finds it missing.
    author = "kevin.sitaldin"
    profile = open_device(tmp_path, author)
    filled, place = walked(profile, "coffeeshop_inspection", 71)
    inspection_id = profile.start_inspection(
        "coffeeshop_inspection", venue_id=place["venue_id"], assignment_id="a-2026-001"
    )
    replay_answers(
        profile, inspection_id, filled, [sample_photo(n) for n in range(3)], random.Random(71)
    )
    version = profile.finalize(inspection_id)
    profile.mark_sent(version.version_id, "receipt of a server that lost it")
    with client_for(profile, central.url) as client:
        report = client.sync_once()
    assert version.version_id not in server_versions(central.store, author)
    # Not sent any more: held for a person, with the server's words, and the sync says so.
    state, error = _outbox_state(profile, version.version_id)
    assert state is OutboxState.HELD
    assert error and "assignment" in error
    assert [p.version_id for p in report.failed] == [version.version_id]
    assert not report.complete
    assert profile.inspection(inspection_id).status.value == "finalized"
    assert profile.outbox_counts().held == 1
    profile.close()


def test_a_row_reopened_without_a_comment_became_an_empty_colon() -> None:
    """An empty comment on a repeat's row (reopened without a comment) names the question
    and says nothing (the boa saw "Supervisor: #2: "); row comments with text keep their
    row's mark."""
    from fieldapp.protocol.models import QuestionComment
    from fieldapp.sync.changefeed import merge_comments

    merged = merge_comments(
        [
            QuestionComment(question="sales", row="r2", text=""),
            QuestionComment(question="sales", row="r3", text="Wie was de koper?"),
            QuestionComment(question="stock_photo", text=""),
        ],
        {"r2": 2, "r3": 3},
    )
    assert merged == {"sales": "#3: Wie was de koper?", "stock_photo": ""}
    assert merge_comments([QuestionComment(question="sales", row="r2", text="")], {"r2": 2}) == {
        "sales": ""
    }
