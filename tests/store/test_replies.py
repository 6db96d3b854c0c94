"""A boa's replies to the supervisor's comments: saved in the correction draft, frozen into
the version's document (so the content hash covers them), refused where there is no
comment to reply to."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from fieldapp.core.answers import MAX_REPLY_CHARS
from fieldapp.core.errors import AnswerError
from fieldapp.core.inspection import InspectionVersion
from fieldapp.store import NotEditable, Profile, open_profile, verify
from tests.support.store import PASSWORD, USER, fill_draft, new_profile, raw_connection

AT = datetime(2026, 12, 6, 9, 30, tzinfo=UTC)
COMMENTS = {
    "findings_summary": "Graag concreter: wat, waar en door wie?",
    "criterion_g": "Weeg de voorraad opnieuw.",
}
REPLY = "De voorraad in de kelderbox is meegewogen, zie foto 2"


def _returned(profile: Profile, seed: int) -> InspectionVersion:
    version = profile.finalize(fill_draft(profile, "coffeeshop_inspection", seed))
    profile.mark_sent(version.version_id, f"receipt-{seed}")
    assert profile.apply_return(
        version.inspection_id, version.version_id, COMMENTS, "ingrid.verhoeven", AT
    )
    return version


def test_a_reply_survives_closing_the_draft_and_is_frozen_into_the_correction(
    tmp_path: Path,
) -> None:
    profile = new_profile(tmp_path)
    first = _returned(profile, 31)
    inspection_id = first.inspection_id
    profile.start_correction(inspection_id)
    profile.set_reply(inspection_id, "criterion_g", REPLY + "  ")
    profile.set_reply(inspection_id, "findings_summary", "Eerst een opzet.")
    profile.set_reply(inspection_id, "findings_summary", "")  # emptied: no reply
    profile.close()

    with open_profile(tmp_path, USER, PASSWORD) as reopened:
        assert reopened.replies(inspection_id) == {"criterion_g": REPLY}
        correction = reopened.finalize(inspection_id)
        assert correction.base_version_id == first.version_id
        assert correction.document["replies"] == [
            {"question": "criterion_g", "row": None, "text": REPLY}
        ]
        assert correction.hash_matches()
        without = {k: v for k, v in correction.document.items() if k != "replies"}
        assert correction.content_hash != InspectionVersion.hash_of(
            correction.form_id, correction.form_version, first.version_id, without, ()
        )
        # Read back from the database, the same version; the draft's replies are gone.
        assert reopened.version(correction.version_id) == correction
        assert reopened.replies(inspection_id) == {}
        assert (
            raw_connection(reopened).execute("SELECT count(*) FROM draft_replies").fetchone()[0]
            == 0
        )
        assert verify(reopened) == []


def test_a_correction_without_replies_has_exactly_the_document_it_had_before(
    tmp_path: Path,
) -> None:
    with new_profile(tmp_path) as profile:
        first = _returned(profile, 32)
        profile.start_correction(first.inspection_id)
        profile.set_answer(first.inspection_id, "findings_summary", "Twee klanten buiten.")
        correction = profile.finalize(first.inspection_id)
        assert set(correction.document) == {"answers", "repeats"}
        assert correction.content_hash == InspectionVersion.hash_of(
            correction.form_id,
            correction.form_version,
            first.version_id,
            correction.document,
            correction.attachments,
        )


def test_a_reply_needs_a_correction_and_a_comment_and_stays_short(tmp_path: Path) -> None:
    with new_profile(tmp_path) as profile:
        first = _returned(profile, 33)
        inspection_id = first.inspection_id
        with pytest.raises(NotEditable):
            profile.set_reply(inspection_id, "criterion_g", "nog geen correctie")
        profile.start_correction(inspection_id)
        with pytest.raises(AnswerError, match="no comment"):
            profile.set_reply(inspection_id, "inspectors", "hier is niets over gezegd")
        with pytest.raises(AnswerError, match=str(MAX_REPLY_CHARS)):
            profile.set_reply(inspection_id, "criterion_g", "x" * (MAX_REPLY_CHARS + 1))
        profile.set_reply(inspection_id, "criterion_g", "x" * MAX_REPLY_CHARS)
        fresh = fill_draft(profile, "coffeeshop_inspection", 34)
        with pytest.raises(NotEditable):
            profile.set_reply(fresh, "criterion_g", "geen terugsturing")
        # The schema refuses a reply on anything but a draft, whatever the code does.
        profile.finalize(inspection_id)
        with pytest.raises(Exception, match="only a draft"):
            raw_connection(profile).execute(
                "INSERT INTO draft_replies VALUES (?, 'criterion_g', 'achteraf')", (inspection_id,)
            )
