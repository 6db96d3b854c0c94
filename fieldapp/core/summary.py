"""The period summary's arithmetic: inspections counted one at a time, as they stream past.

`SummaryCounter` takes one `SummaryRow` (the latest version of one inspection) at a time and
keeps only counters, so a summary over 100,000 inspections needs the memory of one row and
the counters, never every decoded version at once. The device's store and the central store
both stream their rows into it (`fieldapp.reports.local`, `fieldapp.server.summaries`), so
the numbers are the same wherever they are counted.

What a row's answers decide is computed with the form engine, from only the questions asked
(`fieldapp.core.answers.projected_session`): the door-test visit's facts, a patrol's
observation categories and person checks. Door-test visits are paired by round with
`fieldapp.core.doortest.pair_round_visits`, the same function every other place uses: a
visit that does not fit its round (another venue, another evening, a third visit) is counted
as not pairable, never as a pair. Hit rates of person checks come from
`fieldapp.core.hitrate`, whose tallies add up checks with the same keys.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from fieldapp.core.answers import projected_session
from fieldapp.core.doortest import (
    DOOR_TEST_FORM,
    VISIT_QUESTIONS,
    WINDOW_PARAMETER,
    DoorTestVisit,
    RoundVisit,
    pair_round_visits,
)
from fieldapp.core.engine import FormEngine
from fieldapp.core.entities import DoorTestRound, Venue
from fieldapp.core.expr import Value
from fieldapp.core.forms import LocalText, QuestionType, Severity
from fieldapp.core.hitrate import (
    DEFAULT_MIN_SAMPLE,
    CheckTally,
    TimeOfDay,
    check_from_answers,
    min_sample,
)
from fieldapp.core.inspection import InspectionStatus

COFFEESHOP_FORM = "coffeeshop_inspection"
PATROL_FORM = "neighbourhood_patrol"
#: Door-test rounds with only one visit so far.
AWAITING = "awaiting"
#: Door-test visits that do not fit their round (counted per visit, not per round).
NOT_PAIRABLE = "not_pairable"
#: The patrol's questions a summary reads, per repeat.
OBSERVATION_QUESTIONS = ("category",)
CHECK_QUESTIONS = (
    "objective_ground",
    "check_kind",
    "persons_checked",
    "ground_confirmed",
    "persons_confirmed",
    "check_time",
)

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


@dataclass(frozen=True, slots=True)
class Period:
    """A range of days, both ends included."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("a period ends on or after its start")

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end


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
    #: The period's person checks, added up per ground, team, area, time of day and kind
    #: (in order of first appearance), for the hit rates of `fieldapp.core.hitrate`.
    person_checks: list[CheckTally] = field(default_factory=list)
    #: The patrol form's minimum sample for a hit-rate percentage.
    hit_rate_minimum: int = DEFAULT_MIN_SAMPLE
    #: The latest finalization among the counted versions: what the summary knows of.
    latest: datetime | None = None

    def repeat_offenders(self) -> list[tuple[str, VenueFindings]]:
        """Venues with a violation in two or more inspections, most first."""
        found = [(venue, f) for venue, f in self.coffeeshop_venues.items() if f.with_violation >= 2]
        return sorted(found, key=lambda item: (-item[1].with_violation, item[0]))


@dataclass(frozen=True, slots=True)
class SummaryRow:
    """The latest version of one inspection, as much as the summary reads of it.

    `document` is the version's answers document (`answers_document` output); a source that
    keeps it encoded may hand it over as it is read and let it go after `SummaryCounter.add`.
    """

    inspection_id: str
    form_id: str
    form_version: str
    status: InspectionStatus
    author: str
    started_at: datetime
    finalized_at: datetime
    area_id: str | None
    venue_id: str | None
    outcomes: tuple[str, ...]
    document: Mapping[str, Any]

    @classmethod
    def of_record(cls, record: Mapping[str, Any], status: InspectionStatus) -> SummaryRow:
        """From a version record as JSON (`InspectionVersion.model_dump(mode="json")`), the
        way both stores keep it, without validating the whole record again."""
        return cls(
            inspection_id=str(record["inspection_id"]),
            form_id=str(record["form_id"]),
            form_version=str(record["form_version"]),
            status=status,
            author=str(record["author"]),
            started_at=_moment(record["started_at"]),
            finalized_at=_moment(record["finalized_at"]),
            area_id=record.get("area_id"),
            venue_id=record.get("venue_id"),
            outcomes=tuple(record.get("outcomes") or ()),
            document=record.get("document") or {},
        )


