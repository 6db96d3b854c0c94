"""The form engine: every question type, live relevance, checks, repeats and outcomes."""

from __future__ import annotations

import math
from datetime import date, datetime, time
from typing import Any

import pytest

from fieldapp.core.engine import FormEngine, FormSession
from fieldapp.core.errors import AnswerError, FormFileError
from fieldapp.core.expr import Value
from fieldapp.core.formfile import load_form_text

NOW = datetime(2026, 11, 28, 21, 45, 10, 123456)

FORM = """
id: engine_test
version: "1"
title: {nl: Test, en: Test}
languages: [nl, en]
roles: [boa]
retention_days: 30
parameters:
  max_grams: 5
  strict: true
choices:
  yes_no:
    - {name: "yes", label: {nl: Ja, en: "Yes"}}
    - {name: "no", label: {nl: Nee, en: "No"}}
  agencies:
    - {name: police, label: {nl: Politie, en: Police}, attributes: {kind: public}}
    - {name: tax, label: {nl: Belastingdienst, en: Tax authority}, attributes: {kind: public}}
    - {name: security, label: {nl: Beveiliging, en: Security}, attributes: {kind: private}}
questions:
  - type: group
    name: general
    label: {nl: Algemeen, en: General}
    questions:
      - {type: text, name: note_text, label: {nl: Tekst, en: Text}}
      - {type: integer, name: count, label: {nl: Aantal, en: Count}, required: true,
         constraint: ". >= 0 and . <= 100",
         constraint_message: {nl: Tussen 0 en 100., en: Between 0 and 100.}}
      - {type: decimal, name: grams, label: {nl: Gram, en: Grams}, unit: {nl: g, en: g}}
      - {type: select_one yes_no, name: announced, label: {nl: Aangekondigd, en: Announced}}
      - {type: text, name: why_announced, label: {nl: Waarom, en: Why},
         relevant: "${announced} = 'yes'", required: true}
      - {type: select_one yes_no, name: public_only, label: {nl: Alleen publiek, en: Public only}}
      - {type: select_multiple agencies, name: partners, label: {nl: Partners, en: Partners},
         choice_filter: "${public_only} != 'yes' or kind = 'public'"}
      - {type: date, name: visit_date, label: {nl: Datum, en: Date}, default: today}
      - {type: time, name: visit_time, label: {nl: Tijd, en: Time}, default: now}
      - {type: datetime, name: started, label: {nl: Start, en: Start}, default: now}
      - {type: note, name: info, label: {nl: Let op, en: Note}}
      - {type: acknowledge, name: ack, label: {nl: Gelezen, en: Read}}
      - {type: image, name: photos, label: {nl: Foto's, en: Photos}}
      - {type: signature, name: sig, label: {nl: Handtekening, en: Signature},
         personal_data: {category: signature, purpose: {nl: Ondertekening, en: Signing},
                         retention_days: 30}}
      - {type: geopoint, name: where, label: {nl: Plaats, en: Location}}
      - {type: rating, name: tone, label: {nl: Toon, en: Tone}, max_rating: 5}
      - {type: venue, name: venue, label: {nl: Locatie, en: Venue}}
      - {type: calculate, name: over_limit, calculation: "${grams} > ${max_grams}"}
      - {type: calculate, name: doubled, calculation: "${count} * 2"}
      - {type: integer, name: shown_double, label: {nl: Dubbel, en: Double}, read_only: true,
         calculation: "${doubled}"}
  - type: group
    name: details
    label: {nl: Details, en: Details}
    relevant: "${count} > 0"
    questions:
      - {type: text, name: detail, label: {nl: Detail, en: Detail}, required: true}
  - type: repeat
    name: rows
    label: {nl: Rijen, en: Rows}
    min_rows: 1
    max_rows: 3
    questions:
      - {type: decimal, name: weight, label: {nl: Gewicht, en: Weight}}
      - {type: select_one yes_no, name: flagged, label: {nl: Gemarkeerd, en: Flagged}}
      - {type: text, name: flag_reason, label: {nl: Reden, en: Reason},
         relevant: "${flagged} = 'yes'"}
      - {type: calculate, name: is_flagged, calculation: "if(${flagged} = 'yes', 1, 0)"}
      - {type: text, name: over_form_limit, label: {nl: Boven, en: Above},
         relevant: "${weight} > ${max_grams}"}
outcomes:
  - name: too_much
    when: "${over_limit}"
    severity: violation
    label: {nl: Te veel, en: Too much}
  - name: any_flagged
    when: "sum(${is_flagged}) > 0"
    severity: attention
    label: {nl: Gemarkeerd, en: Flagged}
  - name: closure
    when: "${count} > 50"
    severity: immediate_closure
    label: {nl: Sluiting, en: Closure}
"""


