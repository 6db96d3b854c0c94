"""The central store as one object: database, blob store, accounts, feed and use cases.

An app holds exactly one, built from a `ServerConfig`; the admin verbs build one too. No
module keeps a store of its own.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from fieldapp.core.entities import GroupRole
from fieldapp.core.errors import FieldappError, FormFileError
from fieldapp.core.formfile import check_form_files, form_files
from fieldapp.core.forms import FormDefinition
from fieldapp.core.sanctions import policy_files
from fieldapp.core.worldfile import load_world
from fieldapp.server import feed, schema
from fieldapp.server.accounts import Accounts
from fieldapp.server.administration import Administration
from fieldapp.server.blobs import BlobUploads
from fieldapp.server.blobstorage import (
    BlobStorage,
    DatabaseBlobStorage,
    FileBlobStorage,
    Scratch,
)
from fieldapp.server.config import ServerConfig
from fieldapp.server.database import CentralDatabase, new_epoch
from fieldapp.server.exports import ExportQueries
from fieldapp.server.feed import ChangeFeed
from fieldapp.server.followup import FollowUp
from fieldapp.server.planning import Planning, insert_plan, round_changes
from fieldapp.server.push import Pushes
from fieldapp.server.queries import InspectionQueries
from fieldapp.server.register import Register
from fieldapp.server.review import CentralReviews
from fieldapp.server.stored_forms import StoredForms
from fieldapp.server.summaries import ReportQueries
from fieldapp.server.sweep import Sweeper

#: Who the audit log names for what the demo world brought in.
DEMO_ACTOR = "demo"


class CentralStore:
    """Everything a server process keeps open."""

    def __init__(self, config: ServerConfig) -> None:
        self.config = config
        config.home.mkdir(parents=True, exist_ok=True)
        self.database = CentralDatabase(config.url, config.pool_size)
        self.blobs = _blob_storage(config, self.database)
        #: Request bodies on their way in; local even when blobs are in the database.
        self.scratch = Scratch(config.blob_directory / "tmp")
        self.uploads = BlobUploads(
            self.database,
            self.blobs,
            self.scratch,
            config.clock,
            config.max_blob_bytes,
            config.quota_bytes,
        )
        self.accounts = Accounts(self.database, config)
        self.administration = Administration(self.database, self.accounts, config.clock)
        self.register = Register(self.database, self.accounts, config.clock)
        self.planning = Planning(self.database, config.clock)
        # One compiled copy of each loaded form for the push, the follow-up and the reports.
        self.forms = StoredForms()
        self.followup = FollowUp(self.database, self.planning, config.clock, self.forms)
        self.feed = ChangeFeed(self.database)
        self.queries = InspectionQueries(self.database)
        self.reports = ReportQueries(self.database, self.queries, self.forms)
        self.exports = ExportQueries(self.database)
        self.pushes = Pushes(
            self.database, config.quota_bytes, self.followup, self.reports, self.forms
        )
        self.reviews = CentralReviews(self.database, self.followup)
        self.sweeper = Sweeper(self.database, self.blobs, self.scratch, config)

    def migrate(self) -> int:
        """Wait for the database (up to `database_wait_seconds`), then migrate it."""
        self.database.wait_until_reachable(self.config.database_wait_seconds)
        return self.database.migrate(self.config.clock())

    def health(self) -> dict[str, bool]:
        """Whether each part the server needs answers: the database and the blob store."""
        database = self.database.answers()
        blobs = self.blobs.usable() and self.scratch.usable()
        return {"database": database, "blobs": blobs}

    def close(self) -> None:
        self.accounts.changes.stop()
        self.database.dispose()

    # --- administration -------------------------------------------------------------------

    def is_empty(self, connection: Connection) -> bool:
        for table in (schema.users, schema.reference, schema.teams, schema.forms):
            if connection.execute(sa.select(sa.literal(1)).select_from(table).limit(1)).first():
                return False
        return True

    def holds_demo(self) -> bool:
        with self.database.read() as connection:
            return bool(
                connection.execute(
                    sa.select(schema.server_state.c.demo).where(schema.server_state.c.id == 1)
                ).scalar_one()
            )

    def load_demo(self, seeds: Path, forms: Path) -> bool:
        """Import the seed world and the forms into an empty store; False if already there.

        The registers go through the same imports an administrator uses (the seed files
        are in those formats), in one transaction. Raises FieldappError when the store
        holds other data: demo accounts with a known password must never be mixed into a
        real deployment.
        """
        world = load_world(seeds)
        definitions = _read_forms(form_files(forms))
        now = self.config.clock()
        with self.database.write() as connection:
            demo = connection.execute(
                sa.select(schema.server_state.c.demo).where(schema.server_state.c.id == 1)
            ).scalar_one()
            if demo:
                return False
            if not self.is_empty(connection):
                raise FieldappError(
                    {
                        "nl": "--demo laadt de demowereld alleen in een lege centrale opslag; "
                        "deze bevat al gegevens.",
                        "en": "--demo loads the demo world only into an empty central store; "
                        "this one already holds data.",
                    }
                )

            def read(name: str) -> bytes:
                return (seeds / name).read_bytes()

            imports = self.register
            imports.import_areas(DEMO_ACTOR, "areas.csv", read("areas.csv"), connection=connection)
            imports.import_venues(
                DEMO_ACTOR, "venues.csv", read("venues.csv"), connection=connection
            )
            imports.import_users(
                DEMO_ACTOR,
                "users.csv",
                read("users.csv"),
                teams=("teams.csv", read("teams.csv")),
                connection=connection,
                demo_password=world.demo_password,
            )
            connection.execute(
                schema.reference.insert(),
                [
                    {
                        "kind": "assignment",
                        "key": a.id,
                        "payload": a.model_dump_json(),
                        "removed": False,
                        "updated_at": now,
                    }
                    for a in world.assignments
                ],
            )
            changes = [feed.assignment_change(a) for a in world.assignments]
            # The demo's door-test rounds, as a supervisor would have planned them: each
            # tester gets her own copy (the other tester hidden), the team's leads all of it.
            teams = {user.username: user.team for user in world.users}
            if world.rounds:
                connection.execute(
                    schema.reference.insert(),
                    [
                        {
                            "kind": "round",
                            "key": planned.id,
                            "payload": planned.model_dump_json(),
                            "removed": False,
                            "updated_at": now,
                        }
                        for planned in world.rounds
                    ],
                )
            halves = {(a.paired_test, a.group_role) for a in world.assignments if a.paired_test}
            for planned in world.rounds:
                team = teams.get(planned.test_tester)
                if team is None:
                    continue
                changes.extend(round_changes(planned, team))
                # Each group's assignment, as planning makes it for a round: the testers'
                # devices show them and planning counts the visits made for them. A round
                # before today is the world's history, run before this store existed: it is
                # no work to do (a fresh demo showed its 24 halves as overdue assignments,
                # on the testers' homes too); `fieldapp seed` holds its visits.
                for role in GroupRole:
                    if (planned.id, role) in halves or planned.date < now.date():
                        continue
                    half = planned.assignment_for(role)
                    connection.execute(
                        schema.reference.insert().values(
                            kind="assignment",
                            key=half.id,
                            payload=half.model_dump_json(),
                            removed=False,
                            updated_at=now,
                        )
                    )
                    insert_plan(connection, "assignment", half.id, team, DEMO_ACTOR, now)
                    changes.append(feed.assignment_change(half))
                # Planned by the demo, version 1: supervisors see and edit them in planning.
                insert_plan(connection, "round", planned.id, team, DEMO_ACTOR, now)
            changes.extend(self._store_forms(connection, definitions))
            connection.execute(
                schema.server_state.update().where(schema.server_state.c.id == 1).values(demo=True)
            )
            feed.append(connection, changes, now)
        self.load_policies(policy_files(forms), DEMO_ACTOR)
        return True

    def load_policies(self, paths: Sequence[Path], actor: str) -> list[str]:
        """Check sanction policy files against the stored forms and put the last one in
        force (see `FollowUp.load_policy`); returns their names."""
        loaded = []
        for path in paths:
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as error:
                raise FieldappError(
                    {
                        "nl": f"{path}: het bestand is niet te lezen ({error}).",
                        "en": f"{path}: the file cannot be read ({error}).",
                    }
                ) from None
            try:
                policy = self.followup.load_policy(text, str(path), actor)
            except FormFileError as error:
                lines = "\n".join(str(problem) for problem in error.problems)
                raise FieldappError(
                    {"nl": f"Beleid met fouten:\n{lines}", "en": f"Policy with problems:\n{lines}"}
                ) from None
            loaded.append(f"{policy.id} {policy.version}")
        return loaded

    def load_forms(self, paths: Sequence[Path]) -> list[str]:
        """Store form versions (new or changed) and announce them; returns their names."""
        definitions = _read_forms(paths)
        with self.database.write() as connection:
            changes = self._store_forms(connection, definitions)
            feed.append(connection, changes, self.config.clock())
        return [f"{d.id} {d.version}" for d in definitions]

    def new_epoch(self) -> str:
        """Start a new history: every device cursor gets 410 and devices reload.

        Run after restoring the database from a backup.
        """
        epoch = new_epoch()
        with self.database.write() as connection:
            connection.execute(
                schema.server_state.update()
                .where(schema.server_state.c.id == 1)
                .values(epoch=epoch)
            )
        return epoch

    def _store_forms(
        self, connection: Connection, definitions: Iterable[FormDefinition]
    ) -> list[feed.NewChange]:
        changes: list[feed.NewChange] = []
        now = self.config.clock()
        for definition in definitions:
            text = definition.model_dump_json(exclude_none=True)
            key = (schema.forms.c.form_id == definition.id) & (
                schema.forms.c.form_version == definition.version
            )
            known = connection.execute(
                sa.select(schema.forms.c.definition).where(key)
            ).scalar_one_or_none()
            if known == text:
                continue
            if known is not None:
                # Versions already filled in are read with the definition they were made
                # with; a changed form needs a new version number.
                name = f"{definition.id} {definition.version}"
                raise FieldappError(
                    {
                        "nl": f"Formulier {name} is al geladen met een andere inhoud; geef "
                        "het een nieuw versienummer.",
                        "en": f"The form {name} was already loaded with other content; give "
                        "it a new version number.",
                    }
                )
            connection.execute(
                schema.forms.insert().values(
                    form_id=definition.id,
                    form_version=definition.version,
                    roles=json.dumps(list(definition.roles)),
                    definition=text,
                    loaded_at=now,
                )
            )
            changes.extend(feed.form_changes(definition))
        return changes


def _blob_storage(config: ServerConfig, database: CentralDatabase) -> BlobStorage:
    if config.blob_storage == "files":
        return FileBlobStorage(config.blob_directory)
    if config.blob_storage == "database":
        return DatabaseBlobStorage(database, config.clock)
    raise FieldappError(
        {
            "nl": f"FIELDAPP_BLOB_STORAGE={config.blob_storage!r}: kies files of database.",
            "en": f"FIELDAPP_BLOB_STORAGE={config.blob_storage!r}: choose files or database.",
        }
    )


def _read_forms(paths: Sequence[Path]) -> list[FormDefinition]:
    engines, problems = check_form_files(paths)
    if problems:
        lines = "\n".join(str(problem) for problem in problems)
        raise FieldappError(
            {"nl": f"Formulieren met fouten:\n{lines}", "en": f"Forms with problems:\n{lines}"}
        )
    return [engine.definition for engine in engines]
