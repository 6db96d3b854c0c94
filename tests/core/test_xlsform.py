"""XLSForm import and export: small workbooks made here with openpyxl, read by pyxform's reader.

Each construct gets its own workbook in a temporary folder; the imported form is loaded
the way the app loads it and filled in through the engine.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from pyxform.xls2xform import convert  # type: ignore[import-untyped]

from fieldapp.cli import main
from fieldapp.core.engine import FormEngine
from fieldapp.core.errors import FormFileError
from fieldapp.core.formfile import form_files, load_form_file, load_form_text
from fieldapp.core.forms import FormDefinition, QuestionType
from fieldapp.core.locations import forms_directory
from fieldapp.core.xlsform import (
    export_command,
    form_yaml,
    import_command,
    import_xlsform,
    workbook_bytes,
)

NOW = datetime(2026, 11, 28, 21, 0)

Rows = Sequence[Sequence[Any]]


def workbook(
    folder: Path,
    survey: Rows,
    choices: Rows = (),
    settings: Rows = (),
    name: str = "form.xlsx",
) -> Path:
    """An XLSForm: each sheet's first row is its header."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "survey"
    for row in survey:
        sheet.append(list(row))
    for title, rows in (("choices", choices), ("settings", settings)):
        if rows:
            extra = book.create_sheet(title)
            for row in rows:
                extra.append(list(row))
    path = folder / name
    book.save(path)
    return path


def imported(path: Path, *, allow_partial: bool = False) -> FormEngine:
    """Import into a YAML file beside the workbook and load that file as the app does."""
    target = path.with_suffix(".yaml")
    outcome = import_command(path, target, allow_partial=allow_partial)
    assert outcome.code == 0, outcome.lines
    return load_form_file(target)


SETTINGS = [
    ["form_title", "form_id", "version", "default_language", "fieldapp_roles"],
    ["Controle", "controle", "3", "Nederlands (nl)", "boa"],
]
YES_NO = [
    ["list_name", "name", "label::Nederlands (nl)", "label::English (en)"],
    ["yn", "yes", "Ja", "Yes"],
    ["yn", "no", "Nee", "No"],
]


# -- constructs ------------------------------------------------------------------------------


def test_languages_labels_and_order_come_along(tmp_path: Path) -> None:
    path = workbook(
        tmp_path,
        [
            [
                "type",
                "name",
                "label::English (en)",
                "label::Nederlands (nl)",
                "hint::English (en)",
                "hint::Nederlands (nl)",
            ],
            ["text", "street", "Street", "Straat", "Where", "Waar"],
            ["integer", "count", "Count", "Aantal", "How many", "Hoeveel"],
            ["select_one yn", "open", "Open?", "Open?", "Now", "Nu"],
        ],
        YES_NO,
        SETTINGS,
    )
    engine = imported(path)
    definition = engine.definition
    assert definition.languages == ["nl", "en"]  # default_language first
    assert [q.name for q in definition.questions] == ["street", "count", "open"]
    assert definition.questions[0].label == {"nl": "Straat", "en": "Street"}
    assert definition.questions[1].hint == {"nl": "Hoeveel", "en": "How many"}
    assert definition.choices["yn"][1].label == {"nl": "Nee", "en": "No"}
    assert (definition.id, definition.version, definition.title) == (
        "controle",
        "3",
        {"nl": "Controle", "en": "Controle"},
    )
    session = engine.session(clock=lambda: NOW)
    session.set_answer("count", 3)
    session.set_answer("open", "yes")
    assert session.value("open") == "yes"


