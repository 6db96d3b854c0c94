"""Tests for the hit rate of person checks (core.hitrate), each case named after its rule.

The rules come from issue 10 ("Neighbourhood patrol"): per person, not per row; proactive
checks only, reactive ones counted apart; a hit is a confirmed objective ground; below the
minimum sample no percentage; per ground, team, area and time of day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pytest

from fieldapp.core.expr import Value
from fieldapp.core.hitrate import (
    DEFAULT_MIN_SAMPLE,
    MEANING,
    PersonCheck,
    TimeOfDay,
    check_from_answers,
    hit_rates,
    min_sample,
    overall_rate,
    time_of_day,
)


def check(
    ground: str = "behaviour",
    *,
    proactive: bool | None = True,
    persons: int = 1,
    hits: int = 0,
    team: str = "Team Centrum",
    area: str = "schilderswijk",
    hour: int = 21,
) -> PersonCheck:
    return PersonCheck(ground, proactive, persons, hits, team, area, datetime(2026, 12, 4, hour))


@dataclass(frozen=True)
class Case:
    checks: tuple[PersonCheck, ...]
    minimum: int
    persons: int
    hits: int
    reactive_persons: int
    rate: float | None


CASES = {
    # A row covering a group of eight counts as eight persons checked, and its hits per person.
    "per-person-not-per-row": Case(
        (check(persons=8, hits=2), check(persons=2, hits=1)), 10, 10, 3, 0, 0.3
    ),
    # Reactive stops (an offence seen first) are counted apart, never in the rate.
    "proactive-only-reactive-apart": Case(
        (check(persons=10, hits=5), check(proactive=False, persons=6, hits=6)), 10, 10, 5, 6, 0.5
    ),
    # A check whose kind was not recorded is in neither count.
    "unrecorded-kind-is-left-out": Case(
        (check(persons=10, hits=4), check(proactive=None, persons=3, hits=3)), 10, 10, 4, 0, 0.4
    ),
    # Below the minimum sample: no percentage ("too few checks").
    "below-the-minimum-sample": Case((check(persons=9, hits=9),), 10, 9, 9, 0, None),
    "at-the-minimum-sample": Case((check(persons=10, hits=1),), 10, 10, 1, 0, 0.1),
    "a-lower-minimum-set-in-the-form": Case((check(persons=4, hits=1),), 4, 4, 1, 0, 0.25),
    "no-proactive-checks-at-all": Case((check(proactive=False, persons=12),), 10, 0, 0, 12, None),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_hit_rate_rules(case: Case) -> None:
    total = overall_rate(case.checks, case.minimum)
    assert (total.persons, total.hits, total.reactive_persons) == (
        case.persons,
        case.hits,
        case.reactive_persons,
    )
    assert total.rate == case.rate
    assert total.enough == (case.rate is not None)


def test_a_hit_is_a_confirmed_ground_not_a_warning_or_referral() -> None:
    base: dict[str, Value] = {
        "objective_ground": "behaviour",
        "check_kind": "proactive",
        "persons_checked": 1,
    }
    warned = check_from_answers({**base, "check_outcome": "warning", "ground_confirmed": "no"})
    referred = check_from_answers({**base, "check_outcome": "referral", "ground_confirmed": "no"})
    fined = check_from_answers({**base, "check_outcome": "fine", "ground_confirmed": "yes"})
    assert warned is not None and warned.hits == 0
    assert referred is not None and referred.hits == 0
    assert fined is not None and fined.hits == 1


def test_hits_in_a_group_count_the_persons_confirmed() -> None:
    group = check_from_answers(
        {
            "objective_ground": "information",
            "check_kind": "proactive",
            "persons_checked": 8,
            "ground_confirmed": "yes",
            "persons_confirmed": 3,
            "check_time": datetime(2026, 12, 4, 23, 10),
        },
        team="Team Centrum",
        area="transvaal",
    )
    assert group is not None
    assert (group.persons, group.hits, group.proactive) == (8, 3, True)
    assert group.time_of_day is TimeOfDay.EVENING
    too_many = check_from_answers(
        {
            "objective_ground": "information",
            "check_kind": "reactive",
            "persons_checked": 2,
            "ground_confirmed": "yes",
            "persons_confirmed": 5,
        }
    )
    assert too_many is not None and too_many.hits == 2 and too_many.proactive is False
    assert check_from_answers({"check_kind": "proactive"}) is None  # no ground, no check


def test_rates_per_ground_team_area_and_time_of_day() -> None:
    checks = [
        check("behaviour", persons=6, hits=3, team="A", area="laak", hour=9),
        check("behaviour", persons=6, hits=3, team="B", area="laak", hour=22),
        check("information", persons=3, hits=0, team="A", area="moerwijk", hour=2),
        check("circumstance", proactive=False, persons=4, hits=4, team="B", area="laak", hour=14),
    ]
    by_ground = hit_rates(checks, lambda c: c.ground, 10)
    assert list(by_ground) == ["behaviour", "information", "circumstance"]
    assert by_ground["behaviour"].rate == 0.5
    assert by_ground["information"].rate is None  # 3 persons: too few
    assert (
        by_ground["circumstance"].persons == 0 and by_ground["circumstance"].reactive_persons == 4
    )
    by_team = hit_rates(checks, lambda c: c.team, 3)
    assert (by_team["A"].persons, by_team["A"].hits) == (9, 3)
    by_area = hit_rates(checks, lambda c: c.area, 10)
    assert by_area["laak"].persons == 12 and by_area["laak"].rate == 0.5
    by_time = hit_rates(checks, lambda c: str(c.time_of_day), 1)
    assert set(by_time) == {"morning", "evening", "night", "afternoon"}


def test_time_of_day_boundaries() -> None:
    assert time_of_day(datetime(2026, 1, 1, 0, 0)) is TimeOfDay.NIGHT
    assert time_of_day(datetime(2026, 1, 1, 5, 59)) is TimeOfDay.NIGHT
    assert time_of_day(datetime(2026, 1, 1, 6, 0)) is TimeOfDay.MORNING
    assert time_of_day(datetime(2026, 1, 1, 18, 0)) is TimeOfDay.EVENING


def test_the_minimum_sample_is_a_form_parameter() -> None:
    assert min_sample({"hit_rate_min_persons": 25}) == 25
    assert min_sample({}) == DEFAULT_MIN_SAMPLE
    assert min_sample({"hit_rate_min_persons": True}) == DEFAULT_MIN_SAMPLE


def test_the_rate_says_what_it_measures() -> None:
    assert "niet of er etnisch geprofileerd wordt" in MEANING["nl"]
    assert "not whether ethnic profiling takes place" in MEANING["en"]
