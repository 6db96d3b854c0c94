"""A document fit for a decision (issue 11): the state on the first page, a CONCEPT mark on
every page of a report not yet approved, and a PDF outline per section."""

from __future__ import annotations

import io
from dataclasses import replace

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
