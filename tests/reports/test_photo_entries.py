"""Issue 15: under each photo the inspection report says when it was taken and where the
device was (with the position's accuracy) from the photo's entry, and that a marked photo
has its original kept; a photo of before entries had this still reports from its EXIF."""

from __future__ import annotations

import io
import subprocess
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from pypdf import PdfReader

from fieldapp.core.inspection import Attachment, InspectionVersion, PhotoPosition
from fieldapp.reports.inspection_report import inspection_report
from fieldapp.reports.model import ReportInspection
from tests.support.samples import SampleWorld, coffeeshop_inspection

MOMENT = datetime(2026, 12, 3, 21, 52, tzinfo=timezone(timedelta(hours=1)))
HERE = PhotoPosition(lat=52.07712, lon=4.30012, accuracy=6.0)
ORIGINAL = "0f" * 32


@pytest.fixture(scope="module")
def samples() -> SampleWorld:
    return SampleWorld.load()


def text_of(pdf: bytes) -> str:
    return " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages
    )


def with_entries(inspection: ReportInspection) -> ReportInspection:
    """The sample inspection as a device of issue 15 sends it: its stock photo marked,
    with time and position in its entry and the photo as taken beside it."""
    version = inspection.version
    entries = []
    for attachment in version.attachments:
        if attachment.question == "stock_photo":
            attachment = attachment.model_copy(
                update={"taken_at": MOMENT, "position": HERE, "original": ORIGINAL}
            )
            entries.append(Attachment(question="stock_photo", sha256=ORIGINAL, size=0))
        entries.append(attachment)
    attachments = tuple(entries)
    digest = InspectionVersion.hash_of(
        version.form_id,
        version.form_version,
        version.base_version_id,
        version.document,
        attachments,
    )
    changed = version.model_copy(update={"attachments": attachments, "content_hash": digest})
    assert changed.hash_matches()
    return replace(inspection, version=changed)


def test_the_report_shows_each_photos_time_and_position_from_its_entry(
    samples: SampleWorld,
) -> None:
    inspection = with_entries(coffeeshop_inspection(samples))
    dutch = text_of(inspection_report(inspection))
    # The entry's moment, not the EXIF's (21:45), and the position with its accuracy.
    assert "genomen 3 december 2026, 21:52" in dutch
    assert "52.07712, 4.30012 (nauwkeurigheid 6 m)" in dutch
    assert f"de foto zoals genomen is bewaard (SHA-256 {ORIGINAL[:16]}" in dutch
    english = text_of(inspection_report(inspection, language="en"))
    assert "taken 3 December 2026, 21:52" in english
    assert "52.07712, 4.30012 (accuracy 6 m)" in english
    assert "marked; the photo as taken is kept" in english


def test_a_photo_without_an_entry_of_its_own_still_reports(samples: SampleWorld) -> None:
    """An answer of before issue 15: no original, no time or position in the entry."""
    inspection = coffeeshop_inspection(samples)
    assert all(
        a.original is None and a.taken_at is None and a.position is None
        for a in inspection.version.attachments
    )
    dutch = text_of(inspection_report(inspection))
    assert "genomen 3 december 2026, 21:45" in dutch  # from the photo's own EXIF
    assert "52.07268, 4.28422" in dutch
    assert "zoals genomen is bewaard" not in dutch


def test_the_caption_sits_under_its_photo(samples: SampleWorld, tmp_path: Path) -> None:
    """pdftotext keeps the layout: the photo's question, then its time and position, then
    its hash, as one caption under the picture."""
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(inspection_report(with_entries(coffeeshop_inspection(samples))))
    layout = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    text = " ".join(layout.split())
    assert (
        "Foto van de voorraad op de weegschaal · genomen 3 december 2026, 21:52 · "
        "52.07712, 4.30012 (nauwkeurigheid 6 m) · SHA-256 "
    ) in text
