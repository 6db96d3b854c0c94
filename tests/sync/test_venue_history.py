"""A venue's history reaches a boa's device and fills in the coffeeshop form's repeat question.

Real path: a J finding is pushed and approved on a real central store; the boa's device
syncs and keeps the venue's summary; a new inspection there starts with
`previous_violation` answered from it, and a venue without history with "no".
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from fieldapp.app.inspections import prefill_answers
from fieldapp.core.entities import Role, User
from tests.server.test_followup import MINOR_INSIDE, coffeeshop_version
from tests.support.central import (
    BOA_WEST,
    MYSTERY_GUEST,
    SUPERVISOR_CENTRUM,
    Central,
    push,
    running_central,
)
from tests.support.samples import SampleWorld
from tests.support.sync import client_for, open_device

SHOP = "cs-pietheinst-96"
QUIET = "cs-zoutman-78"


@pytest.fixture(scope="module")
def central(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Central]:
    with running_central("sqlite", tmp_path_factory.mktemp("history"), "history") as running:
        yield running


def test_a_boas_device_keeps_the_venue_history_and_prefills_the_repeat_question(
    central: Central, tmp_path: Path
) -> None:
    samples = SampleWorld.load()
    version = coffeeshop_version(
        samples, ("history", 1), SHOP, datetime(2026, 10, 2, 21, 0), **MINOR_INSIDE
    )
    with central.client(BOA_WEST) as boa:
        assert push(boa, version).status_code == 201
    with central.client(SUPERVISOR_CENTRUM) as supervisor:
        approved = supervisor.post(
            f"/v1/inspections/{version.inspection_id}/approve",
            json={
                "event_id": hashlib.md5(b"history").hexdigest(),
                "version_id": version.version_id,
            },
        )
        assert approved.status_code == 200, approved.text

    device = open_device(tmp_path / "boa", BOA_WEST)
    with client_for(device, central.url) as client:
        assert client.sync_once().complete
    history = device.venue_summary(SHOP)
    assert history is not None and history.previous_violation
    assert [rep.ladder_id for rep in history.repetitions] == ["coffeeshop_j"]
    assert history.last_visits[0].inspection_id == version.inspection_id
    assert device.venue_summary(QUIET) is None

    engine = device.engine("coffeeshop_inspection")
    user = User(username=BOA_WEST, display_name="Elif Yıldız", role=Role.BOA, team="team-west")
    known = device.pull_cursor() is not None
    repeat = prefill_answers(engine, user, None, None, None, history, history_known=known)
    assert repeat["previous_violation"] == "yes"
    quiet = prefill_answers(engine, user, None, None, None, None, history_known=known)
    assert quiet["previous_violation"] == "no"
    # Before any sync the device cannot know: the boa answers.
    assert "previous_violation" not in prefill_answers(engine, user, None, None, None, None)
    device.close()

    guest = open_device(tmp_path / "guest", MYSTERY_GUEST)
    with client_for(guest, central.url) as client:
        assert client.sync_once().complete
    assert guest.venue_summary(SHOP) is None  # door-test testers see nothing of it
    guest.close()
