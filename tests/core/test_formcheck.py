"""`fieldapp forms check`: every problem as file:line:col: message, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from fieldapp.cli import main
from fieldapp.core.errors import FormFileError
from fieldapp.core.formfile import load_form_file, load_form_text
from fieldapp.core.locations import forms_directory
from fieldapp.core.schema import form_json_schema

BROKEN = Path(__file__).parent / "forms_broken"


@pytest.mark.parametrize("name", sorted(p.stem for p in BROKEN.glob("*.yaml")))
def test_broken_forms_report_every_expected_problem(
    name: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(BROKEN)
    assert main(["forms", "check", "-q", f"{name}.yaml"]) == 1
    expected = (BROKEN / f"{name}.expected").read_text(encoding="utf-8")
    assert capsys.readouterr().out == expected


def test_the_app_refuses_a_broken_form_with_the_same_messages() -> None:
    with pytest.raises(FormFileError) as caught:
        load_form_file(BROKEN / "bad_structure.yaml")
    expected = (BROKEN / "bad_structure.expected").read_text(encoding="utf-8")
    messages = [problem.message for problem in caught.value.problems]
    assert messages == [line.split(": ", 1)[1] for line in expected.splitlines()]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "1:1: a form file holds a mapping (id, title, \u2026)"),
        (b"- just\n- a list\n", "1:1: a form file holds a mapping (id, title, \u2026)"),
        (b"\xff\xfe\x00binary", "1:1: cannot read the file: 'utf-8' codec can't decode"),
        (b"id: [unclosed\n", "2:1: YAML: expected ',' or ']', but got '<stream end>'"),
        (b"id: x\n\tversion: 1\n", "2:1: YAML: found character '\\t' that cannot start any token"),
    ],
)
def test_garbage_files_get_a_plain_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, message: str
) -> None:
    path = tmp_path / "form.yaml"
    path.write_bytes(content)
    assert main(["forms", "check", "-q", str(path)]) == 1
    out = capsys.readouterr().out
    assert out.startswith(f"{path}:{message}")
    assert "Traceback" not in out


def test_missing_files_and_empty_folders(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nope.yaml"
    assert main(["forms", "check", str(missing)]) == 1
    assert (
        capsys.readouterr().out
        == f"{missing}:1:1: cannot read the file: No such file or directory\n"
    )
    assert main(["forms", "check", str(tmp_path)]) == 2
    assert "no .yaml form files" in capsys.readouterr().err


def test_two_files_with_the_same_form_version_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = (forms_directory() / "door_test.yaml").read_text(encoding="utf-8")
    (tmp_path / "a.yaml").write_text(source, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(source, encoding="utf-8")
    assert main(["forms", "check", "-q", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert f"{tmp_path / 'b.yaml'}:1:1: form door_test version 2026.3 is also defined in" in out


def test_the_command_runs_as_installed_and_as_a_module() -> None:
    environment = {**os.environ, "PYTHONWARNINGS": "error"}
    for command in (
        [str(Path(sys.executable).with_name("fieldapp")), "forms", "check"],
        [sys.executable, "-m", "fieldapp", "forms", "check", str(BROKEN / "bad_yaml.yaml")],
    ):
        result = subprocess.run(
            command, capture_output=True, text=True, env=environment, timeout=60, check=False
        )
        assert "Traceback" not in result.stderr
        if "bad_yaml" in command[-1]:
            assert result.returncode == 1
            assert result.stdout.endswith(
                "bad_yaml.yaml:8:1: YAML: found unexpected end of stream\n"
            )
        else:
            assert result.returncode == 0, result.stdout + result.stderr
            assert "ok  coffeeshop_inspection 2026.5" in result.stderr


def test_the_committed_json_schema_is_current() -> None:
    committed = (forms_directory() / "schema.json").read_text(encoding="utf-8")
    assert committed == form_json_schema(), "run: fieldapp forms schema -o forms/schema.json"


def test_a_key_that_is_not_text_is_a_problem_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "form.yaml"
    path.write_text("id: x\n? [a, b]\n: 1\n", encoding="utf-8")
    assert main(["forms", "check", "-q", str(path)]) == 1
    assert f"{path}:2:3: a key must be a plain name\n" in capsys.readouterr().out


@pytest.mark.parametrize(
    "question",
    [
        "{type: image, name: q, label: {nl: Foto, en: Photo}, carry_over: true}",
        "{type: datetime, name: q, label: {nl: Begin, en: Start}, carry_over: true}",
        "{type: venue, name: q, label: {nl: Zaak, en: Venue}, carry_over: true}",
        "{type: text, name: q, label: {nl: T, en: T}, read_only: true, carry_over: true}",
    ],
)
def test_carry_over_is_refused_on_evidence_moments_and_what_is_not_typed(question: str) -> None:
    text = (
        'id: f\nversion: "1"\ntitle: {nl: F, en: F}\nlanguages: [nl, en]\nroles: [boa]\n'
        f"retention_days: 30\nquestions:\n  - {question}\n"
    )
    with pytest.raises(FormFileError) as caught:
        load_form_text(text)
    assert any("carry over" in problem.message for problem in caught.value.problems)


def test_libyaml_and_the_pure_parser_read_every_form_and_place_it_alike() -> None:
    """The form files are read with libyaml where PyYAML has it; the pure-Python parser is
    the reference: the same data and every key and value at the same line and column."""
    import yaml

    from fieldapp.core import formfile

    assert formfile._Loader is yaml.CSafeLoader  # the wheels carry libyaml
    for path in sorted(forms_directory().glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        fast = formfile.PositionedYaml(text)
        pure = formfile.PositionedYaml.__new__(formfile.PositionedYaml)
        pure.values, pure.keys, pure.duplicates, pure.bad_keys = {}, {}, [], []
        pure.data = pure.read(yaml.SafeLoader(text))
        assert fast.data == pure.data, path.name
        assert fast.values == pure.values and fast.keys == pure.keys, path.name
