"""The supervisor's review desk: the central store's inbox, details, blobs, returns and approvals.

Qt-free, so the app, the CLI and the tests share it. Every request goes through the sync
client's `CentralLine` (sign-in, bearer tokens, retries with backoff, `Refusal` with the
server's `ErrorBody`); this module adds no HTTP layer of its own. A review action carries
an `event_id` made once by the caller, so a retried request can never return or approve
twice. `open_desk` says which central store and how to sign in to it.

`CentralReference` reads the venues, areas and forms the central store sends, for reports
made from the central store (`fieldapp.app.review.source.CentralReportSource`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fieldapp.core.engine import FormEngine, compile_form
from fieldapp.core.entities import Area, Team, Venue
from fieldapp.core.forms import FormDefinition
from fieldapp.core.inspection import InspectionStatus, new_id
from fieldapp.protocol.models import (
    ApproveRequest,
    AreaChange,
    ChangesPage,
    ConflictList,
    FormChange,
    HeldConflict,
    InspectionDetail,
    InspectionList,
    InspectionSummary,
    QuestionComment,
    ReturnRequest,
    ReviewEvent,
    StoredVersion,
    TeamChange,
    UserChange,
    VenueChange,
)
from fieldapp.protocol.reports import ExportItem, ExportPage, RoundVisits, SummaryBody
from fieldapp.reports.model import ReportScope
from fieldapp.sync.errors import GaveUp, Refusal
from fieldapp.sync.transport import (
    WHILE_A_PERSON_WAITS,
    CentralLine,
    Credentials,
    CredentialSource,
)

#: `Refusal` and `GaveUp` are what a request to the central store may end in.
__all__ = [
    "CentralReference",
    "GaveUp",
    "InboxFilter",
    "Refusal",
    "ReviewDesk",
    "open_desk",
]

_JSON = {"Content-Type": "application/json"}
#: The server's largest inbox page.
PAGE_MAX = 500


@dataclass(frozen=True)
class InboxFilter:
    """What the supervisor narrows the inbox to.

    The server filters form, status, venue, area, author and period (by last activity);
    `outcome` and `text` are applied to each page as it arrives, because the server
    offers no full-text or outcome search (yet): see `matches`.
    """

    form_id: str | None = None
    status: InspectionStatus | None = None
    venue_id: str | None = None
    area_id: str | None = None
    #: The officer's or tester's username (testers are listed by pseudonym).
    author: str | None = None
    start: date | None = None
    #: Included: activity on this day still counts.
    end: date | None = None
    outcome: str | None = None
    text: str = ""

    def params(self) -> dict[str, str]:
        """The query parameters the server understands."""
        params: dict[str, str] = {}
        if self.form_id:
            params["form_id"] = self.form_id
        if self.status is not None:
            params["status"] = self.status.value
        if self.venue_id:
            params["venue_id"] = self.venue_id
        if self.area_id:
            params["area_id"] = self.area_id
        if self.author:
            params["author"] = self.author
        if self.start is not None:
            params["since"] = datetime.combine(self.start, time(), UTC).isoformat()
        if self.end is not None:
            after_end = datetime.combine(self.end + timedelta(days=1), time(), UTC)
            params["until"] = after_end.isoformat()
        return params

    @property
    def local(self) -> bool:
        """Whether some rows of a page may be dropped on this side."""
        return bool(self.outcome or self.text.strip())

    def matches(
        self, summary: InspectionSummary, words: Callable[[InspectionSummary], str]
    ) -> bool:
        """The filters the server lacks: an outcome, and words found in the row's text."""
        if self.outcome and self.outcome not in summary.outcomes:
            return False
        needle = self.text.strip().casefold()
        if not needle:
            return True
        haystack = " ".join(
            (
                words(summary),
                summary.inspection_id,
                summary.author,
                summary.author_name,
                summary.venue_id or "",
                summary.area_id or "",
                " ".join(summary.outcomes),
            )
        ).casefold()
        return all(part in haystack for part in needle.split())


