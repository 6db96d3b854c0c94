"""Make the screenshots in docs/screenshots: the real app, driven like a person would.

    python -m tools.screenshots docs/screenshots [--lang nl] [--theme light]

Runs the app in a temporary demo home at 1280×800 (or `--size 1366x768`), signs in,
fills in a little of each checklist through the widgets and saves a PNG per screen.
Under `QT_QPA_PLATFORM=offscreen` it needs no display.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fieldapp.app.followup import FollowUp

import argparse
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer
from PySide6.QtWidgets import QLineEdit, QPushButton, QWidget

from fieldapp.app.settings import Settings
from fieldapp.ui.app import application, build_context
from fieldapp.ui.errors import start_bug_log
from fieldapp.ui.theme import apply_theme


def wait_until(condition: Callable[[], bool], timeout_ms: int = 20_000) -> None:
    """Run the event loop until `condition` holds (the app keeps working meanwhile)."""
    waited = 0
    while not condition():
        loop = QEventLoop()
        QTimer.singleShot(20, loop.quit)
        loop.exec()
        waited += 20
        if waited > timeout_ms:
            raise TimeoutError("the app did not get there in time")


def settle(milliseconds: int = 150) -> None:
    loop = QEventLoop()
    QTimer.singleShot(milliseconds, loop.quit)
    loop.exec()


def save(widget: QWidget, path: Path) -> None:
    settle()
    widget.grab().save(str(path))
    print(f"saved {path}")


def click(widget: QWidget | None) -> None:
    assert isinstance(widget, QPushButton), widget
    widget.click()
    QCoreApplication.processEvents()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.screenshots")
    parser.add_argument("folder", type=Path)
    parser.add_argument("--lang", default="nl", choices=("nl", "en"))
    parser.add_argument("--theme", default="light", choices=("light", "dark", "high_contrast"))
    parser.add_argument("--size", default="1280x800")
    parser.add_argument("--prefix", default="")
    args = parser.parse_args(argv)
    width, height = (int(part) for part in args.size.split("x"))
    args.folder.mkdir(parents=True, exist_ok=True)
    profiles = Path(tempfile.mkdtemp(prefix="fieldapp-shots-"))
    app = application()
    settings = Settings.load(profiles).with_value("language", args.lang)
    settings = settings.with_value("theme", args.theme).with_value("idle_lock_minutes", 0)
    apply_theme(app, settings.theme)
    context = build_context(app, profiles, settings, start_bug_log(profiles))
    from fieldapp.app.session import KdfParams

    context.kdf = KdfParams.fast_for_tests()
    from fieldapp.ui.app import review_desks, sync_connections
    from fieldapp.ui.window import MainWindow

    # The demo's own central store, started in the temporary home: the homes show the
    # "Sync now" button and a real status line.
    context.sync_connection = sync_connections(context)
    # The review, planning and administration tabs talk to the same demo store.
    context.review_desk = review_desks(context)

    window = MainWindow(context)
    window.resize(width, height)
    window.show()
    out = args.folder.resolve()
    prefix = args.prefix
    sign_in = window.sign_in
    wait_until(lambda: sign_in.accounts_ready)
    save(window, out / f"{prefix}sign-in.png")

    def sign_in_as(username: str) -> None:
        sign_in.choose(username)
        sign_in.password.setText("demo")
        sign_in.submit()
        wait_until(lambda: window.home is not None and window.current_screen is window.home)
        home = window.home
        wait_until(lambda: bool(getattr(home, "loaded", True)))
        sync = window.sync
        wait_until(lambda: sync is None or (not sync.running and sync.status is not None), 60_000)
        settle(300)

    sign_in_as("fatima.elamrani")
    save(window, out / f"{prefix}home-boa.png")

    from fieldapp.ui.home import HomeScreen
    from fieldapp.ui.inspection import InspectionScreen

    home = window.home
    assert isinstance(home, HomeScreen)
    from fieldapp.ui.new_inspection import NewInspectionDialog

    window.new_inspection()
    dialog = window.findChild(NewInspectionDialog)
    assert dialog is not None
    dialog.form_buttons[0][1].click()
    dialog.search.setText("weimar")
    save(dialog, out / f"{prefix}new-inspection.png")
    dialog.reject()
    # The first assignment: a coffeeshop inspection.
    home.assignments.table.clicked.emit(home.assignments_model.index(0, 0))
    wait_until(lambda: isinstance(window.current_screen, InspectionScreen))
    current = window.current_screen
    assert isinstance(current, InspectionScreen)
    runner = current.runner
    fill_coffeeshop(runner)
    save(window, out / f"{prefix}coffeeshop-inspection.png")
    finish_coffeeshop(runner)
    runner.show_summary()
    save(window, out / f"{prefix}summary.png")
    from fieldapp.ui.runner.media import SignatureDialog
    from tests.support.qt import SIGNATURE_STROKE, draw

    sign = runner.summary.findChild(QPushButton, "sign_officer_signature")
    click(sign)
    pad = runner.findChild(SignatureDialog)
    assert pad is not None
    settle(200)
    draw(pad.pad, [(x * 2 + 60, y) for x, y in SIGNATURE_STROKE])
    save(pad, out / f"{prefix}signature.png")
    pad.reject()
    runner.close_requested.emit()
    wait_until(lambda: window.current_screen is window.home)

    # A patrol from the Transvaal assignment.
    rows = home.assignments_model
    wait_until(lambda: rows.rowCount() > 0)
    patrol = next(
        row
        for row in range(rows.rowCount())
        if rows.record(row).assignment.form_id.value == "neighbourhood_patrol"
    )
    home.assignments.table.clicked.emit(rows.index(patrol, 0))
    wait_until(lambda: isinstance(window.current_screen, InspectionScreen))
    screen = window.current_screen
    assert isinstance(screen, InspectionScreen)
    fill_patrol(screen.runner)
    save(window, out / f"{prefix}neighbourhood-patrol.png")
    screen.runner.close_requested.emit()
    wait_until(lambda: window.current_screen is window.home)
    window.sign_out()

    sign_in_as("mg-noord-3")
    save(window, out / f"{prefix}home-mystery-guest.png")
    home = window.home
    assert isinstance(home, HomeScreen)
    home.assignments.table.clicked.emit(home.assignments_model.index(0, 0))
    wait_until(lambda: isinstance(window.current_screen, InspectionScreen))
    screen = window.current_screen
    assert isinstance(screen, InspectionScreen)
    fill_door_test(screen.runner)
    save(window, out / f"{prefix}door-test.png")
    screen.runner.close_requested.emit()
    wait_until(lambda: window.current_screen is window.home)
    home.discreet.click()
    settle(300)
    save(window, out / f"{prefix}home-discreet.png")
    home.discreet.click()
    window.sign_out()

    sign_in_as("ingrid.verhoeven")
    save(window, out / f"{prefix}home-supervisor.png")
    shoot_planning(window, out, prefix)
    shoot_followup(window, out, prefix)
    window.lock()
    save(window, out / f"{prefix}locked.png")
    window.sign_out()
    sign_in_as("marek.wisniewski")
    shoot_administration(window, out, prefix)
    window.sign_out()
    sign_in_as("ricardo.pinas")
    shoot_rounds(window, out, prefix)
    window.close()
    context.tasks.wait()
    return 0


def show_tab(page: QWidget) -> None:
    """Bring the home's tab that holds `page` to the front."""
    from PySide6.QtWidgets import QTabWidget

    tabs = page.parentWidget()
    while tabs is not None and not isinstance(tabs, QTabWidget):
        tabs = tabs.parentWidget()
    assert tabs is not None
    tabs.setCurrentWidget(page)


