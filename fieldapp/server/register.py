"""Imports of a municipality's registers into the central store, and form publishing.

An import is all-or-nothing: the file is read (fieldapp.core.registerfile), checked against
what the store holds (an area a venue names exists, a permit number is not another venue's,
a team's supervisor is a supervisor), and only when nothing is wrong written in one
transaction. Re-importing the same file changes nothing; a changed file changes what
differs and reports the counts. With `sync` the file is the whole register: what the store
has and the file lacks is deactivated, never deleted (inspections refer to it). Every
change is audited and reaches devices through the change feed. A dry run does the same
checks and counts and writes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from pydantic import BaseModel
from sqlalchemy.engine import Connection

from fieldapp.core.entities import Area, Role, Team, User, Venue
from fieldapp.core.errors import FormFileError
from fieldapp.core.formfile import load_form_text
from fieldapp.core.registerfile import (
    RowProblem,
    Rows,
    TableError,
    area_features,
    area_rows,
    read_table,
    split_words,
    team_rows,
    user_activity,
    user_rows,
    venue_rows,
)
from fieldapp.core.texts import Text
from fieldapp.protocol.models import FormList, ImportReport, PublishedForm, VenueEdit
from fieldapp.server import feed, schema
from fieldapp.server.accounts import Accounts
from fieldapp.server.administration import AdminRefusal, audit, one_time_password, unknown
from fieldapp.server.database import CentralDatabase
from fieldapp.server.identity import LookAlikes, username_problem

_M = TypeVar("_M", bound=BaseModel)

#: The largest file an import reads (the HTTP body limit is usually lower).
MAX_FILE_BYTES = 16 * 1024 * 1024


@dataclass
class _Plan:
    """What an import would do, computed before anything is written."""

    added: list[tuple[Any, Any]] = field(default_factory=list)
    changed: list[tuple[Any, Any]] = field(default_factory=list)
    unchanged: int = 0
    deactivated: list[tuple[Any, Any]] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)

    def report(self, register: str, dry_run: bool, more: Sequence[RowProblem] = ()) -> ImportReport:
        problems = _in_row_order([*self.problems, *more])
        return ImportReport(
            kind=register,
            dry_run=dry_run,
            added=len(self.added),
            changed=len(self.changed),
            unchanged=self.unchanged,
            deactivated=len(self.deactivated),
            problems=[p.line("en") for p in problems],
            problems_nl=[p.line("nl") for p in problems],
        )


def _in_row_order(problems: Sequence[RowProblem]) -> list[RowProblem]:
    """Every problem of a row together, rows from the top (stable within a row)."""
    return sorted(problems, key=lambda problem: problem.row or 0)


def _refused(register: str, problems: Sequence[RowProblem]) -> AdminRefusal:
    count = len(problems)
    ordered = _in_row_order(problems)
    return AdminRefusal(
        422,
        {
            "nl": f"De import van {register} is geweigerd: {count} probleem/problemen; "
            "er is niets veranderd.",
            "en": f"The {register} import was refused: {count} problem(s); nothing changed.",
        },
        [p.line("en") for p in ordered],
        problems_nl=[p.line("nl") for p in ordered],
    )


def _table_problem(name: str, error: TableError) -> AdminRefusal:
    return AdminRefusal(
        422,
        {"nl": f"{name} is onleesbaar: {error.text.nl}", "en": f"{name}: {error.text.en}"},
        [error.text.en],
        problems_nl=[error.text.nl],
    )


def _not_an_area(area: str) -> Text:
    return Text(f"'{area}' is geen wijk", f"'{area}' is not an area")


def _not_a_team(team: str) -> Text:
    return Text(f"'{team}' is geen team", f"'{team}' is not a team")


class Register:
    """Venues, areas, teams, users and forms as an administrator brings them in."""

    def __init__(
        self, database: CentralDatabase, accounts: Accounts, clock: Callable[[], datetime]
    ) -> None:
        self.database = database
        self.accounts = accounts
        self.clock = clock

    # --- venues -------------------------------------------------------------------------

    def import_venues(
        self,
        actor: str,
        name: str,
        data: bytes,
        *,
        dry_run: bool = False,
        sync: bool = False,
        connection: Connection | None = None,
    ) -> ImportReport:
        rows = self._rows(name, data, lambda: venue_rows(read_table(name, data)))
        with self._transaction(dry_run, connection) as connection:
            current = self._reference(connection, "venue", Venue)
            areas = set(self._reference(connection, "area", Area))
            plan = _Plan(problems=list(rows.problems))
            permits: dict[str, str] = {
                v.permit_number: key for key, v in current.items() if v.permit_number is not None
            }
            in_file = {venue.id for _, venue in rows.items}
            seen_permits: dict[str, int] = {}
            for row, cells in rows.failed:
                # A row with another problem is still checked for what it refers to.
                named = cells.get("area", "")
                if named and named not in areas:
                    plan.problems.append(RowProblem(row, "area", _not_an_area(named)))
            for row, venue in rows.items:
                known_problems = len(plan.problems)
                if venue.area not in areas:
                    plan.problems.append(RowProblem(row, "area", _not_an_area(venue.area)))
                if venue.permit_number is not None:
                    owner = permits.get(venue.permit_number)
                    if owner is not None and owner != venue.id and owner not in in_file:
                        plan.problems.append(
                            RowProblem(
                                row,
                                "permit_number",
                                Text(
                                    f"'{venue.permit_number}' is de vergunning van locatie "
                                    f"'{owner}'",
                                    f"'{venue.permit_number}' is the permit of venue '{owner}'",
                                ),
                            )
                        )
                    first = seen_permits.setdefault(venue.permit_number, row)
                    if first != row:
                        plan.problems.append(
                            RowProblem(
                                row,
                                "permit_number",
                                Text(
                                    f"staat er twee keer in (eerst in rij {first})",
                                    f"used twice (first in row {first})",
                                ),
                            )
                        )
                if len(plan.problems) == known_problems:  # a row with a problem counts nowhere
                    _compare(plan, current.get(venue.id), venue)
            if sync:
                for key, venue in sorted(current.items()):
                    if key not in in_file and venue.active:
                        plan.deactivated.append((venue, venue.model_copy(update={"active": False})))
            report = plan.report("venues", dry_run)
            if plan.problems:
                if dry_run:
                    return report
                raise _refused("venues", plan.problems)
            if dry_run:
                return report
            now = self.clock()
            changes: list[feed.NewChange] = []
            for before, after in [*plan.added, *plan.changed, *plan.deactivated]:
                self._write_venue(connection, now, actor, before, after)
                changes.append(feed.venue_change(after))
            feed.append(connection, changes, now)
        return report

    def _write_venue(
        self, connection: Connection, now: datetime, actor: str, before: Venue | None, after: Venue
    ) -> None:
        self._put_reference(connection, now, "venue", after.id, after, exists=before is not None)
        version = connection.execute(
            sa.select(sa.func.coalesce(sa.func.max(schema.venue_history.c.version), 0)).where(
                schema.venue_history.c.venue_id == after.id
            )
        ).scalar_one()
        connection.execute(
            schema.venue_history.insert().values(
                venue_id=after.id,
                version=int(version) + 1,
                at=now,
                actor=actor,
                before=None if before is None else before.model_dump_json(),
                after=after.model_dump_json(),
            )
        )
        action = "venue.add" if before is None else "venue.change"
        if before is not None and before.active and not after.active:
            action = "venue.deactivate"
        audit(connection, now, actor, action, after.id, _json(before), _json(after))

    def edit_venue(
        self,
        actor: str,
        venue: Venue,
        version: int | None,
        areas: frozenset[str] | None = None,
    ) -> VenueEdit:
        """Add or change one venue; `areas` limits a supervisor to the areas of their teams
        (None: an administrator, who may also add venues). Closing is `active: false`."""
        now = self.clock()
        with self.database.write() as connection:
            current = self._reference(connection, "venue", Venue)
            before = current.get(venue.id)
            if areas is not None and (
                before is None or before.area not in areas or venue.area not in areas
            ):
                raise AdminRefusal(
                    403,
                    {
                        "nl": "U wijzigt alleen locaties in de wijken van uw teams.",
                        "en": "You change only venues in the areas of your teams.",
                    },
                )
            last = connection.execute(
                sa.select(sa.func.coalesce(sa.func.max(schema.venue_history.c.version), 0)).where(
                    schema.venue_history.c.venue_id == venue.id
                )
            ).scalar_one()
            if before is not None and version != int(last):
                raise AdminRefusal(
                    409,
                    {
                        "nl": "Iemand anders heeft deze locatie intussen gewijzigd.",
                        "en": "Someone else changed this venue in the meantime.",
                    },
                    current={"version": int(last), "venue": before.model_dump(mode="json")},
                )
            # One edited venue: its problems name the field, not a row.
            problems: list[RowProblem] = []
            if venue.area not in set(self._reference(connection, "area", Area)):
                problems.append(RowProblem(None, "area", _not_an_area(venue.area)))
            for key, other in current.items():
                if (
                    key != venue.id
                    and venue.permit_number
                    and other.permit_number == venue.permit_number
                ):
                    problems.append(
                        RowProblem(
                            None,
                            "permit_number",
                            Text(
                                f"is de vergunning van locatie '{key}'",
                                f"is the permit of venue '{key}'",
                            ),
                        )
                    )
            if problems:
                raise _refused("venues", problems)
            if before != venue:
                self._write_venue(connection, now, actor, before, venue)
                feed.append(connection, [feed.venue_change(venue)], now)
        edits = self.venue_history(venue.id)
        return edits[-1]

    def venue_history(self, venue_id: str) -> list[VenueEdit]:
        with self.database.read() as connection:
            rows = connection.execute(
                sa.select(schema.venue_history)
                .where(schema.venue_history.c.venue_id == venue_id)
                .order_by(schema.venue_history.c.version)
            ).mappings()
            edits = [
                VenueEdit(
                    version=row["version"],
                    at=row["at"],
                    actor=row["actor"],
                    before=None
                    if row["before"] is None
                    else Venue.model_validate_json(row["before"]),
                    after=Venue.model_validate_json(row["after"]),
                )
                for row in rows
            ]
        if not edits and venue_id not in self.venues():
            raise unknown(f"The venue {venue_id}", f"De locatie {venue_id}")
        return edits

    def venues(self) -> dict[str, Venue]:
        with self.database.read() as connection:
            return self._reference(connection, "venue", Venue)

    def areas(self) -> dict[str, Area]:
        with self.database.read() as connection:
            return self._reference(connection, "area", Area)

    # --- areas --------------------------------------------------------------------------

    def import_areas(
        self,
        actor: str,
        name: str,
        data: bytes,
        *,
        dry_run: bool = False,
        connection: Connection | None = None,
    ) -> ImportReport:
        geo = name.lower().endswith((".geojson", ".json"))
        rows = self._rows(
            name, data, lambda: area_features(data) if geo else area_rows(read_table(name, data))
        )
        with self._transaction(dry_run, connection) as connection:
            current = self._reference(connection, "area", Area)
            plan = _Plan(problems=list(rows.problems))
            for _, area in rows.items:
                before = current.get(area.id)
                if before is not None and area.boundary is None and not geo:
                    # A CSV carries no boundaries: keep the one a GeoJSON import gave.
                    area = area.model_copy(update={"boundary": before.boundary})
                _compare(plan, before, area)
            report = plan.report("areas", dry_run)
            if plan.problems:
                if dry_run:
                    return report
                raise _refused("areas", plan.problems)
            if dry_run:
                return report
            now = self.clock()
            changes: list[feed.NewChange] = []
            for before, after in [*plan.added, *plan.changed]:
                self._put_reference(connection, now, "area", after.id, after, before is not None)
                action = "area.add" if before is None else "area.change"
                audit(connection, now, actor, action, after.id, _json(before), _json(after))
                changes.append(feed.area_change(after))
            feed.append(connection, changes, now)
        return report

    # --- teams and users ----------------------------------------------------------------

    def import_teams(
        self, actor: str, name: str, data: bytes, *, dry_run: bool = False
    ) -> ImportReport:
        rows = self._rows(name, data, lambda: team_rows(read_table(name, data)))
        with self._transaction(dry_run) as connection:
            plan = self._team_plan(connection, rows, {})
            report = plan.report("teams", dry_run)
            if plan.problems:
                if dry_run:
                    return report
                raise _refused("teams", plan.problems)
            if not dry_run:
                self._apply_teams(connection, actor, plan)
        return report

    def _team_plan(
        self, connection: Connection, rows: Rows[Team], coming: dict[str, User]
    ) -> _Plan:
        """Compare teams with the store; `coming` are users the same import adds or changes."""
        current = {
            t.id: t
            for t in map(
                Team.model_validate_json,
                connection.execute(sa.select(schema.teams.c.payload)).scalars(),
            )
        }
        areas = set(self._reference(connection, "area", Area))
        roles = dict(
            connection.execute(sa.select(schema.users.c.username, schema.users.c.role)).all()
        )
        roles.update({u.username: u.role.value for u in coming.values()})
        plan = _Plan(problems=list(rows.problems))
        for row, cells in rows.failed:
            for area in split_words(cells.get("areas", "")):
                if area not in areas:
                    plan.problems.append(RowProblem(row, "areas", _not_an_area(area)))
        for row, team in rows.items:
            for area in team.areas:
                if area not in areas:
                    plan.problems.append(RowProblem(row, "areas", _not_an_area(area)))
            role = roles.get(team.supervisor)
            if role is None:
                plan.problems.append(
                    RowProblem(
                        row,
                        "supervisor",
                        Text(
                            f"'{team.supervisor}' is geen gebruiker",
                            f"'{team.supervisor}' is not a user",
                        ),
                    )
                )
            elif role != Role.SUPERVISOR.value:
                plan.problems.append(
                    RowProblem(
                        row,
                        "supervisor",
                        Text(
                            f"'{team.supervisor}' is een {role}", f"'{team.supervisor}' is a {role}"
                        ),
                    )
                )
            _compare(plan, current.get(team.id), team)
        return plan

    def _apply_teams(self, connection: Connection, actor: str, plan: _Plan) -> None:
        now = self.clock()
        changes: list[feed.NewChange] = []
        supervisors: set[str] = set()
        for before, after in [*plan.added, *plan.changed]:
            values = {
                "name": after.name,
                "supervisor": after.supervisor,
                "payload": after.model_dump_json(),
            }
            if before is None:
                connection.execute(schema.teams.insert().values(team_id=after.id, **values))
            else:
                connection.execute(
                    schema.teams.update().where(schema.teams.c.team_id == after.id).values(**values)
                )
            action = "team.add" if before is None else "team.change"
            audit(connection, now, actor, action, after.id, _json(before), _json(after))
            changes.append(feed.team_change(after))
            supervisors.update({after.supervisor, *([before.supervisor] if before else [])})
        # A supervisor's entry reaches the devices of the teams they now lead.
        for username in sorted(supervisors):
            row = (
                connection.execute(
                    sa.select(schema.users).where(schema.users.c.username == username)
                )
                .mappings()
                .first()
            )
            if row is not None:
                changes.extend(_user_feed(connection, _user_of(row), removed=not row["active"]))
        feed.append(connection, changes, now)

    def import_users(
        self,
        actor: str,
        name: str,
        data: bytes,
        *,
        dry_run: bool = False,
        sync: bool = False,
        teams: tuple[str, bytes] | None = None,
        connection: Connection | None = None,
        demo_password: str | None = None,
    ) -> ImportReport:
        """Import accounts (and, with `teams`, their teams in the same transaction).

        New accounts get a one-time password each, returned once in the report. With
        `sync`, accounts missing from the file are deactivated, except the acting one.
        """
        activity: dict[str, bool] = {}

        def parse() -> Rows[User]:
            table = read_table(name, data)
            activity.update(user_activity(table))
            return user_rows(table)

        rows = self._rows(name, data, parse)
        team_file = (
            None
            if teams is None
            else self._rows(teams[0], teams[1], lambda: team_rows(read_table(*teams)))
        )
        with self._transaction(dry_run, connection) as connection:
            existing = {
                row["username"]: row
                for row in connection.execute(sa.select(schema.users)).mappings()
            }
            team_ids = set(connection.execute(sa.select(schema.teams.c.team_id)).scalars())
            if team_file is not None:
                team_ids.update(team.id for _, team in team_file.items)
            plan = _Plan(problems=list(rows.problems))
            names_so_far = LookAlikes(existing)
            pseudonyms = {
                row["pseudonym"]: u for u, row in existing.items() if row["pseudonym"] is not None
            }
            coming: dict[str, User] = {}
            for row, user in rows.items:
                active = activity.get(user.username, True)
                before = existing.get(user.username)
                if before is None:
                    problem = username_problem(user.username)
                    if problem is not None:
                        plan.problems.append(
                            RowProblem(
                                row,
                                "username",
                                Text(problem.message.nl, problem.message.en),
                            )
                        )
                    twin = names_so_far.twin(user.username)
                    if twin is not None:
                        plan.problems.append(
                            RowProblem(
                                row,
                                "username",
                                Text(f"lijkt te veel op '{twin}'", f"looks too much like '{twin}'"),
                            )
                        )
                    names_so_far.add(user.username)
                if user.team is not None and user.team not in team_ids:
                    plan.problems.append(RowProblem(row, "team", _not_a_team(user.team)))
                if user.pseudonym is not None:
                    holder = pseudonyms.setdefault(user.pseudonym, user.username)
                    if holder != user.username:
                        plan.problems.append(
                            RowProblem(
                                row,
                                "pseudonym",
                                Text(
                                    f"is ook het pseudoniem van '{holder}'",
                                    f"is also the pseudonym of '{holder}'",
                                ),
                            )
                        )
                after = (user, active)
                if before is None:
                    plan.added.append((None, after))
                elif (_user_of(before), bool(before["active"])) == after:
                    plan.unchanged += 1
                else:
                    plan.changed.append((before, after))
                coming[user.username] = user
            for row, cells in rows.failed:
                # A row with another problem is still checked for the team it names.
                named = cells.get("team", "")
                if named and named not in team_ids:
                    plan.problems.append(RowProblem(row, "team", _not_a_team(named)))
            in_file = {user.username for _, user in rows.items}
            if sync:
                for username, account in sorted(existing.items()):
                    if username not in in_file and account["active"] and username != actor:
                        plan.deactivated.append((account, (_user_of(account), False)))
            leading = dict(
                connection.execute(
                    sa.select(schema.teams.c.supervisor, schema.teams.c.team_id)
                ).all()
            )
            team_plan = (
                self._team_plan(connection, team_file, coming) if team_file is not None else None
            )
            future_leaders = (
                {t.supervisor for _, t in team_file.items} if team_file is not None else set()
            )
            for row, user in rows.items:
                led = leading.get(user.username)
                if (
                    led is not None
                    and user.role is not Role.SUPERVISOR
                    and (team_file is None or user.username in future_leaders)
                ):
                    plan.problems.append(
                        RowProblem(
                            row,
                            "role",
                            Text(
                                f"'{user.username}' is leidinggevende van '{led}'",
                                f"'{user.username}' supervises '{led}'",
                            ),
                        )
                    )
            problems = [*plan.problems, *(team_plan.problems if team_plan else [])]
            report = plan.report("users", dry_run, team_plan.problems if team_plan else ())
            if problems:
                if dry_run:
                    return report
                raise _refused("users", problems)
            if dry_run:
                return report
            passwords = self._apply_users(connection, actor, plan, team_plan, demo_password)
        return report.model_copy(update={"passwords": passwords})

    def _apply_users(
        self,
        connection: Connection,
        actor: str,
        plan: _Plan,
        team_plan: _Plan | None,
        demo_password: str | None = None,
    ) -> dict[str, str]:
        """Write the plan; returns the one-time password of each new account (none for
        the demo world, whose accounts all share its known password)."""
        now = self.clock()
        passwords: dict[str, str] = {}
        touched: set[str] = set()
        if team_plan is not None:
            # Teams first: a new user's team must exist. A new supervisor of a new team
            # is added below, in the same transaction, before it commits.
            for before, after in [*team_plan.added, *team_plan.changed]:
                payload = after.model_dump_json()
                values = {"name": after.name, "supervisor": after.supervisor, "payload": payload}
                if before is None:
                    connection.execute(schema.teams.insert().values(team_id=after.id, **values))
                else:
                    connection.execute(
                        schema.teams.update()
                        .where(schema.teams.c.team_id == after.id)
                        .values(**values)
                    )
                action = "team.add" if before is None else "team.change"
                audit(connection, now, actor, action, after.id, _json(before), _json(after))
        removed: list[feed.NewChange] = []
        for _, (user, active) in plan.added:
            password = demo_password or one_time_password()
            self.accounts.add_user(
                connection,
                username=user.username,
                display_name=user.display_name,
                role=user.role,
                password=password,
                team=user.team,
                pseudonym=user.pseudonym,
                languages=user.languages,
                demo=demo_password is not None,
            )
            if not active:
                self.accounts.set_active(connection, user.username, False)
            if demo_password is None:
                passwords[user.username] = password
            audit(connection, now, actor, "user.add", user.username, None, _user_json(user, active))
            touched.add(user.username)
        for before, (user, active) in [*plan.changed, *plan.deactivated]:
            old = _user_of(before)
            removed.extend(_user_feed(connection, old, removed=True))
            connection.execute(
                schema.users.update()
                .where(schema.users.c.username == user.username)
                .values(
                    display_name=user.display_name,
                    role=user.role.value,
                    team=user.team,
                    pseudonym=user.pseudonym,
                    languages=json.dumps(list(user.languages)),
                    updated_at=now,
                )
            )
            if bool(before["active"]) != active:
                self.accounts.set_active(connection, user.username, active)
            action = "user.change" if active or not before["active"] else "user.deactivate"
            audit(
                connection,
                now,
                actor,
                action,
                user.username,
                _user_json(old, bool(before["active"])),
                _user_json(user, active),
            )
            touched.add(user.username)
        changes: list[feed.NewChange] = []
        if team_plan is not None:
            changes.extend(
                feed.team_change(after) for _, after in [*team_plan.added, *team_plan.changed]
            )
            for _, after in [*team_plan.added, *team_plan.changed]:
                touched.add(after.supervisor)
        fresh: list[feed.NewChange] = []
        for username in sorted(touched):
            row = (
                connection.execute(
                    sa.select(schema.users).where(schema.users.c.username == username)
                )
                .mappings()
                .first()
            )
            if row is not None:
                fresh.extend(_user_feed(connection, _user_of(row), removed=not row["active"]))
        audiences = {(c.key, c.audience) for c in fresh}
        changes.extend(c for c in removed if (c.key, c.audience) not in audiences)
        changes.extend(fresh)
        feed.append(connection, changes, now)
        return passwords

    # --- forms --------------------------------------------------------------------------

    def publish_form(self, actor: str, name: str, text: str) -> PublishedForm:
        """Publish one form version from YAML; a broken file is refused with file:line:col."""
        try:
            engine = load_form_text(text, name)
        except FormFileError as error:
            problems = [str(p) for p in error.problems]
            raise AdminRefusal(
                422,
                {
                    "nl": "Het formulier heeft fouten:\n" + "\n".join(problems),
                    "en": "The form has problems:\n" + "\n".join(problems),
                },
                problems,
            ) from None
        definition = engine.definition
        text_json = definition.model_dump_json(exclude_none=True)
        now = self.clock()
        with self.database.write() as connection:
            key = (schema.forms.c.form_id == definition.id) & (
                schema.forms.c.form_version == definition.version
            )
            known = connection.execute(sa.select(schema.forms.c.definition).where(key)).first()
            if known is not None:
                if known.definition == text_json:
                    return self._forms(connection, definition.id)[definition.version]
                raise AdminRefusal(
                    409,
                    {
                        "nl": f"Formulier {definition.id} {definition.version} bestaat al met "
                        "een andere inhoud; geef het een nieuw versienummer.",
                        "en": f"The form {definition.id} {definition.version} exists with "
                        "other content; give it a new version number.",
                    },
                )
            connection.execute(
                schema.forms.insert().values(
                    form_id=definition.id,
                    form_version=definition.version,
                    roles=json.dumps(list(definition.roles)),
                    definition=text_json,
                    loaded_at=now,
                    retired_at=None,
                )
            )
            audit(
                connection,
                now,
                actor,
                "form.publish",
                f"{definition.id}@{definition.version}",
                None,
                {"roles": list(definition.roles)},
            )
            feed.append(connection, feed.form_changes(definition), now)
            return self._forms(connection, definition.id)[definition.version]

    def retire_form(self, actor: str, form_id: str, version: str) -> PublishedForm:
        """Retire a version: devices start no new drafts on it; drafts begun on it are
        finished on it, and the server keeps accepting them."""
        from fieldapp.core.forms import FormDefinition

        now = self.clock()
        with self.database.write() as connection:
            key = (schema.forms.c.form_id == form_id) & (schema.forms.c.form_version == version)
            row = connection.execute(
                sa.select(schema.forms.c.definition, schema.forms.c.retired_at).where(key)
            ).first()
            if row is None:
                raise unknown(f"The form {form_id} {version}", f"Formulier {form_id} {version}")
            if row.retired_at is None:
                connection.execute(schema.forms.update().where(key).values(retired_at=now))
                audit(connection, now, actor, "form.retire", f"{form_id}@{version}")
                definition = FormDefinition.model_validate_json(row.definition)
                retired = [
                    feed.NewChange(c.kind, c.key, c.audience, {**c.body, "removed": True})
                    for c in feed.form_changes(definition)
                ]
                feed.append(connection, retired, now)
            return self._forms(connection, form_id)[version]

    def forms(self) -> FormList:
        with self.database.read() as connection:
            ids = connection.execute(sa.select(schema.forms.c.form_id).distinct()).scalars().all()
            listed = [
                form
                for form_id in sorted(ids)
                for form in self._forms(connection, form_id).values()
            ]
        return FormList(forms=listed)

    def _forms(self, connection: Connection, form_id: str) -> dict[str, PublishedForm]:
        rows = (
            connection.execute(sa.select(schema.forms).where(schema.forms.c.form_id == form_id))
            .mappings()
            .all()
        )
        live = [r["form_version"] for r in rows if r["retired_at"] is None]
        newest = max(live, key=_version_key) if live else None
        return {
            r["form_version"]: PublishedForm(
                form_id=form_id,
                form_version=r["form_version"],
                roles=json.loads(r["roles"]),
                published_at=r["loaded_at"],
                retired=r["retired_at"] is not None,
                live=r["form_version"] == newest,
                title=_title_of(r["definition"]),
            )
            for r in sorted(rows, key=lambda r: _version_key(r["form_version"]))
        }

    # --- helpers ------------------------------------------------------------------------

    def _rows(self, name: str, data: bytes, parse: Callable[[], Rows[_M]]) -> Rows[_M]:
        if len(data) > MAX_FILE_BYTES:
            raise AdminRefusal(
                413,
                {
                    "nl": f"{name} is groter dan {MAX_FILE_BYTES} bytes.",
                    "en": f"{name} is larger than {MAX_FILE_BYTES} bytes.",
                },
            )
        try:
            return parse()
        except TableError as error:
            raise _table_problem(name, error) from None

    def _transaction(self, dry_run: bool, connection: Connection | None = None) -> Any:
        """The import's own transaction, or the caller's (the demo loads in one)."""
        if connection is not None:
            return nullcontext(connection)
        return self.database.read() if dry_run else self.database.write()

    def _reference(self, connection: Connection, kind: str, model: type[_M]) -> dict[str, _M]:
        rows = connection.execute(
            sa.select(schema.reference.c.key, schema.reference.c.payload)
            .where(schema.reference.c.kind == kind)
            .where(schema.reference.c.removed.is_(False))
        ).all()
        return {key: model.model_validate_json(payload) for key, payload in rows}

    def _put_reference(
        self,
        connection: Connection,
        now: datetime,
        kind: str,
        key: str,
        item: BaseModel,
        exists: bool,
    ) -> None:
        payload = item.model_dump_json()
        if exists:
            connection.execute(
                schema.reference.update()
                .where(schema.reference.c.kind == kind)
                .where(schema.reference.c.key == key)
                .values(payload=payload, updated_at=now)
            )
        else:
            connection.execute(
                schema.reference.insert().values(
                    kind=kind, key=key, payload=payload, removed=False, updated_at=now
                )
            )


def _compare(plan: _Plan, before: Any, after: Any) -> None:
    if before is None:
        plan.added.append((None, after))
    elif before == after:
        plan.unchanged += 1
    else:
        plan.changed.append((before, after))


def _json(item: BaseModel | None) -> Any:
    return None if item is None else item.model_dump(mode="json")


def _user_of(row: Any) -> User:
    return User(
        username=row["username"],
        display_name=row["display_name"],
        role=Role(row["role"]),
        team=row["team"],
        pseudonym=row["pseudonym"],
        languages=json.loads(row["languages"]),
    )


def _user_json(user: User, active: bool) -> dict[str, Any]:
    return {**user.model_dump(mode="json"), "active": active}


def _user_feed(connection: Connection, user: User, removed: bool) -> list[feed.NewChange]:
    supervises = (
        connection.execute(
            sa.select(schema.teams.c.team_id).where(schema.teams.c.supervisor == user.username)
        )
        .scalars()
        .all()
    )
    return feed.user_changes(user, supervises, removed=removed)


def _version_key(version: str) -> tuple[tuple[int, int, str], ...]:
    """Orders 2026.10 after 2026.9: numeric parts as numbers."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in version.split("."))


def _title_of(definition: str) -> dict[str, str]:
    """The title a stored form definition (checked when it was published) gives itself."""
    title = json.loads(definition).get("title")
    if not isinstance(title, dict):
        return {}
    return {str(language): str(text) for language, text in title.items()}
