"""Paired door tests: which two visits of a round are compared, and what the comparison shows.

Paired testing, as Dutch cities run it against discrimination at club doors: a test group
and a comparable control group visit the same door on the same evening, close together, in
a planned order. `pair_round_visits` decides which two visits form the pair of a round and
refuses every other visit with a reason (never choosing between two candidates);
`round_visit_problem` is the same check for one visit, for the device at finalize and the
central store at push. `assess_pair` decides what the pair shows, with a named rule and an
explanation in Dutch and English.

A finding is worded as an *indication* ("aanwijzing voor ongelijke behandeling"), never a
verdict: the supervisor decides what follows. A result is only as good as the design, so a
visit that departed from it (dress, group, arrival gap, door staff) makes the pair
inconclusive with the reason, instead of a finding either way.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from fieldapp.core.answers import decode_value
from fieldapp.core.engine import FormEngine
from fieldapp.core.entities import DoorTestRound, GroupRole, VisitOrder
from fieldapp.core.expr import Value
from fieldapp.core.texts import Text

#: The form whose visits are paired by planned round.
DOOR_TEST_FORM = "door_test"
#: The door-test form's parameter holding the largest gap between the two arrivals; a round
#: states its own, this is the default for visits whose round is not known here.
WINDOW_PARAMETER = "max_pair_gap_minutes"
#: Without a known round, the visits of one test id must lie this close together: one evening.
EVENING = timedelta(hours=12)


class PairResult(StrEnum):
    """What a pair of visits shows."""

    #: The test group was refused, delayed or held to extra conditions; the control was not.
    UNEQUAL_TREATMENT = "unequal_treatment"
    #: The reverse: the control group was treated worse. Still unequal treatment.
    REVERSE_UNEQUAL_TREATMENT = "reverse_unequal_treatment"
    INCONCLUSIVE = "inconclusive"
    NO_FINDING = "no_finding"

    @property
    def label(self) -> Text:
        return RESULT_LABELS[self]

    @property
    def is_indication(self) -> bool:
        """True for the results a supervisor must act on."""
        return self in (PairResult.UNEQUAL_TREATMENT, PairResult.REVERSE_UNEQUAL_TREATMENT)


#: The words for each result, on screens and in reports: an indication, not a verdict.
RESULT_LABELS: Mapping[PairResult, Text] = {
    PairResult.UNEQUAL_TREATMENT: Text(
        "Aanwijzing voor ongelijke behandeling", "Indication of unequal treatment"
    ),
    PairResult.REVERSE_UNEQUAL_TREATMENT: Text(
        "Aanwijzing voor ongelijke behandeling van de controlegroep",
        "Indication of unequal treatment of the control group",
    ),
    PairResult.INCONCLUSIVE: Text("Niet vast te stellen", "Inconclusive"),
    PairResult.NO_FINDING: Text(
        "Geen aanwijzing voor ongelijke behandeling", "No indication of unequal treatment"
    ),
}

#: Conditions door staff may set for a group (choices of the form's `extra_conditions`,
#: plus `id_check` from `id_requested`). A condition set for one group only is unequal
#: treatment in itself.
NO_CONDITIONS = "none"
#: The condition that shows a cited house rule was applied to a group: a dress code is
#: applied by checking clothing, "members only" by asking for a card or the list, etc.
CONDITION_LABELS: Mapping[str, Text] = {
    "id_check": Text("legitimatie gevraagd", "ID asked for"),
    "extra_fee": Text("extra entreegeld of consumptieplicht", "extra fee or minimum spend"),
    "membership": Text("lidmaatschap of gastenlijst gevraagd", "membership or list asked"),
    "dress_check": Text("kleding gecontroleerd", "clothing checked"),
    "group_rule": Text("eisen aan de groep", "requirements on the group"),
    "other": Text("andere voorwaarde", "another condition"),
}
RULE_CONDITIONS: Mapping[str, str] = {
    "dress_code": "dress_check",
    "members_only": "membership",
    "age": "id_check",
    "group_composition": "group_rule",
}


@dataclass(frozen=True, slots=True)
class DoorTestVisit:
    """What pairing and the assessment need from one group's visit record."""

    #: The round the visit belongs to, as entered (the form's `test_id`).
    test_id: str
    venue: str
    group_role: str  # "test" or "control"
    arrival_time: datetime | None
    entry_result: str  # "admitted", "refused", "delayed" or "" when not answered
    house_rules_posted: str  # "yes", "no" or ""
    reason_matches_posted_rules: str  # "yes", "no", "unclear" or ""
    reason_given: str = ""
    admitted_after_delay: str = ""  # "yes"/"no" after a delay
    #: Conditions door staff set for this group ("id_check", "extra_fee", …).
    conditions: frozenset[str] = frozenset()
    #: For a refusal under a posted rule: "objective", "vague" or "unclear".
    house_rule_kind: str = ""
    dress_as_designed: str = ""
    group_as_designed: str = ""
    door_staff_changed: str = ""  # "yes", "no", "not_observed"
    others_admitted_meanwhile: str = ""

    @classmethod
    def from_answers(cls, answers: Mapping[str, Value]) -> DoorTestVisit:
        def text(name: str) -> str:
            value = answers.get(name, "")
            return value if isinstance(value, str) else ""

        arrival = answers.get("arrival_time")
        extra = answers.get("extra_conditions", ())
        conditions = {c for c in extra if isinstance(c, str)} if isinstance(extra, tuple) else set()
        if text("id_requested") == "yes":
            conditions.add("id_check")
        conditions.discard(NO_CONDITIONS)
        return cls(
            test_id=text("test_id"),
            venue=text("venue"),
            group_role=text("group_role"),
            arrival_time=arrival if isinstance(arrival, datetime) else None,
            entry_result=text("entry_result"),
            house_rules_posted=text("house_rules_posted"),
            reason_matches_posted_rules=text("reason_matches_posted_rules"),
            reason_given=text("reason_given"),
            admitted_after_delay=text("admitted_after_delay"),
            conditions=frozenset(conditions),
            house_rule_kind=text("house_rule_kind"),
            dress_as_designed=text("dress_as_designed"),
            group_as_designed=text("group_as_designed"),
            door_staff_changed=text("door_staff_changed"),
            others_admitted_meanwhile=text("others_admitted_meanwhile"),
        )

    @property
    def refused(self) -> bool:
        """Refused at once, or kept waiting and then refused (that is not inconclusive)."""
        return self.entry_result == "refused" or (
            self.entry_result == "delayed" and self.admitted_after_delay == "no"
        )

    @property
    def delayed(self) -> bool:
        """Admitted, but only after a delay."""
        return self.entry_result == "delayed" and self.admitted_after_delay == "yes"


