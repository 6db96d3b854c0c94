"""A whole world read from a folder of files: the seed world and a municipality's import.

The registers (areas, venues, teams, users) are stored in exactly the formats a
municipality imports them in (fieldapp.core.registerfile: CSV with a header row); the plan
of the demo world (door-test rounds, assignments) is YAML. `load_world` reads the six
files and `check_world` checks what the items say about each
other (a venue's area exists, a door-test round has one test and one control tester who are
mystery guests, an assignment visits its round's venue on its date, …); every problem is
reported with its file and line.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import (
    Field,
    PrivateAttr,
    ValidationError,
)

from fieldapp.core.entities import (
    FORM_ROLES,
    FORM_VENUE_KINDS,
    Area,
    Assignment,
    AssignmentForm,
    DoorTestRound,
    GroupRole,
    Role,
    Team,
    User,
    Venue,
    VenueKind,
    WorldModel,
)
from fieldapp.core.errors import WorldError
from fieldapp.core.registerfile import (
    Rows,
    Table,
    TableError,
    area_rows,
    read_table,
    team_rows,
    user_rows,
    venue_rows,
)

#: The register files of a seed directory, in the import formats, and the kind each holds.
REGISTER_FILES: Mapping[str, str] = {
    "areas.csv": "area",
    "venues.csv": "venue",
    "teams.csv": "team",
    "users.csv": "user",
}
#: The files of a seed directory, in the order they are read.
SEED_FILES = (*REGISTER_FILES, "door_test_rounds.yaml", "assignments.yaml")
#: The password of every demo account; a real deployment never loads the demo world.
DEMO_PASSWORD = "demo"


class SeedWorld(WorldModel):
    """Everything in a seed directory, with lookups by id."""

    demo_password: str
    areas: list[Area]
    venues: list[Venue]
    teams: list[Team]
    users: list[User]
    assignments: list[Assignment]
    rounds: list[DoorTestRound] = Field(default_factory=list)

    _areas: dict[str, Area] = PrivateAttr(default_factory=dict)
    _venues: dict[str, Venue] = PrivateAttr(default_factory=dict)
    _teams: dict[str, Team] = PrivateAttr(default_factory=dict)
    _users: dict[str, User] = PrivateAttr(default_factory=dict)
    _rounds: dict[str, DoorTestRound] = PrivateAttr(default_factory=dict)

    def model_post_init(self, context: Any, /) -> None:
        # With duplicates the first one wins, as check_world reports the later ones.
        for area in reversed(self.areas):
            self._areas[area.id] = area
        for venue in reversed(self.venues):
            self._venues[venue.id] = venue
        for team in reversed(self.teams):
            self._teams[team.id] = team
        for user in reversed(self.users):
            self._users[user.username] = user
        for planned in reversed(self.rounds):
            self._rounds[planned.id] = planned

    def area(self, area_id: str) -> Area:
        """The area with this id; KeyError when there is none."""
        return self._areas[area_id]

    def venue(self, venue_id: str) -> Venue:
        """The venue with this id; KeyError when there is none."""
        return self._venues[venue_id]

    def team(self, team_id: str) -> Team:
        """The team with this id; KeyError when there is none."""
        return self._teams[team_id]

    def user(self, username: str) -> User:
        """The user with this username; KeyError when there is none."""
        return self._users[username]

    def round(self, round_id: str) -> DoorTestRound:
        """The door-test round with this id; KeyError when there is none."""
        return self._rounds[round_id]

    def venues_of_kind(self, kind: VenueKind) -> list[Venue]:
        return [venue for venue in self.venues if venue.kind is kind]

    def members(self, team_id: str) -> list[User]:
        return [user for user in self.users if user.team == team_id]

    def assignments_for(self, username: str) -> list[Assignment]:
        """A person's own assignments and those of their team."""
        user = self._users.get(username)
        team = user.team if user is not None else None
        return [
            a
            for a in self.assignments
            if a.assignee == username or (team is not None and a.team == team)
        ]

    def paired_tests(self) -> dict[str, tuple[Assignment, Assignment]]:
        """Complete door-test pairs by paired_test id, as (test, control)."""
        groups: dict[str, dict[GroupRole, list[Assignment]]] = defaultdict(
            lambda: defaultdict(list)
        )
        for a in self.assignments:
            if a.paired_test is not None and a.group_role is not None:
                groups[a.paired_test][a.group_role].append(a)
        return {
            pair_id: (roles[GroupRole.TEST][0], roles[GroupRole.CONTROL][0])
            for pair_id, roles in groups.items()
            if len(roles[GroupRole.TEST]) == 1 and len(roles[GroupRole.CONTROL]) == 1
        }


