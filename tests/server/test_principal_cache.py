"""The principal cache (issue 18): a token's principal is read from the database once and
then served from memory for a short while, and no change to accounts, tokens or teams is
ever missed in the process that made it; another process sees it within the cache time,
and on PostgreSQL at once (the commit's notice).

Real central stores (SQLite and PostgreSQL) on 127.0.0.1; statements are counted with
SQLAlchemy's own cursor events on the store's engine.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa

from fieldapp.core.entities import Role
from fieldapp.server.central import CentralStore
from fieldapp.server.errors import ApiError
from fieldapp.server.principals import listener_name
from tests.support.central import (
    ADMIN,
    BACKENDS,
    BOA,
    BOA_WEST,
    Central,
    running_central,
)


@pytest.fixture(scope="module", params=BACKENDS)
def central(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Central]:
    home = tmp_path_factory.mktemp("principals")
    with running_central(request.param, home, "principals") as running:
        yield running


@contextmanager
def counted(store: CentralStore) -> Iterator[list[str]]:
    """Every SQL statement the store's engine sends while the block runs."""
    seen: list[str] = []

    def record(*args: object) -> None:
        seen.append(str(args[2]))

    sa.event.listen(store.database.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa.event.remove(store.database.engine, "before_cursor_execute", record)


def test_every_request_read_its_principal_from_the_database(central: Central) -> None:
    """Before: each request paid a join of tokens and users and a query of the teams it
    supervises. Now a token seen a moment ago costs no statement at all."""
    accounts = central.store.accounts
    token = central.token(BOA)
    accounts.authenticate(token)
    with counted(central.store) as first:
        accounts._principals.clear()  # as if first seen now
        accounts.authenticate(token)
    with counted(central.store) as again:
        principal = accounts.authenticate(token)
    assert first and again == []
    assert principal.username == BOA
    with central.client(BOA) as boa:
        assert boa.get("/v1/sync/meta").status_code == 200


def test_a_revocation_deactivation_or_move_counts_at_once_in_this_process(
    central: Central,
) -> None:
    store = central.store
    accounts = store.accounts
    sign_in = central.sign_in(BOA_WEST)
    assert sign_in.status_code == 200
    token = str(sign_in.json()["access_token"])
    assert accounts.authenticate(token).team == "team-west"  # now cached

    store.administration.change_user(ADMIN, BOA_WEST, team="team-centrum")
    assert accounts.authenticate(token).team == "team-centrum"
    store.administration.change_user(ADMIN, BOA_WEST, team="team-west")

    store.administration.set_active(ADMIN, BOA_WEST, False)
    with pytest.raises(ApiError) as deactivated:
        accounts.authenticate(token)
    assert deactivated.value.status == 401
    store.administration.set_active(ADMIN, BOA_WEST, True)

    fresh = str(central.sign_in(BOA_WEST).json()["access_token"])
    assert accounts.authenticate(fresh).role is Role.BOA
    accounts.revoke(fresh)
    with pytest.raises(ApiError, match="revoked"):
        accounts.authenticate(fresh)
    with central.client() as anyone:
        answer = anyone.get("/v1/sync/meta", headers={"Authorization": f"Bearer {fresh}"})
    assert answer.status_code == 401


def test_another_process_sees_a_revocation_within_the_cache_time(
    central: Central, tmp_path: Path
) -> None:
    """A second store on the same database stands for a second server process (or the
    command line): its revocation reaches this process's cache after at most the cache
    time, never later."""
    seconds = central.config.principal_cache_seconds
    other = CentralStore(central.config)
    try:
        token = str(central.sign_in(BOA).json()["access_token"])
        central.store.accounts.authenticate(token)
        revoked_at = time.monotonic()
        other.accounts.revoke(token)
        while True:
            try:
                central.store.accounts.authenticate(token)
            except ApiError as refused:
                assert refused.status == 401
                break
            assert time.monotonic() - revoked_at <= seconds + 1.0, "the revocation never came"
            time.sleep(0.05)
        assert time.monotonic() - revoked_at <= seconds + 1.0
    finally:
        other.close()


def test_a_principal_read_between_the_clearing_and_the_commit_outlived_its_revocation(
    central: Central,
) -> None:
    """SQLAlchemy's commit event, where the cache was cleared, comes before the database's
    commit. A request that read the token in between still saw it valid, and kept it under
    the new generation: the revoked token then worked for the whole cache time."""
    accounts = central.store.accounts
    token = str(central.sign_in(BOA).json()["access_token"])
    accounts.authenticate(token)
    read_in_between: list[str] = []
    armed = threading.Event()

    def between(connection: sa.Connection) -> None:
        # Listened after the cache's own commit listener: its clearing is done, the
        # database's commit is not. Another request reads the token now. (On SQLite this
        # is the whole story; on PostgreSQL the commit's notice may clear the cache too.)
        if not armed.is_set() or not connection.info.get("fieldapp_principals_changed"):
            return
        armed.clear()
        reader = threading.Thread(
            target=lambda: read_in_between.append(accounts.authenticate(token).username)
        )
        reader.start()
        reader.join(20)

    sa.event.listen(central.store.database.engine, "commit", between)
    try:
        armed.set()
        accounts.revoke(token)
    finally:
        sa.event.remove(central.store.database.engine, "commit", between)
    assert read_in_between == [BOA], "the read in between should still have seen the token"
    with pytest.raises(ApiError, match="revoked"):
        accounts.authenticate(token)


def test_a_revocation_by_another_process_on_postgresql_waited_for_the_cache_time(
    tmp_path: Path,
) -> None:
    """Several workers (or servers) on one PostgreSQL each keep a cache: a token revoked
    through one was served by the others until their entries aged out. Now the revoking
    commit carries a notice every server process listens for."""
    with running_central(
        "postgresql", tmp_path / "central", "principal-notices", principal_cache_seconds=60
    ) as central:
        listener = central.store.accounts.changes
        assert listener.listening.wait(10), "the listener did not connect"
        other = CentralStore(central.config)  # another worker, server or the command line
        try:
            for _ in range(2):
                token = str(central.sign_in(BOA).json()["access_token"])
                central.store.accounts.authenticate(token)  # cached for a minute
                revoked_at = time.monotonic()
                other.accounts.revoke(token)
                _refused_within(central.store, token, revoked_at, 5.0)
                # The listener's connection lost: it connects again and hears again.
                with central.store.database.write() as connection:
                    schema = connection.execute(sa.text("SELECT current_schema()")).scalar()
                    killed = connection.execute(
                        sa.text(
                            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                            "WHERE application_name = :name AND pid <> pg_backend_pid()"
                        ),
                        {"name": listener_name(schema)},
                    ).all()
                assert killed, "no listener connection found"
                deadline = time.monotonic() + 10
                while listener.listening.is_set() and time.monotonic() < deadline:
                    time.sleep(0.02)
                assert listener.listening.wait(10), "the listener did not connect again"
        finally:
            other.close()


def _refused_within(store: CentralStore, token: str, since: float, seconds: float) -> None:
    while True:
        try:
            store.accounts.authenticate(token)
        except ApiError as refused:
            assert refused.status == 401
            return
        assert time.monotonic() - since <= seconds, "the revocation was not heard"
        time.sleep(0.02)


def test_a_change_in_another_schema_of_the_database_cleared_this_stores_cache(
    tmp_path: Path,
) -> None:
    """The notice names the schema of the store that changed: a store in another schema of
    the same database (the test suite runs many) leaves this one's cache alone."""
    with (
        running_central("postgresql", tmp_path / "here", "notices-here") as here,
        running_central("postgresql", tmp_path / "there", "notices-there") as there,
    ):
        listener = here.store.accounts.changes
        assert listener.listening.wait(10)
        accounts = here.store.accounts
        token, elsewhere = here.token(BOA), there.token(BOA)
        # Until the sign-ins' own notices have come and gone: twice served from the cache.
        deadline = time.monotonic() + 10
        while True:
            accounts.authenticate(token)
            time.sleep(0.2)
            with counted(here.store) as statements:
                accounts.authenticate(token)
            if not statements:
                break
            assert time.monotonic() < deadline, "the cache never settled"
        ignored = listener.ignored
        there.store.accounts.revoke(elsewhere)
        while listener.ignored == ignored:
            assert time.monotonic() < deadline + 5, "the other schema's notice never came"
            time.sleep(0.02)
        with counted(here.store) as statements:
            assert accounts.authenticate(token).username == BOA
        assert statements == []