def test_groups_repeats_and_every_expression_column(tmp_path: Path) -> None:
    path = workbook(
        tmp_path,
        [
            [
                "type",
                "name",
                "label",
                "relevant",
                "constraint",
                "constraint_message",
                "required",
                "required_message",
                "calculation",
                "default",
                "read_only",
                "appearance",
                "repeat_count",
            ],
            ["begin group", "visit", "Visit", "", "", "", "", "", "", "", "", "field-list", ""],
            [
                "date",
                "day",
                "Day",
                "",
                ". <= today()",
                "Not in the future",
                "yes",
                "Say when",
                "",
                "today()",
                "",
                "",
                "",
            ],
            ["integer", "people", "People", "", ". >= 0", "", "", "", "", "2", "", "numbers", ""],
            [
                "text",
                "why",
                "Why so many",
                "${people} > 10",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
            ],
            ["end group", "", "", "", "", "", "", "", "", "", "", "", ""],
            ["begin repeat", "bags", "Bags", "${people} > 0", "", "", "", "", "", "", "", "", "2"],
            ["decimal", "grams", "Grams", "", "", "", "", "", "", "", "", "", ""],
            ["end repeat", "", "", "", "", "", "", "", "", "", "", "", ""],
            ["decimal", "total", "Total", "", "", "", "", "", "sum(${grams})", "", "yes", "", ""],
            ["calculate", "heavy", "", "", "", "", "", "", "${total} > 5", "", "", "", ""],
        ],
    )
    engine = imported(path)
    visit, bags, total, heavy = engine.definition.questions
    assert visit.appearance is None  # field-list: our top-level groups are pages already
    day, people, why = visit.questions or []
    assert day.default == "today" and day.required is True
    assert day.required_message == {"en": "Say when"}
    assert people.default == 2 and people.appearance == "numbers"
    assert why.relevant == "${people} > 10"
    assert (bags.min_rows, bags.max_rows) == (2, 2)
    assert total.read_only and total.calculation == "sum(${grams})"
    assert heavy.calculation == "${total} > 5"

    session = engine.session(clock=lambda: NOW)
    assert session.value("day") == date(2026, 11, 28)
    assert session.value("people") == 2
    assert not session.is_relevant("why")
    session.set_answer("people", 12)
    assert session.is_relevant("why")
    session.set_answer("people", -1)
    assert session.issue("people") is not None
    session.set_answer("people", 1)
    first, _ = session.add_row("bags")
    second, _ = session.add_row("bags")
    session.set_answer("grams", 4.0, first)
    session.set_answer("grams", 2.5, second)
    assert session.value("total") == 6.5
    assert session.value("heavy") is True


def test_choice_filter_reads_choice_columns(tmp_path: Path) -> None:
    path = workbook(
        tmp_path,
        [
            ["type", "name", "label", "choice_filter"],
            ["select_one districts", "district", "District", ""],
            ["select_one streets", "street", "Street", "district = ${district}"],
        ],
        [
            ["list_name", "name", "label", "district"],
            ["districts", "centrum", "Centrum", ""],
            ["districts", "laak", "Laak", ""],
            ["streets", "spui", "Spui", "centrum"],
            ["streets", "hoefkade", "Hoefkade", "laak"],
        ],
    )
    engine = imported(path)
    assert engine.definition.choices["streets"][0].attributes == {"district": "centrum"}
    session = engine.session()
    session.set_answer("district", "laak")
    assert [choice.name for choice in session.visible_choices("street")] == ["hoefkade"]


def test_or_other_adds_the_choice_and_the_question_as_odk_does(tmp_path: Path) -> None:
    path = workbook(
        tmp_path,
        [["type", "name", "label"], ["select_one yn or_other", "answer", "Answer"]],
        [["list_name", "name", "label"], ["yn", "yes", "Yes"], ["yn", "no", "No"]],
    )
    mapped = import_xlsform(path)
    assert not mapped.partial
    assert [p.text("form.xlsx") for p in mapped.problems if "or_other" in p.message] == [
        "form.xlsx:survey:2:type: note: or_other: added the choice 'other' and the question "
        "'answer_other', as ODK does"
    ]
    engine = imported(path)
    session = engine.session()
    assert not session.is_relevant("answer_other")
    session.set_answer("answer", "other")
    assert session.is_relevant("answer_other")


def test_select_one_from_file_reads_a_csv_beside_the_workbook(tmp_path: Path) -> None:
    (tmp_path / "districts.csv").write_text(
        "name,label::English (en),label::Nederlands (nl)\ncentrum,Centre,Centrum\nlaak,Laak,Laak\n",
        encoding="utf-8",
    )
    path = workbook(
        tmp_path,
        [
            ["type", "name", "label::English (en)", "label::Nederlands (nl)"],
            ["select_one_from_file districts.csv", "district", "District", "Stadsdeel"],
        ],
    )
    engine = imported(path)
    assert [c.name for c in engine.definition.choices["districts"]] == ["centrum", "laak"]
    assert engine.definition.choices["districts"][0].label == {"en": "Centre", "nl": "Centrum"}


