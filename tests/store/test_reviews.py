"""Pulled reference data and review events: atomic pages, returns, corrections and approvals."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from fieldapp.core.entities import Role, Venue
from fieldapp.core.inspection import InspectionStatus, InspectionVersion
from fieldapp.store import (
    ApprovalEvent,
    FormRejected,
    FormText,
    NotEditable,
    Profile,
    QuestionLocked,
    ReferenceKind,
    Removal,
    ReturnEvent,
    TeamMember,
    Upsert,
    verify,
)
from tests.support.store import fill_draft, new_profile, sample_photo, snapshot

AT = datetime(2026, 12, 6, 9, 30, tzinfo=UTC)


@pytest.fixture
def profile(tmp_path: Path) -> Iterator[Profile]:
    opened = new_profile(tmp_path)
    yield opened
    opened.close()


def sent_inspection(
    profile: Profile, form_id: str = "coffeeshop_inspection", seed: int = 21
) -> InspectionVersion:
    version = profile.finalize(fill_draft(profile, form_id, seed))
    profile.mark_sent(version.version_id, f"receipt-{seed}")
    return version


def test_a_page_of_changes_and_its_cursor_commit_together(profile: Profile) -> None:
    venue = profile.venue("cs-weimar-12")
    assert venue is not None
    renamed = Venue.model_validate({**venue.model_dump(), "name": "De Nieuwe Regentes"})
    result = profile.apply_changes(
        [Upsert(renamed), Removal(ReferenceKind.VENUE, "cs-weimar-255")], cursor="c-1"
    )
    assert result.reference == 2 and profile.pull_cursor() == "c-1"
    assert profile.venue("cs-weimar-12") == renamed and profile.venue("cs-weimar-255") is None
    broken = FormText("coffeeshop_inspection", "2027.1", "id: coffeeshop_inspection\n")
    original = profile.venue("cs-weimar-12")
    with pytest.raises(FormRejected):
        profile.apply_changes(
            [Upsert(Venue.model_validate({**venue.model_dump(), "name": "Half"})), Upsert(broken)],
            cursor="c-2",
        )
    # Nothing of the failed page was applied, and the cursor still points before it.
    assert profile.pull_cursor() == "c-1" and profile.venue("cs-weimar-12") == original


def test_teams_and_team_members_as_the_central_store_lists_them(profile: Profile) -> None:
    team = profile.team("team-uitgaan")
    assert team is not None and team.name == "Mystery guests uitgaansleven"
    guest = TeamMember("mg-noord-7", "Tester Noord-7", Role.MYSTERY_GUEST, "team-uitgaan")
    boa = TeamMember("nieuwe.boa", "Nieuwe Boa", Role.BOA, "team-centrum")
    profile.apply_changes([Upsert(guest), Upsert(boa)], cursor="c-7")
    stored = profile.user("mg-noord-7")
    assert stored is not None and stored.public_name == "Tester Noord-7"
    assert profile.user("nieuwe.boa") is not None
    profile.apply_changes([Removal(ReferenceKind.TEAM, "team-uitgaan")], cursor="c-8")
    assert profile.team("team-uitgaan") is None
    assert "team-centrum" in {t.id for t in profile.teams()}


def test_a_form_version_in_use_cannot_change_under_its_inspections(profile: Profile) -> None:
    profile.start_inspection("door_test", venue_id="club-grotemarkt-20")
    current = next(form for form in snapshot().forms if form.form_id == "door_test")
    profile.apply_changes([Upsert(current)], cursor="same text: a no-op")
    changed = FormText(current.form_id, current.version, current.yaml + "\n# edited\n")
    with pytest.raises(FormRejected, match="while inspections here use it"):
        profile.apply_changes([Upsert(changed)], cursor="c-3")
    # Removing it from the server does not remove it here while inspections need it.
    profile.apply_changes([Removal(ReferenceKind.FORM, current.key)], cursor="c-4")
    assert profile.engine("door_test").version == current.version


def test_a_newer_form_version_is_used_for_new_inspections_only(profile: Profile) -> None:
    old_draft = profile.start_inspection("door_test", venue_id="club-grotemarkt-20")
    current = next(form for form in snapshot().forms if form.form_id == "door_test")
    newer = FormText("door_test", "2027.1", current.yaml.replace('"2026.3"', '"2027.1"', 1))
    profile.apply_changes([Upsert(newer)], cursor="c-5")
    new_draft = profile.start_inspection("door_test", venue_id="club-grotemarkt-20")
    assert profile.inspection(new_draft).form_version == "2027.1"
    assert profile.inspection(old_draft).form_version == "2026.3"
    assert profile.resume(old_draft).engine.version == "2026.3"


def test_a_return_reopens_only_the_commented_questions(profile: Profile) -> None:
    version = sent_inspection(profile)
    draft = version.inspection_id
    comments = {
        "findings_summary": "Graag concreter: wat, waar en door wie?",
        "criterion_g": "Weeg de voorraad opnieuw.",
    }
    assert profile.apply_return(draft, version.version_id, comments, "ingrid.verhoeven", AT)
    assert not profile.apply_return(draft, version.version_id, comments, "ingrid.verhoeven", AT)
    returned = profile.returned()
    assert [s.inspection_id for s in returned] == [draft]
    review = returned[0].review
    assert review is not None and review.comments == comments
    assert review.reviewer == "ingrid.verhoeven" and review.at == AT
    with pytest.raises(NotEditable):
        profile.set_answer(draft, "findings_summary", "not yet: start a correction first")

    session = profile.start_correction(draft)
    summary = profile.inspection(draft)
    assert summary.status is InspectionStatus.DRAFT and summary.is_correction
    assert summary.base_version_id == version.version_id
    assert summary.review is not None and summary.review.comments == comments
    assert profile.review_comments(draft) == comments
    reopened = profile.reopened_questions(draft)
    assert "findings_summary" in reopened
    assert {"stock_in_shop_grams", "stock_photo", "weighing_method"} <= reopened  # in group G
    assert "inspectors" not in reopened
    assert session.value("inspectors") == version.document["answers"]["inspectors"]
    assert profile.is_editable(draft, "findings_summary")
    assert not profile.is_editable(draft, "inspectors")
    with pytest.raises(QuestionLocked) as locked:
        profile.set_answer(draft, "inspectors", "BOA 1")
    assert "niet heropend" in locked.value.text("nl")
    with pytest.raises(QuestionLocked):
        profile.attach_file(draft, "officer_signature", sample_photo(7))
    profile.set_answer(draft, "findings_summary", "Voorraad in de zaak gewogen door BOA 4411.")
    profile.set_answer(draft, "stock_in_shop_grams", 321.0)
    profile.attach_file(draft, "stock_photo", sample_photo(8))
    correction = profile.finalize(draft)
    assert correction.base_version_id == version.version_id
    assert correction.version_id != version.version_id
    assert correction.document["answers"]["inspectors"] == version.document["answers"]["inspectors"]
    assert correction.document["answers"]["stock_in_shop_grams"] == 321.0
    # The returned version is still there, unchanged, and both hash correctly.
    assert profile.version(version.version_id) == version
    assert [v.version_id for v in profile.versions(draft)] == [
        version.version_id,
        correction.version_id,
    ]
    assert [v.version_id for v in profile.pending_versions()] == [correction.version_id]
    assert verify(profile) == []

    profile.mark_sent(correction.version_id, "receipt-correction")
    assert profile.apply_approval(draft, correction.version_id, "ingrid.verhoeven", AT)
    approved = profile.approved()
    assert [s.inspection_id for s in approved] == [draft]
    assert approved[0].review is not None and approved[0].review.kind == "approved"
    actions = [entry.action for entry in profile.audit_entries(draft)]
    assert actions == [
        "inspection_started",
        "inspection_finalized",
        "version_sent",
        "version_returned",
        "correction_started",
        "inspection_finalized",
        "version_sent",
        "version_approved",
    ]
    assert verify(profile) == []


def test_a_return_without_question_comments_reopens_the_whole_form(profile: Profile) -> None:
    version = sent_inspection(profile, "door_test", seed=22)
    profile.apply_return(
        version.inspection_id,
        version.version_id,
        {},
        "ricardo.pinas",
        AT,
        comment="Graag opnieuw bekijken.",
    )
    profile.start_correction(version.inspection_id)
    assert profile.is_editable(version.inspection_id, "tester_pseudonym")
    assert profile.is_editable(version.inspection_id, "notes")


def test_review_events_in_a_pulled_page_and_a_lost_acknowledgement(profile: Profile) -> None:
    returned = profile.finalize(fill_draft(profile, "coffeeshop_inspection", seed=23))
    approved = sent_inspection(profile, "door_test", seed=24)
    # The first one was stored by the server, but its acknowledgement never arrived:
    # the return itself proves the server has it.
    result = profile.apply_changes(
        [
            ReturnEvent(
                returned.inspection_id,
                returned.version_id,
                {"findings_summary": "Te kort."},
                "ingrid.verhoeven",
                AT,
            ),
            ApprovalEvent(approved.inspection_id, approved.version_id, "ricardo.pinas", AT),
            ReturnEvent("f" * 32, "e" * 32, {}, "ricardo.pinas", AT),
        ],
        cursor="c-9",
    )
    assert (result.returns, result.approvals) == (1, 1)
    assert len(result.ignored) == 1 and "not on this device" in result.ignored[0]
    assert profile.inspection(returned.inspection_id).status is InspectionStatus.RETURNED
    assert profile.pending_versions() == []
    assert profile.inspection(approved.inspection_id).status is InspectionStatus.APPROVED
    # Replaying the same page (a crash after the commit, before the next pull) is harmless.
    again = profile.apply_changes(
        [ApprovalEvent(approved.inspection_id, approved.version_id, "ricardo.pinas", AT)],
        cursor="c-9",
    )
    assert again.approvals == 0
    assert verify(profile) == []


def test_a_return_of_an_older_version_is_kept_but_changes_nothing(profile: Profile) -> None:
    version = sent_inspection(profile, "coffeeshop_inspection", seed=25)
    inspection_id = version.inspection_id
    profile.apply_return(
        inspection_id, version.version_id, {"findings_summary": "x"}, "ingrid.verhoeven", AT
    )
    profile.start_correction(inspection_id)
    profile.set_answer(inspection_id, "findings_summary", "Aangevuld.")
    correction = profile.finalize(inspection_id)
    profile.apply_approval(inspection_id, version.version_id, "ingrid.verhoeven", AT)
    summary = profile.inspection(inspection_id)
    assert summary.status is InspectionStatus.FINALIZED
    assert summary.version_id == correction.version_id


def test_a_reopened_answer_that_makes_a_locked_question_required_can_still_finish(
    profile: Profile,
) -> None:
    # Only "hard_drugs_found" is reopened; answering it "yes" makes its follow-up questions
    # relevant and required. They must be answerable, or the correction could never finish.
    version = sent_inspection(profile)
    draft = version.inspection_id
    profile.apply_return(
        draft, version.version_id, {"hard_drugs_found": "Klopt dit?"}, "ingrid.verhoeven", AT
    )
    profile.start_correction(draft)
    profile.set_answer(draft, "hard_drugs_found", "yes")
    blocking = {key[0] for key in profile.resume(draft).issues}
    assert "hard_drugs_location" in blocking
    assert profile.is_editable(draft, "hard_drugs_location")
    assert not profile.is_editable(draft, "inspectors")
    profile.set_answer(draft, "hard_drugs_location", "Achter de toonbank, in een la.")
    with pytest.raises(QuestionLocked):
        profile.set_answer(draft, "inspectors", "BOA 1")


def test_a_locked_question_opened_by_a_reopened_answer_stays_open_after_its_first_answer(
    profile: Profile,
) -> None:
    # Before: it was open only while it had an issue, so the answer's first character
    # ended the issue and the second was refused as locked.
    version = sent_inspection(profile)
    draft = version.inspection_id
    profile.apply_return(
        draft, version.version_id, {"hard_drugs_found": "Klopt dit?"}, "ingrid.verhoeven", AT
    )
    profile.start_correction(draft)
    profile.set_answer(draft, "hard_drugs_found", "yes")
    profile.set_answer(draft, "hard_drugs_location", "A")
    profile.set_answer(draft, "hard_drugs_location", "Achter de toonbank, in een la.")
    assert profile.is_editable(draft, "hard_drugs_location")
    assert "hard_drugs_location" in profile.reopened_questions(draft)
    assert not profile.is_editable(draft, "inspectors")
    assert profile.resume(draft).value("hard_drugs_location") == "Achter de toonbank, in een la."


def test_a_comment_on_the_weighing_left_its_photo_question_locked(profile: Profile) -> None:
    """Issue 15, defect 2: a supervisor asks, on the weighed stock, for a photo of the
    scale's calibration certificate; the photo question beside it must open too."""
    version = sent_inspection(profile)
    draft = version.inspection_id
    comments = {"stock_in_shop_grams": "Fotografeer ook het ijkcertificaat van de weegschaal."}
    assert profile.apply_return(draft, version.version_id, comments, "ingrid.verhoeven", AT)
    profile.start_correction(draft)
    reopened = profile.reopened_questions(draft)
    assert {"stock_in_shop_grams", "stock_photo"} <= reopened
    assert "weighing_method" not in reopened  # not a photo: only what was asked
    assert profile.is_editable(draft, "stock_photo")
    profile.attach_file(draft, "stock_photo", sample_photo(11))
