"""Issue 14, production setup: deploy/backup.sh and deploy/restore.sh lose nothing.

A device syncs, the store is backed up (pg_dump and the blob folder), the device syncs
more, the database is lost and restored into a new one with `new-epoch`; the device's
next sync finds the new epoch, reloads and sends what the backup missed. Runs against a
database of its own in the test cluster, dropped afterwards.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa

from fieldapp.core.locations import PROJECT_ROOT, forms_directory, seeds_directory
from fieldapp.server.app import create_app
from fieldapp.server.central import CentralStore
from fieldapp.server.runner import BackgroundServer
from tests.support.central import PG_URL, Central, require_backend, test_config
from tests.support.sync import (
    BOA,
    assert_server_holds_exactly,
    client_for,
    finalize_some,
    open_device,
)

DEPLOY = PROJECT_ROOT / "deploy"


@contextmanager
def _database(name: str) -> Iterator[str]:
    """A database of its own in the test cluster; its URL."""
    assert PG_URL is not None
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        yield sa.make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _lose_and_recreate(url: str) -> None:
    """The disaster: the database is gone; an empty one takes its place."""
    assert PG_URL is not None
    name = sa.make_url(url).database
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


@contextmanager
def _central(home: Path, url: str, load: bool) -> Iterator[Central]:
    config = test_config(home, url)
    store = CentralStore(config)
    app = create_app(config, store)
    if load:
        store.load_demo(seeds_directory(), forms_directory())
    server = BackgroundServer(app).start()
    try:
        yield Central(config=config, store=store, server=server, app=app)
    finally:
        server.stop()
        store.close()


def _script(name: str, argument: Path, url: str, home: Path) -> str:
    environment = {
        **os.environ,
        "FIELDAPP_DATABASE_URL": url,
        "FIELDAPP_HOME": str(home),
        "FIELDAPP_BLOB_STORAGE": "files",
        "FIELDAPP_COMMAND": f"{sys.executable} -m fieldapp",
    }
    done = subprocess.run(
        ["sh", str(DEPLOY / name), str(argument)],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.skipif(shutil.which("pg_dump") is None, reason="needs pg_dump and pg_restore")
def test_a_restored_backup_with_a_new_epoch_takes_the_device_again_without_loss(
    tmp_path: Path,
) -> None:
    require_backend("postgresql")
    home = tmp_path / "server"
    with _database(f"fa_backup_{secrets.token_hex(4)}") as url:
        profile = open_device(tmp_path / "device")
        try:
            before = finalize_some(profile, 2, seed=41)
            with _central(home, url, load=True) as central:
                with client_for(profile, central.url) as client:
                    assert client.sync_once().complete
                backup = Path(_script("backup.sh", tmp_path / "backups", url, home).strip())
                assert (backup / "central.dump").exists() and (backup / "blobs.tar").exists()
                after = finalize_some(profile, 2, seed=42)
                with client_for(profile, central.url) as client:
                    assert client.sync_once().complete
            _lose_and_recreate(url)
            shutil.rmtree(home / "blobs")
            output = _script("restore.sh", backup, url, home)
            assert "New epoch" in output
            with _central(home, url, load=False) as central:
                with client_for(profile, central.url) as client:
                    report = client.sync_once()
                    assert report.reset and report.complete
                    assert report.drift_repaired == 2  # the two the backup missed
                assert_server_holds_exactly(central.store, BOA, [*before, *after])
        finally:
            profile.close()
