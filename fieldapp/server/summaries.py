"""Reports computed where the data is: the period summary and one door-test round's visits.

The summary streams the head version of every inspection the reader may read (the same
`visible` rule as the inbox and the detail) through `fieldapp.core.summary.SummaryCounter`,
a few hundred rows per fetch, and answers the counters: one request instead of one per
inspection, and memory that does not grow with the history. What it reads of a version is
its facts (`summary_facts`, a short JSON text), written beside it when it is pushed
(`ReportQueries.on_pushed`, called by `fieldapp.server.push`) and for the versions stored
before schema 6 by the migration (`fill_missing_facts`); a version without facts is read
from its record. Requests are bounded: a period
of at most `MAX_SUMMARY_DAYS`, at most `MAX_SUMMARY_AREAS` areas, and at most
`SUMMARY_PERMITS` summaries counting at once per server process (a 429 beyond that).
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from fieldapp.core.doortest import DOOR_TEST_FORM
from fieldapp.core.engine import FormEngine, compile_form
from fieldapp.core.entities import Venue
from fieldapp.core.forms import FormDefinition
from fieldapp.core.inspection import InspectionStatus, InspectionVersion
from fieldapp.core.summary import (
    Counted,
    Period,
    PeriodSummary,
    StoredFacts,
    SummaryCounter,
    SummaryRow,
    VersionFacts,
    door_visit,
)
from fieldapp.protocol.models import ErrorCode
from fieldapp.protocol.reports import MAX_SUMMARY_AREAS, MAX_SUMMARY_DAYS, RoundVisits, SummaryBody
from fieldapp.server import schema
from fieldapp.server.accounts import Principal
from fieldapp.server.database import CentralDatabase
from fieldapp.server.errors import ApiError, not_found
from fieldapp.server.queries import InspectionQueries, visible
from fieldapp.server.stored_forms import StoredForms

#: Summaries counting at once in one server process; each holds a database connection.
SUMMARY_PERMITS = 2
#: Rows fetched per round trip while streaming.
CHUNK = 500
#: A version's start is the device's local time; activity is server time in UTC.
_ZONE_MARGIN = timedelta(days=1)
#: The margin must stay inside the calendar: a period from year 1 starts here.
_EARLIEST = date(1, 1, 2)

log = logging.getLogger(__name__)


class ReportQueries:
    """The report endpoints' use cases, over the same database as the inbox."""

    def __init__(
        self,
        database: CentralDatabase,
        queries: InspectionQueries,
        forms: StoredForms | None = None,
    ) -> None:
        self.database = database
        self.queries = queries
        self.forms = forms if forms is not None else StoredForms()
        self._permits = threading.BoundedSemaphore(SUMMARY_PERMITS)

    def summary(
        self, principal: Principal, start: date, end: date, areas: list[str]
    ) -> SummaryBody:
        """The period summary of the inspections `principal` may read that started between
        `start` and `end` (both included), in `areas` when any are named."""
        period = _period(start, end)
        wanted = _areas(areas)
        visible(principal)  # a 403 for a role that reads no inspections, before any permit
        with self._permit():
            return SummaryBody.of(self.count(principal, period, wanted))

    def count(self, principal: Principal, period: Period, wanted: Collection[str]) -> PeriodSummary:
        """The summary itself, without the request's bounds (`summary` checks those first);
        the benchmark counts a longer period with it."""
        condition = visible(principal)  # a 403 for a role that reads no inspections
        inspections, facts = schema.inspections, schema.summary_facts
        # Activity on the server comes after the visit began, never before; the same order
        # as the inbox, so labels taken from the first version of a form are the same.
        since = datetime.combine(max(period.start, _EARLIEST), time(), UTC) - _ZONE_MARGIN
        query = (
            sa.select(inspections.c.status, facts.c.facts, inspections.c.head_version_id)
            .select_from(
                inspections.outerjoin(facts, facts.c.version_id == inspections.c.head_version_id)
            )
            .where(condition)
            .where(inspections.c.updated_at >= since)
            .where(
                sa.or_(
                    facts.c.started_day.is_(None),
                    facts.c.started_day.between(period.start.isoformat(), period.end.isoformat()),
                )
            )
            .order_by(inspections.c.updated_at.desc(), inspections.c.inspection_id.desc())
        )
        with self.database.read() as connection:
            counter = SummaryCounter(
                period,
                lambda form_id, version: self._engine(connection, form_id, version),
                venues=_venues(connection),
                areas=wanted,
            )
            result = connection.execution_options(stream_results=True, yield_per=CHUNK).execute(
                query
            )
            for status, stored, version_id in result:
                counter.add(_counted(connection, InspectionStatus(status), stored, version_id))
            return counter.finish()

    def round_visits(self, principal: Principal, test_id: str) -> RoundVisits:
        """The door-test visits `principal` may read whose answers name round `test_id`
        (without regard to case), newest activity first; a 404 when there are none."""
        wanted = test_id.casefold()
        inspections, versions = schema.inspections, schema.versions
        query = (
            sa.select(inspections.c.inspection_id, versions.c.record)
            .select_from(
                inspections.join(versions, versions.c.version_id == inspections.c.head_version_id)
            )
            .where(visible(principal))
            .where(inspections.c.form_id == DOOR_TEST_FORM)
            .order_by(inspections.c.updated_at.desc(), inspections.c.inspection_id.desc())
        )
        found: list[str] = []
        with self.database.read() as connection:
            result = connection.execution_options(stream_results=True, yield_per=CHUNK).execute(
                query
            )
            for inspection_id, text in result:
                record = json.loads(text)
                answers = record.get("document", {}).get("answers", {})
                given = answers.get("test_id")
                # The stored answer first (cheap), then the engine's reading of it decides.
                if not isinstance(given, str) or given.casefold() != wanted:
                    continue
                engine = self._engine(connection, record["form_id"], record["form_version"])
                visit, _window = door_visit(engine, record.get("document", {}))
                if visit.test_id.casefold() == wanted:
                    found.append(inspection_id)
        if not found:
            raise not_found("door-test round", "De deurtestronde")
        return RoundVisits(
            test_id=test_id,
            visits=[self.queries.detail(principal, inspection_id) for inspection_id in found],
        )

    def on_pushed(self, connection: Connection, versions: Iterable[InspectionVersion]) -> None:
        """Store the period-summary facts of versions just written, in the push's
        transaction (their forms exist: the push checked the versions against them)."""
        rows = []
        for version in versions:
            engine = self._engine(connection, version.form_id, version.form_version)
            found = SummaryRow.of_version(version, InspectionStatus.SENT).facts(engine)
            rows.append(_facts_row(version.version_id, found))
        if rows:
            # A version's facts never change, so a row already there (left behind by a
            # hand-made deletion of its version) is this one: kept, never a refused push.
            insert = self.database.insert_ignoring_duplicates(schema.summary_facts)
            connection.execute(insert, rows)

    @contextmanager
    def _permit(self) -> Iterator[None]:
        if not self._permits.acquire(blocking=False):
            raise ApiError(
                429,
                ErrorCode.THROTTLED,
                "Er worden al overzichten berekend; probeer het zo opnieuw.",
                "Summaries are being counted already; try again in a moment.",
                headers={"Retry-After": "5"},
            )
        try:
            yield
        finally:
            self._permits.release()

    def _engine(self, connection: Connection, form_id: str, version: str) -> FormEngine:
        return self.forms.require(connection, form_id, version).engine


