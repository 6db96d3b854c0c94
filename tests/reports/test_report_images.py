"""Photos and signatures in a PDF report: decoded at most once, embedded as prepared, once each.

Decodes are counted with a spy on Pillow's `ImageFile.load` that calls the real one; the
PDFs are read back with pypdf.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pypdf
import pytest
from PIL import Image as PILImage
from PIL import ImageFile

from fieldapp.reports import inspection_report
from fieldapp.reports.flowables import prepare_image
from tests.support.samples import SampleWorld, coffeeshop_inspection, with_advertising_photos

#: The longest side a photo of the two-column grid is prepared at (200 dpi at its box).
GRID_PHOTO_SIDE = 662


@pytest.fixture(scope="module")
def samples() -> SampleWorld:
    return SampleWorld.load()


@pytest.fixture
def decodes(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The format of every image whose pixels Pillow decodes while the test runs."""
    seen: list[str] = []
    real: Callable[[ImageFile.ImageFile], Any] = ImageFile.ImageFile.load

    def load(image: ImageFile.ImageFile) -> Any:
        if image.tile:  # pixels still to decode; an image already decoded has none
            seen.append(str(image.format))
        return real(image)

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)
    yield seen


def embedded_images(pdf: bytes, tmp_path: Path) -> list[Any]:
    """Every image XObject of the file, each once."""
    path = tmp_path / "images.pdf"
    path.write_bytes(pdf)
    reader = pypdf.PdfReader(path)
    found: dict[int, Any] = {}
    for page in reader.pages:
        resources: Any = page["/Resources"]
        xobjects = resources.get("/XObject", {})
        for reference in xobjects.values():
            stream = reference.get_object()
            if stream["/Subtype"] == "/Image":
                found[reference.idnum] = stream
    return list(found.values())


def test_a_report_decoded_every_photo_twice(
    samples: SampleWorld, decodes: list[str], tmp_path: Path
) -> None:
    """reportlab's Image flowable decoded each prepared photo once more, only to name it by
    its pixels, and a photo with EXIF was decoded and encoded again to lose its metadata.
    Now an upright photo about the printed size is not decoded at all (its metadata
    segments are cut out), and only a signature is, to flatten it onto white."""
    inspection = coffeeshop_inspection(samples, seed=21, photos=3, with_reviews=False)
    decodes.clear()
    pdf = inspection_report(inspection)
    # 3 advertising photos and the stock photo (all stamped with EXIF), two signatures.
    assert sorted(decodes) == ["PNG", "PNG"]
    assert len(embedded_images(pdf, tmp_path)) == 6


def test_a_photo_goes_in_without_its_metadata_and_without_loss(
    samples: SampleWorld, tmp_path: Path
) -> None:
    inspection = coffeeshop_inspection(samples, seed=24, photos=2, with_reviews=False)
    photos = inspection.session.value("advertising_photo")
    assert isinstance(photos, tuple) and len(photos) == 2
    embedded = [
        bytes(image.get_data())
        for image in embedded_images(inspection_report(inspection), tmp_path)
        if "/DCTDecode" in str(image["/Filter"])
    ]
    for sha in photos:
        original = samples.attachment(sha)
        with PILImage.open(io.BytesIO(original)) as taken:
            assert taken.getexif().get_ifd(0x8825)  # the device stamped its position
            pixels = taken.convert("RGB").tobytes()
        matching = []
        for data in embedded:
            with PILImage.open(io.BytesIO(data)) as shown:
                if shown.size == taken.size and shown.convert("RGB").tobytes() == pixels:
                    matching.append(shown.info)
        assert matching, "the photo's picture, decoded, is the original's"
        assert all("exif" not in info for info in matching)
    for data in embedded:
        assert b"Exif" not in data and b"GPS" not in data


