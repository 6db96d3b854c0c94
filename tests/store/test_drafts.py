"""The store keeps a draft's answers as plain values: no session of its own, checks only whether
a change may be saved, and runs the form's engine where it decides (finalize, corrections)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from fieldapp.core.errors import AnswerError
from fieldapp.core.inspection import InspectionStatus
from fieldapp.store import NotEditable
from tests.support.store import fill_draft, new_profile


def test_the_store_accepts_a_plain_value_and_keeps_no_session_of_its_own(
    tmp_path: Path,
) -> None:
    app = new_profile(tmp_path)
    other = new_profile(tmp_path)  # say, a second window on the same profile
    draft = app.start_inspection("coffeeshop_inspection", venue_id="cs-weimar-12")
    app.set_answer(draft, "inspectors", "BOA 4411")  # returns nothing: nothing to replay
    app.resume(draft)  # a screen opened it: before, the store kept that session live
    other.set_answer(draft, "stock_in_shop_grams", 512)  # a whole number for a decimal
    # The store holds no session that could miss what another writer saved.
    session = app.resume(draft)
    assert session.value("inspectors") == "BOA 4411"
    assert session.answers[("stock_in_shop_grams", None)] == 512.0
    assert session.value("total_stock_grams") == 512.0  # evaluated on reading, not saving
    assert app.resume(draft) is not session  # each call builds a new one
    other.close()
    app.close()


def test_a_change_that_may_not_be_saved_is_refused_and_nothing_of_it_is_kept(
    tmp_path: Path,
) -> None:
    with new_profile(tmp_path) as profile:
        draft = profile.start_inspection("neighbourhood_patrol", area_id="schilderswijk")
        before = profile.resume(draft).answers
        refusals = [
            ("no_such_question", "x", None),  # the form has no such question
            ("patrol_modes", ("helicopter",), None),  # not one of its choices
            ("resident_contacts", "twelve", None),  # not of its kind
            ("total_stock_grams", 1.0, None),  # calculated, not answered
            ("category", "fireworks", "f" * 32),  # no such row
            ("category", "fireworks", None),  # a question of a repeat needs its row
        ]
        for name, value, row in refusals:
            with pytest.raises(AnswerError):
                profile.set_answer(draft, name, value, row)  # type: ignore[arg-type]
        assert profile.resume(draft).answers == before


def test_a_row_is_saved_with_the_id_and_answers_its_session_gave_it(tmp_path: Path) -> None:
    with new_profile(tmp_path) as profile:
        draft = profile.start_inspection("neighbourhood_patrol", area_id="schilderswijk")
        moment = datetime(2026, 12, 4, 21, 15)
        row = profile.add_row(
            draft, "observations", "a" * 32, {"observation_time": moment, "category": "fireworks"}
        )
        assert row == "a" * 32
        made_here = profile.add_row(draft, "observations")  # no defaults: none given
        session = profile.resume(draft)
        assert session.rows["observations"] == [row, made_here]
        assert session.value("observation_time", row) == moment
        assert session.value("category", row) == "fireworks"
        assert session.value("observation_time", made_here) == ""
        with pytest.raises(AnswerError, match="already exists"):
            profile.add_row(draft, "observations", row)
        with pytest.raises(AnswerError):
            profile.add_row(draft, "observations", answers={"shift_summary": "not in the row"})
        assert profile.resume(draft).rows["observations"] == [row, made_here]


def test_answers_of_hidden_questions_are_kept_in_the_draft_and_dropped_at_finalize(
    tmp_path: Path,
) -> None:
    with new_profile(tmp_path) as profile:
        draft = fill_draft(profile, "coffeeshop_inspection", seed=3)
        profile.set_answer(draft, "alcohol_on_site", "yes")
        profile.set_answer(draft, "alcohol_description", "Twee kratten bier in de koelcel.")
        profile.set_answer(draft, "alcohol_on_site", "no")  # the description is hidden now
        session = profile.resume(draft)
        assert session.answers[("alcohol_description", None)]  # switching back restores it
        assert not session.is_relevant("alcohol_description")
        version = profile.finalize(draft)
        assert version.document["answers"]["alcohol_on_site"] == "no"
        assert "alcohol_description" not in version.document["answers"]


def test_clearing_an_answer_of_a_draft_finalized_by_another_process_is_refused(
    tmp_path: Path,
) -> None:
    # Before: the store trusted its cached session and row, and clearing deletes a row,
    # which no trigger guards, so the clearing was reported saved after the finalize.
    app = new_profile(tmp_path)
    draft = fill_draft(app, "door_test", seed=14)
    app.set_answer(draft, "notes", "eerste versie")  # the app has it open
    other = new_profile(tmp_path)
    version = other.finalize(draft)
    with pytest.raises(NotEditable):
        app.set_answer(draft, "notes", "")
    summary = app.inspection(draft)
    assert summary.status is InspectionStatus.FINALIZED and summary.version_id == version.version_id
    assert app.version(version.version_id).document["answers"]["notes"] == "eerste versie"
    other.close()
    app.close()
