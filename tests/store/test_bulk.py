"""The bulk path (seeding): past inspections written many to a transaction through the same
row writers as finalize, a receipt and a review."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from fieldapp.core.doortest import (
    DOOR_TEST_FORM,
    DoorTestVisit,
    round_visit_problem,
    visit_from_document,
)
from fieldapp.core.inspection import InspectionStatus, InspectionVersion
from fieldapp.core.locations import seeds_directory
from fieldapp.core.worldfile import load_world
from fieldapp.store import (
    ApprovalEvent,
    OutboxState,
    PastInspection,
    Receipt,
    ReturnEvent,
    verify,
)
from fieldapp.store.profile import Profile
from fieldapp.store.seed import seed_profile
from tests.support.store import fill_draft, new_profile

AT = datetime(2026, 12, 6, 9, 30, tzinfo=UTC)


def test_a_past_inspection_ends_up_as_the_app_would_have_left_it(tmp_path: Path) -> None:
    with new_profile(tmp_path / "app") as app:
        returned = app.finalize(fill_draft(app, "coffeeshop_inspection", seed=5))
        app.mark_sent(returned.version_id, "receipt-5")
        comments = {"findings_summary": "Graag concreter."}
        app.apply_return(returned.inspection_id, returned.version_id, comments, "ricardo.pinas", AT)
        approved = app.finalize(fill_draft(app, "door_test", seed=6))
        waiting = app.finalize(fill_draft(app, "neighbourhood_patrol", seed=7))
        files = {
            a.sha256: app.read_attachment(a.sha256)
            for v in (returned, approved, waiting)
            for a in v.attachments
        }
        expected = {s.inspection_id: s for s in app.inspections()}

    with new_profile(tmp_path / "seeded") as seeded:
        seeded.add_past_inspections(
            [
                PastInspection(
                    returned,
                    files,
                    Receipt("receipt-5", AT - timedelta(hours=1)),
                    ReturnEvent(
                        returned.inspection_id,
                        returned.version_id,
                        comments,
                        "ricardo.pinas",
                        AT,
                    ),
                ),
                PastInspection(
                    approved,
                    files,
                    Receipt("receipt-6", AT),
                    ApprovalEvent(approved.inspection_id, approved.version_id, "ricardo.pinas", AT),
                ),
                PastInspection(waiting, files),
            ]
        )
        assert seeded.inspection(returned.inspection_id).status is InspectionStatus.RETURNED
        assert seeded.inspection(approved.inspection_id).status is InspectionStatus.APPROVED
        assert seeded.inspection(waiting.inspection_id).status is InspectionStatus.FINALIZED
        for version in (returned, approved, waiting):
            assert seeded.version(version.version_id) == version
            for attachment in version.attachments:
                assert seeded.read_attachment(attachment.sha256) == files[attachment.sha256]
        assert seeded.review_comments(returned.inspection_id) == comments
        assert seeded.pending_versions() == [waiting]
        summary = seeded.inspection(returned.inspection_id)
        assert summary.outbox is not None and summary.outbox.state is OutboxState.SENT
        assert summary.outbox.server_receipt == "receipt-5"
        assert summary.review == expected[returned.inspection_id].review
        actions = [e.action for e in seeded.audit_entries(returned.inspection_id)]
        assert actions == ["inspection_finalized", "version_sent", "version_returned"]
        # A correction of a seeded return works as of one the app made.
        seeded.start_correction(returned.inspection_id)
        assert seeded.is_editable(returned.inspection_id, "findings_summary")
        assert verify(seeded) == []


def test_a_batch_whose_file_does_not_match_its_hash_writes_nothing(tmp_path: Path) -> None:
    with new_profile(tmp_path / "app") as app:
        version = app.finalize(fill_draft(app, "coffeeshop_inspection", seed=8))
        files = {a.sha256: app.read_attachment(a.sha256) for a in version.attachments}
    assert files
    wrong = {sha: data + b"!" for sha, data in files.items()}
    with new_profile(tmp_path / "seeded") as seeded:
        with pytest.raises(ValueError, match="differ"):
            seeded.add_past_inspections([PastInspection(version, wrong)])
        assert seeded.count() == 0 and seeded.audit_entries(version.inspection_id) == []
        assert verify(seeded) == []


def test_seeding_goes_through_the_bulk_path_in_batches(tmp_path: Path) -> None:
    with new_profile(tmp_path) as profile:
        report = seed_profile(profile, 30, drafts=1, templates_per_form=3, batch=7)
        assert report.inspections == 30 and report.drafts == 1
        counts = profile.outbox_counts()
        assert counts.pending == report.by_status.get("finalized", 0)
        assert counts.sent == 30 - counts.pending
        assert profile.count() == 31
        updated = [
            s.updated_at for s in profile.inspections() if s.status is not InspectionStatus.DRAFT
        ]
        assert len(updated) == 30
        assert verify(profile) == []


def _door_test_visits(profile: Profile) -> list[tuple[InspectionVersion, DoorTestVisit]]:
    """Each finalized door test's first version, and the round visit its answers make."""
    found = []
    for summary in profile.inspections():
        versions = profile.versions(summary.inspection_id)
        if not versions or versions[0].form_id != DOOR_TEST_FORM:
            continue  # a draft has no version yet
        engine = profile.engine(versions[0].form_id, versions[0].form_version)
        visit = visit_from_document(engine, versions[0].document["answers"])
        assert visit is not None
        found.append((versions[0], visit))
    return found


def test_a_seeded_door_test_visit_took_another_rounds_answers(tmp_path: Path) -> None:
    """Before: seeding with few templates per form gave a door-test visit the answers of an
    earlier visit (its round, venue and tester) under this visit's evening, so the round
    check (`round_visit_problem`, the one the central store runs at push) refused it: 17 of
    23 visits with six templates. Now every visit fits the round it names, each half once."""
    rounds = {planned.id.casefold(): planned for planned in load_world(seeds_directory()).rounds}
    with new_profile(tmp_path / "app") as app:
        seed_profile(app, 120, seed=19, photo_share=0.0, templates_per_form=2)
        halves: list[tuple[str, str]] = []
        for version, visit in _door_test_visits(app):
            planned = rounds[visit.test_id.casefold()]
            assert round_visit_problem(planned, visit, author=version.author) is None
            halves.append((planned.id, visit.group_role))
    assert len(halves) > 2 * 2  # more visits than templates a form
    assert len(set(halves)) == len(halves)


def test_a_profile_seeded_twice_got_a_third_visit_of_every_round(tmp_path: Path) -> None:
    """Before: each seeding planned both visits of every round again, so a profile seeded
    twice (`fieldapp seed` run again on one home) held up to two visits of each round's
    half, which the central store refuses as third visits. Now a second seeding leaves the
    visited halves alone; a mystery guest's door-test drafts still get a round to practise
    under."""
    with new_profile(tmp_path / "app", username="mg-noord-3") as app:
        seed_profile(app, 60, seed=19, photo_share=0.0, templates_per_form=4)
        seed_profile(app, 60, drafts=2, seed=20, photo_share=0.0, templates_per_form=4)
        halves = [
            (visit.test_id.casefold(), visit.group_role) for _, visit in _door_test_visits(app)
        ]
    assert halves
    assert len(set(halves)) == len(halves), sorted(halves)