def shoot_planning(window: QWidget, out: Path, prefix: str) -> None:
    """The supervisor's planning tab: list, week, an assignment being planned, her venues."""
    from fieldapp.ui.central.plan_dialogs import AssignmentDialog
    from fieldapp.ui.central.planning import PlanningPanel

    panel = window.findChild(PlanningPanel)
    assert panel is not None
    show_tab(panel)
    wait_until(lambda: panel.board is not None and bool(panel.people), 60_000)
    settle(300)
    save(window, out / f"{prefix}planning-list.png")
    panel.views.setCurrentWidget(panel.week_page)
    settle()
    save(window, out / f"{prefix}planning-week.png")
    panel.views.setCurrentWidget(panel.list)
    panel.open_assignment(None)
    dialog = panel.findChild(AssignmentDialog)
    assert dialog is not None
    dialog.note_nl.setPlainText("Let op de voorraad en de leeftijdscontrole bij de deur.")
    settle()
    save(dialog, out / f"{prefix}planning-assignment.png")
    dialog.reject()
    # The venues of her teams' areas, which she may change (the rest she reads).
    panel.views.setCurrentWidget(panel.venues)
    wait_until(lambda: panel.venues.registers is not None and bool(panel.venues.editable_areas))
    panel.venues.search.setText("zoutman")
    if panel.venues.table.rowCount():
        panel.venues.table.selectRow(0)
    settle(300)
    save(window, out / f"{prefix}planning-venues.png")
    panel.venues.search.clear()
    panel.views.setCurrentWidget(panel.list)


