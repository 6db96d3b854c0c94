"""The app end to end: sign in, fill in each checklist through the widgets, finalize.

A person's clicks and keys only (qtbot): the store is reached through the app, never
called by the test, except to check afterwards what it holds. Each flow covers a part of
the issue's list: relevance, a constraint and its message, a repeat group, a photo, a
signature, outcomes shown, resume after closing, idle lock and unlock, language switch.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import ClassVar

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from fieldapp.app.session import KdfParams
from fieldapp.app.settings import Settings
from fieldapp.core.expr import Value
from fieldapp.core.inspection import InspectionStatus
from fieldapp.store import open_profile
from fieldapp.store.profile import Profile
from fieldapp.ui.app import build_context
from fieldapp.ui.context import AppContext
from fieldapp.ui.dialogs import Confirm
from fieldapp.ui.errors import start_bug_log
from fieldapp.ui.home import HomeScreen, SupervisorHome
from fieldapp.ui.inspection import InspectionScreen
from fieldapp.ui.runner.media import ImageQuestion, SignatureDialog
from fieldapp.ui.runner.questions import QuestionWidget
from fieldapp.ui.runner.runner import FormRunner
from fieldapp.ui.runner.services import PhotoFiles
from fieldapp.ui.settings_dialog import SettingsDialog
from fieldapp.ui.theme import apply_theme
from fieldapp.ui.window import MainWindow
from tests.support.qt import (
    SIGNATURE_STROKE,
    StrayWindows,
    child,
    draw,
    focus_within,
    make_photo,
)
from tests.support.store import DEMO_RULES

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

WAIT = 15_000


class Photos(PhotoFiles):
    """The file chooser, answered by the test: the next photos a person would pick."""

    queue: ClassVar[list[Path]] = []

    @classmethod
    def ask(cls, parent: QWidget, title: str, filter_text: str) -> list[Path]:
        chosen, cls.queue[:] = list(cls.queue), []
        return chosen


@pytest.fixture
def context(qtbot: QtBot, tmp_path: Path) -> Iterator[AppContext]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    home = tmp_path / "home"
    home.mkdir()
    settings = Settings.load(home).with_value("idle_lock_minutes", 0)
    apply_theme(app, settings.theme)
    built = build_context(app, home, settings, start_bug_log(home))
    built.kdf = KdfParams.fast_for_tests()
    built.photo_files = Photos
    # Later than the store's clock, so an end time set with "Now" comes after the start.
    built.clock = lambda: datetime.now().replace(microsecond=0) + timedelta(minutes=90)
    yield built
    built.tasks.wait()
    built.translations.remove()
    app.setStyleSheet("")


@pytest.fixture
def window(qtbot: QtBot, context: AppContext) -> Iterator[MainWindow]:
    shown = MainWindow(context)
    qtbot.addWidget(shown)
    shown.resize(1280, 800)
    shown.show()
    qtbot.waitExposed(shown)
    shown.activateWindow()
    qtbot.waitUntil(shown.isActiveWindow)
    yield shown
    shown.close()
    context.tasks.wait()


@pytest.fixture(autouse=True)
def stray_windows(qtbot: QtBot) -> Iterator[StrayWindows]:
    with StrayWindows.watching() as watcher:
        yield watcher
    assert watcher.seen == []


class Person:
    """Does what a person does with the app, through its widgets."""

    def __init__(self, qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
        self.qtbot = qtbot
        self.window = window
        self.tmp_path = tmp_path

    # -- signing in --------------------------------------------------------------------------

    def sign_in(self, username: str, password: str = "demo") -> None:
        sign_in = self.window.sign_in

        def listed() -> bool:
            button = sign_in.account_button(username)
            return button is not None and button.isVisible()

        self.qtbot.waitUntil(listed, timeout=WAIT)
        self.click(sign_in.account_button(username))
        self.qtbot.keyClicks(sign_in.password, password)
        self.qtbot.keyClick(sign_in.password, Qt.Key.Key_Return)
        self.qtbot.waitUntil(lambda: self.window.current_screen is self.window.home, timeout=WAIT)

    @property
    def home(self) -> HomeScreen:
        home = self.window.home
        assert isinstance(home, HomeScreen)
        return home

    def start_assignment(self, row: int = 0) -> FormRunner:
        home = self.home
        self.qtbot.waitUntil(lambda: home.assignments_model.rowCount() > row, timeout=WAIT)
        table = home.assignments.table
        rect = table.visualRect(home.assignments_model.index(row, 1))
        self.qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        return self.runner()

    def runner(self) -> FormRunner:
        self.qtbot.waitUntil(
            lambda: isinstance(self.window.current_screen, InspectionScreen), timeout=WAIT
        )
        screen = self.window.current_screen
        assert isinstance(screen, InspectionScreen)
        return screen.runner

    # -- answering ---------------------------------------------------------------------------

    def click(self, widget: QWidget | None) -> None:
        assert widget is not None
        assert widget.isVisible(), widget.objectName()
        self.qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)

    def question(self, name: str, row: str | None = None) -> QuestionWidget:
        widget = self.runner().question_widget(name, row)
        assert widget is not None, name
        return widget

    def type(self, name: str, text: str, row: str | None = None) -> None:
        widget = self.question(name, row)
        editor: QWidget | None = widget.findChild(QLineEdit) or widget.findChild(QPlainTextEdit)
        assert editor is not None, name
        self.click(editor)
        self.qtbot.keyClicks(editor, text)

    def choose(self, name: str, *choices: str, row: str | None = None) -> None:
        widget = self.question(name, row)
        for choice in choices:
            self.click(widget.findChild(QAbstractButton, f"choice_{choice}"))

    def now(self, name: str, row: str | None = None) -> None:
        widget = self.question(name, row)
        buttons = [b for b in widget.findChildren(QPushButton) if b.text() in ("Nu", "Now")]
        self.click(buttons[0])

    def photo(self, name: str, row: str | None = None) -> None:
        widget = self.question(name, row)
        assert isinstance(widget, ImageQuestion)
        before = widget.photo_count
        Photos.queue.append(make_photo(self.tmp_path / f"{name}-{before}.png"))
        self.click(widget.findChild(QPushButton, "add_photo_file"))
        self.qtbot.waitUntil(lambda: widget.photo_count == before + 1, timeout=WAIT)

    def sign(self, name: str) -> None:
        widget = self.question(name)
        self.click(widget.findChild(QPushButton, "sign"))
        dialog = widget.findChild(SignatureDialog)
        assert dialog is not None
        self.qtbot.waitExposed(dialog)
        draw(dialog.pad, SIGNATURE_STROKE)
        self.click(dialog.use)
        runner = self.runner()
        self.qtbot.waitUntil(lambda: bool(runner.session.answers.get((name, None))), timeout=WAIT)

    def add_row(self, repeat: str) -> str:
        runner = self.runner()
        before = list(runner.session.rows[repeat])
        section = runner.repeat_section(repeat)
        assert section is not None
        self.click(section.add)
        self.qtbot.waitUntil(lambda: len(runner.session.rows[repeat]) > len(before), timeout=WAIT)
        (row,) = [row for row in runner.session.rows[repeat] if row not in before]
        # The app puts the cursor in the new row a moment later, as a person sees it
        # before typing; a test that typed on at once would have that focus (and with it
        # the resume position) jump back to the row the next time events are processed.
        card = section.cards[row]
        self.qtbot.waitUntil(lambda: card.isAncestorOf(self.window.focusWidget()), timeout=WAIT)
        return row

    def next_page(self) -> None:
        self.click(self.runner().next)

    def finalize(self) -> str:
        runner = self.runner()
        while not runner.on_summary:
            self.next_page()
        summary = runner.summary
        assert summary.missing_count == 0 and summary.invalid_count == 0, [
            key for key, _issue in runner.session.problems()
        ]
        self.click(summary.finalize_button)
        confirm = runner.findChild(Confirm)
        assert confirm is not None
        inspection = self.window.current_screen
        assert isinstance(inspection, InspectionScreen)
        inspection_id = inspection.inspection_id
        self.click(confirm.confirm)
        self.qtbot.waitUntil(lambda: self.window.current_screen is self.window.home, timeout=WAIT)
        # Issue 15, defect 14: the home screen says it went well (the outbox may be empty).
        notice = self.home.done_notice
        assert notice.isVisible()
        assert inspection.opened.subject in self.home.done_text.text()
        return inspection_id

    def close_form(self) -> None:
        self.click(self.runner().close_button)
        self.qtbot.waitUntil(lambda: self.window.current_screen is self.window.home, timeout=WAIT)


@pytest.fixture
def person(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> Person:
    return Person(qtbot, window, tmp_path)


def stored_status(context: AppContext, username: str, inspection_id: str) -> InspectionStatus:
    """What the store holds, read after the app signed out (a second look, not a shortcut)."""
    with open_profile(context.home, username, "demo") as profile:
        return profile.inspection(inspection_id).status


def sign_out(person: Person) -> None:
    person.click(person.home.sign_out)
    person.qtbot.waitUntil(
        lambda: person.window.current_screen is person.window.sign_in, timeout=WAIT
    )
    person.window.context.tasks.wait()


def test_coffeeshop_inspection_from_assignment_to_outbox(
    person: Person, context: AppContext
) -> None:
    person.sign_in("fatima.elamrani")
    runner = person.start_assignment(0)  # Zoutmanstraat: a coffeeshop inspection
    assert runner.session.answers[("venue", None)] == "cs-zoutman-41"

    # Algemeen
    person.type("inspectors", "BOA 4411, BOA 4417")
    person.choose("partner_agencies", "police")
    person.choose("announced", "no")
    person.choose("inspection_reason", "routine")
    person.choose("present_for_shop", "staff_only")
    person.next_page()
    # Relevance: with only staff present there is no operator to identify …
    operator = person.question("operator_identified")
    assert operator.isHidden()
    assert "operator_not_identified" in runner.outcomes.chips
    person.click(runner.previous)
    person.choose("present_for_shop", "operator")
    person.next_page()
    # … and with the operator present the question appears, live.
    assert operator.isVisible()
    person.choose("permit_displayed", "yes")
    person.choose("operator_identified", "yes")
    person.type("operator_name", "J. de Vries")
    person.choose("operator_on_permit", "yes")
    person.choose("alcohol_on_site", "no")
    person.type("nearest_school_distance_m", "320")
    person.type("nearest_school_name", "Basisschool De Zeester, Zoutmanstraat 2")
    person.choose("in_residential_street", "no")
    person.choose("in_shopping_centre", "no")
    person.choose("beside_bar_or_club", "no")
    person.next_page()
    person.choose("advertising_found", "no")
    person.next_page()
    person.choose("hard_drugs_found", "no")
    person.next_page()
    person.choose("nuisance_observed", "none")
    person.choose("nuisance_complaints_known", "no")
    person.next_page()
    person.choose("door_age_check", "all_checked")
    # A constraint violation and its message, in Dutch.
    person.type("minors_present_count", "-1")
    minors = person.question("minors_present_count")
    assert minors.issue_label.text() == "⚠ Vul 0 of meer in."
    minors_line = child(minors, QLineEdit)
    minors_line.clear()
    person.qtbot.keyClicks(minors_line, "0")
    assert not minors.issue_label.isVisible()
    person.choose("minor_sale_observed", "no")
    person.next_page()
    # Stock over the limit: the finding appears at once.
    person.type("stock_in_shop_grams", "650,5")
    assert "stock_over_limit" in runner.outcomes.chips
    assert runner.outcomes.chips["stock_over_limit"].isVisible()
    person.choose("storage_nearby", "no")
    person.choose("weighing_method", "calibrated_scale")
    person.photo("stock_photo")
    person.choose("stock_records_checked", "yes")
    person.next_page()
    person.choose("previous_violation", "no")
    person.choose("findings_communicated", "yes")
    person.type("findings_summary", "Voorraad 650,5 g gewogen op een geijkte weegschaal.")
    person.now("inspection_end")
    person.sign("officer_signature")
    person.sign("second_officer_signature")
    inspection_id = person.finalize()

    home = person.home
    assert home.tabs.currentWidget() is home.lists[InspectionStatus.FINALIZED][0]
    _page, outbox = home.lists[InspectionStatus.FINALIZED]
    person.qtbot.waitUntil(lambda: outbox.rowCount() == 1, timeout=WAIT)
    assert outbox.record(0).inspection_id == inspection_id
    sign_out(person)
    assert stored_status(context, "fatima.elamrani", inspection_id) is InspectionStatus.FINALIZED
    with open_profile(context.home, "fatima.elamrani", "demo") as profile:
        version = profile.versions(inspection_id)[-1]
        assert "stock_over_limit" in version.outcomes
        assert {a.question for a in version.attachments} == {
            "stock_photo",
            "officer_signature",
            "second_officer_signature",
        }


def test_patrol_with_repeats_resume_and_language(person: Person, context: AppContext) -> None:
    person.sign_in("kevin.sitaldin")
    runner = person.start_assignment(0)  # Schilderswijk patrol
    # Known facts are filled in: the area, its district and the team.
    assert runner.session.answers[("area", None)] == "Schilderswijk"
    assert runner.session.answers[("district", None)] == "centrum"
    assert runner.session.answers[("team", None)] == "Team Centrum"
    person.type("officer_numbers", "BOA 5120, BOA 5133")
    person.choose("patrol_modes", "foot")
    person.next_page()

    # A repeat group: two observations, the second moved up, one removed again.
    first = person.add_row("observations")
    person.choose("category", "animal_welfare", row=first)
    signs = person.question("domestic_violence_signs_at_address", first)
    assert signs.isVisible()  # relevance inside a row
    person.choose("domestic_violence_signs_at_address", "unknown", row=first)
    person.type("observation_place", "Hoefkade bij nr. 210", row=first)
    person.type("observation_count", "1", row=first)
    person.type("observation_description", "Hond zonder water op balkon.", row=first)
    person.choose("observation_action", "referral", row=first)
    assert "animal_welfare_check_domestic_violence" in runner.outcomes.chips
    assert "referral_not_recorded" in runner.outcomes.chips
    second = person.add_row("observations")
    section = runner.repeat_section("observations")
    assert section is not None
    person.click(section.cards[second].up)
    assert runner.session.rows["observations"] == [second, first]
    person.click(section.cards[second].remove)
    person.click(section.cards[second].remove)
    assert runner.session.rows["observations"] == [first]
    person.next_page()

    check = person.add_row("person_checks")
    person.type("check_location", "52,0691, 4,2958", row=check)
    person.qtbot.keyClick(
        person.question("check_location", check).findChild(QLineEdit), Qt.Key.Key_Return
    )
    person.choose("check_kind", "proactive", row=check)
    person.choose("check_legal_basis", "supervision", row=check)
    person.choose("objective_ground", "behaviour", row=check)
    # Too short a ground: the form's own message says what is needed.
    person.type("objective_ground_description", "rood licht", row=check)
    ground = person.question("objective_ground_description", check)
    assert ground.issue_label.text().startswith("⚠ Beschrijf de grond concreet")
    person.type("objective_ground_description", " gefietst op de Hoefkade", row=check)
    assert not ground.issue_label.isVisible()
    person.choose("check_explained", "yes", row=check)
    person.choose("check_outcome", "warning", row=check)

    # Close mid-form and come back: the app resumes on the same question.
    position = runner.position
    assert position is not None and position.question == "check_outcome"
    person.close_form()
    home = person.home
    drafts_page, drafts = home.lists[InspectionStatus.DRAFT]
    person.qtbot.waitUntil(lambda: drafts.rowCount() == 1, timeout=WAIT)
    home.tabs.setCurrentWidget(drafts_page)
    table = drafts_page.table
    rect = table.visualRect(drafts.index(0, 0))
    person.qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    runner = person.runner()
    assert runner.pages[runner.current_page].key == "person_checks"
    resumed = runner.question_widget("check_outcome", check)
    assert resumed is not None
    person.qtbot.waitUntil(lambda: focus_within(resumed), timeout=WAIT)
    assert runner.session.answers[("check_outcome", check)] == "warning"

    # Switch to English in the settings, mid-form: form texts and screen texts follow.
    screen = person.window.current_screen
    assert isinstance(screen, InspectionScreen)
    SettingsDialog.ask(person.window, context, lambda: None)
    dialog = person.window.findChild(SettingsDialog)
    assert dialog is not None
    person.click(dialog.languages["en"])
    assert resumed.title.text() == "Outcome *"
    assert runner.close_button.text() == "Close"
    person.click(dialog.languages["nl"])
    assert resumed.title.text() == "Uitkomst *"
    assert runner.close_button.text() == "Sluiten"
    person.click(dialog.close_button)
    person.choose("ground_confirmed", "yes", row=check)

    person.next_page()
    referral = person.add_row("referrals")
    person.choose("referral_agency", "red_een_dier_144", row=referral)
    person.choose("referral_reason", "animal_welfare", row=referral)
    person.choose("referral_urgency", "same_day", row=referral)
    person.type("referral_address", "Hoefkade 210", row=referral)
    person.type("referral_description", "Hond zonder water.", row=referral)
    person.choose("referral_status", "done_phone", row=referral)
    assert "referral_not_recorded" not in runner.outcomes.chips
    person.next_page()
    # What is known only at the end of the shift is asked on the closing page.
    person.now("shift_end")
    person.type("minutes_on_foot", "45")
    person.choose("neighbourhood_watch_contact", "yes")
    person.type("resident_contacts", "4")
    person.sign("officer_signature")
    inspection_id = person.finalize()
    sign_out(person)
    assert stored_status(context, "kevin.sitaldin", inspection_id) is InspectionStatus.FINALIZED


def test_the_keys_that_cover_and_lock_the_screen_work_once_signed_in(person: Person) -> None:
    # The shortcuts are made at the first sign-in (not on the way to the sign-in window):
    # before it they do nothing, after it F12 covers the screen and Ctrl+L locks it.
    window = person.window
    person.qtbot.keyClick(window, Qt.Key.Key_F12)
    person.qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert not window.cover.isVisible() and not window.locked
    person.sign_in("fatima.elamrani")
    home = person.home
    person.qtbot.keyClick(home, Qt.Key.Key_F12)
    assert window.cover.isVisible()
    person.qtbot.keyClick(window.cover, Qt.Key.Key_F12)
    assert not window.cover.isVisible()
    person.qtbot.keyClick(home, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    person.qtbot.waitUntil(lambda: window.locked, timeout=WAIT)


def test_door_test_discreet_and_idle_lock(person: Person, context: AppContext) -> None:
    # The assignment is for round pt-2026-01 on the evening of 12 December: "Now" is then
    # (a visit on another evening is refused at finalize, as the central store would).
    context.clock = lambda: datetime(2026, 12, 12, 23, 20)
    person.sign_in("mg-noord-3")
    home = person.home
    # A mystery guest sees door tests only.
    person.qtbot.waitUntil(lambda: home.assignments_model.rowCount() == 1, timeout=WAIT)
    assert home.assignments_model.record(0).assignment.form_id.value == "door_test"
    # Discreet: dark and minimal; F12 hides everything and brings it back.
    person.click(home.discreet)
    assert context.settings.discreet_mode
    assert QApplication.palette().window().color().name() == "#000000"
    person.qtbot.keyClick(home, Qt.Key.Key_F12)
    assert person.window.cover.isVisible()
    assert person.window.windowTitle().startswith("Notities")
    person.qtbot.keyClick(person.window.cover, Qt.Key.Key_F12)
    assert not person.window.cover.isVisible()

    runner = person.start_assignment(0)
    # The visit is linked to its paired test and group from the assignment.
    assert runner.session.answers[("test_id", None)] == "pt-2026-01"
    assert runner.session.answers[("group_role", None)] == "test"
    assert runner.session.answers[("tester_pseudonym", None)] == "Tester Noord-3"
    person.type("design_label", "profiel A")
    person.type("group_size", "3")
    person.choose("group_as_designed", "yes")
    person.next_page()
    person.now("arrival_time")  # not prefilled: the form opens before the door
    person.choose("dress_as_designed", "yes")
    person.choose("queue_present", "no")
    person.type("waiting_minutes", "2")
    topics = person.question("house_rules_topics")
    assert topics.isHidden()
    person.choose("house_rules_posted", "yes")
    assert topics.isVisible()
    person.photo("house_rules_photo")
    person.choose("house_rules_topics", "dress_code", "age")
    person.next_page()
    person.choose("id_requested", "yes")
    person.choose("extra_conditions", "none")
    person.choose("entry_result", "refused")
    person.choose("reason_given", "regulars_only")
    person.choose("reason_matches_posted_rules", "no")
    person.choose("others_admitted_meanwhile", "yes")
    person.choose("tone", "curt")
    person.choose("force_used", "no")
    person.choose("door_staff_roles", "doorman")
    person.choose("decision_by_role", "doorman")
    person.choose("door_staff_changed", "no")
    assert "refused_without_posted_reason" in runner.outcomes.chips
    assert "unposted_regulars_or_members_rule" in runner.outcomes.chips

    # The idle lock covers the form; a wrong password is refused; the right one brings
    # back exactly what was on screen.
    page_before = runner.current_page
    person.window.idle.set_interval_ms(50)
    person.qtbot.waitUntil(lambda: person.window.locked, timeout=WAIT)
    lock = person.window.lock_screen
    person.qtbot.keyClicks(lock.password, "verkeerd")
    person.qtbot.keyClick(lock.password, Qt.Key.Key_Return)
    person.qtbot.waitUntil(lambda: lock.message.isVisible(), timeout=WAIT)
    assert "wachtwoord" in lock.message.text().lower()
    person.window.idle.set_minutes(0)
    lock.password.clear()
    person.qtbot.keyClicks(lock.password, "demo")
    person.qtbot.keyClick(lock.password, Qt.Key.Key_Return)
    person.qtbot.waitUntil(lambda: not person.window.locked, timeout=WAIT)
    assert person.runner() is runner
    assert runner.current_page == page_before
    assert runner.session.answers[("tone", None)] == "curt"

    person.next_page()
    person.now("visit_end_time")
    person.click(person.question("testers_did_not_argue").findChild(QAbstractButton))
    person.click(person.question("truthful_declaration").findChild(QAbstractButton))
    inspection_id = person.finalize()
    person.click(home.discreet)
    sign_out(person)
    assert stored_status(context, "mg-noord-3", inspection_id) is InspectionStatus.FINALIZED


def test_sign_in_refuses_a_wrong_password_and_switches_language(
    person: Person, qtbot: QtBot
) -> None:
    sign_in = person.window.sign_in
    assert person.window.windowTitle() == "fieldapp — Demo"
    assert sign_in.heading.text() == "Aanmelden"
    assert sign_in.demo_password.text().endswith(": demo")
    joost = "joost.vandermeer"
    qtbot.waitUntil(lambda: bool(sign_in.account_button(joost)), timeout=WAIT)
    qtbot.waitUntil(lambda: sign_in.account_button(joost).isVisible(), timeout=WAIT)  # type: ignore[union-attr]
    person.click(sign_in.account_button(joost))
    qtbot.keyClicks(sign_in.password, "fout")
    person.click(sign_in.sign_in_button)
    qtbot.waitUntil(lambda: sign_in.message.isVisible(), timeout=WAIT)
    assert "‘demo’" in sign_in.message.text()
    person.click(sign_in.english)
    qtbot.waitUntil(lambda: sign_in.heading.text() == "Sign in")
    assert sign_in.user_label.text() == "User name"
    person.click(sign_in.dutch)
    qtbot.waitUntil(lambda: sign_in.heading.text() == "Aanmelden")


def test_supervisor_gets_an_overview_and_can_try_a_checklist(person: Person, qtbot: QtBot) -> None:
    person.sign_in("ingrid.verhoeven")
    home = person.window.home
    assert isinstance(home, SupervisorHome)
    qtbot.waitUntil(lambda: home.assignments_model.rowCount() > 0, timeout=WAIT)
    assert home.team_model.rowCount() > 0
    assert home.forms_model.rowCount() == 3
    forms_tab = home.forms.parentWidget()
    assert forms_tab is not None
    home.tabs.setCurrentWidget(forms_tab)  # the checklists tab
    table = home.forms.table
    rect = table.visualRect(home.forms_model.index(0, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    person.click(home.try_form)
    qtbot.waitUntil(lambda: person.window.preview is not None, timeout=WAIT)
    preview = person.window.preview
    assert isinstance(preview, FormRunner)
    assert preview.isVisible()
    person.click(preview.close_button)
    qtbot.waitUntil(lambda: person.window.current_screen is home, timeout=WAIT)


def door_visit_answers(round_id: str, arrival: datetime) -> dict[str, Value]:
    """A complete test-group visit of `round_id`, as a tester types it in."""
    return {
        "test_id": round_id,
        "group_role": "test",
        "design_label": "profiel A",
        "group_size": 2,
        "group_as_designed": "yes",
        "tester_pseudonym": "Tester Noord-3",
        # Not prefilled (issue 15, defect 4): the times are given.
        "arrival_time": arrival,
        "visit_end_time": arrival + timedelta(minutes=10),
        "dress_as_designed": "yes",
        "queue_present": "no",
        "waiting_minutes": 1,
        "house_rules_posted": "no",
        "id_requested": "no",
        "extra_conditions": ("none",),
        "entry_result": "admitted",
        "tone": "hostile",
        "force_used": "no",
        "door_staff_roles": ("doorman",),
        "decision_by_role": "doorman",
        "door_staff_changed": "no",
        "testers_did_not_argue": "OK",
        "truthful_declaration": "OK",
    }


#: A round of mg-noord-3's in the demo world that lies in the past: its visits can be made.
PAST_ROUND, PAST_ROUND_VENUE = "dt-2026-03", "club-geversdeynootplein-30"
PAST_ROUND_ARRIVAL = datetime(2026, 5, 16, 22, 40)


def mystery_guest_profile(context: AppContext) -> Profile:
    """mg-noord-3's profile with the demo world's reference data, as sync would leave it."""
    from fieldapp.app.demo import demo_reference
    from fieldapp.core.locations import seeds_directory
    from fieldapp.core.worldfile import load_world

    profile = open_profile(
        context.home,
        "mg-noord-3",
        "demo",
        kdf=KdfParams.fast_for_tests(),
        password_rules=DEMO_RULES,
    )
    profile.replace_reference_data(demo_reference(load_world(seeds_directory())))
    return profile


def returned_door_test(context: AppContext) -> str:
    """A door test finalized, sent and returned with a comment, as sync would leave it.

    Made with the store's own use cases: this is the situation the test starts from, not
    the flow under test.
    """
    with mystery_guest_profile(context) as p:
        inspection_id = p.start_inspection("door_test", venue_id=PAST_ROUND_VENUE)
        for name, value in door_visit_answers(PAST_ROUND, PAST_ROUND_ARRIVAL).items():
            p.set_answer(inspection_id, name, value)
        version = p.finalize(inspection_id)
        p.mark_sent(version.version_id, "receipt-1")
        p.apply_return(
            inspection_id,
            version.version_id,
            {"tone": "Was de toon echt vijandig? Beschrijf wat er gezegd werd."},
            "ricardo.pinas",
            datetime.now(UTC),
            "Graag de toon nalopen.",
        )
    return inspection_id


def test_the_device_finalized_a_second_test_group_visit_of_a_round(
    person: Person, context: AppContext, qtbot: QtBot
) -> None:
    """Before: the tester's device finalized and queued a second test-group visit of her own
    round; only the central store refused it, after she had left the door. Now the summary's
    finalize says why, in her language, and the visit stays a draft she can put right."""
    with mystery_guest_profile(context) as p:
        first = p.start_inspection("door_test", venue_id=PAST_ROUND_VENUE)
        second = p.start_inspection("door_test", venue_id=PAST_ROUND_VENUE)
        for inspection_id in (first, second):
            for name, value in door_visit_answers(PAST_ROUND, PAST_ROUND_ARRIVAL).items():
                p.set_answer(inspection_id, name, value)
        p.finalize(first)
    person.sign_in("mg-noord-3")
    home = person.home
    drafts_page, drafts = home.lists[InspectionStatus.DRAFT]
    qtbot.waitUntil(lambda: drafts.rowCount() == 1, timeout=WAIT)
    home.tabs.setCurrentWidget(drafts_page)
    rect = drafts_page.table.visualRect(drafts.index(0, 0))
    qtbot.mouseClick(drafts_page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    runner = person.runner()
    while not runner.on_summary:
        person.next_page()
    person.click(runner.summary.finalize_button)
    confirm = runner.findChild(Confirm)
    assert confirm is not None
    person.click(confirm.confirm)
    screen = person.window.current_screen
    assert isinstance(screen, InspectionScreen)
    qtbot.waitUntil(lambda: "derde bezoek" in screen.banner_text.text(), timeout=WAIT)
    assert PAST_ROUND in screen.banner_text.text()
    assert person.window.current_screen is screen  # still on the visit, nothing sent
    screen.close_inspection()
    qtbot.waitUntil(lambda: person.window.current_screen is home, timeout=WAIT)
    sign_out(person)
    with open_profile(context.home, "mg-noord-3", "demo") as profile:
        assert [entry.inspection_id for entry in profile.outbox()] == [first]
        assert [entry.inspection_id for entry in profile.drafts()] == [second]


def test_a_returned_visit_shows_the_comments_and_is_corrected(
    person: Person, context: AppContext, qtbot: QtBot
) -> None:
    inspection_id = returned_door_test(context)
    person.sign_in("mg-noord-3")
    home = person.home
    page, returned = home.lists[InspectionStatus.RETURNED]
    qtbot.waitUntil(lambda: returned.rowCount() == 1, timeout=WAIT)
    assert "Graag de toon nalopen." in str(returned.data(returned.index(0, 2)))
    home.tabs.setCurrentWidget(page)
    rect = page.table.visualRect(returned.index(0, 0))
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    runner = person.runner()
    screen = person.window.current_screen
    assert isinstance(screen, InspectionScreen)
    assert "Graag de toon nalopen." in screen.banner_text.text()
    runner.go_to_page(2)
    tone = person.question("tone")
    assert tone.comment.isVisible()
    assert "vijandig" in tone.comment.text()
    assert not tone.editable  # returned: read only until the correction starts
    person.click(screen.correct)
    qtbot.waitUntil(
        lambda: (
            isinstance(person.window.current_screen, InspectionScreen)
            and person.window.current_screen is not screen
        ),
        timeout=WAIT,
    )
    runner = person.runner()
    runner.go_to_page(2)
    assert person.question("tone").editable
    assert not person.question("id_requested").editable  # not commented: stays as sent
    person.choose("tone", "neutral")
    assert "hostile_treatment" not in runner.outcomes.chips
    assert person.finalize() == inspection_id
    sign_out(person)
    with open_profile(context.home, "mg-noord-3", "demo") as profile:
        first, second = profile.versions(inspection_id)
        assert second.base_version_id == first.version_id
        assert second.document["answers"]["tone"] == "neutral"


#: Dutch words that an English screen must not show (app texts, list states, month names;
#: April, September, November and December are English words too and are left out).
DUTCH_WORDS = {
    "vandaag",
    "gisteren",
    "goedgekeurd",
    "teruggestuurd",
    "verzonden",
    "opdrachten",
    "concepten",
    "afgerond",
    "bevinding",
    "bevindingen",
    "zoeken",
    "alle",
    "vragen",
    "beantwoord",
    "volgende",
    "vorige",
    "sluiten",
    "opslaan",
    "januari",
    "februari",
    "maart",
    "mei",
    "juni",
    "juli",
    "augustus",
    "oktober",
    "maandag",
    "dinsdag",
    "woensdag",
    "donderdag",
    "vrijdag",
    "zaterdag",
    "zondag",
    "nee",
    "ja",
    "pagina",
    "instellingen",
    "afmelden",
    "vergrendelen",
    "wijkronde",
    "coffeeshopcontrole",
    "deurtest",
    "overzicht",
    "verplichte",
}


def visible_words(root: QWidget) -> set[str]:
    """Every word a person can read on `root` now: labels, buttons, tabs, table cells."""
    import re

    from PySide6.QtWidgets import QAbstractItemView, QLabel, QListView, QTabBar

    texts: list[str] = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.isVisible():
            continue
        if isinstance(widget, QLabel | QAbstractButton):
            texts.append(widget.text())
        elif isinstance(widget, QLineEdit):
            texts.append(widget.text() or widget.placeholderText())
        elif isinstance(widget, QTabBar):
            texts.extend(widget.tabText(i) for i in range(widget.count()))
        elif isinstance(widget, QAbstractItemView) and widget.model() is not None:
            model = widget.model()
            # A list's model has one column (and no public columnCount to ask).
            columns = 1 if isinstance(widget, QListView) else model.columnCount()
            for column in range(columns):
                texts.append(str(model.headerData(column, Qt.Orientation.Horizontal) or ""))
                for row in range(min(model.rowCount(), 30)):
                    texts.append(str(model.index(row, column).data() or ""))
    return {word.lower() for text in texts for word in re.findall(r"[^\W\d_]+", text)}


def test_english_mode_leaves_parts_in_dutch(person: Person, context: AppContext) -> None:
    """Issue 15, defect 8: after switching to English no screen shows Dutch words."""
    person.sign_in("fatima.elamrani")
    home = person.home
    person.qtbot.waitUntil(lambda: home.assignments_model.rowCount() > 0, timeout=WAIT)
    context.change_setting("language", "en")
    person.qtbot.wait(50)
    for index in range(home.tabs.count()):
        home.tabs.setCurrentIndex(index)
        person.qtbot.wait(20)
        dutch = visible_words(person.window) & DUTCH_WORDS
        assert dutch == set(), (home.tabs.tabText(index), dutch)
    home.tabs.setCurrentIndex(0)
    runner = person.start_assignment(0)
    for index in range(len(runner.pages)):
        runner.go_to_page(index)
        person.qtbot.wait(20)
        dutch = visible_words(person.window) & DUTCH_WORDS
        assert dutch == set(), (runner.pages[index].key, dutch)


def test_a_tile_file_in_the_homes_maps_folder_puts_the_map_in_a_patrol(
    person: Person, context: AppContext
) -> None:
    """Issue 15: the map is offered in a real inspection once the home holds a tile file."""
    from fieldapp.app.maps import MAPS_FOLDER
    from fieldapp.ui.runner.map import MapPicker
    from fieldapp.ui.runner.places import GeopointQuestion
    from tests.support.maptiles import solid_png, write_mbtiles

    (context.home / MAPS_FOLDER).mkdir()
    write_mbtiles(
        context.home / MAPS_FOLDER / "den-haag.mbtiles",
        {(16, 33552, 21623): solid_png(240, 236, 224)},
        {"format": "png", "minzoom": "16", "maxzoom": "16", "center": "4.3113,52.0799,16"},
    )
    person.sign_in("kevin.sitaldin")
    person.start_assignment(0)  # Schilderswijk patrol
    person.next_page()
    row = person.add_row("observations")
    person.choose("category", "nuisance", row=row)
    location = person.question("observation_location", row)
    assert isinstance(location, GeopointQuestion)
    person.click(location.findChild(QPushButton, "pick_on_map"))
    person.qtbot.waitUntil(lambda: location.map_picker is not None, timeout=WAIT)
    picker = location.map_picker
    assert isinstance(picker, MapPicker)
    person.qtbot.waitExposed(picker)
    person.qtbot.keyClick(picker.map, Qt.Key.Key_Return)  # the pin in the middle
    with person.qtbot.waitSignal(picker.finished):
        person.qtbot.keyClick(picker.map, Qt.Key.Key_Return)
    answer = person.runner().session.value("observation_location", row)
    assert answer == "52.079900 4.311300"
    person.close_form()
