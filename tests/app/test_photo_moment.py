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


def test_a_photo_attached_where_the_device_knows_its_position_carries_it(
    tmp_path: Path,
) -> None:
    profile = new_profile(tmp_path)
    try:
        draft = profile.start_inspection("coffeeshop_inspection", venue_id="cs-weimar-12")
        sink = StoreAnswerSink(profile, draft, lambda: (52.07762, 4.29175))
        sha = sink.save_attachment("stock_photo", None, street_photo(12), "image/jpeg")
        position = facts_of(profile.read_attachment(sha)).position
        assert position is not None
        assert round(position[0], 5) == 52.07762 and round(position[1], 5) == 4.29175
    finally:
        profile.close()
