"""Dates and times on screen follow the chosen language (QLocale), not one fixed pattern."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

import pytest
from PySide6.QtCore import QCoreApplication, QLocale
from pytestqt.qtbot import QtBot

from fieldapp.core.formfile import load_form_file
from fieldapp.core.forms import FormDefinition
from fieldapp.core.locations import forms_directory
from fieldapp.ui.i18n import Translations
from fieldapp.ui.lists import when
from fieldapp.ui.runner.texts import FormTexts
from fieldapp.ui.syncing import clock_time

# A day long past, so that neither 'today' nor 'yesterday' applies.
DAY = date(2025, 11, 4)
MOMENT = datetime(2025, 11, 4, 18, 4).astimezone()


@pytest.fixture
def switch(qtbot: QtBot) -> Iterator[Translations]:
    app = QCoreApplication.instance()
    assert app is not None
    before = QLocale()
    translations = Translations(app)
    yield translations
    translations.remove()
    QLocale.setDefault(before)


@pytest.fixture(scope="module")
def definition() -> FormDefinition:
    return load_form_file(forms_directory() / "door_test.yaml").definition


def test_dates_in_english_are_not_written_the_dutch_way(
    switch: Translations, definition: FormDefinition
) -> None:
    # Before: "%d-%m-%Y" whatever the language, so English showed 04-11-2025 too.
    switch.apply("en")
    texts = FormTexts(definition, "en")
    assert texts.value(DAY) == "04/11/2025"
    assert texts.value(datetime(2025, 11, 4, 18, 4)) == "04/11/2025 18:04"
    assert texts.value(time(7, 5)) == "07:05"
    assert when(DAY) == "04/11/2025"
    assert when(MOMENT) == "04/11/2025 18:04"
    assert clock_time(MOMENT, now=MOMENT + timedelta(days=2)) == "04/11 18:04"


def test_dates_in_dutch(switch: Translations, definition: FormDefinition) -> None:
    switch.apply("nl")
    texts = FormTexts(definition, "nl")
    assert texts.value(DAY) == "04-11-2025"
    assert when(MOMENT) == "04-11-2025 18:04"
    assert clock_time(MOMENT, now=MOMENT) == "18:04"
    assert clock_time(MOMENT, now=MOMENT + timedelta(days=2)) == "04-11 18:04"
    today = datetime.now().astimezone().replace(hour=9, minute=30)
    assert when(today) == "vandaag 09:30"