@pytest.fixture(scope="module")
def engine() -> FormEngine:
    return load_form_text(FORM, "engine_test.yaml")


@pytest.fixture
def session(engine: FormEngine) -> FormSession:
    return engine.session(clock=lambda: NOW)


def test_defaults_fill_dates_and_times_from_the_clock(session: FormSession) -> None:
    assert session.value("visit_date") == date(2026, 11, 28)
    assert session.value("visit_time") == time(21, 45, 10)
    assert session.value("started") == datetime(2026, 11, 28, 21, 45, 10)


def test_every_question_type_takes_its_kind_of_answer(session: FormSession) -> None:
    answers: dict[str, Value] = {
        "note_text": "Zeeheldenkwartier, hoek Piet Heinstraat",
        "count": 4,
        "grams": 2.5,
        "announced": "no",
        "partners": ("tax", "police"),
        "visit_date": "2026-11-27",
        "visit_time": "22:15",
        "started": "2026-11-27T22:10:00",
        "ack": "OK",
        "photos": ("a" * 64, "b" * 64),
        "sig": "c" * 64,
        "where": "52.0799 4.3113 2.0 5",
        "tone": 4,
        "venue": "cs-weimar-12",
    }
    for name, value in answers.items():
        session.set_answer(name, value)
    assert session.value("partners") == ("police", "tax")  # the form's order
    assert session.value("visit_date") == date(2026, 11, 27)
    assert session.value("visit_time") == time(22, 15)
    assert session.value("started") == datetime(2026, 11, 27, 22, 10)
    assert session.value("grams") == 2.5
    assert session.value("photos") == ("a" * 64, "b" * 64)
    assert session.value("where") == "52.0799 4.3113 2.0 5"
    assert session.value("shown_double") == 8.0


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("count", "4", "expects a whole number"),
        ("count", 4.5, "expects a whole number"),
        ("count", True, "expects a whole number"),
        ("grams", "2.5", "expects a number"),
        ("grams", math.inf, "expects a finite number"),
        ("announced", "maybe", "'maybe' is not one of its choices"),
        ("partners", ("police", "army"), "'army' is not one of its choices"),
        ("visit_date", "28-11-2026", "Invalid isoformat"),
        ("tone", 6, "expects 1 to 5"),
        ("ack", "yes", "an acknowledgement is 'OK' or empty"),
        ("where", "52.1", "expects 'latitude longitude"),
        ("where", "95 4.3", "out of range"),
        ("info", "x", "does not take an answer"),
        ("over_limit", "x", "does not take an answer"),
        ("shown_double", 3, "does not take an answer"),
        ("nothing", "x", "the form has no question 'nothing'"),
        ("weight", 1.0, "'weight' needs a row id"),
    ],
)
def test_wrong_answers_are_refused(
    session: FormSession, name: str, value: object, message: str
) -> None:
    with pytest.raises(AnswerError, match=message):
        session.set_answer(name, value)  # type: ignore[arg-type]


def test_relevance_hides_and_clears_dependent_values(session: FormSession) -> None:
    assert not session.is_relevant("why_announced")
    changes = session.set_answer("announced", "yes")
    assert ("why_announced", None) in changes.relevance
    assert session.is_relevant("why_announced")
    assert session.issue("why_announced") is not None  # required and empty
    session.set_answer("why_announced", "Op verzoek van de burgemeester")
    assert session.issue("why_announced") is None
    changes = session.set_answer("announced", "no")
    assert not session.is_relevant("why_announced")
    assert session.value("why_announced") == ""  # hidden answers count as empty
    assert session.issue("why_announced") is None  # and are not required
    session.set_answer("announced", "yes")
    # The answer was kept, so switching back restores it instead of losing typing.
    assert session.value("why_announced") == "Op verzoek van de burgemeester"


def test_a_hidden_group_hides_its_questions(session: FormSession) -> None:
    assert not session.is_relevant("details")
    assert not session.is_relevant("detail")
    changes = session.set_answer("count", 3)
    assert {("details", None), ("detail", None)} <= changes.relevance
    assert session.is_relevant("detail")


def test_constraints_and_required_give_the_forms_messages(session: FormSession) -> None:
    issue = session.issue("count")
    assert issue is not None and issue.kind == "required"
    assert issue.message["nl"] == "Deze vraag is verplicht."
    changes = session.set_answer("count", 101)
    assert ("count", None) in changes.issues
    issue = session.issue("count")
    assert issue is not None and issue.kind == "constraint"
    assert issue.message == {"nl": "Tussen 0 en 100.", "en": "Between 0 and 100."}
    session.set_answer("count", 100)
    assert session.issue("count") is None


