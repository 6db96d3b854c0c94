"""The whole real path without --demo, on SQLite and PostgreSQL (issue 12).

An empty central store gets its accounts the way `fieldapp server adduser` makes them and
the shipped forms the way `load-forms` loads them; a boa signs in on a fresh device through
the app's sign-in, a mystery guest through `fieldapp sync --server … --user …`; both pull,
fill and finalize an inspection and sync it; the supervisor sees both through the HTTP API.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from fieldapp.app.session import sign_in
from fieldapp.app.syncing import sync_profile
from fieldapp.cli import main
from fieldapp.core.entities import Role, Team
from fieldapp.core.locations import seeds_directory
from fieldapp.core.worldfile import load_world
from fieldapp.store import known_usernames, open_profile
from tests.support.central import BACKENDS
from tests.support.fresh import fresh_central
from tests.support.store import FAST_KDF, fill_draft

SUPERVISOR = ("sanne.dejong", "koffie-met-appeltaart-9")
BOA = ("bob.devries", "lantaarn-en-fiets-1")
TESTER = ("lotte.bakker", "deur-open-deur-dicht-4")


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_boa_and_a_mystery_guest_start_on_fresh_devices_without_the_demo(
    backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with fresh_central(backend, tmp_path / "central", "realpath") as central:
        world = load_world(seeds_directory())
        central.register(world.areas, world.venues)
        areas = [area.id for area in world.areas]
        central.add_team(
            Team(id="handhaving", name="Handhaving", areas=areas, supervisor=SUPERVISOR[0])
        )
        central.add_team(
            Team(id="deurtest", name="Deurtest", areas=areas, supervisor=SUPERVISOR[0])
        )
        central.add_user(SUPERVISOR[0], Role.SUPERVISOR, SUPERVISOR[1])
        central.add_user(BOA[0], Role.BOA, BOA[1], team="handhaving")
        central.add_user(
            TESTER[0], Role.MYSTERY_GUEST, TESTER[1], team="deurtest", pseudonym="Gast 7"
        )

        # The boa: the app's sign-in on a device that has never seen her.
        boa_home = tmp_path / "tablet-boa"
        signed = sign_in(boa_home, BOA[0], BOA[1], None, kdf=FAST_KDF, server_url=central.url)
        try:
            assert signed.user.role is Role.BOA and signed.teams == {
                "handhaving": "Handhaving",
                "deurtest": "Deurtest",
            }
            patrol = fill_draft(signed.profile, "neighbourhood_patrol", seed=5)
            signed.profile.finalize(patrol)
        finally:
            signed.profile.close()
        report = sync_profile(
            boa_home, BOA[0], BOA[1], server_url=central.url, demo=False, language="en"
        )
        assert report.complete and report.pending == 0 and len(report.sent) == 1

        # The mystery guest: `fieldapp sync --server URL --user NAME` makes her profile.
        tester_home = tmp_path / "tablet-tester"
        monkeypatch.delenv("FIELDAPP_PASSWORD", raising=False)
        arguments = ["sync", "--home", str(tester_home), "--server", central.url]
        arguments += ["--user", TESTER[0], "--password-stdin"]
        monkeypatch.setattr("sys.stdin", io.StringIO(TESTER[1] + "\n"))
        assert main(arguments) == 0
        assert known_usernames(tester_home) == [TESTER[0]]
        with open_profile(tester_home, TESTER[0], TESTER[1], create=False) as profile:
            visit = fill_draft(profile, "door_test", seed=6)
            profile.finalize(visit)
        monkeypatch.setattr("sys.stdin", io.StringIO(TESTER[1] + "\n"))
        assert main(arguments) == 0

        # The supervisor sees both through the central store's HTTP API.
        with central.client(*SUPERVISOR) as desk:
            answer = desk.get("/v1/inspections")
            assert answer.status_code == 200, answer.text
            seen = {item["inspection_id"]: item for item in answer.json()["items"]}
        assert set(seen) == {patrol, visit}
