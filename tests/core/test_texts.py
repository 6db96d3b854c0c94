"""The one Dutch/English mechanism outside Qt: `Text`, `language_of`, and who uses them."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from fieldapp.core.errors import FieldappError
from fieldapp.core.texts import Text, language_of, local

PACKAGE = Path(__file__).resolve().parents[2] / "fieldapp"


def test_a_text_picks_its_language_and_falls_back_to_dutch() -> None:
    text = Text(nl="Goedemorgen, {name}.", en="Good morning, {name}.")
    assert text.pick("en") == "Good morning, {name}."
    assert text.pick("nl") == text.pick("de") == text.pick("") == "Goedemorgen, {name}."
    assert text.format(name="Fatima").pick("en") == "Good morning, Fatima."
    assert [language_of(v) for v in ("en", "nl", None, "EN", 3)] == ["en", "nl", "nl", "nl", "nl"]
    assert language_of("fr", default="en") == "en"


def test_a_text_is_read_from_a_mapping_or_a_message() -> None:
    assert Text.of({"nl": "Ja", "en": "Yes"}) == Text("Ja", "Yes")
    # One language only: that sentence in both, never an empty one.
    assert Text.of({"en": "Yes"}) == Text("Yes", "Yes")
    assert Text.of(Text("Ja", "Yes")) == Text("Ja", "Yes")
    assert local(Text("Ja", "Yes"), "en") == "Yes"
    assert local({"nl": "Ja"}, "en") == "Ja"
    assert local(None, "en", "—") == "—"


@pytest.mark.parametrize("message", [Text("Vol.", "Full."), {"nl": "Vol.", "en": "Full."}])
def test_an_error_of_the_world_takes_a_text_or_a_mapping(message: object) -> None:
    error = FieldappError(message)  # type: ignore[arg-type]
    assert (error.text("nl"), error.text("en"), str(error)) == ("Vol.", "Full.", "Full.")
    assert error.message == Text("Vol.", "Full.")


def _language_branches(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if any(isinstance(s, ast.Constant) and s.value in ("nl", "en") for s in sides):
                found.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}")
    return found


def test_no_inline_language_branches_outside_the_qt_screens() -> None:
    # Code outside fieldapp/ui says things through `Text`, never `if language == "nl"`.
    allowed = {PACKAGE / "core" / "texts.py"}
    paths = [
        path
        for path in sorted(PACKAGE.rglob("*.py"))
        if path not in allowed and "ui" not in path.relative_to(PACKAGE).parts[:1]
    ]
    assert paths
    assert [line for path in paths for line in _language_branches(path)] == []