#: The questions `DoorTestVisit.from_answers` reads: what a reader of many visits needs the
#: engine to evaluate (`fieldapp.core.answers.projected_session`).
VISIT_QUESTIONS = (
    "test_id",
    "venue",
    "group_role",
    "arrival_time",
    "entry_result",
    "house_rules_posted",
    "reason_matches_posted_rules",
    "reason_given",
    "admitted_after_delay",
    "extra_conditions",
    "id_requested",
    "house_rule_kind",
    "dress_as_designed",
    "group_as_designed",
    "door_staff_changed",
    "others_admitted_meanwhile",
)


@dataclass(frozen=True, slots=True)
class PairOutcome:
    result: PairResult
    explanation: Text
    gap_minutes: float | None
    #: The name of the rule that decided, e.g. ``posted_vague_rule`` (tests name it too).
    rule: str = ""
    #: The order in which the groups actually arrived, when both arrival times are known.
    order: VisitOrder | None = None


@dataclass(frozen=True, slots=True)
class PairedDoorTest:
    """A test visit and a control visit of one round at one venue."""

    test: DoorTestVisit
    control: DoorTestVisit
    window_minutes: float
    planned: DoorTestRound | None = None

    def assess(self) -> PairOutcome:
        return assess_pair(self.test, self.control, self.window_minutes, self.planned)


def _text(nl: str, en: str) -> Text:
    return Text(nl, en)


def _outcome(
    result: PairResult,
    rule: str,
    nl: str,
    en: str,
    gap: float | None = None,
    order: VisitOrder | None = None,
) -> PairOutcome:
    return PairOutcome(result, _text(nl, en), gap, rule, order)


_GROUP = {
    "test": ("de testgroep", "the test group"),
    "control": ("de controlegroep", "the control group"),
}


