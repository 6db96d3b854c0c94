"""The period summary's arithmetic: inspections counted one at a time, as they stream past.

`SummaryCounter` takes the `VersionFacts` of one inspection's latest version at a time and
keeps only counters, so a summary over 100,000 inspections needs the memory of one row and
the counters, never every decoded version at once. The device's store and the central store
both stream their rows into it (`fieldapp.reports.local`, `fieldapp.server.summaries`), so
the numbers are the same wherever they are counted.

A version's facts are what its answers decide, computed with the form engine from only the
questions asked (`fieldapp.core.answers.projected_session`): the door-test visit's facts, a
patrol's observation categories and person checks, besides where, when, by whom and the
findings. A version and its form version never change, so neither do its facts: both stores
keep them as a small JSON text beside the version, written when the version is stored
(`VersionFacts.to_json`), and a summary reads those instead of decoding and evaluating every
version again (`SummaryRow.facts` computes them for a version that has none stored).

Door-test visits are paired by round with `fieldapp.core.doortest.pair_round_visits`, the
same function every other place uses: a visit that does not fit its round (another venue,
another evening, a third visit) is counted as not pairable, never as a pair. Hit rates of
person checks come from `fieldapp.core.hitrate`, whose tallies add up checks with the same
keys.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any, NamedTuple, TypeVar

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
from fieldapp.core.forms import LocalText, Outcome, QuestionType, Severity
from fieldapp.core.hitrate import (
    DEFAULT_MIN_SAMPLE,
    CheckTally,
    TimeOfDay,
    check_from_answers,
    min_sample,
)
from fieldapp.core.inspection import InspectionStatus, InspectionVersion

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
_K = TypeVar("_K")
_V = TypeVar("_V")


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

    @classmethod
    def of_version(cls, version: InspectionVersion, status: InspectionStatus) -> SummaryRow:
        return cls(
            inspection_id=version.inspection_id,
            form_id=version.form_id,
            form_version=version.form_version,
            status=status,
            author=version.author,
            started_at=version.started_at,
            finalized_at=version.finalized_at,
            area_id=version.area_id,
            venue_id=version.venue_id,
            outcomes=tuple(version.outcomes),
            document=version.document,
        )

    def facts(self, engine: FormEngine) -> VersionFacts:
        """What this version tells a summary, its answers read through `engine` (its form)."""
        visit: dict[str, Value | None] | None = None
        team = ""
        observations: tuple[str, ...] = ()
        checks: tuple[Mapping[str, Value], ...] = ()
        if self.form_id == DOOR_TEST_FORM:
            visit = visit_answers(engine, self.document)
        elif self.form_id == PATROL_FORM:
            names = tuple(name for name in CHECK_QUESTIONS if name in engine.fields)
            rows = repeat_rows(
                engine,
                self.document,
                {"observations": OBSERVATION_QUESTIONS, "person_checks": names},
            )
            observations = tuple(
                category
                for answers in rows["observations"]
                if isinstance(category := answers.get("category"), str) and category
            )
            typed = (_typed(engine, answers) for answers in rows["person_checks"])
            # A row without a ground is no check (whatever team or area it is counted in).
            checks = tuple(answers for answers in typed if check_from_answers(answers) is not None)
            answered = self.document.get("answers", {}).get("team", "")
            team = answered if isinstance(answered, str) else ""
        return VersionFacts(
            inspection_id=self.inspection_id,
            form_id=self.form_id,
            form_version=self.form_version,
            author=self.author,
            started_at=self.started_at,
            finalized_at=self.finalized_at,
            area_id=self.area_id,
            venue_id=self.venue_id,
            outcomes=self.outcomes,
            visit=visit,
            team=team,
            observations=observations,
            checks=checks,
        )


@dataclass(frozen=True, slots=True)
class VersionFacts:
    """What one finalized version tells a period summary: where, when and by whom, its
    findings, and what its answers decide as the form's engine reads them. The inspection's
    status is not among them: a return or an approval changes it, never the version."""

    inspection_id: str
    form_id: str
    form_version: str
    author: str
    started_at: datetime
    finalized_at: datetime
    area_id: str | None
    venue_id: str | None
    outcomes: tuple[str, ...]
    #: A door-test visit: the answers of `VISIT_QUESTIONS` its form has.
    visit: Mapping[str, Value | None] | None = None
    #: A patrol: the team answered, each observation's category, each person check's answers.
    team: str = ""
    observations: tuple[str, ...] = ()
    checks: tuple[Mapping[str, Value], ...] = ()

    @property
    def started_day(self) -> str:
        """The day the visit began, as stored (the device's time zone), in ISO form: the
        day a period is matched against."""
        return self.started_at.date().isoformat()

    def to_json(self) -> str:
        """The facts as compact JSON; `from_json` gives them back equal."""
        found: dict[str, Any] = {
            "inspection_id": self.inspection_id,
            "form_id": self.form_id,
            "form_version": self.form_version,
            "author": self.author,
            "started_at": self.started_at.isoformat(),
            "finalized_at": self.finalized_at.isoformat(),
            "area_id": self.area_id,
            "venue_id": self.venue_id,
            "outcomes": list(self.outcomes),
        }
        if self.visit is not None:
            found["visit"] = {name: _encoded(value) for name, value in self.visit.items()}
        if self.form_id == PATROL_FORM:
            found["team"] = self.team
            found["observations"] = list(self.observations)
            found["checks"] = [
                {name: _encoded(value) for name, value in answers.items()}
                for answers in self.checks
            ]
        # A calculated value may be infinite (a division by zero the form allows); reading
        # the record, the summary would compute the same, so the facts keep it (Python's
        # JSON reads `Infinity` back), and writing them never stops a finalize or a push.
        return json.dumps(found, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str | bytes) -> VersionFacts:
        found = json.loads(text)
        visit = found.get("visit")
        return cls(
            inspection_id=found["inspection_id"],
            form_id=found["form_id"],
            form_version=found["form_version"],
            author=found["author"],
            started_at=datetime.fromisoformat(found["started_at"]),
            finalized_at=datetime.fromisoformat(found["finalized_at"]),
            area_id=found["area_id"],
            venue_id=found["venue_id"],
            outcomes=tuple(found["outcomes"]),
            visit=None if visit is None else {n: _decoded(v) for n, v in visit.items()},
            team=found.get("team", ""),
            observations=tuple(found.get("observations", ())),
            checks=tuple(
                {name: _decoded(value) for name, value in answers.items()}
                for answers in found.get("checks", ())
            ),
        )


class StoredFacts(NamedTuple):
    """An inspection's status and its latest version's facts, as a store keeps them."""

    status: InspectionStatus
    facts: VersionFacts


#: What a store streams into `SummaryCounter.add`: stored facts, or a version to read.
Counted = StoredFacts | SummaryRow

#: How a value JSON has no type for travels: as a one-key object naming its type.
_TYPED_TEXT: dict[str, Callable[[str], Value]] = {
    "datetime": datetime.fromisoformat,
    "date": date.fromisoformat,
    "time": time.fromisoformat,
}


def _encoded(value: Value | None) -> Any:
    # datetime before date: a datetime is a date too.
    if isinstance(value, datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    if isinstance(value, time):
        return {"time": value.isoformat()}
    if isinstance(value, tuple):
        return list(value)
    return value


def _decoded(value: Any) -> Any:
    if isinstance(value, dict):
        ((kind, text),) = value.items()
        return _TYPED_TEXT[kind](text)
    if isinstance(value, list):
        return tuple(value)
    return value


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
    """Counts versions whose inspection started in the period (and in `areas`, when given).

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
        #: Per form version: each finding's outcome, severity and whether it is a violation.
        self._findings: dict[tuple[str, str], dict[str, tuple[Outcome, Severity, bool]]] = {}
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

    def add(self, row: Counted) -> bool:
        """Count one inspection from its stored facts or from its version's document; False
        when it is outside the period or the areas (then its answers are not evaluated)."""
        if isinstance(row, StoredFacts):
            return self.add_facts(row.status, row.facts)
        if not self.wants(row.started_at, place_area(row.area_id, row.venue_id, self._venues)):
            return False
        return self.add_facts(row.status, row.facts(self.engine(row.form_id, row.form_version)))

    def add_facts(self, status: InspectionStatus, facts: VersionFacts) -> bool:
        """Count one inspection, in `status`, from its latest version's facts; False when it
        is outside the period or the areas."""
        area = place_area(facts.area_id, facts.venue_id, self._venues)
        if not self.wants(facts.started_at, area):
            return False
        summary = self.summary
        engine = self.engine(facts.form_id, facts.form_version)
        summary.total += 1
        finalized = facts.finalized_at.replace(tzinfo=None)
        summary.latest = finalized if summary.latest is None else max(summary.latest, finalized)
        summary.form_titles.setdefault(facts.form_id, engine.definition.title)
        _tally(summary.per_form_status, facts.form_id)[status] += 1
        _tally(summary.per_area, area)[facts.form_id] += 1
        if facts.form_id == COFFEESHOP_FORM:
            self._count_coffeeshop(facts)
        elif facts.form_id == DOOR_TEST_FORM:
            visit = DoorTestVisit.from_answers(
                {name: value for name, value in (facts.visit or {}).items() if value is not None}
            )
            round_id = visit.test_id.casefold()
            self._door_visits[round_id].append(RoundVisit(facts.inspection_id, visit, facts.author))
            self._windows.setdefault(round_id, door_window(engine))
        elif facts.form_id == PATROL_FORM:
            self._count_patrol(facts, engine, area)
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

    def _count_coffeeshop(self, facts: VersionFacts) -> None:
        summary = self.summary
        key = (facts.form_id, facts.form_version)
        findings = self._findings.get(key)
        if findings is None:
            engine = self.engine(*key)
            findings = {}
            for outcome in engine.definition.outcomes:
                severity = Severity(outcome.severity)
                violation = severity.rank >= Severity.VIOLATION.rank
                findings[outcome.name] = (outcome, severity, violation)
            self._findings[key] = findings
        venue = summary.coffeeshop_venues.get(facts.venue_id or "")
        if venue is None:
            venue = summary.coffeeshop_venues[facts.venue_id or ""] = VenueFindings()
        venue.inspections += 1
        violation = False
        for name in dict.fromkeys(facts.outcomes):
            found = findings.get(name)
            if found is None:
                continue
            outcome, severity, serious = found
            if name not in summary.outcome_labels:
                summary.outcome_labels[name] = (outcome.label, severity)
            self._outcome_counts[name] += 1
            venue.outcomes[name] += 1
            violation = violation or serious
        venue.with_violation += int(violation)

    def _count_patrol(self, facts: VersionFacts, engine: FormEngine, area: str) -> None:
        summary = self.summary
        fields = engine.fields
        if "category" in fields and not summary.observation_labels:
            summary.observation_labels = {c.name: c.label for c in fields["category"].choices or ()}
        if "objective_ground" in fields and not summary.ground_labels:
            summary.ground_labels = {
                c.name: c.label for c in fields["objective_ground"].choices or ()
            }
        for category in facts.observations:
            _tally(summary.observations, category)[area] += 1
        summary.hit_rate_minimum = min_sample(engine.definition.parameters)
        for answers in facts.checks:
            check = check_from_answers(answers, team=facts.team, area=area)
            if check is None:
                continue
            key = (check.ground, check.proactive, check.team, check.area, check.time_of_day)
            held = self._checks.get(key)
            self._checks[key] = CheckTally.of(check) if held is None else held.plus(check)


def _tally(counters: dict[_K, Counter[_V]], key: _K) -> Counter[_V]:
    """The counter under `key`, made when it is the first (without making one each time)."""
    found = counters.get(key)
    if found is None:
        found = counters[key] = Counter()
    return found


def visit_answers(engine: FormEngine, document: Mapping[str, Any]) -> dict[str, Value | None]:
    """A door-test visit's pairing questions (those its form has) as the engine reads them."""
    names = [name for name in VISIT_QUESTIONS if name in engine.fields]
    session = projected_session(engine, document, names)
    return {name: session.value(name) for name in names}


def door_window(engine: FormEngine) -> float:
    """The door-test form's largest gap, in minutes, between the two arrivals of a round."""
    window = engine.definition.parameters.get(WINDOW_PARAMETER, 30)
    if isinstance(window, bool) or not isinstance(window, int | float):
        window = 30
    return float(window)


def door_visit(engine: FormEngine, document: Mapping[str, Any]) -> tuple[DoorTestVisit, float]:
    """A door-test visit's pairing facts as the engine sees its answers, and its form's
    largest gap between the two arrivals."""
    answers = visit_answers(engine, document)
    visit = DoorTestVisit.from_answers(
        {name: value for name, value in answers.items() if value is not None}
    )
    return visit, door_window(engine)


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
