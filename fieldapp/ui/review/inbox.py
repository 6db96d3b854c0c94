"""The supervisor's inbox as a lazy item model over the central store's pages.

The server pages with `after`/`limit`, newest activity first, so the model grows as the
view scrolls (a `PagedTableModel`): opening an inbox of 100,000 inspections costs one
page, never the whole list. Rows are cached as they arrive, with their display texts made
once per row. The filters the server lacks (outcome, words) are applied with the page
request, off the UI thread (`matching`), so every row the model gets is a row it shows; it
keeps fetching while the pages thinned out that way do not fill the view.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import IntEnum

from PySide6.QtCore import QCoreApplication, QObject, Qt

from fieldapp.app.review.desk import InboxFilter
from fieldapp.core.forms import Severity
from fieldapp.protocol.models import InspectionList, InspectionSummary
from fieldapp.ui.lists import when
from fieldapp.ui.models import Column, Page, PagedTableModel, ordered

#: Fetches one page of the inbox with every filter applied, the server's and `matching`'s:
#: (filter, after, limit, on_page, on_failure); calls back on the UI thread.
InboxSource = Callable[
    [
        InboxFilter,
        str | None,
        int,
        Callable[[InspectionList], None],
        Callable[[BaseException], None],
    ],
    None,
]

# Item data: the worst `Severity` of a row's signals, or None (for the inbox's mark).
SEVERITY_ROLE = Qt.ItemDataRole.UserRole + 21


class InboxColumn(IntEnum):
    RECEIVED = 0
    FORM = 1
    VENUE = 2
    AUTHOR = 3
    STATUS = 4
    OUTCOMES = 5


def status_name(status: str) -> str:
    names = {
        "sent": QCoreApplication.translate("Review", "To review"),
        "returned": QCoreApplication.translate("Review", "Returned"),
        "approved": QCoreApplication.translate("Review", "Approved"),
        "finalized": QCoreApplication.translate("Review", "Finalized"),
        "draft": QCoreApplication.translate("Review", "Draft"),
    }
    return names.get(status, status)


class Names:
    """What the rows show instead of ids: form titles, venue and area names, outcome labels."""

    def __init__(
        self,
        forms: Mapping[str, str] | None = None,
        venues: Mapping[str, str] | None = None,
        areas: Mapping[str, str] | None = None,
        outcomes: Mapping[str, str] | None = None,
        severities: Mapping[str, Severity] | None = None,
    ) -> None:
        self.forms = dict(forms or {})
        self.venues = dict(venues or {})
        self.areas = dict(areas or {})
        self.outcomes = dict(outcomes or {})
        # Outcome name -> how serious it is (the inbox colours its mark by the worst one).
        self.severities = dict(severities or {})

    def worst(self, summary: InspectionSummary) -> Severity | None:
        """The most serious of a row's signals (None without signals)."""
        found = [self.severities.get(name, Severity.INFO) for name in summary.outcomes]
        return max(found, key=lambda severity: severity.rank) if found else None

    def venue(self, summary: InspectionSummary) -> str:
        venue = self.venues.get(summary.venue_id or "", summary.venue_id or "")
        area = self.areas.get(summary.area_id or "", summary.area_id or "")
        return " · ".join(part for part in (venue, area) if part)

    def row_words(self, summary: InspectionSummary) -> str:
        """Everything a word search looks through for one row."""
        return " ".join(
            (
                self.forms.get(summary.form_id, summary.form_id),
                self.venue(summary),
                " ".join(self.outcomes.get(name, name) for name in summary.outcomes),
            )
        )


def matching(page: InspectionList, wanted: InboxFilter, names: Names) -> InspectionList:
    """A page from the server with the filters it lacks applied: outcome and words."""
    if not wanted.local:
        return page
    items = [item for item in page.items if wanted.matches(item, names.row_words)]
    return InspectionList(items=items, next_after=page.next_after)


