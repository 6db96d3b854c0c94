"""The administration verbs of `fieldapp server`: a municipality set up from the command line."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from fieldapp.cli import main
from fieldapp.core.formfile import form_files
from fieldapp.core.locations import forms_directory
from fieldapp.server.central import CentralStore
from fieldapp.server.config import ServerConfig

AREAS = (
    "id;name;district;fireworks_free_zone\n"
    "centrum;Centrum;Centrum;nee\n"
    "duinoord;Duinoord;Segbroek;ja\n"
)
VENUES = (
    "id,name,kind,street,house_number,postcode,lat,lon,area,permit_number\n"
    "cs-spui-1,Spui Een,coffeeshop,Spui,1,2511 BL,52.0776,4.3170,centrum,DH-CS-900\n"
)
TEAMS = "id,name,supervisor,areas\nteam-stad,Team Stad,sara.lead,centrum\n"
USERS = (
    "username,display_name,role,team,languages\n"
    "sara.lead,Sara Lead,supervisor,,nl en\n"
    "tom.boa,Tom Boa,boa,team-stad,nl\n"
)


def _run(monkeypatch: pytest.MonkeyPatch, *argv: str) -> int:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    return main(list(argv))


def test_a_municipality_is_set_up_from_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    home = str(tmp_path / "central")
    files = tmp_path / "files"
    files.mkdir()
    for name, text in (
        ("areas.csv", AREAS),
        ("venues.csv", VENUES),
        ("teams.csv", TEAMS),
        ("users.csv", USERS),
    ):
        (files / name).write_text(text, encoding="utf-8")
    monkeypatch.setenv("FIELDAPP_ADMIN_PASSWORD", "stadhuis-aan-het-spui-7")
    assert _run(monkeypatch, "server", "init", "--home", home) == 0
    assert (
        _run(monkeypatch, "server", "import", "areas", "--home", home, str(files / "areas.csv"))
        == 0
    )
    assert "areas: 2 added" in capsys.readouterr().out

    venues = str(files / "venues.csv")
    assert _run(monkeypatch, "server", "import", "venues", "--home", home, venues, "--dry-run") == 0
    assert "dry run, nothing written" in capsys.readouterr().out
    assert _run(monkeypatch, "server", "import", "venues", "--home", home, venues) == 0
    assert "venues: 1 added, 0 changed, 0 unchanged" in capsys.readouterr().out
    assert _run(monkeypatch, "server", "import", "venues", "--home", home, venues) == 0
    assert "venues: 0 added, 0 changed, 1 unchanged" in capsys.readouterr().out

    broken = files / "broken.csv"
    broken.write_text(VENUES.replace("2511 BL", "2511"), encoding="utf-8")
    assert _run(monkeypatch, "server", "import", "venues", "--home", home, str(broken)) == 1
    err = capsys.readouterr().err
    assert "row 2, column postcode" in err and "nothing changed" in err

    users = ("server", "import", "users", "--home", home, str(files / "users.csv"))
    assert _run(monkeypatch, *users, "--teams", str(files / "teams.csv")) == 0
    out = capsys.readouterr().out
    assert "one-time password for tom.boa: " in out
    password = out.split("one-time password for tom.boa: ")[1].split()[0]

    team = ("server", "team", "add", "team-duin", "--home", home)
    assert (
        _run(
            monkeypatch, *team, "--name", "Duin", "--supervisor", "sara.lead", "--area", "duinoord"
        )
        == 0
    )
    assert (
        _run(monkeypatch, "server", "team", "rename", "team-duin", "Team Duin", "--home", home) == 0
    )

    patrol = forms_directory() / "neighbourhood_patrol.yaml"
    bad_form = files / "patrol.yaml"
    bad_form.write_text(patrol.read_text(encoding="utf-8").replace("questions:", "questions: [", 1))
    capsys.readouterr()
    assert _run(monkeypatch, "server", "publish-form", "--home", home, str(bad_form)) == 1
    assert f"{bad_form}:" in capsys.readouterr().err
    for form in form_files(forms_directory()):
        assert _run(monkeypatch, "server", "publish-form", "--home", home, str(form)) == 0
    assert _run(monkeypatch, "server", "retire-form", "door_test", "2026.3", "--home", home) == 0
    capsys.readouterr()
    assert _run(monkeypatch, "server", "forms", "--home", home) == 0
    listing = capsys.readouterr().out
    assert "neighbourhood_patrol" in listing and "retired" in listing
    assert _run(monkeypatch, "server", "forms", "--json", "--home", home) == 0
    listed = json.loads(capsys.readouterr().out)
    retired = {(f["form_id"], f["form_version"]) for f in listed if f["retired"]}
    assert retired == {("door_test", "2026.3")}

    store = CentralStore(ServerConfig(home=Path(home)))
    try:
        _, _, principal = store.accounts.sign_in("tom.boa", password, None)
        assert principal.team == "team-stad"
        teams = {team["id"]: team["name"] for team in store.administration.teams()}
        assert teams == {"team-stad": "Team Stad", "team-duin": "Team Duin"}
    finally:
        store.close()
