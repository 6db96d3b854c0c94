"""A real central store started WITHOUT the demo, as a municipality starts one (device tests).

`fresh_central(backend, home, label)` runs an empty central store on 127.0.0.1 (SQLite, or a
fresh PostgreSQL schema) with only the shipped forms loaded (`load_forms`, what
`fieldapp server load-forms` calls). Accounts are made with the same `accounts.add_user`
that `fieldapp server adduser` calls, with passwords that meet the server's rules; no
account has the demo password. `register` puts areas and venues in the way the server's
own writers do (reference rows and their change-feed entries in one transaction), standing
in for the administration's imports.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from fieldapp.core.entities import Area, Role, Team, Venue
from fieldapp.core.formfile import form_files
from fieldapp.core.locations import forms_directory
from fieldapp.server import feed, schema
from fieldapp.server.app import create_app
from fieldapp.server.central import CentralStore
from fieldapp.server.config import ServerConfig
from fieldapp.server.runner import BackgroundServer
from tests.support.central import database_url, require_backend, test_config


@dataclass
class FreshCentral:
    """A running central store that holds only what a test puts in."""

    config: ServerConfig
    store: CentralStore
    server: BackgroundServer

    @property
    def url(self) -> str:
        return self.server.url

    def add_team(self, team: Team) -> None:
        with self.store.database.write() as connection:
            connection.execute(
                schema.teams.insert().values(
                    team_id=team.id,
                    name=team.name,
                    supervisor=team.supervisor,
                    payload=team.model_dump_json(),
                )
            )
            feed.append(connection, [feed.team_change(team)], self.config.clock())

    def add_user(
        self,
        username: str,
        role: Role,
        password: str,
        *,
        team: str | None = None,
        pseudonym: str | None = None,
    ) -> None:
        """What `fieldapp server adduser` does."""
        with self.store.database.write() as connection:
            self.store.accounts.add_user(
                connection,
                username=username,
                display_name=username.replace(".", " ").title(),
                role=role,
                password=password,
                team=team,
                pseudonym=pseudonym,
                languages=["nl"],
            )

    def set_password(self, username: str, password: str) -> None:
        """What `fieldapp server passwd` does."""
        with self.store.database.write() as connection:
            assert self.store.accounts.set_password(connection, username, password)

    def set_active(self, username: str, active: bool) -> None:
        """What `fieldapp server deactivate|activate` does."""
        with self.store.database.write() as connection:
            assert self.store.accounts.set_active(connection, username, active)

    def register(self, areas: Iterable[Area], venues: Iterable[Venue]) -> None:
        """Areas and venues with their change-feed entries, in one transaction."""
        now = self.config.clock()
        areas, venues = list(areas), list(venues)
        rows = [
            *(("area", area.id, area.model_dump_json()) for area in areas),
            *(("venue", venue.id, venue.model_dump_json()) for venue in venues),
        ]
        with self.store.database.write() as connection:
            connection.execute(
                schema.reference.insert(),
                [
                    {"kind": k, "key": key, "payload": p, "removed": False, "updated_at": now}
                    for k, key, p in rows
                ],
            )
            changes = [
                *(feed.area_change(area) for area in areas),
                *(feed.venue_change(venue) for venue in venues),
            ]
            feed.append(connection, changes, now)

    def client(self, username: str, password: str) -> httpx.Client:
        """An HTTP client signed in as `username` (the supervisor's desk, in tests)."""
        answer = httpx.post(
            f"{self.url}/v1/auth/token",
            json={"username": username, "password": password},
            timeout=30,
        )
        assert answer.status_code == 200, answer.text
        token = answer.json()["access_token"]
        return httpx.Client(
            base_url=self.url, headers={"Authorization": f"Bearer {token}"}, timeout=60
        )


@contextmanager
def fresh_central(backend: str, home: Path, label: str, **overrides: Any) -> Iterator[FreshCentral]:
    require_backend(backend)
    with database_url(backend, label) as url:
        config = test_config(home, url, **overrides)
        store = CentralStore(config)
        app = create_app(config, store)
        assert store.load_forms(form_files(forms_directory()))
        server = BackgroundServer(app).start()
        try:
            yield FreshCentral(config=config, store=store, server=server)
        finally:
            server.stop()
            store.close()