def test_rating_signature_note_acknowledge_and_geopoint(tmp_path: Path) -> None:
    path = workbook(
        tmp_path,
        [
            ["type", "name", "label", "appearance", "parameters"],
            ["range", "tone", "Tone", "rating", "start=1 end=5 step=1"],
            ["range", "score", "Score", "", "start=0 end=10 step=1"],
            ["image", "signed", "Sign", "signature", ""],
            ["note", "info", "Read this", "", ""],
            ["acknowledge", "ok", "Understood", "", ""],
            ["geopoint", "spot", "Where", "", ""],
        ],
    )
    mapped = import_xlsform(path)
    assert not mapped.partial
    questions = {q["name"]: q for q in mapped.data["questions"]}
    assert questions["tone"]["type"] == "rating" and questions["tone"]["max_rating"] == 5
    assert questions["score"]["type"] == "integer"
    assert questions["score"]["constraint"] == ". >= 0 and . <= 10"
    assert questions["signed"]["type"] == "signature"
    # Questions that record a person get a stub the checker refuses until it is filled in.
    assert questions["signed"]["personal_data"] == {
        "category": "signature",
        "purpose": {},
        "retention_days": None,
    }
    assert questions["spot"]["personal_data"]["category"] == "location"
    assert "personal_data" not in questions["info"]


def test_free_text_about_people_gets_a_personal_data_stub(tmp_path: Path) -> None:
    # The checker demands personal_data on free text that can be about a person (any
    # multi-line text, a line that speaks of people): the import declares it for filling in.
    path = workbook(
        tmp_path,
        [
            ["type", "name", "label", "appearance"],
            ["text", "notes", "Notes", "multiline"],
            ["text", "doorman_said", "What the doorman said", ""],
            ["text", "street", "Street", ""],
        ],
    )
    outcome = import_command(path, tmp_path / "form.yaml", allow_partial=False)
    assert outcome.code == 0, outcome.lines
    stubbed = [line for line in outcome.lines if "looks like personal data (description)" in line]
    assert len(stubbed) == 2
    assert any("'notes'" in line for line in stubbed)
    assert any("'doorman_said'" in line for line in stubbed)


def test_personal_data_stub_must_be_filled_in_before_the_form_is_used(tmp_path: Path) -> None:
    path = workbook(
        tmp_path,
        [
            ["type", "name", "label"],
            ["text", "visitor_name", "Name of the visitor"],
            ["text", "phone", "Telefoonnummer"],
            ["integer", "people", "People"],
        ],
    )
    target = tmp_path / "form.yaml"
    outcome = import_command(path, target, allow_partial=False)
    assert outcome.code == 0
    assert any("'visitor_name' looks like personal data (name)" in line for line in outcome.lines)
    assert any("'phone' looks like personal data (contact)" in line for line in outcome.lines)
    with pytest.raises(FormFileError) as refused:
        load_form_file(target)
    messages = [problem.message for problem in refused.value.problems]
    assert (
        messages
        == [
            "personal_data needs its purpose (in every language) and retention_days filled in "
            "before the form can be used"
        ]
        * 2
    )
    text = target.read_text(encoding="utf-8")
    text = text.replace("purpose: {}", "purpose: {en: Contact after the visit}")
    text = text.replace("retention_days: null", "retention_days: 90")
    target.write_text(text, encoding="utf-8")
    engine = load_form_file(target)
    personal = engine.definition.questions[0].personal_data
    assert personal is not None and personal.retention_days == 90


def test_a_regex_constraint_behaves_as_in_collect_after_import(tmp_path: Path) -> None:
    path = workbook(
        tmp_path,
        [["type", "name", "label", "constraint"], ["text", "code", "Code", "regex(., '[0-9]{4}')"]],
    )
    session = imported(path).session()
    session.set_answer("code", "12345")
    assert session.issue("code") is not None
    session.set_answer("code", "1234")
    assert session.issue("code") is None


# -- what does not come along -------------------------------------------------------------