def load_world(directory: Path) -> SeedWorld:
    """Read and cross-check the seed files in `directory`.

    Raises WorldError listing every problem as ``file:line: item: message`` (for a
    register file the line is the row, 1 being the header).
    """
    problems: list[str] = []
    documents: dict[str, _Document] = {}
    for name in SEED_FILES[len(REGISTER_FILES) :]:
        try:
            documents[name] = _read_document(directory / name, _TOP_LEVEL_KEYS[name])
        except WorldError as error:
            problems.extend(error.problems)
    registers = {name: _read_register(directory / name, problems) for name in REGISTER_FILES}
    if problems:
        raise WorldError(problems)

    areas = registers["areas.csv"].items
    venues = registers["venues.csv"].items
    teams = registers["teams.csv"].items
    users = registers["users.csv"].items
    rounds = _parse_items(
        documents["door_test_rounds.yaml"], "rounds", DoorTestRound, "round", "id", problems
    )
    assignments = _parse_items(
        documents["assignments.yaml"], "assignments", Assignment, "assignment", "id", problems
    )
    if problems:
        raise WorldError(problems)

    world = SeedWorld(
        demo_password=DEMO_PASSWORD,
        areas=[item for _, item in areas],
        venues=[item for _, item in venues],
        teams=[item for _, item in teams],
        users=[item for _, item in users],
        assignments=assignments,
        rounds=rounds,
    )
    files = {kind: str(directory / name) for name, kind in REGISTER_FILES.items()}
    lines = {
        kind: [row for row, _ in registers[name].items] for name, kind in REGISTER_FILES.items()
    }
    for kind, (file, key) in _KINDS.items():
        if kind not in files:
            files[kind] = str(documents[file].path)
            lines[kind] = documents[file].lines.get(key, [])
    problems = _find_problems(world, _Places(files=files, lines=lines))
    if problems:
        raise WorldError(problems)
    return world


def _read_register(path: Path, problems: list[str]) -> Rows[Any]:
    """One register file as the import reads it; its problems as ``file:row: message``."""
    try:
        table = read_table(path.name, path.read_bytes())
    except FileNotFoundError:
        problems.append(f"{path}: file not found")
        return Rows()
    except OSError as error:
        problems.append(f"{path}: cannot read the file ({error.strerror})")
        return Rows()
    except TableError as error:
        problems.append(f"{path}: {error.message}")
        return Rows()
    kind = REGISTER_FILES[path.name]
    rows: Rows[Any] = _REGISTER_READERS[kind](table)
    idents = {row: cells.get("username") or cells.get("id") for row, cells in table.rows}
    for problem in rows.problems:
        ident = idents.get(problem.row or 0)
        item = f"{kind} '{ident}': " if ident else ""
        column = f"{problem.column}: " if problem.column else ""
        problems.append(f"{path}:{problem.row}: {item}{column}{problem.message.en}")
    return rows


_REGISTER_READERS: Mapping[str, Callable[[Table], Rows[Any]]] = {
    "area": area_rows,
    "venue": venue_rows,
    "team": team_rows,
    "user": user_rows,
}


def check_world(world: SeedWorld) -> None:
    """Raise WorldError when the items of `world` contradict each other."""
    files = {kind: name for name, kind in REGISTER_FILES.items()}
    files.update({kind: file for kind, (file, _) in _KINDS.items() if kind not in files})
    problems = _find_problems(world, _Places(files=files, lines={}))
    if problems:
        raise WorldError(problems)