def _moment(text: Any) -> datetime:
    # Pydantic writes UTC as 'Z'; fromisoformat reads it from Python 3.11 on.
    return text if isinstance(text, datetime) else datetime.fromisoformat(str(text))


def place_area(area_id: str | None, venue_id: str | None, venues: Mapping[str, Venue]) -> str:
    """The area an inspection took place in: its own, else its venue's.

    Coffeeshop inspections and door tests name a venue and no area; an area filter must
    keep them by the venue's area.
    """
    if area_id:
        return area_id
    venue = venues.get(venue_id or "")
    return venue.area if venue is not None else ""


class SummaryCounter:
    """Counts rows whose inspection started in the period (and in `areas`, when given).

    Rows may come in any number; only counters, the labels of each form version seen, and
    the facts of each door-test visit (needed to pair its round at the end) are kept.
    Labels and titles come from the first version of a form counted, the minimum sample
    from the last patrol: a source streams its rows in a fixed order, so two sources of
    the same data agree.
    """

    def __init__(
        self,
        period: Period,
        engines: EngineLookup,
        *,
        venues: Mapping[str, Venue],
        areas: Collection[str] = (),
    ) -> None:
        self.summary = PeriodSummary(period, tuple(sorted(areas)))
        self._wanted = set(areas)
        self._venues = venues
        self._engines = engines
        self._compiled: dict[tuple[str, str], FormEngine] = {}
        self._outcome_counts: Counter[str] = Counter()
        self._door_visits: dict[str, list[RoundVisit]] = defaultdict(list)
        self._windows: dict[str, float] = {}
        self._checks: dict[tuple[str, bool | None, str, str, TimeOfDay | None], CheckTally] = {}

    def engine(self, form_id: str, version: str) -> FormEngine:
        key = (form_id, version)
        if key not in self._compiled:
            self._compiled[key] = self._engines(*key)
        return self._compiled[key]

    def wants(self, started_at: datetime, area: str) -> bool:
        """Whether a version that started then, there, is counted."""
        if started_at.date() not in self.summary.period:
            return False
        return not self._wanted or area in self._wanted

    def add(self, row: SummaryRow) -> bool:
        """Count one inspection; False when it is outside the period or the areas."""
        area = place_area(row.area_id, row.venue_id, self._venues)
        if not self.wants(row.started_at, area):
            return False
        summary = self.summary
        engine = self.engine(row.form_id, row.form_version)
        summary.total += 1
        finalized = row.finalized_at.replace(tzinfo=None)
        summary.latest = finalized if summary.latest is None else max(summary.latest, finalized)
        summary.form_titles.setdefault(row.form_id, engine.definition.title)
        summary.per_form_status.setdefault(row.form_id, Counter())[row.status] += 1
        summary.per_area.setdefault(area, Counter())[row.form_id] += 1
        if row.form_id == COFFEESHOP_FORM:
            self._count_coffeeshop(row, engine)
        elif row.form_id == DOOR_TEST_FORM:
            visit, window = door_visit(engine, row.document)
            round_id = visit.test_id.casefold()
            self._door_visits[round_id].append(RoundVisit(row.inspection_id, visit, row.author))
            self._windows.setdefault(round_id, window)
        elif row.form_id == PATROL_FORM:
            self._count_patrol(row, engine, area)
        return True

    def finish(self, rounds: Mapping[str, DoorTestRound] | None = None) -> PeriodSummary:
        """The summary of every row added. `rounds` is the round register by id, when the
        source has it; without it the visits of a round must agree among themselves on
        venue and evening."""
        summary = self.summary
        for name, count in self._outcome_counts.items():
            label, severity = summary.outcome_labels[name]
            summary.coffeeshop_outcomes.append(OutcomeCount(name, label, severity, count))
        summary.coffeeshop_outcomes.sort(key=lambda o: (-o.severity.rank, -o.inspections, o.name))
        register = {key.casefold(): value for key, value in (rounds or {}).items()}
        for round_id, offered in self._door_visits.items():
            pairing = pair_round_visits(round_id, offered, register.get(round_id))
            by_id = {v.visit_id: v.visit for v in offered}
            for refused in pairing.refused:
                venue = by_id[refused.visit_id].venue
                summary.door_tests.setdefault(venue, Counter())[NOT_PAIRABLE] += 1
            halves = [half for half in (pairing.test, pairing.control) if half is not None]
            if not halves:
                continue
            outcome = pairing.assess(self._windows[round_id])
            result = AWAITING if outcome is None else outcome.result.value
            summary.door_tests.setdefault(halves[0].visit.venue, Counter())[result] += 1
        summary.person_checks = list(self._checks.values())
        return summary

    def _count_coffeeshop(self, row: SummaryRow, engine: FormEngine) -> None:
        summary = self.summary
        outcomes = {o.name: o for o in engine.definition.outcomes}
        venue = summary.coffeeshop_venues.setdefault(row.venue_id or "", VenueFindings())
        venue.inspections += 1
        violation = False
        for name in dict.fromkeys(row.outcomes):
            outcome = outcomes.get(name)
            if outcome is None:
                continue
            severity = Severity(outcome.severity)
            summary.outcome_labels.setdefault(name, (outcome.label, severity))
            self._outcome_counts[name] += 1
            venue.outcomes[name] += 1
            violation = violation or severity.rank >= Severity.VIOLATION.rank
        venue.with_violation += int(violation)

    def _count_patrol(self, row: SummaryRow, engine: FormEngine, area: str) -> None:
        summary = self.summary
        fields = engine.fields
        if "category" in fields and not summary.observation_labels:
            summary.observation_labels = {c.name: c.label for c in fields["category"].choices or ()}
        if "objective_ground" in fields and not summary.ground_labels:
            summary.ground_labels = {
                c.name: c.label for c in fields["objective_ground"].choices or ()
            }
        checks = tuple(name for name in CHECK_QUESTIONS if name in fields)
        rows = repeat_rows(
            engine,
            row.document,
            {"observations": OBSERVATION_QUESTIONS, "person_checks": checks},
        )
        for answers in rows["observations"]:
            category = answers.get("category")
            if isinstance(category, str) and category:
                summary.observations.setdefault(category, Counter())[area] += 1
        summary.hit_rate_minimum = min_sample(engine.definition.parameters)
        team = row.document.get("answers", {}).get("team", "")
        for answers in rows["person_checks"]:
            check = check_from_answers(
                _typed(engine, answers), team=team if isinstance(team, str) else "", area=area
            )
            if check is None:
                continue
            key = (check.ground, check.proactive, check.team, check.area, check.time_of_day)
            held = self._checks.get(key)
            self._checks[key] = CheckTally.of(check) if held is None else held.plus(check)


