"""The demo world agrees with itself: a seeded profile's reviews exist on its central store.

Issue 11: `fieldapp seed` writes approvals and returns into a profile; after a demo sync
the central store holds the same reviews, so a supervisor's report from the server says
what the local one says. Checked against the server's own rows, not the sync's report.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from fieldapp.app.demo import load_demo_world, replay_demo_reviews, seed_demo_profile
from fieldapp.app.syncing import connect
from fieldapp.server import schema
from fieldapp.store import open_profile
from fieldapp.store.keys import DEVICE_PASSWORD_RULES
from tests.support.central import DEMO_PASSWORD, SUPERVISOR_UITGAAN, running_central

OWNER = "fatima.elamrani"


def test_seeded_reviews_and_round_visits_were_missing_on_the_demos_central_store(
    tmp_path: Path,
) -> None:
    home = tmp_path / "home"
    seed_demo_profile(home, OWNER, DEMO_PASSWORD, 60, photo_share=0.0)
    rules = DEVICE_PASSWORD_RULES.allowing(DEMO_PASSWORD)
    with (
        running_central("sqlite", tmp_path / "central", "agree") as central,
        open_profile(home, OWNER, DEMO_PASSWORD, password_rules=rules) as profile,
    ):
        local = {
            summary.inspection_id: summary.review.kind
            for summary in profile.inspections()
            if summary.review is not None
        }
        assert "approved" in local.values() and "returned" in local.values()
        with connect(
            home,
            profile,
            server_url=central.url,
            password=None,
            demo_accounts=True,
            language="nl",
        ) as connection:
            report = connection.sync_once()
            assert report.complete, report.problem
            with central.store.database.read() as db:
                rows = db.execute(
                    sa.select(schema.review_events.c.inspection_id, schema.review_events.c.action)
                ).all()
            on_server = {row.inspection_id: row.action for row in rows}
            assert on_server == local
            # Done once: the next sync sends no review again.
            assert replay_demo_reviews(profile, connection.client.line) == 0
            assert connection.sync_once().complete
        with central.store.database.read() as db:
            statuses = dict(
                db.execute(
                    sa.select(schema.inspections.c.inspection_id, schema.inspections.c.status)
                ).all()
            )
        assert {i: statuses[i] for i in local} == local
        # The seeded door tests visit the rounds of the world's history: the store holds
        # them, and those rounds give planning no assignment to read "planned" or "overdue".
        rounds = {r.id for r in load_demo_world().rounds if profile.round_versions(r.id)}
        assert rounds, "the seed made no door-test visit of a round"
        visits = {v.inspection_id for r in rounds for v in profile.round_versions(r)}
        assert visits <= set(statuses)
        with central.client(SUPERVISOR_UITGAAN) as supervisor:
            plans = supervisor.get("/v1/planning/rounds").json()["rounds"]
            planned = supervisor.get("/v1/planning/assignments").json()["assignments"]
        assert all(p["assignments"] == {} for p in plans if p["round"]["id"] in rounds)
        assert not [p for p in planned if p["assignment"]["paired_test"] in rounds]
