"""One base for the app's item models: columns declared once over a cache of records.

Every list the app shows is a table of plain records (an inspection summary, an assignment
row, a venue, a page of the form). A model names its columns once, each with its header,
the text of a cell, how it sorts, its alignment, tooltip and what a screen reader says;
`RecordTableModel` answers the view's questions from that and caches each row's texts, so
scrolling does not rebuild strings. Roles every model answers: `RECORD_ROLE` (the record
itself) and `SORT_ROLE` (the column's sort key). A model's own roles start at `MODEL_ROLE`.

`LoadedTableModel` holds records given whole (a team, the checklists, the areas).
`PagedTableModel` is the one list that grows page by page as the view scrolls, for lists
that may hold 100,000 rows (the home's inspection lists, the supervisor's inbox). Its
`PageSource` runs the whole query, filters included, for one page at a time, so every row
fetched is a row shown and `total` is the number of rows a person can scroll to.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

ModelIndex = QModelIndex | QPersistentModelIndex

#: The record behind a row.
RECORD_ROLE = Qt.ItemDataRole.UserRole + 1
#: A cell's sort key (its column's `sort_key`, else its text), for a sorting proxy.
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
#: The first role a model may declare for its own views.
MODEL_ROLE = Qt.ItemDataRole.UserRole + 16

#: Rows a page holds, and how many rows a paged list fetches before it waits for the view.
PAGE = 200
FILL = 60

R = TypeVar("R")
C = TypeVar("C")


@dataclass(frozen=True)
class Column(Generic[R]):
    """One column: its header and what each of its cells shows."""

    #: The header text, asked again after a change of language.
    header: Callable[[], str]
    #: The text of the cell for a record (display role).
    text: Callable[[R], str]
    #: What the column sorts by; None sorts by the text.
    sort_key: Callable[[R], Any] | None = None
    #: The cell's alignment; None leaves it to the style.
    alignment: Qt.AlignmentFlag | None = None
    #: The cell's tooltip; None shows none.
    tooltip: Callable[[R], str] | None = None
    #: What a screen reader says for the cell; None says the text.
    accessible: Callable[[R], str] | None = None


def ordered(columns: Mapping[int, Column[R]]) -> list[Column[R]]:
    """Columns keyed by their number (an `IntEnum` the views name them by), in that order."""
    if sorted(columns) != list(range(len(columns))):
        raise ValueError(f"columns must be numbered 0 to {len(columns) - 1}: {sorted(columns)}")
    return [columns[number] for number in range(len(columns))]


class RecordTableModel(QAbstractTableModel, Generic[R]):
    """A flat table of records with declared columns (a list view shows its first column).

    `roles` adds row-wide roles (the same value in every column of a row); `enabled`
    greys out the rows it says no to.
    """

    def __init__(
        self,
        columns: Sequence[Column[R]],
        *,
        roles: Mapping[int, Callable[[R], Any]] | None = None,
        enabled: Callable[[R], bool] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._columns = tuple(columns)
        self._roles = dict(roles or {})
        self._enabled = enabled
        self._rows: list[R] = []
        #: Each row's cell texts, made when the row is first shown.
        self._texts: list[tuple[str, ...] | None] = []

    # --- the records ----------------------------------------------------------------------

    def record(self, row: int) -> R:
        return self._rows[row]

    def set_record(self, row: int, record: R) -> None:
        """Show a record's new state in its row (after an action), without a reset."""
        self._rows[row] = record
        self._texts[row] = None
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self._columns) - 1))

    def refresh_texts(self) -> None:
        """Make every text again: the language, or the names the texts use, changed."""
        self._texts = [None] * len(self._rows)
        if self._rows:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._rows) - 1, len(self._columns) - 1)
            )
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self._columns) - 1)

    def _reset_rows(self, rows: Sequence[R]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._texts = [None] * len(self._rows)
        self.endResetModel()

    def _append(self, rows: Sequence[R]) -> None:
        if not rows:
            return
        start = len(self._rows)
        self.beginInsertRows(QModelIndex(), start, start + len(rows) - 1)
        self._rows.extend(rows)
        self._texts.extend([None] * len(rows))
        self.endInsertRows()

    def texts(self, row: int) -> tuple[str, ...]:
        """The cell texts of a row, made once until `refresh_texts` or `set_record`."""
        cached = self._texts[row]
        if cached is None:
            record = self._rows[row]
            cached = tuple(column.text(record) for column in self._columns)
            self._texts[row] = cached
        return cached

    # --- the model ------------------------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if not 0 <= section < len(self._columns):
            return None
        return self._columns[section].header()

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        if (
            self._enabled is not None
            and index.isValid()
            and 0 <= index.row() < len(self._rows)
            and not self._enabled(self._rows[index.row()])
        ):
            flags &= ~Qt.ItemFlag.ItemIsEnabled
        return flags

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if not 0 <= index.column() < len(self._columns):
            return None
        record = self._rows[index.row()]
        column = self._columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.texts(index.row())[index.column()]
        if role == RECORD_ROLE:
            return record
        if role == Qt.ItemDataRole.AccessibleTextRole:
            if column.accessible is not None:
                return column.accessible(record)
            return self.texts(index.row())[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return None if column.tooltip is None else column.tooltip(record)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return None if column.alignment is None else column.alignment
        if role == SORT_ROLE:
            if column.sort_key is not None:
                return column.sort_key(record)
            return self.texts(index.row())[index.column()]
        found = self._roles.get(role)
        return None if found is None else found(record)


class LoadedTableModel(RecordTableModel[R]):
    """A table whose records are given whole (`set_rows`), and sort by their columns."""

    def set_rows(self, rows: Sequence[R]) -> None:
        """Show these records instead of the ones shown."""
        self._reset_rows(rows)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Order the rows by a column's sort key (a view with sorting enabled asks this)."""
        if not 0 <= column < len(self._columns) or not self._rows:
            return
        declared = self._columns[column].sort_key
        self.layoutAboutToBeChanged.emit()
        before = list(self._rows)
        keys = [
            declared(record) if declared is not None else self.texts(row)[column]
            for row, record in enumerate(before)
        ]
        texts = list(self._texts)
        # Rows without a key (no due date) go last either way: None sorts with nothing.
        order_of_rows = sorted(
            (row for row in range(len(before)) if keys[row] is not None),
            key=keys.__getitem__,
            reverse=order == Qt.SortOrder.DescendingOrder,
        ) + [row for row in range(len(before)) if keys[row] is None]
        self._rows = [before[row] for row in order_of_rows]
        self._texts = [texts[row] for row in order_of_rows]
        new_row = {old: new for new, old in enumerate(order_of_rows)}
        moved_from = self.persistentIndexList()
        moved_to = [self.index(new_row[index.row()], index.column()) for index in moved_from]
        self.changePersistentIndexList(moved_from, moved_to)
        self.layoutChanged.emit()


@dataclass(frozen=True)
class Page(Generic[R, C]):
    """One page of a query's rows, filters applied."""

    items: Sequence[R]
    #: Where the next page starts (given back as the cursor); None: this was the last page.
    next: C | None
    #: How many rows the whole query holds, when the source counts them.
    total: int | None = None


class PageSource(Protocol[R, C]):
    """Fetches at most `limit` rows after `cursor` (None: from the start) with every filter
    applied, and calls `done` with the page or `failed` with the error, on the UI thread."""

    def __call__(
        self,
        cursor: C | None,
        limit: int,
        done: Callable[[Page[R, C]], None],
        failed: Callable[[BaseException], None],
        /,
    ) -> None: ...


class PagedTableModel(RecordTableModel[R], Generic[R, C]):
    """The rows of a query, fetched a page at a time as the view scrolls.

    The rows are in the query's order: sorting only the rows fetched so far would mislead,
    so a different order is a different query. A page that brings fewer than
    `fill` rows in all, or none, is followed by the next at once: a view that shows no new
    rows would never ask for more.

    Signals:
        loading_changed(bool): a page request started (True) or ended (False).
        failed(object): a page could not be fetched (the exception); the list stops there.
        total_changed(): `total` has a new value.
    """

    loading_changed = Signal(bool)
    failed = Signal(object)
    total_changed = Signal()

    def __init__(
        self,
        columns: Sequence[Column[R]],
        source: PageSource[R, C] | None = None,
        *,
        page_size: int = PAGE,
        fill: int = FILL,
        roles: Mapping[int, Callable[[R], Any]] | None = None,
        enabled: Callable[[R], bool] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(columns, roles=roles, enabled=enabled, parent=parent)
        self._source = source
        self._page_size = page_size
        self._fill = fill
        self._cursor: C | None = None
        self._complete = True
        self._loading = False
        self._total: int | None = None
        #: Bumped on every reload, so a late page of an earlier query is dropped.
        self._generation = 0
        #: True once a first page arrived (an empty list is then really empty).
        self.loaded_once = False
        #: The next page replaces the rows shown (a reload that kept them until then).
        self._replace = False

    @property
    def loading(self) -> bool:
        return self._loading

    @property
    def complete(self) -> bool:
        """Every row of the query is in the model (or the last fetch failed)."""
        return self._complete

    @property
    def total(self) -> int | None:
        """How many rows a person can scroll to: the query's count (exact once complete);
        None until a page said so. During a reload, the previous load's."""
        return self._total

    def set_source(self, source: PageSource[R, C]) -> None:
        """Show another query's rows (a new filter): starts over with its first page."""
        self._source = source
        self.reload()

    def reload(self) -> None:
        """Forget the rows and fetch the first page again."""
        self._restart(keep_rows=False)

    def refresh_rows(self) -> None:
        """Run the same query again; the rows shown stay until its first page replaces
        them, so the rows and `total` are one consistent state at every moment."""
        self._restart(keep_rows=True)

    def _restart(self, *, keep_rows: bool) -> None:
        self._generation += 1
        self._cursor = None
        self._complete = self._source is None
        was_loading, self._loading = self._loading, False
        self._replace = keep_rows and self._source is not None
        if not self._replace:
            self._reset_rows([])
        if was_loading:
            self.loading_changed.emit(False)
        if self._source is not None:
            self._fetch()

    def canFetchMore(self, parent: ModelIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._complete and not self._loading

    def fetchMore(self, parent: ModelIndex = QModelIndex()) -> None:  # noqa: B008
        if self.canFetchMore(parent):
            self._fetch()

    def _fetch(self) -> None:
        source = self._source
        assert source is not None
        self._loading = True
        self.loading_changed.emit(True)
        generation = self._generation
        source(
            self._cursor,
            self._page_size,
            lambda page: self._arrived(generation, page),
            lambda error: self._refused(generation, error),
        )

    def _arrived(self, generation: int, page: Page[R, C]) -> None:
        if generation != self._generation:
            return  # an answer to a load that a reload replaced
        self._loading = False
        self._cursor = page.next
        self._complete = page.next is None
        if self._replace:
            self._replace = False
            self._reset_rows(page.items)
        else:
            self._append(page.items)
        self.loaded_once = True
        self._count(len(self._rows) if self._complete else page.total)
        self.loading_changed.emit(False)
        if not self._complete and (not page.items or len(self._rows) < self._fill):
            self._fetch()

    def _refused(self, generation: int, error: BaseException) -> None:
        if generation != self._generation:
            return
        self._loading = False
        self._complete = True
        if self._replace:
            # Rows of a load that could not be repeated are not this query's any more.
            self._replace = False
            self._reset_rows([])
            self._count(0)
        self.loading_changed.emit(False)
        self.failed.emit(error)

    def _count(self, total: int | None) -> None:
        if total is not None and total != self._total:
            self._total = total
            self.total_changed.emit()
