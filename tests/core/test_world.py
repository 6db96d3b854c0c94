"""Tests for the demo world in seeds/, its entities (core.entities) and loader (core.worldfile)."""

from __future__ import annotations

import ast
import csv
import datetime as dt
import re
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from fieldapp.core import entities as entities_module
from fieldapp.core import worldfile as worldfile_module
from fieldapp.core.entities import (
    AssignmentForm,
    DoorTestRound,
    GroupRole,
    Role,
    User,
    VenueKind,
    VisitOrder,
)
from fieldapp.core.errors import WorldError
from fieldapp.core.locations import seeds_directory
from fieldapp.core.worldfile import SEED_FILES, SeedWorld, check_world, load_world

SEEDS = seeds_directory()

# --- the shipped demo world ------------------------------------------------------------------


@pytest.fixture(scope="module")
def world() -> SeedWorld:
    return load_world(SEEDS)


def test_default_seed_dir_is_the_repository_seeds_folder() -> None:
    assert Path(__file__).resolve().parents[2] / "seeds" == SEEDS
    for name in SEED_FILES:
        assert (SEEDS / name).is_file()
    assert (SEEDS / "README.md").is_file()


def test_den_haag_has_36_coffeeshops(world: SeedWorld) -> None:
    coffeeshops = world.venues_of_kind(VenueKind.COFFEESHOP)
    assert len(coffeeshops) == 36
    permits = [venue.permit_number for venue in coffeeshops]
    assert None not in permits
    assert len(set(permits)) == 36


def test_nightlife_venues_for_door_tests(world: SeedWorld) -> None:
    nightlife = world.venues_of_kind(VenueKind.CLUB) + world.venues_of_kind(VenueKind.BAR)
    assert len(nightlife) >= 15
    assert all(venue.permit_number is None for venue in nightlife)
    streets = {venue.street for venue in nightlife}
    assert {"Grote Markt", "Plein", "Buitenhof", "Strandweg"} <= streets


def test_overconcentration_in_weimarstraat_and_zeeheldenkwartier(world: SeedWorld) -> None:
    crowded = {area.id for area in world.areas if area.coffeeshop_overconcentration}
    assert crowded == {"regentes-valkenbos", "zeeheldenkwartier"}
    coffeeshops = world.venues_of_kind(VenueKind.COFFEESHOP)
    on_weimarstraat = [v for v in coffeeshops if v.street == "Weimarstraat"]
    assert len(on_weimarstraat) >= 5
    assert {v.area for v in on_weimarstraat} == {"regentes-valkenbos"}
    zeehelden = {v.street for v in coffeeshops if v.area == "zeeheldenkwartier"}
    assert {
        "Zoutmanstraat",
        "Piet Heinstraat",
        "Prins Hendrikstraat",
        "Anna Paulownastraat",
    } <= zeehelden


ID_PREFIX = {VenueKind.COFFEESHOP: "cs-", VenueKind.CLUB: "club-", VenueKind.BAR: "bar-"}


def test_venues_lie_in_den_haag(world: SeedWorld) -> None:
    for venue in world.venues:
        assert 52.00 < venue.lat < 52.14, venue.id
        assert 4.18 < venue.lon < 4.42, venue.id
        assert re.fullmatch(r"25[0-9]{2} [A-Z]{2}", venue.postcode), venue.id
        assert venue.id.startswith(ID_PREFIX[venue.kind]), venue.id


def test_areas_cover_the_patrol_themes(world: SeedWorld) -> None:
    ids = {area.id for area in world.areas}
    assert {"centrum", "zeeheldenkwartier", "regentes-valkenbos", "transvaal"} <= ids
    assert {"schilderswijk", "laak", "scheveningen", "duindorp", "leyenburg"} <= ids
    assert any(area.fireworks_free_zone for area in world.areas)
    assert len({area.district for area in world.areas}) == 8


