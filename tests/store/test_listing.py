"""Lists filtered in the store's query: a page holds only matches, a count counts them."""

from __future__ import annotations

from pathlib import Path

from fieldapp.core.inspection import InspectionStatus
from tests.support.store import new_profile


def test_lists_filter_by_form_before_paging_and_count_what_they_list(tmp_path: Path) -> None:
    with new_profile(tmp_path) as profile:
        door_tests = [profile.start_inspection("door_test") for _ in range(3)]
        for _ in range(5):
            profile.start_inspection("neighbourhood_patrol")
        drafts = InspectionStatus.DRAFT
        assert profile.count(drafts) == 8
        assert profile.count(drafts, form_ids=["door_test"]) == 3
        assert profile.count(drafts, form_ids=[]) == 0
        assert profile.count(InspectionStatus.SENT, form_ids=["door_test"]) == 0
        # The door tests are the oldest: the first page of two still holds two of them.
        first = profile.inspections(drafts, form_ids=["door_test"], limit=2)
        rest = profile.inspections(drafts, form_ids=["door_test"], limit=2, offset=2)
        assert [s.inspection_id for s in first + rest] == door_tests[::-1]
        both = profile.inspections(form_ids={"door_test", "neighbourhood_patrol"})
        assert len(both) == 8
        assert profile.inspections(drafts, form_ids=()) == []


def test_every_reader_of_the_inspections_ran_the_form_engine_and_wrote_the_profile(
    tmp_path: Path,
) -> None:
    """Only the drafts list works out (and keeps) a draft's findings; a report, the sign-in
    or the assignment rows reading the inspections get a plain read."""
    from tests.support.store import fill_draft, raw_connection

    profile = new_profile(tmp_path)
    try:
        draft = fill_draft(profile, "coffeeshop_inspection", 3)

        def kept() -> object:
            return (
                raw_connection(profile)
                .execute("SELECT draft_outcomes FROM inspections WHERE id = ?", (draft,))
                .fetchone()[0]
            )

        assert [s.draft_outcomes for s in profile.inspections()] == [None]
        assert kept() is None
        (listed,) = profile.inspections(InspectionStatus.DRAFT, with_draft_findings=True)
        expected = tuple(o.name for o in profile.resume(draft).outcomes())
        assert listed.draft_outcomes == expected and expected
        assert kept() is not None
    finally:
        profile.close()
