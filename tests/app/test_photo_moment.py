"""A photo attached on the device carries, in its own EXIF, the moment it was attached."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

from fieldapp.app.inspections import StoreAnswerSink
from fieldapp.core.photos import facts_of
from fieldapp.store.images import street_photo
from tests.support.store import new_profile


def test_a_photo_attached_on_the_device_carries_the_moment_it_was_attached(
    tmp_path: Path,
) -> None:
    profile = new_profile(tmp_path)
    try:
        draft = profile.start_inspection("coffeeshop_inspection", venue_id="cs-weimar-12")
        sink = StoreAnswerSink(profile, draft)
        sha = sink.save_attachment("stock_photo", None, street_photo(11), "image/jpeg")
        facts = facts_of(profile.read_attachment(sha))
        assert facts.taken_at is not None
        assert facts.taken_at.astimezone(UTC) == profile.clock().replace(microsecond=0)
    finally:
        profile.close()