def test_every_role_is_present(world: SeedWorld) -> None:
    by_role = {role: [u for u in world.users if u.role is role] for role in Role}
    assert len(by_role[Role.BOA]) >= 6
    assert len(by_role[Role.MYSTERY_GUEST]) >= 2
    assert len(by_role[Role.SUPERVISOR]) == 2
    assert len(by_role[Role.ADMIN]) == 1
    boa_teams = {u.team for u in by_role[Role.BOA]}
    assert None not in boa_teams
    assert len(boa_teams) >= 2
    assert world.demo_password == "demo"


def test_mystery_guests_are_shown_by_pseudonym(world: SeedWorld) -> None:
    for user in world.users:
        if user.role is Role.MYSTERY_GUEST:
            assert user.pseudonym is not None
            assert user.public_name == user.pseudonym
            assert "fictief" in user.display_name
            assert user.pseudonym not in user.username
        else:
            assert user.pseudonym is None
            assert user.public_name == user.display_name


def test_users_have_no_field_for_origin() -> None:
    assert set(User.model_fields) == {
        "username",
        "display_name",
        "role",
        "team",
        "pseudonym",
        "languages",
    }


ETHNICITY_WORDS = re.compile(
    r"\b(ethnic\w*|etnisch\w*|etniciteit|afkomst|herkomst|origin|nationality|nationaliteit"
    r"|race|ras|huidskleur|skin|colou?r|allochto\w*|autochto\w*|migratie\w*|migra\w*|descent"
    r"|achtergrond|background|turk\w*|moroccan|marokka\w*|surinam\w*|polish|pools\w*|poolse"
    r"|dutch|nederlands\w*|antill\w*|caribbean|caribisch\w*|african|afrikaans\w*|asian"
    r"|aziatisch\w*|arab\w*|white|wit|blank\w*|black|zwart\w*)\b",
    re.IGNORECASE,
)


@pytest.mark.parametrize("name", ["users.csv", "teams.csv", "assignments.yaml"])
def test_no_words_for_ethnicity_in_people_files(name: str) -> None:
    text = (SEEDS / name).read_text(encoding="utf-8")
    assert ETHNICITY_WORDS.findall(text) == []


def test_teams_and_supervisors(world: SeedWorld) -> None:
    assert len(world.teams) >= 3
    for team in world.teams:
        assert world.user(team.supervisor).role is Role.SUPERVISOR
        assert world.members(team.id)


def test_assignments(world: SeedWorld) -> None:
    assert 6 <= len(world.assignments) <= 12
    assert {a.form_id for a in world.assignments} == set(AssignmentForm)
    for a in world.assignments:
        assert (a.due.year, a.due.month) == (2026, 12), a.id
        assert a.note is not None
        assert set(a.note) == {"nl", "en"}, a.id


def test_paired_door_tests(world: SeedWorld) -> None:
    pairs = world.paired_tests()
    assert len(pairs) >= 2
    for test, control in pairs.values():
        assert test.group_role is GroupRole.TEST
        assert control.group_role is GroupRole.CONTROL
        assert test.venue == control.venue
        assert test.assignee != control.assignee


def test_door_test_rounds_are_planned_pairs(world: SeedWorld) -> None:
    assert len(world.rounds) >= 10
    assert {r.order for r in world.rounds} == set(VisitOrder)  # both designs, recorded
    for planned in world.rounds:
        assert world.venue(planned.venue).kind is not VenueKind.COFFEESHOP
        testers = {planned.test_tester, planned.control_tester}
        assert len(testers) == 2
        assert {world.user(t).role for t in testers} == {Role.MYSTERY_GUEST}
    # Every door-test assignment belongs to a round and agrees with it.
    for a in world.assignments:
        if a.form_id is AssignmentForm.DOOR_TEST:
            assert a.paired_test is not None and a.group_role is not None
            planned = world.round(a.paired_test)
            assert (a.venue, a.due) == (planned.venue, planned.date)
            assert a.assignee == planned.tester_of(a.group_role)


