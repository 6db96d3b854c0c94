"""Drafts, autosave, repeats, attachments, finalize and the outbox, on real encrypted profiles."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldapp.core.inspection import InspectionStatus, InspectionVersion
from fieldapp.store import (
    AttachmentMissing,
    FinalizeBlocked,
    NotEditable,
    OutboxState,
    Profile,
    UnknownReference,
    open_profile,
    verify,
)
from fieldapp.store.database import IntegrityError
from tests.support.store import (
    FakeClock,
    attachment_file,
    fill_draft,
    new_profile,
    raw_connection,
    sample_photo,
)


@pytest.fixture
def profile(tmp_path: Path) -> Iterator[Profile]:
    opened = new_profile(tmp_path)
    yield opened
    opened.close()


def reopen(profile: Profile, home: Path) -> Profile:
    profile.close()
    return new_profile(home)


def test_every_answer_is_saved_at_once_and_survives_a_reopen(tmp_path: Path) -> None:
    profile = new_profile(tmp_path)
    draft = profile.start_inspection("coffeeshop_inspection", assignment_id="a-2026-001")
    summary = profile.inspection(draft)
    assert summary.venue_id == "cs-weimar-241" and summary.venue_name == "Het Kleine Veentje"
    assert summary.assignment_id == "a-2026-001" and summary.status is InspectionStatus.DRAFT
    session = profile.resume(draft)
    assert session.value("venue") == "cs-weimar-241"  # the venue question is filled in
    assert session.value("inspection_start") != ""  # the form's default "now", saved
    profile.set_answer(draft, "alcohol_on_site", "yes")
    session = profile.resume(draft)  # evaluated from what was saved
    assert session.is_relevant("alcohol_description")
    assert "alcohol_on_site" in {o.name for o in session.outcomes()}
    profile.set_answer(draft, "partner_agencies", ("police", "heit"))
    profile.set_answer(draft, "stock_in_shop_grams", 512.5)
    profile.set_position(draft, "criterion_g", "stock_in_shop_grams")
    profile = reopen(profile, tmp_path)
    session = profile.resume(draft)
    assert session.value("alcohol_on_site") == "yes"
    assert session.value("partner_agencies") == ("police", "heit")
    assert session.value("total_stock_grams") == 512.5
    assert {o.name for o in session.outcomes()} >= {"alcohol_on_site", "stock_over_limit"}
    position = profile.position(draft)
    assert position is not None
    assert (position.page, position.question) == ("criterion_g", "stock_in_shop_grams")
    profile.set_answer(draft, "alcohol_on_site", "")  # clearing is a change too
    profile = reopen(profile, tmp_path)
    assert profile.resume(draft).value("alcohol_on_site") == ""
    profile.close()


def test_unknown_places_are_refused(profile: Profile) -> None:
    with pytest.raises(UnknownReference):
        profile.start_inspection("coffeeshop_inspection", venue_id="cs-nowhere-1")
    with pytest.raises(UnknownReference):
        profile.start_inspection("no_such_form")


def test_repeat_rows_are_added_moved_and_removed_with_their_answers(tmp_path: Path) -> None:
    profile = new_profile(tmp_path)
    draft = profile.start_inspection("neighbourhood_patrol", area_id="schilderswijk")
    first = profile.add_row(draft, "observations")
    second = profile.add_row(draft, "observations")
    third = profile.add_row(draft, "observations")
    for row, place in ((first, "Hoefkade 1"), (second, "Hoefkade 2"), (third, "Hoefkade 3")):
        profile.set_answer(draft, "observation_place", place, row)
    profile.set_answer(draft, "category", "fireworks", first)
    photo = profile.attach_file(draft, "observation_photo", sample_photo(1), second)
    profile.move_row(draft, "observations", third, 0)
    profile = reopen(profile, tmp_path)
    session = profile.resume(draft)
    assert session.rows["observations"] == [third, first, second]
    assert session.value("observation_place", first) == "Hoefkade 1"
    assert session.value("fireworks_free_zone", first) == ""  # relevant, not answered
    assert session.is_relevant("fireworks_free_zone", first)
    file = attachment_file(profile, draft, photo.sha256)
    assert file.exists()
    profile.remove_row(draft, "observations", second)
    assert not file.exists()  # nothing else used that photo
    profile = reopen(profile, tmp_path)
    session = profile.resume(draft)
    assert session.rows["observations"] == [third, first]
    assert ("observation_place", second) not in session.answers
    assert verify(profile) == []
    profile.close()


def test_photos_and_signatures_are_encrypted_files_named_by_their_hash(profile: Profile) -> None:
    draft = profile.start_inspection("coffeeshop_inspection", venue_id="cs-weimar-12")
    one, two = sample_photo(1), sample_photo(2)
    first = profile.attach_file(draft, "stock_photo", one)
    again = profile.attach_file(draft, "stock_photo", one)  # the same photo twice: kept once
    second = profile.attach_file(draft, "stock_photo", two)
    assert first == again and first.media_type == "image/png" and first.size == len(one)
    assert profile.resume(draft).value("stock_photo") == (first.sha256, second.sha256)
    path = attachment_file(profile, draft, first.sha256)
    assert path.name.startswith(f"{draft}-") and first.sha256 not in path.name
    assert one not in path.read_bytes()
    assert profile.read_attachment(first.sha256) == one
    signature = profile.attach_file(draft, "officer_signature", sample_photo(3))
    replacement = profile.attach_file(draft, "officer_signature", sample_photo(4))
    assert profile.resume(draft).value("officer_signature") == replacement.sha256
    assert not attachment_file(profile, draft, signature.sha256).exists()
    profile.remove_attachment(draft, "stock_photo", first.sha256)
    assert profile.resume(draft).value("stock_photo") == (second.sha256,)
    assert not path.exists()
    with pytest.raises(ValueError, match="attach_file"):
        profile.set_answer(draft, "stock_photo", (second.sha256,))
    with pytest.raises(AttachmentMissing):
        profile.read_attachment(first.sha256)
    assert verify(profile) == []


def test_finalize_refuses_an_incomplete_draft_and_names_each_blocking_question(
    profile: Profile,
) -> None:
    draft = profile.start_inspection("coffeeshop_inspection", venue_id="cs-weimar-12")
    profile.set_answer(draft, "nearest_school_distance_m", -5)
    with pytest.raises(FinalizeBlocked) as caught:
        profile.finalize(draft)
    questions = caught.value.questions
    assert "inspectors" in questions and "nearest_school_distance_m" in questions
    assert "Controlerende boa's (inspectors): Deze vraag is verplicht." in caught.value.text("nl")
    assert "Een afstand is 0 meter of meer." in caught.value.text("nl")
    assert "Distance to the nearest school" in caught.value.text("en")
    assert profile.inspection(draft).status is InspectionStatus.DRAFT
    assert profile.pending_versions() == []


def test_finalize_freezes_a_version_chains_it_and_queues_it_in_one_go(
    tmp_path: Path,
) -> None:
    clock = FakeClock()
    profile = new_profile(tmp_path, clock=clock)
    draft = fill_draft(profile, "coffeeshop_inspection", seed=3)
    session = profile.resume(draft)
    clock.advance(600)
    version = profile.finalize(draft)
    assert isinstance(version, InspectionVersion)
    assert version.hash_matches()
    assert version.inspection_id == draft and version.base_version_id is None
    assert version.author == "fatima.elamrani" and version.finalized_at == clock()
    assert version.outcomes == tuple(o.name for o in session.outcomes())
    photos = {a.sha256 for a in version.attachments}
    assert version.document["answers"]["stock_photo"][0] in photos
    assert profile.pending_versions() == [version]
    entry = profile.audit_entries(draft)[-1]
    assert entry.action == "inspection_finalized"
    assert entry.payload["content_hash"] == version.content_hash
    summary = profile.inspection(draft)
    assert summary.status is InspectionStatus.FINALIZED and summary.version_id == version.version_id
    assert summary.outbox is not None and summary.outbox.state is OutboxState.PENDING
    assert [s.inspection_id for s in profile.outbox()] == [draft]
    with pytest.raises(NotEditable):
        profile.set_answer(draft, "inspectors", "someone else")
    with pytest.raises(NotEditable):
        profile.attach_file(draft, "stock_photo", sample_photo(9))
    # A read-only view of the finalized answers is still there.
    assert profile.resume(draft).value("inspectors") == session.value("inspectors")
    profile = reopen(profile, tmp_path)
    assert profile.version(version.version_id) == version
    assert profile.versions(draft) == [version]
    assert verify(profile) == []
    profile.close()


def test_finalized_versions_and_the_audit_log_refuse_changes_in_sql_too(
    profile: Profile,
) -> None:
    # A coffeeshop inspection always has attachments (stock photo, signatures), so the
    # statements on version_attachments below touch a row.
    draft = fill_draft(profile, "coffeeshop_inspection", seed=5)
    version = profile.finalize(draft)
    assert version.attachments
    connection = raw_connection(profile)
    for statement in (
        "UPDATE versions SET content_hash = 'x'",
        "DELETE FROM versions",
        "UPDATE version_attachments SET size = 1",
        "DELETE FROM version_attachments",
        "UPDATE audit_log SET actor = 'someone'",
        "DELETE FROM audit_log",
    ):
        with pytest.raises(IntegrityError, match=r"never|append-only"):
            connection.execute(statement)
    assert profile.version(version.version_id) == version
    assert verify(profile) == []


def test_a_draft_finalized_by_another_process_refuses_further_autosaves(
    tmp_path: Path,
) -> None:
    app = new_profile(tmp_path)
    draft = fill_draft(app, "door_test", seed=14)
    app.set_answer(draft, "notes", "eerste versie")  # the app has it open and live
    other = new_profile(tmp_path)  # say, a second window on the same profile
    other.finalize(draft)
    with pytest.raises(NotEditable):
        app.set_answer(draft, "notes", "te laat")
    with pytest.raises(NotEditable):
        app.set_answer(draft, "notes", "nog steeds te laat")
    assert app.resume(draft).value("notes") == "eerste versie"
    connection = raw_connection(app)
    with pytest.raises(IntegrityError, match="only a draft"):
        connection.execute(
            "INSERT INTO answers (inspection_id, name, row_id, value) VALUES (?, 'notes', '', '1')",
            (draft,),
        )
    other.close()
    app.close()


def test_the_outbox_keeps_errors_and_attempts_and_holds_what_a_person_must_see(
    profile: Profile,
) -> None:
    first = profile.finalize(fill_draft(profile, "coffeeshop_inspection", seed=11))
    second = profile.finalize(fill_draft(profile, "door_test", seed=12))
    third = profile.finalize(fill_draft(profile, "neighbourhood_patrol", seed=13))
    assert [v.version_id for v in profile.pending_versions()] == [
        first.version_id,
        second.version_id,
        third.version_id,
    ]
    profile.record_send_failure(first.version_id, "Server niet bereikbaar", retryable=True)
    profile.record_send_failure(first.version_id, "Time-out na 30 s", retryable=True)
    profile.record_send_failure(second.version_id, "409: andere inhoud met dit id", False)
    info = profile.inspection(first.inspection_id).outbox
    assert info is not None and info.attempts == 2 and info.last_error == "Time-out na 30 s"
    assert info.retryable
    held = profile.inspection(second.inspection_id).outbox
    assert held is not None and held.state is OutboxState.HELD and not held.retryable
    # The rest of the queue keeps moving past the held one.
    assert [v.version_id for v in profile.pending_versions()] == [
        first.version_id,
        third.version_id,
    ]
    for attachment in first.attachments:
        assert len(profile.read_attachment(attachment.sha256)) == attachment.size
    profile.mark_sent(first.version_id, "receipt-1")
    profile.mark_sent(first.version_id, "receipt-1")  # a replay is harmless
    sent = profile.inspection(first.inspection_id)
    assert sent.status is InspectionStatus.SENT
    assert sent.outbox is not None and sent.outbox.server_receipt == "receipt-1"
    profile.record_send_failure(first.version_id, "late report of an old attempt", True)
    assert profile.inspection(first.inspection_id).outbox == sent.outbox
    profile.requeue(second.version_id)
    assert len(profile.pending_versions()) == 2
    assert [s.inspection_id for s in profile.sent()] == [first.inspection_id]
    assert profile.count(InspectionStatus.FINALIZED) == 2
    assert [e.action for e in profile.audit_entries(second.inspection_id)][-1] == "send_refused"
    assert verify(profile) == []


def test_a_discarded_draft_leaves_nothing_behind(profile: Profile) -> None:
    draft = profile.start_inspection("coffeeshop_inspection", venue_id="cs-weimar-12")
    photo = profile.attach_file(draft, "stock_photo", sample_photo(1))
    profile.discard_draft(draft)
    assert profile.drafts() == []
    assert not attachment_file(profile, draft, photo.sha256).exists()
    assert profile.audit_entries(draft)[-1].action == "draft_discarded"
    assert verify(profile) == []


def test_lists_page_through_many_inspections(tmp_path: Path) -> None:
    from fieldapp.store.seed import seed_profile

    with new_profile(tmp_path) as profile:
        report = seed_profile(profile, 60, drafts=2, templates_per_form=6)
        assert report.inspections == 60
        assert profile.count() == 62
        by_status = {status: profile.count(status) for status in InspectionStatus}
        assert sum(by_status.values()) == 62
        assert by_status[InspectionStatus.DRAFT] == 2
        pages = [profile.sent(limit=10, offset=offset) for offset in range(0, 60, 10)]
        ids = [s.inspection_id for page in pages for s in page]
        assert len(ids) == len(set(ids)) == by_status[InspectionStatus.SENT]
        returned = profile.returned()
        assert returned and all(s.review and s.review.comments for s in returned)
        assert verify(profile) == []
    with open_profile(tmp_path, "fatima.elamrani", "demo") as reopened:
        assert reopened.count() == 62