# --- reading ---------------------------------------------------------------------------------

#: Required top-level keys of each file.
_TOP_LEVEL_KEYS: Mapping[str, frozenset[str]] = {
    "door_test_rounds.yaml": frozenset({"rounds"}),
    "assignments.yaml": frozenset({"assignments"}),
}
#: Where each kind of item of a YAML file lives: (file, top-level key).
_KINDS: Mapping[str, tuple[str, str]] = {
    "round": ("door_test_rounds.yaml", "rounds"),
    "assignment": ("assignments.yaml", "assignments"),
}


@dataclass(frozen=True)
class _Document:
    """One parsed seed file with the line of every item in its top-level lists."""

    path: Path
    data: dict[str, Any]
    lines: dict[str, list[int]]


class _StrictLoader(yaml.SafeLoader):
    """A SafeLoader that refuses a key given twice in one mapping.

    Plain YAML keeps the last value silently, which would hide a copy-paste mistake.
    """


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        try:
            duplicate = key in seen
        except TypeError:  # an unhashable key; construct_mapping reports it below
            continue
        if duplicate:
            raise yaml.constructor.ConstructorError(
                "while reading a mapping",
                node.start_mark,
                f"the key '{key}' appears twice",
                key_node.start_mark,
            )
        seen.add(key)
    return loader.construct_mapping(node)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _read_document(path: Path, keys: frozenset[str]) -> _Document:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise WorldError([f"{path}: file not found"]) from None
    except (OSError, UnicodeDecodeError) as error:
        raise WorldError([f"{path}: cannot read the file ({error})"]) from None
    loader = _StrictLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark is not None else str(path)
        raise WorldError([f"{where}: {error.problem or error.context}"]) from None
    finally:
        loader.dispose()
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        raise WorldError([f"{path}: expected a mapping with the keys {_names(keys)}"])
    problems = [f"{path}: missing top-level key '{key}'" for key in sorted(keys - data.keys())]
    problems += [f"{path}: unknown top-level key '{key}'" for key in data.keys() - keys]
    if problems:
        raise WorldError(problems)
    lines = {
        str(key_node.value): [item.start_mark.line + 1 for item in value_node.value]
        for key_node, value_node in node.value
        if isinstance(value_node, yaml.SequenceNode)
    }
    return _Document(path, data, lines)


_M = TypeVar("_M", bound=WorldModel)


def _parse_items(
    document: _Document,
    key: str,
    model: type[_M],
    label: str,
    id_field: str,
    problems: list[str],
) -> list[_M]:
    """Validate each item of a top-level list on its own, so a problem names its item."""
    raw = document.data[key]
    if not isinstance(raw, list):
        problems.append(f"{document.path}: '{key}' must be a list")
        return []
    lines = document.lines.get(key, [])
    items: list[_M] = []
    for index, entry in enumerate(raw):
        line = lines[index] if index < len(lines) else None
        where = f"{document.path}:{line}" if line is not None else str(document.path)
        ident = entry.get(id_field) if isinstance(entry, dict) else None
        name = f"{label} '{ident}'" if ident is not None else f"{label} #{index + 1}"
        try:
            items.append(model.model_validate(entry))
        except ValidationError as error:
            problems.extend(f"{where}: {name}: {_describe(e)}" for e in error.errors())
    return items


def _describe(error: Mapping[str, Any]) -> str:
    field = ".".join(str(part) for part in error["loc"])
    if error["type"] == "extra_forbidden":
        return f"unknown key '{field}'"
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{field}: {message}" if field else message


def _names(keys: frozenset[str]) -> str:
    return ", ".join(f"'{key}'" for key in sorted(keys))


# --- cross-references ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Places:
    """Turns (kind, index) into ``file:line`` for messages."""

    files: Mapping[str, str]
    lines: Mapping[str, Sequence[int]]

    def file_name(self, kind: str) -> str:
        return Path(self.files[kind]).name

    def of(self, kind: str, index: int) -> str:
        lines = self.lines.get(kind, ())
        file = self.files[kind]
        return f"{file}:{lines[index]}" if index < len(lines) else file


