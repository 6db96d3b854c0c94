"""A form imported from an XLSForm opens in the runner and takes answers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from fieldapp.app.venues import RegistryDirectory
from fieldapp.core.formfile import load_form_file
from fieldapp.core.locations import seeds_directory
from fieldapp.core.worldfile import load_world
from fieldapp.core.xlsform import import_command
from fieldapp.ui.runner.runner import FormRunner
from fieldapp.ui.runner.services import DeviceSupport, RunnerServices
from fieldapp.ui.runner.sink import MemoryAnswerSink
from fieldapp.ui.tasks import TaskRunner

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

NOW = datetime(2026, 12, 4, 21, 30)


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


def test_an_imported_xlsform_opens_in_the_runner(
    qtbot: QtBot, services: RunnerServices, tmp_path: Path
) -> None:
    book = openpyxl.Workbook()
    survey = book.active
    assert survey is not None
    survey.title = "survey"
    for row in (
        ["type", "name", "label::English (en)", "label::Nederlands (nl)", "relevant"],
        ["integer", "guests", "Guests", "Gasten", ""],
        ["begin_group", "details", "Details", "Details", "${guests} > 0"],
        ["select_one yn", "loud", "Loud?", "Luid?", ""],
        ["text", "remark", "Remark", "Opmerking", "${loud} = 'yes'"],
        ["end_group", "", "", "", ""],
    ):
        survey.append(row)
    choices = book.create_sheet("choices")
    for row in (
        ["list_name", "name", "label::English (en)", "label::Nederlands (nl)"],
        ["yn", "yes", "Yes", "Ja"],
        ["yn", "no", "No", "Nee"],
    ):
        choices.append(row)
    workbook = tmp_path / "door.xlsx"
    book.save(workbook)
    target = tmp_path / "door.yaml"
    assert import_command(workbook, target, allow_partial=False).code == 0

    session = load_form_file(target).session(clock=lambda: NOW)
    sink = MemoryAnswerSink()
    runner = FormRunner(session, sink, services, "nl", subject="Import")
    qtbot.addWidget(runner)
    runner.show()
    guests = runner.question_widget("guests")
    assert guests is not None and guests.isVisible()
    qtbot.keyClicks(guests.findChild(QLineEdit), "4")
    assert session.is_relevant("loud")
    qtbot.waitUntil(lambda: runner.autosave.idle, timeout=5000)
    assert sink.answers[("guests", None)] == 4
