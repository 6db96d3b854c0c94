"""One inspection as the supervisor reviews it: flags first, answers by section, evidence, history.

The answers tree follows the form (sections, then questions, repeat rows as lines) and
shows only what was relevant and answered, with choices by their labels: the same layout
as the PDF report. While the inspection awaits review, the third column takes a comment
per question; those comments are what a return sends, and only those questions reopen on
the officer's device. Photos open full screen with zoom, saying when and where they were taken
(and a marked photo shows the photo as taken on request); door tests show both visits side by
side.
"""

from __future__ import annotations

import html
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QIcon, QImage, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QListWidget,
    QListWidgetItem,
    QTabWidget,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fieldapp.app.review.loading import LoadedReview, Photo
from fieldapp.core.forms import Severity
from fieldapp.protocol.models import QuestionComment
from fieldapp.reports.answered import AnswerLine, FigureBlock, RepeatBlock, Subheading
from fieldapp.reports.i18n import Language, local
from fieldapp.reports.model import ReviewEntry, TrailStep
from fieldapp.reports.text import format_datetime
from fieldapp.ui.review.inbox import status_name
from fieldapp.ui.review.rows import WrappingDelegate
from fieldapp.ui.runner.media import PhotoViewer
from fieldapp.ui.widgets import make_button, make_label

#: Item data: the question a tree line belongs to.
QUESTION_ROLE = Qt.ItemDataRole.UserRole + 10
COMMENT_COLUMN = 2
#: Item data: the question a line of the boa's reply answers.
REPLY_ROLE = Qt.ItemDataRole.UserRole + 11

ImageLoader = Callable[[str, Callable[[QImage], None]], None]


