"""The `fieldapp server` verb and its admin verbs, and the schema its migrations build."""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from fieldapp.cli import main
from fieldapp.core.errors import FieldappError
from fieldapp.core.locations import PROJECT_ROOT, forms_directory, seeds_directory
from fieldapp.server import schema
from fieldapp.server.central import CentralStore
from fieldapp.server.config import ServerConfig
from fieldapp.server.database import SCHEMA_VERSION
from tests.support.central import BACKENDS, database_url, require_backend, test_config


def _add_team(home: Path, team: str) -> None:
    """A team to put accounts in (teams come from the world file; there is no verb yet)."""
    store = CentralStore(ServerConfig(home=home))
    try:
        store.migrate()
        with store.database.write() as connection:
            connection.execute(
                schema.teams.insert().values(
                    team_id=team, name=team, supervisor="nobody", payload="{}"
                )
            )
    finally:
        store.close()


def _run(monkeypatch: pytest.MonkeyPatch, *argv: str, stdin: str = "") -> int:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return main(list(argv))


def test_admin_verbs_manage_accounts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    home = str(tmp_path)
    _add_team(tmp_path, "team-centrum")
    assert (
        _run(
            monkeypatch,
            "server",
            "--home",
            home,
            "adduser",
            "nieuwe.boa",
            "--role",
            "boa",
            "--display-name",
            "Nieuwe Boa",
            "--team",
            "team-centrum",
            "--password-stdin",
            stdin="lantaarn-en-fiets-1\n",
        )
        == 0
    )
    # The verbs run on their own store, like a second process: without the principal cache
    # this store sees their revocations at once (the cache's bound is tested on its own, in
    # tests/server/test_principal_cache.py).
    store = CentralStore(ServerConfig(home=tmp_path, principal_cache_seconds=0))
    try:
        token, _, principal = store.accounts.sign_in("nieuwe.boa", "lantaarn-en-fiets-1", None)
        assert principal.team == "team-centrum"
        assert store.accounts.authenticate(token).username == "nieuwe.boa"
        passwd = ("server", "passwd", "nieuwe.boa", "--home", home, "--password-stdin")
        assert _run(monkeypatch, *passwd, stdin="lantaarn-en-fiets-2\n") == 0
        with pytest.raises(Exception, match="revoked"):
            store.accounts.authenticate(token)
        with pytest.raises(Exception, match="not right"):
            store.accounts.sign_in("nieuwe.boa", "lantaarn-en-fiets-1", None)
        token, _, _ = store.accounts.sign_in("nieuwe.boa", "lantaarn-en-fiets-2", None)
        assert _run(monkeypatch, "server", "revoke-tokens", "nieuwe.boa", "--home", home) == 0
        with pytest.raises(Exception, match="revoked"):
            store.accounts.authenticate(token)
        assert _run(monkeypatch, "server", "deactivate", "nieuwe.boa", "--home", home) == 0
        with pytest.raises(Exception, match="deactivated"):
            store.accounts.sign_in("nieuwe.boa", "lantaarn-en-fiets-2", None)
        assert _run(monkeypatch, "server", "users", "--home", home) == 0
        assert "nieuwe.boa" in capsys.readouterr().out
        # A second account with the same name, or a mystery guest without a pseudonym: refused.
        for extra in (["nieuwe.boa", "--role", "boa"], ["mg-x", "--role", "mystery_guest"]):
            code = _run(
                monkeypatch,
                "server",
                "adduser",
                *extra,
                "--display-name",
                "X",
                "--home",
                home,
                "--password-stdin",
                stdin="lantaarn-en-fiets-3\n",
            )
            assert code == 1
        assert _run(monkeypatch, "server", "load-forms", "--home", home) == 0
        assert _run(monkeypatch, "server", "new-epoch", "--home", home) == 0
        assert _run(monkeypatch, "server", "migrate", "--home", home) == 0
        with store.database.read() as connection:
            forms = connection.execute(sa.select(schema.forms.c.form_id)).scalars().all()
            actions = connection.execute(sa.select(schema.audit_log.c.action)).scalars().all()
        assert sorted(forms) == ["coffeeshop_inspection", "door_test", "neighbourhood_patrol"]
        assert actions == [
            "user.add",
            "user.password",
            "user.revoke_tokens",
            "user.deactivate",
            # load-forms loads the shipped sanction policy beside the forms (issue 13).
            "policy.load",
        ]
        # --demo loads only into an empty store: this one holds accounts.
        with pytest.raises(FieldappError, match="empty"):
            store.load_demo(seeds_directory(), forms_directory())
    finally:
        store.close()


