"""The section list beside the form: one row per page and one for the summary.

A real item model (checked with qtmodeltester): the title, how far the page is, and
whether it applies. Pages that do not apply (their group is not relevant) are hidden by
the view, not removed, so row numbers stay the page numbers.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from fieldapp.core.forms import Severity
from fieldapp.ui.models import MODEL_ROLE, Column, RecordTableModel
from fieldapp.ui.runner.progress import Progress
from fieldapp.ui.theme import TOUCH, current_colours

ModelIndex = QModelIndex | QPersistentModelIndex

#: The page's key (its group name), or "" for the summary row.
PAGE_KEY_ROLE = MODEL_ROLE
#: True when the page's group is relevant.
APPLIES_ROLE = MODEL_ROLE + 1
#: The page's `Progress` (None for the summary row).
PROGRESS_ROLE = MODEL_ROLE + 2


@dataclass(frozen=True)
class SectionEntry:
    """A row of the section list: a page of the form, or the summary (key "")."""

    key: str
    title: str
    applies: bool = True
    progress: Progress | None = None
    #: How many of the supervisor's comments (in a correction) are on this page.
    comments: int = 0
    #: The page is a repeat: its questions come with the rows the person adds.
    adds_rows: bool = False

    @property
    def is_summary(self) -> bool:
        return not self.key


class SectionListModel(RecordTableModel[SectionEntry]):
    """Pages and the summary, with a status line per page."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(
            [Column(lambda: "", self._text, accessible=self._spoken)],
            roles={
                PAGE_KEY_ROLE: lambda section: section.key,
                APPLIES_ROLE: lambda section: section.applies,
                PROGRESS_ROLE: lambda section: section.progress,
            },
            enabled=lambda section: section.applies,
            parent=parent,
        )

    def set_pages(
        self,
        keys: list[str],
        titles: list[str],
        summary_title: str,
        repeats: Collection[str] = (),
    ) -> None:
        """The pages by key and title; `repeats`: the keys of pages that are repeats."""
        sections = [
            SectionEntry(key, title, True, Progress(), adds_rows=key in repeats)
            for key, title in zip(keys, titles, strict=True)
        ]
        if sections:
            sections.append(SectionEntry("", summary_title))
        self._reset_rows(sections)

    def set_titles(self, titles: list[str], summary_title: str) -> None:
        if not self._rows:
            return
        pages = self._rows[:-1]
        self._rows = [
            *(replace(page, title=title) for page, title in zip(pages, titles, strict=True)),
            replace(self._rows[-1], title=summary_title),
        ]
        self.refresh_texts()

    def update_page(self, row: int, applies: bool, progress: Progress) -> bool:
        """Store a page's state; True when it changed."""
        section = self._rows[row]
        if section.applies == applies and section.progress == progress:
            return False
        self.set_record(row, replace(section, applies=applies, progress=progress))
        return True

    def set_comments(self, counts: dict[int, int]) -> None:
        """How many supervisor comments each page holds, so a correction shows where to go."""
        for row, section in enumerate(self._rows):
            count = 0 if section.is_summary else counts.get(row, 0)
            if section.comments != count:
                self.set_record(row, replace(section, comments=count))

    def applies(self, row: int) -> bool:
        return row >= self.summary_row or self._rows[row].applies

    @property
    def summary_row(self) -> int:
        return max(0, len(self._rows) - 1)

    def _text(self, section: SectionEntry) -> str:
        if section.is_summary:
            return section.title
        return f"{section.title}\n{self._status(section)}"

    def _spoken(self, section: SectionEntry) -> str:
        if section.is_summary:
            return section.title
        return f"{section.title}, {self._status(section)}"

    def _status(self, section: SectionEntry) -> str:
        state = self._state(section)
        if section.comments:
            return "✎ " + self.tr("%n comment(s)", "", section.comments) + " · " + state
        return state

    def _state(self, section: SectionEntry) -> str:
        if not section.applies:
            return self.tr("does not apply")
        progress = section.progress or Progress()
        if progress.invalid:
            return self.tr("%n answer(s) not allowed", "", progress.invalid)
        if progress.missing:
            return self.tr("%n required question(s) open", "", progress.missing)
        if not progress.total:
            # An empty repeat waits for a row: "nothing to fill in" read as if it were done,
            # beside a finding that a referral was needed and not recorded.
            if section.adds_rows:
                return self.tr("nothing added yet")
            return self.tr("nothing to fill in yet")
        if progress.answered == progress.total:
            return "✓ " + self.tr("complete")
        return (
            self.tr("%1 of %2 answered")
            .replace("%1", str(progress.answered))
            .replace("%2", str(progress.total))
        )


class SectionDelegate(QStyledItemDelegate):
    """Draws a section as a title over a coloured status line, with room for a finger."""

    def sizeHint(self, option: QStyleOptionViewItem, index: ModelIndex) -> QSize:
        metrics = QFontMetrics(option.font)
        # Measured bold, as the selected row draws it: a title that wraps only when
        # selected would otherwise run over its status line.
        bold = QFont(option.font)
        bold.setBold(True)
        lines = 1 if index.data(PAGE_KEY_ROLE) == "" else 2
        width = max(120, option.rect.width() or 260)
        title = str(index.data(Qt.ItemDataRole.DisplayRole) or "").split("\n")[0]
        title_height = (
            QFontMetrics(bold)
            .boundingRect(0, 0, width - 28, 1000, Qt.TextFlag.TextWordWrap, title)
            .height()
        )
        height = title_height + (metrics.height() if lines == 2 else 0) + 20
        return QSize(width, max(TOUCH + 8, height))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: ModelIndex) -> None:
        colours = current_colours()
        painter.save()
        rect = option.rect
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if selected:
            painter.fillRect(rect, QColor(colours.selected))
            painter.fillRect(rect.x(), rect.y(), 4, rect.height(), QColor(colours.accent))
        text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        title, _, status = text.partition("\n")
        applies = bool(index.data(APPLIES_ROLE))
        progress = index.data(PROGRESS_ROLE)
        metrics = QFontMetrics(option.font)
        inner = rect.adjusted(16, 8, -12, -8)
        font = QFont(option.font)
        font.setBold(selected)
        painter.setFont(font)
        painter.setPen(QColor(colours.text if applies else colours.muted))
        title_rect = QRect(inner)
        if status:
            title_rect.setBottom(inner.bottom() - metrics.height())
        painter.drawText(
            title_rect, Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignVCenter, title
        )
        if status:
            colour = colours.muted
            if isinstance(progress, Progress) and applies:
                if progress.invalid:
                    colour = colours.danger
                elif progress.missing:
                    colour = colours.severity[Severity.ATTENTION.value][1]
                elif progress.total and progress.answered == progress.total:
                    colour = colours.ok
            small = QFont(option.font)
            small.setPointSizeF(max(8.0, option.font.pointSizeF() - 1.5))
            painter.setFont(small)
            painter.setPen(QColor(colour))
            status_rect = QRect(
                inner.x(), inner.bottom() - metrics.height() + 2, inner.width(), metrics.height()
            )
            painter.drawText(status_rect, Qt.AlignmentFlag.AlignLeft, status)
        painter.restore()
