"""A document fit for a decision (issue 11): the state on the first page, a CONCEPT mark on
every page of a report not yet approved, and a PDF outline per section."""

from __future__ import annotations

import io
from dataclasses import replace
from itertools import pairwise

import pytest
from pypdf import PdfReader

from fieldapp.core.inspection import InspectionStatus
from fieldapp.reports.inspection_report import inspection_report
from fieldapp.reports.model import TrailStep
from fieldapp.reports.patrol_report import patrol_report
from tests.support.samples import SampleWorld, coffeeshop_inspection, patrol


@pytest.fixture(scope="module")
def samples() -> SampleWorld:
    return SampleWorld.load()


def pages(pdf: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def test_an_unapproved_report_says_concept_on_every_page(samples: SampleWorld) -> None:
    inspection = replace(
        coffeeshop_inspection(samples, with_reviews=False), status=InspectionStatus.SENT
    )
    for language, mark, state in (
        ("nl", "CONCEPT", "concept, nog niet goedgekeurd"),
        ("en", "DRAFT", "draft, not yet approved"),
    ):
        texts = pages(inspection_report(inspection, language=language))  # type: ignore[arg-type]
        assert len(texts) > 1
        assert all(mark in text for text in texts)
        assert state in texts[0]


def test_an_approved_report_names_who_approved_and_carries_no_mark(samples: SampleWorld) -> None:
    inspection = coffeeshop_inspection(samples)
    assert inspection.status is InspectionStatus.APPROVED
    approval = [e for e in inspection.reviews if e.action is TrailStep.APPROVED][-1]
    texts = pages(inspection_report(inspection))
    assert not any("CONCEPT" in text for text in texts)
    assert f"Goedgekeurd door {approval.actor}" in texts[0]


def test_the_outline_has_a_bookmark_per_section_on_its_page(samples: SampleWorld) -> None:
    pdf = patrol_report(patrol(samples))
    reader = PdfReader(io.BytesIO(pdf))
    outline = reader.outline
    assert outline
    top = [entry for entry in outline if not isinstance(entry, list)]
    assert len(top) >= 3
    texts = [" ".join(page.extract_text().split()) for page in reader.pages]
    for entry in top:
        page = reader.get_destination_page_number(entry)
        assert page is not None
        assert " ".join(str(entry.title).split()) in texts[page], entry.title
    assert reader.metadata is not None and reader.metadata.title
    assert reader.root_object.get("/Lang") == "nl-NL"


def test_signatures_carried_no_name_role_or_date(samples: SampleWorld) -> None:
    """Before: a signature was an image with the question's label; a report for a closure
    must say under each who signed, as what, and when. Both inspectors, in order."""
    inspection = coffeeshop_inspection(samples)
    text = " ".join(pages(inspection_report(inspection)))
    first = text.index("Elif Yıldız (boa 4417) · boa · getekend op 3 december 2026")
    second = text.index("Łukasz Żółkowski (boa 4420) · boa · getekend op 3 december 2026")
    assert first < second
    english = " ".join(pages(inspection_report(inspection, language="en")))
    assert "Elif Yıldız (boa 4417) · enforcement officer (boa) · signed on 3 December 2026" in (
        english
    )
    # One signature, no signers question: the author signs.
    shift = patrol(samples)
    patrol_text = " ".join(pages(patrol_report(shift)))
    assert f"{shift.author.name} · boa · getekend op" in patrol_text


def test_no_closing_statement_above_the_signatures(samples: SampleWorld) -> None:
    text = " ".join(pages(inspection_report(coffeeshop_inspection(samples))))
    statement = text.index("Naar waarheid opgemaakt en ondertekend te Den Haag door de boa's")
    assert statement < text.index("Elif Yıldız (boa 4417) · boa")
    assert text.count("Naar waarheid opgemaakt") == 1
    patrol_text = " ".join(pages(patrol_report(patrol(samples), language="en")))
    assert "Drawn up truthfully and signed in The Hague." in patrol_text


def test_a_signature_stood_alone_on_the_last_page(samples: SampleWorld) -> None:
    """Before: the signatures could fall on a page of their own, cut off from what they
    sign. Whatever the length of the summary before them, the page with the signatures
    also holds the answers just before them (the end of the inspection)."""
    sentence = "De exploitant verklaarde dat de voorraad in de kelder niet van de zaak was. "
    for lines in range(0, 60, 5):
        summary = sentence * (1 + lines * 2)
        inspection = coffeeshop_inspection(
            samples, with_reviews=False, extra={"findings_summary": summary}
        )
        texts = pages(inspection_report(inspection))
        with_signatures = [t for t in texts if "Handtekening eerste boa" in t]
        assert with_signatures, lines
        assert "Einde van de controle" in with_signatures[0], lines


def test_a_photo_caption_gave_no_time_or_position(samples: SampleWorld) -> None:
    """Issue 11: each photo's caption says when and where it was taken (from the photo's
    own EXIF, which its hash covers), besides the question and the hash."""
    text = " ".join(pages(inspection_report(coffeeshop_inspection(samples))))
    # The sample's stock photo was taken at 21:45 at Weimarstraat 241.
    assert "genomen 3 december 2026, 21:45" in text
    # Issue 15: a position under a photo reads as a map search box takes it.
    assert "52.07268, 4.28422" in text
    english = " ".join(pages(inspection_report(coffeeshop_inspection(samples), language="en")))
    assert "taken 3 December 2026, 21:45" in english and "52.07268, 4.28422" in english


def test_the_patrols_multi_column_table_extracts_in_reading_order(
    samples: SampleWorld,
) -> None:
    """Issue 11: text extracts in reading order. Each observation's cells come out together
    and in the order of the columns, row after row, as a screen reader or a search reads
    them."""
    text = " ".join(pages(patrol_report(patrol(samples))))
    rows = [
        ("19:10", "Jeugdgroep", "Hobbemaplein", "Aangesproken", "Groep van zeven jongeren"),
        ("20:35", "Vuurwerk", "Hoefkade", "Politie ingeschakeld", "Drie zware knallen"),
        ("21:20", "Dierenwelzijn", "Parallelweg", "Doorverwijzing", "Hond zonder water"),
        ("22:05", "Afval en zwerfvuil", "Vaillantlaan", "Melding", "Twaalf vuilniszakken"),
    ]
    table = text.index("Waarnemingen in de tijd")
    places = [[text.index(cell, table) for cell in row] for row in rows]
    for cells in places:
        assert cells == sorted(cells), cells  # the columns of one row in order
    for row, after in pairwise(places):
        assert max(row) < min(after), (row, after)  # a row ends before the next begins


def test_the_closing_heading_stood_alone_when_the_signatures_moved_on(
    samples: SampleWorld,
) -> None:
    """Issue 11: no heading stranded at the foot of a page. The signatures are kept with
    the closing section's answers; when that block moves to the next page, its heading
    moves with it."""
    for language, heading, first in (
        ("en", "Closing", "Was a violation found"),
        ("nl", "Afronding", "Is bij deze zaak eerder"),
    ):
        texts = pages(inspection_report(coffeeshop_inspection(samples), language=language))  # type: ignore[arg-type]
        [page] = [i for i, text in enumerate(texts) if first in text]
        assert heading in texts[page], (language, page)
