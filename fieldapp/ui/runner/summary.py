"""The summary before finalizing: what is still open, what is not allowed, every finding.

Each open question links back to its place in the form; a missing signature can be given
right here. Finalizing is possible only when nothing blocks it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from fieldapp.core.engine import AnswerKey, FormSession, Issue
from fieldapp.core.forms import QuestionType, Severity
from fieldapp.ui.runner.outcomes import SEVERITY_MARK, severity_name
from fieldapp.ui.runner.texts import FormTexts
from fieldapp.ui.widgets import (
    enable_kinetic_scrolling,
    make_button,
    make_card,
    make_label,
    set_flag,
)


@dataclass(frozen=True, slots=True)
class ReplyLine:
    """A comment of the supervisor's return and the boa's reply to it, for the summary."""

    name: str
    label: str
    comment: str
    reply: str


class SummaryView(QScrollArea):
    """Rebuilt each time it is shown; the form runner owns it.

    Signals:
        jump_requested(object): go to the question with this AnswerKey.
        sign_requested(object): open the signature pad for this AnswerKey.
        finalize_requested(): the person pressed Finalize (nothing blocks it).
        reply_requested(str): go to the reply to the comment on this name (a correction).
    """

    jump_requested = Signal(object)
    reply_requested = Signal(str)
    sign_requested = Signal(object)
    finalize_requested = Signal()

    def __init__(
        self,
        texts: FormTexts,
        page_title_of: Callable[[str], str],
        parent: QWidget | None = None,
        *,
        read_only: bool = False,
    ) -> None:
        super().__init__(parent)
        self.texts = texts
        self.read_only = read_only
        self._page_title_of = page_title_of
        self._session: FormSession | None = None
        self._replies: tuple[ReplyLine, ...] = ()
        self.setObjectName("summary")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        enable_kinetic_scrolling(self)
        self.missing_count = 0
        self.invalid_count = 0
        self.outcome_count = 0
        self.finalize_button = make_button(role="primary")
        self.finalize_button.setObjectName("finalize")
        self.finalize_button.clicked.connect(self.finalize_requested)
        # Find a question by words from its label and go there (kept across rebuilds, so
        # what is typed stays).
        self.search = QLineEdit()
        self.search.setObjectName("question_search")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._search_changed)
        self.matches = QWidget()
        self.matches.setObjectName("question_matches")
        self._match_column = QVBoxLayout(self.matches)
        self._match_column.setContentsMargins(0, 0, 0, 0)
        self._match_column.setSpacing(0)

    def find_questions(self, words: str) -> list[AnswerKey]:
        """Questions outside repeats whose label holds every word, in form order."""
        session = self._session
        wanted = [w.casefold() for w in words.split()]
        if session is None or not wanted:
            return []
        found: list[AnswerKey] = []
        for name, field_ in session.engine.fields.items():
            if field_.repeat is not None or not field_.is_question:
                continue
            if not session.is_relevant(name):
                continue
            label = self.texts.text(field_.question.label).casefold()
            if label and all(word in label for word in wanted):
                found.append((name, None))
        return found

    def _search_changed(self, text: str) -> None:
        while self._match_column.count():
            item = self._match_column.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        session = self._session
        if session is None or not text.strip():
            return
        found = self.find_questions(text)
        if not found:
            self._match_column.addWidget(make_label(self.tr("No question matches."), "muted"))
        for key in found[:8]:
            field_ = session.engine.fields[key[0]]
            page = self._page_title_of(key[0])
            label = self.texts.text(field_.question.label)
            link = make_button(f"{label}  ({page})" if page else label, "link")
            link.setObjectName(f"match_{key[0]}")
            link.clicked.connect(lambda _=False, key=key: self.jump_requested.emit(key))
            self._match_column.addWidget(link)

    def refresh(self, session: FormSession, replies: Sequence[ReplyLine] = ()) -> None:
        self._session = session
        self._replies = tuple(replies)
        old = self.takeWidget()
        # The finalize button and the search outlive the rebuilt page; take them out first.
        self.finalize_button.setParent(None)
        self.search.setParent(None)
        self.matches.setParent(None)
        if old is not None:
            old.deleteLater()
        inner = QWidget()
        column = QVBoxLayout(inner)
        column.setContentsMargins(28, 20, 28, 28)
        column.setSpacing(12)
        column.addWidget(make_label(self.tr("Summary"), "title"))
        self.search.setPlaceholderText(self.tr("Find a question…"))
        self.search.setAccessibleName(self.tr("Find a question by words from it"))
        column.addWidget(self.search)
        column.addWidget(self.matches)
        self._search_changed(self.search.text())
        problems = session.problems()
        missing = [(key, issue) for key, issue in problems if issue.kind == "required"]
        invalid = [(key, issue) for key, issue in problems if issue.kind != "required"]
        outcomes = session.outcomes()
        self.missing_count = len(missing)
        self.invalid_count = len(invalid)
        self.outcome_count = len(outcomes)

        status = make_label(role="ok" if not problems else "issue")
        status.setObjectName("summary_status")
        if not problems:
            status.setText("✓ " + self.tr("Everything required is answered. You can finalize."))
        else:
            status.setText(
                self.tr("%n item(s) must be resolved before finalizing.", "", len(problems))
            )
        column.addWidget(status)

        if missing:
            column.addWidget(self._problem_card(self.tr("Still to answer"), missing, session))
        if invalid:
            column.addWidget(self._problem_card(self.tr("Not allowed"), invalid, session))

        findings = make_card()
        findings.setObjectName("summary_findings")
        box = QVBoxLayout(findings)
        box.setContentsMargins(18, 14, 18, 14)
        box.addWidget(
            make_label(self.tr("Findings (%1)").replace("%1", str(len(outcomes))), "heading")
        )
        if not outcomes:
            box.addWidget(make_label(self.tr("The answers give no findings."), "muted"))
        for outcome in outcomes:
            severity = Severity(outcome.severity)
            item = QFrame()
            set_flag(item, "severity", severity.value)
            item.setObjectName(f"finding_{outcome.name}")
            lines = QVBoxLayout(item)
            lines.setContentsMargins(12, 8, 12, 8)
            head = make_label(
                f"{SEVERITY_MARK[severity]} {self.texts.text(outcome.label)} "
                f"— {severity_name(severity)}"
            )
            head.setProperty("role", "label")
            lines.addWidget(head)
            explanation = self.texts.text(outcome.explanation)
            if explanation:
                lines.addWidget(make_label(explanation))
            box.addWidget(item)
        column.addWidget(findings)
        if self._replies:
            column.addWidget(self._reply_card(self._replies))

        self.finalize_button.setText(self.tr("Finalize and lock…"))
        self.finalize_button.setEnabled(not problems)
        self.finalize_button.setMinimumWidth(260)
        if self.read_only:
            column.addStretch(1)
            self.setWidget(inner)
            return
        note = make_label(
            self.tr(
                "After finalizing, this inspection can no longer be changed. It waits in "
                "the outbox and is sent at the next sync."
            ),
            "hint",
        )
        column.addWidget(note)
        column.addWidget(self.finalize_button, alignment=Qt.AlignmentFlag.AlignLeft)
        column.addStretch(1)
        self.setWidget(inner)

    def _problem_card(
        self, title: str, problems: list[tuple[AnswerKey, Issue]], session: FormSession
    ) -> QFrame:
        card = make_card()
        card.setObjectName(
            "summary_missing" if problems[0][1].kind == "required" else "summary_invalid"
        )
        box = QVBoxLayout(card)
        box.setContentsMargins(18, 14, 18, 14)
        box.setSpacing(2)
        box.addWidget(make_label(f"{title} ({len(problems)})", "heading"))
        engine = session.engine
        for key, issue in problems:
            name, row = key
            field = engine.fields[name]
            label = self.texts.text(field.question.label) or name
            place = self._page_title_of(name)
            if row is not None and field.repeat is not None:
                number = session.rows[field.repeat].index(row) + 1
                repeat_label = self.texts.text(engine.fields[field.repeat].question.label)
                place = f"{place} › {repeat_label} {number}"
            line = QHBoxLayout()
            link = make_button(f"{place} › {label}", "link")
            link.setObjectName(f"goto_{name}")
            link.setAccessibleDescription(self.texts.text(issue.message))
            link.clicked.connect(lambda _=False, key=key: self.jump_requested.emit(key))
            line.addWidget(link, 1)
            if field.kind is QuestionType.SIGNATURE and issue.kind == "required":
                sign = make_button(self.tr("Sign now…"), "primary")
                sign.setObjectName(f"sign_{name}")
                sign.clicked.connect(lambda _=False, key=key: self.sign_requested.emit(key))
                line.addWidget(sign)
            box.addLayout(line)
            if issue.kind != "required":
                box.addWidget(make_label(self.texts.text(issue.message), "issue"))
        return card

    def _reply_card(self, replies: Sequence[ReplyLine]) -> QFrame:
        """Each comment of the return and the reply that goes with the correction."""
        card = make_card()
        card.setObjectName("summary_replies")
        box = QVBoxLayout(card)
        box.setContentsMargins(18, 14, 18, 14)
        box.setSpacing(4)
        given = sum(1 for line in replies if line.reply)
        box.addWidget(
            make_label(
                self.tr("Replies to your supervisor (%1 of %2)")
                .replace("%1", str(given))
                .replace("%2", str(len(replies))),
                "heading",
            )
        )
        for line in replies:
            link = make_button(line.label, "link")
            link.setObjectName(f"goto_reply_{line.name}")
            link.setAccessibleDescription(self.tr("Go to the reply"))
            link.clicked.connect(lambda _=False, name=line.name: self.reply_requested.emit(name))
            box.addWidget(link, alignment=Qt.AlignmentFlag.AlignLeft)
            if line.comment:
                box.addWidget(make_label(self.tr("Supervisor: %1").replace("%1", line.comment)))
            reply = make_label(
                self.tr("Your reply: %1").replace("%1", line.reply)
                if line.reply
                else self.tr("No reply (optional)"),
                None if line.reply else "muted",
            )
            reply.setObjectName(f"summary_reply_{line.name}")
            box.addWidget(reply)
        return card

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange and self._session is not None:
            self.refresh(self._session, self._replies)
        super().changeEvent(event)
