"""The review inbox model: lazy pages, local filters, and Qt's own model checks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from pytestqt.modeltest import ModelTester

from fieldapp.app.review.desk import InboxFilter
from fieldapp.core.inspection import InspectionStatus
from fieldapp.protocol.models import InspectionList, InspectionSummary
from fieldapp.ui.review.inbox import InboxModel, Names, matching


def summary(number: int) -> InspectionSummary:
    moment = datetime(2026, 3, 1, tzinfo=UTC) - timedelta(minutes=number)
    return InspectionSummary(
        inspection_id=f"{number:032x}",
        form_id="coffeeshop_inspection",
        form_version="2026.3",
        author="fatima.elamrani",
        author_name="Fatima El Amrani",
        team="team-centrum",
        venue_id=f"venue-{number % 7}",
        area_id="centrum",
        assignment_id=None,
        status=InspectionStatus.SENT,
        head_version_id=f"{number + 1:032x}",
        version_count=1 + number % 2,
        first_received_at=moment,
        last_received_at=moment,
        outcomes=["stock_over_limit"] if number % 3 == 0 else [],
    )


class FakeServer:
    """Pages of `total` summaries, made on demand, delivered at once (as the UI thread would),
    with the filters the server lacks applied as the review panel applies them."""

    def __init__(self, total: int, names: Names | None = None) -> None:
        self.total = total
        self.names = names or Names()
        self.requests: list[tuple[str | None, int]] = []

    def __call__(
        self,
        wanted: InboxFilter,
        after: str | None,
        limit: int,
        done: Callable[[InspectionList], None],
        failed: Callable[[BaseException], None],
    ) -> None:
        self.requests.append((after, limit))
        start = int(after) if after else 0
        end = min(self.total, start + limit)
        items = [summary(n) for n in range(start, end)]
        page = InspectionList(items=items, next_after=str(end) if end < self.total else None)
        done(matching(page, wanted, self.names))


def test_the_inbox_loads_one_page_and_grows_on_demand() -> None:
    server = FakeServer(100_000)
    model = InboxModel(server, Names({"coffeeshop_inspection": "Coffeeshop"}))
    model.reload()
    assert model.rowCount() == 200 and len(server.requests) == 1
    assert model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == 400
    assert model.index(0, 1).data() == "Coffeeshop"


def test_qtmodeltester(qtmodeltester: ModelTester) -> None:
    model = InboxModel(FakeServer(450), Names())
    model.reload()
    qtmodeltester.check(model, force_py=True)
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == 450 and model.complete
    qtmodeltester.check(model, force_py=True)


def test_local_filters_keep_fetching_until_the_view_is_full() -> None:
    server = FakeServer(5_000)
    model = InboxModel(server, Names())
    model.reload(InboxFilter(outcome="stock_over_limit"))
    assert model.rowCount() >= 60
    assert all("stock_over_limit" in model.summary(r).outcomes for r in range(model.rowCount()))
    changed = summary(0).model_copy(update={"status": InspectionStatus.APPROVED})
    model.replace(changed)
    assert model.summary(0).status is InspectionStatus.APPROVED


def test_a_word_search_walks_the_pages_until_it_finds_its_match() -> None:
    server = FakeServer(5_000)
    model = InboxModel(server, Names())
    wanted = f"{4_321:032x}"
    model.reload(InboxFilter(text=wanted))
    # Pages without a match add no rows, so the view would never ask for more: the
    # model goes on by itself, to the end of the inbox here.
    assert len(server.requests) == 25
    assert model.rowCount() == 1 and model.complete and model.total == 1
    assert model.summary(0).inspection_id == wanted


def test_matching_looks_through_the_names_a_row_shows() -> None:
    names = Names(
        forms={"coffeeshop_inspection": "Coffeeshopcontrole"},
        venues={"venue-3": "Coffeeshop De Groene Os"},
    )
    page = InspectionList(items=[summary(n) for n in range(14)], next_after="14")
    found = matching(page, InboxFilter(text="groene  OS"), names)
    assert [item.venue_id for item in found.items] == ["venue-3", "venue-3"]
    assert found.next_after == "14"
    assert matching(page, InboxFilter(form_id="coffeeshop_inspection"), names) is page


def test_two_visits_to_one_venue_synced_together_read_the_same_in_the_inbox() -> None:
    """Before: an inbox row said the venue, the checklist, the officer and when the report
    last arrived. Two visits to one venue by one officer, synced in one go, read the same
    (the helper reviewer's "Het Kleine Veentje" twice). Each row now says when its visit
    began, as the card's second line and as what a screen reader hears."""
    model = InboxModel(FakeServer(0), Names())
    morning, evening = (
        summary(3).model_copy(
            update={"venue_id": "cs-weimar-241", "started_at": datetime(2026, 1, 14, hour, 9)}
        )
        for hour in (11, 21)
    )
    first, second = model.description(morning), model.description(evening)
    assert first != second
    assert "11:09" in first and "21:09" in second
    assert model.visit(morning).endswith("11:09") and model.visit(evening).endswith("21:09")
