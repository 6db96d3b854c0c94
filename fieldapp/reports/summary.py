"""The period summary's numbers: counted once over many inspections, before anything is drawn.

Aggregation reads the stored answer documents directly (no engine session per inspection),
which keeps 10,000 inspections well under a second. That is exact only for questions that
are always relevant where they stand; `_raw_is_exact` checks this against the form, and
anything else (the door-test pairs, whose reason question depends on the result at the
door) goes through the engine.

Door-test visits are paired by round with `fieldapp.core.doortest.pair_round_visits`, the
same function every other place uses: a visit that does not fit its round (another venue,
another evening, a third visit) is counted as not pairable, never as a pair. Hit rates of
person checks come from `fieldapp.core.hitrate`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from fieldapp.core.answers import session_from_document
from fieldapp.core.doortest import (
    DOOR_TEST_FORM,
    WINDOW_PARAMETER,
    DoorTestVisit,
    RoundVisit,
    pair_round_visits,
)
from fieldapp.core.engine import FormEngine
from fieldapp.core.entities import DoorTestRound, Venue
from fieldapp.core.expr import Value
from fieldapp.core.forms import LocalText, QuestionType, Severity
from fieldapp.core.hitrate import DEFAULT_MIN_SAMPLE, PersonCheck, check_from_answers, min_sample
from fieldapp.core.inspection import InspectionStatus, InspectionVersion
from fieldapp.reports.model import Period, SummaryItem

COFFEESHOP_FORM = "coffeeshop_inspection"
PATROL_FORM = "neighbourhood_patrol"
#: Door-test rounds with only one visit so far.
AWAITING = "awaiting"
#: Door-test visits that do not fit their round (counted per visit, not per round).
NOT_PAIRABLE = "not_pairable"

EngineLookup = Callable[[str, str], FormEngine]


@dataclass(frozen=True, slots=True)
class OutcomeCount:
    name: str
    label: LocalText
    severity: Severity
    inspections: int


@dataclass(slots=True)
class VenueFindings:
    """Coffeeshop inspections at one venue in the period."""

    inspections: int = 0
    with_violation: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)


@dataclass
class PeriodSummary:
    """Everything the period summary shows, already counted."""

    period: Period
    areas: tuple[str, ...]
    total: int = 0
    form_titles: dict[str, LocalText] = field(default_factory=dict)
    per_form_status: dict[str, Counter[InspectionStatus]] = field(default_factory=dict)
    per_area: dict[str, Counter[str]] = field(default_factory=dict)
    coffeeshop_outcomes: list[OutcomeCount] = field(default_factory=list)
    coffeeshop_venues: dict[str, VenueFindings] = field(default_factory=dict)
    outcome_labels: dict[str, tuple[LocalText, Severity]] = field(default_factory=dict)
    door_tests: dict[str, Counter[str]] = field(default_factory=dict)
    observation_labels: dict[str, LocalText] = field(default_factory=dict)
    observations: dict[str, Counter[str]] = field(default_factory=dict)
    ground_labels: dict[str, LocalText] = field(default_factory=dict)
    #: Every person check of the period, for the hit rates of `fieldapp.core.hitrate`.
    person_checks: list[PersonCheck] = field(default_factory=list)
    #: The patrol form's minimum sample for a hit-rate percentage.
    hit_rate_minimum: int = DEFAULT_MIN_SAMPLE
    #: The latest finalization among the counted versions: what the summary knows of.
    latest: datetime | None = None

    def repeat_offenders(self) -> list[tuple[str, VenueFindings]]:
        """Venues with a violation in two or more inspections, most first."""
        found = [(venue, f) for venue, f in self.coffeeshop_venues.items() if f.with_violation >= 2]
        return sorted(found, key=lambda item: (-item[1].with_violation, item[0]))


def latest_versions(items: Iterable[SummaryItem]) -> list[SummaryItem]:
    """One item per inspection: the version no other version names as its base.

    Versions are ordered by their chain, never by device clocks.
    """
    listed = list(items)
    replaced = {item.version.base_version_id for item in listed if item.version.base_version_id}
    latest: dict[str, SummaryItem] = {}
    for item in listed:
        if item.version.version_id not in replaced:
            latest[item.version.inspection_id] = item
    return list(latest.values())


def area_of(version: InspectionVersion, venues: Mapping[str, Venue]) -> str:
    return place_area(version.area_id, version.venue_id, venues)


def place_area(area_id: str | None, venue_id: str | None, venues: Mapping[str, Venue]) -> str:
    """The area an inspection took place in: its own, else its venue's.

    Coffeeshop inspections and door tests name a venue and no area; an area filter must
    keep them by the venue's area.
    """
    if area_id:
        return area_id
    venue = venues.get(venue_id or "")
    return venue.area if venue is not None else ""


def summarize(
    items: Iterable[SummaryItem],
    engines: EngineLookup,
    period: Period,
    *,
    venues: Mapping[str, Venue],
    areas: Collection[str] = (),
    rounds: Mapping[str, DoorTestRound] | None = None,
) -> PeriodSummary:
    """Count the items whose inspection started in `period` (and in `areas`, when given).

    `rounds` is the round register by id, when the source has it; without it the visits of
    a round must agree among themselves on venue and evening.
    """
    summary = PeriodSummary(period, tuple(sorted(areas)))
    wanted = set(areas)
    compiled: dict[tuple[str, str], FormEngine] = {}

    def engine_of(version: InspectionVersion) -> FormEngine:
        key = (version.form_id, version.form_version)
        if key not in compiled:
            compiled[key] = engines(*key)
        return compiled[key]

    outcome_counts: Counter[str] = Counter()
    door_visits: dict[str, list[RoundVisit]] = defaultdict(list)
    windows: dict[str, float] = {}
    for item in latest_versions(items):
        version = item.version
        if version.started_at.date() not in period:
            continue
        area = area_of(version, venues)
        if wanted and area not in wanted:
            continue
        engine = engine_of(version)
        summary.total += 1
        finalized = version.finalized_at.replace(tzinfo=None)
        summary.latest = finalized if summary.latest is None else max(summary.latest, finalized)
        summary.form_titles.setdefault(version.form_id, engine.definition.title)
        summary.per_form_status.setdefault(version.form_id, Counter())[item.status] += 1
        summary.per_area.setdefault(area, Counter())[version.form_id] += 1
        if version.form_id == COFFEESHOP_FORM:
            _count_coffeeshop(summary, version, engine, outcome_counts)
        elif version.form_id == DOOR_TEST_FORM:
            visit, window = _door_visit(version, engine)
            round_id = visit.test_id.casefold()
            door_visits[round_id].append(RoundVisit(version.inspection_id, visit, version.author))
            windows.setdefault(round_id, window)
        elif version.form_id == PATROL_FORM:
            _count_patrol(summary, version, engine, area)
    for name, count in outcome_counts.items():
        label, severity = summary.outcome_labels[name]
        summary.coffeeshop_outcomes.append(OutcomeCount(name, label, severity, count))
    summary.coffeeshop_outcomes.sort(key=lambda o: (-o.severity.rank, -o.inspections, o.name))
    register = {key.casefold(): value for key, value in (rounds or {}).items()}
    for round_id, offered in door_visits.items():
        pairing = pair_round_visits(round_id, offered, register.get(round_id))
        by_id = {v.visit_id: v.visit for v in offered}
        for refused in pairing.refused:
            venue = by_id[refused.visit_id].venue
            summary.door_tests.setdefault(venue, Counter())[NOT_PAIRABLE] += 1
        halves = [half for half in (pairing.test, pairing.control) if half is not None]
        if not halves:
            continue
        outcome = pairing.assess(windows[round_id])
        result = AWAITING if outcome is None else outcome.result.value
        summary.door_tests.setdefault(halves[0].visit.venue, Counter())[result] += 1
    return summary


def _count_coffeeshop(
    summary: PeriodSummary, version: InspectionVersion, engine: FormEngine, counts: Counter[str]
) -> None:
    outcomes = {o.name: o for o in engine.definition.outcomes}
    venue = summary.coffeeshop_venues.setdefault(version.venue_id or "", VenueFindings())
    venue.inspections += 1
    violation = False
    for name in dict.fromkeys(version.outcomes):
        outcome = outcomes.get(name)
        if outcome is None:
            continue
        severity = Severity(outcome.severity)
        summary.outcome_labels.setdefault(name, (outcome.label, severity))
        counts[name] += 1
        venue.outcomes[name] += 1
        violation = violation or severity.rank >= Severity.VIOLATION.rank
    venue.with_violation += int(violation)


def _door_visit(version: InspectionVersion, engine: FormEngine) -> tuple[DoorTestVisit, float]:
    session = session_from_document(engine, version.document)
    window = engine.definition.parameters.get(WINDOW_PARAMETER, 30)
    if isinstance(window, bool) or not isinstance(window, int | float):
        window = 30
    return DoorTestVisit.from_answers(session.form_values()), float(window)


def _raw_is_exact(engine: FormEngine, names: Iterable[str]) -> bool:
    """True when each question is relevant wherever its row exists, so a stored answer counts."""
    for name in names:
        field_ = engine.fields.get(name)
        if field_ is None or field_.relevant is not None:
            return False
        parent = engine.fields.get(field_.parent or "")
        if parent is not None and parent.relevant is not None:
            return False
    return True


def _rows(
    version: InspectionVersion, engine: FormEngine, repeat: str, names: tuple[str, ...]
) -> list[dict[str, Any]]:
    """The answers of one repeat's rows, raw when that is exact, else through the engine."""
    if _raw_is_exact(engine, names):
        return [row["answers"] for row in version.document.get("repeats", {}).get(repeat, [])]
    session = session_from_document(engine, version.document)
    return [
        {name: session.value(name, row) for name in names if session.is_relevant(name, row)}
        for row in session.rows.get(repeat, [])
    ]


