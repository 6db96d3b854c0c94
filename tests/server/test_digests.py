"""`POST /v1/sync/digests`: several people's digests in one question, each proven by a token.

Checked against what each person asking alone is told (`GET /v1/sync/digest`) and against
the versions table read directly, on both backends; a token that is no good gets an empty
answer, never someone else's digest; a question too large or malformed gets a 4xx.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import httpx
import pytest
import sqlalchemy as sa

from fieldapp.core.inspection import Attachment
from fieldapp.protocol.models import MAX_DIGEST_QUERY, MAX_TOKEN_CHARS, Digest, digest_of
from fieldapp.server import schema
from tests.support.central import (
    BACKENDS,
    BOA,
    BOA_SAME_TEAM,
    BOA_WEST,
    MYSTERY_GUEST,
    Central,
    make_version,
    push,
    running_central,
)


@pytest.fixture(scope="module", params=BACKENDS)
def central(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Central]:
    with running_central(request.param, tmp_path_factory.mktemp("digests"), "digests") as running:
        yield running


def _from_the_table(central: Central, author: str) -> tuple[int, str]:
    """An author's count and digest worked out from the versions table itself."""
    with central.store.database.read() as connection:
        ids = list(
            connection.execute(
                sa.select(schema.versions.c.version_id).where(schema.versions.c.author == author)
            ).scalars()
        )
    return len(ids), digest_of([str(v) for v in ids])


def _ask(client: httpx.Client, tokens: list[str]) -> httpx.Response:
    return client.post("/v1/sync/digests", json={"tokens": tokens})


def test_the_one_question_answers_each_person_what_asking_alone_answers(
    central: Central,
) -> None:
    photo = b"a photo that never arrives"
    waiting = make_version(
        BOA_SAME_TEAM,
        attachments=(
            Attachment(
                question="observation_photo",
                sha256=hashlib.sha256(photo).hexdigest(),
                size=len(photo),
            ),
        ),
    )
    with central.client(BOA) as boa, central.client(BOA_SAME_TEAM) as other:
        for _ in range(3):
            assert push(boa, make_version(BOA)).status_code == 201
        assert push(other, make_version(BOA_SAME_TEAM)).status_code == 201
        assert push(other, waiting).status_code == 201
        people = [BOA, BOA_SAME_TEAM, MYSTERY_GUEST, BOA_WEST]
        answer = _ask(boa, [central.token(person) for person in people])
        assert answer.status_code == 200, answer.text
        items = answer.json()["digests"]
        assert [item["username"] for item in items] == people
        for person, item in zip(people, items, strict=True):
            with central.client(person) as alone:
                asked_alone = Digest.model_validate(alone.get("/v1/sync/digest").json())
            told = Digest.model_validate(item["digest"])
            assert told == asked_alone
            assert (told.count, told.hash) == _from_the_table(central, person)
        assert Digest.model_validate(items[1]["digest"]).incomplete == [waiting.version_id]
        assert items[0]["digest"]["count"] >= 3


def test_a_token_that_is_no_good_gets_an_empty_answer_not_anothers_digest(
    central: Central,
) -> None:
    revoked = central.sign_in(BOA_WEST).json()["access_token"]
    central.store.accounts.revoke(revoked)
    with central.client(BOA) as boa:
        answer = _ask(boa, ["nonsense", revoked, central.token(BOA), "x" * MAX_TOKEN_CHARS])
    assert answer.status_code == 200, answer.text
    items = answer.json()["digests"]
    assert [item["username"] for item in items] == [None, None, BOA, None]
    assert [item["digest"] is None for item in items] == [True, True, False, True]


def test_a_question_too_large_or_malformed_gets_a_4xx(central: Central) -> None:
    token = central.token(BOA)
    with central.client(BOA) as boa:
        assert _ask(boa, [token] * MAX_DIGEST_QUERY).status_code == 200
        too_many = _ask(boa, [token] * (MAX_DIGEST_QUERY + 1))
        assert too_many.status_code == 422 and too_many.json()["problems"]
        assert _ask(boa, []).status_code == 422
        assert _ask(boa, ["x" * (MAX_TOKEN_CHARS + 1)]).status_code == 422
        assert _ask(boa, [""]).status_code == 422
        assert boa.post("/v1/sync/digests", json={"tokens": [1]}).status_code == 422
        assert boa.post("/v1/sync/digests", json={"tokens": token}).status_code == 422
        assert boa.post("/v1/sync/digests", json={"tokens": [token], "x": 1}).status_code == 422
        garbage = boa.post(
            "/v1/sync/digests",
            content=b"\x00\xff not json",
            headers={"Content-Type": "application/json"},
        )
        assert garbage.status_code == 400
    with httpx.Client(base_url=central.url, timeout=30) as anonymous:
        # Tokens in the body are no sign-in: the request itself must be signed in.
        unsigned = _ask(anonymous, [token])
        assert unsigned.status_code == 401 and unsigned.json()["code"] == "unauthenticated"


def test_tokens_the_digest_question_refused_left_no_trace_in_the_access_log(
    central: Central,
) -> None:
    """Every refused bearer token is written to the access log (app.py): a stolen or
    revoked token tried in `Authorization` is a row naming why. Tried in the body of the
    digest question instead, up to 32 at a time, the refusals left nothing: a way to test
    tokens unseen."""
    revoked = central.sign_in(BOA_WEST).json()["access_token"]
    central.store.accounts.revoke(revoked)
    unknown = "not-a-token-" + "y" * 40
    with central.client(BOA) as boa:
        answer = _ask(boa, [unknown, revoked])
    assert answer.status_code == 200, answer.text
    assert [item["username"] for item in answer.json()["digests"]] == [None, None]
    log = schema.access_log
    with central.store.database.read() as connection:
        details = (
            connection.execute(sa.select(log.c.detail).where(log.c.path == "/v1/sync/digests"))
            .scalars()
            .all()
        )
    assert any("unknown token" in detail for detail in details), details
    assert any(f"revoked token of {BOA_WEST}" in detail for detail in details), details
    # The tokens themselves are never written.
    assert not any(unknown in detail or revoked in detail for detail in details)
