"""A venue's visits and the carry-over from the last one, on real SQLCipher profiles.

What may carry over is checked against the form definition itself, not against the code
under test: every carried answer is declared `carry_over`, and no finding reads it.
"""

from __future__ import annotations

from pathlib import Path

from fieldapp.app.inspections import begin_inspection, open_inspection
from fieldapp.app.session import SignedIn
from fieldapp.app.venues import RegistryDirectory
from fieldapp.app.visits import carried_over, last_visit, venue_history
from fieldapp.core.engine import FormEngine
from fieldapp.core.inspection import InspectionStatus
from fieldapp.store import Profile
from tests.support.store import USER, FakeClock, fill_draft, new_profile

FORM = "coffeeshop_inspection"


def signed_in(profile: Profile) -> SignedIn:
    user = profile.user(USER)
    assert user is not None
    return SignedIn(profile, user, RegistryDirectory(profile.venues(), profile.areas()), False)


def finding_bearing(engine: FormEngine) -> set[str]:
    """Every question some finding of the form rests on (directly or via calculations)."""
    return {
        name for outcome in engine.outcomes for name in engine.answers_behind(outcome.outcome.name)
    }


def finalized_visit(profile: Profile, seed: int, **answers: str) -> tuple[str, str]:
    """A coffeeshop inspection filled in validly, with `answers` on top, finalized."""
    inspection_id = fill_draft(profile, FORM, seed)
    for name, value in answers.items():
        profile.set_answer(inspection_id, name, value)
    profile.finalize(inspection_id)
    venue_id = profile.inspection(inspection_id).venue_id
    assert venue_id is not None
    return inspection_id, venue_id


def test_carry_over_copies_exactly_the_declared_answers_and_never_a_finding(
    tmp_path: Path,
) -> None:
    clock = FakeClock()
    with new_profile(tmp_path, clock=clock) as profile:
        previous_id, venue_id = finalized_visit(
            profile,
            5,
            present_for_shop="operator",
            operator_identified="yes",
            operator_name="M. El Idrissi",
            nearest_school_name="Haags Montessori Lyceum, Nieuwe Duinweg 8",
        )
        previous = profile.resume(previous_id).answers
        clock.advance(86_400)
        signed = signed_in(profile)
        plain = begin_inspection(signed, FORM, venue_id=venue_id)
        carried = begin_inspection(signed, FORM, venue_id=venue_id, carry_over=True)
        plain_answers = profile.resume(plain).answers
        carried_answers = profile.resume(carried).answers

        # What the carry-over added, against a draft started the ordinary way.
        added = {
            key: value for key, value in carried_answers.items() if plain_answers.get(key) != value
        }
        engine = profile.engine(FORM)
        declared = {q.name for q, _parents in engine.definition.walk() if q.carry_over}
        assert declared == {"operator_name", "nearest_school_name"}
        assert {name for name, _row in added} == declared
        assert all(row is None and previous[(name, row)] == v for (name, row), v in added.items())
        # No finding rests on a carried answer, and everything a finding rests on is as a
        # new draft has it: the last visit's findings, photos and signatures stay there.
        behind = finding_bearing(engine)
        assert behind and not behind & declared
        for name in behind | {"officer_signature", "stock_photo", "inspectors"}:
            assert carried_answers.get((name, None)) == plain_answers.get((name, None)), name
        assert not profile.resume(carried).rows.get("observed_sales")

        # The draft remembers what it took, so the form can say so.
        record = carried_over(profile, carried)
        assert record is not None
        assert record.inspection_id == previous_id
        assert set(record.names) == declared
        assert open_inspection(profile, carried).carried == record
        assert open_inspection(profile, plain).carried is None


def test_the_last_visit_is_the_latest_finalized_one_of_the_same_form(tmp_path: Path) -> None:
    clock = FakeClock()
    with new_profile(tmp_path, clock=clock) as profile:
        first_id, venue_id = finalized_visit(profile, 5, nearest_school_name="Oude school")
        clock.advance(3_600)
        # A later visit at the same venue, finalized too.
        later = fill_draft(profile, FORM, 5)
        assert profile.inspection(later).venue_id == venue_id
        profile.set_answer(later, "nearest_school_name", "Nieuwe school")
        profile.finalize(later)
        clock.advance(3_600)
        # A draft begun since is not a visit yet, and a patrol is another form.
        fill_draft(profile, FORM, 5)
        found = last_visit(profile, venue_id, FORM)
        assert found is not None and found.inspection_id == later
        assert found.answers["nearest_school_name"] == "Nieuwe school"
        assert last_visit(profile, "no-such-venue", FORM) is None
        # The patrol declares nothing to carry over.
        assert last_visit(profile, venue_id, "neighbourhood_patrol") is None

        history = venue_history(profile, venue_id)
        assert [visit.status for visit in history.visits] == [
            InspectionStatus.DRAFT.value,
            InspectionStatus.FINALIZED.value,
            InspectionStatus.FINALIZED.value,
        ]
        assert history.visits[2].inspection_id == first_id
        assert all(visit.on_device for visit in history.visits)
        outcomes = profile.inspection(later).outcomes
        labels = {o.name: o.label for o in profile.engine(FORM).definition.outcomes}
        assert history.visits[1].findings == tuple(labels[name] for name in outcomes)


def test_the_venue_history_listed_a_drafts_findings_as_none(tmp_path: Path) -> None:
    """A draft's findings in the venue's history are the ones the drafts list worked out
    (its version's outcomes are empty: it has none yet)."""
    profile = new_profile(tmp_path)
    try:
        draft = profile.start_inspection("coffeeshop_inspection", venue_id="cs-weimar-12")
        profile.set_answer(draft, "stock_in_shop_grams", 650.0)
        expected = {o.name for o in profile.resume(draft).outcomes()}
        assert "stock_over_limit" in expected
        profile.inspections(InspectionStatus.DRAFT, with_draft_findings=True)
        (visit,) = venue_history(profile, "cs-weimar-12").visits
        engine = profile.engine("coffeeshop_inspection")
        labels = {o.name: o.label for o in engine.definition.outcomes}
        assert sorted(map(repr, visit.findings)) == sorted(repr(labels[n]) for n in expected)
    finally:
        profile.close()


def test_a_correction_said_again_that_answers_were_carried_over(tmp_path: Path) -> None:
    """The note "carried over from the last visit, check on site" belongs to the first
    draft; a correction after a return does not show it again."""
    import random
    from datetime import UTC, datetime

    from fieldapp.app.inspections import correct_inspection
    from fieldapp.store.seed import replay_answers
    from tests.support.store import sample_photo, walked

    clock = FakeClock()
    with new_profile(tmp_path, clock=clock) as profile:
        _previous, venue_id = finalized_visit(
            profile, 7, present_for_shop="operator", operator_name="M. El Idrissi"
        )
        clock.advance(86_400)
        carried = begin_inspection(signed_in(profile), FORM, venue_id=venue_id, carry_over=True)
        assert open_inspection(profile, carried).carried is not None
        # Answered through to the end as a boa would (the same walk `fill_draft` makes).
        filled, _place = walked(profile, FORM, 8)
        photos = [sample_photo(n) for n in range(3)]
        replay_answers(profile, carried, filled, photos, random.Random(8))
        version = profile.finalize(carried)
        profile.mark_sent(version.version_id, "receipt-carried")
        at = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)
        assert profile.apply_return(
            carried, version.version_id, {"findings_summary": "Concreter graag."}, "ingrid", at
        )
        assert correct_inspection(profile, carried).carried is None