def assess_pair(
    test: DoorTestVisit,
    control: DoorTestVisit,
    window_minutes: float,
    planned: DoorTestRound | None = None,
) -> PairOutcome:
    """Decide what the pair shows; the explanation says why, in both languages.

    `window_minutes` is the largest gap between the arrivals; a known round's own
    `max_gap_minutes` takes its place, and its time window is checked too.
    """
    inconclusive = PairResult.INCONCLUSIVE
    if test.group_role != "test" or control.group_role != "control":
        return _outcome(
            inconclusive,
            "not_one_test_one_control",
            "De twee bezoeken zijn niet één testgroep en één controlegroep.",
            "The two visits are not one test group and one control group.",
        )
    if test.test_id.casefold() != control.test_id.casefold() or test.venue != control.venue:
        return _outcome(
            inconclusive,
            "different_round_or_venue",
            "De bezoeken horen niet bij dezelfde ronde of dezelfde locatie.",
            "The visits do not belong to the same round or the same venue.",
        )
    if not test.entry_result or not control.entry_result:
        return _outcome(
            inconclusive,
            "entry_result_missing",
            "Van een van beide groepen is niet vastgelegd of zij werden toegelaten.",
            "One of the groups has no recorded entry result.",
        )
    if any(v.entry_result == "delayed" and not v.admitted_after_delay for v in (test, control)):
        return _outcome(
            inconclusive,
            "delay_outcome_missing",
            "Van een vertraagde groep is niet vastgelegd of zij uiteindelijk werd toegelaten.",
            "For a delayed group it was not recorded whether it was admitted in the end.",
        )
    if test.arrival_time is None or control.arrival_time is None:
        return _outcome(
            inconclusive,
            "arrival_missing",
            "Van een van beide groepen ontbreekt de aankomsttijd.",
            "One of the groups has no arrival time.",
        )
    gap = abs((test.arrival_time - control.arrival_time).total_seconds()) / 60
    order = (
        VisitOrder.TEST_FIRST
        if test.arrival_time <= control.arrival_time
        else VisitOrder.CONTROL_FIRST
    )
    limit = float(planned.max_gap_minutes) if planned is not None else window_minutes
    deviations = _deviations(test, control, gap, limit, planned)
    if deviations:
        nl = "; ".join(d.nl for d in deviations)
        en = "; ".join(d.en for d in deviations)
        return _outcome(
            inconclusive,
            "design_deviation",
            f"Het testontwerp is niet gevolgd, de bezoeken zijn niet te vergelijken: {nl}.",
            f"The test design was not followed, the visits cannot be compared: {en}.",
            gap,
            order,
        )
    if test.refused and control.refused:
        return _outcome(
            PairResult.NO_FINDING,
            "both_refused",
            "Beide groepen werden geweigerd.",
            "Both groups were refused.",
            gap,
            order,
        )
    test_worse = _worse(test, control)
    control_worse = _worse(control, test)
    if test_worse and control_worse:
        return _outcome(
            inconclusive,
            "both_disadvantaged",
            "Beide groepen werden op een andere manier benadeeld (vertraging of voorwaarden); "
            "de bezoeken wijzen niet één kant op.",
            "Each group was disadvantaged in another way (delay or conditions); the visits do "
            "not point one way.",
            gap,
            order,
        )
    if not test_worse and not control_worse:
        return _outcome(
            PairResult.NO_FINDING,
            "treated_alike",
            "Beide groepen werden gelijk behandeld.",
            "Both groups were treated alike.",
            gap,
            order,
        )
    worse, better = (test, control) if test_worse else (control, test)
    return _judge(worse, better, gap, order)


