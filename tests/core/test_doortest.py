"""Tests for paired door tests (core.doortest): pairing the visits of a round, and outcomes.

Each outcome case names the rule that decides it and the situation it comes from (issue 10,
"Paired door tests"); the pairing cases come from issue 11 (items 2 and 8).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import pytest

from fieldapp.core.doortest import (
    RESULT_LABELS,
    WINDOW_PARAMETER,
    DoorTestVisit,
    PairResult,
    RoundVisit,
    assess_pair,
    pair_round_visits,
    round_visit_problem,
)
from fieldapp.core.entities import DoorTestRound, VisitOrder
from fieldapp.core.formfile import load_form_file
from fieldapp.core.locations import forms_directory

ROUND = DoorTestRound.model_validate(
    {
        "id": "dt-2026-03",
        "venue": "club-geversdeynootplein-30",
        "date": "2026-05-16",
        "window_start": "22:30",
        "window_end": "01:30",
        "ground": "origin",
        "order": "test_first",
        "max_gap_minutes": 30,
        "test_tester": "mg-noord-3",
        "control_tester": "mg-noord-5",
    }
)
START = datetime(2026, 5, 16, 23, 10)


def visit(role: str, minutes: int = 0, **changes: object) -> DoorTestVisit:
    """A visit of ROUND that followed the design; the test group arrives first by default."""
    base = DoorTestVisit(
        test_id=ROUND.id,
        venue=ROUND.venue,
        group_role=role,
        arrival_time=START + timedelta(minutes=minutes),
        entry_result="admitted",
        house_rules_posted="no",
        reason_matches_posted_rules="",
        dress_as_designed="yes",
        group_as_designed="yes",
        door_staff_changed="no",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


REFUSED = {"entry_result": "refused", "reason_given": "regulars_only"}
POSTED = {"house_rules_posted": "yes", "reason_matches_posted_rules": "yes"}


@dataclass(frozen=True)
class Case:
    """One situation: the visits, the expected result and the rule that must decide it."""

    test: DoorTestVisit
    control: DoorTestVisit
    result: PairResult
    rule: str


CASES = {
    # 1. The classic finding: test group refused, control group admitted, no posted rule.
    "test-refused-control-admitted": Case(
        visit("test", 0, **REFUSED),
        visit("control", 12),
        PairResult.UNEQUAL_TREATMENT,
        "refused_for_an_unposted_reason",
    ),
    # 2. Admitted only after a delay, the control group at once.
    "test-delayed-then-admitted": Case(
        visit("test", 0, entry_result="delayed", admitted_after_delay="yes"),
        visit("control", 12),
        PairResult.UNEQUAL_TREATMENT,
        "admitted_on_worse_terms",
    ),
    # 3. "Delayed then refused" is a refusal, not inconclusive.
    "test-delayed-then-refused": Case(
        visit(
            "test",
            0,
            entry_result="delayed",
            admitted_after_delay="no",
            reason_given="regulars_only",
        ),
        visit("control", 12),
        PairResult.UNEQUAL_TREATMENT,
        "refused_for_an_unposted_reason",
    ),
    # 4. Extra conditions for one group only are unequal treatment in themselves:
    #    ID asked only of the test group …
    "id-asked-of-the-test-group-only": Case(
        visit("test", 0, conditions=frozenset({"id_check"})),
        visit("control", 12),
        PairResult.UNEQUAL_TREATMENT,
        "admitted_on_worse_terms",
    ),
    # … an extra fee …
    "extra-fee-for-the-test-group-only": Case(
        visit("test", 0, conditions=frozenset({"extra_fee", "id_check"})),
        visit("control", 12, conditions=frozenset({"id_check"})),
        PairResult.UNEQUAL_TREATMENT,
        "admitted_on_worse_terms",
    ),
    # … "members only" …
    "members-only-for-the-test-group-only": Case(
        visit("test", 0, conditions=frozenset({"membership"})),
        visit("control", 12),
        PairResult.UNEQUAL_TREATMENT,
        "admitted_on_worse_terms",
    ),
    # … a dress code applied only to them.
    "dress-code-applied-to-the-test-group-only": Case(
        visit("test", 0, conditions=frozenset({"dress_check"})),
        visit("control", 12),
        PairResult.UNEQUAL_TREATMENT,
        "admitted_on_worse_terms",
    ),
    # 5. The reverse is its own outcome, not "no finding": supervisors must see it.
    "control-refused-test-admitted": Case(
        visit("test", 0),
        visit("control", 12, **REFUSED),
        PairResult.REVERSE_UNEQUAL_TREATMENT,
        "refused_for_an_unposted_reason",
    ),
    "extra-conditions-for-the-control-group-only": Case(
        visit("test", 0),
        visit("control", 12, conditions=frozenset({"extra_fee"})),
        PairResult.REVERSE_UNEQUAL_TREATMENT,
        "admitted_on_worse_terms",
    ),
    # 6. A group that did not follow the design: inconclusive, with the reason.
    "dress-not-as-designed": Case(
        visit("test", 0, dress_as_designed="no", **REFUSED),
        visit("control", 12),
        PairResult.INCONCLUSIVE,
        "design_deviation",
    ),
    "group-size-not-as-designed": Case(
        visit("test", 0, **REFUSED),
        visit("control", 12, group_as_designed="no"),
        PairResult.INCONCLUSIVE,
        "design_deviation",
    ),
    "arrival-gap-beyond-the-round-window": Case(
        visit("test", 0, **REFUSED),
        visit("control", 45),
        PairResult.INCONCLUSIVE,
        "design_deviation",
    ),
    "door-staff-shift-changed": Case(
        visit("test", 0, **REFUSED),
        visit("control", 12, door_staff_changed="yes"),
        PairResult.INCONCLUSIVE,
        "design_deviation",
    ),
    # 7. A refusal citing a posted house rule: objective and applied to both groups …
    "posted-objective-rule-applied-to-both": Case(
        visit(
            "test",
            0,
            entry_result="refused",
            reason_given="dress_code",
            house_rule_kind="objective",
            conditions=frozenset({"dress_check"}),
            **POSTED,
        ),
        visit("control", 12, conditions=frozenset({"dress_check"})),
        PairResult.NO_FINDING,
        "posted_objective_rule_applied_to_both",
    ),
    # … objective, but applied to the test group only …
    "posted-objective-rule-applied-to-one-group": Case(
        visit(
            "test",
            0,
            entry_result="refused",
            reason_given="members_only",
            house_rule_kind="objective",
            **POSTED,
        ),
        visit("control", 12),
        PairResult.UNEQUAL_TREATMENT,
        "posted_objective_rule_applied_to_one_group",
    ),
    # … a vague "klantprofiel" rule applied to one group is still an indication.
    "posted-vague-klantprofiel-rule": Case(
        visit(
            "test",
            0,
            entry_result="refused",
            reason_given="customer_profile",
            house_rule_kind="vague",
            **POSTED,
        ),
        visit("control", 12),
        PairResult.UNEQUAL_TREATMENT,
        "posted_vague_rule",
    ),
    "posted-rule-whose-kind-was-not-judged": Case(
        visit(
            "test",
            0,
            entry_result="refused",
            reason_given="age",
            house_rule_kind="unclear",
            **POSTED,
        ),
        visit("control", 12),
        PairResult.INCONCLUSIVE,
        "posted_rule_kind_unclear",
    ),
    "posted-rule-whose-match-is-unclear": Case(
        visit(
            "test",
            0,
            entry_result="refused",
            reason_given="age",
            house_rules_posted="yes",
            reason_matches_posted_rules="unclear",
        ),
        visit("control", 12),
        PairResult.INCONCLUSIVE,
        "posted_rule_match_unclear",
    ),
    # 8. "Too busy": the test group first is the stronger design.
    "too-busy-contradicted-by-the-control-entering-afterwards": Case(
        visit("test", 0, entry_result="refused", reason_given="too_busy"),
        visit("control", 12),
        PairResult.UNEQUAL_TREATMENT,
        "too_busy_contradicted",
    ),
    "too-busy-after-the-control-group-and-nobody-let-in": Case(
        visit("test", 12, entry_result="refused", reason_given="too_busy"),
        visit("control", 0),
        PairResult.INCONCLUSIVE,
        "too_busy_not_contradicted",
    ),
    "refused-without-a-reason": Case(
        visit("test", 0, entry_result="refused", reason_given="no_reason"),
        visit("control", 12),
        PairResult.UNEQUAL_TREATMENT,
        "refused_without_reason",
    ),
    # 9. Treated alike: no indication.
    "both-admitted": Case(
        visit("test", 0), visit("control", 12), PairResult.NO_FINDING, "treated_alike"
    ),
    "both-refused": Case(
        visit("test", 0, **REFUSED),
        visit("control", 12, **REFUSED),
        PairResult.NO_FINDING,
        "both_refused",
    ),
    "both-asked-for-id": Case(
        visit("test", 0, conditions=frozenset({"id_check"})),
        visit("control", 12, conditions=frozenset({"id_check"})),
        PairResult.NO_FINDING,
        "treated_alike",
    ),
    # 10. Each group disadvantaged in another way: the visits do not point one way.
    "each-group-disadvantaged-otherwise": Case(
        visit("test", 0, entry_result="delayed", admitted_after_delay="yes"),
        visit("control", 12, conditions=frozenset({"extra_fee"})),
        PairResult.INCONCLUSIVE,
        "both_disadvantaged",
    ),
    # Incomplete records never give a finding either way.
    "entry-result-missing": Case(
        visit("test", 0, entry_result=""),
        visit("control", 12),
        PairResult.INCONCLUSIVE,
        "entry_result_missing",
    ),
    "delay-without-its-end": Case(
        visit("test", 0, entry_result="delayed"),
        visit("control", 12),
        PairResult.INCONCLUSIVE,
        "delay_outcome_missing",
    ),
    "arrival-missing": Case(
        visit("test", 0, arrival_time=None, **REFUSED),
        visit("control", 12),
        PairResult.INCONCLUSIVE,
        "arrival_missing",
    ),
    "two-test-groups": Case(
        visit("test", 0), visit("test", 12), PairResult.INCONCLUSIVE, "not_one_test_one_control"
    ),
    "another-venue": Case(
        visit("test", 0, **REFUSED),
        visit("control", 12, venue="club-plein-22"),
        PairResult.INCONCLUSIVE,
        "different_round_or_venue",
    ),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_door_test_outcome_rules(case: Case) -> None:
    outcome = assess_pair(case.test, case.control, 30, ROUND)
    assert (outcome.result, outcome.rule) == (case.result, case.rule)
    assert outcome.explanation.nl and outcome.explanation.en
    if case.result.is_indication:
        # An indication, not a verdict, in the words screens and reports use.
        assert outcome.explanation.nl.startswith(RESULT_LABELS[case.result].nl)
        assert "aanwijzing voor ongelijke behandeling" in outcome.explanation.nl.lower()


def test_the_result_labels_are_indications_not_verdicts() -> None:
    assert PairResult.UNEQUAL_TREATMENT.label.nl == "Aanwijzing voor ongelijke behandeling"
    assert PairResult.UNEQUAL_TREATMENT.label.en == "Indication of unequal treatment"
    assert "ongelijke behandeling" in PairResult.REVERSE_UNEQUAL_TREATMENT.label.nl
    assert not PairResult.NO_FINDING.is_indication


def test_a_design_deviation_lists_every_reason() -> None:
    outcome = assess_pair(
        visit("test", 0, dress_as_designed="no", **REFUSED),
        visit("control", 50, door_staff_changed="yes"),
        30,
        ROUND,
    )
    nl = outcome.explanation.nl
    assert "50 minuten" in nl and "kleding van de testgroep" in nl
    assert "de controlegroep zag een wisseling van het deurpersoneel" in nl


def test_an_arrival_outside_the_rounds_window_is_a_deviation() -> None:
    late = START.replace(hour=1, minute=50) + timedelta(days=1)
    outcome = assess_pair(
        visit("test", 0, arrival_time=late, **REFUSED),
        visit("control", 0, arrival_time=late + timedelta(minutes=5)),
        30,
        ROUND,
    )
    assert outcome.rule == "design_deviation"
    assert "tijdvak" in outcome.explanation.nl


def test_the_order_the_groups_arrived_in_is_recorded() -> None:
    test_first = assess_pair(visit("test", 0), visit("control", 10), 30, ROUND)
    control_first = assess_pair(visit("test", 10), visit("control", 0), 30, ROUND)
    assert test_first.order is VisitOrder.TEST_FIRST
    assert control_first.order is VisitOrder.CONTROL_FIRST


def test_the_rounds_gap_overrides_the_form_default() -> None:
    # 25 minutes apart: within the form's 30, beyond a round that allows 20.
    strict = ROUND.model_copy(update={"max_gap_minutes": 20})
    test, control = visit("test", 0, **REFUSED), visit("control", 25)
    assert assess_pair(test, control, 30).result is PairResult.UNEQUAL_TREATMENT
    assert assess_pair(test, control, 30, strict).rule == "design_deviation"


def test_the_form_holds_the_default_gap_and_every_answer_the_assessment_reads() -> None:
    engine = load_form_file(forms_directory() / "door_test.yaml")
    assert engine.definition.parameters[WINDOW_PARAMETER] == 30
    read = {
        "test_id",
        "venue",
        "group_role",
        "arrival_time",
        "entry_result",
        "admitted_after_delay",
        "id_requested",
        "extra_conditions",
        "house_rules_posted",
        "reason_matches_posted_rules",
        "house_rule_kind",
        "reason_given",
        "dress_as_designed",
        "group_as_designed",
        "door_staff_changed",
        "others_admitted_meanwhile",
    }
    assert read <= set(engine.fields)
    assert "customer_profile" in {c.name for c in engine.fields["reason_given"].choices or ()}
    # No signature of a pseudonymous tester is kept: a declaration replaces it.
    assert not any(f.kind.value == "signature" for f in engine.fields.values())
    assert engine.fields["truthful_declaration"].kind.value == "acknowledge"


def test_a_visit_is_read_from_the_forms_answers() -> None:
    found = DoorTestVisit.from_answers(
        {
            "test_id": "DT-2026-03",
            "group_role": "test",
            "entry_result": "delayed",
            "admitted_after_delay": "no",
            "id_requested": "yes",
            "extra_conditions": ("extra_fee",),
        }
    )
    assert found.refused and not found.delayed
    assert found.conditions == {"id_check", "extra_fee"}
    nothing = DoorTestVisit.from_answers({"extra_conditions": ("none",), "id_requested": "no"})
    assert nothing.conditions == frozenset()


# -- pairing the visits of a round ------------------------------------------------------------


def offered(visit_id: str, found: DoorTestVisit) -> RoundVisit:
    return RoundVisit(visit_id, found)


def test_a_round_pairs_its_test_and_control_visit() -> None:
    pairing = pair_round_visits(
        ROUND.id, [offered("a", visit("test", 0)), offered("b", visit("control", 8))], ROUND
    )
    assert pairing.complete and pairing.refused == ()
    assert pairing.test is not None and pairing.test.visit_id == "a"
    outcome = pairing.assess(30)
    assert outcome is not None and outcome.result is PairResult.NO_FINDING


def test_a_third_visit_under_one_round_is_refused_and_never_chosen_between() -> None:
    # Issue 11, item 2: more than two visits kept one per role without a word.
    pairing = pair_round_visits(
        ROUND.id,
        [
            offered("a", visit("test", 0)),
            offered("b", visit("control", 8)),
            offered("c", visit("test", 15, **REFUSED)),
        ],
        ROUND,
    )
    assert pairing.test is None and not pairing.complete
    assert pairing.control is not None and pairing.control.visit_id == "b"
    assert {r.visit_id for r in pairing.refused} == {"a", "c"}
    assert all("niet tussen gekozen" in r.reason.nl for r in pairing.refused)
    assert pairing.assess(30) is None


def test_visits_at_another_venue_or_evening_are_refused_with_a_reason() -> None:
    # Issue 11, item 8: a "pair" spanning two venues nine months apart.
    pairing = pair_round_visits(
        ROUND.id,
        [
            offered("a", visit("test", 0)),
            offered("b", visit("control", 8, venue="club-plein-22")),
            offered("c", visit("control", 0, arrival_time=START + timedelta(days=270))),
        ],
        ROUND,
    )
    reasons = {r.visit_id: r.reason for r in pairing.refused}
    assert set(reasons) == {"b", "c"}
    assert "club-plein-22" in reasons["b"].nl and "venue" in reasons["b"].en
    assert "2026-05-16" in reasons["c"].en
    assert pairing.test is not None and pairing.control is None


def test_without_the_round_the_visits_must_agree_among_themselves() -> None:
    other_venue = visit("control", 8, venue="club-plein-22")
    pairing = pair_round_visits(
        ROUND.id, [offered("a", visit("test", 0)), offered("b", other_venue)]
    )
    assert pairing.test is None and pairing.control is None
    assert {r.visit_id for r in pairing.refused} == {"a", "b"}
    months_apart = visit("control", 0, arrival_time=START + timedelta(days=270))
    pairing = pair_round_visits(
        ROUND.id, [offered("a", visit("test", 0)), offered("b", months_apart)]
    )
    assert not pairing.complete and len(pairing.refused) == 2
    agreeing = pair_round_visits(
        ROUND.id.upper(), [offered("a", visit("test", 0)), offered("b", visit("control", 9))]
    )
    assert agreeing.complete


def test_the_round_check_for_finalize_and_push() -> None:
    fits = visit("test", 0)
    assert round_visit_problem(ROUND, fits) is None
    assert round_visit_problem(ROUND, fits, author="mg-noord-3") is None
    wrong_tester = round_visit_problem(ROUND, fits, author="mg-zuid-1")
    assert wrong_tester is not None and "andere tester" in wrong_tester.nl
    taken = round_visit_problem(ROUND, fits, taken={"test"})
    assert taken is not None and "derde bezoek" in taken.nl and "third visit" in taken.en
    other_round = round_visit_problem(ROUND, replace(fits, test_id="dt-2026-04"))
    assert other_round is not None and "dt-2026-04" in other_round.en
    no_role = round_visit_problem(ROUND, replace(fits, group_role=""))
    assert no_role is not None
    after_midnight = replace(fits, arrival_time=datetime(2026, 5, 17, 0, 45))
    assert round_visit_problem(ROUND, after_midnight) is None