def test_calculations_update_in_dependency_order(session: FormSession) -> None:
    changes = session.set_answer("count", 21)
    assert session.value("doubled") == 42.0
    assert session.value("shown_double") == 42.0
    assert {("doubled", None), ("shown_double", None)} <= changes.values
    changes = session.set_answer("count", "")
    assert session.value("shown_double") == ""


def test_a_change_touches_only_what_depends_on_it(session: FormSession) -> None:
    changes = session.set_answer("note_text", "rustig")
    assert changes.values == {("note_text", None)}
    assert not changes.relevance and not changes.outcomes


def test_outcomes_arise_and_clear_with_thresholds_from_the_form(session: FormSession) -> None:
    assert session.outcomes() == []
    changes = session.set_answer("grams", 5.0)
    assert not changes.outcomes
    changes = session.set_answer("grams", 5.5)
    assert changes.outcomes == {"too_much"}
    session.set_answer("count", 60)
    assert [o.name for o in session.outcomes()] == ["closure", "too_much"]  # most severe first
    session.set_answer("grams", "")
    assert [o.name for o in session.outcomes()] == ["closure"]


def test_choice_filter_hides_choices(session: FormSession) -> None:
    names = [choice.name for choice in session.visible_choices("partners")]
    assert names == ["police", "tax", "security"]
    changes = session.set_answer("public_only", "yes")
    assert ("partners", None) in changes.choices
    assert [c.name for c in session.visible_choices("partners")] == ["police", "tax"]


def test_repeat_rows_see_their_own_answers_and_aggregates_see_all(session: FormSession) -> None:
    first, _ = session.add_row("rows")
    second, changes = session.add_row("rows")
    assert changes.rows == {"rows"}
    session.set_answer("flagged", "yes", first)
    assert session.is_relevant("flag_reason", first)
    assert not session.is_relevant("flag_reason", second)
    assert [o.name for o in session.outcomes()] == ["any_flagged"]
    changes = session.set_answer("weight", 7.5, second)
    assert changes.relevance == {("over_form_limit", second)}  # only that row
    changes = session.remove_row("rows", first)
    assert "any_flagged" in changes.outcomes
    assert session.outcomes() == []
    assert session.rows["rows"] == [second]


def test_rows_can_be_reordered_and_are_bounded(session: FormSession) -> None:
    rows = [session.add_row("rows")[0] for _ in range(3)]
    with pytest.raises(AnswerError, match="at most 3 rows"):
        session.add_row("rows")
    session.move_row("rows", rows[2], 0)
    assert session.rows["rows"] == [rows[2], rows[0], rows[1]]
    with pytest.raises(AnswerError, match="has no row"):
        session.set_answer("weight", 1.0, "not-a-row")


def test_problems_list_everything_that_blocks_finalizing(session: FormSession) -> None:
    blocking = {key for key, _ in session.problems()}
    assert blocking == {("count", None), ("rows", None)}  # required, and min_rows 1
    session.set_answer("count", 2)
    blocking = {key for key, _ in session.problems()}
    assert blocking == {("detail", None), ("rows", None)}  # the group became relevant
    session.set_answer("detail", "niets bijzonders")
    session.add_row("rows")
    assert session.problems() == []


def test_a_session_resumes_from_stored_answers(engine: FormEngine, session: FormSession) -> None:
    row, _ = session.add_row("rows")
    session.set_answer("count", 60)
    session.set_answer("flagged", "yes", row)
    resumed = engine.session(dict(session.answers), session.rows, clock=lambda: NOW, resumed=True)
    assert resumed.values == session.values
    assert resumed.relevant == session.relevant
    assert [o.name for o in resumed.outcomes()] == [o.name for o in session.outcomes()]
    assert resumed.issues == session.issues


def test_incremental_updates_match_a_full_evaluation(engine: FormEngine) -> None:
    session = engine.session(clock=lambda: NOW)
    rows = [session.add_row("rows")[0] for _ in range(2)]
    edits: list[tuple[str, object, str | None]] = [
        ("count", 12, None),
        ("grams", 9.0, None),
        ("announced", "yes", None),
        ("flagged", "yes", rows[0]),
        ("weight", 6.0, rows[1]),
        ("public_only", "yes", None),
        ("count", "", None),
        ("flagged", "no", rows[0]),
    ]
    for name, value, row in edits:
        session.set_answer(name, value, row)  # type: ignore[arg-type]
        fresh = engine.session(dict(session.answers), session.rows, clock=lambda: NOW, resumed=True)
        assert fresh.values == session.values
        assert fresh.relevant == session.relevant
        assert fresh.issues == session.issues
        assert fresh.active_outcomes.keys() == session.active_outcomes.keys()
        assert fresh.hidden_choices == session.hidden_choices


