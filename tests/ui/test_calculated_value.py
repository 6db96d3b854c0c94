"""A calculated value with no number to show (NaN, ±Infinity after a division by zero)."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import datetime

import pytest
from PySide6.QtWidgets import QLabel, QLineEdit
from pytestqt.qtbot import QtBot

from fieldapp.app.venues import RegistryDirectory
from fieldapp.core.formfile import load_form_text
from fieldapp.core.locations import seeds_directory
from fieldapp.core.worldfile import load_world
from fieldapp.ui.runner.runner import FormRunner
from fieldapp.ui.runner.services import DeviceSupport, RunnerServices
from fieldapp.ui.runner.sink import MemoryAnswerSink
from fieldapp.ui.tasks import TaskRunner
from tests.support.qt import child

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

NOW = datetime(2026, 12, 4, 21, 30)

FORM = """
id: ratio
version: "1"
title: {nl: Verhouding, en: Ratio}
languages: [nl, en]
roles: [boa]
retention_days: 30
questions:
  - type: group
    name: page
    label: {nl: Pagina, en: Page}
    questions:
      - {type: decimal, name: part, label: {nl: Deel, en: Part}}
      - {type: decimal, name: whole, label: {nl: Geheel, en: Whole}}
      - {type: decimal, name: ratio, label: {nl: Verhouding, en: Ratio}, read_only: true,
         calculation: "${part} div ${whole}"}
"""


@pytest.fixture
def services(qtbot: QtBot) -> Iterator[RunnerServices]:
    world = load_world(seeds_directory())
    tasks = TaskRunner()
    yield RunnerServices(
        tasks=tasks,
        venues=RegistryDirectory(world.venues, world.areas),
        devices=DeviceSupport(),
        clock=lambda: NOW,
    )
    tasks.wait()


def test_a_division_by_zero_shows_a_dash_with_a_hint(
    qtbot: QtBot, services: RunnerServices
) -> None:
    session = load_form_text(FORM).session(clock=lambda: NOW)
    sink = MemoryAnswerSink()
    runner = FormRunner(session, sink, services, "nl", subject="Test")
    qtbot.addWidget(runner)
    runner.show()
    ratio = runner.question_widget("ratio")
    assert ratio is not None
    shown = ratio.editor()
    assert isinstance(shown, QLabel)
    assert shown.text() == "—"  # nothing answered yet: NaN, stored as no value
    for name, typed in (("part", "3"), ("whole", "0")):
        widget = runner.question_widget(name)
        assert widget is not None
        qtbot.keyClicks(widget.findChild(QLineEdit), typed)
    # The engine keeps Collect's value; the screen shows a dash and says why.
    assert session.value("ratio") == math.inf
    assert shown.text() == "—"
    assert shown.toolTip() == "Not calculated yet"  # no translator is loaded here
    whole = runner.question_widget("whole")
    assert whole is not None
    line = child(whole, QLineEdit)
    line.clear()
    qtbot.keyClicks(line, "2")
    assert shown.text() == "1,5"
    assert shown.toolTip() == ""
    qtbot.waitUntil(lambda: runner.autosave.idle, timeout=5000)
