"""The three shipped checklists, filled in through the engine along their main paths."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
import yaml

from fieldapp.core.doortest import (
    WINDOW_PARAMETER,
    DoorTestVisit,
    PairedDoorTest,
    PairResult,
)
from fieldapp.core.engine import FormEngine, FormSession
from fieldapp.core.expr import Value
from fieldapp.core.formfile import check_form_files, form_files, load_form_file, load_form_text
from fieldapp.core.forms import SPECIAL_CATEGORIES, QuestionType
from fieldapp.core.locations import forms_directory

NOW = datetime(2026, 12, 4, 21, 30)
SHA = "0" * 64


def load(name: str) -> FormEngine:
    return load_form_file(forms_directory() / f"{name}.yaml")


def fill(session: FormSession, answers: dict[str, Value], row: str | None = None) -> None:
    for name, value in answers.items():
        session.set_answer(name, value, row)


def outcome_names(session: FormSession) -> list[str]:
    return [outcome.name for outcome in session.outcomes()]


def test_the_shipped_forms_pass_the_checker() -> None:
    engines, problems = check_form_files(form_files(forms_directory()))
    assert problems == []
    assert {engine.form_id for engine in engines} == {
        "coffeeshop_inspection",
        "door_test",
        "neighbourhood_patrol",
    }
    for engine in engines:
        answerable = [f for f in engine.fields.values() if f.question.kind in _ANSWERED]
        # Signals have their own place and description questions (a row asks one of each),
        # so the patrol counts more questions than a boa sees at once.
        assert 25 <= len(answerable) <= 70, engine.form_id
        assert engine.definition.languages == ["nl", "en"]
        # Only the patrol records special-category data: signals of confused behaviour,
        # under a stated legal basis, kept short.
        basis = engine.definition.legal_basis
        special = {
            field.question.personal_data.category
            for field in engine.fields.values()
            if field.question.personal_data is not None
            and field.question.personal_data.category in SPECIAL_CATEGORIES
        }
        if engine.form_id == "neighbourhood_patrol":
            assert basis is not None and special == set(basis.categories) == {"health"}
        else:
            assert basis is None and special == set()


_ANSWERED = frozenset(QuestionType) - {
    QuestionType.GROUP,
    QuestionType.REPEAT,
    QuestionType.NOTE,
    QuestionType.CALCULATE,
}

# -- coffeeshop ----------------------------------------------------------------------------

CLEAN_COFFEESHOP: dict[str, Value] = {
    "venue": "cs-weimar-12",
    "inspection_start": "2026-12-04T20:00:00",
    "inspectors": "BOA 4411, BOA 4417",
    "partner_agencies": ("police",),
    "announced": "no",
    "inspection_reason": "routine",
    "present_for_shop": "operator",
    "permit_displayed": "yes",
    "operator_identified": "yes",
    "operator_name": "J. de Vries",
    "operator_on_permit": "yes",
    "alcohol_on_site": "no",
    "nearest_school_distance_m": 650,
    "nearest_school_name": "Haags Montessori Lyceum",
    "advertising_found": "no",
    "hard_drugs_found": "no",
    "nuisance_observed": ("none",),
    "nuisance_complaints_known": "no",
    "door_age_check": "all_checked",
    "minors_present_count": 0,
    "minor_sale_observed": "no",
    "stock_in_shop_grams": 420.0,
    "storage_nearby": "no",
    "weighing_method": "calibrated_scale",
    "stock_photo": (SHA,),
    "stock_records_checked": "yes",
    "in_residential_street": "no",
    "in_shopping_centre": "no",
    "beside_bar_or_club": "no",
    "previous_violation": "no",
    "findings_communicated": "yes",
    "shop_statement": "Geen opmerkingen.",
    "findings_summary": "Geen overtredingen geconstateerd.",
    "inspection_end": "2026-12-04T20:50:00",
    "officer_signature": SHA,
    "second_officer_signature": SHA,
}


def sales(session: FormSession, *rows: tuple[int, float]) -> None:
    """Observed sales as (buyer number, grams)."""
    for number, (buyer, grams) in enumerate(rows):
        row, _ = session.add_row("observed_sales")
        fill(
            session,
            {"sale_buyer": buyer, "sale_time": f"20:{10 + number}", "sale_grams": grams},
            row,
        )


def test_a_clean_coffeeshop_inspection_can_be_finalized_without_flags() -> None:
    session = load("coffeeshop_inspection").session(clock=lambda: NOW)
    fill(session, CLEAN_COFFEESHOP)
    assert session.problems() == []
    assert outcome_names(session) == []
    assert session.value("total_stock_grams") == 420.0
    assert not session.is_relevant("criterion_i")  # I is off by default in Den Haag


def test_coffeeshop_violations_are_flagged_with_their_severity() -> None:
    session = load("coffeeshop_inspection").session(clock=lambda: NOW)
    fill(session, CLEAN_COFFEESHOP)
    fill(
        session,
        {
            "minors_present_count": 1,
            "minor_age_established": "id_document",
            "minor_situation": "Een bezoeker van 16 jaar aan de bar, ID getoond.",
            "storage_nearby": "yes",
            "storage_location": "Kelderbox Weimarstraat 14",
            "storage_stock_grams": 110.0,
        },
    )
    sales(session, (1, 7.5))
    outcomes = session.outcomes()
    assert outcomes[0].name == "criterion_J_violation"
    assert outcomes[0].severity == "immediate_closure"
    assert session.value("total_stock_grams") == 530.0
    assert {"stock_over_limit", "sale_over_limit"} <= set(outcome_names(session))


# The G rule (issue 10): the 5 g norm is per person per day, sales to one buyer are summed.
G_CASES = {
    "two-sales-of-3-g-to-one-buyer-is-a-violation": ([(1, 3.0), (1, 3.0)], True),
    "three-sales-of-1-g-to-one-buyer-is-not": ([(1, 1.0), (1, 1.0), (1, 1.0)], False),
    "3-g-to-each-of-two-buyers-is-not": ([(1, 3.0), (2, 3.0)], False),
    "exactly-5-g-to-one-buyer-is-not": ([(1, 2.5), (1, 2.5)], False),
    "one-sale-of-6-g-is-a-violation": ([(2, 6.0)], True),
    "no-sale-observed": ([], False),
}


@pytest.mark.parametrize(("rows", "violation"), G_CASES.values(), ids=G_CASES.keys())
def test_g_sales_to_one_buyer_are_summed_before_the_5_gram_norm(
    rows: list[tuple[int, float]], violation: bool
) -> None:
    session = load("coffeeshop_inspection").session(clock=lambda: NOW)
    fill(session, CLEAN_COFFEESHOP)
    sales(session, *rows)
    assert session.problems() == []
    assert ("sale_over_limit" in outcome_names(session)) is violation


# The J rule (issue 10): immediate closure needs the minor's age established.
J_CASES = {
    "id-document-is-immediate-closure": ("id_document", "criterion_J_violation"),
    "established-by-police-is-immediate-closure": ("police_check", "criterion_J_violation"),
    "confirmed-by-a-parent-is-immediate-closure": ("parent_confirmed", "criterion_J_violation"),
    "own-statement-only-is-a-suspicion": ("own_statement", "criterion_J_suspected"),
    "appearance-only-is-a-suspicion": ("appearance", "criterion_J_suspected"),
}


@pytest.mark.parametrize(("evidence", "outcome"), J_CASES.values(), ids=J_CASES.keys())
def test_j_closure_needs_the_age_established(evidence: str, outcome: str) -> None:
    session = load("coffeeshop_inspection").session(clock=lambda: NOW)
    fill(session, CLEAN_COFFEESHOP)
    fill(
        session,
        {
            "minor_sale_observed": "yes",
            "minor_age_established": evidence,
            "minor_situation": "Verkoop aan een jongere aan de kassa om 20.10 uur.",
        },
    )
    found = {o.name: o for o in session.outcomes()}
    other = {"criterion_J_violation", "criterion_J_suspected"} - {outcome}
    assert outcome in found and not other & set(found)
    expected = "immediate_closure" if outcome == "criterion_J_violation" else "attention"
    assert found[outcome].severity == expected


def test_two_inspectors_sign_a_coffeeshop_report() -> None:
    engine = load("coffeeshop_inspection")
    assert engine.fields["second_officer_signature"].question.required is True
    session = engine.session(clock=lambda: NOW)
    fill(session, {**CLEAN_COFFEESHOP, "inspectors": "BOA 4411"})
    assert ("inspectors", None) in {key for key, _ in session.problems()}
    session.set_answer("second_officer_signature", "")
    assert ("second_officer_signature", None) in {key for key, _ in session.problems()}


def test_location_criteria_observable_on_site_are_asked() -> None:
    session = load("coffeeshop_inspection").session(clock=lambda: NOW)
    fill(session, {**CLEAN_COFFEESHOP, "beside_bar_or_club": "yes"})
    assert "location_criteria_not_met" in outcome_names(session)


def test_one_term_for_the_boas_report_bestuurlijke_rapportage() -> None:
    text = (forms_directory() / "coffeeshop_inspection.yaml").read_text(encoding="utf-8")
    assert "proces-verbaal" not in text.lower() and "official report" not in text
    assert "bestuurlijke rapportage" in text
    # The repeat-offence question is filled in from the venue's file, and says so.
    assert "Ingevuld uit het dossier van de locatie" in text


def test_coffeeshop_thresholds_and_the_residents_switch_live_in_the_form() -> None:
    path = forms_directory() / "coffeeshop_inspection.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["parameters"].update(max_stock_grams=600, enforce_residents_criterion=True)
    engine = load_form_text(yaml.safe_dump(data, allow_unicode=True), "municipality.yaml")
    session = engine.session(clock=lambda: NOW)
    fill(session, CLEAN_COFFEESHOP)
    fill(
        session,
        {"storage_nearby": "yes", "storage_location": "Loods", "storage_stock_grams": 110.0},
    )
    assert "stock_over_limit" not in outcome_names(session)  # 530 g is under 600 g here
    assert session.is_relevant("criterion_i")
    assert {key for key, _ in session.problems()} == {
        ("residents_check_at_door", None),
        ("non_residents_admitted_count", None),
    }


# -- patrol --------------------------------------------------------------------------------

SHIFT: dict[str, Value] = {
    "team": "Team Centrum-Noord",
    "officer_numbers": "4411, 4417",
    "district": "segbroek",
    "area": "Regentes-Valkenbos",
    "shift_start": "2026-12-04T18:00:00",
    "shift_end": "2026-12-04T23:00:00",
    "minutes_on_foot": 180,
    "patrol_modes": ("foot",),
    "neighbourhood_watch_contact": "no",
    "resident_contacts": 6,
    "area_fireworks_free_zone": "no",
    "officer_signature": SHA,
}

CHECK: dict[str, Value] = {
    "check_time": "2026-12-04T21:00:00",
    "check_location": "52.0810 4.2960",
    "check_kind": "proactive",
    "check_legal_basis": "supervision",
    "objective_ground": "information",
    "objective_ground_description": "Signalement uit melding van bewoner klopte niet.",
    "persons_checked": 1,
    "check_explained": "yes",
    "check_outcome": "no_action",
    "ground_confirmed": "no",
}


def test_a_patrol_links_animal_welfare_and_domestic_violence_and_needs_referrals() -> None:
    session = load("neighbourhood_patrol").session(clock=lambda: NOW)
    fill(session, SHIFT)
    row, _ = session.add_row("observations")
    fill(
        session,
        {
            "category": "animal_welfare",
            "observation_time": "2026-12-04T19:10:00",
            "observation_place": "Weimarstraat, achter nr. 80",
            "observation_count": 1,
            "observation_description": "Hond zonder water op balkon, blaft aanhoudend.",
            "observation_action": "referral",
        },
        row,
    )
    assert session.is_relevant("domestic_violence_signs_at_address", row)
    names = outcome_names(session)
    assert "animal_welfare_check_domestic_violence" in names
    assert {"referral_needed", "referral_not_recorded"} <= set(names)
    referral, _ = session.add_row("referrals")
    fill(
        session,
        {
            "referral_agency": "red_een_dier_144",
            "referral_reason": "animal_welfare",
            "referral_urgency": "regular",
            "referral_time": "2026-12-04T19:30:00",
            "referral_address": "Weimarstraat 80",
            "referral_description": "Melding via 144 voor hond op balkon.",
            "referral_status": "done_phone",
        },
        referral,
    )
    assert "referral_not_recorded" not in outcome_names(session)


def test_a_person_check_needs_an_objective_ground_described() -> None:
    session = load("neighbourhood_patrol").session(clock=lambda: NOW)
    fill(session, SHIFT)
    check, _ = session.add_row("person_checks")
    fill(
        session,
        {
            **CHECK,
            "check_time": "2026-12-04T20:15:00",
            "objective_ground": "behaviour",
            "objective_ground_description": "Liep weg",
            "check_outcome": "fine",
            "fine_reference": "BN-2026-1",
            "ground_confirmed": "yes",
        },
        check,
    )
    issue = session.issue("objective_ground_description", check)
    assert issue is not None and issue.kind == "constraint"
    session.set_answer(
        "objective_ground_description",
        "Gooide een brandende rotje richting voorbijgangers op de stoep.",
        check,
    )
    assert session.issue("objective_ground_description", check) is None
    quiet, _ = session.add_row("person_checks")
    fill(session, {**CHECK, "persons_checked": 9}, quiet)
    # Ten persons checked proactively, one hit: the form's minimum sample is reached.
    assert session.value("hit_rate_percent") == 10.0
    session.set_answer("persons_checked", 8, quiet)
    assert session.value("hit_rate_percent") == ""  # too few checks: no percentage
    assert session.problems() == []
    for question, _ in load("neighbourhood_patrol").definition.walk():
        assert "ethnic" not in question.name and "appearance" not in question.name


# -- door test -----------------------------------------------------------------------------


def door_visit(role: str, arrival: datetime, result: str, **extra: Value) -> FormSession:
    session = load("door_test").session(clock=lambda: NOW)
    fill(
        session,
        {
            "test_id": "pt-2026-01",
            "venue": "club-grote-markt-3",
            "group_role": role,
            "design_label": "profiel A",
            "group_size": 3,
            "group_as_designed": "yes",
            "tester_pseudonym": "Tester Noord-3" if role == "test" else "Tester Zuid-1",
            "arrival_time": arrival,
            "dress_as_designed": "yes",
            "queue_present": "no",
            "waiting_minutes": 2,
            "house_rules_posted": "yes",
            "house_rules_topics": ("dress_code",),
            "id_requested": "yes",
            "extra_conditions": ("none",),
            "entry_result": result,
            "tone": "neutral",
            "force_used": "no",
            "door_staff_roles": ("doorman",),
            "decision_by_role": "doorman",
            "door_staff_changed": "no",
            "visit_end_time": arrival + timedelta(minutes=20),
            "testers_did_not_argue": "OK",
            "truthful_declaration": "OK",
            **extra,
        },
    )
    return session


def pair(test: FormSession, control: FormSession) -> PairedDoorTest:
    window = test.engine.definition.parameters[WINDOW_PARAMETER]
    assert isinstance(window, int | float)
    return PairedDoorTest(
        DoorTestVisit.from_answers(test.form_values()),
        DoorTestVisit.from_answers(control.form_values()),
        window,
    )


REFUSED: dict[str, Value] = {
    "reason_given": "regulars_only",
    "reason_matches_posted_rules": "no",
    "others_admitted_meanwhile": "yes",
}


def test_a_refused_test_group_beside_an_admitted_control_is_an_indication() -> None:
    start = datetime(2026, 12, 5, 23, 40)
    test = door_visit("test", start, "refused", **REFUSED)
    control = door_visit("control", start + timedelta(minutes=12), "admitted")
    assert test.problems() == [] and control.problems() == []
    assert "unposted_regulars_or_members_rule" in outcome_names(test)
    outcome = pair(test, control).assess()
    assert outcome.result is PairResult.UNEQUAL_TREATMENT
    assert outcome.gap_minutes == 12
    assert outcome.explanation.nl.startswith("Aanwijzing voor ongelijke behandeling")
    assert "niet in de huisregels" in outcome.explanation.nl


def test_a_pair_too_far_apart_is_inconclusive_with_the_reason() -> None:
    start = datetime(2026, 12, 5, 23, 0)
    test = door_visit("test", start, "refused", **REFUSED)
    control = door_visit("control", start + timedelta(minutes=45), "admitted")
    outcome = pair(test, control).assess()
    assert outcome.result is PairResult.INCONCLUSIVE
    assert "the groups arrived 45 minutes apart" in outcome.explanation.en


def test_a_refusal_under_an_objective_posted_rule_checked_with_both_is_no_indication() -> None:
    start = datetime(2026, 12, 5, 23, 0)
    test = door_visit(
        "test",
        start,
        "refused",
        reason_given="dress_code",
        reason_matches_posted_rules="yes",
        house_rule_kind="objective",
        extra_conditions=("dress_check",),
        others_admitted_meanwhile="yes",
    )
    control = door_visit(
        "control", start + timedelta(minutes=5), "admitted", extra_conditions=("dress_check",)
    )
    assert test.problems() == []
    assert pair(test, control).assess().result is PairResult.NO_FINDING


def test_id_asked_of_the_test_group_only_is_an_indication_through_the_form() -> None:
    start = datetime(2026, 12, 5, 23, 0)
    test = door_visit("test", start, "admitted")
    control = door_visit("control", start + timedelta(minutes=5), "admitted", id_requested="no")
    assert "conditions_set" not in outcome_names(test)  # the ID question is its own answer
    outcome = pair(test, control).assess()
    assert outcome.result is PairResult.UNEQUAL_TREATMENT
    assert "legitimatie gevraagd" in outcome.explanation.nl


def test_a_vague_posted_rule_is_flagged_on_the_visit() -> None:
    test = door_visit(
        "test",
        datetime(2026, 12, 5, 23, 0),
        "refused",
        reason_given="customer_profile",
        reason_matches_posted_rules="yes",
        house_rule_kind="vague",
        others_admitted_meanwhile="yes",
    )
    assert test.problems() == []
    assert "vague_house_rule" in outcome_names(test)


def test_forms_folder_is_where_the_app_looks() -> None:
    assert Path(forms_directory(), "door_test.yaml").is_file()


def test_a_weapon_signal_needs_a_police_hand_off_or_a_reason() -> None:
    session = load("neighbourhood_patrol").session(clock=lambda: NOW)
    fill(session, SHIFT)
    row, _ = session.add_row("observations")
    fill(
        session,
        {
            "category": "weapon_signal",
            "observation_time": "2026-12-04T19:10:00",
            "offence_signal_place": "Speeltuin Zuiderpark",
            "offence_signal_description": "Jongen liet een mes zien aan een groep.",
            "weapon_kind": "knife",
            "observation_count": 1,
            "observation_action": "none",
            "weapon_handed_to_police": "no",
        },
        row,
    )
    problems = {key for key, _ in session.problems()}
    assert ("observation_action", row) in problems  # "no action" is refused
    assert ("weapon_no_handoff_reason", row) in problems  # no hand-off needs its reason
    # The general place and description are not asked: the signal has its own, declared.
    assert not session.is_relevant("observation_place", row)
    assert not session.is_relevant("observation_description", row)
    fill(session, {"observation_action": "police_called", "weapon_handed_to_police": "yes"}, row)
    assert session.problems() == []
    assert "weapon_signal" in outcome_names(session)


def test_fireworks_in_a_free_zone_follow_from_the_areas_flag() -> None:
    session = load("neighbourhood_patrol").session(clock=lambda: NOW)
    fill(session, {**SHIFT, "area_fireworks_free_zone": "yes"})
    assert session.engine.fields["area_fireworks_free_zone"].question.read_only
    row, _ = session.add_row("observations")
    fill(
        session,
        {
            "category": "fireworks",
            "observation_time": "2026-12-04T19:10:00",
            "observation_place": "Hoefkade 200",
            "fireworks_kind": "consumer",
            "fireworks_outside_hours": "yes",
            "observation_count": 2,
            "observation_description": "Twee rotjes afgestoken bij de speeltuin.",
            "observation_action": "warning",
        },
        row,
    )
    assert not session.is_relevant("fireworks_free_zone", row)  # not typed by the boa
    assert {"fireworks_in_free_zone", "fireworks_outside_hours"} <= set(outcome_names(session))
    assert session.problems() == []
    # Without a known area (no assignment), the boa is asked instead.
    unknown = load("neighbourhood_patrol").session(clock=lambda: NOW)
    fill(unknown, {**SHIFT, "area_fireworks_free_zone": ""})
    other, _ = unknown.add_row("observations")
    unknown.set_answer("category", "fireworks", other)
    assert unknown.is_relevant("fireworks_free_zone", other)


def test_patrol_choices_follow_the_chapter_and_the_law() -> None:
    engine = load("neighbourhood_patrol")

    def names(question: str) -> set[str]:
        return {c.name for c in engine.fields[question].choices or ()}

    bases = names("check_legal_basis")
    assert "id_on_demand" in bases  # art. 2 Wet op de identificatieplicht
    assert not bases & {"conversation", "police_assistance"}  # actions, not legal bases
    agencies = names("referral_agency")
    assert {"red_een_dier_144", "animal_abuse_centre"} <= agencies  # two different things
    assert {"person_centred_approach", "youth_work", "acute_care"} <= agencies
    categories = names("category")
    assert {
        "discrimination_incident",
        "illegal_animal_trade",
        "sex_work_exploitation",
    } <= categories
    assert "criminal" not in names("youth_group_behaviour")
    assert "youth_group_class" not in engine.fields  # no label for a group, only behaviour
    assert {"check_kind", "ground_confirmed", "persons_confirmed"} <= set(engine.fields)


def test_acute_confused_behaviour_does_not_go_to_the_zorg_en_veiligheidshuis() -> None:
    session = load("neighbourhood_patrol").session(clock=lambda: NOW)
    fill(session, SHIFT)
    row, _ = session.add_row("referrals")
    fill(
        session,
        {
            "referral_agency": "zorg_veiligheidshuis",
            "referral_reason": "confused_behaviour",
            "referral_urgency": "acute",
            "referral_time": "2026-12-04T19:30:00",
            "referral_health_address": "Hobbemastraat 17",
            "referral_health_description": "Man liep verward over de rijbaan.",
            "referral_status": "done_phone",
        },
        row,
    )
    assert ("referral_urgency", row) in {key for key, _ in session.problems()}
    session.set_answer("referral_agency", "acute_care", row)
    assert session.problems() == []
    assert not session.is_relevant("referral_address", row)  # declared as health data instead
