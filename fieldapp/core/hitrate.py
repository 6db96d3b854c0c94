"""The hit rate of person checks: how often a proactive check confirmed its objective ground.

A check is *proactive* when no offence had been seen yet (a suspicion from behaviour, a
circumstance or information); *reactive* when the officer saw an offence first (cycling
through a red light). Only proactive checks say whether grounds are good: a reactive stop
has its offence by definition, so it is counted apart. Counting is per person: a row that
covers a group of eight is eight persons checked. A *hit* is a person for whom the check
confirmed the objective ground (an offence found, or the signal confirmed); a warning or a
referral is not a hit by itself. Below a minimum sample, a form parameter, no percentage is
given. The rate measures the quality of grounds, not ethnic profiling itself.

The arithmetic lives here, free of forms and reports; the patrol form records the answers
and `fieldapp.reports` lays the numbers out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TypeVar

from fieldapp.core.expr import Value
from fieldapp.core.forms import LocalText

#: The patrol form's parameter: fewer proactively checked persons give no percentage.
MIN_SAMPLE_PARAMETER = "hit_rate_min_persons"
DEFAULT_MIN_SAMPLE = 10


class TimeOfDay(StrEnum):
    """Six-hour parts of the day, by the time of the check."""

    NIGHT = "night"  # 00:00–06:00
    MORNING = "morning"  # 06:00–12:00
    AFTERNOON = "afternoon"  # 12:00–18:00
    EVENING = "evening"  # 18:00–24:00


TIME_OF_DAY_LABELS: Mapping[TimeOfDay, LocalText] = {
    TimeOfDay.NIGHT: {"nl": "nacht (0–6 uur)", "en": "night (0–6 h)"},
    TimeOfDay.MORNING: {"nl": "ochtend (6–12 uur)", "en": "morning (6–12 h)"},
    TimeOfDay.AFTERNOON: {"nl": "middag (12–18 uur)", "en": "afternoon (12–18 h)"},
    TimeOfDay.EVENING: {"nl": "avond (18–24 uur)", "en": "evening (18–24 h)"},
}

#: The plain sentence every hit-rate table carries.
MEANING: LocalText = {
    "nl": "De trefkans telt alleen proactieve controles (nog geen strafbaar feit gezien), per "
    "gecontroleerde persoon; een treffer is een persoon bij wie de controle de objectieve grond "
    "bevestigde (een strafbaar feit of het signaal), niet een waarschuwing of doorverwijzing op "
    "zich. Reactieve controles staan apart. Onder {minimum} personen staat er ‘te weinig "
    "controles’. De trefkans zegt iets over de kwaliteit van de gronden voor controles, niet of "
    "er etnisch geprofileerd wordt.",
    "en": "The hit rate counts proactive checks only (no offence seen yet), per person "
    "checked; a hit is a person for whom the check confirmed the objective ground (an offence "
    "or the signal), not a warning or a referral by itself. Reactive checks are counted apart. "
    "Below {minimum} persons it says ‘too few checks’. The hit rate measures the quality of the "
    "grounds for checks, not whether ethnic profiling takes place.",
}
TOO_FEW: LocalText = {"nl": "te weinig controles", "en": "too few checks"}


@dataclass(frozen=True, slots=True)
class PersonCheck:
    """One recorded check of one or more persons, as the hit rate needs it."""

    ground: str
    #: True: no offence seen yet; False: after an offence was seen; None: not recorded.
    proactive: bool | None
    persons: int
    #: Persons for whom the check confirmed the objective ground.
    hits: int
    team: str = ""
    area: str = ""
    moment: datetime | None = None

    @property
    def time_of_day(self) -> TimeOfDay | None:
        return time_of_day(self.moment) if self.moment is not None else None


@dataclass(frozen=True, slots=True)
class CheckTally:
    """Person checks with the same ground, kind, team, area and time of day, added up: what
    a summary over many patrols keeps instead of every check. Its hit rates are those of
    the checks it adds up."""

    ground: str
    proactive: bool | None
    persons: int
    hits: int
    team: str = ""
    area: str = ""
    time_of_day: TimeOfDay | None = None
    checks: int = 1

    @classmethod
    def of(cls, check: PersonCheck) -> CheckTally:
        return cls(
            check.ground,
            check.proactive,
            check.persons,
            check.hits,
            check.team,
            check.area,
            check.time_of_day,
        )

    def plus(self, check: PersonCheck) -> CheckTally:
        """This tally with one more check of the same keys."""
        return CheckTally(
            self.ground,
            self.proactive,
            self.persons + check.persons,
            self.hits + check.hits,
            self.team,
            self.area,
            self.time_of_day,
            self.checks + 1,
        )


#: What hit rates are counted from: single checks, or tallies of them.
Checks = PersonCheck | CheckTally
C = TypeVar("C", PersonCheck, CheckTally)


@dataclass(frozen=True, slots=True)
class HitRate:
    """Proactive persons checked and hit for one group of checks, reactive ones beside."""

    key: str
    persons: int = 0
    hits: int = 0
    checks: int = 0
    reactive_persons: int = 0
    reactive_checks: int = 0
    minimum: int = DEFAULT_MIN_SAMPLE

    @property
    def enough(self) -> bool:
        """True when the sample is large enough for a percentage."""
        return self.persons >= self.minimum and self.persons > 0

    @property
    def rate(self) -> float | None:
        """Hits per proactively checked person, or None below the minimum sample."""
        return self.hits / self.persons if self.enough else None

    def add(self, check: Checks) -> HitRate:
        count = check.checks if isinstance(check, CheckTally) else 1
        if check.proactive:
            return HitRate(
                self.key,
                self.persons + check.persons,
                self.hits + check.hits,
                self.checks + count,
                self.reactive_persons,
                self.reactive_checks,
                self.minimum,
            )
        if check.proactive is False:
            return HitRate(
                self.key,
                self.persons,
                self.hits,
                self.checks,
                self.reactive_persons + check.persons,
                self.reactive_checks + count,
                self.minimum,
            )
        return self  # not recorded whether proactive: in neither count


def time_of_day(moment: datetime) -> TimeOfDay:
    return (TimeOfDay.NIGHT, TimeOfDay.MORNING, TimeOfDay.AFTERNOON, TimeOfDay.EVENING)[
        moment.hour // 6
    ]


def hit_rates(checks: Iterable[C], key: Callable[[C], str], minimum: int) -> dict[str, HitRate]:
    """The hit rate per value of `key` (ground, team, area, …), in order of first appearance."""
    found: dict[str, HitRate] = {}
    for check in checks:
        name = key(check)
        found[name] = found.get(name, HitRate(name, minimum=minimum)).add(check)
    return found


def overall_rate(checks: Iterable[Checks], minimum: int) -> HitRate:
    """All checks together."""
    total = HitRate("", minimum=minimum)
    for check in checks:
        total = total.add(check)
    return total


def min_sample(parameters: Mapping[str, object]) -> int:
    """The form's minimum sample, or the default when the form does not set one."""
    value = parameters.get(MIN_SAMPLE_PARAMETER, DEFAULT_MIN_SAMPLE)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 1:
        return DEFAULT_MIN_SAMPLE
    return int(value)


def check_from_answers(
    answers: Mapping[str, Value], *, team: str = "", area: str = ""
) -> PersonCheck | None:
    """A person check from one row of the patrol form's `person_checks`; None without ground."""
    ground = answers.get("objective_ground")
    if not isinstance(ground, str) or not ground:
        return None
    kind = answers.get("check_kind")
    proactive = {"proactive": True, "reactive": False}.get(kind) if isinstance(kind, str) else None
    persons = _count(answers.get("persons_checked"), 1)
    hits = 0
    if answers.get("ground_confirmed") == "yes":
        hits = persons if persons == 1 else _count(answers.get("persons_confirmed"), persons)
        hits = max(0, min(hits, persons))
    moment = answers.get("check_time")
    return PersonCheck(
        ground,
        proactive,
        persons,
        hits,
        team,
        area,
        moment if isinstance(moment, datetime) else None,
    )


def _count(value: object, default: int) -> int:
    if isinstance(value, bool):
        return default
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value == value:
        return int(value)
    return default