def door_visit(engine: FormEngine, document: Mapping[str, Any]) -> tuple[DoorTestVisit, float]:
    """A door-test visit's pairing facts as the engine sees its answers, and its form's
    largest gap between the two arrivals."""
    names = [name for name in VISIT_QUESTIONS if name in engine.fields]
    session = projected_session(engine, document, names)
    visit = DoorTestVisit.from_answers({name: session.value(name) for name in names})
    window = engine.definition.parameters.get(WINDOW_PARAMETER, 30)
    if isinstance(window, bool) or not isinstance(window, int | float):
        window = 30
    return visit, float(window)


def raw_is_exact(engine: FormEngine, names: Collection[str]) -> bool:
    """True when each question is relevant wherever its row exists, so a stored answer counts."""
    for name in names:
        field_ = engine.fields.get(name)
        if field_ is None or field_.relevant is not None:
            return False
        parent = engine.fields.get(field_.parent or "")
        if parent is not None and parent.relevant is not None:
            return False
    return True


def repeat_rows(
    engine: FormEngine, document: Mapping[str, Any], wanted: Mapping[str, tuple[str, ...]]
) -> dict[str, list[dict[str, Any]]]:
    """The answers of some questions in each row of some repeats: as stored where that is
    exact, else the relevant values as the engine computes them (one projected session for
    every repeat that needs it)."""
    found: dict[str, list[dict[str, Any]]] = {}
    through_engine: dict[str, tuple[str, ...]] = {}
    for repeat, names in wanted.items():
        if raw_is_exact(engine, names):
            stored = document.get("repeats", {}).get(repeat, [])
            found[repeat] = [item["answers"] for item in stored]
        else:
            through_engine[repeat] = names
    if through_engine:
        session = projected_session(
            engine, document, [name for names in through_engine.values() for name in names]
        )
        for repeat, names in through_engine.items():
            found[repeat] = [
                {name: session.value(name, row) for name in names if session.is_relevant(name, row)}
                for row in session.rows.get(repeat, [])
            ]
    return found


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
