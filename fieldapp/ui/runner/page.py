"""Pages, groups and repeats: how a form's structure becomes screens.

Each top-level group or repeat is a page; top-level questions outside any group share a
page. Nested groups become titled boxes. A repeat shows one card per row with buttons to
move the row up or down or remove it, and a button to add a row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from fieldapp.core.engine import Field
from fieldapp.core.forms import FormDefinition, LocalText, Question, QuestionType
from fieldapp.ui.runner.texts import FormTexts
from fieldapp.ui.widgets import enable_kinetic_scrolling, make_button, make_label, set_flag


@dataclass(frozen=True, slots=True)
class PageSpec:
    """One page: its key (the group's name), title and the questions on it."""

    key: str
    title: LocalText | None
    questions: tuple[Question, ...]
    #: The top-level group or repeat this page shows; None for loose top-level questions.
    container: str | None


def pages_of(definition: FormDefinition) -> list[PageSpec]:
    """Top-level groups and repeats each make a page; loose questions between them share one."""
    pages: list[PageSpec] = []
    loose: list[Question] = []

    def flush() -> None:
        if loose:
            key = f"_page{len(pages) + 1}"
            pages.append(PageSpec(key, definition.title, tuple(loose), None))
            loose.clear()

    for question in definition.questions:
        if question.kind in (QuestionType.GROUP, QuestionType.REPEAT):
            flush()
            pages.append(PageSpec(question.name, question.label, (question,), question.name))
        else:
            loose.append(question)
    flush()
    return pages


def names_under(questions: tuple[Question, ...] | list[Question]) -> list[str]:
    """Every question name in `questions` and below, in document order."""
    found: list[str] = []
    for question in questions:
        found.append(question.name)
        if question.questions:
            found.extend(names_under(question.questions))
    return found


class PageView(QScrollArea):
    """One page's questions in a scroll area that a finger can flick."""

    def __init__(self, spec: PageSpec, texts: FormTexts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.texts = texts
        self.setObjectName(f"page_{spec.key}")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        enable_kinetic_scrolling(self)
        inner = QWidget()
        inner.setObjectName("page_inner")
        # Long lines are hard to read: keep the column to a comfortable measure.
        inner.setMaximumWidth(1040)
        self.column = QVBoxLayout(inner)
        self.column.setContentsMargins(28, 20, 28, 28)
        self.column.setSpacing(6)
        self.heading = make_label(role="title")
        self.hint = make_label(role="hint")
        #: The supervisor's comment on the whole section (a return that reopened all of it).
        self.comment = make_label(role="comment")
        self.comment.setObjectName("section_comment")
        self.comment.setVisible(False)
        self.column.addWidget(self.heading)
        self.column.addWidget(self.hint)
        self.column.addWidget(self.comment)
        self.content = QVBoxLayout()
        self.content.setSpacing(4)
        self.column.addLayout(self.content)
        self.column.addStretch(1)
        self.setWidget(inner)
        self.retranslate()

    def retranslate(self) -> None:
        self.heading.setText(self.texts.text(self.spec.title))
        top = self.spec.questions[0] if self.spec.container else None
        hint = self.texts.text(top.hint) if top is not None else ""
        self.hint.setText(hint)
        self.hint.setVisible(bool(hint))


class GroupBox(QFrame):
    """A nested group: a heading over its questions; hidden as a whole when not relevant."""

    def __init__(self, field: Field, row: str | None, texts: FormTexts) -> None:
        super().__init__()
        self.field = field
        self.key = (field.name, row)
        self.texts = texts
        self.setObjectName(f"group_{field.name}")
        self.setProperty("role", "question")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 12, 0, 4)
        self.heading = make_label(role="heading")
        self.hint = make_label(role="hint")
        self.comment = make_label(role="comment")
        self.comment.setObjectName("group_comment")
        self.comment.setVisible(False)
        self.content = QVBoxLayout()
        self.content.setSpacing(4)
        layout.addWidget(self.heading)
        layout.addWidget(self.hint)
        layout.addWidget(self.comment)
        layout.addLayout(self.content)
        self.retranslate()

    def retranslate(self) -> None:
        self.heading.setText(self.texts.text(self.field.question.label))
        hint = self.texts.text(self.field.question.hint)
        self.hint.setText(hint)
        self.hint.setVisible(bool(hint))
        self.setAccessibleName(self.heading.text())

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


class RowCard(QFrame):
    """One row of a repeat: a numbered title, move and remove buttons, and its questions.

    Signals:
        move_requested(str, int): move this row by -1 (up) or +1 (down).
        remove_requested(str): remove this row (the section asks to be sure first).
    """

    move_requested = Signal(str, int)
    remove_requested = Signal(str)

    def __init__(self, section: RepeatSection, row: str) -> None:
        super().__init__()
        self.row = row
        self.section = section
        self.number = 0
        self._armed = False
        self.setProperty("role", "row")
        self.setObjectName(f"row_{row}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 14)
        header = QHBoxLayout()
        self.title = make_label(role="heading", wrap=False)
        self.up = make_button("↑")
        self.up.setObjectName("row_up")
        self.up.clicked.connect(lambda: self.move_requested.emit(self.row, -1))
        self.down = make_button("↓")
        self.down.setObjectName("row_down")
        self.down.clicked.connect(lambda: self.move_requested.emit(self.row, 1))
        self.remove = make_button(role="danger")
        self.remove.setObjectName("row_remove")
        self.remove.clicked.connect(self._remove_clicked)
        header.addWidget(self.title, 1)
        header.addWidget(self.up)
        header.addWidget(self.down)
        header.addWidget(self.remove)
        layout.addLayout(header)
        self.content = QVBoxLayout()
        self.content.setSpacing(4)
        layout.addLayout(self.content)

    def _remove_clicked(self) -> None:
        # The first tap asks, the second removes: no dialog in the way, no accidents.
        if self._armed:
            self.remove_requested.emit(self.row)
            return
        self._armed = True
        self.retranslate()

    def place(self, number: int, count: int, editable: bool) -> None:
        self.number = number
        self.up.setEnabled(editable and number > 1)
        self.down.setEnabled(editable and number < count)
        self.remove.setVisible(editable)
        self.retranslate()

    def retranslate(self) -> None:
        label = self.section.texts.text(self.section.field.question.label)
        # "Observations 1" read as a count of one; the row's number says which row it is.
        self.title.setText(
            self.tr("%1 – no. %2").replace("%1", label).replace("%2", str(self.number))
        )
        self.remove.setText(self.tr("Remove this row?") if self._armed else self.tr("Remove"))
        self.up.setAccessibleName(self.tr("Move row %1 up").replace("%1", str(self.number)))
        self.down.setAccessibleName(self.tr("Move row %1 down").replace("%1", str(self.number)))
        self.remove.setAccessibleName(self.tr("Remove row %1").replace("%1", str(self.number)))
        self.setAccessibleName(self.title.text())

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


class RepeatSection(QFrame):
    """A repeat: its rows as cards and a button to add one.

    Signals:
        add_requested(): the person wants a new row.
    """

    add_requested = Signal()

    def __init__(
        self,
        field: Field,
        texts: FormTexts,
        build_row: Callable[[RowCard], None],
        editable: bool = True,
    ) -> None:
        super().__init__()
        self.field = field
        self.key = (field.name, None)
        self.texts = texts
        self.editable = editable
        self._build_row = build_row
        self.cards: dict[str, RowCard] = {}
        self.setObjectName(f"repeat_{field.name}")
        self.setProperty("role", "question")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 8)
        layout.setSpacing(10)
        self.hint = make_label(role="hint")
        self.empty = make_label(role="muted")
        self.rows = QVBoxLayout()
        self.rows.setSpacing(12)
        self.issue = make_label(role="issue")
        self.issue.hide()
        self.add = make_button(role="primary")
        self.add.setObjectName(f"add_{field.name}")
        self.add.clicked.connect(self.add_requested)
        layout.addWidget(self.hint)
        layout.addWidget(self.empty)
        layout.addLayout(self.rows)
        layout.addWidget(self.issue)
        layout.addWidget(self.add, alignment=Qt.AlignmentFlag.AlignLeft)
        self.add.setVisible(editable)
        self.retranslate()

    def sync_rows(self, rows: list[str]) -> list[RowCard]:
        """Make the cards match `rows` (added, removed, reordered); returns new cards."""
        created: list[RowCard] = []
        for row in [row for row in self.cards if row not in rows]:
            card = self.cards.pop(row)
            self.rows.removeWidget(card)
            card.hide()
            card.deleteLater()
        for row in rows:
            if row not in self.cards:
                card = RowCard(self, row)
                self.cards[row] = card
                self._build_row(card)
                created.append(card)
        for index, row in enumerate(rows):
            card = self.cards[row]
            if self.rows.indexOf(card) != index:
                self.rows.removeWidget(card)
                self.rows.insertWidget(index, card)
            card.place(index + 1, len(rows), self.editable)
        for card in created:
            # In its layout now, so showing it cannot make it a window of its own; shown
            # at once rather than on the next turn of the event loop.
            card.show()
        maximum = self.field.question.max_rows
        self.add.setEnabled(self.editable and (maximum is None or len(rows) < maximum))
        self.empty.setVisible(not rows)
        return created

    def set_issue(self, text: str | None) -> None:
        self.issue.setText(f"⚠ {text}" if text else "")
        self.issue.setVisible(bool(text))
        set_flag(self, "problem", bool(text))

    def retranslate(self) -> None:
        label = self.texts.text(self.field.question.label)
        self.add.setText(self.tr("Add: %1").replace("%1", label))
        self.add.setAccessibleName(self.add.text())
        hint = self.texts.text(self.field.question.hint)
        self.hint.setText(hint)
        self.hint.setVisible(bool(hint))
        self.empty.setText(self.tr("Nothing added yet."))
        for card in self.cards.values():
            card.retranslate()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