class ReviewDesk:
    """A supervisor's requests to the central store, over the sync client's line.

    Thread-safe for what the UI does with it: calls from the task runner's pool threads.
    Blobs are kept in memory once fetched (photos do not change: they are named by hash).
    """

    def __init__(self, line: CentralLine, username: str) -> None:
        self.line = line
        self.username = username
        self._blobs: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def close(self) -> None:
        self.line.close()

    def _get(self, path: str, params: Mapping[str, Any] | None = None) -> bytes:
        return self.line.call("GET", path, user=self.username, params=params).content

    # --- reading ------------------------------------------------------------------------

    def page(
        self, wanted: InboxFilter | None = None, after: str | None = None, limit: int = 100
    ) -> InspectionList:
        """One page of the inbox, newest activity first; pass `next_after` for the next."""
        params: dict[str, Any] = dict((wanted or InboxFilter()).params())
        params["limit"] = max(1, min(limit, PAGE_MAX))
        if after is not None:
            params["after"] = after
        return InspectionList.model_validate_json(self._get("/v1/inspections", params))

    def summaries(self, wanted: InboxFilter | None = None) -> Iterator[InspectionSummary]:
        """Every inspection the filter lets through, page by page."""
        after: str | None = None
        while True:
            page = self.page(wanted, after, PAGE_MAX)
            yield from page.items
            if page.next_after is None:
                return
            after = page.next_after

    def detail(self, inspection_id: str) -> InspectionDetail:
        return InspectionDetail.model_validate_json(self._get(f"/v1/inspections/{inspection_id}"))

    def version(self, inspection_id: str, version_id: str) -> StoredVersion:
        return StoredVersion.model_validate_json(
            self._get(f"/v1/inspections/{inspection_id}/versions/{version_id}")
        )

    def blob(self, sha256: str) -> bytes:
        """A photo or signature by its hash (the server checks the supervisor may see it)."""
        with self._lock:
            held = self._blobs.get(sha256)
        if held is not None:
            return held
        data = self._get(f"/v1/blobs/{sha256}")
        with self._lock:
            self._blobs[sha256] = data
        return data

    def period_summary(self, start: date, end: date, areas: Iterable[str] = ()) -> SummaryBody:
        """The period summary's numbers, counted on the central store in one request over
        the inspections this user may read (`GET /v1/reports/summary`)."""
        params: dict[str, Any] = {"from": start.isoformat(), "to": end.isoformat()}
        wanted = list(areas)
        if wanted:
            params["area"] = wanted
        return SummaryBody.model_validate_json(self._get("/v1/reports/summary", params))

    def export_items(self, form_id: str, since: datetime | None = None) -> Iterator[ExportItem]:
        """The latest version of every inspection of `form_id` this user may read, with
        activity since `since`, a page of up to `MAX_EXPORT_PAGE` a request (`GET
        /v1/export`); only one page is held at a time."""
        params: dict[str, Any] = {"form_id": form_id}
        if since is not None:
            params["since"] = since.isoformat()
        while True:
            page = ExportPage.model_validate_json(self._get("/v1/export", params))
            yield from page.items
            if page.next_after is None:
                return
            params["after"] = page.next_after

    def round_visits(self, test_id: str) -> RoundVisits:
        """Every visit of one door-test round this user may read, found on the central store
        (`GET /v1/reports/door-tests/{test_id}`; `Refusal` 404 when there is none)."""
        return RoundVisits.model_validate_json(
            self._get(f"/v1/reports/door-tests/{quote(test_id, safe='')}")
        )

    def earlier_at_venue(
        self, venue_id: str, inspection_id: str, started_at: datetime, limit: int = 20
    ) -> list[InspectionSummary]:
        """Inspections of the same venue whose visit began before `started_at`, newest first.

        The inbox is ordered by upload, not by visit, so every page of the venue is read.
        """
        moment = _utc(started_at)
        found = [
            item
            for item in self.summaries(InboxFilter(venue_id=venue_id))
            if item.inspection_id != inspection_id
            and _utc(item.started_at or item.first_received_at) < moment
        ]
        found.sort(key=lambda item: _utc(item.started_at or item.first_received_at), reverse=True)
        return found[:limit]

    def conflicts(self, after: str | None = None, limit: int = 100) -> ConflictList:
        """One page of held conflicts, newest first: versions the central store refused
        because they did not build on the inspection's newest version, kept so nothing is
        lost. Supervisors see their teams', administrators everyone's (`Refusal` 403 for
        anyone else)."""
        params: dict[str, Any] = {"limit": max(1, min(limit, PAGE_MAX))}
        if after is not None:
            params["after"] = after
        return ConflictList.model_validate_json(self._get("/v1/conflicts", params))

    def held_conflicts(self, most: int = PAGE_MAX) -> list[HeldConflict]:
        """The newest `most` held conflicts, page by page."""
        found: list[HeldConflict] = []
        after: str | None = None
        while len(found) < most:
            page = self.conflicts(after, most - len(found))
            found.extend(page.items)
            if page.next_after is None:
                break
            after = page.next_after
        return found[:most]

    # --- acting -------------------------------------------------------------------------

    def return_for_correction(
        self,
        inspection_id: str,
        version_id: str,
        comments: Iterable[QuestionComment],
        note: str | None = None,
        *,
        event_id: str | None = None,
    ) -> ReviewEvent:
        """Send `version_id` back with a comment per question; only those reopen."""
        body = ReturnRequest(
            event_id=event_id or new_id(),
            version_id=version_id,
            comments=list(comments),
            note=note or None,
        )
        return self._act(inspection_id, "return", body.model_dump_json())

    def approve(
        self,
        inspection_id: str,
        version_id: str,
        note: str | None = None,
        *,
        event_id: str | None = None,
    ) -> ReviewEvent:
        """Approve the version the supervisor read (refused when a newer one arrived)."""
        body = ApproveRequest(
            event_id=event_id or new_id(), version_id=version_id, note=note or None
        )
        return self._act(inspection_id, "approve", body.model_dump_json())

    def _act(self, inspection_id: str, verb: str, body: str) -> ReviewEvent:
        response = self.line.call(
            "POST",
            f"/v1/inspections/{inspection_id}/{verb}",
            user=self.username,
            content=body,
            headers=_JSON,
        )
        return ReviewEvent.model_validate_json(response.content)