def test_a_plain_report_sized_photo_is_not_decoded_at_all(
    samples: SampleWorld, decodes: list[str], tmp_path: Path
) -> None:
    base = coffeeshop_inspection(samples, seed=22, photos=1, with_reviews=False)
    plain = tuple(samples.photo(22_000 + n, (960, 720)) for n in range(3))
    inspection = with_advertising_photos(samples, base, plain)
    decodes.clear()
    pdf = inspection_report(inspection)
    assert sorted(decodes) == ["PNG", "PNG"]
    # Photos without metadata go into the file byte for byte, at their own size.
    streams = {bytes(image.get_data()) for image in embedded_images(pdf, tmp_path)}
    for sha in plain:
        assert samples.attachment(sha) in streams
        assert prepare_image(samples.attachment(sha), GRID_PHOTO_SIDE).jpeg == (
            samples.attachment(sha)
        )


def test_a_large_or_turned_photo_is_decoded_once_scaled_and_upright(
    samples: SampleWorld, decodes: list[str]
) -> None:
    from PIL import ImageOps

    big = samples.attachment(samples.photo(25_000, (4000, 3000)))
    decodes.clear()
    prepared = prepare_image(big, GRID_PHOTO_SIDE)
    assert decodes == ["JPEG"]
    # Decoded at a quarter scale (1000x750), then scaled to the printed size.
    assert (prepared.width, prepared.height) == (GRID_PHOTO_SIDE, 497)
    with PILImage.open(io.BytesIO(samples.attachment(samples.photo(25_001)))) as upright:
        exif = upright.getexif()
        exif[0x0112] = 6  # taken with the phone turned: to be rotated 90° clockwise
        turned = io.BytesIO()
        upright.save(turned, format="JPEG", exif=exif.tobytes())
    with PILImage.open(turned) as source:
        expected = ImageOps.exif_transpose(source).size
    rotated = prepare_image(turned.getvalue(), GRID_PHOTO_SIDE)
    assert (rotated.width, rotated.height) == expected == (720, 960)


def test_a_signature_stays_lossless_and_the_same_photo_is_embedded_once(
    samples: SampleWorld, tmp_path: Path
) -> None:
    base = coffeeshop_inspection(samples, seed=23, photos=1, with_reviews=False)
    photo = samples.photo(23_000, (960, 720))
    inspection = with_advertising_photos(samples, base, (photo, photo))
    images = embedded_images(inspection_report(inspection), tmp_path)
    # One advertising photo (shown twice), the stock photo, two signatures.
    assert len(images) == 4
    signature_sha = inspection.session.value("officer_signature")
    assert isinstance(signature_sha, str)
    with PILImage.open(io.BytesIO(samples.attachment(signature_sha))) as drawn:
        flat = PILImage.new("RGB", drawn.size, (255, 255, 255))
        rgba = drawn.convert("RGBA")
        flat.paste(rgba, mask=rgba.getchannel("A"))
    lossless = [
        image
        for image in images
        if "/FlateDecode" in str(image["/Filter"]) and image["/Width"] == flat.width
    ]
    assert any(image.get_data() == flat.tobytes() for image in lossless)


def _baseline_jpeg() -> bytes:
    out = io.BytesIO()
    PILImage.new("RGB", (64, 48), (200, 40, 40)).save(out, "JPEG", quality=90)
    return out.getvalue()


def _with_frame(jpeg: bytes, marker: int, ids: bytes | None = None) -> bytes:
    """The same file with its start-of-frame marker (and component ids) changed."""
    at = jpeg.index(b"\xff\xc0")
    changed = bytearray(jpeg)
    changed[at + 1] = marker
    if ids is not None:
        for n, byte in enumerate(ids):
            changed[at + 10 + 3 * n] = byte
    return bytes(changed)


def test_a_jpeg_pdf_readers_cannot_draw_was_put_in_as_it_was() -> None:
    """Before: any RGB JPEG that was not progressive went into the PDF byte for byte, an
    arithmetic-coded one or one whose components are named R, G, B too: many readers
    cannot draw the first and show the second in wrong colours."""
    from fieldapp.reports.flowables import without_metadata

    plain = _baseline_jpeg()
    assert without_metadata(plain) is not None
    assert without_metadata(_with_frame(plain, 0xC9)) is None  # arithmetic coding
    assert without_metadata(_with_frame(plain, 0xC3)) is None  # lossless
    assert without_metadata(_with_frame(plain, 0xC0, b"RGB")) is None
