"""The form runner: pages, navigation, live updates from the engine, autosave, summary.

Every edit goes to `FormSession.set_answer` (or `add_row`, `remove_row`, `move_row`), and
the `Changes` it returns name exactly which widgets to touch: relevance shows or hides
them, calculated values and messages refresh, findings appear. Nothing is rebuilt on a
keystroke. The runner's session is the one live session of the inspection: each change
then goes, as a plain value, to the `AnswerSink` through the autosave queue, and nothing
comes back to replay.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial

from PySide6.QtCore import (
    QEvent,
    QItemSelectionModel,
    QPoint,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLayout,
    QListView,
    QProgressBar,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from fieldapp.app.visits import CarriedOver
from fieldapp.core.engine import AnswerKey, Changes, Field, FormSession
from fieldapp.core.entities import FORM_VENUE_KINDS, AssignmentForm, Venue, VenueKind
from fieldapp.core.expr import Value
from fieldapp.core.followup import VenueFieldSummary
from fieldapp.core.forms import ATTACHMENT_TYPES, Question, QuestionType
from fieldapp.core.texts import local
from fieldapp.ui.dates import short_date
from fieldapp.ui.errors import describe
from fieldapp.ui.runner.autosave import Autosave, SaveState
from fieldapp.ui.runner.media import ImageQuestion, Media, SignatureQuestion
from fieldapp.ui.runner.outcomes import OutcomeStrip
from fieldapp.ui.runner.page import (
    GroupBox,
    PageSpec,
    PageView,
    RepeatSection,
    RowCard,
    names_under,
    pages_of,
)
from fieldapp.ui.runner.places import GeopointQuestion, VenueQuestion
from fieldapp.ui.runner.progress import Progress, answerable, progress_of, too_few_rows
from fieldapp.ui.runner.questions import (
    AcknowledgeQuestion,
    CalculatedQuestion,
    DateTimeQuestion,
    NoteQuestion,
    NumberQuestion,
    QuestionWidget,
    RatingQuestion,
    SelectMultipleQuestion,
    SelectOneQuestion,
    TextQuestion,
)
from fieldapp.ui.runner.replies import ReplyField
from fieldapp.ui.runner.sections import SectionDelegate, SectionListModel
from fieldapp.ui.runner.services import RunnerServices
from fieldapp.ui.runner.sink import AnswerSink
from fieldapp.ui.runner.summary import ReplyLine, SummaryView
from fieldapp.ui.runner.texts import FormTexts
from fieldapp.ui.theme import THEME, is_discreet
from fieldapp.ui.venue_file import venue_file_lines
from fieldapp.ui.widgets import enable_kinetic_scrolling, make_button, make_label

log = logging.getLogger(__name__)

_SIMPLE: dict[QuestionType, type[QuestionWidget]] = {
    QuestionType.TEXT: TextQuestion,
    QuestionType.INTEGER: NumberQuestion,
    QuestionType.DECIMAL: NumberQuestion,
    QuestionType.SELECT_ONE: SelectOneQuestion,
    QuestionType.SELECT_MULTIPLE: SelectMultipleQuestion,
    QuestionType.DATE: DateTimeQuestion,
    QuestionType.TIME: DateTimeQuestion,
    QuestionType.DATETIME: DateTimeQuestion,
    QuestionType.NOTE: NoteQuestion,
    QuestionType.ACKNOWLEDGE: AcknowledgeQuestion,
    QuestionType.RATING: RatingQuestion,
    QuestionType.CALCULATE: CalculatedQuestion,
}


@dataclass(frozen=True, slots=True)
class Position:
    """Where a person is in a form: a page, and the question (and repeat row) on it."""

    page: str
    question: str | None = None
    row: str | None = None


class FormRunner(QWidget):
    """Fills in one inspection of any form.

    Signals:
        finalize_requested(): the person confirmed finalizing and nothing blocks it.
        close_requested(): the person wants to leave the form; everything is saved.
        position_changed(object): the `Position` the person is at now.
        row_added(str, str): a repeat row was added (repeat name, row id).
    """

    finalize_requested = Signal()
    close_requested = Signal()
    position_changed = Signal(object)
    row_added = Signal(str, str)

    def __init__(
        self,
        session: FormSession,
        sink: AnswerSink,
        services: RunnerServices,
        language: str,
        *,
        subject: str = "",
        start: Position | None = None,
        comments: Mapping[str, str] | None = None,
        replies: Mapping[str, str] | None = None,
        instructions: Mapping[str, str] | None = None,
        history: VenueFieldSummary | None = None,
        carried: CarriedOver | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("form_runner")
        self._instructions = dict(instructions or {})
        self._history = history
        self._carried = carried
        self.session = session
        self.engine = session.engine
        self.services = services
        self.texts = FormTexts(self.engine.definition, language)
        self.autosave = Autosave(sink, services.tasks, self)
        self.media = Media(self.autosave, services.tasks)
        self.subject = subject
        self.pages: list[PageSpec] = pages_of(self.engine.definition)
        self._page_index = {spec.key: index for index, spec in enumerate(self.pages)}
        self._page_of: dict[str, int] = {}
        self._page_answerable: list[list[str]] = []
        self._page_repeats: list[list[str]] = []
        for index, spec in enumerate(self.pages):
            names = names_under(spec.questions)
            for name in names:
                self._page_of[name] = index
            self._page_answerable.append(answerable(self.engine, names))
            self._page_repeats.append(
                [n for n in names if self.engine.fields[n].kind is QuestionType.REPEAT]
            )
        self._questions: dict[AnswerKey, QuestionWidget] = {}
        self._containers: dict[AnswerKey, QWidget] = {}
        self._sections: dict[str, RepeatSection] = {}
        self._views: dict[int, PageView] = {}
        self._revealed: set[int] = set()
        self._touched: set[AnswerKey] = set()
        self._current = 0
        self._on_summary = False
        self._position: Position | None = None
        self._progress = Progress()
        self._progress_timer = QTimer(self)
        self._progress_timer.setSingleShot(True)
        self._progress_timer.setInterval(0)
        self._progress_timer.timeout.connect(self._refresh_progress)
        self._venue_kinds = _venue_kinds(self.engine.form_id)
        self._comments = dict(comments or {})
        # A correction draft (replies given) asks for a reply under each comment.
        self._replies: dict[str, str] | None = (
            None if replies is None or services.read_only else dict(replies)
        )
        self._reply_fields: dict[str, ReplyField] = {}
        #: Whose relevance each reply field follows: its question, group or repeat.
        self._reply_anchors: dict[AnswerKey, list[ReplyField]] = {}

        self._build_frame()
        self.autosave.state_changed.connect(self._save_state_changed)
        self.autosave.save_failed.connect(lambda _error: self._save_state_changed(SaveState.FAILED))
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_changed)
        # Discreet mode is switched with the theme (see `theme.apply_theme`).
        THEME.changed.connect(self._retranslate_ui)
        self._retranslate_ui()
        self.outcomes.show_outcomes(session.outcomes())
        self._refresh_progress()
        self._resume(start)

    # -- building --------------------------------------------------------------------------

    def _build_frame(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)

        bar = QFrame()
        bar.setProperty("role", "bar")
        top = QHBoxLayout(bar)
        top.setContentsMargins(20, 10, 14, 10)
        titles = QVBoxLayout()
        titles.setSpacing(0)
        self.title = make_label(role="heading", wrap=False)
        self.subject_label = make_label(self.subject, "muted", wrap=False)
        titles.addWidget(self.title)
        titles.addWidget(self.subject_label)
        self.save_state = make_label(role="muted", wrap=False)
        self.save_state.setObjectName("save_state")
        self.retry = make_button(role="danger")
        self.retry.setObjectName("retry_save")
        self.retry.clicked.connect(self.autosave.retry)
        self.retry.hide()
        self.close_button = make_button()
        self.close_button.setObjectName("close_form")
        self.close_button.clicked.connect(self.close_requested)
        top.addLayout(titles, 1)
        self.subject_label.setHidden(not self.subject)
        top.addWidget(self.save_state)
        top.addWidget(self.retry)
        top.addWidget(self.close_button)
        layout.addWidget(bar)

        # The assignment's instructions, in full (a tablet shows no tooltips); one tap
        # folds them away and back.
        self.instructions = QFrame()
        self.instructions.setObjectName("instructions")
        self.instructions.setProperty("role", "notice")
        notice = QVBoxLayout(self.instructions)
        notice.setContentsMargins(20, 2, 20, 6)
        notice.setSpacing(0)
        self.instructions_toggle = make_button(role="link")
        self.instructions_toggle.setObjectName("instructions_toggle")
        self.instructions_toggle.setCheckable(True)
        self.instructions_toggle.setChecked(True)
        self.instructions_toggle.toggled.connect(self._instructions_toggled)
        self.instructions_text = make_label()
        self.instructions_text.setObjectName("instructions_text")
        self.instructions_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        notice.addWidget(self.instructions_toggle, 0, Qt.AlignmentFlag.AlignLeft)
        notice.addWidget(self.instructions_text)
        layout.addWidget(self.instructions)

        # The venue's short history from its file on the central store (boa's only): the
        # last visits, open actions and repeat offences, before the boa starts.
        self.history = QFrame()
        self.history.setObjectName("venue_history")
        self.history.setProperty("role", "notice")
        box = QVBoxLayout(self.history)
        box.setContentsMargins(20, 2, 20, 6)
        box.setSpacing(0)
        self.history_toggle = make_button(role="link")
        self.history_toggle.setObjectName("venue_history_toggle")
        self.history_toggle.setCheckable(True)
        self.history_toggle.setChecked(True)
        self.history_toggle.toggled.connect(self._history_toggled)
        self.history_text = make_label()
        self.history_text.setObjectName("venue_history_text")
        self.history_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.addWidget(self.history_toggle, 0, Qt.AlignmentFlag.AlignLeft)
        box.addWidget(self.history_text)
        layout.addWidget(self.history)

        # Answers taken from the venue's last visit: named, so the boa checks them on site.
        self.carried = QFrame()
        self.carried.setObjectName("carried_over")
        self.carried.setProperty("role", "notice")
        carried = QVBoxLayout(self.carried)
        carried.setContentsMargins(20, 6, 20, 6)
        self.carried_text = make_label()
        self.carried_text.setObjectName("carried_over_text")
        carried.addWidget(self.carried_text)
        layout.addWidget(self.carried)

        self.outcomes = OutcomeStrip(self.texts)
        self.outcomes.more_requested.connect(self.show_summary)
        self.outcomes.finding_chosen.connect(self.go_to_finding)
        layout.addWidget(self.outcomes)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        self.section_model = SectionListModel(self)
        self.section_list = QListView()
        self.section_list.setObjectName("sections")
        self.section_list.setModel(self.section_model)
        self.section_list.setWordWrap(True)
        self.section_list.setItemDelegate(SectionDelegate(self.section_list))
        self.section_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.section_list.setFrameShape(QFrame.Shape.NoFrame)
        self.section_list.setMinimumWidth(230)
        self.section_list.setMaximumWidth(340)
        self.section_list.clicked.connect(lambda index: self._section_chosen(index.row()))
        self.section_list.activated.connect(lambda index: self._section_chosen(index.row()))
        enable_kinetic_scrolling(self.section_list)
        self.stack = QStackedWidget()
        self.summary = SummaryView(
            self.texts, self._page_title_of_field, read_only=self.services.read_only
        )
        self.summary.jump_requested.connect(lambda key: self.go_to_question(key))
        self.summary.reply_requested.connect(self.go_to_reply)
        self.summary.sign_requested.connect(self._sign_from_summary)
        self.summary.finalize_requested.connect(self._confirm_finalize)
        self.stack.addWidget(self.summary)
        splitter.addWidget(self.section_list)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([270, 1000])
        layout.addWidget(splitter, 1)

        footer = QFrame()
        footer.setProperty("role", "footer")
        bottom = QHBoxLayout(footer)
        bottom.setContentsMargins(14, 10, 14, 10)
        self.previous = make_button()
        self.previous.setObjectName("previous_page")
        self.previous.clicked.connect(self.previous_page)
        self.next = make_button(role="primary")
        self.next.setObjectName("next_page")
        self.next.clicked.connect(self.next_page)
        middle = QVBoxLayout()
        middle.setSpacing(4)
        self.page_label = make_label(role="muted", wrap=False)
        self.page_label.setObjectName("page_label")
        self.page_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.progress_bar = QProgressBar()
        self.progress_bar.setTextVisible(False)
        self.progress_bar.setObjectName("progress")
        middle.addWidget(self.page_label)
        middle.addWidget(self.progress_bar)
        bottom.addWidget(self.previous)
        bottom.addLayout(middle, 1)
        bottom.addWidget(self.next)
        layout.addWidget(footer)

        self.section_model.set_pages(
            [spec.key for spec in self.pages],
            self._page_titles(),
            self.tr("Summary"),
            repeats={
                spec.key
                for spec in self.pages
                if spec.container is not None
                and self.engine.fields[spec.container].kind is QuestionType.REPEAT
            },
        )
        comment_pages: dict[int, int] = {}
        for name in self._comments:
            page = self._page_of.get(name, self._page_index.get(name))
            if page is not None:
                comment_pages[page] = comment_pages.get(page, 0) + 1
        self.section_model.set_comments(comment_pages)
        shortcuts = (
            ("Alt+Right", self.next_page),
            ("Ctrl+PgDown", self.next_page),
            ("Ctrl+Return", self.next_page),
            ("Alt+Left", self.previous_page),
            ("Ctrl+PgUp", self.previous_page),
            ("F6", self._toggle_sections_focus),
        )
        for keys, slot in shortcuts:
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    def _page_titles(self) -> list[str]:
        return [self.texts.text(spec.title) for spec in self.pages]

    def _page_title_of_field(self, name: str) -> str:
        index = self._page_of.get(name)
        return self.texts.text(self.pages[index].title) if index is not None else ""

    def _view(self, index: int) -> PageView:
        view = self._views.get(index)
        if view is None:
            spec = self.pages[index]
            view = PageView(spec, self.texts)
            section_comment = self._comments.get(spec.container or spec.key)
            if section_comment is not None:
                view.comment.setText(
                    self._supervisor_said(
                        section_comment, self.tr("Your supervisor reopened this section.")
                    )
                )
                view.comment.setVisible(True)
            self._place_reply(
                spec.container or spec.key,
                view.column,
                None,
                at=view.column.indexOf(view.comment) + 1,
            )
            top = self.engine.fields[spec.container] if spec.container else None
            if top is not None and top.kind is QuestionType.GROUP:
                # The page is the group: its title is the page's, its questions the page's.
                self._containers[(top.name, None)] = view
                self._build(list(top.question.questions or ()), None, view.content)
            else:
                self._build(list(spec.questions), None, view.content)
            self._views[index] = view
            self.stack.addWidget(view)
        return view

    def _supervisor_said(self, comment: str, reopened: str) -> str:
        """The supervisor's comment, or `reopened` when she reopened it without one."""
        return self.tr("Supervisor: %1").replace("%1", comment) if comment else reopened

    def _build(self, questions: list[Question], row: str | None, layout: QLayout) -> None:
        # Every widget goes into its layout before it is shown or hidden: a parentless
        # widget that is made visible becomes a window of its own for a moment.
        for question in questions:
            field = self.engine.fields[question.name]
            key = (field.name, row)
            if field.kind is QuestionType.GROUP:
                box = GroupBox(field, row, self.texts)
                group_comment = self._comments.get(field.name)
                if group_comment is not None:
                    box.comment.setText(
                        self._supervisor_said(
                            group_comment, self.tr("Your supervisor reopened this part.")
                        )
                    )
                    box.comment.setVisible(True)
                self._containers[key] = box
                layout.addWidget(box)
                box.setVisible(self.session.is_relevant(*key))
                if row is None:
                    self._place_reply(field.name, box.content, None)
                self._build(list(question.questions or ()), row, box.content)
            elif field.kind is QuestionType.REPEAT:
                section = RepeatSection(
                    field, self.texts, self._build_row, self.services.may_edit(field.name)
                )
                section.add_requested.connect(lambda name=field.name: self.add_row(name))
                self._sections[field.name] = section
                self._containers[key] = section
                layout.addWidget(section)
                section.setVisible(self.session.is_relevant(*key))
                section.sync_rows(self.session.rows[field.name])
                if row is None:
                    # Comments on a repeat's rows reach the device joined per question:
                    # one reply each, under the whole repeat.
                    for name in [field.name, *self.engine.repeat_fields[field.name]]:
                        self._place_reply(name, layout, key)
            elif field.kind is QuestionType.CALCULATE and question.label is None:
                continue  # plumbing for outcomes and reports, not for the person
            else:
                self._question(field, row, layout)

    def _build_row(self, card: RowCard) -> None:
        field = card.section.field
        card.remove_requested.connect(lambda row, name=field.name: self.remove_row(name, row))
        card.move_requested.connect(
            lambda row, delta, name=field.name: self.move_row(name, row, delta)
        )
        self._build(list(field.question.questions or ()), card.row, card.content)

    def _question(self, field: Field, row: str | None, layout: QLayout) -> QuestionWidget:
        widget = self._create(field, row)
        layout.addWidget(widget)
        key = widget.key
        self._questions[key] = widget
        if widget.editable:
            widget.show_answer(self.session.answers.get(key, ""))
        else:
            widget.show_answer(self.session.value(*key))
        if field.choice_filter is not None:
            widget.set_visible_choices({c.name for c in self.session.visible_choices(*key)})
        widget.setVisible(self.session.is_relevant(*key))
        widget.set_issue(self._issue_text(key))
        if field.name in self._comments:
            widget.set_comment(self._comments[field.name])
            if row is None:
                self._place_reply(field.name, layout, key)
        widget.answered.connect(lambda value, key=key: self.answer(key, value))
        widget.submitted.connect(lambda key=key: self._go_on(key))
        return widget

    def _place_reply(
        self, name: str, layout: QLayout, anchor: AnswerKey | None, *, at: int = -1
    ) -> None:
        """In a correction, the reply field under the comment on `name`, once."""
        if self._replies is None or name not in self._comments or name in self._reply_fields:
            return
        reply = ReplyField(name, self._replies.get(name, ""))
        reply.replied.connect(self._replied)
        if at >= 0 and isinstance(layout, QVBoxLayout):
            layout.insertWidget(at, reply)
        else:
            layout.addWidget(reply)
        self._reply_fields[name] = reply
        if anchor is not None:
            self._reply_anchors.setdefault(anchor, []).append(reply)
            reply.setVisible(self.session.is_relevant(*anchor))

    def _replied(self, name: str, text: str) -> None:
        assert self._replies is not None
        if text:
            self._replies[name] = text
        else:
            self._replies.pop(name, None)
        self.autosave.reply(name, text)

    @property
    def replies(self) -> dict[str, str] | None:
        """The replies typed so far per commented name; None outside a correction draft."""
        return None if self._replies is None else dict(self._replies)

    def reply_field(self, name: str) -> ReplyField | None:
        """The reply field under the comment on `name`, once its page has been built."""
        return self._reply_fields.get(name)

    def go_to_reply(self, name: str) -> ReplyField | None:
        """Show the page of a commented name and put the cursor in its reply."""
        page = self._page_of.get(name, self._page_index.get(name))
        if page is None:
            return None
        view = self.go_to_page(page)
        reply = self._reply_fields.get(name)
        if reply is None:
            return None

        def settle() -> None:
            view.ensureWidgetVisible(reply, 0, 60)
            reply.focus_editor()

        QTimer.singleShot(0, self, settle)
        return reply

    def _create(self, field: Field, row: str | None) -> QuestionWidget:
        services, texts = self.services, self.texts
        kind = field.kind
        if field.calculation is not None:
            return CalculatedQuestion(field, row, texts, services)
        if kind is QuestionType.IMAGE:
            return ImageQuestion(field, row, texts, services, self.media)
        if kind is QuestionType.SIGNATURE:
            return SignatureQuestion(field, row, texts, services, self.media)
        if kind is QuestionType.VENUE:
            return VenueQuestion(
                field, row, texts, services, self._venue_kinds, self._recent_venues
            )
        if kind is QuestionType.GEOPOINT:
            return GeopointQuestion(
                field,
                row,
                texts,
                services,
                lambda: self._venue_near(row),
                # The inspection's own venue (a question outside repeats); a patrol has none.
                has_venue=any(
                    f.kind is QuestionType.VENUE and f.repeat is None
                    for f in self.engine.fields.values()
                ),
            )
        return _SIMPLE[kind](field, row, texts, services)

    def _recent_venues(self) -> list[str]:
        recent = getattr(self.services.venues, "recent", [])
        return list(recent) if isinstance(recent, list) else []

    def _venue_near(self, row: str | None) -> Venue | None:
        """The venue answered in the same repeat row, else at the top of the form."""
        candidates = [f for f in self.engine.fields.values() if f.kind is QuestionType.VENUE]
        for field in sorted(candidates, key=lambda f: f.repeat is None):
            key = (field.name, row if field.repeat is not None else None)
            if field.repeat is not None and row is None:
                continue
            value = self.session.value(*key)
            if isinstance(value, str) and value:
                return self.services.venues.venue(value)
        return None

    # -- editing ---------------------------------------------------------------------------

    def answer(self, key: AnswerKey, value: Value) -> Changes:
        """The person changed an answer: update the session, save, update the screen."""
        name, row = key
        changes = self.session.set_answer(name, value, row)
        self._touched.add(key)
        if self.engine.fields[name].kind not in ATTACHMENT_TYPES:
            # Files were stored (and the answer updated) by the sink before we got here.
            self.autosave.answer(name, row, self.session.answers.get(key, ""))
        self._apply(changes)
        page = self._page_of.get(name)
        if page is not None and not self._on_summary:
            # Where the person last worked is where they resume, touch or keyboard alike.
            self._note_position(Position(self.pages[page].key, name, row))
        return changes

    def add_row(self, repeat: str) -> None:
        """Add a row: the session makes it (its id and defaults), the store is told."""
        row, changes = self.session.add_row(repeat)
        starting = {
            name: value
            for name in self.engine.repeat_fields[repeat]
            if (value := self.session.answers.get((name, row))) is not None
        }
        self.autosave.row_added(repeat, row, starting)
        self._apply(changes)
        section = self._sections.get(repeat)
        card = section.cards.get(row) if section is not None else None
        if card is not None:
            # At once: the next keystroke belongs in the new row, however fast it comes.
            self._focus_first(card)
        self.row_added.emit(repeat, row)

    def remove_row(self, repeat: str, row: str) -> None:
        changes = self.session.remove_row(repeat, row)
        self.autosave.row_removed(repeat, row)
        for key in [key for key in self._questions if key[1] == row]:
            del self._questions[key]
        for key in [key for key in self._containers if key[1] == row]:
            del self._containers[key]
        self._touched = {key for key in self._touched if key[1] != row}
        self._apply(changes)

    def move_row(self, repeat: str, row: str, delta: int) -> None:
        rows = self.session.rows[repeat]
        index = rows.index(row) + delta
        if not 0 <= index < len(rows):
            return
        changes = self.session.move_row(repeat, row, index)
        self.autosave.row_moved(repeat, row, index)
        self._apply(changes)
        section = self._sections.get(repeat)
        if section is not None:
            card = section.cards[row]
            button = card.up if delta < 0 else card.down
            (button if button.isEnabled() else card.title).setFocus()

    def _apply(self, changes: Changes) -> None:
        session = self.session
        for repeat in changes.rows:
            section = self._sections.get(repeat)
            if section is not None:
                section.sync_rows(session.rows[repeat])
        for key in changes.relevance:
            widget = self._questions.get(key) or self._containers.get(key)
            if widget is not None:
                widget.setVisible(session.is_relevant(*key))
            for reply in self._reply_anchors.get(key, ()):
                reply.setVisible(session.is_relevant(*key))
        for key in changes.values:
            question = self._questions.get(key)
            if question is not None and not question.editable:
                question.show_answer(session.value(*key))
        for key in changes.issues:
            question = self._questions.get(key)
            if question is not None:
                question.set_issue(self._issue_text(key))
        for key in changes.choices:
            question = self._questions.get(key)
            if question is not None:
                question.set_visible_choices({c.name for c in session.visible_choices(*key)})
        if changes.outcomes:
            self.outcomes.show_outcomes(session.outcomes())
        self._progress_timer.start()

    def _issue_text(self, key: AnswerKey) -> str | None:
        issue = self.session.issue(*key)
        if issue is None:
            return None
        # An empty required question is not a mistake while the person is still on the
        # page for the first time: say so only once they moved on, or emptied it.
        if issue.kind == "required" and key not in self._touched:
            page = self._page_of.get(key[0])
            if page not in self._revealed:
                return None
        return self.texts.text(issue.message)

    def _reveal(self, page: int) -> None:
        if page in self._revealed:
            return
        self._revealed.add(page)
        names = set(names_under(self.pages[page].questions))
        for key, question in self._questions.items():
            if key[0] in names:
                question.set_issue(self._issue_text(key))
        self._progress_timer.start()

    # -- progress and sections ---------------------------------------------------------------

    def _refresh_progress(self) -> None:
        total = Progress()
        for index, spec in enumerate(self.pages):
            applies = spec.container is None or self.session.is_relevant(spec.container)
            progress = (
                progress_of(self.session, self._page_answerable[index], self._page_repeats[index])
                if applies
                else Progress()
            )
            total = total + progress
            self.section_model.update_page(index, applies, progress)
            self.section_list.setRowHidden(index, not applies)
        for name, section in self._sections.items():
            shown = too_few_rows(self.session, name) and (self._page_of[name] in self._revealed)
            section.set_issue(self._rows_message(name) if shown else None)
        self._progress = total
        self._update_footer()

    def _rows_message(self, repeat: str) -> str:
        minimum = self.engine.fields[repeat].question.min_rows or 0
        return self.tr("Add at least %n row(s).", "", minimum)

    @property
    def progress(self) -> Progress:
        return self._progress

    def _applicable_pages(self) -> list[int]:
        return [i for i in range(len(self.pages)) if self.section_model.applies(i)]

    def _update_footer(self) -> None:
        pages = self._applicable_pages()
        progress = self._progress
        answered = (
            self.tr("%1 of %2 questions answered")
            .replace("%1", str(progress.answered))
            .replace("%2", str(progress.total))
        )
        if self._on_summary:
            self.page_label.setText(self.tr("Summary") + " · " + answered)
        else:
            number = pages.index(self._current) + 1 if self._current in pages else 0
            self.page_label.setText(
                self.tr("Page %1 of %2").replace("%1", str(number)).replace("%2", str(len(pages)))
                + " · "
                + answered
            )
        self.progress_bar.setMaximum(max(1, progress.total))
        self.progress_bar.setValue(progress.answered)
        self.progress_bar.setAccessibleName(answered)
        self.previous.setEnabled(self._on_summary or (bool(pages) and self._current > pages[0]))
        last = not pages or self._current >= pages[-1]
        self.next.setVisible(not self._on_summary)
        self.next.setText(self.tr("To summary →") if last else self.tr("Next →"))
        self.previous.setText(
            self.tr("← Back to the form") if self._on_summary else self.tr("← Previous")
        )

    def _section_chosen(self, row: int) -> None:
        if row == self.section_model.summary_row:
            self.show_summary()
        elif self.section_model.applies(row):
            self.go_to_page(row)

    def _select_section(self, row: int) -> None:
        selection = self.section_list.selectionModel()
        selection.setCurrentIndex(
            self.section_model.index(row, 0),
            QItemSelectionModel.SelectionFlag.ClearAndSelect,
        )

    def _toggle_sections_focus(self) -> None:
        if self.section_list.hasFocus():
            self._focus_first_on_page()
        else:
            self.section_list.setFocus(Qt.FocusReason.ShortcutFocusReason)

    # -- navigation ------------------------------------------------------------------------

    @property
    def current_page(self) -> int:
        return self._current

    @property
    def on_summary(self) -> bool:
        return self._on_summary

    def go_to_page(self, index: int, *, focus: bool = False) -> PageView:
        if not self._on_summary and index != self._current:
            self._reveal(self._current)
        view = self._view(index)
        self._current = index
        self._on_summary = False
        self.stack.setCurrentWidget(view)
        view.verticalScrollBar().setValue(0)
        self._select_section(index)
        self._update_footer()
        self._note_position(Position(self.pages[index].key))
        if focus:
            self._focus_first_on_page()
        return view

    def next_page(self) -> None:
        if self._on_summary:
            return
        later = [i for i in self._applicable_pages() if i > self._current]
        if later:
            self.go_to_page(later[0], focus=True)
        else:
            self.show_summary()

    def previous_page(self) -> None:
        if self._on_summary:
            pages = self._applicable_pages()
            target = self._current if self._current in pages else (pages[-1] if pages else 0)
            self.go_to_page(target, focus=True)
            return
        earlier = [i for i in self._applicable_pages() if i < self._current]
        if earlier:
            self.go_to_page(earlier[-1], focus=True)

    def show_summary(self) -> SummaryView:
        if not self._on_summary:
            self._reveal(self._current)
        for index in range(len(self.pages)):
            self._reveal(index)
        self._refresh_progress()
        self.summary.refresh(self.session, self._reply_lines())
        self._on_summary = True
        self.stack.setCurrentWidget(self.summary)
        self._select_section(self.section_model.summary_row)
        self._update_footer()
        self.summary.finalize_button.setFocus()
        return self.summary

    def go_to_finding(self, outcome_name: str) -> QuestionWidget | None:
        """Go to the first answer a finding rests on (a chip in the strip was tapped)."""
        for name in self.engine.answers_behind(outcome_name):
            for key in self.session.instances(name):
                if self.session.is_relevant(*key):
                    return self.go_to_question(key)
        return None

    def go_to_question(self, key: AnswerKey) -> QuestionWidget | None:
        """Show the page of a question, scroll to it and put the cursor in it."""
        name, row = key
        page = self._page_of.get(name)
        if page is None:
            return None
        view = self.go_to_page(page)
        target: QWidget | None = self._questions.get(key) or self._containers.get(key)
        if target is None and row is None:
            field = self.engine.fields[name]
            if field.repeat is not None:
                target = self._sections.get(field.repeat)
        question = self._questions.get(key)

        def settle() -> None:
            if target is not None:
                view.ensureWidgetVisible(target, 0, 60)
            if question is not None:
                question.focus_editor()

        QTimer.singleShot(0, self, settle)
        self._note_position(Position(self.pages[page].key, name, row))
        return question

    def _resume(self, start: Position | None) -> None:
        pages = self._applicable_pages()
        if start is not None and start.page in self._page_index:
            index = self._page_index[start.page]
            if index in pages:
                # Pages before the one resumed on have been seen: show their open questions.
                for earlier in range(index):
                    self._revealed.add(earlier)
                if start.question is not None and start.question in self.engine.fields:
                    self.go_to_question((start.question, start.row))
                else:
                    self.go_to_page(index)
                return
        self.go_to_page(pages[0] if pages else 0)

    def _focus_first_on_page(self) -> None:
        view = self._views.get(self._current)
        if view is None:
            return
        for question in self._visible_questions(view):
            if question.focus_editor():
                return

    def _focus_first(self, card: RowCard) -> None:
        view = self._views.get(self._current)
        for question in card.findChildren(QuestionWidget):
            if question.isVisibleTo(card) and question.editable and question.focus_editor():
                if view is not None:
                    # The card's place in the page settles on the next turn: scroll then.
                    QTimer.singleShot(0, card, partial(_show_top_of, view, card, 40))
                return

    def _visible_questions(self, view: PageView) -> list[QuestionWidget]:
        inner = view.widget()
        assert inner is not None
        found = [
            q for q in view.findChildren(QuestionWidget) if q.isVisibleTo(inner) and q.editable
        ]
        return sorted(found, key=lambda q: q.mapTo(inner, QPoint(0, 0)).y())

    def _go_on(self, key: AnswerKey) -> None:
        """Enter in a question: the next question on the page, or the next page."""
        view = self._views.get(self._current)
        if view is None:
            return
        questions = self._visible_questions(view)
        keys = [q.key for q in questions]
        if key in keys:
            for question in questions[keys.index(key) + 1 :]:
                if question.focus_editor():
                    view.ensureWidgetVisible(question, 0, 60)
                    return
        self.next_page()

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        widget = new
        while widget is not None and not isinstance(widget, QuestionWidget):
            if widget is self:
                return
            widget = widget.parentWidget()
        if widget is None or self._on_summary:
            return
        question = widget
        if self._questions.get(question.key) is not question:
            return
        page = self._page_of.get(question.field.name)
        if page is None:
            return
        self._note_position(Position(self.pages[page].key, question.field.name, question.row))

    def _note_position(self, position: Position) -> None:
        if position == self._position:
            return
        self._position = position
        self.autosave.position(position.page, position.question, position.row)
        self.position_changed.emit(position)

    @property
    def position(self) -> Position | None:
        return self._position

    def question_widget(self, name: str, row: str | None = None) -> QuestionWidget | None:
        """The widget of a question if its page has been built (tests, accessibility)."""
        return self._questions.get((name, row))

    def repeat_section(self, name: str) -> RepeatSection | None:
        return self._sections.get(name)

    # -- finalizing ------------------------------------------------------------------------

    def _reply_lines(self) -> list[ReplyLine]:
        """Each comment of the return with the reply to it, in form order (correction)."""
        if self._replies is None:
            return []
        order = {name: index for index, name in enumerate(self.engine.fields)}

        def place(name: str) -> tuple[int, int]:
            page = self._page_of.get(name, self._page_index.get(name, len(self.pages)))
            return page, order.get(name, -1)

        lines = []
        for name in sorted(self._comments, key=place):
            field = self.engine.fields.get(name)
            if field is not None:
                label = self.texts.text(field.question.label) or name
            elif name in self._page_index:
                label = self.texts.text(self.pages[self._page_index[name]].title) or name
            else:
                continue
            lines.append(ReplyLine(name, label, self._comments[name], self._replies.get(name, "")))
        return lines

    def _sign_from_summary(self, key: AnswerKey) -> None:
        page = self._page_of[key[0]]
        self._view(page)
        question = self._questions.get(key)
        if isinstance(question, SignatureQuestion):
            question.open_pad()

    def _confirm_finalize(self) -> None:
        if self.session.problems():
            self.show_summary()
            return
        from fieldapp.ui.dialogs import Confirm

        Confirm.ask(
            self,
            self.tr("Finalize this inspection?"),
            self.tr(
                "It will be locked: nobody can change it any more. It goes to the outbox "
                "and is sent at the next sync."
            ),
            self.tr("Finalize and lock"),
            self._finalize_confirmed,
        )

    def _finalize_confirmed(self) -> None:
        if not self.session.problems():
            self.finalize_requested.emit()

    # -- saving state and language -------------------------------------------------------------

    def _save_state_changed(self, state: SaveState) -> None:
        failure = self.autosave.failure
        if state is SaveState.FAILED and failure is not None:
            self.save_state.setProperty("role", "issue")
            self.save_state.setText(
                self.tr("Not saved: %1").replace("%1", describe(failure, self.texts.language))
            )
            self.save_state.setWordWrap(True)
            self.retry.show()
        else:
            self.save_state.setProperty("role", "muted")
            self.save_state.setText(
                self.tr("Saving…") if state is SaveState.SAVING else "✓ " + self.tr("Saved")
            )
            self.retry.hide()
        self.save_state.style().unpolish(self.save_state)
        self.save_state.style().polish(self.save_state)

    def set_language(self, language: str) -> None:
        """Show form texts in `language` (where the form has it) and re-read every text."""
        self.texts.language = language
        for question in self._questions.values():
            question.retranslate()
        for container in self._containers.values():
            if isinstance(container, GroupBox | RepeatSection):
                container.retranslate()
        for view in self._views.values():
            view.retranslate()
        self.outcomes.retranslate()
        self._retranslate_ui()
        if self._on_summary:
            self.summary.refresh(self.session, self._reply_lines())

    def _retranslate_ui(self) -> None:
        discreet = is_discreet()
        # Discreet mode (a mystery guest at the door): nothing on screen names the form or
        # the venue; a glance over the shoulder sees "Notes".
        self.title.setText(
            self.tr("Notes") if discreet else self.texts.text(self.engine.definition.title)
        )
        self.subject_label.setHidden(discreet or not self.subject)
        instructions = self._instructions.get(self.texts.language) or next(
            iter(self._instructions.values()), ""
        )
        self.instructions.setHidden(discreet or not instructions)
        self.instructions_text.setText(instructions)
        self._instructions_toggled(self.instructions_toggle.isChecked())
        self.history.setHidden(discreet or self._history is None)
        self.carried.setHidden(discreet or self._carried is None or self.services.read_only)
        self.carried_text.setText(self._carried_text())
        self.history_text.setText(self._history_lines())
        self._history_toggled(self.history_toggle.isChecked())
        self.close_button.setText(self.tr("Close"))
        self.close_button.setAccessibleDescription(
            self.tr("Everything you entered is saved; you can continue later.")
        )
        self.retry.setText(self.tr("Try again"))
        self.section_list.setAccessibleName(self.tr("Sections of the form"))
        self.section_model.set_titles(self._page_titles(), self.tr("Summary"))
        self.previous.setAccessibleName(self.tr("Previous page"))
        self.next.setAccessibleName(self.tr("Next page"))
        self._save_state_changed(self.autosave.state)
        self._update_footer()

    def _instructions_toggled(self, shown: bool) -> None:
        self.instructions_text.setVisible(shown)
        self.instructions_toggle.setText(
            ("▾ " if shown else "▸ ")
            + (self.tr("Instructions") if shown else self.tr("Show the instructions"))
        )

    def _history_toggled(self, shown: bool) -> None:
        self.history_text.setVisible(shown)
        self.history_toggle.setText(
            ("▾ " if shown else "▸ ")
            + (self.tr("History of this venue") if shown else self.tr("Show the venue's history"))
        )

    def _carried_text(self) -> str:
        """Which answers came from the last visit, by their labels, and to check them."""
        carried = self._carried
        if carried is None:
            return ""
        labels = []
        for name in carried.names:
            field_ = self.engine.fields.get(name)
            if field_ is not None:
                labels.append(self.texts.text(field_.question.label) or name)
        return (
            self.tr("Carried over from the visit of %1: %2. Check these answers on site.")
            .replace("%1", short_date(carried.visited_at.astimezone().date()))
            .replace("%2", "; ".join(labels))
        )

    def _history_lines(self) -> str:
        """The venue's history as a few plain lines, in the form's language."""
        history = self._history
        if history is None:
            return ""
        language = self.texts.language
        lines = []
        for visit in history.last_visits:
            day = short_date(visit.visited_at.date())
            findings = ", ".join(local(f.label, language) for f in visit.findings)
            state = (
                self.tr("approved") if visit.status == "approved" else self.tr("not yet approved")
            )
            lines.append(
                self.tr("{day}: {form} ({state}) — {findings}").format(
                    day=day,
                    form=local(visit.form_title, language),
                    state=state,
                    findings=findings or self.tr("no findings"),
                )
            )
        if not lines:
            lines.append(self.tr("No earlier visits by boa's are on file."))
        lines.extend(venue_file_lines(history, language))
        return "\n".join(lines)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate_ui()
        super().changeEvent(event)


def _show_top_of(view: PageView, widget: QWidget, margin: int) -> None:
    """Scroll so `widget`'s top is in view: a new repeat row opens at its first question.

    `ensureWidgetVisible` centres a widget taller than the view, which opens a long row
    in its middle.
    """
    inner = view.widget()
    if inner is None:
        return
    top = widget.mapTo(inner, QPoint(0, 0)).y()
    bar = view.verticalScrollBar()
    visible_top, visible_bottom = bar.value(), bar.value() + view.viewport().height()
    if top - margin < visible_top or top + widget.height() + margin > visible_bottom:
        bar.setValue(max(0, top - margin))


def _venue_kinds(form_id: str) -> frozenset[VenueKind] | None:
    """The venue kinds a form may visit, from the world's rules; None means any."""
    try:
        return FORM_VENUE_KINDS.get(AssignmentForm(form_id))
    except ValueError:
        return None
