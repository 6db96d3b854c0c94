"""A correction's replies in the PDF: with the review history, beside the comments, in Dutch
and English, from the device's own profile (the central store's side is in
`tests/ui/test_review_cycle.py`)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from fieldapp.reports import Language, TrailStep, inspection_report
from fieldapp.reports.local import LocalReportSource
from tests.reports.test_pdf import flat, text_of
from tests.support.store import fill_draft, new_profile

AT = datetime(2026, 12, 6, 9, 30, tzinfo=UTC)
REPLY = "De voorraad in de kelderbox is meegewogen, zie foto 2"


def test_the_inspection_report_shows_a_corrections_reply_with_the_comment(
    tmp_path: Path,
) -> None:
    with new_profile(tmp_path) as profile:
        first = profile.finalize(fill_draft(profile, "coffeeshop_inspection", 41))
        profile.mark_sent(first.version_id, "receipt-41")
        comments = {"criterion_g": "Weeg de voorraad opnieuw."}
        profile.apply_return(
            first.inspection_id, first.version_id, comments, "ingrid.verhoeven", AT
        )
        profile.start_correction(first.inspection_id)
        profile.set_reply(first.inspection_id, "criterion_g", REPLY)
        correction = profile.finalize(first.inspection_id)
        profile.mark_sent(correction.version_id, "receipt-42")
        inspection = LocalReportSource(profile).report_inspection(first.inspection_id)
        corrected = [e for e in inspection.reviews if e.action is TrailStep.CORRECTED]
        assert [(r.question, r.text) for e in corrected for r in e.replies] == [
            ("criterion_g", REPLY)
        ]
        languages: tuple[tuple[Language, str], ...] = (("nl", "Antwoord bij"), ("en", "Reply at"))
        for language, words in languages:
            text = flat(text_of(inspection_report(inspection, language=language), tmp_path))
            assert words in text and REPLY in text, language