def fill_missing_facts(connection: Connection) -> int:
    """Compute the facts of every version that has none, with its stored form (schema 6's
    migration); returns how many were written. In version order, a chunk at a time, so
    memory does not grow with the history."""
    versions, facts = schema.versions, schema.summary_facts
    engines: dict[tuple[str, str], FormEngine] = {}
    written, after = 0, ""
    while True:
        batch = connection.execute(
            sa.select(versions.c.version_id, versions.c.record)
            .where(versions.c.version_id > after)
            .where(~sa.exists().where(facts.c.version_id == versions.c.version_id))
            .order_by(versions.c.version_id)
            .limit(CHUNK)
        ).all()
        if not batch:
            return written
        rows = []
        for version_id, record in batch:
            try:
                row = SummaryRow.of_record(json.loads(record), InspectionStatus.SENT)
                key = (row.form_id, row.form_version)
                if key not in engines:
                    definition = connection.execute(
                        sa.select(schema.forms.c.definition)
                        .where(schema.forms.c.form_id == row.form_id)
                        .where(schema.forms.c.form_version == row.form_version)
                    ).scalar_one()
                    engines[key] = compile_form(FormDefinition.model_validate_json(definition))
                rows.append(_facts_row(version_id, row.facts(engines[key])))
            except Exception:
                # Facts are a shortcut the summary can do without (it reads such a version
                # from its record): one version that cannot be worked out must not stop
                # the upgrade. Its traceback goes to the log.
                log.warning("no summary facts for version %s", version_id, exc_info=True)
        if rows:
            connection.execute(facts.insert(), rows)
        written += len(rows)
        after = batch[-1][0]