def test_the_ground_of_a_round_is_the_only_word_about_it_in_the_rounds_file() -> None:
    # The ground belongs to the test design; nothing else in the file describes a person.
    lines = (SEEDS / "door_test_rounds.yaml").read_text(encoding="utf-8").splitlines()
    data = [line for line in lines if not line.lstrip().startswith(("#", "ground:"))]
    assert ETHNICITY_WORDS.findall("\n".join(data)) == []


def test_a_round_window_past_midnight_belongs_to_its_evening() -> None:
    planned = DoorTestRound.model_validate(
        {
            "id": "dt-1",
            "venue": "club-plein-22",
            "date": "2026-05-16",
            "window_start": "22:30",
            "window_end": "01:30",
            "ground": "origin",
            "order": "test_first",
            "max_gap_minutes": 30,
            "test_tester": "mg-noord-3",
            "control_tester": "mg-noord-5",
        }
    )
    assert planned.evening_of(dt.datetime(2026, 5, 17, 0, 40)) == dt.date(2026, 5, 16)
    assert planned.in_window(dt.datetime(2026, 5, 17, 0, 40))
    assert planned.in_window(dt.datetime(2026, 5, 16, 23, 5))
    assert not planned.in_window(dt.datetime(2026, 5, 16, 21, 0))
    assert not planned.in_window(dt.datetime(2026, 5, 17, 23, 5))  # the next evening
    assert planned.tester_of(GroupRole.CONTROL) == "mg-noord-5"


def test_assignments_for_includes_team_work(world: SeedWorld) -> None:
    team_work = next(a for a in world.assignments if a.team is not None)
    assert team_work.team is not None
    member = world.members(team_work.team)[0]
    assert team_work in world.assignments_for(member.username)
    assert world.assignments_for("nobody") == []


def test_lookups(world: SeedWorld) -> None:
    venue = world.venue("cs-weimar-12")
    assert venue.address == "Weimarstraat 12, 2562 GP"
    assert world.area(venue.area).coffeeshop_overconcentration
    assert world.user("tomasz.nowak").language == "en"
    with pytest.raises(KeyError):
        world.venue("cs-nowhere-1")


@pytest.mark.parametrize("module", [entities_module, worldfile_module])
def test_world_modules_import_only_pydantic_yaml_and_stdlib(module: Any) -> None:
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module is not None:
            imported.add(node.module.split(".")[0])
    allowed = set(sys.stdlib_module_names) | {"__future__", "pydantic", "yaml", "fieldapp"}
    assert imported <= allowed, imported - allowed


# --- broken copies ---------------------------------------------------------------------------

Data = dict[str, Any]


@pytest.fixture
def seed_copy(tmp_path: Path) -> Path:
    for name in SEED_FILES:
        shutil.copy(SEEDS / name, tmp_path / name)
    return tmp_path


def edit(directory: Path, name: str, change: Callable[[Data], None]) -> None:
    """Change a seed file as data: a register (CSV) as {"venues": [row, …]}, YAML as is."""
    path = directory / name
    if name.endswith(".csv"):
        key = name.removesuffix(".csv")
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            columns = list(reader.fieldnames or [])
            data: Data = {key: [dict(row) for row in reader]}
        change(data)
        for row in data[key]:
            columns.extend(c for c in row if c not in columns)
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, columns, lineterminator="\n")
            writer.writeheader()
            writer.writerows({c: _cell(row.get(c)) for c in columns} for row in data[key])
        return
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return " ".join(str(item) for item in value)
    return str(value)


def find(data: Data, key: str, ident: str) -> Data:
    id_field = "username" if key == "users" else "id"
    found: Data = next(item for item in data[key] if item[id_field] == ident)
    return found


def setter(key: str, ident: str, **values: Any) -> Callable[[Data], None]:
    def change(data: Data) -> None:
        item = find(data, key, ident)
        for field, value in values.items():
            if value is None:
                item.pop(field, None)
            else:
                item[field] = value

    return change


