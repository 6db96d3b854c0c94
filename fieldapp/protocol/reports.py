"""Report bodies the central store computes where the data is: a summary, a round's visits.

The period summary's numbers are a `SummaryBody` (`GET /v1/reports/summary`), one door-test
round's visits a `RoundVisits` (`GET /v1/reports/door-tests/{test_id}`), and a page of the
export's bulk read an `ExportPage` (`GET /v1/export`).

A `SummaryBody` carries a `fieldapp.core.summary.PeriodSummary` whole: counters, the labels
and titles of the forms counted, and the person checks added up per key. Maps keep their
order on the wire, because the report follows first appearance where the form gives none.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict

from fieldapp.core.forms import LocalText, Severity
from fieldapp.core.hitrate import DEFAULT_MIN_SAMPLE, CheckTally, TimeOfDay
from fieldapp.core.inspection import InspectionStatus, InspectionVersion
from fieldapp.core.summary import OutcomeCount, Period, PeriodSummary, VenueFindings
from fieldapp.protocol.models import InspectionDetail

#: The longest period one summary request may cover (a leap year).
MAX_SUMMARY_DAYS = 366
#: The most areas one summary request may name.
MAX_SUMMARY_AREAS = 100
#: The most inspections one page of the export's bulk read holds (and its default).
MAX_EXPORT_PAGE = 200


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OutcomeBody(_Body):
    name: str
    label: LocalText
    severity: Severity
    inspections: int = 0


class VenueBody(_Body):
    venue_id: str
    inspections: int
    with_violation: int
    outcomes: dict[str, int]


class CheckTallyBody(_Body):
    ground: str
    proactive: bool | None
    persons: int
    hits: int
    team: str
    area: str
    time_of_day: TimeOfDay | None
    checks: int


class SummaryBody(_Body):
    """The period summary's numbers for one reader: only inspections they may read."""

    start: date
    end: date
    areas: list[str]
    total: int
    form_titles: dict[str, LocalText]
    per_form_status: dict[str, dict[InspectionStatus, int]]
    per_area: dict[str, dict[str, int]]
    coffeeshop_outcomes: list[OutcomeBody]
    coffeeshop_venues: list[VenueBody]
    #: Every outcome counted, with the label and severity of the form that named it first.
    outcome_labels: list[OutcomeBody]
    door_tests: dict[str, dict[str, int]]
    observation_labels: dict[str, LocalText]
    observations: dict[str, dict[str, int]]
    ground_labels: dict[str, LocalText]
    person_checks: list[CheckTallyBody]
    hit_rate_minimum: int = DEFAULT_MIN_SAMPLE
    #: The latest finalization counted, as the device recorded it (its own clock).
    latest: datetime | None = None

    @classmethod
    def of(cls, summary: PeriodSummary) -> SummaryBody:
        return cls(
            start=summary.period.start,
            end=summary.period.end,
            areas=list(summary.areas),
            total=summary.total,
            form_titles=summary.form_titles,
            per_form_status={k: dict(v) for k, v in summary.per_form_status.items()},
            per_area={k: dict(v) for k, v in summary.per_area.items()},
            coffeeshop_outcomes=[
                OutcomeBody(
                    name=o.name, label=o.label, severity=o.severity, inspections=o.inspections
                )
                for o in summary.coffeeshop_outcomes
            ],
            coffeeshop_venues=[
                VenueBody(
                    venue_id=venue_id,
                    inspections=found.inspections,
                    with_violation=found.with_violation,
                    outcomes=dict(found.outcomes),
                )
                for venue_id, found in summary.coffeeshop_venues.items()
            ],
            outcome_labels=[
                OutcomeBody(name=name, label=label, severity=severity)
                for name, (label, severity) in summary.outcome_labels.items()
            ],
            door_tests={k: dict(v) for k, v in summary.door_tests.items()},
            observation_labels=summary.observation_labels,
            observations={k: dict(v) for k, v in summary.observations.items()},
            ground_labels=summary.ground_labels,
            person_checks=[
                CheckTallyBody(
                    ground=c.ground,
                    proactive=c.proactive,
                    persons=c.persons,
                    hits=c.hits,
                    team=c.team,
                    area=c.area,
                    time_of_day=c.time_of_day,
                    checks=c.checks,
                )
                for c in summary.person_checks
            ],
            hit_rate_minimum=summary.hit_rate_minimum,
            latest=summary.latest,
        )

    def summary(self) -> PeriodSummary:
        """The `PeriodSummary` this body carries, as the reports lay it out."""
        return PeriodSummary(
            period=Period(self.start, self.end),
            areas=tuple(self.areas),
            total=self.total,
            form_titles=dict(self.form_titles),
            per_form_status={k: Counter(v) for k, v in self.per_form_status.items()},
            per_area={k: Counter(v) for k, v in self.per_area.items()},
            coffeeshop_outcomes=[
                OutcomeCount(o.name, o.label, o.severity, o.inspections)
                for o in self.coffeeshop_outcomes
            ],
            coffeeshop_venues={
                v.venue_id: VenueFindings(v.inspections, v.with_violation, Counter(v.outcomes))
                for v in self.coffeeshop_venues
            },
            outcome_labels={o.name: (o.label, o.severity) for o in self.outcome_labels},
            door_tests={k: Counter(v) for k, v in self.door_tests.items()},
            observation_labels=dict(self.observation_labels),
            observations={k: Counter(v) for k, v in self.observations.items()},
            ground_labels=dict(self.ground_labels),
            person_checks=[
                CheckTally(
                    c.ground,
                    c.proactive,
                    c.persons,
                    c.hits,
                    c.team,
                    c.area,
                    c.time_of_day,
                    c.checks,
                )
                for c in self.person_checks
            ],
            hit_rate_minimum=self.hit_rate_minimum,
            latest=self.latest,
        )


class RoundVisits(_Body):
    """Every door-test visit the reader may read whose answers name the round (its test id,
    compared without regard to case), newest activity first: the device pairs them."""

    test_id: str
    visits: list[InspectionDetail]


class ExportItem(_Body):
    """One inspection as the export writes it: its latest version, its status, and the name
    reports may show for its author (the pseudonym of a mystery guest)."""

    status: InspectionStatus
    author_name: str
    version: InspectionVersion


class ExportPage(_Body):
    """`GET /v1/export`: inspections of one form the reader may read, by inspection id."""

    items: list[ExportItem]
    #: Pass as `after` for the next page; None on the last page.
    next_after: str | None = None
