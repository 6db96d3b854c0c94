"""When and where a photo was taken, kept in its own EXIF: written without touching a pixel."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta, timezone

from PIL import Image

from fieldapp.core.photos import facts_of, stamp
from fieldapp.store.images import photo, street_photo

AMSTERDAM_WINTER = timezone(timedelta(hours=1))


def pixels(data: bytes) -> bytes:
    with Image.open(io.BytesIO(data)) as image:
        return image.convert("RGB").tobytes()


def test_a_stamped_photo_says_when_and_where_and_keeps_every_pixel() -> None:
    original = street_photo(7)
    assert facts_of(original).taken_at is None
    moment = datetime(2026, 12, 3, 21, 14, 5, tzinfo=AMSTERDAM_WINTER)
    stamped = stamp(original, moment, (52.07268, 4.28422))
    facts = facts_of(stamped)
    assert facts.taken_at == moment
    assert facts.position is not None
    assert abs(facts.position[0] - 52.07268) < 1e-6 and abs(facts.position[1] - 4.28422) < 1e-6
    assert pixels(stamped) == pixels(original)  # the JPEG was not re-encoded
    assert stamped.endswith(original[2:])


def test_a_photo_that_says_when_it_was_taken_keeps_its_own_moment() -> None:
    first = stamp(street_photo(8), datetime(2026, 11, 1, 10, 0, tzinfo=UTC))
    assert stamp(first, datetime(2026, 12, 3, 21, 0, tzinfo=UTC)) == first
    assert facts_of(first).taken_at == datetime(2026, 11, 1, 10, 0, tzinfo=UTC)


def test_what_is_not_a_jpeg_is_left_as_it_is() -> None:
    png = photo(3)
    assert stamp(png, datetime(2026, 12, 3, 21, 0)) == png
    assert stamp(b"not an image", datetime(2026, 12, 3, 21, 0)) == b"not an image"
    assert facts_of(b"\xff\xd8 broken").taken_at is None


def test_a_southern_western_position_keeps_its_signs() -> None:
    stamped = stamp(street_photo(9), datetime(2026, 1, 1, 12, 0), (-33.9249, -18.4241))
    lat, lon = facts_of(stamped).position or (0.0, 0.0)
    assert round(lat, 4) == -33.9249 and round(lon, 4) == -18.4241