def duplicate(key: str, ident: str) -> Callable[[Data], None]:
    def change(data: Data) -> None:
        data[key].append(dict(find(data, key, ident)))

    return change


def remove(key: str, ident: str) -> Callable[[Data], None]:
    def change(data: Data) -> None:
        data[key].remove(find(data, key, ident))

    return change


BROKEN = [
    pytest.param(
        "venues.csv",
        setter("venues", "cs-weimar-12", area="nowhere"),
        r"venues\.csv:\d+: venue 'cs-weimar-12': area 'nowhere' is not in \S*areas\.csv",
        id="venue-area-missing",
    ),
    pytest.param(
        "venues.csv",
        duplicate("venues", "cs-zoutman-41"),
        r"venues\.csv:\d+: venue 'cs-zoutman-41': id: 'cs-zoutman-41' is used twice "
        r"\(first in row \d+\)",
        id="venue-id-twice",
    ),
    pytest.param(
        "areas.csv",
        duplicate("areas", "transvaal"),
        r"areas\.csv:\d+: area 'transvaal': id: 'transvaal' is used twice",
        id="area-id-twice",
    ),
    pytest.param(
        "users.csv",
        duplicate("users", "emre.kaya"),
        r"users\.csv:\d+: user 'emre\.kaya': username: 'emre\.kaya' is used twice",
        id="username-twice",
    ),
    pytest.param(
        "teams.csv",
        duplicate("teams", "team-west"),
        r"teams\.csv:\d+: team 'team-west': id: 'team-west' is used twice",
        id="team-id-twice",
    ),
    pytest.param(
        "assignments.yaml",
        duplicate("assignments", "a-2026-001"),
        r"assignments\.yaml:\d+: assignment 'a-2026-001': the id is used twice",
        id="assignment-id-twice",
    ),
    pytest.param(
        "assignments.yaml",
        setter("assignments", "a-2026-001", venue="cs-nowhere-1"),
        r"assignments\.yaml:\d+: assignment 'a-2026-001': venue 'cs-nowhere-1' is not in",
        id="assignment-venue-missing",
    ),
    pytest.param(
        "assignments.yaml",
        setter("assignments", "a-2026-009", area="atlantis"),
        r"assignment 'a-2026-009': area 'atlantis' is not in \S*areas\.csv",
        id="assignment-area-missing",
    ),
    pytest.param(
        "assignments.yaml",
        setter("assignments", "a-2026-001", assignee="nobody"),
        r"assignment 'a-2026-001': assignee 'nobody' is not in \S*users\.csv",
        id="assignment-assignee-missing",
    ),
    pytest.param(
        "assignments.yaml",
        setter("assignments", "a-2026-002", team="team-nowhere"),
        r"assignment 'a-2026-002': team 'team-nowhere' is not in \S*teams\.csv",
        id="assignment-team-missing",
    ),
    pytest.param(
        "assignments.yaml",
        setter("assignments", "a-2026-008", team="team-zuidoost"),
        r"assignment 'a-2026-008': area 'transvaal' is not one of the areas of team "
        r"'team-zuidoost'",
        id="assignment-team-outside-its-areas",
    ),
    pytest.param(
        "assignments.yaml",
        setter("assignments", "a-2026-001", assignee="team-centrum", team="team-centrum"),
        r"assignment 'a-2026-001': give either an assignee or a team",
        id="assignment-assignee-and-team",
    ),
    pytest.param(
        "assignments.yaml",
        setter("assignments", "a-2026-001", venue="club-plein-22"),
        r"a coffeeshop_inspection visits a coffeeshop, but 'club-plein-22' is a club",
        id="coffeeshop-inspection-at-a-club",
    ),
    pytest.param(
        "assignments.yaml",
        setter("assignments", "a-2026-004", venue="cs-weimar-12"),
        r"a door_test visits a bar or club, but 'cs-weimar-12' is a coffeeshop",
        id="door-test-at-a-coffeeshop",
    ),
    pytest.param(
        "assignments.yaml",
        setter("assignments", "a-2026-009", assignee="mg-zuid-1"),
        r"a neighbourhood_patrol is filled in by a boa, but 'mg-zuid-1' is a mystery_guest",
        id="patrol-by-a-mystery-guest",
    ),
    pytest.param(
        "assignments.yaml",
        setter("assignments", "a-2026-004", assignee="emre.kaya"),
        r"a door_test is filled in by a mystery_guest, but 'emre\.kaya' is a boa",
        id="door-test-by-a-boa",
    ),
    pytest.param(
        "assignments.yaml",
        setter("assignments", "a-2026-005", group_role="test"),
        r"assignments\.yaml:\d+: paired test 'pt-2026-01': needs exactly one test and one "
        r"control assignment, found 2 test and 0 control",
        id="pair-two-tests",
    ),
    pytest.param(
        "assignments.yaml",
        remove("assignments", "a-2026-007"),
        r"paired test 'pt-2026-02': needs exactly one test and one control assignment, "
        r"found 1 test and 0 control",
        id="pair-missing-control",
    ),
    pytest.param(
        "assignments.yaml",
        setter("assignments", "a-2026-005", venue="club-plein-22"),
        r"paired test 'pt-2026-01': 'a-2026-004', 'a-2026-005' visit different venues",
        id="pair-different-venues",
    ),
    pytest.param(
        "assignments.yaml",
        setter("assignments", "a-2026-005", assignee="mg-noord-3"),
        r"paired test 'pt-2026-01': test and control are both led by 'mg-noord-3'",
        id="pair-same-tester",
    ),
    pytest.param(
        "assignments.yaml",
        setter("assignments", "a-2026-004", paired_test=None),
        r"assignment 'a-2026-004': a door_test needs a paired_test and a group_role",
        id="door-test-without-pair",
    ),
    pytest.param(
        "assignments.yaml",
        setter("assignments", "a-2026-004", paired_test="pt-2099-01"),
        r"assignment 'a-2026-004': round 'pt-2099-01' is not in \S*door_test_rounds\.yaml",
        id="assignment-round-missing",
    ),
    pytest.param(
        "assignments.yaml",
        setter("assignments", "a-2026-006", due="2026-12-20"),
        r"assignment 'a-2026-006': is due on 2026-12-20, but round 'pt-2026-02' is on "
        r"2026-12-19",
        id="assignment-on-another-day-than-its-round",
    ),
    pytest.param(
        "assignments.yaml",
        setter("assignments", "a-2026-006", assignee="mg-noord-3"),
        r"assignment 'a-2026-006': the test group of round 'pt-2026-02' is led by "
        r"'mg-zuid-1', not 'mg-noord-3'",
        id="assignment-led-by-another-tester-than-the-round-says",
    ),
    pytest.param(
        "door_test_rounds.yaml",
        setter("rounds", "dt-2025-01", venue="cs-weimar-12"),
        r"door_test_rounds\.yaml:\d+: round 'dt-2025-01': a door test visits a bar or club, "
        r"but 'cs-weimar-12' is a coffeeshop",
        id="round-at-a-coffeeshop",
    ),
    pytest.param(
        "door_test_rounds.yaml",
        setter("rounds", "dt-2025-01", control_tester="emre.kaya"),
        r"round 'dt-2025-01': control tester 'emre\.kaya' is a boa, not a mystery_guest",
        id="round-led-by-a-boa",
    ),
    pytest.param(
        "door_test_rounds.yaml",
        setter("rounds", "dt-2025-01", control_tester="mg-noord-3"),
        r"round 'dt-2025-01': the test group and the control group need different testers",
        id="round-with-one-tester-for-both-groups",
    ),
    pytest.param(
        "door_test_rounds.yaml",
        duplicate("rounds", "dt-2025-02"),
        r"round 'dt-2025-02': the id is used twice",
        id="round-id-twice",
    ),
    pytest.param(
        "door_test_rounds.yaml",
        setter("rounds", "dt-2025-02", ethnicity_of_testers="x"),
        r"round 'dt-2025-02': unknown key 'ethnicity_of_testers'",
        id="round-with-a-field-about-testers",
    ),
    pytest.param(
        "teams.csv",
        setter("teams", "team-west", supervisor="sanne.dekker"),
        r"teams\.csv:\d+: team 'team-west': supervisor 'sanne\.dekker' has the role boa, "
        r"not supervisor",
        id="team-supervisor-not-a-supervisor",
    ),
    pytest.param(
        "teams.csv",
        setter("teams", "team-west", supervisor="nobody"),
        r"team 'team-west': supervisor 'nobody' is not a user",
        id="team-supervisor-missing",
    ),
    pytest.param(
        "teams.csv",
        setter("teams", "team-west", areas=["duinoord", "atlantis"]),
        r"team 'team-west': area 'atlantis' is not in \S*areas\.csv",
        id="team-area-missing",
    ),
    pytest.param(
        "users.csv",
        setter("users", "emre.kaya", team="team-nowhere"),
        r"user 'emre\.kaya': team 'team-nowhere' is not in \S*teams\.csv",
        id="user-team-missing",
    ),
    pytest.param(
        "users.csv",
        setter("users", "mg-zuid-2", pseudonym=None),
        r"users\.csv:\d+: user 'mg-zuid-2': pseudonym: a mystery guest needs a pseudonym",
        id="mystery-guest-without-pseudonym",
    ),
    pytest.param(
        "users.csv",
        setter("users", "emre.kaya", pseudonym="Tester Oost-9"),
        r"user 'emre\.kaya': pseudonym: only a mystery guest has a pseudonym, not a boa",
        id="boa-with-pseudonym",
    ),
    pytest.param(
        "users.csv",
        setter("users", "mg-zuid-2", pseudonym="Tester Zuid-1"),
        r"user 'mg-zuid-2': pseudonym 'Tester Zuid-1' is also used by 'mg-zuid-1'",
        id="pseudonym-twice",
    ),
    pytest.param(
        "users.csv",
        setter("users", "emre.kaya", role="chief"),
        r"user 'emre\.kaya': role: 'chief' is not a role \(boa, mystery_guest, supervisor, admin\)",
        id="unknown-role",
    ),
    pytest.param(
        "venues.csv",
        setter("venues", "cs-weimar-12", permit_number=None),
        r"venue 'cs-weimar-12': permit_number: a coffeeshop needs a permit_number",
        id="coffeeshop-without-permit",
    ),
    pytest.param(
        "venues.csv",
        setter("venues", "club-plein-22", permit_number="DH-CS-999"),
        r"venue 'club-plein-22': permit_number: only a coffeeshop has a permit_number, not a club",
        id="club-with-permit",
    ),
    pytest.param(
        "venues.csv",
        setter("venues", "cs-weimar-255", permit_number="DH-CS-001"),
        r"venue 'cs-weimar-255': permit_number 'DH-CS-001' is also used by 'cs-weimar-12'",
        id="permit-twice",
    ),
    pytest.param(
        "venues.csv",
        setter("venues", "cs-weimar-12", postcode="B-1000"),
        r"venue 'cs-weimar-12': postcode: 'B-1000' is not a Dutch postcode",
        id="postcode-not-dutch",
    ),
    pytest.param(
        "venues.csv",
        setter("venues", "cs-weimar-12", ethnicity_of_owner="x"),
        r"venues\.csv:1: ethnicity_of_owner: unknown column",
        id="unknown-key",
    ),
]