class InboxModel(PagedTableModel[InspectionSummary, str]):
    """Rows of `InspectionSummary`, fetched page by page from an `InboxSource`.

    Signals (from `PagedTableModel`):
        loading_changed(bool): a page request started or ended.
        failed(object): a page could not be fetched (the exception).
    """

    def __init__(self, source: InboxSource, names: Names, parent: QObject | None = None) -> None:
        self._inbox = source
        self._names = names
        self._filter = InboxFilter()
        super().__init__(
            ordered(
                {
                    InboxColumn.RECEIVED: Column(
                        lambda: QCoreApplication.translate("Review", "Last activity"),
                        lambda item: when(item.last_received_at),
                        sort_key=lambda item: item.last_received_at,
                        tooltip=self.description,
                        accessible=self.description,
                    ),
                    InboxColumn.FORM: Column(
                        lambda: QCoreApplication.translate("Review", "Checklist"),
                        lambda item: self._names.forms.get(item.form_id, item.form_id),
                        tooltip=self.description,
                        accessible=self.description,
                    ),
                    InboxColumn.VENUE: Column(
                        lambda: QCoreApplication.translate("Review", "Venue or area"),
                        lambda item: self._names.venue(item),
                        tooltip=self.description,
                        accessible=self.description,
                    ),
                    InboxColumn.AUTHOR: Column(
                        lambda: QCoreApplication.translate("Review", "Officer or tester"),
                        lambda item: item.author_name,
                        tooltip=self.description,
                        accessible=self.description,
                    ),
                    InboxColumn.STATUS: Column(
                        lambda: QCoreApplication.translate("Review", "Status"),
                        status_text,
                        tooltip=self.description,
                        accessible=self.description,
                    ),
                    InboxColumn.OUTCOMES: Column(
                        lambda: QCoreApplication.translate("Review", "Signals"),
                        lambda item: ", ".join(
                            self._names.outcomes.get(name, name) for name in item.outcomes
                        ),
                        sort_key=lambda item: len(item.outcomes),
                        tooltip=self.description,
                        accessible=self.description,
                    ),
                }
            ),
            self._fetch_page,
            roles={SEVERITY_ROLE: lambda item: self._names.worst(item)},
            parent=parent,
        )

    @property
    def filter(self) -> InboxFilter:
        return self._filter

    def set_names(self, names: Names) -> None:
        self._names = names
        self.refresh_texts()

    def reload(self, wanted: InboxFilter | None = None) -> None:
        """Start over (with a new filter): drop the rows and fetch the first page."""
        if wanted is not None:
            self._filter = wanted
        super().reload()

    def _fetch_page(
        self,
        after: str | None,
        limit: int,
        done: Callable[[Page[InspectionSummary, str]], None],
        failed: Callable[[BaseException], None],
    ) -> None:
        def arrived(listing: InspectionList) -> None:
            done(Page(listing.items, listing.next_after))

        self._inbox(self._filter, after, limit, arrived, failed)

    def summary(self, row: int) -> InspectionSummary:
        return self.record(row)

    def row_of(self, inspection_id: str) -> int | None:
        for row, item in enumerate(self._rows):
            if item.inspection_id == inspection_id:
                return row
        return None

    def replace(self, summary: InspectionSummary) -> None:
        """Show a summary's new state (after an action) without reloading the list."""
        row = self.row_of(summary.inspection_id)
        if row is not None:
            self.set_record(row, summary)

    def visit(self, item: InspectionSummary) -> str:
        """The checklist and when the visit began ("Coffeeshopcontrole 14-01-2026 11:09"):
        the inbox showed only when a report last arrived, so two visits to one venue by
        one officer, synced together, read the same."""
        form = self._names.forms.get(item.form_id, item.form_id)
        return f"{form} {when(item.started_at)}".strip()

    def description(self, item: InspectionSummary) -> str:
        """One row in words: venue, then checklist, date, officer and status, then signals.

        The inbox shows one compact card per inspection, so the tooltip and a screen
        reader get everything at once, signals listed in full.
        """
        names = self._names
        lines = [
            names.venue(item),
            " · ".join(
                text
                for text in (
                    self.visit(item),
                    item.author_name,
                    status_text(item),
                    when(item.last_received_at),
                )
                if text
            ),
        ]
        if item.outcomes:
            lines.append(QCoreApplication.translate("Review", "Signals:"))
            lines.extend(f"• {names.outcomes.get(name, name)}" for name in item.outcomes)
        else:
            lines.append(QCoreApplication.translate("Review", "No signals"))
        return "\n".join(line for line in lines if line)


def status_text(item: InspectionSummary) -> str:
    """The status in words, with how many versions there are when more than one."""
    # A plain "%1" (not a plural "%n"): lupdate reads plurals only from self.tr().
    version = QCoreApplication.translate("Review", "version %1")
    versions = (
        f" ({version.replace('%1', str(item.version_count))})" if item.version_count > 1 else ""
    )
    return status_name(item.status.value) + versions