def shoot_followup(window: QWidget, out: Path, prefix: str) -> None:
    """The supervisor's follow-up tab: proposals, actions (and one opened), a venue's file."""
    from fieldapp.ui.central.followup import FollowUpPanel
    from fieldapp.ui.central.followup_dialogs import ActionDialog

    panel = window.findChild(FollowUpPanel)
    assert panel is not None
    show_tab(panel)
    wait_until(lambda: panel.board is not None, 60_000)
    followup = panel.followup
    if followup is not None and not panel.board.actions:  # type: ignore[union-attr]
        seed_actions(followup)
        panel.refresh()
        wait_until(lambda: bool(panel.board and panel.board.actions), 60_000)
    settle(300)
    save(window, out / f"{prefix}followup-proposals.png")
    panel.views.setCurrentWidget(panel.actions_page)
    settle()
    save(window, out / f"{prefix}followup-actions.png")
    if panel.action_list.rowCount():
        panel.action_list.selectRow(0)
        panel.open_button.click()
        dialog = panel.findChild(ActionDialog)
        if dialog is not None:
            settle()
            save(dialog, out / f"{prefix}followup-action.png")
            dialog.reject()
    panel.views.setCurrentWidget(panel.file_page)
    if panel.venue.count() > 1:
        loaded: list[bool] = []
        panel.file_loaded.connect(lambda: loaded.append(True))
        found = panel.venue.findData("cs-weimar-241")
        panel.venue.setCurrentIndex(found if found > 0 else 1)
        wait_until(lambda: bool(loaded) or panel.banner.isVisible())
    settle(300)
    save(window, out / f"{prefix}followup-file.png")
    panel.views.setCurrentWidget(panel.proposals_page)


def seed_actions(followup: FollowUp) -> None:
    """A few actions as a supervisor makes them, so the follow-up screens show a real week:
    one overdue letter with the operator's response, a conversation, a re-inspection."""
    from datetime import date, timedelta

    from fieldapp.core.followup import ActionState

    today = date.today()
    letter = followup.add_action(
        {
            "kind": "letter_of_intent",
            "venue_id": "cs-weimar-241",
            "owner": followup.username,
            "due": today - timedelta(days=3),
            "title": "Voornemen tot sluiting versturen (J-criterium)",
        }
    )
    letter = followup.move(letter, ActionState.WAITING_RESPONSE, "Brief verstuurd.")
    followup.record_response(
        letter, today - timedelta(days=1), "De exploitant betwist de leeftijd van de bezoeker."
    )
    followup.add_action(
        {
            "kind": "conversation",
            "venue_id": "cs-weimar-241",
            "owner": followup.username,
            "due": today + timedelta(days=5),
            "title": "Gesprek met de exploitant over de deurcontrole",
        }
    )
    followup.add_action(
        {
            "kind": "re_inspection",
            "venue_id": "cs-weimar-241",
            "owner": "elif.yildiz",
            "assignee": "elif.yildiz",
            "due": today + timedelta(days=21),
        }
    )


