"""The whole review cycle through the supervisor's GUI, against a real central store.

A boa finalizes and syncs (the sync client); the supervisor opens it in the review inbox,
comments on one question and returns it; the boa's device pulls the return, only that
question reopens, the boa corrects it and syncs; the supervisor sees what changed and
approves; the device pulls the approval. States are asserted on both sides.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QTableWidgetItem
from pytestqt.qtbot import QtBot

from fieldapp.app.demo import load_demo_world
from fieldapp.app.review.desk import ReviewDesk
from fieldapp.app.session import KdfParams, SignedIn, sign_in
from fieldapp.app.settings import Settings
from fieldapp.core.forms import QuestionType
from fieldapp.core.inspection import InspectionStatus
from fieldapp.store.errors import QuestionLocked
from fieldapp.sync.transport import CentralLine, Credentials
from fieldapp.ui.app import build_context
from fieldapp.ui.context import AppContext
from fieldapp.ui.errors import start_bug_log
from fieldapp.ui.review.panel import ReviewPanel
from tests.support.central import (
    BOA,
    SUPERVISOR_CENTRUM,
    Central,
    make_version,
    push,
    running_central,
)
from tests.support.store import fill_draft, new_profile
from tests.support.sync import client_for

WAIT = 20_000

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.fixture(scope="module")
def central(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Central]:
    with running_central("sqlite", tmp_path_factory.mktemp("cycle"), "cycle") as running:
        yield running


@pytest.fixture
def context(qtbot: QtBot, tmp_path: Path) -> Iterator[AppContext]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    home = tmp_path / "supervisor"
    home.mkdir()
    settings = Settings.load(home).with_value("idle_lock_minutes", 0)
    built = build_context(app, home, settings, start_bug_log(home))
    built.kdf = KdfParams.fast_for_tests()
    yield built
    built.tasks.wait()
    built.translations.remove()


def desk_factory(url: str) -> object:
    def make(signed: SignedIn) -> ReviewDesk:
        line = CentralLine(
            url,
            device_id="review-test",
            credentials=Credentials(signed.user.username, "demo"),
        )
        return ReviewDesk(line, signed.user.username)

    return make


def signed_supervisor(context: AppContext) -> SignedIn:
    world = load_demo_world()
    return sign_in(context.home, SUPERVISOR_CENTRUM, "demo", world, kdf=context.kdf)


def open_in_review(
    context: AppContext, qtbot: QtBot, central: Central, inspection_id: str
) -> tuple[SignedIn, ReviewPanel]:
    """The supervisor's review panel at 1280×800 with `inspection_id` opened from the
    inbox; her confirmations answer yes."""
    signed = signed_supervisor(context)
    panel = ReviewPanel(context, signed, desk_factory(central.url))  # type: ignore[arg-type]
    qtbot.addWidget(panel)
    panel.resize(1280, 800)
    panel.show()
    panel.confirm = lambda _question, _action, done: done()
    qtbot.waitUntil(lambda: panel.model.row_of(inspection_id) is not None, timeout=WAIT)
    row = panel.model.row_of(inspection_id)
    assert row is not None
    panel.table.selectRow(row)
    qtbot.waitUntil(lambda: panel.loaded is not None, timeout=WAIT)
    return signed, panel


def test_return_correct_resubmit_approve(
    central: Central, context: AppContext, qtbot: QtBot, tmp_path: Path
) -> None:
    # The boa finalizes a coffeeshop inspection and syncs it.
    device = new_profile(tmp_path / "boa", username=BOA, password="demo")
    inspection_id = fill_draft(device, "coffeeshop_inspection", 7)
    first = device.finalize(inspection_id)
    with client_for(device, central.url) as sync:
        assert sync.sync_once().complete

        # The supervisor finds it in the review inbox and opens it.
        signed, panel = open_in_review(context, qtbot, central, inspection_id)
        loaded = panel.loaded
        assert loaded is not None and loaded.actionable
        assert loaded.summary.status is InspectionStatus.SENT
        assert panel.approve_button.isEnabled() and panel.return_button.isEnabled()
        engine = loaded.report.engine
        # A plain text question at the top level, to comment on and correct.
        question = next(
            name
            for name, _label in loaded.questions
            if engine.fields[name].kind is QuestionType.TEXT
            and engine.fields[name].repeat is None
            and engine.fields[name].parent_in_row is False
            and engine.fields[name].constraint is None  # any corrected text is valid
        )
        assert panel.detail.comment_on(question, "Graag preciezer: wat zag u precies?")
        panel.note.setText("Eén vraag nalopen.")
        qtbot.mouseClick(panel.return_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(
            lambda: (
                panel.loaded is not None
                and panel.loaded.summary.status is InspectionStatus.RETURNED
            ),
            timeout=WAIT,
        )
        returned = panel.loaded
        assert returned is not None and not returned.actionable
        assert not panel.approve_button.isEnabled()
        event = returned.detail.reviews[-1]
        assert event.action.value == "returned" and event.reviewer == SUPERVISOR_CENTRUM
        assert event.version_id == first.version_id
        assert [c.question for c in event.comments] == [question]

        # The officer's device pulls the return: only the commented question reopens.
        assert sync.sync_once().complete
        assert device.inspection(inspection_id).status is InspectionStatus.RETURNED
        device.start_correction(inspection_id)
        reopened = device.reopened_questions(inspection_id)
        assert question in reopened
        locked = (
            next(
                name
                for name, f in engine.fields.items()
                if f.is_question and f.kind is QuestionType.TEXT and name not in reopened
            )
            if any(
                f.is_question and f.kind is QuestionType.TEXT and name not in reopened
                for name, f in engine.fields.items()
            )
            else None
        )
        if locked is not None:
            with pytest.raises(QuestionLocked):
                device.set_answer(inspection_id, locked, "mag niet")
        device.set_answer(inspection_id, question, "Twee klanten buiten met een joint.")
        second = device.finalize(inspection_id)
        assert second.base_version_id == first.version_id
        assert sync.sync_once().complete

        # The supervisor sees the correction and what changed, then approves it.
        panel.open(inspection_id)
        qtbot.waitUntil(
            lambda: panel.loaded is not None and len(panel.loaded.detail.versions) == 2,
            timeout=WAIT,
        )
        corrected = panel.loaded
        assert corrected is not None and corrected.actionable
        assert [change.question for change in corrected.changes] == [question]
        assert corrected.changes[0].after == "Twee klanten buiten met een joint."
        assert "Twee klanten" in panel.detail.versions.toPlainText()
        qtbot.mouseClick(panel.approve_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(
            lambda: (
                panel.loaded is not None
                and panel.loaded.summary.status is InspectionStatus.APPROVED
            ),
            timeout=WAIT,
        )
        approved = panel.loaded
        assert approved is not None
        actions = [(e.action.value, e.version_id) for e in approved.detail.reviews]
        assert actions == [("returned", first.version_id), ("approved", second.version_id)]
        row = panel.model.row_of(inspection_id)
        assert row is not None
        assert panel.model.summary(row).status is InspectionStatus.APPROVED

        # The server audited both actions, with who and the version.
        import sqlalchemy as sa

        from fieldapp.server import schema

        with central.store.database.read() as connection:
            audited = connection.execute(
                sa.select(schema.audit_log.c.action, schema.audit_log.c.actor).where(
                    schema.audit_log.c.subject == inspection_id
                )
            ).all()
        assert ("inspection.returned", SUPERVISOR_CENTRUM) in audited
        assert ("inspection.approved", SUPERVISOR_CENTRUM) in audited

        # The device pulls the approval.
        assert sync.sync_once().complete
        assert device.inspection(inspection_id).status is InspectionStatus.APPROVED

        # The PDF report renders inside the app.
        qtbot.mouseClick(panel.pdf_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: hasattr(panel, "preview"), timeout=WAIT)
        qtbot.waitUntil(lambda: len(panel.preview.page_labels) > 0, timeout=WAIT)
        panel.preview.close()
        assert panel.setup is not None
        panel.setup.desk.close()  # its sockets must not outlive the test
    signed.profile.close()
    device.close()


def test_a_boa_cannot_review(central: Central) -> None:
    from fieldapp.sync.errors import Refusal

    desk = ReviewDesk(
        CentralLine(central.url, device_id="x", credentials=Credentials(BOA, "demo")), BOA
    )
    with pytest.raises(Refusal) as refused:
        desk.approve("0" * 32, "1" * 32)
    assert refused.value.status == 403
    desk.close()


def test_the_inbox_filters_on_the_server(central: Central, tmp_path: Path) -> None:
    from fieldapp.app.review.desk import InboxFilter

    device = new_profile(tmp_path / "boa2", username=BOA, password="demo")
    inspection_id = fill_draft(device, "neighbourhood_patrol", 3)
    device.finalize(inspection_id)
    with client_for(device, central.url) as sync:
        assert sync.sync_once().complete
    desk = ReviewDesk(
        CentralLine(
            central.url, device_id="y", credentials=Credentials(SUPERVISOR_CENTRUM, "demo")
        ),
        SUPERVISOR_CENTRUM,
    )
    mine = {s.inspection_id for s in desk.summaries(InboxFilter(author=BOA))}
    assert inspection_id in mine
    assert not list(desk.summaries(InboxFilter(author="joost.vandermeer", form_id="x")))
    summary = next(
        s for s in desk.summaries(InboxFilter(author=BOA)) if s.inspection_id == inspection_id
    )
    if summary.area_id:
        assert inspection_id in {
            s.inspection_id for s in desk.summaries(InboxFilter(area_id=summary.area_id))
        }
        assert inspection_id not in {
            s.inspection_id for s in desk.summaries(InboxFilter(area_id="nowhere"))
        }
    today = datetime.now().date()
    assert inspection_id in {
        s.inspection_id for s in desk.summaries(InboxFilter(start=today - timedelta(days=1)))
    }
    assert inspection_id not in {
        s.inspection_id for s in desk.summaries(InboxFilter(end=today - timedelta(days=3)))
    }
    words = InboxFilter(text=summary.author_name.split()[0])
    assert words.matches(summary, lambda _s: "")
    assert not InboxFilter(text="zzzz-nothing").matches(summary, lambda _s: "")
    desk.close()
    device.close()


def test_finding_5_a_supervisor_sees_the_held_conflicts_from_the_review_area(
    central: Central, context: AppContext, qtbot: QtBot
) -> None:
    # Two corrections of one inspection built on the same version: the later is held.
    first = make_version(BOA)
    with central.client(BOA) as boa:
        assert push(boa, first).status_code == 201
        newer = make_version(BOA, inspection_id=first.inspection_id, base=first.version_id)
        assert push(boa, newer).status_code == 201
        stale = make_version(
            BOA, inspection_id=first.inspection_id, base=first.version_id, note="tegelijk"
        )
        assert push(boa, stale).json()["code"] == "stale_base"

    signed = signed_supervisor(context)
    panel = ReviewPanel(context, signed, desk_factory(central.url))  # type: ignore[arg-type]
    qtbot.addWidget(panel)
    panel.resize(1280, 800)
    panel.show()
    button = panel.conflicts_button
    assert button.isVisible() and button.text() == "Vastgehouden conflicten"
    qtbot.waitUntil(button.isEnabled, timeout=WAIT)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = panel.conflicts_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.conflicts is not None, timeout=WAIT)
    table = dialog.table

    def cell(row: int, column: int) -> QTableWidgetItem:
        item = table.item(row, column)
        assert item is not None
        return item

    def header(column: int) -> str:
        item = table.horizontalHeaderItem(column)
        assert item is not None
        return item.text()

    held = [
        row
        for row in range(table.rowCount())
        if cell(row, 0).data(Qt.ItemDataRole.UserRole) == stale.version_id
    ]
    assert len(held) == 1
    row = held[0]
    person = next(user for user in signed.profile.team_users() if user.username == BOA)
    assert cell(row, 1).text() == person.display_name
    assert cell(row, 4).text().startswith("Gebaseerd op een oudere versie")
    assert dialog.windowTitle() == "Vastgehouden conflicten"
    assert header(1) == "Boa of tester"
    # In English too, at once (a language switch retranslates the open dialog).
    context.translations.apply("en")
    qtbot.waitUntil(lambda: dialog.windowTitle() == "Held conflicts", timeout=WAIT)
    assert cell(row, 4).text().startswith("Built on an older version")
    context.translations.apply("nl")
    dialog.close()


def test_finding_5_a_boa_gets_no_held_conflicts_button(
    central: Central, context: AppContext, qtbot: QtBot
) -> None:
    world = load_demo_world()
    signed = sign_in(context.home, BOA, "demo", world, kdf=context.kdf)
    panel = ReviewPanel(context, signed, desk_factory(central.url))  # type: ignore[arg-type]
    qtbot.addWidget(panel)
    assert panel.conflicts_button.isHidden()
    qtbot.waitUntil(lambda: not panel.busy, timeout=WAIT)


def review_words(panel: ReviewPanel) -> set[str]:
    """The words on the review screen, with every filter's choices (its popup's rows)."""
    import re

    from PySide6.QtWidgets import QComboBox

    from tests.ui.test_app import visible_words

    words = visible_words(panel)
    for combo in panel.findChildren(QComboBox):
        for index in range(combo.count()):
            words |= {w.lower() for w in re.findall(r"[^\W\d_]+", combo.itemText(index))}
    return words


def test_english_mode_left_the_review_filters_signals_and_answers_in_dutch(
    central: Central, context: AppContext, qtbot: QtBot, tmp_path: Path
) -> None:
    """Issue 15, defect 8: a supervisor who switches to English while reviewing kept the
    filters, the checklist names and signals in the inbox, and the open inspection in
    Dutch; the comment she had typed is kept through the switch."""
    from tests.ui.test_app import DUTCH_WORDS

    device = new_profile(tmp_path / "boa-en", username=BOA, password="demo")
    inspection_id = fill_draft(device, "coffeeshop_inspection", 11)
    device.finalize(inspection_id)
    with client_for(device, central.url) as sync:
        assert sync.sync_once().complete
    device.close()
    signed, panel = open_in_review(context, qtbot, central, inspection_id)
    assert panel.form.itemText(0) == "Alle checklists"
    question = next(name for name, _label in (panel.loaded.questions if panel.loaded else []))
    assert panel.detail.comment_on(question, "Graag een foto erbij")
    dutch_title = panel.detail.title.text()
    assert "Coffeeshopcontrole" in dutch_title

    detail = panel.detail
    # The photos are already here: the switch must not fetch them again.
    qtbot.waitUntil(lambda: len(detail._images) >= len(detail._photos), timeout=WAIT)
    fetched: list[str] = []
    load_image = detail.load_image

    def counted(sha: str, done: Any) -> None:
        fetched.append(sha)
        load_image(sha, done)

    detail.load_image = counted
    context.change_setting("language", "en")
    context.translations.apply("en")
    qtbot.waitUntil(lambda: panel.form.itemText(0) == "All checklists", timeout=WAIT)
    qtbot.waitUntil(lambda: "Coffeeshop inspection" in detail.title.text(), timeout=WAIT)
    assert fetched == []
    for index in range(detail.tabs.count()):
        detail.tabs.setCurrentIndex(index)
        dutch = review_words(panel) & DUTCH_WORDS
        assert dutch == set(), (detail.tabs.tabText(index), dutch)
    # The English checklist name in the filter and in the inbox row, as the form has it.
    form_title = signed.forms[0].definition.title
    english = {choice.definition.title["en"] for choice in signed.forms}
    assert english <= {panel.form.itemText(i) for i in range(panel.form.count())}, form_title
    row = panel.model.row_of(inspection_id)
    assert row is not None
    shown = panel.model.index(row, 0).data(Qt.ItemDataRole.DisplayRole)
    assert "Coffeeshopcontrole" not in str(shown)
    # Nothing typed was lost by the switch.
    assert [(c.question, c.text) for c in detail.comments()] == [(question, "Graag een foto erbij")]
    context.change_setting("language", "nl")
    context.translations.apply("nl")


def test_a_question_could_not_be_reopened_without_writing_a_comment(
    central: Central, context: AppContext, qtbot: QtBot, tmp_path: Path
) -> None:
    """Issue 15, defect 2: the supervisor ticks a question's box (with the keyboard: Space
    in the comment column) to reopen it without a comment; the return carries it, the
    boa's device reopens exactly that question (with the photos beside it) and the report's
    trail says it was reopened without a comment."""
    from fieldapp.app.reports import inspection_pdf
    from fieldapp.store.corrections import reopened_by
    from fieldapp.ui.review.detail import COMMENT_COLUMN, QUESTION_ROLE
    from tests.reports.test_dossier_report import pdf_text

    device = new_profile(tmp_path / "boa-reopen", username=BOA, password="demo")
    inspection_id = fill_draft(device, "coffeeshop_inspection", 13)
    first = device.finalize(inspection_id)
    with client_for(device, central.url) as sync:
        assert sync.sync_once().complete
        signed, panel = open_in_review(context, qtbot, central, inspection_id)
        tree = panel.detail.answers
        item = next(
            item
            for item in panel.detail._question_items()
            if item.data(0, QUESTION_ROLE) == "stock_in_shop_grams"
        )
        assert item.checkState(COMMENT_COLUMN) == Qt.CheckState.Unchecked
        tree.setFocus()
        tree.setCurrentItem(item, COMMENT_COLUMN)
        qtbot.keyClick(tree.viewport(), Qt.Key.Key_Space)
        assert item.checkState(COMMENT_COLUMN) == Qt.CheckState.Checked
        assert [(c.question, c.text) for c in panel.detail.comments()] == [
            ("stock_in_shop_grams", "")
        ]
        qtbot.mouseClick(panel.return_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(
            lambda: (
                panel.loaded is not None
                and panel.loaded.summary.status is InspectionStatus.RETURNED
            ),
            timeout=WAIT,
        )
        # What the central store holds, read from its database.
        import sqlalchemy as sa

        from fieldapp.protocol.models import ReviewEvent
        from fieldapp.server import schema

        with central.store.database.read() as connection:
            payload = connection.execute(
                sa.select(schema.review_events.c.payload).where(
                    schema.review_events.c.inspection_id == inspection_id
                )
            ).scalar_one()
        stored = ReviewEvent.model_validate_json(payload)
        assert [(c.question, c.text) for c in stored.comments] == [("stock_in_shop_grams", "")]

        assert sync.sync_once().complete
        assert device.inspection(inspection_id).status is InspectionStatus.RETURNED
        device.start_correction(inspection_id)
        loaded = panel.loaded
        assert loaded is not None
        reopened = device.reopened_questions(inspection_id)
        assert reopened == reopened_by(loaded.report.engine, {"stock_in_shop_grams"})
        assert {"stock_in_shop_grams", "stock_photo"} <= reopened
        assert device.review_comments(inspection_id) == {"stock_in_shop_grams": ""}
        pdf = inspection_pdf(loaded.report, None, language="nl")
        assert "heropend zonder opmerking" in pdf_text(pdf)
        assert first.version_id == loaded.head_version_id
    assert panel.setup is not None
    panel.setup.desk.close()
    signed.profile.close()
    device.close()


def test_a_reply_to_a_return_reaches_the_supervisor_beside_her_comment(
    central: Central, context: AppContext, qtbot: QtBot, tmp_path: Path
) -> None:
    """Issue 15, defect 2: a correction could dead-end. The boa types a reply under the
    supervisor's comment in the form runner; it travels in the corrected version and the
    supervisor reads it beside her comment, in the history and in the PDF."""
    import sqlalchemy as sa

    from fieldapp.app.inspections import correct_inspection, open_inspection
    from fieldapp.app.reports import inspection_pdf
    from fieldapp.app.venues import RegistryDirectory
    from fieldapp.core.inspection import InspectionVersion
    from fieldapp.reports import Language
    from fieldapp.server import schema
    from fieldapp.ui.inspection import InspectionScreen
    from tests.reports.test_pdf import flat, text_of

    reply_text = "De voorraad in de kelderbox is meegewogen, zie foto 2"
    comment = "Klopt de gewogen voorraad wel?"
    device = new_profile(tmp_path / "boa", username=BOA, password="demo")
    inspection_id = fill_draft(device, "coffeeshop_inspection", 11)
    first = device.finalize(inspection_id)
    with client_for(device, central.url) as sync:
        assert sync.sync_once().complete

        # The supervisor returns it with a comment on one question.
        signed, panel = open_in_review(context, qtbot, central, inspection_id)
        assert panel.loaded is not None and panel.loaded.actionable
        assert panel.detail.comment_on("findings_summary", comment)
        qtbot.mouseClick(panel.return_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(
            lambda: (
                panel.loaded is not None
                and panel.loaded.summary.status is InspectionStatus.RETURNED
            ),
            timeout=WAIT,
        )

        # The boa's device pulls the return; the boa opens the correction and replies.
        assert sync.sync_once().complete
        user = device.user(BOA)
        assert user is not None
        boa = SignedIn(device, user, RegistryDirectory(device.venues(), device.areas()), False)
        screen = InspectionScreen(context, boa, correct_inspection(device, inspection_id))
        qtbot.addWidget(screen)
        screen.resize(1280, 800)
        screen.show()
        runner = screen.runner
        runner.go_to_question(("findings_summary", None))
        reply = runner.reply_field("findings_summary")
        assert reply is not None
        qtbot.waitUntil(reply.isVisible)
        qtbot.keyClicks(reply.editor, reply_text)
        with qtbot.waitSignal(screen.closed, timeout=WAIT):
            screen.close_inspection()
        assert device.replies(inspection_id) == {"findings_summary": reply_text}

        # Closed and opened again: the reply is still there, and in the summary.
        again = InspectionScreen(context, boa, open_inspection(device, inspection_id))
        qtbot.addWidget(again)
        again.resize(1280, 800)
        again.show()
        again.runner.go_to_question(("findings_summary", None))
        kept = again.runner.reply_field("findings_summary")
        assert kept is not None and kept.text == reply_text
        summary = again.runner.show_summary()
        listed = summary.findChild(QLabel, "summary_reply_findings_summary")
        assert listed is not None and reply_text in listed.text()
        with qtbot.waitSignal(again.finalized, timeout=WAIT):
            again.runner.finalize_requested.emit()
        correction = device.version(device.inspection(inspection_id).version_id or "")
        assert correction.base_version_id == first.version_id
        assert correction.document["replies"] == [
            {"question": "findings_summary", "row": None, "text": reply_text}
        ]
        assert correction.hash_matches()
        assert sync.sync_once().complete

    # The central store holds it, read from its own database and through the API.
    with central.store.database.read() as connection:
        record = connection.execute(
            sa.select(schema.versions.c.record).where(
                schema.versions.c.version_id == correction.version_id
            )
        ).scalar_one()
    stored = InspectionVersion.model_validate_json(record)
    assert stored.document["replies"] == correction.document["replies"]
    assert stored.content_hash == correction.content_hash
    with central.client(SUPERVISOR_CENTRUM) as api:
        detail = api.get(f"/v1/inspections/{inspection_id}").json()
    assert detail["versions"][-1]["version"]["document"]["replies"][0]["text"] == reply_text

    # The supervisor reads the reply under her comment and in the history.
    panel.open(inspection_id)
    qtbot.waitUntil(
        lambda: panel.loaded is not None and len(panel.loaded.detail.versions) == 2,
        timeout=WAIT,
    )
    loaded = panel.loaded
    assert loaded is not None
    assert [(r.question, r.text, r.comment) for r in loaded.replies] == [
        ("findings_summary", reply_text, comment)
    ]
    assert panel.detail.reply_lines() == {"findings_summary": reply_text}
    # Beside the comment it answers, on the same line of the answers tree.
    beside = [
        item.text(2)
        for item in panel.detail.answers.findItems(
            reply_text, Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchRecursive, 1
        )
    ]
    assert beside and comment in beside[0]
    history = panel.detail.versions.toPlainText()
    assert reply_text in history and comment in history
    assert "Antwoord van" in history or "Reply from" in history

    # The PDF read back shows it with the review history, in both languages.
    languages: tuple[tuple[Language, str], ...] = (("nl", "Antwoord bij"), ("en", "Reply at"))
    for language, words in languages:
        text = flat(text_of(inspection_pdf(loaded.report, language=language), tmp_path))
        assert words in text and reply_text in text, language
    assert panel.setup is not None
    panel.setup.desk.close()
    signed.profile.close()
    device.close()


def test_an_empty_inbox_said_nothing_matched_its_filters_with_every_filter_at_all(
    context: AppContext, qtbot: QtBot, tmp_path: Path
) -> None:
    """Before: a supervisor with nothing to review read "Geen verslagen bij deze filters"
    under filters all set to "all", as if she had narrowed the list. Now the empty inbox
    says nothing has come in yet; a filter that leaves nothing still says so."""
    with running_central("sqlite", tmp_path / "empty", "empty") as central:
        signed = signed_supervisor(context)
        panel = ReviewPanel(context, signed, desk_factory(central.url))  # type: ignore[arg-type]
        qtbot.addWidget(panel)
        panel.resize(1280, 800)
        panel.show()
        nothing_yet = "Er is nog niets binnengekomen om te beoordelen."
        qtbot.waitUntil(lambda: panel.message.text() == nothing_yet, timeout=WAIT)
        assert panel.message.isVisible()
        panel.search.setText("Weimarstraat")
        panel.apply_filters()
        qtbot.waitUntil(
            lambda: panel.message.text() == "Geen verslagen bij deze filters.", timeout=WAIT
        )
        panel.close()
        context.tasks.wait()


def test_the_review_tab_stood_blank_under_empty_filters_while_it_connected(
    context: AppContext, qtbot: QtBot, tmp_path: Path
) -> None:
    """Before: while the review desk signed in to the central store and read the names,
    the tab showed an empty list under three empty, clickable filters, and said nothing.
    It now says it is connecting, with the filters greyed out until they are filled."""
    release = threading.Event()
    with running_central("sqlite", tmp_path / "slow", "slow") as central:
        make = desk_factory(central.url)

        def slow(signed: SignedIn) -> ReviewDesk:
            release.wait(10)  # a slow network: bounded, should nobody release it
            return make(signed)  # type: ignore[operator, no-any-return]

        signed = signed_supervisor(context)
        try:
            panel = ReviewPanel(context, signed, slow)
            qtbot.addWidget(panel)
            panel.resize(1280, 800)
            panel.show()
            qtbot.waitExposed(panel)
            assert panel.message.isVisible()
            assert panel.message.text() == "Verbinden met de centrale opslag…"
            assert not any(combo.isEnabled() for combo in (panel.form, panel.status))
        finally:
            release.set()
        nothing_yet = "Er is nog niets binnengekomen om te beoordelen."
        qtbot.waitUntil(lambda: panel.message.text() == nothing_yet, timeout=WAIT)
        assert panel.form.isEnabled() and panel.form.count() > 1
        panel.close()
        context.tasks.wait()