def unsupported_workbook(folder: Path) -> Path:
    book_path = workbook(
        folder,
        [
            ["type", "name", "label", "calculation", "appearance", "relevant"],
            ["start", "started", "", "", "", ""],
            ["begin repeat", "households", "Households", "", "", ""],
            ["text", "head", "Head of household", "", "", ""],
            ["begin repeat", "members", "Members", "", "", ""],
            ["integer", "age", "Age", "", "", ""],
            ["end repeat", "", "", "", "", ""],
            ["end repeat", "", "", "", "", ""],
            ["calculate", "price", "", "pulldata('prices', 'price', 'item', 'rice')", "", ""],
            ["select_one yn", "town", "Town", "", "search('towns')", ""],
            ["integer", "days", "Days", "", "", "${price} > 2"],
            ["audit", "audit", "", "", "", ""],
            ["text", "remark", "Remark", "", "", ""],
        ],
        [["list_name", "name", "label"], ["yn", "yes", "Yes"], ["yn", "no", "No"]],
    )
    book = openpyxl.load_workbook(book_path)
    external = book.create_sheet("external_choices")
    external.append(["list_name", "name", "label"])
    external.append(["towns", "delft", "Delft"])
    book.save(book_path)
    return book_path


def test_what_is_not_supported_is_listed_with_its_cell(tmp_path: Path) -> None:
    path = unsupported_workbook(tmp_path)
    outcome = import_command(path, None, allow_partial=False)
    assert outcome.code == 1
    assert not path.with_suffix(".yaml").exists()
    lines = outcome.lines
    expected = [
        "form.xlsx:external_choices: the 'external_choices' sheet is not supported; it is left out",
        "form.xlsx:survey:2:type: 'start' (metadata) is left out: fieldapp records when, where "
        "and by whom each inspection was made itself",
        "form.xlsx:survey:5:type: repeat 'members' is inside repeat 'households': not supported",
        "form.xlsx:survey:9:calculation: pulldata() is not supported: it reads a CSV file "
        "attached to the form; fieldapp forms have no attached files",
        "form.xlsx:survey:10:appearance: appearance 'search('towns')' is not supported: its "
        "choices come from a file attached to the form",
        "form.xlsx:survey:11:relevant: it reads ${price}, which is left out",
        "form.xlsx:survey:12:type: 'audit' (metadata) is left out: fieldapp records when, where "
        "and by whom each inspection was made itself",
    ]
    for line in expected:
        assert line in lines, (line, lines)
    assert lines[-1] == (
        "form.xlsx: not imported: the parts above are not supported "
        "(--allow-partial imports the rest)"
    )