def _deviations(
    test: DoorTestVisit,
    control: DoorTestVisit,
    gap: float,
    limit: float,
    planned: DoorTestRound | None,
) -> list[Text]:
    found: list[Text] = []
    if gap > limit:
        found.append(
            _text(
                f"de groepen kwamen {gap:.0f} minuten na elkaar aan, meer dan de "
                f"{limit:g} minuten van de ronde",
                f"the groups arrived {gap:.0f} minutes apart, more than the round's "
                f"{limit:g} minutes",
            )
        )
    for visit in (test, control):
        nl_group, en_group = _GROUP[visit.group_role]
        if visit.dress_as_designed == "no":
            found.append(
                _text(
                    f"de kleding van {nl_group} week af van het ontwerp",
                    f"the clothing of {en_group} departed from the design",
                )
            )
        if visit.group_as_designed == "no":
            found.append(
                _text(
                    f"de grootte of samenstelling van {nl_group} week af van het ontwerp",
                    f"the size or make-up of {en_group} departed from the design",
                )
            )
        if visit.door_staff_changed == "yes":
            found.append(
                _text(
                    f"{nl_group} zag een wisseling van het deurpersoneel",
                    f"{en_group} saw a change of door staff",
                )
            )
        if (
            planned is not None
            and visit.arrival_time is not None
            and not planned.in_window(visit.arrival_time)
        ):
            found.append(
                _text(
                    f"{nl_group} kwam buiten het tijdvak van de ronde aan",
                    f"{en_group} arrived outside the round's time window",
                )
            )
    return found


def _worse(one: DoorTestVisit, other: DoorTestVisit) -> bool:
    """True when `one` was treated worse than `other` in any way the door decides."""
    if one.refused and not other.refused:
        return True
    if other.refused:
        return False
    if one.delayed and not other.delayed:
        return True
    return bool(one.conditions - other.conditions)


def _judge(
    worse: DoorTestVisit, better: DoorTestVisit, gap: float, order: VisitOrder
) -> PairOutcome:
    """One group was treated worse: an indication, unless a posted rule explains it."""
    reverse = worse.group_role == "control"
    indication = PairResult.REVERSE_UNEQUAL_TREATMENT if reverse else PairResult.UNEQUAL_TREATMENT
    nl_worse, en_worse = _GROUP[worse.group_role]
    nl_better, en_better = _GROUP[better.group_role]
    label = RESULT_LABELS[indication]
    if not worse.refused:
        extra = sorted(worse.conditions - better.conditions)
        if extra:
            words = [CONDITION_LABELS.get(c, Text(c, c)) for c in extra]
            what_nl = f"onder extra voorwaarden ({', '.join(w.nl for w in words)})"
            what_en = f"under extra conditions ({', '.join(w.en for w in words)})"
        else:
            what_nl, what_en = "pas na vertraging", "only after a delay"
        return _outcome(
            indication,
            "admitted_on_worse_terms",
            f"{label.nl}: {nl_worse} werd {what_nl} toegelaten, {nl_better} niet. Extra "
            "voorwaarden voor één groep zijn op zichzelf ongelijke behandeling.",
            f"{label.en}: {en_worse} was admitted {what_en}, {en_better} was not. Extra "
            "conditions for one group are unequal treatment in themselves.",
            gap,
            order,
        )
    refused_nl = f"{label.nl}: {nl_worse} werd geweigerd en {nl_better} toegelaten"
    refused_en = f"{label.en}: {en_worse} was refused and {en_better} admitted"
    reason = worse.reason_given
    if reason == "no_reason":
        return _outcome(
            indication,
            "refused_without_reason",
            f"{refused_nl}, zonder opgave van reden.",
            f"{refused_en}, without a reason.",
            gap,
            order,
        )
    if worse.house_rules_posted == "yes" and worse.reason_matches_posted_rules == "yes":
        return _judge_posted_rule(worse, better, gap, order, indication, refused_nl, refused_en)
    if worse.house_rules_posted == "yes" and worse.reason_matches_posted_rules != "no":
        return _outcome(
            PairResult.INCONCLUSIVE,
            "posted_rule_match_unclear",
            f"{nl_worse.capitalize()} werd geweigerd, maar niet vastgelegd is of de reden in de "
            "huisregels bij de deur staat.",
            f"{en_worse.capitalize()} was refused, but whether the reason is in the house rules "
            "posted at the door was not established.",
            gap,
            order,
        )
    if reason == "too_busy":
        return _judge_too_busy(worse, better, gap, order, indication, refused_nl, refused_en)
    return _outcome(
        indication,
        "refused_for_an_unposted_reason",
        f"{refused_nl}, om een reden die niet in de huisregels bij de deur staat.",
        f"{refused_en}, for a reason not in the house rules posted at the door.",
        gap,
        order,
    )


