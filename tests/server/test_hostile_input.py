"""Issue 14, findings 3 (shape), 4 and 8: what a push or a query may hold, on both backends.

A version must fit its form and the registry (422 with the reasons, nothing stored); input
that no database can hold (a lone surrogate, a date past the calendar, an id longer than
its column) is a 4xx, the same on SQLite and PostgreSQL; and a body whose structure alone
would take memory out of proportion is refused before it is parsed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from fieldapp.core.inspection import Attachment, InspectionVersion, PhotoPosition
from fieldapp.server import schema
from tests.support.central import (
    BACKENDS,
    BOA,
    SUPERVISOR_CENTRUM,
    Central,
    make_version,
    push,
    running_central,
    version_path,
)


@pytest.fixture(scope="module", params=BACKENDS)
def central(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Central]:
    home = tmp_path_factory.mktemp("hostile")
    with running_central(request.param, home, "hostile") as running:
        yield running


def _version(document: dict[str, Any] | None = None, **fields: Any) -> InspectionVersion:
    """A patrol version of the boa, with its content hash over the document given."""
    version = make_version(BOA, **fields)
    if document is None:
        return version
    digest = InspectionVersion.hash_of(
        version.form_id, version.form_version, None, document, version.attachments
    )
    return version.model_copy(update={"document": document, "content_hash": digest})


def _stored(central: Central, inspection_id: str) -> int:
    with central.store.database.read() as connection:
        return sum(
            connection.execute(
                sa.select(sa.func.count()).select_from(table).where(table.c.inspection_id == key)
            ).scalar_one()
            for table, key in (
                (schema.inspections, inspection_id),
                (schema.versions, inspection_id),
                (schema.conflicts, inspection_id),
            )
        )


ANSWERS = {"shift_summary": "Rustige ronde"}
UNFIT = {
    "empty document": _version({}),
    "unknown question": _version({"answers": {"no_such_question": "x"}, "repeats": {}}),
    "text for a number": _version({"answers": {"minutes_on_foot": "veel"}, "repeats": {}}),
    "unknown choice": _version({"answers": {"district": "atlantis"}, "repeats": {}}),
    "unknown repeat": _version({"answers": ANSWERS, "repeats": {"nope": []}}),
    "path-like venue": _version(venue_id="../../etc/passwd"),
    "unknown area": _version(area_id="atlantis"),
    "another boa's assignment": _version(assignment_id="a-2026-009"),
    "invented outcomes": _version(outcomes=tuple(f"made_up_{n}" for n in range(10_000))),
    "10,000-character venue id": _version(venue_id="v" * 10_000),
}


@pytest.mark.parametrize("case", list(UNFIT))
def test_finding_4_a_version_that_does_not_fit_its_form_is_refused_and_not_stored(
    central: Central, case: str
) -> None:
    version = UNFIT[case]
    with central.client(BOA) as boa:
        answer = push(boa, version)
    assert answer.status_code == 422, answer.text
    body = answer.json()
    assert body["code"] == "invalid"
    assert body["problems"], body
    assert _stored(central, version.inspection_id) == 0


def test_finding_4_a_version_that_fits_is_stored(central: Central) -> None:
    version = _version(
        {"answers": {"district": "centrum", "minutes_on_foot": 40, **ANSWERS}, "repeats": {}},
        area_id="centrum",
        assignment_id="a-2026-008",  # team-centrum's patrol
        outcomes=("referral_needed",),
    )
    with central.client(BOA) as boa:
        answer = push(boa, version)
    assert answer.status_code == 201, answer.text


def _raw_push(client: httpx.Client, version: InspectionVersion, text: str) -> httpx.Response:
    return client.put(
        version_path(version), content=text.encode(), headers={"Content-Type": "application/json"}
    )


@pytest.mark.parametrize("where", ["answer", "key"])
def test_finding_8_a_lone_surrogate_is_a_4xx_not_a_500(central: Central, where: str) -> None:
    version = _version()
    record = version.model_dump(mode="json")
    marker = "SURROGATE"
    if where == "answer":
        record["document"]["answers"]["notes"] = marker
    else:
        record["document"]["answers"] = {marker: "x"}
    text = json.dumps(record).replace(marker, "\\ud800")
    with central.client(BOA) as boa:
        answer = _raw_push(boa, version, text)
    assert answer.status_code == 422, answer.text
    assert "surrogate" in answer.json()["message"]["en"]
    assert _stored(central, version.inspection_id) == 0


def test_finding_8_a_nul_character_is_the_same_4xx_on_both_backends(central: Central) -> None:
    """PostgreSQL's text cannot hold NUL (a 500 there), SQLite can (stored): refused alike."""
    version = _version(venue_id="cs-weimar-12")
    text = version.model_dump_json().replace("cs-weimar-12", "cs-weimar-12\\u0000")
    with central.client(BOA) as boa:
        answer = _raw_push(boa, version, text)
        assert answer.status_code == 422, answer.text
        assert "NUL" in answer.json()["message"]["en"]
        queried = boa.get("/v1/inspections", params={"venue_id": "cs\x00x"})
        assert queried.status_code == 400 and "NUL" in queried.json()["message"]["en"]
        not_utf8 = boa.get("/v1/inspections?form_id=%ED%A0%80")
        assert not_utf8.status_code == 400
    signed_in = central.sign_in("fatima\x00", "whatever-it-is")
    assert signed_in.status_code == 422
    assert _stored(central, version.inspection_id) == 0


