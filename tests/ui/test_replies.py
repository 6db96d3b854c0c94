"""The form runner in a correction: a reply to the supervisor under each comment.

Issue 15, defect 2 ("a correction can dead-end"): a boa whose answer was right had no way
to say so; now a reply field stands under every comment of the return, autosaves like an
answer and is listed in the summary before finalizing.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QPushButton
from pytestqt.qtbot import QtBot

from fieldapp.app.venues import RegistryDirectory
from fieldapp.core.answers import MAX_REPLY_CHARS
from fieldapp.core.formfile import load_form_file
from fieldapp.core.locations import forms_directory, seeds_directory
from fieldapp.core.worldfile import load_world
from fieldapp.ui.runner.replies import ReplyField
from fieldapp.ui.runner.runner import FormRunner
from fieldapp.ui.runner.services import DeviceSupport, RunnerServices
from fieldapp.ui.runner.sink import MemoryAnswerSink
from fieldapp.ui.tasks import TaskRunner
from fieldapp.ui.theme import TOUCH
from tests.support.qt import child

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

NOW = datetime(2026, 12, 4, 21, 30)
COMMENTS = {
    "findings_summary": "Graag concreter: wat, waar en door wie?",
    "criterion_g": "Weeg de voorraad opnieuw.",
}
REPLY = "De voorraad in de kelderbox is meegewogen, zie foto 2"


def _services(read_only: bool = False) -> RunnerServices:
    world = load_world(seeds_directory())
    return RunnerServices(
        tasks=TaskRunner(),
        venues=RegistryDirectory(world.venues, world.areas),
        devices=DeviceSupport(),
        clock=lambda: NOW,
        read_only=read_only,
    )


@pytest.fixture
def services(qtbot: QtBot) -> Iterator[RunnerServices]:
    made = _services()
    yield made
    made.tasks.wait()


def _runner(
    qtbot: QtBot,
    services: RunnerServices,
    sink: MemoryAnswerSink,
    replies: dict[str, str] | None,
) -> FormRunner:
    engine = load_form_file(forms_directory() / "coffeeshop_inspection.yaml")
    runner = FormRunner(
        engine.session(clock=lambda: NOW),
        sink,
        services,
        "nl",
        subject="Test",
        comments=COMMENTS,
        replies=replies,
    )
    qtbot.addWidget(runner)
    runner.resize(1280, 800)
    runner.show()
    return runner


def test_a_correction_dead_ended_without_a_way_to_reply_to_the_supervisor(
    qtbot: QtBot, services: RunnerServices
) -> None:
    sink = MemoryAnswerSink()
    runner = _runner(qtbot, services, sink, {"findings_summary": "Eerder getypt."})
    # Under the comment on the whole section, a reply field, reachable and finger-sized.
    index = next(i for i, spec in enumerate(runner.pages) if spec.key == "criterion_g")
    view = runner.go_to_page(index)
    reply = child(view, ReplyField, "reply_criterion_g")
    qtbot.waitUntil(reply.isVisible)
    comment = child(view, QLabel, "section_comment")
    assert (
        comment.mapTo(view, comment.rect().topLeft()).y()
        < reply.mapTo(view, reply.rect().topLeft()).y()
    )
    assert reply.editor.height() >= TOUCH
    assert reply.editor.focusPolicy() & Qt.FocusPolicy.TabFocus
    reply.editor.setFocus()
    qtbot.waitUntil(reply.editor.hasFocus)
    qtbot.keyClicks(reply.editor, REPLY)
    qtbot.waitUntil(lambda: runner.autosave.idle and sink.replies.get("criterion_g") == REPLY)
    assert reply.counter.text() == f"{len(REPLY)} / {MAX_REPLY_CHARS}"
    # Tab goes on to the next field: a reply takes no tab characters.
    qtbot.keyClick(reply.editor, Qt.Key.Key_Tab)
    assert not reply.editor.hasFocus() and "\t" not in reply.text
    # A paste over the limit is cut at it.
    reply.set_text("x" * (MAX_REPLY_CHARS + 200))
    assert len(reply.text) == MAX_REPLY_CHARS
    qtbot.waitUntil(lambda: runner.autosave.idle)
    assert sink.replies["criterion_g"] == "x" * MAX_REPLY_CHARS
    reply.set_text(REPLY)
    qtbot.waitUntil(lambda: runner.autosave.idle and sink.replies["criterion_g"] == REPLY)

    # Under the commented question, the reply typed before (the draft was reopened).
    runner.go_to_question(("findings_summary", None))
    earlier = runner.reply_field("findings_summary")
    assert earlier is not None
    qtbot.waitUntil(earlier.isVisible)
    assert earlier.text == "Eerder getypt."
    earlier.set_text("  ")
    qtbot.waitUntil(lambda: runner.autosave.idle and "findings_summary" not in sink.replies)

    # The summary lists each comment with its reply, and leads back to an empty one.
    summary = runner.show_summary()
    given = child(summary, QLabel, "summary_reply_criterion_g")
    assert REPLY in given.text()
    missing = child(summary, QLabel, "summary_reply_findings_summary")
    assert "Geen antwoord" in missing.text() or "No reply" in missing.text()
    qtbot.mouseClick(
        child(summary, QPushButton, "goto_reply_findings_summary"), Qt.MouseButton.LeftButton
    )
    qtbot.waitUntil(earlier.editor.hasFocus)
    assert not runner.on_summary


def test_no_reply_field_outside_a_correction_draft(qtbot: QtBot, services: RunnerServices) -> None:
    runner = _runner(qtbot, services, MemoryAnswerSink(), None)
    runner.go_to_question(("findings_summary", None))
    assert runner.reply_field("findings_summary") is None
    assert runner.replies is None
    assert not runner.findChildren(ReplyField)
    summary = runner.show_summary()
    assert summary.findChild(QLabel, "summary_reply_findings_summary") is None

    reading = _services(read_only=True)
    try:
        read_only = _runner(qtbot, reading, MemoryAnswerSink(), {"criterion_g": REPLY})
        read_only.go_to_question(("findings_summary", None))
        assert not read_only.findChildren(ReplyField)
    finally:
        reading.tasks.wait()
    QApplication.processEvents()
