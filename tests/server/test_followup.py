"""Follow-up on a real central store, over HTTP: proposals, decisions, actions, the venue file.

The findings come from real checklists filled in with the form engine and pushed as a
device pushes them; what the ladder proposes is checked against the policy file read
independently, and what reached a device is checked in the change feed it pulls.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest

from fieldapp.core.inspection import InspectionVersion
from fieldapp.core.locations import forms_directory
from fieldapp.core.sanctions import load_policy_file
from tests.support.central import (
    BACKENDS,
    BOA_WEST,
    MYSTERY_GUEST,
    SUPERVISOR_CENTRUM,
    SUPERVISOR_UITGAAN,
    Central,
    pull_all,
    push,
    running_central,
)
from tests.support.samples import (
    COFFEESHOP_BASE,
    REFERRAL,
    SampleWorld,
    fill,
    patrol,
    version_of,
)

SHOP = "cs-weimar-255"  # regentes-valkenbos: team-west (Ingrid), no team of Ricardo's
POLICY = load_policy_file(forms_directory() / "sanction_ladder.policy.yaml")
#: A minor inside with the age established from an ID document: criterion J.
MINOR_INSIDE = {"minors_present_count": 1, "minor_age_established": "id_document"}


@pytest.fixture(scope="module")
def samples() -> SampleWorld:
    return SampleWorld.load()


@pytest.fixture(scope="module", params=BACKENDS)
def central(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Central]:
    home = tmp_path_factory.mktemp("followup")
    with running_central(request.param, home, "followup") as running:
        yield running


def coffeeshop_version(
    samples: SampleWorld, seed: object, venue: str, visited: datetime, **answers: Any
) -> InspectionVersion:
    engine = samples.engines["coffeeshop_inspection"]
    session = engine.session(clock=lambda: visited)
    fill(session, {**COFFEESHOP_BASE, "venue": venue, "previous_violation": "unknown"})
    fill(session, answers)
    return version_of(session, seed=seed, author=BOA_WEST, started_at=visited, venue_id=venue)


def approve(central: Central, version: InspectionVersion) -> None:
    with central.client(SUPERVISOR_CENTRUM) as supervisor:
        answer = supervisor.post(
            f"/v1/inspections/{version.inspection_id}/approve",
            json={
                "event_id": hashlib.md5(version.version_id.encode()).hexdigest(),
                "version_id": version.version_id,
            },
        )
        assert answer.status_code == 200, answer.text


def push_as(central: Central, user: str, version: InspectionVersion) -> None:
    with central.client(user) as client:
        answer = push(client, version)
        assert answer.status_code == 201, answer.text


def proposals(central: Central, venue: str) -> list[dict[str, Any]]:
    with central.client(SUPERVISOR_CENTRUM) as supervisor:
        answer = supervisor.get("/v1/followup/measures", params={"venue_id": venue})
        assert answer.status_code == 200, answer.text
        return sorted(answer.json()["measures"], key=lambda m: m["visited_at"])


def test_an_approved_j_finding_proposes_closure_and_a_repeat_the_next_step(
    central: Central, samples: SampleWorld
) -> None:
    first = coffeeshop_version(samples, ("j", 1), SHOP, datetime(2026, 3, 1, 21, 0), **MINOR_INSIDE)
    assert "criterion_J_violation" in first.outcomes
    push_as(central, BOA_WEST, first)
    assert proposals(central, SHOP) == []  # sent is not approved: nothing proposed yet
    approve(central, first)
    [measure] = proposals(central, SHOP)
    ladder = POLICY.ladder("coffeeshop_j")
    assert ladder is not None
    assert measure["ladder_id"] == "coffeeshop_j"
    assert measure["proposed_step"] == ladder.steps[0].id == "closure_6_months"
    assert (measure["policy_id"], measure["policy_version"]) == (POLICY.id, POLICY.version)
    assert measure["state"] == "proposed" and measure["repetitions"] == []

    later = coffeeshop_version(samples, ("j", 2), SHOP, datetime(2026, 9, 1, 21, 0), **MINOR_INSIDE)
    push_as(central, BOA_WEST, later)
    approve(central, later)
    first_measure, second = proposals(central, SHOP)
    assert second["proposed_step"] == ladder.steps[1].id == "closure_12_months"
    assert second["repetition_inspections"] == [first.inspection_id]
    assert first_measure["measure_id"] == measure["measure_id"]


def test_the_supervisor_confirms_and_the_steps_actions_follow_with_due_dates(
    central: Central, samples: SampleWorld
) -> None:
    venue = "cs-weimar-268"
    version = coffeeshop_version(
        samples, ("confirm", 1), venue, datetime(2026, 5, 1, 21, 0), **MINOR_INSIDE
    )
    push_as(central, BOA_WEST, version)
    approve(central, version)
    [measure] = proposals(central, venue)
    today = central.clock().date()
    with central.client(SUPERVISOR_CENTRUM) as supervisor:
        path = f"/v1/followup/measures/{measure['measure_id']}/decide"
        decided = supervisor.post(path, json={"decision": "confirm"})
        assert decided.status_code == 200, decided.text
        body = decided.json()
        assert body["state"] == "confirmed" and body["decided_step"] == "closure_6_months"
        again = supervisor.post(path, json={"decision": "no_measure", "reason": "x"})
        assert again.status_code == 409
        assert again.json()["current"]["state"] == "confirmed"
        actions = supervisor.get("/v1/followup/actions", params={"venue_id": venue}).json()
    kinds = {a["kind"]: a for a in actions["actions"]}
    step = POLICY.ladder("coffeeshop_j").steps[0]  # type: ignore[union-attr]
    assert set(kinds) == {t.kind.value for t in step.actions}
    for template in step.actions:
        action = kinds[template.kind.value]
        assert action["due"] == (today + timedelta(days=template.due_days)).isoformat()
        assert action["state"] == "open" and action["measure_id"] == measure["measure_id"]
        assert action["owner"] == SUPERVISOR_CENTRUM


def test_a_change_or_no_measure_needs_a_reason_and_a_real_step(
    central: Central, samples: SampleWorld
) -> None:
    venue = "cs-weimar-283"
    version = coffeeshop_version(
        samples,
        ("change", 1),
        venue,
        datetime(2026, 6, 1, 21, 0),
        stock_in_shop_grams=650.0,
    )
    assert "stock_over_limit" in version.outcomes
    push_as(central, BOA_WEST, version)
    approve(central, version)
    [measure] = proposals(central, venue)
    assert measure["proposed_step"] == "formal_warning"
    path = f"/v1/followup/measures/{measure['measure_id']}/decide"
    with central.client(SUPERVISOR_CENTRUM) as supervisor:
        for body in (
            {"decision": "change", "step_id": "closure_1_month"},  # no reason
            {"decision": "change", "step_id": "nonexistent", "reason": "r"},
            {"decision": "change", "step_id": "formal_warning", "reason": "same step"},
            {"decision": "no_measure"},
            {"decision": "no_measure", "reason": "x" * 2001},
            {"decision": "maybe"},
        ):
            refused = supervisor.post(path, json=body)
            assert refused.status_code == 422, (body, refused.text)
        with central.client(SUPERVISOR_UITGAAN) as other:
            assert other.post(path, json={"decision": "confirm"}).status_code == 404
        with central.client(BOA_WEST) as boa:
            assert boa.post(path, json={"decision": "confirm"}).status_code == 403
        changed = supervisor.post(
            path,
            json={"decision": "change", "step_id": "closure_1_month", "reason": "Tweede keer."},
        )
        assert changed.status_code == 200, changed.text
        assert (changed.json()["state"], changed.json()["decided_step"]) == (
            "changed",
            "closure_1_month",
        )


def upload(client: httpx.Client, data: bytes) -> str:
    sha = hashlib.sha256(data).hexdigest()
    answer = client.put(
        f"/v1/blobs/{sha}", content=data, headers={"Content-Type": "application/octet-stream"}
    )
    assert answer.status_code in (200, 201), answer.text
    return sha


def test_an_action_keeps_the_operators_response_with_its_file_and_a_log(
    central: Central,
) -> None:
    today = central.clock().date()
    letter = b"%PDF-1.4\n% zienswijze van de exploitant\n"
    with central.client(SUPERVISOR_CENTRUM) as supervisor:
        created = supervisor.post(
            "/v1/followup/actions",
            json={
                "kind": "letter_of_intent",
                "venue_id": "cs-weimar-301",
                "owner": SUPERVISOR_CENTRUM,
                "due": (today + timedelta(days=14)).isoformat(),
                "title": "Voornemen tot sluiting versturen",
            },
        )
        assert created.status_code == 201, created.text
        action = created.json()
        path = f"/v1/followup/actions/{action['action_id']}/events"
        waiting = supervisor.post(
            path, json={"version": 1, "kind": "state", "state": "waiting_response"}
        )
        assert waiting.status_code == 200, waiting.text
        stale = supervisor.post(path, json={"version": 1, "kind": "note", "text": "te laat"})
        assert stale.status_code == 409
        sha = upload(supervisor, letter)
        response = supervisor.post(
            path,
            json={
                "version": 2,
                "kind": "response",
                "text": "De exploitant betwist de leeftijd van de bezoeker.",
                "response_date": today.isoformat(),
                "attachment": {
                    "sha256": sha,
                    "filename": "zienswijze.pdf",
                    "media_type": "application/pdf",
                    "size": len(letter),
                },
            },
        )
        assert response.status_code == 200, response.text
        for bad in (
            {"version": 3, "kind": "response", "text": "zonder datum"},
            {
                "version": 3,
                "kind": "response",
                "text": "toekomst",
                "response_date": (today + timedelta(days=3)).isoformat(),
            },
            {"version": 3, "kind": "state", "state": "nonsense"},
            {"version": 3, "kind": "created"},
        ):
            assert supervisor.post(path, json=bad).status_code == 422, bad
        decided = supervisor.post(
            path, json={"version": 3, "kind": "state", "state": "decided", "text": "Sluiting."}
        )
        assert decided.status_code == 200
        done = decided.json()
        assert done["state"] == "decided"
        assert [e["kind"] for e in done["events"]] == ["created", "state", "response", "state"]
        assert supervisor.get(f"/v1/blobs/{sha}").content == letter
    with central.client(SUPERVISOR_UITGAAN) as other:
        assert other.get(f"/v1/followup/actions/{action['action_id']}").status_code == 404
        assert other.get(f"/v1/blobs/{sha}").status_code == 404


def test_a_response_file_must_be_uploaded_by_the_one_who_names_it(central: Central) -> None:
    today = central.clock().date()
    with central.client(SUPERVISOR_CENTRUM) as supervisor:
        action = supervisor.post(
            "/v1/followup/actions",
            json={"kind": "other", "owner": SUPERVISOR_CENTRUM, "due": today.isoformat()},
        ).json()
        answer = supervisor.post(
            f"/v1/followup/actions/{action['action_id']}/events",
            json={
                "version": 1,
                "kind": "response",
                "text": "brief",
                "response_date": today.isoformat(),
                "attachment": {
                    "sha256": "ab" * 32,
                    "filename": "x.pdf",
                    "media_type": "application/pdf",
                    "size": 10,
                },
            },
        )
        assert answer.status_code == 422
        assert "upload" in answer.json()["problems"][0]


def test_a_re_inspection_plans_an_assignment_the_boa_pulls_and_sees_as_hers(
    central: Central,
) -> None:
    today = central.clock().date()
    with central.client(SUPERVISOR_CENTRUM) as supervisor:
        created = supervisor.post(
            "/v1/followup/actions",
            json={
                "kind": "re_inspection",
                "venue_id": "cs-weimar-12",
                "owner": BOA_WEST,
                "assignee": BOA_WEST,
                "due": (today + timedelta(days=30)).isoformat(),
            },
        )
        assert created.status_code == 201, created.text
    action = created.json()
    assignment_id = action["events"][-1]["assignment_id"]
    assert action["events"][-1]["kind"] == "assignment"
    with central.client(BOA_WEST) as boa:
        changes, _ = pull_all(boa)
        planned = [
            c
            for c in changes
            if c["kind"] == "assignment" and c["assignment"]["id"] == assignment_id
        ]
        assert planned and planned[-1]["assignment"]["venue"] == "cs-weimar-12"
        mine = boa.get("/v1/followup/actions").json()["actions"]
        assert action["action_id"] in {a["action_id"] for a in mine}
        path = f"/v1/followup/actions/{action['action_id']}/events"
        assert (
            boa.post(path, json={"version": 2, "kind": "state", "state": "done"}).status_code == 403
        )
        noted = boa.post(path, json={"version": 2, "kind": "note", "text": "Morgen langs."})
        assert noted.status_code == 200, noted.text


def test_a_patrol_referral_still_to_report_is_the_supervisors_action_until_made(
    central: Central, samples: SampleWorld
) -> None:
    report = patrol(samples, seed=41, observations=0, checks=0)
    engine = samples.engines["neighbourhood_patrol"]
    version = report.version
    document = {**version.document}
    rows = [dict(row) for row in document["repeats"]["referrals"]]
    rows[0] = {**rows[0], "answers": {**rows[0]["answers"], "referral_status": "to_do"}}
    document["repeats"] = {**document["repeats"], "referrals": rows}
    to_do = version.model_copy(
        update={
            "document": document,
            "content_hash": InspectionVersion.hash_of(
                engine.form_id, engine.version, None, document, version.attachments
            ),
        }
    )
    push_as(central, "youssef.benali", to_do)
    with central.client(SUPERVISOR_UITGAAN) as supervisor:  # leads team-zuidoost
        actions = supervisor.get("/v1/followup/actions", params={"open_only": "true"}).json()
        [referral] = [a for a in actions["actions"] if to_do.inspection_id in a["inspection_ids"]]
        assert referral["kind"] == "referral" and referral["venue_id"] is None
        assert "144 Red een Dier" in referral["subject"]["nl"]
        assert referral["due"] == central.clock().date().isoformat()  # same day
        # No address or description of the person goes into the action.
        assert str(REFERRAL["referral_address"]) not in str(referral)
    # A correction records the referral as made by phone: the action is done.
    made = version.model_copy(
        update={
            "version_id": "f" * 32,
            "base_version_id": to_do.version_id,
            "content_hash": InspectionVersion.hash_of(
                engine.form_id,
                engine.version,
                to_do.version_id,
                version.document,
                version.attachments,
            ),
        }
    )
    push_as(central, "youssef.benali", made)
    with central.client(SUPERVISOR_UITGAAN) as supervisor:
        after = supervisor.get(f"/v1/followup/actions/{referral['action_id']}").json()
        assert after["state"] == "done"


def test_the_venue_file_holds_all_time_and_only_for_the_venues_supervisors(
    central: Central, samples: SampleWorld
) -> None:
    venue = "cs-noorderbeekdwars-5"
    old = coffeeshop_version(
        samples, ("file", 1), venue, datetime(2023, 1, 10, 20, 0), **MINOR_INSIDE
    )
    recent = coffeeshop_version(samples, ("file", 2), venue, datetime(2026, 7, 1, 20, 0))
    for version in (old, recent):
        push_as(central, BOA_WEST, version)
    approve(central, old)
    with central.client(SUPERVISOR_CENTRUM) as supervisor:
        answer = supervisor.get(f"/v1/followup/venues/{venue}/file")
        assert answer.status_code == 200, answer.text
        file = answer.json()
    visits = file["visits"]
    assert [v["inspection_id"] for v in visits] == [old.inspection_id, recent.inspection_id]
    assert visits[0]["status"] == "approved" and visits[0]["approved_by"] == "Ingrid Verhoeven"
    assert visits[1]["status"] == "sent"
    assert "coffeeshop_inspection:criterion_J_violation" in {
        f["key"] for f in visits[0]["findings"]
    }
    reps = {r["ladder_id"]: r["count"] for r in file["repetitions"]}
    # The 2023 finding lies outside J's 24 months: no repetition counted today.
    assert reps["coffeeshop_j"] == 0
    assert file["policy_version"] == POLICY.version
    assert len(file["measures"]) == 1
    with central.client(SUPERVISOR_UITGAAN) as other:
        assert other.get(f"/v1/followup/venues/{venue}/file").status_code == 404
    with central.client(BOA_WEST) as boa:
        assert boa.get(f"/v1/followup/venues/{venue}/file").status_code == 403
    with central.client(SUPERVISOR_CENTRUM) as supervisor:
        assert supervisor.get("/v1/followup/venues/Bad..Id/file").status_code == 422
        assert supervisor.get("/v1/followup/venues/no-such-venue/file").status_code == 404


def test_boas_get_the_venue_summary_and_mystery_guests_do_not(
    central: Central, samples: SampleWorld
) -> None:
    venue = "cs-beeklaan-402"
    version = coffeeshop_version(
        samples, ("summary", 1), venue, datetime(2026, 8, 1, 21, 0), **MINOR_INSIDE
    )
    push_as(central, BOA_WEST, version)
    approve(central, version)
    with central.client(BOA_WEST) as boa:
        changes, _ = pull_all(boa)
    summaries = [
        c for c in changes if c["kind"] == "venue_summary" and c["summary"]["venue_id"] == venue
    ]
    assert summaries, "the boa's device got no venue summary"
    summary = summaries[-1]["summary"]
    assert {r["ladder_id"] for r in summary["repetitions"]} == {"coffeeshop_j"}
    assert summary["last_visits"][0]["inspection_id"] == version.inspection_id
    assert summary["last_visits"][0]["officers"] == []  # no names on devices
    with central.client(MYSTERY_GUEST) as guest:
        changes, _ = pull_all(guest)
    assert not [c for c in changes if c["kind"] == "venue_summary"]


def test_the_field_summary_and_the_file_agree_with_an_independent_count(
    central: Central,
) -> None:
    """Repetitions in the file equal a count straight from the approved inspections'
    records, computed here from the database without the follow-up code."""
    import json

    import sqlalchemy as sa

    from fieldapp.server import schema

    venue = SHOP
    ladder = POLICY.ladder("coffeeshop_j")
    assert ladder is not None
    now = central.clock()
    with central.store.database.read() as connection:
        rows = connection.execute(
            sa.select(schema.versions.c.record)
            .select_from(
                schema.inspections.join(
                    schema.versions,
                    schema.versions.c.version_id == schema.inspections.c.head_version_id,
                )
            )
            .where(schema.inspections.c.venue_id == venue)
            .where(schema.inspections.c.status == "approved")
        ).scalars()
        expected = 0
        for record in rows:
            data = json.loads(record)
            started = datetime.fromisoformat(data["started_at"])
            started = started if started.tzinfo else started.replace(tzinfo=UTC)
            if "criterion_J_violation" in data["outcomes"] and started >= now.replace(
                year=now.year - 2
            ):
                expected += 1
    with central.client(SUPERVISOR_CENTRUM) as supervisor:
        file = supervisor.get(f"/v1/followup/venues/{venue}/file").json()
    counted = {r["ladder_id"]: r["count"] for r in file["repetitions"]}
    assert counted["coffeeshop_j"] == expected
    assert date.fromisoformat(file["generated_at"][:10]) == now.date()


def test_a_broken_or_foreign_policy_file_is_a_422_naming_the_problem(central: Central) -> None:
    from tests.support.central import ADMIN

    text = (forms_directory() / "sanction_ladder.policy.yaml").read_text(encoding="utf-8")
    with central.client(ADMIN) as admin:
        for body, expected in (
            (b"\xff\xfe not text", "not UTF-8 text"),
            (text.replace("closure_weeks: 26", "", 1).encode(), "a closure needs closure_weeks"),
            (
                text.replace("criterion_H_violation", "criterion_X_violation").encode(),
                "has no outcome criterion_X_violation",
            ),
        ):
            answer = admin.post(
                "/v1/admin/policies", params={"filename": "p.policy.yaml"}, content=body
            )
            assert answer.status_code == 422, answer.text
            assert any(expected in problem for problem in answer.json()["problems"]), answer.text
        form = admin.post("/v1/admin/forms", params={"filename": "f.yaml"}, content=b"\xff")
        assert form.status_code == 422 and "not UTF-8" in form.json()["problems"][0]
