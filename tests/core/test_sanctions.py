"""The sanction ladder: the shipped policy file, its validation, and the steps it proposes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from fieldapp.core.errors import FormFileError
from fieldapp.core.formfile import form_files, load_form_file
from fieldapp.core.locations import forms_directory
from fieldapp.core.sanctions import (
    DOOR_TEST_INDICATION,
    SanctionPolicy,
    findings_of,
    load_policy_file,
    load_policy_text,
    months_before,
    policy_files,
    propose,
)

POLICY = forms_directory() / "sanction_ladder.policy.yaml"
UTC = dt.UTC


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture(scope="module")
def policy() -> SanctionPolicy:
    return load_policy_file(POLICY)


def test_the_shipped_policy_names_only_outcomes_the_shipped_forms_have(
    policy: SanctionPolicy,
) -> None:
    outcomes = {}
    for path in form_files(forms_directory()):
        engine = load_form_file(path)
        outcomes[engine.form_id] = [o.name for o in engine.definition.outcomes]
    assert policy.problems_with(outcomes) == []
    assert policy_files(forms_directory()) == [POLICY]
    # The forms loader passes the policy by: it is not a form.
    assert POLICY not in form_files(forms_directory())


def test_every_ladder_says_where_its_values_come_from(policy: SanctionPolicy) -> None:
    for ladder in policy.ladders:
        assert ladder.source.note["nl"] and ladder.source.note["en"]
        for step in ladder.steps:
            assert step.label["nl"] and step.label["en"]


# (ladder, earlier findings, this visit) → the proposed step
LADDER_TABLE = [
    # J is one strike: the first finding is already a closure.
    ("coffeeshop_j", [], "2026-10-01T21:00", "closure_6_months"),
    ("coffeeshop_j", ["2025-03-01T20:00"], "2026-10-01T21:00", "closure_12_months"),
    (
        "coffeeshop_j",
        ["2024-01-01T20:00", "2025-03-01T20:00"],
        "2026-10-01T21:00",
        "closure_12_months",
    ),
    # G: warning, then closures of growing length, the top step holds.
    ("coffeeshop_g", [], "2026-10-01T21:00", "formal_warning"),
    ("coffeeshop_g", ["2026-01-05T12:00"], "2026-10-01T21:00", "closure_1_month"),
    (
        "coffeeshop_g",
        ["2025-06-01T12:00", "2026-01-05T12:00"],
        "2026-10-01T21:00",
        "closure_3_months",
    ),
    (
        "coffeeshop_g",
        ["2025-01-01T12:00", "2025-06-01T12:00", "2026-01-05T12:00", "2026-05-05T12:00"],
        "2026-10-01T21:00",
        "revocation",
    ),
    # The period boundary (24 months): the same moment two years earlier still counts,
    # a minute before it does not.
    ("coffeeshop_g", ["2024-10-01T21:00"], "2026-10-01T21:00", "closure_1_month"),
    ("coffeeshop_g", ["2024-10-01T20:59"], "2026-10-01T21:00", "formal_warning"),
    # A later finding (entered afterwards) is no repetition of this one.
    ("coffeeshop_g", ["2026-11-01T12:00"], "2026-10-01T21:00", "formal_warning"),
    # O counts within 12 months only.
    ("coffeeshop_o", ["2025-09-30T12:00"], "2026-10-01T21:00", "conversation"),
    ("coffeeshop_o", ["2025-10-02T12:00"], "2026-10-01T21:00", "formal_warning"),
    # A door-test indication: letter and conversation first.
    ("door_unequal_treatment", [], "2026-10-01T23:00", "letter_and_conversation"),
    ("door_unequal_treatment", ["2026-04-01T23:00"], "2026-10-01T23:00", "formal_warning"),
]


@pytest.mark.parametrize(("ladder_id", "earlier", "visit", "expected"), LADDER_TABLE)
def test_the_ladder_proposes_the_step_for_the_repetitions(
    policy: SanctionPolicy, ladder_id: str, earlier: list[str], visit: str, expected: str
) -> None:
    ladder = policy.ladder(ladder_id)
    assert ladder is not None
    proposal = propose(policy, ladder, at(visit), [at(moment) for moment in earlier])
    assert proposal.step.id == expected
    assert proposal.policy_version == policy.version
    assert all(proposal.counted_from <= moment < at(visit) for moment in proposal.repetitions)


def test_months_before_keeps_the_day_or_takes_the_last_of_a_shorter_month() -> None:
    assert months_before(at("2026-03-31T10:00"), 1) == at("2026-02-28T10:00")
    assert months_before(at("2028-02-29T10:00"), 24) == at("2026-02-28T10:00")
    assert months_before(at("2026-01-15T10:00"), 13) == at("2024-12-15T10:00")


def test_the_form_outcomes_are_grouped_by_the_ladder_they_climb(policy: SanctionPolicy) -> None:
    found = findings_of(
        policy,
        ["stock_over_limit", "permit_not_displayed", "sale_over_limit", "criterion_J_violation"],
        "coffeeshop_inspection",
    )
    assert found == {
        "coffeeshop_j": ["coffeeshop_inspection:criterion_J_violation"],
        "coffeeshop_g": [
            "coffeeshop_inspection:stock_over_limit",
            "coffeeshop_inspection:sale_over_limit",
        ],
    }
    assert policy.ladder_for(DOOR_TEST_INDICATION) is not None
    assert policy.ladder_for("coffeeshop_inspection:permit_not_displayed") is None


def test_a_broken_policy_is_refused_with_the_line_of_each_problem(tmp_path: Path) -> None:
    text = POLICY.read_text(encoding="utf-8")
    broken = text.replace("closure_weeks: 26", "", 1).replace(
        "period_months: 12", "period_months: 0"
    )
    with pytest.raises(FormFileError) as refused:
        load_policy_text(broken, "policy.yaml")
    messages = [str(problem) for problem in refused.value.problems]
    assert any("a closure needs closure_weeks" in m for m in messages), messages
    assert any("period_months" in m and "greater than or equal to 1" in m for m in messages)
    assert all(problem.line > 1 for problem in refused.value.problems)


def test_a_finding_on_two_ladders_is_refused() -> None:
    text = POLICY.read_text(encoding="utf-8").replace(
        "findings: [coffeeshop_inspection:criterion_A_violation]",
        "findings: [coffeeshop_inspection:criterion_H_violation]",
    )
    with pytest.raises(FormFileError, match="on two ladders"):
        load_policy_text(text, "policy.yaml")


def test_a_policy_naming_an_unknown_outcome_is_reported(policy: SanctionPolicy) -> None:
    assert policy.problems_with({"coffeeshop_inspection": ["criterion_A_violation"]})