def _count_patrol(
    summary: PeriodSummary, version: InspectionVersion, engine: FormEngine, area: str
) -> None:
    fields = engine.fields
    if "category" in fields and not summary.observation_labels:
        summary.observation_labels = {c.name: c.label for c in fields["category"].choices or ()}
    if "objective_ground" in fields and not summary.ground_labels:
        summary.ground_labels = {c.name: c.label for c in fields["objective_ground"].choices or ()}
    for answers in _rows(version, engine, "observations", ("category",)):
        category = answers.get("category")
        if isinstance(category, str) and category:
            summary.observations.setdefault(category, Counter())[area] += 1
    summary.hit_rate_minimum = min_sample(engine.definition.parameters)
    names = tuple(
        name
        for name in (
            "objective_ground",
            "check_kind",
            "persons_checked",
            "ground_confirmed",
            "persons_confirmed",
            "check_time",
        )
        if name in fields
    )
    team = version.document.get("answers", {}).get("team", "")
    for answers in _rows(version, engine, "person_checks", names):
        check = check_from_answers(
            _typed(engine, answers), team=team if isinstance(team, str) else "", area=area
        )
        if check is not None:
            summary.person_checks.append(check)


def _typed(engine: FormEngine, answers: Mapping[str, Any]) -> dict[str, Value]:
    """Stored answers as the engine types them (a date-time is stored as text)."""
    typed: dict[str, Value] = {}
    for name, value in answers.items():
        field_ = engine.fields.get(name)
        if field_ is not None and isinstance(value, str) and field_.kind is QuestionType.DATETIME:
            try:
                typed[name] = datetime.fromisoformat(value)
            except ValueError:
                continue
        elif isinstance(value, str | int | float | bool | datetime):
            typed[name] = value
    return typed