def _facts_row(version_id: str, found: VersionFacts) -> dict[str, str]:
    return {"version_id": version_id, "started_day": found.started_day, "facts": found.to_json()}


def _counted(
    connection: Connection, status: InspectionStatus, stored: str | None, version_id: str
) -> Counted:
    """A summary row's stored facts, or its version's record when it has none."""
    if stored is not None:
        return StoredFacts(status, VersionFacts.from_json(stored))
    record = connection.execute(
        sa.select(schema.versions.c.record).where(schema.versions.c.version_id == version_id)
    ).scalar_one()
    return SummaryRow.of_record(json.loads(record), status)


def _venues(connection: Connection) -> dict[str, Venue]:
    """Every venue the register holds (removed ones too: old inspections name them)."""
    payloads = connection.execute(
        sa.select(schema.reference.c.payload).where(schema.reference.c.kind == "venue")
    ).scalars()
    venues = (Venue.model_validate_json(payload) for payload in payloads)
    return {venue.id: venue for venue in venues}


def _period(start: date, end: date) -> Period:
    if end < start:
        raise _invalid(
            "Het einde van de periode ligt voor het begin.",
            "The period ends before it starts.",
            "to: before from",
        )
    if (end - start).days + 1 > MAX_SUMMARY_DAYS:
        raise _invalid(
            f"Een overzicht beslaat hoogstens {MAX_SUMMARY_DAYS} dagen.",
            f"A summary covers at most {MAX_SUMMARY_DAYS} days.",
            f"to: more than {MAX_SUMMARY_DAYS} days after from",
        )
    return Period(start, end)


def _areas(areas: Collection[str]) -> tuple[str, ...]:
    wanted = tuple(dict.fromkeys(areas))
    if any(not area or len(area) > 128 for area in wanted):
        raise _invalid(
            "Een wijk heeft een id van 1 tot 128 tekens.",
            "An area id has 1 to 128 characters.",
            "area: empty or longer than 128 characters",
        )
    if len(wanted) > MAX_SUMMARY_AREAS:
        raise _invalid(
            f"Hoogstens {MAX_SUMMARY_AREAS} wijken per overzicht.",
            f"At most {MAX_SUMMARY_AREAS} areas per summary.",
            f"area: more than {MAX_SUMMARY_AREAS}",
        )
    return wanted


def _invalid(nl: str, en: str, problem: str) -> ApiError:
    return ApiError(422, ErrorCode.INVALID, nl, en, problems=[problem])