@pytest.mark.parametrize(
    "params",
    [
        {"since": "0001-01-01T00:00:00+14:00"},
        {"until": "9999-12-31T23:59:59-14:00"},
        {"since": "9999-12-31T23:59:59-14:00", "until": "0001-01-01T00:00:00+14:00"},
        {"after": "0001-01-01T00:00:00+14:00|" + "0" * 32},
    ],
)
def test_finding_8_extreme_since_and_until_are_a_4xx_not_a_500(
    central: Central, params: dict[str, str]
) -> None:
    with central.client(SUPERVISOR_CENTRUM) as supervisor:
        answer = supervisor.get("/v1/inspections", params=params)
    assert 400 <= answer.status_code < 500, answer.text


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({}, 422),
        ({"form_id": ""}, 422),
        ({"form_id": "f" * 65}, 422),
        ({"form_id": "door_test\x00"}, 400),
        ({"form_id": "door_test", "limit": "0"}, 422),
        ({"form_id": "door_test", "limit": "201"}, 422),
        ({"form_id": "door_test", "limit": "many"}, 422),
        ({"form_id": "door_test", "after": "0" * 33}, 422),
        ({"form_id": "door_test", "after": "../../etc"}, 400),
        ({"form_id": "door_test", "after": "G" * 32}, 400),
        ({"form_id": "door_test", "since": "0001-01-01T00:00:00+14:00"}, 422),
        ({"form_id": "door_test", "since": "yesterday"}, 422),
    ],
)
def test_an_export_page_asked_for_wrongly_is_a_4xx_not_a_500(
    central: Central, params: dict[str, str], status: int
) -> None:
    with central.client(SUPERVISOR_CENTRUM) as supervisor:
        answer = supervisor.get("/v1/export", params=params)
    assert answer.status_code == status, answer.text
    if status == 200:
        assert answer.json()["items"] == []


def test_finding_8_a_10000_character_venue_id_is_the_same_4xx_on_both_backends(
    central: Central,
) -> None:
    version = _version(venue_id="v" * 10_000)
    with central.client(BOA) as boa:
        answer = push(boa, version)
    assert answer.status_code == 422
    assert any(problem.startswith("venue_id") for problem in answer.json()["problems"])


@pytest.mark.parametrize(
    "shape",
    [
        "nested objects",
        "deep arrays",
        "many keys",
        "long string",
    ],
)
def test_finding_3_a_body_of_impossible_shape_is_refused_before_parsing(
    central: Central, shape: str
) -> None:
    version = _version()
    record = version.model_dump(mode="json")
    text = json.dumps(record)
    filler = {
        "nested objects": '{"a":{},"b":{}}' * 12_000,
        "deep arrays": "[" * 40 + "]" * 40,
        "many keys": "{" + ",".join(f'"k{n}":1' for n in range(70_000)) + "}",
        "long string": '"' + "x" * 300_000 + '"',
    }[shape]
    if shape == "nested objects":
        filler = "[" + filler.replace("}{", "},{") + "]"
    text = text.replace('"Rustige ronde"', filler)
    with central.client(BOA) as boa:
        answer = _raw_push(boa, version, text)
    assert answer.status_code == 422, answer.text[:300]
    assert "impossible shape" in answer.json()["message"]["en"]


# -- issue 15: a photo's entry with its time, position and the photo as taken ---------------

TAKEN = "a" * 64
MARKED = "b" * 64
SIGNED = "c" * 64
MOMENT = datetime(2026, 12, 4, 21, 14, tzinfo=timezone(timedelta(hours=1)))