@pytest.mark.parametrize(("name", "change", "expected"), BROKEN)
def test_broken_copy_is_refused(
    seed_copy: Path, name: str, change: Callable[[Data], None], expected: str
) -> None:
    edit(seed_copy, name, change)
    with pytest.raises(WorldError, match=expected):
        load_world(seed_copy)


def test_the_shipped_seeds_survive_a_round_trip(seed_copy: Path) -> None:
    # Guards the broken-copy tests: a clean rewrite of every file must still load.
    for name in SEED_FILES:
        edit(seed_copy, name, lambda data: None)
    assert load_world(seed_copy) == load_world(SEEDS)


def test_the_reported_line_points_at_the_item(seed_copy: Path) -> None:
    edit(seed_copy, "venues.csv", setter("venues", "bar-plein-3", area="nowhere"))
    with pytest.raises(WorldError) as caught:
        load_world(seed_copy)
    (problem,) = caught.value.problems
    match = re.search(r"venues\.csv:(\d+):", problem)
    assert match is not None
    line = int(match.group(1))
    text = (seed_copy / "venues.csv").read_text(encoding="utf-8").splitlines()
    assert text[line - 1].startswith("bar-plein-3,")


def test_every_problem_is_reported_at_once(seed_copy: Path) -> None:
    edit(seed_copy, "venues.csv", setter("venues", "cs-weimar-12", area="nowhere"))
    edit(seed_copy, "users.csv", setter("users", "emre.kaya", team="team-nowhere"))
    with pytest.raises(WorldError) as caught:
        load_world(seed_copy)
    assert len(caught.value.problems) == 2
    assert isinstance(caught.value, ValueError)