def shoot_rounds(window: QWidget, out: Path, prefix: str) -> None:
    """The mystery-guest team's supervisor plans a door-test round."""
    from fieldapp.ui.central.plan_dialogs import RoundDialog
    from fieldapp.ui.central.planning import PlanningPanel

    panel = window.findChild(PlanningPanel)
    assert panel is not None
    show_tab(panel)
    wait_until(lambda: panel.board is not None and bool(panel.people), 60_000)
    panel.views.setCurrentWidget(panel.rounds)
    settle(300)
    save(window, out / f"{prefix}planning-rounds.png")
    panel.open_round(None)
    dialog = panel.findChild(RoundDialog)
    assert dialog is not None
    settle()
    save(dialog, out / f"{prefix}planning-round.png")
    dialog.reject()


def shoot_administration(window: QWidget, out: Path, prefix: str) -> None:
    """The administrator's tab: venues, an import preview with problems, people, forms."""
    from fieldapp.ui.central.admin import AdminPanel

    panel = window.findChild(AdminPanel)
    assert panel is not None
    show_tab(panel)
    wait_until(lambda: panel.venues.registers is not None and bool(panel.forms.forms), 60_000)
    settle(300)
    save(window, out / f"{prefix}admin-venues.png")
    # The page shows the path as typed: a bare name (from a temporary working folder)
    # keeps this machine's folders out of the picture.
    folder = Path(tempfile.mkdtemp(prefix="fieldapp-shots-"))
    os.chdir(folder)
    file = Path("horeca.csv")
    file.write_text(
        "id;name;kind;street;house_number;postcode;lat;lon;area\n"
        "bar-lange-poten-3;Café De Poten;bar;Lange Poten;3;2511 CL;52,0792;4,3131;centrum\n"
        "bar-spui-9;Café Spui;bar;Spui;9;B-1000;52,07;4,31;centrum\n"
        "bar-spui-9;Café Dubbel;bar;Spui;11;2511 BL;53,9;4,31;nergens\n",
        encoding="utf-8",
    )
    panel.imports.start("venues")
    panel.imports.path.setText(str(file))
    panel.imports.preview()
    wait_until(lambda: panel.imports.banner.isVisible())
    settle()
    save(window, out / f"{prefix}admin-import.png")
    panel.pages.setCurrentWidget(panel.people)
    settle()
    save(window, out / f"{prefix}admin-people.png")
    panel.pages.setCurrentWidget(panel.forms)
    settle()
    save(window, out / f"{prefix}admin-forms.png")


def _type(runner: object, name: str, text: str, row: str | None = None) -> None:
    from fieldapp.ui.runner.runner import FormRunner

    assert isinstance(runner, FormRunner)
    widget = runner.question_widget(name, row)
    assert widget is not None, name
    line = widget.findChild(QLineEdit)
    if line is not None:
        line.setText(text)
    else:
        from PySide6.QtWidgets import QPlainTextEdit

        editor = widget.findChild(QPlainTextEdit)
        assert editor is not None
        editor.setPlainText(text)


def _choose(runner: object, name: str, choice: str, row: str | None = None) -> None:
    from fieldapp.ui.runner.runner import FormRunner

    assert isinstance(runner, FormRunner)
    widget = runner.question_widget(name, row)
    assert widget is not None, name
    button = widget.findChild(QPushButton, f"choice_{choice}")
    if button is not None:
        button.click()
        return
    from PySide6.QtWidgets import QAbstractButton

    other = widget.findChild(QAbstractButton, f"choice_{choice}")
    assert other is not None, (name, choice)
    other.click()