def _photo(sha: str = TAKEN, question: str = "observation_photo", **details: Any) -> Attachment:
    return Attachment(question=question, sha256=sha, size=1000, media_type="image/jpeg", **details)


def _with_attachments(*attachments: Attachment) -> InspectionVersion:
    return make_version(BOA, attachments=attachments)


#: A marked photo and the photo as taken, as a device sends them.
MARKED_PAIR = (
    _photo(TAKEN, taken_at=MOMENT, position=PhotoPosition(lat=52.07712, lon=4.30012)),
    _photo(MARKED, original=TAKEN, taken_at=MOMENT),
)

UNFIT_PHOTOS = {
    "original not among the attachments": _with_attachments(_photo(MARKED, original=TAKEN)),
    "original of another question": _with_attachments(
        _photo(TAKEN, question="officer_signature"), _photo(MARKED, original=TAKEN)
    ),
    "its own original": _with_attachments(_photo(MARKED, original=MARKED)),
    "original that is itself marked": _with_attachments(
        _photo(TAKEN, original=SIGNED), _photo(SIGNED), _photo(MARKED, original=TAKEN)
    ),
    "a signature with a moment": _with_attachments(
        _photo(SIGNED, question="officer_signature", taken_at=MOMENT)
    ),
    "a signature with an original": _with_attachments(
        _photo(TAKEN, question="officer_signature"),
        _photo(MARKED, question="officer_signature", original=TAKEN),
    ),
    "one file twice": _with_attachments(_photo(TAKEN), _photo(TAKEN, taken_at=MOMENT)),
}


@pytest.mark.parametrize("case", list(UNFIT_PHOTOS))
def test_a_photo_entry_that_does_not_hold_together_is_refused_and_not_stored(
    central: Central, case: str
) -> None:
    version = UNFIT_PHOTOS[case]
    with central.client(BOA) as boa:
        answer = push(boa, version)
    assert answer.status_code == 422, answer.text
    assert answer.json()["code"] == "invalid"
    assert _stored(central, version.inspection_id) == 0


#: Entries no model of ours can hold, written into the JSON by hand: (attachment index,
#: key, value).
MALFORMED_PHOTOS: dict[str, tuple[int, str, Any]] = {
    "unknown key": (1, "annotations", [{"arrow": [1, 2, 3, 4]}]),
    "original not a hash": (1, "original", "../" + "a" * 61),
    "original in capitals": (1, "original", "A" * 64),
    "original a number": (1, "original", 7),
    "moment without offset": (0, "taken_at", "2026-12-04T21:14:00"),
    "moment not a moment": (0, "taken_at", "gisteravond"),
    "latitude past the pole": (0, "position", {"lat": 91.0, "lon": 4.3}),
    "position with a stray key": (0, "position", {"lat": 52.1, "lon": 4.3, "alt": 3}),
    "negative accuracy": (0, "position", {"lat": 52.1, "lon": 4.3, "accuracy": -1}),
    "position as text": (0, "position", "52.07712 4.30012"),
}


@pytest.mark.parametrize("case", list(MALFORMED_PHOTOS))
def test_a_malformed_photo_entry_is_a_422_and_not_stored(central: Central, case: str) -> None:
    version = _with_attachments(*MARKED_PAIR)
    record = version.model_dump(mode="json")
    index, key, value = MALFORMED_PHOTOS[case]
    record["attachments"][index][key] = value
    with central.client(BOA) as boa:
        answer = _raw_push(boa, version, json.dumps(record))
    assert answer.status_code == 422, answer.text
    assert _stored(central, version.inspection_id) == 0


def test_a_marked_photo_with_its_original_and_an_entry_of_before_both_fit(
    central: Central,
) -> None:
    """The new shape is accepted, and an entry without any of it (an older device's, or
    a version stored before) stays valid, its record and content hash unchanged."""
    marked = _with_attachments(*MARKED_PAIR)
    plain = _with_attachments(_photo(TAKEN))
    assert "original" not in plain.model_dump_json()
    assert plain.model_dump(mode="json")["attachments"][0] == {
        "question": "observation_photo",
        "sha256": TAKEN,
        "size": 1000,
        "media_type": "image/jpeg",
    }
    with central.client(BOA) as boa:
        for version in (marked, plain):
            answer = push(boa, version)
            assert answer.status_code == 201, answer.text
            assert set(answer.json()["missing_blobs"]) == {a.sha256 for a in version.attachments}