def test_missing_file(seed_copy: Path) -> None:
    (seed_copy / "areas.csv").unlink()
    with pytest.raises(WorldError, match=r"areas\.csv: file not found"):
        load_world(seed_copy)


def test_yaml_syntax_error_names_line_and_column(seed_copy: Path) -> None:
    path = seed_copy / "door_test_rounds.yaml"
    path.write_text("rounds:\n  - id: dt-1\n    venue: [club\n", encoding="utf-8")
    with pytest.raises(WorldError, match=r"door_test_rounds\.yaml:\d+:\d+: "):
        load_world(seed_copy)


def test_a_key_given_twice_is_refused(seed_copy: Path) -> None:
    path = seed_copy / "door_test_rounds.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("    ground: origin\n", "    ground: origin\n    ground: age\n", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(
        WorldError, match=r"door_test_rounds\.yaml:\d+:\d+: the key 'ground' appears twice"
    ):
        load_world(seed_copy)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- just a list\n", r"expected a mapping with the keys 'rounds'"),
        ("rounds: []\nextra: 1\n", r"unknown top-level key 'extra'"),
        ("{}\n", r"missing top-level key 'rounds'"),
        ("rounds: {a: 1}\n", r"'rounds' must be a list"),
        ("rounds: [3]\n", r"round #1: Input should be a valid dictionary"),
    ],
)
def test_malformed_file(seed_copy: Path, text: str, expected: str) -> None:
    (seed_copy / "door_test_rounds.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(WorldError, match=expected):
        load_world(seed_copy)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", r"venues\.csv: the file is empty"),
        ("id,name\ncs-x,X\n", r"venues\.csv:1: kind: this column is required"),
        ("id,id\n", r"venues\.csv: row 1: the column id appears twice"),
    ],
)
def test_a_register_that_is_not_the_import_format_is_refused(
    seed_copy: Path, text: str, expected: str
) -> None:
    (seed_copy / "venues.csv").write_text(text, encoding="utf-8")
    with pytest.raises(WorldError, match=expected):
        load_world(seed_copy)


def test_check_world_on_a_world_built_in_code(world: SeedWorld) -> None:
    check_world(world)
    data = world.model_dump()
    data["venues"][0]["area"] = "nowhere"
    broken = SeedWorld.model_validate(data)
    with pytest.raises(WorldError, match=r"^venues\.csv: venue 'cs-weimar-12': area 'nowhere'"):
        check_world(broken)
