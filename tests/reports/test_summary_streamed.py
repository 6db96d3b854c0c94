"""The period summary streamed from a profile (issue 18) counts what an independent pass
over every decoded version counts, with the whole engine: per form and status, per area,
coffeeshop findings per venue, patrol observations and person checks, door-test visits.
It reads each version's stored facts; a version without them is read from its record."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from fieldapp.app.reports import report_summary
from fieldapp.core.answers import projected_session, session_from_document
from fieldapp.core.doortest import VISIT_QUESTIONS
from fieldapp.core.hitrate import check_from_answers
from fieldapp.core.inspection import InspectionStatus
from fieldapp.core.summary import (
    AWAITING,
    CHECK_QUESTIONS,
    COFFEESHOP_FORM,
    NOT_PAIRABLE,
    PATROL_FORM,
    Period,
    PeriodSummary,
    StoredFacts,
    place_area,
)
from fieldapp.reports.local import LocalReportSource
from fieldapp.reports.summary import summarize
from fieldapp.reports.summary_report import summary_report
from fieldapp.store import Profile
from fieldapp.store.seed import seed_profile
from fieldapp.store.summary_facts import fill_missing_facts
from tests.support.store import fill_draft, new_profile, raw_transaction

EVERYTHING = Period(date(2000, 1, 1), date(2100, 12, 31))


@pytest.fixture(scope="module")
def profile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Profile]:
    with new_profile(tmp_path_factory.mktemp("streamed")) as seeded:
        seed_profile(seeded, 240, seed=18, photo_share=0.0, templates_per_form=10)
        yield seeded


def _independent(profile: Profile, period: Period, areas: set[str]) -> dict[str, object]:
    """Every inspection's head version decoded whole and read through a full session."""
    venues = {venue.id: venue for venue in profile.venues()}
    per_form_status: dict[str, Counter[str]] = {}
    per_area: Counter[tuple[str, str]] = Counter()
    shops: dict[str, Counter[str]] = {}
    observations: Counter[tuple[str, str]] = Counter()
    persons = hits = reactive = 0
    visits = 0
    for item in profile.inspections():
        if item.version_id is None:
            continue
        version = profile.version(item.version_id)
        area = place_area(version.area_id, version.venue_id, venues)
        if version.started_at.date() not in period or (areas and area not in areas):
            continue
        per_form_status.setdefault(version.form_id, Counter())[item.status.value] += 1
        per_area[(area, version.form_id)] += 1
        if version.form_id == COFFEESHOP_FORM:
            found = shops.setdefault(version.venue_id or "", Counter())
            found["inspections"] += 1
            found.update(dict.fromkeys(version.outcomes, 1))
        elif version.form_id == PATROL_FORM:
            engine = profile.engine(version.form_id, version.form_version)
            session = session_from_document(engine, version.document)
            team = version.document.get("answers", {}).get("team", "")
            for row in session.rows.get("observations", []):
                category = session.value("category", row)
                if session.is_relevant("category", row) and category:
                    observations[(str(category), area)] += 1
            for row in session.rows.get("person_checks", []):
                answers = {
                    name: session.value(name, row)
                    for name in CHECK_QUESTIONS
                    if session.is_relevant(name, row)
                }
                check = check_from_answers(answers, team=str(team), area=area)
                if check is not None and check.proactive:
                    persons, hits = persons + check.persons, hits + check.hits
                elif check is not None and check.proactive is False:
                    reactive += check.persons
        else:
            visits += 1
    return {
        "per_form_status": per_form_status,
        "per_area": per_area,
        "shops": shops,
        "observations": observations,
        "checks": (persons, hits, reactive),
        "door_visits": visits,
    }


def _as_counted(summary: PeriodSummary) -> dict[str, object]:
    shops: dict[str, Counter[str]] = {}
    for venue, found in summary.coffeeshop_venues.items():
        shops[venue] = Counter({"inspections": found.inspections, **found.outcomes})
    checks = summary.person_checks
    visits = 0
    for counts in summary.door_tests.values():
        for result, number in counts.items():
            # A pair's result stands for two visits; an open round or a refused visit one.
            visits += number if result in (AWAITING, NOT_PAIRABLE) else 2 * number
    return {
        "per_form_status": {
            form: Counter({status.value: n for status, n in counts.items()})
            for form, counts in summary.per_form_status.items()
        },
        "per_area": Counter(
            {
                (area, form): n
                for area, forms in summary.per_area.items()
                for form, n in forms.items()
            }
        ),
        "shops": shops,
        "observations": Counter(
            {(c, area): n for c, areas in summary.observations.items() for area, n in areas.items()}
        ),
        "checks": (
            sum(c.persons for c in checks if c.proactive),
            sum(c.hits for c in checks if c.proactive),
            sum(c.persons for c in checks if c.proactive is False),
        ),
        "door_visits": visits,
    }


def test_the_streamed_summary_counts_what_an_independent_pass_counts(profile: Profile) -> None:
    summary = LocalReportSource(profile).period_summary(EVERYTHING, ())
    expected = _independent(profile, EVERYTHING, set())
    assert _as_counted(summary) == expected
    assert summary.total == profile.count() - len(profile.drafts()) > 200
    # A past defect dropped every coffeeshop inspection; and the seed checks persons.
    assert expected["shops"] and expected["observations"] and expected["checks"] != (0, 0, 0)