class ReviewDetail(QWidget):
    """The loaded inspection; `comments()` holds what the supervisor wrote per question."""

    def __init__(
        self, load_image: ImageLoader, language: Language = "nl", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("review_detail")
        self.load_image = load_image
        self.language: Language = language
        self.loaded: LoadedReview | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.title = make_label(role="heading")
        self.title.setObjectName("review_title")
        self.facts = make_label(role="muted")
        self.flags = make_label()
        self.flags.setObjectName("review_flags")
        self.flags.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.title)
        layout.addWidget(self.facts)
        layout.addWidget(self.flags)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("review_tabs")
        self.tabs.setDocumentMode(True)
        # Narrower tabs than elsewhere, so all of them fit next to the inbox.
        self.tabs.setStyleSheet("QTabBar::tab { padding: 0 12px; }")
        layout.addWidget(self.tabs, 1)

        self.answers = QTreeWidget()
        self.answers.setObjectName("review_answers")
        self.answers.setColumnCount(3)
        self.answers.setUniformRowHeights(False)
        self.answers.setWordWrap(True)
        self.answers.setAlternatingRowColors(True)
        self.answers.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.SelectedClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        header = self.answers.header()
        # Long questions and answers wrap instead of ending in "…": a supervisor decides on
        # the whole text. Row heights are laid out again whenever a column changes width.
        self.answers.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.answers.setIndentation(14)
        # Questions and answers share what the comment column leaves, half each.
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(2, 190)
        header.setStretchLastSection(False)
        # The view does not tell a delegate its column's width: this one measures the text
        # against the header, so rows grow to the lines their text needs.
        self.wrapping = WrappingDelegate(self.answers)
        self.answers.setItemDelegate(self.wrapping)
        header.sectionResized.connect(lambda *_: self.answers.scheduleDelayedItemsLayout())
        self.answers.itemChanged.connect(self._comment_changed)
        self.photos = QListWidget()
        self.photos.setObjectName("review_photos")
        self.photos.setViewMode(QListWidget.ViewMode.IconMode)
        self.photos.setIconSize(QPixmap(180, 180).size())
        self.photos.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.photos.setSpacing(8)
        self.photos.itemActivated.connect(self._zoom)
        self.photos_tab = QWidget()
        photos_layout = QVBoxLayout(self.photos_tab)
        self.location = make_label(role="muted")
        photos_layout.addWidget(self.photos, 1)
        photos_layout.addWidget(self.location)
        self.pair = QTextBrowser()
        self.pair.setObjectName("review_pair")
        self.history = QTextBrowser()
        self.history.setObjectName("review_venue_history")
        self.versions = QTextBrowser()
        self.versions.setObjectName("review_versions")
        self._images: dict[str, QImage] = {}
        self._photos: dict[str, Photo] = {}
        self.empty = make_label(role="muted")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.empty)
        self.retranslate()
        self.show_loaded(None)

    # --- showing ------------------------------------------------------------------------

    def show_loaded(self, loaded: LoadedReview | None) -> None:
        previous = self.loaded
        # The same version shown again (a language switch, a refresh) keeps the comments
        # the supervisor is writing; another inspection or a newer version starts clean.
        same = (
            previous is not None
            and loaded is not None
            and previous.summary.inspection_id == loaded.summary.inspection_id
            and previous.head_version_id == loaded.head_version_id
        )
        kept = self.comments() if same else []
        self.loaded = loaded
        has = loaded is not None
        for widget in (self.title, self.facts, self.flags, self.tabs):
            widget.setVisible(has)
        self.empty.setVisible(not has)
        if loaded is None:
            return
        summary = loaded.summary
        report = loaded.report
        lang = self.language
        title = local(report.engine.definition.title, lang, summary.form_id)
        where = report.venue.name if report.venue else (report.area.name if report.area else "")
        self.title.setText(" · ".join(part for part in (title, where) if part))
        # "version 2 of 4 December" read as the second of some number: say it was received.
        version_text = self.tr("version %1, received %2")
        version_text = version_text.replace("%1", str(len(loaded.detail.versions)))
        version_text = version_text.replace("%2", format_datetime(summary.last_received_at, lang))
        self.facts.setText(
            " · ".join(
                (
                    summary.author_name,
                    status_name(summary.status.value),
                    version_text,
                )
            )
        )
        self._show_flags(loaded)
        self._fill_answers(loaded)
        for comment in kept:
            if comment.text:
                self.comment_on(comment.question, comment.text)
            else:
                self.reopen(comment.question)
        self._fill_photos(loaded)
        self._fill_pair(loaded)
        self._fill_history(loaded)
        self._fill_versions(loaded)
        self._show_replies(loaded)
        self._retitle(loaded)

    def _show_flags(self, loaded: LoadedReview) -> None:
        lang = self.language
        if not loaded.outcomes:
            self.flags.setText(f"<span style='color:#2e6b3a'>{self._words()['No signals']}</span>")
            return
        colours = {
            Severity.IMMEDIATE_CLOSURE: "#a4161a",
            Severity.SERIOUS: "#a4161a",
            Severity.VIOLATION: "#a4161a",
            Severity.ATTENTION: "#9a5b00",
        }
        parts = [
            f"<span style='color:{colours.get(Severity(o.severity), '#1f4e79')}'>"
            f"<b>{html.escape(local(o.label, lang, o.name))}</b></span>"
            for o in loaded.outcomes
        ]
        self.flags.setText("  ·  ".join(parts))

    def _fill_answers(self, loaded: LoadedReview) -> None:
        tree = self.answers
        tree.clear()
        editable = loaded.actionable
        lang = self.language
        bold = tree.font()
        bold.setBold(True)
        if loaded.outcomes:
            signals = QTreeWidgetItem([self.tr("Signals"), "", ""])
            signals.setFont(0, bold)
            for outcome in loaded.outcomes:
                line = QTreeWidgetItem(
                    [
                        local(outcome.label, lang, outcome.name),
                        local(outcome.explanation, lang, ""),
                        "",
                    ]
                )
                signals.addChild(line)
            tree.addTopLevelItem(signals)
        for section in loaded.sections:
            top = QTreeWidgetItem([section.label, "", ""])
            top.setFont(0, bold)
            top.setFirstColumnSpanned(False)
            # A comment on the section reopens all of it (an unanswered photo question too).
            top.setData(0, QUESTION_ROLE, section.name)
            if editable:
                self._commentable(top)
            for block in section.blocks:
                if isinstance(block, AnswerLine):
                    item = QTreeWidgetItem([block.label, block.text, ""])
                    item.setData(0, QUESTION_ROLE, block.name)
                    item.setToolTip(1, block.text)
                    if editable:
                        self._commentable(item)
                    top.addChild(item)
                elif isinstance(block, RepeatBlock):
                    item = QTreeWidgetItem(
                        [block.label, self.tr("%n rows", "", len(block.rows)), ""]
                    )
                    item.setData(0, QUESTION_ROLE, block.name)
                    if editable:
                        self._commentable(item)
                    # A labelled block per row: the row's first cell is its number, the
                    # answers follow in column order.
                    for row in block.rows:
                        number, *answers = row
                        row_item = QTreeWidgetItem([self.tr("Row %1").replace("%1", number)])
                        for (_name, label), text in zip(block.columns, answers, strict=True):
                            if text:
                                cell = QTreeWidgetItem([label, text, ""])
                                cell.setToolTip(1, text)
                                row_item.addChild(cell)
                        item.addChild(row_item)
                    top.addChild(item)
                elif isinstance(block, Subheading):
                    top.addChild(QTreeWidgetItem([block.label, "", ""]))
                elif isinstance(block, FigureBlock):
                    captions = ", ".join(figure.caption for figure in block.figures)
                    item = QTreeWidgetItem([captions, self.tr("see Photos"), ""])
                    if block.question:
                        item.setData(0, QUESTION_ROLE, block.question)
                        if editable:
                            self._commentable(item)
                    top.addChild(item)
            tree.addTopLevelItem(top)
        tree.expandAll()

    def _fill_photos(self, loaded: LoadedReview) -> None:
        self.photos.clear()
        # Full-size images of the inspection shown before are let go; the same inspection
        # shown again (a language switch) keeps its own and asks for none again.
        wanted = {photo.sha256 for photo in loaded.photos}
        wanted |= {photo.original for photo in loaded.photos if photo.original}
        self._images = {sha: image for sha, image in self._images.items() if sha in wanted}
        self._photos = {photo.sha256: photo for photo in loaded.photos}
        for photo in loaded.photos:
            text = "\n".join(part for part in (photo.caption, photo.details) if part)
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, photo.sha256)
            item.setToolTip(self._photo_note(photo) or photo.sha256)
            self.photos.addItem(item)

            def show(image: QImage, item: QListWidgetItem = item, sha: str = photo.sha256) -> None:
                self._images[sha] = image
                # The list was filled again (a language switch, the next inspection) before
                # this photo arrived: its old row is gone.
                if not shiboken6.isValid(item):
                    return
                thumbnail = image.scaled(
                    180,
                    180,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
                item.setIcon(QIcon(QPixmap.fromImage(thumbnail)))

            known = self._images.get(photo.sha256)
            if known is not None:
                show(known)
            else:
                self.load_image(photo.sha256, show)
        self.location.setText(loaded.location or self.tr("No location recorded."))

    def _photo_note(self, photo: Photo, *, as_taken: bool = False) -> str:
        """Under the photo: when and where it was taken, and whether marks were drawn on it."""
        parts = [photo.details]
        if photo.original is not None:
            parts.append(
                self.tr("The photo as taken, without marks")
                if as_taken
                else self.tr("Marks drawn by the boa; the photo as taken is kept")
            )
        parts.append(f"SHA-256 {(photo.original if as_taken else photo.sha256) or ''}")
        text = " · ".join(part for part in parts if part)
        # The report's words start lower case inside a caption; here they open a line.
        return text[:1].upper() + text[1:]

    def _zoom(self, item: QListWidgetItem) -> None:
        self.open_photo(str(item.data(Qt.ItemDataRole.UserRole)))

    def open_photo(self, sha: str) -> PhotoViewer | None:
        """The photo filling the window, with zoom, its time and position, Close (and
        Escape); for a marked photo, a button to see the photo as taken."""
        photo = self._photos.get(sha)
        image = self._images.get(sha)
        if photo is None or image is None:
            return None
        viewer = PhotoViewer(photo.caption, self)
        viewer.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        viewer.resize(self.window().size() * 0.95)
        viewer.setWindowState(Qt.WindowState.WindowMaximized)
        viewer.show_details(self._photo_note(photo))
        original = photo.original
        if original is not None:
            toggle = make_button(self.tr("Show photo as taken"))
            toggle.setObjectName("show_original")
            toggle.setCheckable(True)

            def switched(as_taken: bool) -> None:
                toggle.setText(
                    self.tr("Show marked photo") if as_taken else self.tr("Show photo as taken")
                )
                viewer.show_details(self._photo_note(photo, as_taken=as_taken))
                if not as_taken:
                    viewer.show_image(image)
                    return
                kept = self._images.get(original)
                if kept is not None:
                    viewer.show_image(kept)
                    return

                def loaded(taken: QImage) -> None:
                    self._images[original] = taken
                    # The viewer may have been closed while the photo came in.
                    if shiboken6.isValid(viewer) and toggle.isChecked():
                        viewer.show_image(taken)

                self.load_image(original, loaded)

            toggle.toggled.connect(switched)
            viewer.add_button(toggle)
        viewer.open()
        viewer.show_image(image)
        return viewer

    def _fill_pair(self, loaded: LoadedReview) -> None:
        view = loaded.pair
        if view is None:
            self.pair.setHtml("")
            return
        lang = self.language
        visits = (view.pair.test, view.pair.control)
        keys = (
            "arrival_time",
            "group_size",
            "entry_result",
            "reason_given",
            "house_rules_posted",
            "reason_matches_posted_rules",
            "tone",
            "notes",
        )
        engine = loaded.report.engine
        rows = []
        for key in keys:
            field_ = engine.fields.get(key)
            if field_ is None:
                continue
            cells = []
            for visit in visits:
                if visit is None:
                    cells.append("—")
                    continue
                from fieldapp.reports.text import format_answer

                value = visit.session.answers.get((key, None))
                shown = "" if value is None else format_answer(field_, value, lang)
                cells.append(html.escape(shown))
            label = html.escape(local(field_.question.label, lang, key))
            rows.append(
                f"<tr><th align=left>{label}</th><td>{cells[0]}</td><td>{cells[1]}</td></tr>"
            )
        gap = (
            self.tr("Timing gap: %1 minutes").replace("%1", f"{view.gap_minutes:.0f}")
            if view.gap_minutes is not None
            else self.tr("Timing gap: unknown")
        )
        who = [
            html.escape(visit.author.name) if visit is not None else self.tr("not received yet")
            for visit in visits
        ]
        self.pair.setHtml(
            f"<h3>{self._words()['Paired door test']} {html.escape(view.pair.test_id)}</h3>"
            f"<p><b>{html.escape(gap)}</b><br>{html.escape(view.explanation)}</p>"
            "<table cellpadding=6 cellspacing=0 border=1 style='border-collapse:collapse'>"
            f"<tr><th></th><th>{self._words()['Test group']} ({who[0]})</th>"
            f"<th>{self._words()['Control group']} ({who[1]})</th></tr>"
            + "".join(rows)
            + "</table>"
        )

    def _fill_history(self, loaded: LoadedReview) -> None:
        earlier = loaded.report.earlier
        if not earlier:
            self.history.setHtml(f"<p>{self._words()['No earlier inspections of this venue.']}</p>")
            return
        lines = "".join(
            f"<tr><td>{html.escape(format_datetime(item.started_at, self.language))}</td>"
            f"<td>{html.escape(status_name(item.status.value))}</td>"
            f"<td>{html.escape(', '.join(item.outcomes) or '—')}</td></tr>"
            for item in earlier
        )
        self.history.setHtml(
            "<table cellpadding=6 cellspacing=0 border=1 style='border-collapse:collapse'>"
            f"<tr><th>{self._words()['Received']}</th><th>{self._words()['Status']}"
            f"</th><th>{self._words()['Signals']}</th></tr>{lines}</table>"
        )

    def _fill_versions(self, loaded: LoadedReview) -> None:
        lang = self.language
        parts = [f"<h3>{self._words()['Versions']}</h3>", "<table cellpadding=5>"]
        for number, stored in enumerate(loaded.detail.versions, start=1):
            version = stored.version
            base = (
                self.tr("corrects version %1").replace("%1", str(number - 1))
                if version.base_version_id
                else ""
            )
            parts.append(
                f"<tr><td><b>{number}</b></td>"
                f"<td>{html.escape(format_datetime(stored.received_at, lang))}</td>"
                f"<td><code>{version.content_hash}</code></td><td>{html.escape(base)}</td></tr>"
            )
        parts.append("</table>")
        if loaded.changes:
            parts.append(f"<h3>{self._words()['Changed in the correction']}</h3>")
            parts.append(
                "<table cellpadding=5 cellspacing=0 border=1 style='border-collapse:collapse'>"
                f"<tr><th>{self._words()['Question']}</th>"
                f"<th>{self._words()['Before']}</th>"
                f"<th>{self._words()['After']}</th></tr>"
            )
            for change in loaded.changes:
                parts.append(
                    f"<tr><td>{html.escape(change.label)}</td>"
                    f"<td style='color:#a4161a'>{html.escape(change.before) or '—'}</td>"
                    f"<td style='color:#2e6b3a'>{html.escape(change.after) or '—'}</td></tr>"
                )
            parts.append("</table>")
        parts.append(f"<h3>{self._words()['Review trail']}</h3><ul>")
        numbers = {s.version.version_id: n for n, s in enumerate(loaded.detail.versions, start=1)}
        labels = {
            TrailStep.FINALIZED: self.tr("finalized on the device"),
            TrailStep.SUBMITTED: self.tr("submitted"),
            TrailStep.CORRECTED: self.tr("corrected and resubmitted"),
            TrailStep.RETURNED: self.tr("returned for correction"),
            TrailStep.APPROVED: self.tr("approved"),
            TrailStep.COMMENTED: self.tr("commented"),
        }
        questions = dict(loaded.questions)
        reopened = self.tr("reopened without a comment")
        for entry in loaded.report.reviews:
            line = self.tr("%1 — %2 %3 version %4")
            line = line.replace("%1", format_datetime(entry.at, lang)).replace("%2", entry.actor)
            line = line.replace("%3", labels[entry.action])
            line = line.replace("%4", str(numbers.get(entry.version_id, "?")))
            comments = "".join(
                f"<br>&nbsp;&nbsp;{html.escape(questions.get(c.question, c.question))}: "
                f"<i>{html.escape(c.text or reopened)}</i>"
                for c in entry.question_comments
            )
            note = f"<br>&nbsp;&nbsp;<i>{html.escape(entry.comment)}</i>" if entry.comment else ""
            replies = self._reply_html(entry)
            parts.append(f"<li>{html.escape(line)}{comments}{note}{replies}</li>")
        parts.append("</ul>")
        self.versions.setHtml("".join(parts))

    # --- the boa's replies to the comments --------------------------------------------------

    def _show_replies(self, loaded: LoadedReview) -> None:
        """Each reply of the correction under the question (or section) whose comment it
        answers, in the boa's own style; a reply whose line is not shown goes to a line
        of its own at the end."""
        if not loaded.replies:
            return
        author = loaded.summary.author_name
        lines = self._lines_by_question()
        loose: QTreeWidgetItem | None = None
        first: QTreeWidgetItem | None = None
        for reply in loaded.replies:
            # The comment it answers beside it, in the comment column of the reply's line.
            answered = self.tr("You: %1").replace("%1", reply.comment) if reply.comment else ""
            item = QTreeWidgetItem(
                ["↳ " + self.tr("Reply from %1").replace("%1", author), reply.text, answered]
            )
            item.setData(0, REPLY_ROLE, reply.question)
            item.setToolTip(1, reply.text)
            item.setToolTip(2, answered)
            font = item.font(0)
            font.setItalic(True)
            item.setFont(2, font)
            for column in (0, 1):
                item.setFont(column, font)
                item.setForeground(column, self.answers.palette().link())
            # Read only: a reply is the boa's, and carries no comment of its own.
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            first = first or item
            owner = lines.get(reply.question)
            if owner is not None:
                owner.insertChild(0, item)
                owner.setExpanded(True)
                continue
            if loose is None:
                loose = QTreeWidgetItem([self.tr("Replies from %1").replace("%1", author), "", ""])
                bold = loose.font(0)
                bold.setBold(True)
                loose.setFont(0, bold)
                self.answers.addTopLevelItem(loose)
            item.setText(0, reply.label)
            loose.addChild(item)
        if loose is not None:
            loose.setExpanded(True)
        if first is not None:
            # A correction is read where it answers: the first reply is in view at once.
            self.answers.scrollToItem(first, QAbstractItemView.ScrollHint.PositionAtCenter)

    def _lines_by_question(self) -> dict[str, QTreeWidgetItem]:
        """The first tree line of each question, group or section, by name."""
        found: dict[str, QTreeWidgetItem] = {}
        pending = [self.answers.topLevelItem(i) for i in range(self.answers.topLevelItemCount())]
        while pending:
            item = pending.pop(0)
            if item is None:
                continue
            name = item.data(0, QUESTION_ROLE)
            if name and name not in found:
                found[str(name)] = item
            pending.extend(item.child(i) for i in range(item.childCount()))
        return found

    def reply_lines(self) -> dict[str, str]:
        """The replies shown in the answers tree, by the name they answer (tests, checks)."""
        shown: dict[str, str] = {}
        pending = [self.answers.topLevelItem(i) for i in range(self.answers.topLevelItemCount())]
        while pending:
            item = pending.pop(0)
            if item is None:
                continue
            name = item.data(0, REPLY_ROLE)
            if name:
                shown[str(name)] = item.text(1)
            pending.extend(item.child(i) for i in range(item.childCount()))
        return shown

    def _reply_html(self, entry: ReviewEntry) -> str:
        """A correction's replies in the review trail: "Reply from <boa> at <question>"."""
        if not entry.replies or self.loaded is None:
            return ""
        fields = self.loaded.report.engine.fields
        parts = []
        for reply in entry.replies:
            found = fields.get(reply.question)
            label = (
                local(found.question.label, self.language, reply.question)
                if found is not None
                else reply.question
            )
            said = self.tr("Reply from %1 at %2").replace("%1", entry.actor).replace("%2", label)
            parts.append(
                f"<br>&nbsp;&nbsp;<span style='color:#1f4e79'>↳ {html.escape(said)}: "
                f"<i>{html.escape(reply.text)}</i></span>"
            )
        return "".join(parts)

    def _retitle(self, loaded: LoadedReview | None) -> None:
        self.tabs.clear()
        self.tabs.addTab(self.answers, self.tr("Answers"))
        if loaded is not None and loaded.photos:
            self.tabs.addTab(
                self.photos_tab, self.tr("Photos (%1)").replace("%1", str(len(loaded.photos)))
            )
        else:
            index = self.tabs.addTab(self.photos_tab, self.tr("Photos"))
            self.tabs.setTabToolTip(index, self.tr("Photos and location"))
        if loaded is not None and loaded.pair is not None:
            self.tabs.addTab(self.pair, self.tr("Door test pair"))
        self.tabs.addTab(self.history, self.tr("Venue history"))
        index = self.tabs.addTab(self.versions, self.tr("History"))
        self.tabs.setTabToolTip(index, self.tr("Versions and review trail"))

    def _words(self) -> dict[str, str]:
        """Texts used inside HTML, escaped (written out here so lupdate finds them)."""
        words = {
            "After": self.tr("After"),
            "Before": self.tr("Before"),
            "Changed in the correction": self.tr("Changed in the correction"),
            "Control group": self.tr("Control group"),
            "No earlier inspections of this venue.": self.tr(
                "No earlier inspections of this venue."
            ),
            "No signals": self.tr("No signals"),
            "Paired door test": self.tr("Paired door test"),
            "Question": self.tr("Question"),
            "Received": self.tr("Received"),
            "Review trail": self.tr("Review trail"),
            "Signals": self.tr("Signals"),
            "Status": self.tr("Status"),
            "Test group": self.tr("Test group"),
            "Versions": self.tr("Versions"),
        }
        return {key: html.escape(value) for key, value in words.items()}

    # --- comments -----------------------------------------------------------------------

    @staticmethod
    def _commentable(item: QTreeWidgetItem) -> None:
        """A row the supervisor can comment on, or tick to reopen without a comment."""
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(COMMENT_COLUMN, Qt.CheckState.Unchecked)

    def _comment_changed(self, item: QTreeWidgetItem, column: int) -> None:
        # A comment always reopens its question: the box shows it, and stays ticked.
        if column != COMMENT_COLUMN or not item.data(0, QUESTION_ROLE):
            return
        if item.text(COMMENT_COLUMN).strip() and item.checkState(COMMENT_COLUMN) != (
            Qt.CheckState.Checked
        ):
            item.setCheckState(COMMENT_COLUMN, Qt.CheckState.Checked)

    def reopen(self, question: str) -> bool:
        """Tick a question (or group or section) to reopen it without writing a comment."""
        for item in self._question_items():
            if item.data(0, QUESTION_ROLE) == question:
                item.setCheckState(COMMENT_COLUMN, Qt.CheckState.Checked)
                return True
        return False

    def comment_on(self, question: str, text: str) -> bool:
        """Write a comment next to a question (what typing in the third column does)."""
        for item in self._question_items():
            if item.data(0, QUESTION_ROLE) == question:
                item.setText(COMMENT_COLUMN, text)
                return True
        return False

    def comments(self) -> list[QuestionComment]:
        """What a return sends: each commented question, and each ticked one with an empty
        text (reopened without a comment)."""
        found: list[QuestionComment] = []
        for item in self._question_items():
            text = item.text(COMMENT_COLUMN).strip()
            ticked = item.checkState(COMMENT_COLUMN) == Qt.CheckState.Checked
            if text or ticked:
                found.append(QuestionComment(question=str(item.data(0, QUESTION_ROLE)), text=text))
        return found

    def _question_items(self) -> list[QTreeWidgetItem]:
        items = []
        for top in range(self.answers.topLevelItemCount()):
            section = self.answers.topLevelItem(top)
            if section is None:
                continue
            if section.data(0, QUESTION_ROLE):
                items.append(section)
            for child in range(section.childCount()):
                item = section.child(child)
                if item is not None and item.data(0, QUESTION_ROLE):
                    items.append(item)
        return items

    def retranslate(self) -> None:
        self.answers.setHeaderLabels([self.tr("Question"), self.tr("Answer"), self.tr("Comment")])
        header_item = self.answers.headerItem()
        header_item.setToolTip(
            COMMENT_COLUMN,
            self.tr(
                "Comment for the officer (double-click to write), or tick the box to reopen "
                "the question without a comment; a return sends these"
            ),
        )
        self.empty.setText(self.tr("Choose an inspection in the list to review it."))
        if self.loaded is not None:
            self.show_loaded(self.loaded)
        else:
            self._retitle(None)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
