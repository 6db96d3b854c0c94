"""Starting a real municipality without the demo: `fieldapp server init` and its first admin."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from fieldapp.cli import main
from fieldapp.core.entities import Role
from fieldapp.server import schema
from fieldapp.server.central import CentralStore
from fieldapp.server.config import ServerConfig

ADMIN_PASSWORD = "stadhuis-aan-het-spui-7"


def _run(monkeypatch: pytest.MonkeyPatch, *argv: str, stdin: str = "") -> int:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return main(list(argv))


def test_init_creates_an_empty_store_with_its_first_admin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    home = str(tmp_path / "central")
    monkeypatch.setenv("FIELDAPP_ADMIN_PASSWORD", ADMIN_PASSWORD)
    assert _run(monkeypatch, "server", "init", "--home", home, "--admin", "beheer") == 0
    out = capsys.readouterr().out
    assert "Next steps" in out and "import venues" in out and "publish-form" in out
    store = CentralStore(ServerConfig(home=Path(home)))
    try:
        _, _, principal = store.accounts.sign_in("beheer", ADMIN_PASSWORD, None)
        assert principal.role is Role.ADMIN
        with store.database.read() as connection:
            assert (
                connection.execute(
                    sa.select(sa.func.count()).select_from(schema.reference)
                ).scalar_one()
                == 0
            )
            actions = connection.execute(sa.select(schema.audit_log.c.action)).scalars().all()
            demo = connection.execute(sa.select(schema.server_state.c.demo)).scalar_one()
        assert actions == ["store.init"]
        assert not demo
    finally:
        store.close()
    # A second init would make a second "first" admin: refused, nothing changed.
    assert _run(monkeypatch, "server", "init", "--home", home, "--admin", "ander") == 1
    assert "already has accounts" in capsys.readouterr().err


def test_init_reads_the_password_from_stdin_and_applies_the_password_rules(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("FIELDAPP_ADMIN_PASSWORD", raising=False)
    home = str(tmp_path / "central")
    weak = _run(monkeypatch, "server", "init", "--home", home, "--password-stdin", stdin="admin1\n")
    assert weak == 1
    assert "password" in capsys.readouterr().err
    good = _run(
        monkeypatch, "server", "init", "--home", home, "--password-stdin", stdin=ADMIN_PASSWORD
    )
    assert good == 0
    store = CentralStore(ServerConfig(home=Path(home)))
    try:
        assert store.accounts.sign_in("admin", ADMIN_PASSWORD, None)[2].role is Role.ADMIN
    finally:
        store.close()
