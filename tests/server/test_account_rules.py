"""Issue 14, findings 6, 10 and 11: accounts are made safely and revoked for real.

Deactivating signs a user out everywhere for good; a new password is long enough and not
a common one; a username is NFKC lowercase from a safe set, not confusable with another,
in a team that exists; and a legacy account with a bad name gets a refusal, not a 500.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from fieldapp.core.entities import Role
from fieldapp.core.errors import FieldappError
from fieldapp.server import schema
from fieldapp.server.identity import confusable_with, password_problem, username_problem
from tests.support.central import BACKENDS, BOA, Central, running_central

STRONG = "lantaarnpaal-op-de-hoek"


@pytest.fixture(scope="module", params=BACKENDS)
def central(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Central]:
    home = tmp_path_factory.mktemp("accounts")
    with running_central(request.param, home, "accounts") as running:
        yield running


def _add(central: Central, username: str, password: str = STRONG, **extra: object) -> None:
    with central.store.database.write() as connection:
        central.store.accounts.add_user(
            connection,
            username=username,
            display_name="Nieuwe Collega",
            role=Role.BOA,
            password=password,
            team=extra.pop("team", "team-centrum"),  # type: ignore[arg-type]
        )


def test_finding_6_deactivation_revokes_tokens_and_reactivation_does_not_revive_them(
    central: Central,
) -> None:
    _add(central, "tijdelijke.boa")
    answer = central.sign_in("tijdelijke.boa", STRONG)
    assert answer.status_code == 200
    token = answer.json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    with central.client() as anonymous:
        assert anonymous.get("/v1/sync/meta", headers=headers).status_code == 200
    accounts = central.store.accounts
    with central.store.database.write() as connection:
        assert accounts.set_active(connection, "tijdelijke.boa", False)
    with central.store.database.write() as connection:
        assert accounts.set_active(connection, "tijdelijke.boa", True)
    with central.client() as anonymous:
        refused = anonymous.get("/v1/sync/meta", headers=headers)
    assert refused.status_code == 401
    assert refused.json()["code"] == "token_revoked"
    # Signing in again works: the account is active, only the old token is gone.
    assert central.sign_in("tijdelijke.boa", STRONG).status_code == 200


@pytest.mark.parametrize(
    "password", ["demo", "geheim-1", "password1234", "qwerty123456", "aaaaaaaaaaaaaaa"]
)
def test_finding_10_short_and_common_passwords_are_refused(central: Central, password: str) -> None:
    with pytest.raises(FieldappError, match="password"):
        _add(central, "zwak.wachtwoord", password)
    with central.store.database.write() as connection, pytest.raises(FieldappError):
        central.store.accounts.set_password(connection, BOA, password)
    assert password_problem(STRONG, "someone") is None


@pytest.mark.parametrize(
    ("username", "why"),
    [
        ("../../etc/passwd", "2 to 64"),
        ("Fatima.Elamrani", "lowercase"),
        ("ｊoost", "lowercase"),  # fullwidth j: NFKC makes it 'joost'
        ("jo..st", "'..'"),
        ("fatirna.elamrani", "looks too much like fatima.elamrani"),
        ("j0ost.vandermeer", "looks too much like joost.vandermeer"),
        ("elif.yi1diz", "looks too much like elif.yildiz"),
    ],
)
def test_finding_11_bad_and_confusable_usernames_are_refused(
    central: Central, username: str, why: str
) -> None:
    with pytest.raises(FieldappError, match=why.replace(".", r"\.")):
        _add(central, username)


def test_finding_11_a_user_in_an_unknown_team_is_refused(central: Central) -> None:
    with pytest.raises(FieldappError, match="team-nergens"):
        _add(central, "nieuw.team", team="team-nergens")


def test_finding_11_sign_in_as_a_legacy_bad_username_is_refused_without_a_500(
    central: Central,
) -> None:
    hasher = central.store.accounts.hasher
    now = datetime.now(UTC)
    with central.store.database.write() as connection:
        connection.execute(
            schema.users.insert().values(
                username="../Legacy",
                display_name="Legacy",
                role="boa",
                team="team-centrum",
                pseudonym=None,
                languages='["nl"]',
                password_hash=hasher.hash(STRONG),
                active=True,
                created_at=now,
                updated_at=now,
            )
        )
    answer = central.sign_in("../Legacy", STRONG)
    assert answer.status_code == 403, answer.text
    assert "new name" in answer.json()["message"]["en"]
    with central.store.database.read() as connection:
        tokens = connection.execute(
            sa.select(sa.func.count())
            .select_from(schema.tokens)
            .where(schema.tokens.c.username == "../Legacy")
        ).scalar_one()
    assert tokens == 0


def test_the_rules_accept_the_demo_names_and_a_good_password() -> None:
    assert username_problem("mg-noord-3") is None
    assert confusable_with("mg-noord-3", ["mg-zuid-1", "mg-noord-1"]) is None
    assert password_problem("drie koffie zonder suiker", "fatima.elamrani") is None


def test_the_look_alike_index_named_another_twin_than_comparing_in_turn() -> None:
    """The look-alike index (`LookAlikes`, made for registers of many people) answers as
    comparing the name with each earlier name in turn did: the first look-alike in the
    order given, and one beside the name itself too (review of the index's first version:
    "Ilja" against "IIja" and "1lja" named the later one; "joost" among "joost" and
    "j0ost" found none)."""
    assert confusable_with("Ilja", ["IIja", "1lja"]) == "IIja"
    assert confusable_with("Ilja", ["1lja", "IIja"]) == "1lja"
    assert confusable_with("joost", ["joost", "j0ost"]) == "j0ost"
    assert confusable_with("joost", ["anna", "piet"]) is None