def _judge_posted_rule(
    worse: DoorTestVisit,
    better: DoorTestVisit,
    gap: float,
    order: VisitOrder,
    indication: PairResult,
    refused_nl: str,
    refused_en: str,
) -> PairOutcome:
    """A refusal citing a posted house rule: objective and applied to both, or not."""
    nl_better, en_better = _GROUP[better.group_role]
    if worse.house_rule_kind == "vague":
        return _outcome(
            indication,
            "posted_vague_rule",
            f"{refused_nl}. De aangehaalde huisregel is vaag (zoals ‘klantprofiel’ of ‘selectief "
            "beleid’) en werd alleen bij deze groep toegepast.",
            f"{refused_en}. The house rule cited is vague (such as ‘customer profile’ or "
            "‘selective policy’) and was applied to this group only.",
            gap,
            order,
        )
    if worse.house_rule_kind != "objective":
        return _outcome(
            PairResult.INCONCLUSIVE,
            "posted_rule_kind_unclear",
            "De weigering verwijst naar een huisregel bij de deur, maar niet vastgelegd is of "
            "die regel objectief en toetsbaar is.",
            "The refusal cites a posted house rule, but whether that rule is objective and "
            "verifiable was not established.",
            gap,
            order,
        )
    condition = RULE_CONDITIONS.get(worse.reason_given)
    if condition is None:
        return _outcome(
            PairResult.INCONCLUSIVE,
            "posted_rule_application_unknown",
            "De weigering verwijst naar een objectieve huisregel bij de deur; of die regel ook "
            f"bij {nl_better} werd toegepast, blijkt niet uit de verslagen.",
            "The refusal cites an objective posted house rule; whether it was applied to "
            f"{en_better} too does not follow from the reports.",
            gap,
            order,
        )
    if condition in better.conditions:
        return _outcome(
            PairResult.NO_FINDING,
            "posted_objective_rule_applied_to_both",
            "De weigering berust op een objectieve huisregel bij de deur die bij beide groepen "
            f"werd gecontroleerd; {nl_better} voldeed eraan. Geen aanwijzing voor ongelijke "
            "behandeling; ga na of het testontwerp de groepen vergelijkbaar maakte.",
            "The refusal rests on an objective posted house rule that was checked with both "
            f"groups; {en_better} met it. No indication of unequal treatment; check that the "
            "test design made the groups comparable.",
            gap,
            order,
        )
    return _outcome(
        indication,
        "posted_objective_rule_applied_to_one_group",
        f"{refused_nl}. De aangehaalde huisregel is objectief, maar werd bij {nl_better} niet "
        "gecontroleerd: de regel werd alleen bij één groep toegepast.",
        f"{refused_en}. The house rule cited is objective, but was not checked with "
        f"{en_better}: the rule was applied to one group only.",
        gap,
        order,
    )


def _judge_too_busy(
    worse: DoorTestVisit,
    better: DoorTestVisit,
    gap: float,
    order: VisitOrder,
    indication: PairResult,
    refused_nl: str,
    refused_en: str,
) -> PairOutcome:
    """'Too busy' is contradicted by the other group's entry afterwards, or by others let in."""
    assert worse.arrival_time is not None and better.arrival_time is not None
    better_came_later = better.arrival_time > worse.arrival_time
    if better_came_later or worse.others_admitted_meanwhile == "yes":
        return _outcome(
            indication,
            "too_busy_contradicted",
            f"{refused_nl} ‘omdat het te druk was’, terwijl daarna wel bezoekers binnen mochten.",
            f"{refused_en} ‘because it was too busy’, while visitors were let in afterwards.",
            gap,
            order,
        )
    nl_worse, en_worse = _GROUP[worse.group_role]
    return _outcome(
        PairResult.INCONCLUSIVE,
        "too_busy_not_contradicted",
        f"{nl_worse.capitalize()} werd geweigerd ‘omdat het te druk was’, na de andere groep en "
        "zonder dat daarna anderen binnen mochten; dat is niet te weerleggen. Herhaal de ronde "
        "met de testgroep eerst.",
        f"{en_worse.capitalize()} was refused ‘because it was too busy’, after the other group "
        "and with nobody let in afterwards; that cannot be refuted. Repeat the round with the "
        "test group first.",
        gap,
        order,
    )