def test_allow_partial_imports_the_rest_into_a_form_that_passes_the_check(tmp_path: Path) -> None:
    path = unsupported_workbook(tmp_path)
    engine = imported(path, allow_partial=True)
    names = [question.name for question, _ in engine.definition.walk()]
    assert names == ["households", "head", "town", "days", "remark"]
    days = next(q for q, _ in engine.definition.walk() if q.name == "days")
    assert days.relevant is None  # it read the left-out pulldata() calculation


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a workbook at all", "not a workbook XLSForm tools can read"),
        (b"", "not a workbook XLSForm tools can read"),
    ],
)
def test_a_broken_file_is_a_sentence_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, message: str
) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(content)
    assert main(["forms", "import", str(path)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.startswith("broken.xlsx: " + message)
    assert err.rstrip().endswith("broken.xlsx: not imported")


def test_a_missing_file_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["forms", "import", str(tmp_path / "nope.xlsx")]) == 1
    assert "nope.xlsx: no such file" in capsys.readouterr().err


# -- export and the round trip -------------------------------------------------------------


CHECKLISTS = form_files(forms_directory())


@pytest.mark.parametrize("form", CHECKLISTS, ids=[path.stem for path in CHECKLISTS])
def test_each_checklist_exports_to_an_xlsform_pyxform_converts(form: Path, tmp_path: Path) -> None:
    target = tmp_path / f"{form.stem}.xlsx"
    outcome = export_command(form, target)
    assert outcome.code == 0, outcome.lines
    result = convert(xlsform=str(target), validate=False)
    # Only pyxform's advice to downscale photos remains.
    assert all("max-pixels" in warning for warning in result.warnings), result.warnings
    definition = load_form_file(form).definition
    assert f'id="{definition.id}"' in result.xform
    assert 'calculate=" /data/total_stock_grams ' not in result.xform  # no path mangling


@pytest.mark.parametrize("form", CHECKLISTS, ids=[path.stem for path in CHECKLISTS])
def test_import_of_the_export_is_the_same_form(form: Path, tmp_path: Path) -> None:
    original = load_form_file(form).definition
    target = tmp_path / f"{form.stem}.xlsx"
    assert export_command(form, target).code == 0
    mapped = import_xlsform(target)
    assert mapped.problems == [] and not mapped.partial
    again = load_form_text(form_yaml(mapped.data)).definition
    assert again == original
    # Our own attributes travel in fieldapp_* columns, carry_over among them.
    carried = {q.name for q, _parents in original.walk() if q.carry_over}
    assert carried == {q.name for q, _parents in again.walk() if q.carry_over}
    if form.stem == "coffeeshop_inspection":
        assert carried == {"operator_name", "nearest_school_name"}


EVERY_TYPE = """
id: every_type
version: "7"
title: {nl: Alle typen, en: Every type}
description: {nl: Proef, en: Trial}
languages: [nl, en]
roles: [boa, supervisor]
retention_days: 90
parameters: {limit: 5, factor: 2.5, strict: true, greeting: "it's"}
legal_basis:
  article: "art. 9(2)(g) AVG"
  explanation: {nl: Zwaarwegend algemeen belang, en: Substantial public interest}
  categories: [health]
choices:
  yn:
    - {name: "yes", label: {nl: Ja, en: "Yes"}}
    - {name: "no", label: {nl: Nee, en: "No"}}
  colours:
    - {name: red, label: {nl: Rood, en: Red}, attributes: {warm: "yes"}}
    - {name: blue, label: {nl: Blauw, en: Blue}, attributes: {warm: "no"}}
questions:
  - type: group
    name: page
    label: {nl: Pagina, en: Page}
    relevant: "not(${strict}) or ${limit} > 1"
    questions:
      - {type: text, name: words, label: {nl: Tekst, en: Text}, appearance: multiline,
         hint: {nl: Kort, en: Short}, constraint: "regex(., '[a-z ]*')",
         constraint_message: {nl: Kleine letters, en: Lower case},
         personal_data: {category: description, purpose: {nl: Verslag, en: Report},
                         retention_days: 30}}
      - {type: integer, name: count, label: {nl: Aantal, en: Count}, required: true,
         required_message: {nl: Verplicht, en: Required}, default: 1, unit: {nl: st, en: pcs}}
      - {type: decimal, name: weight, label: {nl: Gewicht, en: Weight}, default: 0.5,
         required: "${count} > 3"}
      - {type: select_one yn, name: open, label: {nl: Open, en: Open}, appearance: horizontal}
      - {type: select_multiple colours, name: colours, label: {nl: Kleuren, en: Colours},
         choice_filter: "warm = 'yes' or ${open} = 'no'"}
      - {type: date, name: day, label: {nl: Dag, en: Day}, default: today}
      - {type: time, name: hour, label: {nl: Uur, en: Hour}, default: now}
      - {type: datetime, name: moment, label: {nl: Moment, en: Moment}, default: now}
      - {type: note, name: info, label: {nl: Let op, en: Mind}}
      - {type: acknowledge, name: ack, label: {nl: Gelezen, en: Read}}
      - {type: image, name: photo, label: {nl: Foto, en: Photo},
         personal_data: {category: image, purpose: {nl: Bewijs, en: Evidence},
                         retention_days: 30}}
      - {type: signature, name: signed, label: {nl: Handtekening, en: Signature},
         personal_data: {category: signature, purpose: {nl: Ondertekening, en: Signing},
                         retention_days: 30}}
      - {type: geopoint, name: spot, label: {nl: Plek, en: Spot}, carry_over: true}
      - {type: rating, name: stars, label: {nl: Sterren, en: Stars}, max_rating: 4}
      - {type: venue, name: place, label: {nl: Zaak, en: Venue}}
      - {type: text, name: health_note, label: {nl: Gezondheid, en: Health},
         personal_data: {category: health, purpose: {nl: Zorg, en: Care}, retention_days: 30}}
      - {type: calculate, name: doubled, calculation: "${count} * ${factor}"}
      - {type: decimal, name: shown, label: {nl: Getoond, en: Shown}, read_only: true,
         calculation: "${doubled} + 1"}
  - type: repeat
    name: rows
    label: {nl: Rijen, en: Rows}
    min_rows: 1
    max_rows: 4
    questions:
      - {type: decimal, name: grams, label: {nl: Gram, en: Grams}}
      - type: group
        name: detail
        label: {nl: Detail, en: Detail}
        relevant: "${grams} > 1"
        questions:
          - {type: text, name: remark, label: {nl: Opmerking, en: Remark}}
outcomes:
  - name: too_heavy
    when: "sum(${grams}) > ${limit}"
    severity: violation
    label: {nl: Te zwaar, en: Too heavy}
    explanation: {nl: Boven de grens, en: Over the limit}
  - name: count
    when: "${count} > 10 and ${open} = 'yes'"
    severity: immediate_closure
    label: {nl: Veel, en: Many}
"""


def test_a_form_with_every_question_type_survives_the_round_trip(tmp_path: Path) -> None:
    original = load_form_text(EVERY_TYPE).definition
    assert {q.kind for q, _ in original.walk()} == set(QuestionType)
    path = tmp_path / "every_type.xlsx"
    path.write_bytes(workbook_bytes(original))
    convert(xlsform=str(path), validate=False)  # ODK tools take it
    mapped = import_xlsform(path)
    assert mapped.problems == []
    again = load_form_text(form_yaml(mapped.data)).definition
    assert again == original
    assert {q.name for q, _parents in again.walk() if q.carry_over} == {"spot"}
    assert behaviour(original) == behaviour(again)


def behaviour(definition: FormDefinition) -> list[Any]:
    """What a person sees while filling in the same answers: values, relevance, outcomes."""
    from fieldapp.core.engine import compile_form

    session = compile_form(definition).session(clock=lambda: NOW)
    seen: list[Any] = []
    steps: list[tuple[str, Any]] = [
        ("words", "abc"),
        ("count", 12),
        ("open", "yes"),
        ("colours", ("red",)),
        ("stars", 3),
        ("words", "ABC"),
    ]
    row, _ = session.add_row("rows", "row1")
    for name, value in steps:
        session.set_answer(name, value)
        seen.append(
            (
                sorted((k, repr(v)) for k, v in session.values.items()),
                sorted(session.relevant.items(), key=repr),
                sorted((k, i.kind) for k, i in session.issues.items()),
                [o.name for o in session.outcomes()],
                [c.name for c in session.visible_choices("colours")],
            )
        )
    session.set_answer("grams", 7.5, row)
    seen.append([o.name for o in session.outcomes()])
    return seen


def test_cli_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = forms_directory() / "door_test.yaml"
    workbook_path = tmp_path / "door.xlsx"
    assert main(["forms", "export", str(source), "-o", str(workbook_path)]) == 0
    back = tmp_path / "door.yaml"
    assert main(["forms", "import", str(workbook_path), "-o", str(back)]) == 0
    assert main(["forms", "check", str(back)]) == 0
    err = capsys.readouterr().err
    assert f"{back}: written" in err


def test_export_refuses_a_form_with_problems(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: x\n", encoding="utf-8")
    outcome = export_command(broken, tmp_path / "x.xlsx")
    assert outcome.code == 1
    assert outcome.lines[0].startswith(f"{broken}:")
    assert not (tmp_path / "x.xlsx").exists()


def test_number_semantics_survive_in_imported_expressions(tmp_path: Path) -> None:
    path = workbook(
        tmp_path,
        [
            ["type", "name", "label", "calculation", "read_only"],
            ["decimal", "a", "A", "", ""],
            ["decimal", "b", "B", "", ""],
            ["decimal", "ratio", "Ratio", "${a} div ${b}", "yes"],
        ],
    )
    session = imported(path).session()
    session.set_answer("a", 1.0)
    session.set_answer("b", 0.0)
    assert session.value("ratio") == math.inf
