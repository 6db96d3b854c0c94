"""Translations: every screen text has Dutch, and the committed catalogues are current."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from types import ModuleType

import pytest
from PySide6.QtCore import QCoreApplication
from pytestqt.qtbot import QtBot

from fieldapp.ui.i18n import CATALOGUE_DIRECTORY, Translations

UPDATE = CATALOGUE_DIRECTORY / "update.py"


def _update_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("i18n_update", UPDATE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def messages(ts: Path) -> set[tuple[str, str]]:
    root = ElementTree.parse(ts).getroot()
    return {
        (context.findtext("name") or "", message.findtext("source") or "")
        for context in root.iter("context")
        for message in context.iter("message")
    }


def test_every_screen_text_has_a_dutch_translation() -> None:
    update = _update_script()
    assert update.unfinished(CATALOGUE_DIRECTORY / "fieldapp_nl.ts") == []


def test_the_catalogues_match_the_code(tmp_path: Path) -> None:
    update = _update_script()
    fresh = tmp_path / "fresh.ts"
    subprocess.run(
        [
            update.tool("pyside6-lupdate"),
            *update.sources(),
            "-no-obsolete",
            "-locations",
            "none",
            "-ts",
            str(fresh),
        ],
        cwd=update.ROOT,
        check=True,
        capture_output=True,
    )
    committed = messages(CATALOGUE_DIRECTORY / "fieldapp_nl.ts")
    found = messages(fresh)
    assert found - committed == set(), "run resources/i18n/update.py"
    assert committed - found == set(), "run resources/i18n/update.py"


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_compiled_catalogues_are_current(tmp_path: Path, language: str) -> None:
    update = _update_script()
    ts = CATALOGUE_DIRECTORY / f"fieldapp_{language}.ts"
    copy = tmp_path / ts.name
    copy.write_bytes(ts.read_bytes())
    compiled = update.release(copy)
    assert compiled.read_bytes() == ts.with_suffix(".qm").read_bytes(), (
        "run resources/i18n/update.py"
    )


def test_dutch_by_default_and_english_plurals(qtbot: QtBot) -> None:
    app = QCoreApplication.instance()
    assert app is not None
    translations = Translations(app)
    try:
        translations.apply("nl")
        assert QCoreApplication.translate("SignInScreen", "Sign in") == "Aanmelden"
        assert QCoreApplication.translate("Lists", "%n finding(s)", "", 2) == "2 bevindingen"
        translations.apply("en")
        assert QCoreApplication.translate("SignInScreen", "Sign in") == "Sign in"
        assert QCoreApplication.translate("Lists", "%n finding(s)", "", 1) == "1 finding"
    finally:
        translations.remove()


def test_the_update_script_runs_from_anywhere(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(UPDATE), "--help"], cwd=tmp_path, capture_output=True, text=True
    )
    assert result.returncode == 0
    assert "translation" in result.stdout
