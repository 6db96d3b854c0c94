"""When and where a photo was taken, kept inside the photo itself (EXIF), read and written.

A photo is evidence: a report's caption says when it was taken and where, and both must be
as tamper-evident as the picture. So they live in the JPEG's own EXIF block, which the
photo's SHA-256 covers, not beside it. `stamp` adds the device's moment (and position, when
known) to a JPEG that does not say when it was taken, without re-encoding a pixel; a camera
file that already carries EXIF keeps its own. `facts_of` reads them back for a report.
"""

from __future__ import annotations

import io
import logging
import math
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction

from PIL import Image, UnidentifiedImageError

__all__ = ["PhotoFacts", "facts_of", "stamp"]

log = logging.getLogger(__name__)

_EXIF_IFD = 0x8769
_GPS_IFD = 0x8825
_DATETIME_ORIGINAL = 0x9003
_OFFSET_TIME_ORIGINAL = 0x9011
_DATETIME = 0x0132
_EXIF_FORMAT = "%Y:%m:%d %H:%M:%S"


@dataclass(frozen=True, slots=True)
class PhotoFacts:
    """What a photo says about itself; None where it does not say."""

    taken_at: datetime | None = None
    lat: float | None = None
    lon: float | None = None

    @property
    def position(self) -> tuple[float, float] | None:
        if self.lat is None or self.lon is None:
            return None
        return self.lat, self.lon


def facts_of(data: bytes) -> PhotoFacts:
    """The moment and position a photo's EXIF states (nothing for a file without it)."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            exif = image.getexif()
    except (UnidentifiedImageError, OSError, ValueError):
        return PhotoFacts()
    taken_at = _moment(exif)
    lat = lon = None
    try:
        gps = exif.get_ifd(_GPS_IFD)
        if gps:
            lat = _degrees(gps.get(2), gps.get(1), "S", 90)
            lon = _degrees(gps.get(4), gps.get(3), "W", 180)
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        lat = lon = None
    return PhotoFacts(taken_at, lat, lon)


def _moment(exif: Image.Exif) -> datetime | None:
    details = exif.get_ifd(_EXIF_IFD)
    text = details.get(_DATETIME_ORIGINAL) or exif.get(_DATETIME)
    if not isinstance(text, str):
        return None
    try:
        moment = datetime.strptime(text.strip("\x00 "), _EXIF_FORMAT)
    except ValueError:
        return None
    offset = details.get(_OFFSET_TIME_ORIGINAL)
    if isinstance(offset, str) and len(offset.strip()) == 6:
        try:
            return datetime.fromisoformat(moment.isoformat() + offset.strip())
        except ValueError:
            return moment
    return moment


def _degrees(value: object, reference: object, negative: str, limit: float) -> float | None:
    if not isinstance(value, tuple) or len(value) != 3:
        return None
    degrees, minutes, seconds = (float(part) for part in value)
    result = degrees + minutes / 60 + seconds / 3600
    # A phone without a fix may write 0/0 (not a number) or nonsense: no position, rather
    # than a photo that cannot be attached.
    if not math.isfinite(result) or abs(result) > limit:
        return None
    return -result if reference == negative else result


def _rational(value: float) -> tuple[Fraction, Fraction, Fraction]:
    """Degrees, minutes and seconds as EXIF rationals (seconds to 1/1000)."""
    value = abs(value)
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round(((value - degrees) * 60 - minutes) * 60, 3)
    return Fraction(degrees), Fraction(minutes), Fraction(seconds).limit_denominator(1000)


def stamp(data: bytes, taken_at: datetime, position: tuple[float, float] | None = None) -> bytes:
    """`data` with the moment (and position) it was taken, when it is a JPEG that does not
    say so yet; anything else comes back unchanged. No pixel is re-encoded: the EXIF block
    is inserted after the start-of-image marker."""
    if not data.startswith(b"\xff\xd8"):
        return data
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != "JPEG":
                return data
            exif = image.getexif()
            if _moment(exif) is not None or "exif" in image.info:
                return data
    except (UnidentifiedImageError, OSError, ValueError):
        return data
    fresh = Image.Exif()
    details = fresh.get_ifd(_EXIF_IFD)
    details[_DATETIME_ORIGINAL] = taken_at.strftime(_EXIF_FORMAT)
    offset = taken_at.utcoffset()
    if offset is not None:
        minutes = int(offset.total_seconds() // 60)
        sign = "+" if minutes >= 0 else "-"
        details[_OFFSET_TIME_ORIGINAL] = f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    if position is not None:
        lat, lon = position
        gps = fresh.get_ifd(_GPS_IFD)
        gps[1] = "S" if lat < 0 else "N"
        gps[2] = _rational(lat)
        gps[3] = "W" if lon < 0 else "E"
        gps[4] = _rational(lon)
    payload = fresh.tobytes()
    if not payload.startswith(b"Exif\x00\x00"):
        payload = b"Exif\x00\x00" + payload
    if len(payload) + 2 > 0xFFFF:
        return data
    segment = b"\xff\xe1" + (len(payload) + 2).to_bytes(2, "big") + payload
    return data[:2] + segment + data[2:]
