"""A correction's replies to the supervisor's comments, as the central store takes them.

A reply travels inside the version's document (`"replies"`), so its content hash covers
it; the server checks it as strictly as an answer and refuses anything else with a 422
that names the problem, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from fieldapp.core.answers import MAX_REPLIES, MAX_REPLY_CHARS
from fieldapp.core.inspection import InspectionVersion, new_id
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
    with running_central(request.param, tmp_path_factory.mktemp("replies"), "replies") as running:
        yield running


def _with_replies(version: InspectionVersion, replies: Any) -> InspectionVersion:
    """The version with `replies` in its document, its content hash made to match."""
    document = {**version.document, "replies": replies}
    digest = InspectionVersion.hash_of(
        version.form_id, version.form_version, version.base_version_id, document, ()
    )
    return version.model_copy(update={"document": document, "content_hash": digest})


def _returned(central: Central, boa: httpx.Client) -> InspectionVersion:
    """A patrol pushed by the boa and returned with a comment on its notes."""
    first = make_version(BOA)
    assert push(boa, first).status_code == 201
    with central.client(SUPERVISOR_CENTRUM) as supervisor:
        answer = supervisor.post(
            f"/v1/inspections/{first.inspection_id}/return",
            json={
                "event_id": new_id(),
                "version_id": first.version_id,
                "comments": [{"question": "shift_summary", "text": "Welke straat precies?"}],
            },
        )
    assert answer.status_code == 200, answer.text
    return first


def _correction(first: InspectionVersion) -> InspectionVersion:
    return make_version(
        BOA, inspection_id=first.inspection_id, base=first.version_id, note="Rustige ronde, Spui"
    )


def test_a_correction_with_a_reply_is_stored_with_it_and_its_hash(central: Central) -> None:
    with central.client(BOA) as boa:
        first = _returned(central, boa)
        reply = {"question": "shift_summary", "row": None, "text": "De Spuistraat, bij nummer 12."}
        fixed = _with_replies(_correction(first), [reply])
        assert fixed.hash_matches()
        answer = push(boa, fixed)
        assert answer.status_code == 201, answer.text
        stored = boa.get(version_path(fixed)).json()["version"]
        assert stored["document"]["replies"] == [reply]
        assert stored["content_hash"] == fixed.content_hash
        detail = boa.get(f"/v1/inspections/{first.inspection_id}").json()
        assert detail["versions"][-1]["version"]["document"]["replies"] == [reply]
        # The same push again is a replay, answered as the first time.
        assert push(boa, fixed).status_code == 200


HOSTILE: list[tuple[str, Any, str]] = [
    ("not a list", "graag", "replies: a non-empty list"),
    ("an empty list", [], "replies: a non-empty list"),
    ("a bare string", ["De Spuistraat"], "replies[0]: a reply is"),
    ("a key missing", [{"question": "shift_summary", "text": "x"}], "replies[0]: a reply is"),
    (
        "an extra key",
        [{"question": "shift_summary", "row": None, "text": "x", "by": "iemand"}],
        "replies[0]: a reply is",
    ),
    (
        "an unknown question",
        [{"question": "no_such_question", "row": None, "text": "x"}],
        "replies[0].question: 'no_such_question' is no question",
    ),
    ("a number as question", [{"question": 7, "row": None, "text": "x"}], "replies[0].question"),
    (
        "an empty text",
        [{"question": "shift_summary", "row": None, "text": "  "}],
        "replies[0].text",
    ),
    (
        "a number as text",
        [{"question": "shift_summary", "row": None, "text": 12}],
        "replies[0].text",
    ),
    (
        "a text too long",
        [{"question": "shift_summary", "row": None, "text": "x" * (MAX_REPLY_CHARS + 1)}],
        f"longer than {MAX_REPLY_CHARS} characters",
    ),
    (
        "a row that does not exist",
        [{"question": "shift_summary", "row": "abc", "text": "x"}],
        "replies[0].row: not a row",
    ),
    (
        "a number as row",
        [{"question": "shift_summary", "row": 3, "text": "x"}],
        "replies[0].row: not a row",
    ),
    (
        "the same question twice",
        [
            {"question": "shift_summary", "row": None, "text": "een"},
            {"question": "shift_summary", "row": None, "text": "twee"},
        ],
        "one reply per question",
    ),
    (
        "out of canonical order",
        [
            {"question": "shift_summary", "row": None, "text": "een"},
            {"question": "area", "row": None, "text": "twee"},
        ],
        "not in canonical order",
    ),
    (
        "too many",
        [{"question": "shift_summary", "row": None, "text": "x"}] * (MAX_REPLIES + 1),
        f"at most {MAX_REPLIES}",
    ),
    (
        "a question the return did not comment on",
        [{"question": "area", "row": None, "text": "x"}],
        "the return made no comment on 'area'",
    ),
]


@pytest.mark.parametrize(("case", "replies", "problem"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_replies_are_a_422_naming_the_problem_and_store_nothing(
    central: Central, case: str, replies: Any, problem: str
) -> None:
    with central.client(BOA) as boa:
        first = _returned(central, boa)
        fixed = _with_replies(_correction(first), replies)
        answer = push(boa, fixed)
        assert answer.status_code == 422, (case, answer.text)
        body = answer.json()
        assert body["code"] == "invalid"
        assert any(problem in line for line in body["problems"]), body["problems"]
        assert boa.get(version_path(fixed)).status_code == 404


def test_replies_in_a_first_version_or_to_a_base_never_returned_are_refused(
    central: Central,
) -> None:
    reply = [{"question": "shift_summary", "row": None, "text": "Zie foto 2."}]
    with central.client(BOA) as boa:
        alone = _with_replies(make_version(BOA), reply)
        answer = push(boa, alone)
        assert answer.status_code == 422
        assert "only a correction" in answer.json()["problems"][0]
        first = make_version(BOA)
        assert push(boa, first).status_code == 201
        unasked = _with_replies(_correction(first), reply)
        answer = push(boa, unasked)
        assert answer.status_code == 422
        assert "was not returned" in answer.json()["problems"][0]
        # A base the server never saw is the push's to refuse, as for any correction: the
        # device then sends the base first and the correction again.
        orphan = _with_replies(make_version(BOA, base=new_id()), reply)
        answer = push(boa, orphan)
        assert answer.status_code == 409 and answer.json()["code"] == "unknown_base"