# -- which visits belong to a round ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RoundVisit:
    """One finalized visit record offered for a round: its id, its answers and its author."""

    visit_id: str
    visit: DoorTestVisit
    author: str = ""


@dataclass(frozen=True, slots=True)
class RefusedVisit:
    """A visit that is not part of the pair, and why."""

    visit_id: str
    reason: Text


@dataclass(frozen=True, slots=True)
class RoundPairing:
    """The pair of a round (either half may be missing) and every visit refused for it."""

    round_id: str
    test: RoundVisit | None
    control: RoundVisit | None
    refused: tuple[RefusedVisit, ...] = field(default=())
    planned: DoorTestRound | None = None

    @property
    def complete(self) -> bool:
        return self.test is not None and self.control is not None

    def assess(self, window_minutes: float) -> PairOutcome | None:
        """The pair's outcome, or None while a half is missing."""
        if self.test is None or self.control is None:
            return None
        return assess_pair(self.test.visit, self.control.visit, window_minutes, self.planned)


def visit_from_document(engine: FormEngine, answers: Any) -> DoorTestVisit | None:
    """The pairing facts of a stored or pushed door-test document's `answers`; an answer
    that does not decode for `engine` (another form version, already refused) is left out."""
    if not isinstance(answers, dict):
        return None
    decoded: dict[str, Value] = {}
    for name, raw in answers.items():
        if name in engine.fields:
            try:
                decoded[name] = decode_value(engine, name, raw)
            except ValueError:  # AnswerError
                continue
    return DoorTestVisit.from_answers(decoded)


def groups_taken(engine: FormEngine, planned: DoorTestRound, answers: Iterable[Any]) -> set[str]:
    """The group roles the other visits (their documents' `answers`) already fill in
    `planned`; the device and the central store count them alike."""
    taken: set[str] = set()
    for each in answers:
        seen = visit_from_document(engine, each)
        if seen is None or not seen.group_role:
            continue
        if seen.test_id.casefold() == planned.id.casefold():
            taken.add(seen.group_role)
    return taken


def round_visit_problem(
    planned: DoorTestRound,
    visit: DoorTestVisit,
    *,
    taken: Collection[str] = (),
    author: str | None = None,
) -> Text | None:
    """Why `visit` cannot be a visit of `planned`, or None when it fits.

    `taken` holds the group roles the round already has a visit for (a third visit is
    refused); `author`, when given, must be the tester the round names for the visit's group.
    The device calls this at finalize and the central store at push, so both refuse alike.
    """
    if visit.test_id.casefold() != planned.id.casefold():
        return _text(
            f"Dit bezoek hoort bij ronde ‘{visit.test_id}’, niet bij ronde ‘{planned.id}’.",
            f"This visit belongs to round ‘{visit.test_id}’, not to round ‘{planned.id}’.",
        )
    if visit.group_role not in (GroupRole.TEST, GroupRole.CONTROL):
        return _text(
            "Van dit bezoek is niet vastgelegd of het de testgroep of de controlegroep is.",
            "This visit does not say whether it is the test group or the control group.",
        )
    if visit.venue != planned.venue:
        return _text(
            f"Ronde ‘{planned.id}’ is bij locatie ‘{planned.venue}’; dit bezoek was bij "
            f"‘{visit.venue}’.",
            f"Round ‘{planned.id}’ is at venue ‘{planned.venue}’; this visit was at "
            f"‘{visit.venue}’.",
        )
    if visit.arrival_time is not None and planned.evening_of(visit.arrival_time) != planned.date:
        return _text(
            f"Ronde ‘{planned.id}’ is op {planned.date.isoformat()}; dit bezoek was op "
            f"{visit.arrival_time.date().isoformat()}.",
            f"Round ‘{planned.id}’ is on {planned.date.isoformat()}; this visit was on "
            f"{visit.arrival_time.date().isoformat()}.",
        )
    role = GroupRole(visit.group_role)
    nl_group, en_group = _GROUP[role.value]
    if role.value in taken:
        return _text(
            f"Ronde ‘{planned.id}’ heeft al een bezoek van {nl_group}; een derde bezoek wordt "
            "niet meegeteld. Overleg met de coördinator welk verslag vervalt.",
            f"Round ‘{planned.id}’ already has a visit of {en_group}; a third visit is not "
            "counted. Agree with the coordinator which report is withdrawn.",
        )
    tester = planned.tester_of(role)
    if author is not None and author != tester:
        return _text(
            f"In ronde ‘{planned.id}’ leidt een andere tester {nl_group}.",
            f"In round ‘{planned.id}’ another tester leads {en_group}.",
        )
    return None


