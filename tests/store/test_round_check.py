"""The device refuses, at finalize, a door-test visit that does not fit the round it was
sent, with the same sentence the central store gives at push (`round_visit_problem`).

Real SQLCipher profiles with the demo world's rounds loaded, as a tester's device has them.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from fieldapp.core.doortest import DoorTestVisit, round_visit_problem
from fieldapp.core.entities import DoorTestRound
from fieldapp.core.inspection import InspectionVersion
from fieldapp.core.locations import seeds_directory
from fieldapp.core.worldfile import load_world
from fieldapp.store import PastInspection
from fieldapp.store.errors import FinalizeBlocked
from fieldapp.store.profile import Profile
from tests.support.store import fill_draft, new_profile


def _round() -> DoorTestRound:
    return load_world(seeds_directory()).rounds[0]


def _visit_draft(profile: Profile, planned: DoorTestRound, role: str, seed: int) -> str:
    """A complete door-test draft, then set to a visit of `planned` in group `role`."""
    inspection_id = fill_draft(profile, "door_test", seed=seed)
    arrival = datetime.combine(planned.date, planned.window_start) + timedelta(minutes=10)
    profile.set_answer(inspection_id, "test_id", planned.id)
    profile.set_answer(inspection_id, "venue", planned.venue)
    profile.set_answer(inspection_id, "group_role", role)
    profile.set_answer(inspection_id, "arrival_time", arrival)
    profile.set_answer(inspection_id, "visit_end_time", arrival + timedelta(minutes=15))
    return inspection_id


def _expected(planned: DoorTestRound, role: str, taken: set[str], author: str) -> str:
    visit = DoorTestVisit.from_answers(
        {"test_id": planned.id, "venue": planned.venue, "group_role": role}
    )
    problem = round_visit_problem(planned, visit, taken=taken, author=author)
    assert problem is not None
    return problem.en


def test_the_device_finalized_a_third_visit_of_its_round(tmp_path: Path) -> None:
    """Before: the device finalized and queued a second test-group visit of the tester's own
    round; only the central store refused it, after it had left the field."""
    planned = _round()
    profile = new_profile(tmp_path / "tester", username=planned.test_tester)
    try:
        first = _visit_draft(profile, planned, "test", seed=1)
        profile.finalize(first)
        again = _visit_draft(profile, planned, "test", seed=2)
        with pytest.raises(FinalizeBlocked) as blocked:
            profile.finalize(again)
        (problem,) = blocked.value.problems
        assert problem.question == "test_id"
        assert problem.message["en"] == _expected(planned, "test", {"test"}, planned.test_tester)
        assert "derde bezoek" in problem.message["nl"]
        # Nothing was frozen or queued: the draft is still the tester's to correct.
        assert [entry.inspection_id for entry in profile.outbox()] == [first]
        assert again in {entry.inspection_id for entry in profile.drafts()}
    finally:
        profile.close()


def _other_rounds(template: InspectionVersion, count: int) -> list[PastInspection]:
    """`count` finalized door tests of other rounds, made from `template` (its photos left
    out: the round check reads answers only)."""
    photos = {attachment.sha256 for attachment in template.attachments}
    answers = {
        name: value
        for name, value in template.document["answers"].items()
        if not (isinstance(value, list) and photos & set(map(str, value)))
        and not (isinstance(value, str) and value in photos)
    }
    past = []
    for number in range(count):
        document = {**template.document, "answers": {**answers, "test_id": f"dt-past-{number}"}}
        version = template.model_copy(
            update={
                "inspection_id": f"{number:032x}",
                "version_id": f"{number + 10**6:032x}",
                "document": document,
                "attachments": (),
            }
        )
        version = version.model_copy(
            update={
                "content_hash": InspectionVersion.hash_of(
                    version.form_id, version.form_version, None, document, ()
                )
            }
        )
        past.append(PastInspection(version))
    return past


def test_the_device_missed_its_own_visit_beyond_its_first_500_door_tests(tmp_path: Path) -> None:
    """Before: the round check read the first 500 door tests of the profile, so on a device
    with more a second test-group visit of the round was finalized."""
    planned = _round()
    profile = new_profile(tmp_path / "tester", username=planned.test_tester)
    try:
        unplanned = _visit_draft(profile, planned, "test", seed=5)
        profile.set_answer(unplanned, "test_id", "dt-unplanned-2")
        template = profile.finalize(unplanned)
        profile.add_past_inspections(_other_rounds(template, 500))
        first = _visit_draft(profile, planned, "test", seed=6)
        profile.finalize(first)
        again = _visit_draft(profile, planned, "test", seed=7)
        with pytest.raises(FinalizeBlocked) as blocked:
            profile.finalize(again)
        (problem,) = blocked.value.problems
        assert problem.message["en"] == _expected(planned, "test", {"test"}, planned.test_tester)
        assert profile.count(form_ids=("door_test",)) == 503
    finally:
        profile.close()


def test_the_device_finalized_a_visit_for_the_other_testers_group(tmp_path: Path) -> None:
    planned = _round()
    profile = new_profile(tmp_path / "tester", username=planned.test_tester)
    try:
        wrong_group = _visit_draft(profile, planned, "control", seed=3)
        with pytest.raises(FinalizeBlocked) as blocked:
            profile.finalize(wrong_group)
        (problem,) = blocked.value.problems
        assert problem.message["en"] == _expected(planned, "control", set(), planned.test_tester)
        # Put right, the same draft finalizes.
        profile.set_answer(wrong_group, "group_role", "test")
        assert profile.finalize(wrong_group).form_id == "door_test"
    finally:
        profile.close()


def test_a_visit_under_an_id_no_round_has_is_not_held_against_a_round(tmp_path: Path) -> None:
    planned = _round()
    profile = new_profile(tmp_path / "tester", username=planned.test_tester)
    try:
        free = _visit_draft(profile, planned, "test", seed=4)
        profile.set_answer(free, "test_id", "dt-unplanned-1")
        assert profile.finalize(free).document["answers"]["test_id"] == "dt-unplanned-1"
    finally:
        profile.close()