def _find_problems(world: SeedWorld, places: _Places) -> list[str]:
    problems: list[str] = []

    def report(kind: str, index: int, ident: str, message: str) -> None:
        problems.append(f"{places.of(kind, index)}: {kind} '{ident}': {message}")

    def unique(kind: str, keys: Sequence[str], what: str = "id") -> None:
        first: dict[str, int] = {}
        for index, key in enumerate(keys):
            if key in first:
                where = places.of(kind, first[key])
                report(kind, index, key, f"the {what} is used twice (first at {where})")
            else:
                first[key] = index

    unique("area", [a.id for a in world.areas])
    unique("venue", [v.id for v in world.venues])
    unique("team", [t.id for t in world.teams])
    unique("user", [u.username for u in world.users], "username")
    unique("round", [r.id for r in world.rounds])
    unique("assignment", [a.id for a in world.assignments])
    _unique_values(
        world.venues,
        lambda v: v.permit_number,
        lambda i, v, first: report(
            "venue", i, v.id, f"permit_number '{v.permit_number}' is also used by '{first.id}'"
        ),
    )
    _unique_values(
        world.users,
        lambda u: u.pseudonym,
        lambda i, u, first: report(
            "user", i, u.username, f"pseudonym '{u.pseudonym}' is also used by '{first.username}'"
        ),
    )

    area_ids = {a.id for a in world.areas}
    venues = {v.id: v for v in world.venues}
    teams = {t.id: t for t in world.teams}
    users = {u.username: u for u in world.users}
    area_file = places.file_name("area")

    for i, venue in enumerate(world.venues):
        if venue.area not in area_ids:
            report("venue", i, venue.id, f"area '{venue.area}' is not in {area_file}")

    for i, team in enumerate(world.teams):
        for area in team.areas:
            if area not in area_ids:
                report("team", i, team.id, f"area '{area}' is not in {area_file}")
        supervisor = users.get(team.supervisor)
        if supervisor is None:
            report("team", i, team.id, f"supervisor '{team.supervisor}' is not a user")
        elif supervisor.role is not Role.SUPERVISOR:
            report(
                "team",
                i,
                team.id,
                f"supervisor '{team.supervisor}' has the role {supervisor.role}, not supervisor",
            )

    for i, user in enumerate(world.users):
        if user.team is not None and user.team not in teams:
            report(
                "user", i, user.username, f"team '{user.team}' is not in {places.file_name('team')}"
            )

    for i, planned in enumerate(world.rounds):
        for message in _round_problems(planned, venues, users, places):
            report("round", i, planned.id, message)

    rounds = {r.id: r for r in world.rounds}
    for i, a in enumerate(world.assignments):
        for message in _assignment_problems(a, venues, area_ids, teams, users, places):
            report("assignment", i, a.id, message)
        for message in _assignment_round_problems(a, rounds, places):
            report("assignment", i, a.id, message)

    problems.extend(_pair_problems(world, places))
    return problems


_T = TypeVar("_T")


def _unique_values(
    items: Sequence[_T],
    value: Callable[[_T], str | None],
    report: Callable[[int, _T, _T], None],
) -> None:
    first: dict[str, _T] = {}
    for index, item in enumerate(items):
        key = value(item)
        if key is None:
            continue
        if key in first:
            report(index, item, first[key])
        else:
            first[key] = item


