"""Review inbox figures: opening an inbox of 100,000 inspections.

Two measurements in one run:

* the real path: a central store (SQLite, real uvicorn on 127.0.0.1) seeded with 100,000
  inspections directly through its SQL layer, then the supervisor's `ReviewDesk` asks for
  the first inbox page (sign-in included, then again with the token held);
* the item model: `InboxModel` over a fake page source of 100,000 rows, from `reload()`
  to the first rows shown, and the cost of scrolling one more page.

Run: .venv/bin/python bench/bench_review.py [--count 100000]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def seed(store: object, count: int) -> None:
    import sqlalchemy as sa

    from fieldapp.server import schema

    now = datetime(2026, 6, 1, tzinfo=UTC)
    record = json.dumps({"outcomes": ["stock_over_limit"]})
    inspections, versions = [], []
    for number in range(count):
        moment = now - timedelta(seconds=number * 37)
        inspection_id, version_id = f"{number:032x}", f"{number + 10**9:032x}"
        inspections.append(
            {
                "inspection_id": inspection_id,
                "form_id": "coffeeshop_inspection",
                "author": "fatima.elamrani",
                "team": "team-centrum",
                "venue_id": None,
                "area_id": None,
                "assignment_id": None,
                "status": "sent",
                "head_version_id": version_id,
                "version_count": 1,
                "created_at": moment,
                "updated_at": moment,
            }
        )
        versions.append(
            {
                "version_id": version_id,
                "inspection_id": inspection_id,
                "seq": 1,
                "base_version_id": None,
                "author": "fatima.elamrani",
                "form_id": "coffeeshop_inspection",
                "form_version": "2026.3",
                "content_hash": "0" * 64,
                "record_hash": "0" * 64,
                "record": record,
                "receipt": "{}",
                "complete": True,
                "received_at": moment,
                "client_finalized_at": moment.isoformat(),
            }
        )
    database = store.database  # type: ignore[attr-defined]
    with database.write() as connection:
        connection.execute(sa.insert(schema.inspections), inspections)
        connection.execute(sa.insert(schema.versions), versions)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=100_000)
    args = parser.parse_args()

    from fieldapp.app.review.desk import ReviewDesk
    from fieldapp.sync.transport import CentralLine, Credentials
    from tests.support.central import SUPERVISOR_CENTRUM, running_central

    with (
        tempfile.TemporaryDirectory() as folder,
        running_central("sqlite", Path(folder), "bench") as central,
    ):
        started = time.perf_counter()
        seed(central.store, args.count)
        seconds = time.perf_counter() - started
        print(f"seeded {args.count:,} inspections through SQL in {seconds:.1f} s")
        line = CentralLine(
            central.url,
            device_id="bench",
            credentials=Credentials(SUPERVISOR_CENTRUM, "demo"),
        )
        desk = ReviewDesk(line, SUPERVISOR_CENTRUM)
        started = time.perf_counter()
        page = desk.page(limit=200)
        cold = time.perf_counter() - started
        warm = []
        for _ in range(5):
            started = time.perf_counter()
            page = desk.page(limit=200)
            warm.append(time.perf_counter() - started)
        started = time.perf_counter()
        deep = desk.page(after=page.next_after, limit=200)
        deeper = time.perf_counter() - started
        assert len(page.items) == 200 and len(deep.items) == 200
        print(
            f"server, first inbox page of 200 of {args.count:,}: {cold * 1000:.0f} ms with "
            f"sign-in, {statistics.median(warm) * 1000:.0f} ms warm (median of 5); "
            f"next page {deeper * 1000:.0f} ms"
        )
        desk.close()

    from PySide6.QtWidgets import QApplication

    from fieldapp.core.inspection import InspectionStatus
    from fieldapp.protocol.models import InspectionList, InspectionSummary
    from fieldapp.ui.review.inbox import InboxModel, Names

    app = QApplication.instance() or QApplication([])
    moment = datetime(2026, 6, 1, tzinfo=UTC)

    def summary(number: int) -> InspectionSummary:
        return InspectionSummary(
            inspection_id=f"{number:032x}",
            form_id="coffeeshop_inspection",
            form_version="2026.3",
            author="fatima.elamrani",
            author_name="Fatima El Amrani",
            team="team-centrum",
            venue_id=None,
            area_id=None,
            assignment_id=None,
            status=InspectionStatus.SENT,
            head_version_id=f"{number:032x}",
            version_count=1,
            first_received_at=moment,
            last_received_at=moment,
            outcomes=[],
        )

    def source(wanted, after, limit, done, failed):  # type: ignore[no-untyped-def]
        start = int(after) if after else 0
        end = min(args.count, start + limit)
        done(
            InspectionList(
                items=[summary(n) for n in range(start, end)],
                next_after=str(end) if end < args.count else None,
            )
        )

    model = InboxModel(source, Names())
    started = time.perf_counter()
    model.reload()
    for row in range(40):  # what a view shows first
        for column in range(model.columnCount()):
            model.index(row, column).data()
    opened = time.perf_counter() - started
    started = time.perf_counter()
    model.fetchMore()
    more = time.perf_counter() - started
    print(
        f"model over {args.count:,} rows (fake page source): open and show 40 rows "
        f"{opened * 1000:.1f} ms; one more page {more * 1000:.1f} ms"
    )
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
