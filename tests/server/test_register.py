"""Imports of a municipality's registers: all or nothing, idempotent, counted, audited, fed.

The store is a real SQLite file or PostgreSQL schema, empty as after `server init`; what an
import did is read back from the tables and the change feed, not from its report alone.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from fieldapp.core.entities import Area, Venue
from fieldapp.core.locations import forms_directory
from fieldapp.server import feed, identity, schema
from fieldapp.server.administration import CLI_ACTOR, AdminRefusal
from fieldapp.server.central import CentralStore
from tests.support.central import BACKENDS, database_url, require_backend, test_config

AREAS_CSV = """id,name,district,fireworks_free_zone,coffeeshop_overconcentration
centrum,Centrum,Centrum,nee,nee
zeeheldenkwartier,Zeeheldenkwartier,Centrum,no,yes
duinoord,Duinoord,Segbroek,ja,nee
"""

VENUES_HEADER = (
    "id;name;kind;street;house_number;postcode;lat;lon;area;permit_number;operator;"
    "opening_hours;active\n"
)
VENUES_CSV = VENUES_HEADER + (
    "cs-zoutman-41;De Zoutman;coffeeshop;Zoutmanstraat;41;2518GP;52,0858;4,2950;"
    "zeeheldenkwartier;DH-CS-101;Zoutman BV;ma-zo 10:00-23:00;ja\n"
    "club-plein-22;Plein 22;club;Plein;22;2511 CS;52.0797;4.3135;centrum;;Plein Horeca;;ja\n"
    "bar-spui-5;Bar Spui;bar;Spui;5;2511 BL;52.0776;4.3170;centrum;;;;\n"
)

TEAMS_CSV = """id,name,supervisor,areas
team-centrum,Team Centrum,sanne.supervisor,centrum zeeheldenkwartier
"""
USERS_CSV = """username,display_name,role,team,pseudonym,languages
sanne.supervisor,Sanne de Vries,supervisor,,,nl en
bas.boa,Bas Bakker,boa,team-centrum,,nl
mila.boa,Mila Jansen,boa,team-centrum,,nl en
mg-test-1,fictief 1,mystery_guest,team-centrum,Tester Centrum-1,nl
"""


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[CentralStore]:
    require_backend(request.param)
    with database_url(request.param, "register") as url:
        central = CentralStore(test_config(tmp_path, url))
        central.migrate()
        try:
            yield central
        finally:
            central.close()


def _feed(store: CentralStore, kind: str) -> list[dict[str, object]]:
    with store.database.read() as connection:
        page = feed.page(connection, ["*", "team:team-centrum", "role:boa"], None, 10_000)
    return [change for change in page["changes"] if change["kind"] == kind]


def _position(store: CentralStore) -> int:
    with store.database.read() as connection:
        return feed.state(connection)[1]


def _count(store: CentralStore, table: sa.Table) -> int:
    with store.database.read() as connection:
        return int(connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


def _with_areas(store: CentralStore) -> None:
    report = store.register.import_areas(CLI_ACTOR, "areas.csv", AREAS_CSV.encode())
    assert (report.added, report.problems) == (3, [])


def test_a_venue_import_adds_then_changes_nothing_then_only_what_changed(
    store: CentralStore,
) -> None:
    _with_areas(store)
    first = store.register.import_venues(CLI_ACTOR, "venues.csv", VENUES_CSV.encode())
    assert (first.added, first.changed, first.unchanged, first.deactivated) == (3, 0, 0, 0)
    venues = store.register.venues()
    shop = venues["cs-zoutman-41"]
    # Postcode and decimal commas as a Dutch spreadsheet writes them, normalised.
    assert (shop.postcode, shop.lat, shop.lon) == ("2518 GP", 52.0858, 4.295)
    assert (shop.operator, shop.opening_hours, shop.active) == (
        "Zoutman BV",
        "ma-zo 10:00-23:00",
        True,
    )
    position = _position(store)
    again = store.register.import_venues(CLI_ACTOR, "venues.csv", VENUES_CSV.encode())
    assert (again.added, again.changed, again.unchanged) == (0, 0, 3)
    assert _position(store) == position, "a re-import must not touch the feed"

    changed = VENUES_CSV.replace("Plein 22;club", "Club Plein Tweeentwintig;club").replace(
        "bar-spui-5;Bar Spui;bar;Spui;5;2511 BL;52.0776;4.3170;centrum;;;;\n", ""
    )
    report = store.register.import_venues("beheer", "venues.csv", changed.encode(), sync=True)
    assert (report.added, report.changed, report.unchanged, report.deactivated) == (0, 1, 1, 1)
    venues = store.register.venues()
    assert venues["club-plein-22"].name == "Club Plein Tweeentwintig"
    assert venues["bar-spui-5"].active is False, "deactivated, never deleted"
    history = store.register.venue_history("club-plein-22")
    assert [edit.version for edit in history] == [1, 2]
    assert history[1].actor == "beheer"
    assert history[1].before is not None and history[1].before.name == "Plein 22"
    assert history[1].after.name == "Club Plein Tweeentwintig"
    fed = {str(c["venue"]["id"]): c for c in _feed(store, "venue")}  # type: ignore[index]
    assert fed["bar-spui-5"]["venue"]["active"] is False  # type: ignore[index]
    with store.database.read() as connection:
        actions = connection.execute(
            sa.select(schema.audit_log.c.action, schema.audit_log.c.subject).where(
                schema.audit_log.c.actor == "beheer"
            )
        ).all()
    assert sorted(actions) == [
        ("venue.change", "club-plein-22"),
        ("venue.deactivate", "bar-spui-5"),
    ]


def test_a_venue_file_with_problems_lists_each_with_row_and_column_and_changes_nothing(
    store: CentralStore,
) -> None:
    _with_areas(store)
    broken = VENUES_HEADER + (
        "cs-a;Shop A;coffeeshop;Straat;1;2511 AA;52.08;4.30;centrum;DH-1;;;\n"  # fine
        "cs-a;Shop A again;coffeeshop;Straat;2;2511 AA;52.08;4.30;centrum;DH-2;;;\n"  # row 3
        "cs-b;Shop B;coffeeshop;Straat;3;2511 AA;52.08;4.30;nowhere;DH-3;;;\n"  # row 4
        "cs-c;Shop C;coffeeshop;Straat;4;B-1000;52.08;4.30;centrum;DH-4;;;\n"  # row 5
        "cs-d;Shop D;coffeeshop;Straat;5;2511 AA;48.85;2.35;centrum;DH-5;;;\n"  # row 6
        "cs-e;;coffeeshop;Straat;6;2511 AA;52.08;4.30;centrum;DH-6;;;\n"  # row 7
    )
    before = (_position(store), _count(store, schema.reference), _count(store, schema.audit_log))
    with pytest.raises(AdminRefusal) as refused:
        store.register.import_venues(CLI_ACTOR, "venues.csv", broken.encode())
    problems = refused.value.problems
    assert refused.value.status == 422
    for expected in (
        "row 3, column id: 'cs-a' is used twice (first in row 2)",
        "row 4, column area: 'nowhere' is not an area",
        "row 5, column postcode: 'B-1000' is not a Dutch postcode (1234 AB)",
        "row 6, column lat: '48.85' lies outside the Netherlands",
        "row 6, column lon: '2.35' lies outside the Netherlands",
        "row 7, column name:",
    ):
        assert any(p.startswith(expected) for p in problems), (expected, problems)
    after = (_position(store), _count(store, schema.reference), _count(store, schema.audit_log))
    assert after == before, "nothing may change when the file has a problem"
    # The dry run shows the same problems and counts, and writes nothing either.
    preview = store.register.import_venues(CLI_ACTOR, "venues.csv", broken.encode(), dry_run=True)
    assert preview.problems == problems
    assert preview.dry_run and preview.added == 1
    assert (_position(store), _count(store, schema.reference)) == before[:2]


def test_import_problems_were_english_only_and_one_per_row(store: CentralStore) -> None:
    """Before: an administrator on the Dutch screen read every problem in English, and a row
    with a bad postcode hid its unknown area (and its unknown team) until the postcode was
    fixed: one round trip per problem. Now every problem of a row comes at once, in both
    languages, in row order."""
    _with_areas(store)
    broken = VENUES_HEADER + (
        "cs-x;Shop X;coffeeshop;Straat;1;B-1000;52.08;4.30;nergens;DH-9;;;\n"  # row 2
        "cs-y;;coffeeshop;Straat;2;2511 AA;48.85;4.30;centrum;DH-8;;;\n"  # row 3
    )
    report = store.register.import_venues(CLI_ACTOR, "venues.csv", broken.encode(), dry_run=True)
    assert report.problems == [
        "row 2, column postcode: 'B-1000' is not a Dutch postcode (1234 AB)",
        "row 2, column area: 'nergens' is not an area",
        "row 3, column lat: '48.85' lies outside the Netherlands",
        "row 3, column name: String should have at least 1 character",
    ]
    assert report.problems_nl == [
        "rij 2, kolom postcode: 'B-1000' is geen Nederlandse postcode (1234 AB)",
        "rij 2, kolom area: 'nergens' is geen wijk",
        "rij 3, kolom lat: '48.85' ligt buiten Nederland",
        "rij 3, kolom name: is leeg",
    ]
    users = USERS_CSV + "bad.boa,Bad Boa,boss,team-nergens,,nl\n"  # row 6: role and team
    with pytest.raises(AdminRefusal) as refused:
        store.register.import_users(CLI_ACTOR, "users.csv", users.encode())
    row_6 = [p for p in refused.value.problems_nl if p.startswith("rij 6")]
    assert any("kolom role: 'boss' is geen rol" in p for p in row_6), row_6
    assert any("kolom team: 'team-nergens' is geen team" in p for p in row_6), row_6
    assert len(refused.value.problems_nl) == len(refused.value.problems)


def test_an_id_used_twice_hid_behind_its_row_s_other_problems(store: CentralStore) -> None:
    """Before: an id used twice was found only when both rows were otherwise right, so the
    administrator mended a file's problems and was then told of a duplicate; and a Dutch
    file's "53,9" came back as "53.9" in the Dutch message. Every problem of a row comes at
    once, and a number is quoted as the file has it."""
    _with_areas(store)
    broken = VENUES_HEADER + (
        "cs-a;Shop A;coffeeshop;Straat;1;2511 AA;52.08;4.30;centrum;DH-1;;;\n"  # row 2
        "cs-a;Shop A2;coffeeshop;Straat;2;B-1000;52.08;4.30;centrum;DH-2;;;\n"  # row 3
        "cs-b;Shop B;coffeeshop;Straat;3;2511 AA;53,9;4.30;nergens;DH-3;;;\n"  # row 4
        "cs-b;Shop B2;coffeeshop;Straat;4;2511 AA;52.08;4.30;centrum;DH-4;;;\n"  # row 5
    )
    report = store.register.import_venues(CLI_ACTOR, "venues.csv", broken.encode(), dry_run=True)
    assert report.problems_nl == [
        "rij 3, kolom postcode: 'B-1000' is geen Nederlandse postcode (1234 AB)",
        "rij 3, kolom id: 'cs-a' staat er twee keer in (eerst in rij 2)",
        "rij 4, kolom lat: '53,9' ligt buiten Nederland",
        "rij 4, kolom area: 'nergens' is geen wijk",
        "rij 5, kolom id: 'cs-b' staat er twee keer in (eerst in rij 4)",
    ]
    assert report.added == 1


def test_an_excel_register_imports_like_the_csv(store: CentralStore) -> None:
    _with_areas(store)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for line in VENUES_CSV.splitlines():
        cells: list[object] = list(line.split(";"))
        if cells[0] != "id":
            # Excel hands numbers back as numbers: the house number and the coordinates.
            cells[4] = int(str(cells[4]))
            cells[6] = float(str(cells[6]).replace(",", "."))
            cells[7] = float(str(cells[7]).replace(",", "."))
        sheet.append(cells)
    data = io.BytesIO()
    book.save(data)
    report = store.register.import_venues(CLI_ACTOR, "Register.XLSX", data.getvalue())
    assert (report.added, report.problems) == (3, [])
    # The same register as CSV afterwards: nothing differs.
    again = store.register.import_venues(CLI_ACTOR, "venues.csv", VENUES_CSV.encode())
    assert (again.unchanged, again.changed) == (3, 0)
    with pytest.raises(AdminRefusal, match="not an Excel workbook"):
        store.register.import_venues(CLI_ACTOR, "venues.xlsx", b"PK\x03\x04 not a zip")


def test_areas_from_geojson_carry_a_boundary_that_finds_a_position(store: CentralStore) -> None:
    square = [[4.30, 52.07], [4.32, 52.07], [4.32, 52.09], [4.30, 52.09], [4.30, 52.07]]
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {
                    "id": "centrum",
                    "name": "Centrum",
                    "district": "Centrum",
                    "fireworks_free_zone": True,
                },
                "geometry": {"type": "Polygon", "coordinates": [square]},
            }
        ],
    }
    data = json.dumps(collection).encode()
    report = store.register.import_areas(CLI_ACTOR, "wijken.geojson", data)
    assert (report.added, report.problems) == (1, [])
    area = store.register.areas()["centrum"]
    assert area.fireworks_free_zone
    assert area.contains(52.08, 4.31) and not area.contains(52.10, 4.31)
    # The CSV of the same area keeps the boundary the GeoJSON gave it.
    csv = "id,name,district,fireworks_free_zone\ncentrum,Centrum,Centrum,ja\n"
    again = store.register.import_areas(CLI_ACTOR, "wijken.csv", csv.encode())
    assert (again.unchanged, again.changed) == (1, 0)
    fed = _feed(store, "area")
    assert Area.model_validate(fed[0]["area"]).boundary is not None
    paris = json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {"id": "x", "name": "X", "district": "Centrum"},
                    "geometry": {"type": "Polygon", "coordinates": [[[2.3, 48.8]] * 4]},
                }
            ],
        }
    )
    with pytest.raises(AdminRefusal) as refused:
        store.register.import_areas(CLI_ACTOR, "wijken.geojson", paris.encode())
    assert refused.value.problems == [
        "row 1, column geometry: expected a Polygon or MultiPolygon of [lon, lat] in the "
        "Netherlands"
    ]


def test_users_with_their_teams_get_one_time_passwords_and_sync_deactivates(
    store: CentralStore,
) -> None:
    _with_areas(store)
    report = store.register.import_users(
        CLI_ACTOR, "users.csv", USERS_CSV.encode(), teams=("teams.csv", TEAMS_CSV.encode())
    )
    assert (report.added, report.problems) == (4, [])
    assert set(report.passwords) == {"sanne.supervisor", "bas.boa", "mila.boa", "mg-test-1"}
    token, _, principal = store.accounts.sign_in("bas.boa", report.passwords["bas.boa"], None)
    assert principal.team == "team-centrum"
    supervisor = store.accounts.sign_in(
        "sanne.supervisor", report.passwords["sanne.supervisor"], None
    )
    assert supervisor[2].supervises == frozenset({"team-centrum"})
    # Devices of the team learn the mystery guest only by pseudonym.
    users = {c["user"]["username"]: c["user"] for c in _feed(store, "user")}  # type: ignore[index]
    assert users["mg-test-1"]["name"] == "Tester Centrum-1"  # type: ignore[index]
    assert "fictief" not in json.dumps(users)

    again = store.register.import_users(CLI_ACTOR, "users.csv", USERS_CSV.encode())
    assert (again.added, again.changed, again.unchanged, again.passwords) == (0, 0, 4, {})
    without_bas = USERS_CSV.replace("bas.boa,Bas Bakker,boa,team-centrum,,nl\n", "")
    synced = store.register.import_users(CLI_ACTOR, "users.csv", without_bas.encode(), sync=True)
    assert (synced.deactivated, synced.unchanged) == (1, 3)
    with pytest.raises(Exception, match="revoked"):
        store.accounts.authenticate(token)

    bad = (
        "username,display_name,role,team,pseudonym\n"
        "mila.boa,Mila,boa,team-nergens,,\n"  # row 2: unknown team
        "mg-test-2,fictief 2,mystery_guest,team-centrum,,\n"  # row 3: no pseudonym
        "mg-test-3,fictief 3,mystery_guest,,Tester Centrum-1\n"  # row 4: pseudonym taken
        "piet,Piet,chief,,\n"  # row 5: no such role
    )
    with pytest.raises(AdminRefusal) as refused:
        store.register.import_users(CLI_ACTOR, "users.csv", bad.encode())
    text = "\n".join(refused.value.problems)
    assert "row 2, column team: 'team-nergens' is not a team" in text
    assert "row 3, column" in text and "pseudonym" in text
    assert "row 4, column pseudonym: is also the pseudonym of 'mg-test-1'" in text
    assert "row 5, column role: 'chief' is not a role" in text
    with pytest.raises(AdminRefusal) as refused:
        store.register.import_users(
            CLI_ACTOR, "users.csv", b"username,display_name,role,password\nx,X,boa,geheim\n"
        )
    assert refused.value.problems == ["row 1, column password: a file never holds passwords"]


def test_publishing_a_form_refuses_a_broken_file_with_its_place_and_retires_a_version(
    store: CentralStore,
) -> None:
    good = (forms_directory() / "neighbourhood_patrol.yaml").read_text(encoding="utf-8")
    broken = good.replace("questions:", "questions: [", 1)
    with pytest.raises(AdminRefusal) as refused:
        store.register.publish_form(CLI_ACTOR, "patrol.yaml", broken)
    assert all(p.startswith("patrol.yaml:") for p in refused.value.problems)
    assert refused.value.problems[0].split(":")[1].isdigit()
    assert _count(store, schema.forms) == 0
    form = store.register.publish_form(CLI_ACTOR, "patrol.yaml", good)
    assert form.live and not form.retired
    assert store.register.publish_form(CLI_ACTOR, "patrol.yaml", good) == form, "idempotent"
    newer = good.replace(f'"{form.form_version}"', '"2099.1"').replace(
        f"version: {form.form_version}", "version: 2099.1"
    )
    published = store.register.publish_form(CLI_ACTOR, "patrol-2099.yaml", newer)
    assert published.form_version == "2099.1" and published.live
    listed = {f.form_version: f for f in store.register.forms().forms}
    assert not listed[form.form_version].live
    retired = store.register.retire_form(CLI_ACTOR, form.form_id, "2099.1")
    assert retired.retired and not retired.live
    assert {f.form_version: f.live for f in store.register.forms().forms} == {
        form.form_version: True,
        "2099.1": False,
    }
    fed = _feed(store, "form")
    assert [c["removed"] for c in fed if c["form_version"] == "2099.1"] == [False, True]
    with pytest.raises(AdminRefusal) as unknown:
        store.register.retire_form(CLI_ACTOR, "no_such_form", "1")
    assert unknown.value.status == 404


def test_venue_rows_read_back_as_the_entity(store: CentralStore) -> None:
    _with_areas(store)
    store.register.import_venues(CLI_ACTOR, "venues.csv", VENUES_CSV.encode())
    with store.database.read() as connection:
        payload = connection.execute(
            sa.select(schema.reference.c.payload).where(schema.reference.c.key == "bar-spui-5")
        ).scalar_one()
    bar = Venue.model_validate_json(payload)
    assert (bar.kind, bar.permit_number, bar.operator) == ("bar", None, None)


def test_the_demo_world_is_the_seed_registers_imported_into_an_empty_store(
    store: CentralStore,
) -> None:
    from fieldapp.core.locations import seeds_directory

    seeds = seeds_directory()
    assert store.load_demo(seeds, forms_directory())
    # What --demo loaded is exactly what importing the seed files gives: nothing differs.
    for register, name in (("venues", "venues.csv"), ("areas", "areas.csv")):
        data = (seeds / name).read_bytes()
        if register == "venues":
            report = store.register.import_venues(CLI_ACTOR, name, data, dry_run=True)
        else:
            report = store.register.import_areas(CLI_ACTOR, name, data, dry_run=True)
        assert (report.added, report.changed, report.problems) == (0, 0, []), register
        assert report.unchanged > 0
    users = store.register.import_users(
        CLI_ACTOR,
        "users.csv",
        (seeds / "users.csv").read_bytes(),
        teams=("teams.csv", (seeds / "teams.csv").read_bytes()),
        dry_run=True,
    )
    assert (users.added, users.changed, users.problems) == (0, 0, [])
    # Through the import code: versioned and audited like any import, by "demo".
    assert store.register.venue_history("cs-weimar-12")[0].actor == "demo"
    with store.database.read() as connection:
        actors = set(connection.execute(sa.select(schema.audit_log.c.actor)).scalars())
    assert actors == {"demo"}
    assert store.accounts.sign_in("elif.yildiz", "demo", None)[2].team == "team-west"


def test_a_users_register_compared_every_new_name_with_every_name_before_it(
    store: CentralStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: checking a users register for look-alike names compared each new name with
    every name before it, remaking both names' look-alike forms each time: a register of
    300 new people made 90,000 of them, a thousand about a million (half a minute of the
    server's processor in one request). Each name's form is now made once. A look-alike
    in the same file is still refused."""
    _with_areas(store)
    made: list[str] = []
    real = identity.skeleton

    def counted(text: str) -> str:
        made.append(text)
        return real(text)

    monkeypatch.setattr(identity, "skeleton", counted)
    people = 300
    rows = "".join(f"boa.{n:04d},Boa {n},boa,team-centrum,,nl\n" for n in range(people))
    # A look-alike of the first row, near the end: "0" for "o", as in the shipped rule.
    twin = "b0a.0000,Namaak,boa,team-centrum,,nl\n"
    supervisor = "sanne.supervisor,Sanne de Vries,supervisor,,,nl\n"
    users = "username,display_name,role,team,pseudonym,languages\n" + supervisor + rows + twin
    report = store.register.import_users(
        CLI_ACTOR,
        "users.csv",
        users.encode(),
        teams=("teams.csv", TEAMS_CSV.encode()),
        dry_run=True,
    )
    assert report.problems == [f"row {people + 3}, column username: looks too much like 'boa.0000'"]
    # Two forms (as written, and in capitals) per name, each made a small number of times.
    assert len(made) <= 6 * (people + 2), len(made)