def test_a_cleared_default_stays_cleared_when_resumed(engine: FormEngine) -> None:
    session = engine.session(clock=lambda: NOW)
    session.set_answer("visit_date", "")
    resumed = engine.session(dict(session.answers), session.rows, clock=lambda: NOW, resumed=True)
    assert resumed.value("visit_date") == ""
    assert engine.session(clock=lambda: NOW).value("visit_date") == date(2026, 11, 28)


def test_calculations_are_typed_even_when_they_read_later_ones() -> None:
    form = """
id: typed
version: "1"
title: {nl: T, en: T}
languages: [nl, en]
roles: [boa]
retention_days: 30
questions:
  - type: group
    name: g
    label: {nl: G, en: G}
    questions:
      - {type: text, name: q, label: {nl: Q, en: Q}, relevant: "${b} > 'abc'"}
      - {type: calculate, name: b, calculation: "${a} + 1"}
      - {type: calculate, name: a, calculation: "2"}
"""
    with pytest.raises(FormFileError) as caught:
        load_form_text(form, "typed.yaml")
    assert [str(p) for p in caught.value.problems] == [
        "typed.yaml:13:72: compares a number with the text 'abc'"
    ]


def test_a_choice_the_filter_no_longer_offers_blocks_finalizing(session: FormSession) -> None:
    session.set_answer("partners", ("police", "security"))
    assert session.issue("partners") is None
    session.set_answer("public_only", "yes")  # security is private: filtered out now
    issue = session.issue("partners")
    assert issue is not None and issue.kind == "constraint"
    assert "eerder antwoord" in issue.message["nl"]
    session.set_answer("partners", ("police",))
    assert session.issue("partners") is None


def test_adding_a_row_re_evaluated_every_earlier_row(monkeypatch: pytest.MonkeyPatch) -> None:
    """Before: a new row made every field of every earlier row evaluate again (their
    relevance hangs on the repeat's), so a patrol's 100th observation cost 3,400
    evaluations and filling 500 rows took 40 s. Now a new row costs its own fields and
    what reads the repeat as a whole, however many rows came before."""
    from fieldapp.core.locations import forms_directory

    patrol = load_form_text(
        (forms_directory() / "neighbourhood_patrol.yaml").read_text(encoding="utf-8"),
        "neighbourhood_patrol.yaml",
    )
    evaluated: list[tuple[str, str | None]] = []
    original = FormSession._evaluate

    def counting(self: FormSession, key: tuple[str, str | None], *args: Any) -> bool:
        evaluated.append(key)
        return bool(original(self, key, *args))

    session = patrol.session(clock=lambda: NOW)
    monkeypatch.setattr(FormSession, "_evaluate", counting)
    cost: dict[int, int] = {}
    rows: list[str] = []
    for count in range(1, 61):
        evaluated.clear()
        row, _ = session.add_row("observations")
        rows.append(row)
        cost[count] = len(evaluated)
        assert {key[1] for key in evaluated} <= {row, None}, "an earlier row was evaluated"
    assert cost[60] == cost[5]
    # Still right: the new row is relevant and evaluated, and an earlier row still answers.
    session.set_answer("category", "nuisance", rows[0])
    assert session.value("category", rows[0]) == "nuisance"
    assert session.is_relevant("category", rows[-1])


def test_a_finding_names_the_answers_it_rests_on_through_its_calculations() -> None:
    from fieldapp.core.formfile import load_form_file
    from fieldapp.core.locations import forms_directory

    engine = load_form_file(forms_directory() / "coffeeshop_inspection.yaml")
    # The stock limit reads the calculated total, which adds the shop's and the storage's.
    behind = engine.answers_behind("stock_over_limit")
    assert behind[:2] == ["stock_in_shop_grams", "storage_stock_grams"]
    assert engine.answers_behind("criterion_J_violation") == [
        "minors_present_count",
        "minor_sale_observed",
        "minor_age_established",
    ]
    assert engine.answers_behind("no_such_outcome") == []


def test_answers_behind_a_finding_on_a_calculation_that_reads_a_parameter_raised_key_error(
    engine: FormEngine,
) -> None:
    # `over_limit` compares the answer with the parameter `max_grams`; following the
    # calculation to what it reads reached the parameter, which is no field (a KeyError,
    # seen once the checker asked it of every finding for `carry_over`).
    assert engine.answers_behind("too_much") == ["grams"]