@pytest.mark.parametrize("backend", BACKENDS)
def test_migrations_build_exactly_the_declared_schema_and_run_once(
    backend: str, tmp_path: Path
) -> None:
    require_backend(backend)
    with database_url(backend, "schema") as url:
        store = CentralStore(test_config(tmp_path, url))
        try:
            assert store.migrate() == 0
            assert store.migrate() == SCHEMA_VERSION
            inspector = sa.inspect(store.database.engine)
            tables = set(inspector.get_table_names())
            # Alembic keeps its revision; the hand-written list's table is only in old ones.
            assert tables == set(schema.metadata.tables) - {"schema_migrations"} | {
                "alembic_version"
            }
            for name, table in schema.metadata.tables.items():
                if name == "schema_migrations":
                    continue
                columns = {column["name"] for column in inspector.get_columns(name)}
                assert columns == {column.name for column in table.columns}, name
                indexes = {index["name"] for index in inspector.get_indexes(name)}
                assert {str(index.name) for index in table.indexes} <= indexes, name
            unique = inspector.get_unique_constraints("versions")
            assert any(set(u["column_names"]) == {"inspection_id", "seq"} for u in unique)
            assert store.load_demo(seeds_directory(), forms_directory()) is True
            assert store.load_demo(seeds_directory(), forms_directory()) is False
        finally:
            store.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_the_server_verb_serves_the_demo_world(tmp_path: Path) -> None:
    port = _free_port()
    environment = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "fieldapp",
            "server",
            "--home",
            str(tmp_path),
            "--port",
            str(port),
            "--demo",
        ],
        cwd=PROJECT_ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, process.stdout.read() if process.stdout else ""
            try:
                if httpx.get(f"{url}/v1/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.1)
        answer = httpx.post(
            f"{url}/v1/auth/token", json={"username": "elif.yildiz", "password": "demo"}
        )
        assert answer.status_code == 200
        assert answer.json()["account"]["team"] == "team-west"
        assert (tmp_path / "central.db").exists()
    finally:
        process.terminate()
        try:
            output, _ = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
    assert b"Loaded the demo world" in output


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_version_1_database_gains_blob_holders_and_keeps_complete_versions_complete(
    backend: str, tmp_path: Path
) -> None:
    require_backend(backend)
    with database_url(backend, "v1to2") as url:
        store = CentralStore(test_config(tmp_path, url))
        try:
            store.migrate()
            store.load_demo(seeds_directory(), forms_directory())
            now = store.config.clock()
            with store.database.write() as connection:
                # A version of schema 1: a blob, a version naming it, no holders table.
                connection.execute(
                    schema.blobs.insert().values(
                        sha256="a" * 64, size=3, uploaded_by="fatima.elamrani", stored_at=now
                    )
                )
                connection.execute(sa.text("DROP TABLE blob_holders"))
                connection.execute(sa.text("DROP INDEX ix_access_log_at"))
                connection.execute(sa.text("ALTER TABLE access_log DROP COLUMN client"))
                connection.execute(sa.text("DROP TABLE venue_history"))
                connection.execute(sa.text("ALTER TABLE forms DROP COLUMN retired_at"))
                # Nor the profile keys of schema 4.
                connection.execute(sa.text("ALTER TABLE users DROP COLUMN profile_key"))
                # Made by the hand-written migrations, before Alembic and before follow-up.
                connection.execute(sa.text("DROP TABLE alembic_version"))
                for table in ("action_blobs", "actions", "measures", "venue_findings", "policies"):
                    connection.execute(sa.text(f"DROP TABLE {table}"))
                schema.schema_migrations.create(connection)
                connection.execute(
                    schema.schema_migrations.insert().values(version=1, applied_at=now)
                )
            assert store.migrate() == 1
            with store.database.read() as connection:
                holders = connection.execute(
                    sa.select(schema.blob_holders.c.sha256, schema.blob_holders.c.username)
                ).all()
            assert [tuple(row) for row in holders] == [("a" * 64, "fatima.elamrani")]
            assert store.migrate() == SCHEMA_VERSION
        finally:
            store.close()


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_hand_migrated_schema_4_database_is_taken_over_by_alembic(
    backend: str, tmp_path: Path
) -> None:
    """A central store of the release before Alembic (schema 4, `schema_migrations`) keeps
    its data, gains the follow-up tables and is Alembic's from then on."""
    from fieldapp.server.database import MIGRATIONS, current_version

    require_backend(backend)
    with database_url(backend, "legacy") as url:
        store = CentralStore(test_config(tmp_path, url))
        try:
            now = store.config.clock()
            with store.database.write() as connection:
                # What the hand-written migrations made: schema 4, without schema 5's tables.
                for step in MIGRATIONS:
                    step(connection, now)
                for table in ("action_blobs", "actions", "measures", "venue_findings", "policies"):
                    connection.execute(sa.text(f"DROP TABLE {table}"))
                connection.execute(
                    schema.schema_migrations.insert(),
                    [{"version": v, "applied_at": now} for v in range(1, len(MIGRATIONS) + 1)],
                )
                epoch = connection.execute(sa.select(schema.server_state.c.epoch)).scalar_one()
            assert store.migrate() == 4
            with store.database.read() as connection:
                assert current_version(connection) == SCHEMA_VERSION
                inspector = sa.inspect(connection)
                assert inspector.has_table("measures") and inspector.has_table("alembic_version")
                # The history is the same one: devices keep their cursors.
                assert (
                    connection.execute(sa.select(schema.server_state.c.epoch)).scalar_one() == epoch
                )
            assert store.migrate() == SCHEMA_VERSION
        finally:
            store.close()


def test_a_dba_gets_the_schema_as_sql_without_a_database(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from fieldapp.cli import main

    assert main(["server", "migrate", "--sql", "postgresql"]) == 0
    sql = capsys.readouterr().out
    assert "CREATE TABLE inspections" in sql and "CREATE TABLE measures" in sql
    assert "CREATE INDEX ix_inspections_team_updated" in sql
    assert "UPDATE alembic_version SET version_num='0005'" in sql
    # The number the server reports is Alembic's head.
    from alembic.script import ScriptDirectory

    from fieldapp.server.database import alembic_config

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head == f"{SCHEMA_VERSION:04d}"
