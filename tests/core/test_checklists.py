"""The three shipped checklists, filled in through the engine along their main paths."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

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
        assert 25 <= len(answerable) <= 60, engine.form_id
        assert engine.definition.languages == ["nl", "en"]
        assert engine.definition.legal_basis is None
        for field in engine.fields.values():
            declared = field.question.personal_data
            assert declared is None or declared.category not in SPECIAL_CATEGORIES


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
    "largest_sale_grams": 5.0,
    "repeat_sales_same_person": "no",
    "stock_records_checked": "yes",
    "previous_violation": "no",
    "findings_communicated": "yes",
    "shop_statement": "Geen opmerkingen.",
    "findings_summary": "Geen overtredingen geconstateerd.",
    "inspection_end": "2026-12-04T20:50:00",
    "officer_signature": SHA,
}


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
            "largest_sale_grams": 7.5,
        },
    )
    outcomes = session.outcomes()
    assert outcomes[0].name == "criterion_J_violation"
    assert outcomes[0].severity == "immediate_closure"
    assert session.value("total_stock_grams") == 530.0
    assert {"stock_over_limit", "sale_over_limit"} <= set(outcome_names(session))


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
    "officer_signature": SHA,
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
            "referral_agency": "animal_abuse_centre",
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
            "check_time": "2026-12-04T20:15:00",
            "check_location": "52.0800 4.2950",
            "check_legal_basis": "supervision",
            "objective_ground": "behaviour",
            "objective_ground_description": "Liep weg",
            "persons_checked": 1,
            "check_explained": "yes",
            "check_outcome": "warning",
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
    fill(
        session,
        {
            "check_time": "2026-12-04T21:00:00",
            "check_location": "52.0810 4.2960",
            "check_legal_basis": "supervision",
            "objective_ground": "information",
            "objective_ground_description": "Signalement uit melding van bewoner klopte niet.",
            "persons_checked": 2,
            "check_explained": "yes",
            "check_outcome": "no_action",
        },
        quiet,
    )
    assert session.value("hit_rate_percent") == 50.0  # one of two checks had an outcome
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
    assert outcome.explanation["nl"].startswith("Aanwijzing voor ongelijke behandeling")
    assert "niet in de huisregels" in outcome.explanation["nl"]


def test_a_pair_too_far_apart_is_inconclusive_with_the_reason() -> None:
    start = datetime(2026, 12, 5, 23, 0)
    test = door_visit("test", start, "refused", **REFUSED)
    control = door_visit("control", start + timedelta(minutes=45), "admitted")
    outcome = pair(test, control).assess()
    assert outcome.result is PairResult.INCONCLUSIVE
    assert "the groups arrived 45 minutes apart" in outcome.explanation["en"]


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
    assert "legitimatie gevraagd" in outcome.explanation["nl"]


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