# --- reference data for reports over the central store ------------------------------


@dataclass
class CentralReference:
    """The venues, areas and forms the central store sends this supervisor (its change feed)."""

    venues: dict[str, Venue] = field(default_factory=dict)
    areas: dict[str, Area] = field(default_factory=dict)
    forms: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    teams: dict[str, Team] = field(default_factory=dict)
    #: Names by username, as the feed sends them (mystery guests by pseudonym).
    names: dict[str, str] = field(default_factory=dict)
    _engines: dict[tuple[str, str], FormEngine] = field(default_factory=dict)

    @classmethod
    def pull(cls, line: CentralLine, username: str) -> CentralReference:
        """Read the whole change feed once (reference data only; reviews are skipped)."""
        reference = cls()
        cursor: str | None = None
        while True:
            params: dict[str, Any] = {"limit": 500}
            if cursor is not None:
                params["cursor"] = cursor
            page = ChangesPage.model_validate_json(
                line.call("GET", "/v1/changes", user=username, params=params).content
            )
            for change in page.changes:
                if isinstance(change, VenueChange):
                    reference.venues[change.venue.id] = change.venue
                elif isinstance(change, AreaChange):
                    reference.areas[change.area.id] = change.area
                elif isinstance(change, TeamChange):
                    reference.teams[change.team.id] = change.team
                elif isinstance(change, UserChange):
                    reference.names[change.user.username] = change.user.name
                elif isinstance(change, FormChange):
                    reference.forms[(change.form_id, change.form_version)] = change.definition
            cursor = page.next_cursor
            if not page.has_more:
                return reference

    def scope(self, username: str) -> ReportScope:
        """What `username` sees on the central store: the teams they supervise and their
        areas, or (not a supervisor) their own team's."""
        led = [team for team in self.teams.values() if team.supervisor == username]
        return ReportScope(
            self.names.get(username, username),
            True,
            tuple(team.name for team in led),
            tuple(dict.fromkeys(area for team in led for area in team.areas)),
        )

    def engine(self, form_id: str, version: str) -> FormEngine:
        key = (form_id, version)
        engine = self._engines.get(key)
        if engine is None:
            engine = compile_form(FormDefinition.model_validate(self.forms[key]))
            self._engines[key] = engine
        return engine


# --- which central store, signed in as whom --------------------------------------------


def open_desk(
    home: Path,
    server_url: str,
    *,
    username: str,
    password: str | None,
    device_id: str,
) -> ReviewDesk:
    """A desk for `username` (blocking: it may start the demo's central store).

    In the demo (no `server_url`) the central store runs beside the profiles
    (`fieldapp.app.demo`), and the demo accounts sign in with the published demo password.
    With a configured server the desk signs in with the password the supervisor typed to
    unlock this device (the same account).
    """
    credentials: CredentialSource
    if not server_url:
        from fieldapp.app.demo import DemoAccounts, start_demo_server

        server_url = start_demo_server(home).url
        credentials = DemoAccounts()
    else:
        if password is None:
            from fieldapp.store.errors import PasswordRequired

            raise PasswordRequired()
        credentials = Credentials(username, password)
    from fieldapp.app.syncing import server_trust

    line = CentralLine(
        server_url,
        device_id=device_id,
        credentials=credentials,
        user_agent="fieldapp-review",
        trust=server_trust(home),
        # A supervisor waits at the screen: a few quick tries, then the sentence.
        retry=WHILE_A_PERSON_WAITS,
    )
    return ReviewDesk(line, username)


def _utc(moment: datetime) -> datetime:
    """A time to compare with others: a naive one (a device's local record) taken as UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
