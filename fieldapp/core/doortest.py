"""The outcome of a paired door test, from the test group's and the control group's visits.

Paired testing (as Dutch cities run it against discrimination at club doors): a test group
and a comparable control group visit the same venue close together. Only the test group
refused, within the time window, for a reason not in the house rules posted at the door,
is a finding of unequal treatment. Everything else is either no finding or, when the pair
cannot be compared, inconclusive — never a guess.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from fieldapp.core.expr import Value
from fieldapp.core.texts import Text

#: The door-test form's parameter holding the largest gap between the two arrivals.
WINDOW_PARAMETER = "max_pair_gap_minutes"


class PairResult(StrEnum):
    UNEQUAL_TREATMENT = "unequal_treatment"
    INCONCLUSIVE = "inconclusive"
    NO_FINDING = "no_finding"


@dataclass(frozen=True, slots=True)
class DoorTestVisit:
    """What the pair assessment needs from one group's visit record."""

    test_id: str
    venue: str
    group_role: str  # "test" or "control"
    arrival_time: datetime | None
    entry_result: str  # "admitted", "refused", "delayed" or "" when not answered
    house_rules_posted: str  # "yes", "no" or ""
    reason_matches_posted_rules: str  # "yes", "no", "unclear" or ""
    reason_given: str = ""

    @classmethod
    def from_answers(cls, answers: Mapping[str, Value]) -> DoorTestVisit:
        def text(name: str) -> str:
            value = answers.get(name, "")
            return value if isinstance(value, str) else ""

        arrival = answers.get("arrival_time")
        return cls(
            test_id=text("test_id"),
            venue=text("venue"),
            group_role=text("group_role"),
            arrival_time=arrival if isinstance(arrival, datetime) else None,
            entry_result=text("entry_result"),
            house_rules_posted=text("house_rules_posted"),
            reason_matches_posted_rules=text("reason_matches_posted_rules"),
            reason_given=text("reason_given"),
        )


@dataclass(frozen=True, slots=True)
class PairOutcome:
    result: PairResult
    explanation: Text
    gap_minutes: float | None


@dataclass(frozen=True, slots=True)
class PairedDoorTest:
    """A test visit and a control visit of one test id at one venue."""

    test: DoorTestVisit
    control: DoorTestVisit
    window_minutes: float

    def assess(self) -> PairOutcome:
        return assess_pair(self.test, self.control, self.window_minutes)


def _outcome(result: PairResult, nl: str, en: str, gap: float | None) -> PairOutcome:
    return PairOutcome(result, Text(nl, en), gap)


def assess_pair(test: DoorTestVisit, control: DoorTestVisit, window_minutes: float) -> PairOutcome:
    """Decide the pair's outcome; the explanation says why, in both languages."""
    inconclusive = PairResult.INCONCLUSIVE
    if test.group_role != "test" or control.group_role != "control":
        return _outcome(
            inconclusive,
            "De twee bezoeken zijn niet één testgroep en één controlegroep.",
            "The two visits are not one test group and one control group.",
            None,
        )
    if test.test_id != control.test_id or test.venue != control.venue:
        return _outcome(
            inconclusive,
            "De bezoeken horen niet bij dezelfde test of dezelfde locatie.",
            "The visits do not belong to the same test or the same venue.",
            None,
        )
    if not test.entry_result or not control.entry_result:
        return _outcome(
            inconclusive,
            "Van een van beide groepen is niet vastgelegd of zij werden toegelaten.",
            "One of the groups has no recorded entry result.",
            None,
        )
    if test.arrival_time is None or control.arrival_time is None:
        return _outcome(
            inconclusive,
            "Van een van beide groepen ontbreekt de aankomsttijd.",
            "One of the groups has no arrival time.",
            None,
        )
    gap = abs((test.arrival_time - control.arrival_time).total_seconds()) / 60
    if gap > window_minutes:
        return _outcome(
            inconclusive,
            f"De groepen kwamen {gap:.0f} minuten na elkaar aan; meer dan "
            f"{window_minutes:g} minuten maakt de bezoeken niet vergelijkbaar.",
            f"The groups arrived {gap:.0f} minutes apart; more than {window_minutes:g} "
            "minutes makes the visits incomparable.",
            gap,
        )
    if test.entry_result == control.entry_result:
        return _outcome(
            PairResult.NO_FINDING,
            "Beide groepen werden gelijk behandeld.",
            "Both groups were treated alike.",
            gap,
        )
    if control.entry_result != "admitted":
        return _outcome(
            PairResult.NO_FINDING,
            "De controlegroep werd niet (direct) toegelaten; geen aanwijzing voor ongelijke "
            "behandeling van de testgroep.",
            "The control group was not admitted (at once); no sign of unequal treatment of "
            "the test group.",
            gap,
        )
    if test.entry_result == "delayed":
        return _outcome(
            inconclusive,
            "De testgroep moest wachten en de controlegroep niet; geen weigering, herhaal de test.",
            "The test group was kept waiting and the control group was not; no refusal, "
            "repeat the test.",
            gap,
        )
    if test.house_rules_posted == "yes" and test.reason_matches_posted_rules == "yes":
        return _outcome(
            PairResult.NO_FINDING,
            "De testgroep werd geweigerd om een reden die in de huisregels bij de deur staat.",
            "The test group was refused for a reason in the house rules posted at the door.",
            gap,
        )
    if test.house_rules_posted != "no" and test.reason_matches_posted_rules != "no":
        # Posted rules whose match with the reason is unclear or unrecorded: no guess.
        return _outcome(
            inconclusive,
            "De testgroep werd geweigerd, maar niet vastgelegd is of de reden in de "
            "huisregels bij de deur staat.",
            "The test group was refused, but whether the reason is in the house rules posted "
            "at the door was not established.",
            gap,
        )
    return _outcome(
        PairResult.UNEQUAL_TREATMENT,
        "De testgroep werd geweigerd om een reden die niet in de huisregels bij de deur staat, "
        f"terwijl de controlegroep ({gap:.0f} minuten verschil in aankomst) werd toegelaten.",
        "The test group was refused for a reason not in the house rules posted at the door, "
        f"while the control group ({gap:.0f} minutes apart on arrival) was admitted.",
        gap,
    )
