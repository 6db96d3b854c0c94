"""A marked photo in the device's store (issue 15): it takes the photo's place in the
answer, the photo as taken stays attached beside it, through a second round of marks, a
deletion and a correction after a return, and the profile stays sound throughout."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from fieldapp.core.errors import AnswerError
from fieldapp.core.inspection import PhotoPosition
from fieldapp.store import Profile
from fieldapp.store.errors import AttachmentMissing
from fieldapp.store.verify import verify
from tests.support.store import fill_draft, new_profile, sample_photo

MOMENT = datetime(2026, 12, 4, 22, 5, tzinfo=timezone(timedelta(hours=1)))
HERE = PhotoPosition(lat=52.07712, lon=4.30012, accuracy=6.0)


@pytest.fixture
def profile(tmp_path: Path) -> Iterator[Profile]:
    opened = new_profile(tmp_path)
    yield opened
    opened.close()


def photos(profile: Profile, draft: str) -> tuple[str, ...]:
    value = profile.resume(draft).value("stock_photo")
    assert isinstance(value, tuple)
    return value


def held(profile: Profile, sha: str) -> bool:
    try:
        profile.read_attachment(sha)
    except AttachmentMissing:
        return False
    return True


def test_marking_again_keeps_the_one_original_and_lets_the_first_marks_go(
    profile: Profile,
) -> None:
    draft = fill_draft(profile, "coffeeshop_inspection", seed=5)
    taken = profile.attach_file(
        draft, "stock_photo", sample_photo(40), taken_at=MOMENT, position=HERE
    ).sha256
    before = photos(profile, draft)
    first = profile.annotate_photo(draft, "stock_photo", taken, sample_photo(41)).sha256
    second = profile.annotate_photo(draft, "stock_photo", first, sample_photo(42)).sha256
    assert photos(profile, draft) == tuple(second if s == taken else s for s in before)
    entry = profile.photo_details(draft, "stock_photo", second)
    assert entry is not None
    assert (entry.original, entry.taken_at, entry.position) == (taken, MOMENT, HERE)
    assert profile.photo_details(draft, "stock_photo", first) is None
    assert held(profile, taken) and held(profile, second) and not held(profile, first)
    assert verify(profile) == []
    with pytest.raises(AnswerError):
        profile.annotate_photo(draft, "stock_photo", first, sample_photo(43))
    with pytest.raises(AnswerError):  # the marks must change something
        profile.annotate_photo(draft, "stock_photo", second, sample_photo(40))


def test_deleting_a_marked_photo_deletes_the_photo_as_taken_with_it(profile: Profile) -> None:
    draft = fill_draft(profile, "coffeeshop_inspection", seed=6)
    taken = profile.attach_file(draft, "stock_photo", sample_photo(50)).sha256
    marked = profile.annotate_photo(draft, "stock_photo", taken, sample_photo(51)).sha256
    profile.remove_attachment(draft, "stock_photo", marked)
    assert marked not in photos(profile, draft) and taken not in photos(profile, draft)
    assert profile.photo_details(draft, "stock_photo", taken) is None
    assert not held(profile, taken) and not held(profile, marked)
    assert verify(profile) == []


def test_a_correction_keeps_the_original_of_a_marked_photo(profile: Profile) -> None:
    draft = fill_draft(profile, "coffeeshop_inspection", seed=7)
    taken = profile.attach_file(draft, "stock_photo", sample_photo(60), taken_at=MOMENT).sha256
    marked = profile.annotate_photo(draft, "stock_photo", taken, sample_photo(61)).sha256
    version = profile.finalize(draft)
    profile.mark_sent(version.version_id, "receipt-7")
    at = datetime(2026, 12, 6, 9, 30, tzinfo=UTC)
    comments = {"criterion_g": "Weeg de voorraad opnieuw."}
    assert profile.apply_return(draft, version.version_id, comments, "ingrid.verhoeven", at)
    profile.start_correction(draft)
    entry = profile.photo_details(draft, "stock_photo", marked)
    assert entry is not None and entry.original == taken and entry.taken_at == MOMENT
    corrected = profile.finalize(draft)
    kept = {a.sha256: a for a in corrected.attachments if a.question == "stock_photo"}
    assert kept[marked].original == taken and taken in kept
    assert verify(profile) == []


def test_a_signature_records_no_moment_or_position(profile: Profile) -> None:
    """A signature is signed on the screen, now: it has no photo entry details."""
    draft = profile.start_inspection("coffeeshop_inspection", venue_id="cs-weimar-12")
    signed = profile.attach_file(
        draft, "officer_signature", sample_photo(70), taken_at=MOMENT, position=HERE
    )
    assert signed.taken_at is None and signed.position is None


def test_deleting_a_marked_photo_deleted_its_original_still_shown_in_the_answer(
    profile: Profile,
) -> None:
    """A boa marks photo A (giving A′), attaches A again from the gallery, then deletes A′:
    A is still in the answer and must stay attached, so the draft still finalizes."""
    draft = fill_draft(profile, "coffeeshop_inspection", seed=6)
    photo = sample_photo(50)
    taken = profile.attach_file(draft, "stock_photo", photo, taken_at=MOMENT).sha256
    marked = profile.annotate_photo(draft, "stock_photo", taken, sample_photo(51)).sha256
    again = profile.attach_file(draft, "stock_photo", photo, taken_at=MOMENT).sha256
    assert again == taken and taken in photos(profile, draft)
    profile.remove_attachment(draft, "stock_photo", marked)
    assert taken in photos(profile, draft) and marked not in photos(profile, draft)
    assert held(profile, taken)
    assert profile.photo_details(draft, "stock_photo", taken) is not None
    profile.finalize(draft)
    assert verify(profile) == []