def test_an_area_and_a_month_count_only_theirs(profile: Profile) -> None:
    source = LocalReportSource(profile)
    starts = sorted(
        profile.version(i.version_id).started_at.date()
        for i in profile.inspections()
        if i.version_id
    )
    middle = starts[len(starts) // 2]
    month = Period(middle.replace(day=1), middle.replace(day=28))
    busiest = Counter(
        place_area(i.area_id, i.venue_id, source.venues()) for i in profile.inspections()
    ).most_common(1)[0][0]
    for period, areas in ((month, set()), (EVERYTHING, {busiest})):
        summary = source.period_summary(period, areas)
        assert _as_counted(summary) == _independent(profile, period, areas)
        assert summary.total > 0


def test_the_pdf_is_the_one_made_from_every_version_held(profile: Profile, tmp_path: Path) -> None:
    """The streamed summary and `summarize` over every decoded version print the same bytes."""
    source = LocalReportSource(profile)
    written = report_summary(source, EVERYTHING.start, EVERYTHING.end, tmp_path / "s.pdf")
    held = summarize(
        source.summary_items(EVERYTHING, ()), source.engine, EVERYTHING, venues=source.venues()
    )
    assert held == source.period_summary(EVERYTHING, ())
    pdf = summary_report(held, venues=source.venues(), areas=source.areas(), scope=source.scope())
    assert written.read_bytes() == pdf


def test_a_projected_session_reads_as_the_full_one(profile: Profile) -> None:
    """What the summary asks of a version's answers, evaluated alone, is what the whole
    form's evaluation gives."""
    asked = {
        "door_test": VISIT_QUESTIONS,
        PATROL_FORM: ("category", *CHECK_QUESTIONS),
        COFFEESHOP_FORM: ("stock_grams",),
    }
    compared = 0
    for item in profile.inspections():
        if item.version_id is None:
            continue
        version = profile.version(item.version_id)
        engine = profile.engine(version.form_id, version.form_version)
        names = [name for name in asked[version.form_id] if name in engine.fields]
        full = session_from_document(engine, version.document)
        alone = projected_session(engine, version.document, names)
        for name in names:
            for key in full.instances(name):
                assert alone.value(*key) == full.value(*key), (version.version_id, key)
                assert alone.is_relevant(*key) == full.is_relevant(*key), (version.version_id, key)
                compared += 1
    assert compared > 1000


def test_the_summary_reads_stored_facts_and_counts_the_same_without_them(
    profile: Profile,
) -> None:
    """Every finalized version has its facts (written by the one writer of versions); with
    them gone, as in a profile before schema 8, the records give the same summary, and
    filling them in again writes what finalizing wrote."""
    source = LocalReportSource(profile)
    rows = list(profile.summary_rows(EVERYTHING.start, EVERYTHING.end))
    assert len(rows) == profile.count() - len(profile.drafts())
    assert all(isinstance(row, StoredFacts) for row in rows)
    from_facts = source.period_summary(EVERYTHING, ())
    with raw_transaction(profile) as connection:
        written = dict(connection.execute("SELECT version_id, facts FROM summary_facts"))
        connection.execute("DELETE FROM summary_facts")
    try:
        assert not any(
            isinstance(row, StoredFacts)
            for row in profile.summary_rows(EVERYTHING.start, EVERYTHING.end)
        )
        assert source.period_summary(EVERYTHING, ()) == from_facts
    finally:
        with raw_transaction(profile) as connection:
            assert fill_missing_facts(connection) == len(written)
    with raw_transaction(profile) as connection:
        assert dict(connection.execute("SELECT version_id, facts FROM summary_facts")) == written
    assert source.period_summary(EVERYTHING, ()) == from_facts


def test_a_correction_counts_its_own_findings_and_each_state_its_own(tmp_path: Path) -> None:
    """A returned coffeeshop inspection corrected on the device is counted with the
    correction's findings, not its base's; returned and approved ones in their state."""
    at = datetime(2026, 12, 6, 9, 30, tzinfo=UTC)
    with new_profile(tmp_path) as profile:
        corrected = profile.finalize(fill_draft(profile, COFFEESHOP_FORM, 55))
        returned = profile.finalize(fill_draft(profile, COFFEESHOP_FORM, 57))
        approved = profile.finalize(fill_draft(profile, COFFEESHOP_FORM, 63))
        for version in (corrected, returned, approved):
            profile.mark_sent(version.version_id, f"receipt-{version.version_id}")
        comments = {"advertising_found": "Is dit de reclame van de buren?"}
        for version in (corrected, returned):
            profile.apply_return(
                version.inspection_id, version.version_id, comments, "ingrid.verhoeven", at
            )
        profile.apply_approval(approved.inspection_id, approved.version_id, "ingrid.verhoeven", at)
        source = LocalReportSource(profile)
        before = source.period_summary(EVERYTHING, ())
        profile.start_correction(corrected.inspection_id)
        profile.set_answer(corrected.inspection_id, "advertising_found", "no")
        correction = profile.finalize(corrected.inspection_id)
        assert set(corrected.outcomes) - set(correction.outcomes) == {"criterion_A_violation"}

        after = source.period_summary(EVERYTHING, ())
        assert _as_counted(after) == _independent(profile, EVERYTHING, set())
        assert _as_counted(before) != _as_counted(after)
        assert after.total == 3
        assert dict(after.per_form_status[COFFEESHOP_FORM]) == {
            InspectionStatus.FINALIZED: 1,
            InspectionStatus.RETURNED: 1,
            InspectionStatus.APPROVED: 1,
        }
        violations = sum(
            f.outcomes["criterion_A_violation"] for f in after.coffeeshop_venues.values()
        )
        assert violations == 2  # the returned and the approved one; the correction has none
