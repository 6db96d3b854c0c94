"""Issue 15: a marked photo and the photo as taken both reach a real central store, where
the supervisor reviewing the inspection can open either; the entry's time and position
travel with them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldapp.app.inspections import StoreAnswerSink
from fieldapp.core.inspection import PhotoPosition
from fieldapp.store.images import street_photo
from tests.support.central import BACKENDS, Central, running_central
from tests.support.store import fill_draft
from tests.support.sync import (
    assert_server_holds_exactly,
    client_for,
    open_device,
    server_blobs,
    server_versions,
    supervisor_of,
)

HERE = PhotoPosition(lat=52.07712, lon=4.30012, accuracy=6.0)


@pytest.fixture(scope="module", params=BACKENDS)
def central(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Central]:
    with running_central(request.param, tmp_path_factory.mktemp("marks"), "marks") as running:
        yield running


def test_the_photo_as_taken_survives_a_sync_beside_its_marked_copy(
    central: Central, tmp_path: Path
) -> None:
    profile = open_device(tmp_path)
    draft = fill_draft(profile, "coffeeshop_inspection", seed=21)
    sink = StoreAnswerSink(profile, draft, lambda: HERE)
    taken = sink.save_attachment("stock_photo", None, street_photo(3), "image/jpeg")
    # The marked copy's bytes: any other photo stands in for the drawing here (the
    # drawing itself is tested through the screen in tests/ui/test_photo_marks.py).
    marked = sink.save_annotation("stock_photo", None, taken, street_photo(4), "image/jpeg")
    version = profile.finalize(draft)
    entries = {a.sha256: a for a in version.attachments}
    assert entries[marked].original == taken and entries[marked].position == HERE

    with client_for(profile, central.url) as client:
        report = client.sync_once()
    assert report.complete, report.summary("en")
    assert_server_holds_exactly(central.store, profile.username, [version])
    assert {taken, marked} <= server_blobs(central.store)
    held = server_versions(central.store, profile.username)[version.version_id]
    assert held["complete"]
    stored = {a["sha256"]: a for a in held["record"]["attachments"]}
    assert stored[marked]["original"] == taken
    assert stored[marked]["position"] == {"lat": 52.07712, "lon": 4.30012, "accuracy": 6.0}
    assert stored[taken]["taken_at"] == stored[marked]["taken_at"]

    # The supervisor in review reaches both: the marked one the answer shows, the original.
    with central.client(supervisor_of(profile.username)) as supervisor:
        # The bytes the device keeps (the marked copy with the photo's moment stamped in).
        for sha in (marked, taken):
            expected = profile.read_attachment(sha)
            answer = supervisor.get(f"/v1/blobs/{sha}")
            assert answer.status_code == 200, answer.text
            assert answer.content == expected
    profile.close()
