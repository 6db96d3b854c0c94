"""A photo attached on the device carries when and where it was taken: in its own EXIF, and
in its photo entry beside it (with the position's accuracy, which EXIF cannot say)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from fieldapp.app.inspections import StoreAnswerSink
from fieldapp.core.inspection import PhotoPosition
from fieldapp.core.photos import facts_of, stamp
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
        here = PhotoPosition(lat=52.07762, lon=4.29175, accuracy=8.0)
        sink = StoreAnswerSink(profile, draft, lambda: here)
        sha = sink.save_attachment("stock_photo", None, street_photo(12), "image/jpeg")
        position = facts_of(profile.read_attachment(sha)).position
        assert position is not None
        assert round(position[0], 5) == 52.07762 and round(position[1], 5) == 4.29175
        # Beside the photo too, with the accuracy the image cannot say.
        entry = profile.photo_details(draft, "stock_photo", sha)
        assert entry is not None and entry.position == here
        assert entry.taken_at is not None
        assert entry.taken_at.astimezone(UTC) == profile.clock()
    finally:
        profile.close()


def test_a_camera_file_keeps_its_own_moment_in_the_photo_entry(tmp_path: Path) -> None:
    """A file whose EXIF says when it was taken is recorded at that moment, not when it
    was added; without a device position its own GPS position is kept (accuracy unknown)."""
    profile = new_profile(tmp_path)
    try:
        draft = profile.start_inspection("coffeeshop_inspection", venue_id="cs-weimar-12")
        moment = datetime(2026, 11, 28, 22, 41, 5, tzinfo=timezone(timedelta(hours=1)))
        camera_file = stamp(street_photo(13), moment, (52.08, 4.31))
        sha = StoreAnswerSink(profile, draft).save_attachment(
            "stock_photo", None, camera_file, "image/jpeg"
        )
        entry = profile.photo_details(draft, "stock_photo", sha)
        assert entry is not None
        assert entry.taken_at == moment
        assert entry.position is not None and entry.position.accuracy is None
        assert (round(entry.position.lat, 5), round(entry.position.lon, 5)) == (52.08, 4.31)
    finally:
        profile.close()


def test_a_gallery_photo_got_where_the_device_stands_now(tmp_path: Path) -> None:
    """A file taken last week (its EXIF says so) without a position of its own is not
    stamped with where the device is now; one with its own position keeps that one."""
    profile = new_profile(tmp_path)
    try:
        draft = profile.start_inspection("coffeeshop_inspection", venue_id="cs-weimar-12")
        here = PhotoPosition(lat=52.07762, lon=4.29175, accuracy=8.0)
        sink = StoreAnswerSink(profile, draft, lambda: here)
        moment = datetime(2026, 11, 26, 14, 3, tzinfo=timezone(timedelta(hours=1)))
        without = sink.save_attachment(
            "stock_photo", None, stamp(street_photo(14), moment), "image/jpeg"
        )
        entry = profile.photo_details(draft, "stock_photo", without)
        assert entry is not None and entry.taken_at == moment and entry.position is None
        own = sink.save_attachment(
            "stock_photo", None, stamp(street_photo(15), moment, (52.1, 4.3)), "image/jpeg"
        )
        entry = profile.photo_details(draft, "stock_photo", own)
        assert entry is not None and entry.position is not None
        assert (round(entry.position.lat, 5), round(entry.position.lon, 5)) == (52.1, 4.3)
    finally:
        profile.close()


def test_a_phone_writing_no_fix_as_zero_over_zero_made_its_photo_unattachable(
    tmp_path: Path,
) -> None:
    """GPS degrees of 0/0 (not a number) or beyond the globe are no position: the photo is
    attached without one instead of refused."""
    from fractions import Fraction
    from io import BytesIO

    from PIL import Image
    from PIL.TiffImagePlugin import IFDRational

    def with_gps(data: bytes, lat: tuple[object, ...], lon: tuple[object, ...]) -> bytes:
        with Image.open(BytesIO(data)) as image:
            exif = image.getexif()
            gps = exif.get_ifd(0x8825)
            gps[1], gps[2], gps[3], gps[4] = "N", lat, "E", lon
            out = BytesIO()
            image.save(out, "JPEG", exif=exif.tobytes())
        return out.getvalue()

    nan = (IFDRational(0, 0), IFDRational(0, 0), IFDRational(0, 0))
    beyond = (Fraction(200), Fraction(0), Fraction(0))
    profile = new_profile(tmp_path)
    try:
        draft = profile.start_inspection("coffeeshop_inspection", venue_id="cs-weimar-12")
        sink = StoreAnswerSink(profile, draft)
        for number, (lat, lon) in enumerate(((nan, nan), (beyond, beyond))):
            data = with_gps(street_photo(16 + number), lat, lon)
            sha = sink.save_attachment("stock_photo", None, data, "image/jpeg")
            entry = profile.photo_details(draft, "stock_photo", sha)
            assert entry is not None and entry.position is None
    finally:
        profile.close()


def test_a_marked_photo_lost_the_moment_and_position_in_its_own_file(tmp_path: Path) -> None:
    """The marked copy (a new JPEG drawn by the screen) carries the photo's moment and
    position in its EXIF, as the photo as taken does."""
    profile = new_profile(tmp_path)
    try:
        draft = profile.start_inspection("coffeeshop_inspection", venue_id="cs-weimar-12")
        here = PhotoPosition(lat=52.07762, lon=4.29175, accuracy=8.0)
        sink = StoreAnswerSink(profile, draft, lambda: here)
        taken = sink.save_attachment("stock_photo", None, street_photo(21), "image/jpeg")
        entry = profile.photo_details(draft, "stock_photo", taken)
        assert entry is not None and entry.taken_at is not None
        marked = sink.save_annotation("stock_photo", None, taken, street_photo(22), "image/jpeg")
        facts = facts_of(profile.read_attachment(marked))
        assert facts.taken_at is not None
        assert facts.taken_at.astimezone(UTC) == entry.taken_at.astimezone(UTC).replace(
            microsecond=0
        )
        assert facts.position is not None
        assert (round(facts.position[0], 5), round(facts.position[1], 5)) == (52.07762, 4.29175)
    finally:
        profile.close()