def fill_coffeeshop(runner: object) -> None:
    from fieldapp.ui.runner.runner import FormRunner

    assert isinstance(runner, FormRunner)
    _type(runner, "inspectors", "BOA 4411, BOA 4417")
    _choose(runner, "partner_agencies", "police")
    _choose(runner, "announced", "no")
    _choose(runner, "inspection_reason", "complaint")
    _choose(runner, "present_for_shop", "staff_only")
    runner.next_page()
    _choose(runner, "permit_displayed", "yes")
    _choose(runner, "alcohol_on_site", "no")
    runner.next_page()
    _choose(runner, "advertising_found", "yes")
    _choose(runner, "advertising_kinds", "window_display")
    runner.go_to_page(5)
    _choose(runner, "door_age_check", "some_checked")
    _type(runner, "minors_present_count", "-1")
    settle(100)


def finish_coffeeshop(runner: object) -> None:
    """Everything but the signature, with some findings: what a summary usually shows."""
    from fieldapp.ui.runner.runner import FormRunner

    assert isinstance(runner, FormRunner)
    runner.go_to_page(1)
    _type(runner, "nearest_school_distance_m", "180")
    _type(runner, "nearest_school_name", "Basisschool De Zeester, Zoutmanstraat 2")
    _choose(runner, "in_residential_street", "no")
    _choose(runner, "in_shopping_centre", "no")
    _choose(runner, "beside_bar_or_club", "no")
    runner.go_to_page(2)
    _type(runner, "advertising_description", "Verlichte gevelreclame, 2 x 1 m, met cannabisblad.")
    runner.go_to_page(3)
    _choose(runner, "hard_drugs_found", "no")
    runner.go_to_page(4)
    _choose(runner, "nuisance_observed", "none")
    _choose(runner, "nuisance_complaints_known", "no")
    runner.go_to_page(5)
    _type(runner, "minors_present_count", "")
    widget = runner.question_widget("minors_present_count")
    assert widget is not None
    line = widget.findChild(QLineEdit)
    assert line is not None
    line.setText("0")
    _choose(runner, "minor_sale_observed", "no")
    runner.go_to_page(6)
    _type(runner, "stock_in_shop_grams", "640")
    _choose(runner, "storage_nearby", "no")
    _choose(runner, "weighing_method", "calibrated_scale")
    _choose(runner, "stock_records_checked", "yes")
    runner.go_to_page([page.key for page in runner.pages].index("closing"))
    _choose(runner, "previous_violation", "yes")
    _choose(runner, "findings_communicated", "yes")
    _type(runner, "findings_summary", "Reclame aan de gevel; voorraad 640 g op geijkte weegschaal.")
    end = runner.question_widget("inspection_end")
    assert end is not None
    now = [b for b in end.findChildren(QPushButton) if b.text() in ("Nu", "Now")]
    now[0].click()
    settle(100)


def fill_patrol(runner: object) -> None:
    from fieldapp.ui.runner.runner import FormRunner

    assert isinstance(runner, FormRunner)
    _type(runner, "officer_numbers", "BOA 5120, BOA 5133")
    runner.next_page()
    section = runner.repeat_section("observations")
    assert section is not None
    section.add.click()
    wait_until(lambda: len(section.cards) == 1)
    (row,) = runner.session.rows["observations"]
    _choose(runner, "category", "animal_welfare", row)
    _type(runner, "observation_place", "Hoefkade bij nr. 210", row)
    _type(runner, "observation_count", "1", row)
    settle(100)
    from fieldapp.ui.runner.page import PageView

    view = runner.stack.currentWidget()
    if isinstance(view, PageView):
        view.verticalScrollBar().setValue(0)


def fill_door_test(runner: object) -> None:
    from fieldapp.ui.runner.runner import FormRunner

    assert isinstance(runner, FormRunner)
    _type(runner, "design_label", "profiel A – mannen 18–25")
    _type(runner, "group_size", "3")
    _choose(runner, "group_as_designed", "yes")
    runner.next_page()
    _choose(runner, "dress_as_designed", "yes")
    _choose(runner, "queue_present", "yes")
    _type(runner, "waiting_minutes", "12")
    _choose(runner, "house_rules_posted", "no")
    runner.next_page()
    _choose(runner, "id_requested", "yes")
    _choose(runner, "extra_conditions", "none")
    _choose(runner, "entry_result", "refused")
    _choose(runner, "reason_given", "regulars_only")


if __name__ == "__main__":
    sys.exit(main())