def pair_round_visits(
    round_id: str,
    visits: Iterable[RoundVisit],
    planned: DoorTestRound | None = None,
) -> RoundPairing:
    """The test and control visit of a round, and every other visit refused with a reason.

    With the round known, a visit at another venue or on another evening is refused. Without
    it (the round register is not here), the visits must agree among themselves: one venue,
    one evening; when they do not, all are refused, since nothing says which one is right.
    Two visits for one group are never chosen between: both are refused and that half of
    the pair stays open.
    """
    listed = list(visits)
    offered = [v for v in listed if v.visit.test_id.casefold() == round_id.casefold()]
    refused: list[RefusedVisit] = [
        RefusedVisit(
            v.visit_id,
            _text(
                f"Dit bezoek hoort bij ronde ‘{v.visit.test_id}’, niet bij ronde ‘{round_id}’.",
                f"This visit belongs to round ‘{v.visit.test_id}’, not to round ‘{round_id}’.",
            ),
        )
        for v in listed
        if all(v is not o for o in offered)
    ]
    fitting: list[RoundVisit] = []
    if planned is not None:
        for candidate in offered:
            problem = round_visit_problem(planned, candidate.visit)
            if problem is None:
                fitting.append(candidate)
            else:
                refused.append(RefusedVisit(candidate.visit_id, problem))
    else:
        problem = _disagreement(round_id, offered)
        if problem is None:
            fitting = offered
        else:
            refused.extend(RefusedVisit(v.visit_id, problem) for v in offered)
    halves: dict[str, RoundVisit | None] = {}
    for role in GroupRole:
        of_role = [v for v in fitting if v.visit.group_role == role.value]
        if len(of_role) == 1:
            halves[role.value] = of_role[0]
            continue
        halves[role.value] = None
        if len(of_role) > 1:
            nl_group, en_group = _GROUP[role.value]
            reason = _text(
                f"Ronde ‘{round_id}’ heeft {len(of_role)} bezoeken van {nl_group}; er wordt "
                "niet tussen gekozen. De coördinator trekt het verkeerde verslag in.",
                f"Round ‘{round_id}’ has {len(of_role)} visits of {en_group}; none is chosen "
                "over the other. The coordinator withdraws the wrong report.",
            )
            refused.extend(RefusedVisit(v.visit_id, reason) for v in of_role)
    refused.extend(
        RefusedVisit(
            v.visit_id,
            _text(
                "Van dit bezoek is niet vastgelegd of het de testgroep of de controlegroep is.",
                "This visit does not say whether it is the test group or the control group.",
            ),
        )
        for v in fitting
        if v.visit.group_role not in (GroupRole.TEST, GroupRole.CONTROL)
    )
    return RoundPairing(round_id, halves["test"], halves["control"], tuple(refused), planned)


def _disagreement(round_id: str, visits: Sequence[RoundVisit]) -> Text | None:
    """Without a round: the visits must share one venue and one evening."""
    venues = sorted({v.visit.venue for v in visits})
    if len(venues) > 1:
        return _text(
            f"De bezoeken van ronde ‘{round_id}’ waren bij verschillende locaties "
            f"({', '.join(venues)}); zonder de planning van de ronde is niet te zeggen welke "
            "juist is.",
            f"The visits of round ‘{round_id}’ were at different venues ({', '.join(venues)}); "
            "without the round's plan there is no telling which is right.",
        )
    arrivals = sorted(v.visit.arrival_time for v in visits if v.visit.arrival_time is not None)
    if arrivals and arrivals[-1] - arrivals[0] > EVENING:
        first, last = arrivals[0].date().isoformat(), arrivals[-1].date().isoformat()
        return _text(
            f"De bezoeken van ronde ‘{round_id}’ liggen niet op één avond ({first} tot {last}); "
            "zonder de planning van de ronde is niet te zeggen welke juist is.",
            f"The visits of round ‘{round_id}’ are not on one evening ({first} to {last}); "
            "without the round's plan there is no telling which is right.",
        )
    return None