def _assignment_problems(
    a: Assignment,
    venues: Mapping[str, Venue],
    area_ids: set[str],
    teams: Mapping[str, Team],
    users: Mapping[str, User],
    places: _Places,
) -> list[str]:
    found: list[str] = []
    covered_area: str | None = a.area
    if a.venue is not None:
        venue = venues.get(a.venue)
        if venue is None:
            found.append(f"venue '{a.venue}' is not in {places.file_name('venue')}")
        else:
            covered_area = venue.area
            kinds = FORM_VENUE_KINDS.get(a.form_id, frozenset())
            if venue.kind not in kinds:
                allowed = " or ".join(sorted(kinds))
                found.append(f"a {a.form_id} visits a {allowed}, but '{a.venue}' is a {venue.kind}")
    if a.area is not None and a.area not in area_ids:
        found.append(f"area '{a.area}' is not in {places.file_name('area')}")
    if a.assignee is not None:
        user = users.get(a.assignee)
        if user is None:
            found.append(f"assignee '{a.assignee}' is not in {places.file_name('user')}")
        elif user.role is not FORM_ROLES[a.form_id]:
            found.append(
                f"a {a.form_id} is filled in by a {FORM_ROLES[a.form_id]}, "
                f"but '{a.assignee}' is a {user.role}"
            )
    if a.team is not None:
        team = teams.get(a.team)
        if team is None:
            found.append(f"team '{a.team}' is not in {places.file_name('team')}")
        elif covered_area in area_ids and covered_area not in team.areas:
            found.append(f"area '{covered_area}' is not one of the areas of team '{a.team}'")
    return found


def _round_problems(
    planned: DoorTestRound,
    venues: Mapping[str, Venue],
    users: Mapping[str, User],
    places: _Places,
) -> list[str]:
    found: list[str] = []
    venue = venues.get(planned.venue)
    if venue is None:
        found.append(f"venue '{planned.venue}' is not in {places.file_name('venue')}")
    elif venue.kind not in FORM_VENUE_KINDS[AssignmentForm.DOOR_TEST]:
        found.append(f"a door test visits a bar or club, but '{planned.venue}' is a {venue.kind}")
    for role in GroupRole:
        username = planned.tester_of(role)
        user = users.get(username)
        if user is None:
            found.append(f"{role} tester '{username}' is not in {places.file_name('user')}")
        elif user.role is not Role.MYSTERY_GUEST:
            found.append(f"{role} tester '{username}' is a {user.role}, not a mystery_guest")
    return found


def _assignment_round_problems(
    a: Assignment, rounds: Mapping[str, DoorTestRound], places: _Places
) -> list[str]:
    """A door-test assignment visits its round's venue on its date, led by its tester."""
    if a.paired_test is None or a.group_role is None:
        return []
    planned = rounds.get(a.paired_test)
    if planned is None:
        return [f"round '{a.paired_test}' is not in {places.file_name('round')}"]
    found: list[str] = []
    if a.venue != planned.venue:
        found.append(f"visits '{a.venue}', but round '{planned.id}' is at '{planned.venue}'")
    if a.due != planned.date:
        found.append(f"is due on {a.due}, but round '{planned.id}' is on {planned.date}")
    tester = planned.tester_of(a.group_role)
    if a.assignee is not None and a.assignee != tester:
        found.append(
            f"the {a.group_role} group of round '{planned.id}' is led by '{tester}', "
            f"not '{a.assignee}'"
        )
    return found


def _pair_problems(world: SeedWorld, places: _Places) -> list[str]:
    """A round's assignments are exactly one test and one control group, comparable."""
    pairs: dict[str, list[tuple[int, Assignment]]] = defaultdict(list)
    for index, a in enumerate(world.assignments):
        if a.paired_test is not None:
            pairs[a.paired_test].append((index, a))
    problems: list[str] = []
    for pair_id, members in pairs.items():
        where = places.of("assignment", members[0][0])
        ids = ", ".join(f"'{a.id}'" for _, a in members)
        roles = Counter(a.group_role for _, a in members)
        if roles[GroupRole.TEST] != 1 or roles[GroupRole.CONTROL] != 1:
            problems.append(
                f"{where}: paired test '{pair_id}': needs exactly one test and one control "
                f"assignment, found {roles[GroupRole.TEST]} test and "
                f"{roles[GroupRole.CONTROL]} control ({ids})"
            )
            continue
        (_, first), (_, second) = members
        if first.venue != second.venue:
            problems.append(f"{where}: paired test '{pair_id}': {ids} visit different venues")
        if first.due != second.due:
            problems.append(f"{where}: paired test '{pair_id}': {ids} are due on different days")
        if first.assignee == second.assignee:
            problems.append(
                f"{where}: paired test '{pair_id}': test and control are both led by "
                f"'{first.assignee}'"
            )
    return problems
