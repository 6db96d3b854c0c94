"""The change feed as the device's store takes it: protocol changes become store changes.

Every kind the server sends maps onto `fieldapp.store.reference`: venues, areas, teams,
users (as `TeamMember`: what the officer may know of a colleague), forms (the definition
as JSON text, which the store reads like YAML), assignments, door-test rounds (a tester's
own, the other tester hidden by the server), and review events (a return
with its comments per question, or an approval). A `removed` change becomes a `Removal`.

A form version the device already holds with the same meaning is left alone: the store
keeps forms as text and refuses a *different* text for a version that inspections use,
while the server sends the definition re-encoded. Comparing meaning, not bytes, keeps a
seeded demo profile (forms read from the YAML files) in step with the server.

`SnapshotBuilder` folds a whole feed, from the start, into one `ReferenceSnapshot`: the
first sync and a reset after a 410 replace the reference data with it in one transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from fieldapp.core.entities import Area, Assignment, DoorTestRound, Team, Venue
from fieldapp.core.followup import VenueFieldSummary
from fieldapp.core.inspection import InspectionVersion
from fieldapp.protocol.models import (
    AreaChange,
    AssignmentChange,
    Change,
    FormChange,
    QuestionComment,
    ReviewAction,
    ReviewChange,
    ReviewEvent,
    RoundChange,
    TeamChange,
    UserChange,
    VenueChange,
    VenueSummaryChange,
)
from fieldapp.store import (
    ApprovalEvent,
    FormRejected,
    FormText,
    Profile,
    ReferenceKind,
    ReferenceSnapshot,
    Removal,
    ReturnEvent,
    TeamMember,
    UnknownReference,
    UnknownVersion,
    Upsert,
)
from fieldapp.store import Change as StoreChange

ReferenceItem = (
    Area | Venue | FormText | Assignment | Team | TeamMember | DoorTestRound | VenueFieldSummary
)


@dataclass
class MappedPage:
    """A page in the store's terms, and the forms that could not be read (left out)."""

    changes: list[StoreChange] = field(default_factory=list)
    rejected_forms: list[str] = field(default_factory=list)


class ChangeFeedMapper:
    """Maps protocol changes onto store changes for one profile."""

    def __init__(self, profile: Profile) -> None:
        self.profile = profile

    def page(self, changes: Sequence[Change]) -> MappedPage:
        mapped = MappedPage()
        for change in changes:
            if isinstance(change, ReviewChange):
                mapped.changes.append(self.review(change.event))
                continue
            kind, key = identity(change)
            if change.removed:
                mapped.changes.append(Removal(kind, key))
                continue
            try:
                item = self.item(change)
            except FormRejected as error:
                # One unreadable form must not stop the rest of the feed.
                mapped.rejected_forms.append(f"{key}: {error}")
                continue
            if item is not None:
                mapped.changes.append(Upsert(item))
        return mapped

    def item(self, change: Change) -> ReferenceItem | None:
        """The store item of an upsert; None for a form the device already holds as is."""
        if isinstance(change, VenueChange):
            return change.venue
        if isinstance(change, AreaChange):
            return change.area
        if isinstance(change, TeamChange):
            return change.team
        if isinstance(change, UserChange):
            user = change.user
            return TeamMember(user.username, user.name, user.role, user.team)
        if isinstance(change, AssignmentChange):
            return change.assignment
        if isinstance(change, RoundChange):
            return change.round
        if isinstance(change, VenueSummaryChange):
            return change.summary
        if isinstance(change, FormChange):
            return self.form(change)
        raise TypeError(f"not a reference change: {change.kind}")

    def form(self, change: FormChange) -> FormText | None:
        held = self.held_form(change.form_id, change.form_version, change.definition)
        if held is not None:
            return None
        text = form_text(change.form_id, change.form_version, change.definition)
        # Compile now, outside the page's transaction, so a bad form is named and left out.
        self.profile.forms.compile_text(text)
        return text

    def held_form(
        self, form_id: str, version: str, definition: Mapping[str, Any]
    ) -> FormText | None:
        """The form text the device holds for this version, when it means the same."""
        try:
            engine = self.profile.engine(form_id, version)
        except (UnknownReference, FormRejected):
            return None
        if engine.definition.model_dump(mode="json", exclude_none=True) != definition:
            return None
        return self.device_form(form_id, version)

    def device_form(self, form_id: str, version: str) -> FormText | None:
        """The form text the device holds for this version, whatever it says."""
        for text in self.profile.forms.forms():
            if (text.form_id, text.version) == (form_id, version):
                return text
        return None

    def review(self, event: ReviewEvent) -> ReturnEvent | ApprovalEvent:
        if event.action is ReviewAction.APPROVED:
            return ApprovalEvent(
                event.inspection_id, event.version_id, event.reviewer, event.at, event.note
            )
        comments = merge_comments(event.comments, self._rows_of(event.version_id))
        return ReturnEvent(
            event.inspection_id, event.version_id, comments, event.reviewer, event.at, event.note
        )

    def _rows_of(self, version_id: str) -> Mapping[str, int]:
        """Repeat row ids of a version → their number (1-based) as the officer sees them."""
        try:
            version = self.profile.version(version_id)
        except UnknownVersion:
            return {}
        return row_numbers(version)


def identity(change: Change) -> tuple[ReferenceKind, str]:
    """The store's kind and key of a reference change (for removals and folding)."""
    if isinstance(change, VenueChange):
        return ReferenceKind.VENUE, change.venue.id
    if isinstance(change, AreaChange):
        return ReferenceKind.AREA, change.area.id
    if isinstance(change, TeamChange):
        return ReferenceKind.TEAM, change.team.id
    if isinstance(change, UserChange):
        return ReferenceKind.TEAM_USER, change.user.username
    if isinstance(change, AssignmentChange):
        return ReferenceKind.ASSIGNMENT, change.assignment.id
    if isinstance(change, RoundChange):
        return ReferenceKind.ROUND, change.round.id
    if isinstance(change, VenueSummaryChange):
        return ReferenceKind.VENUE_SUMMARY, change.summary.venue_id
    if isinstance(change, FormChange):
        return ReferenceKind.FORM, f"{change.form_id}@{change.form_version}"
    raise TypeError(f"not a reference change: {change.kind}")


def form_text(form_id: str, version: str, definition: Mapping[str, Any]) -> FormText:
    """A form definition as text for the store: JSON, which its YAML reader accepts."""
    return FormText(form_id, version, json.dumps(definition, ensure_ascii=False, indent=1))


def row_numbers(version: InspectionVersion) -> dict[str, int]:
    numbers: dict[str, int] = {}
    repeats = version.document.get("repeats", {})
    if isinstance(repeats, dict):
        for rows in repeats.values():
            for index, row in enumerate(rows if isinstance(rows, list) else []):
                if isinstance(row, dict) and isinstance(row.get("row"), str):
                    numbers[row["row"]] = index + 1
    return numbers


def merge_comments(comments: Iterable[QuestionComment], rows: Mapping[str, int]) -> dict[str, str]:
    """One text per question: comments on rows of a repeat are joined, each marked with
    its row number (#2), so none is lost where the store keeps one text per question."""
    merged: dict[str, list[str]] = {}
    for comment in comments:
        texts = merged.setdefault(comment.question, [])
        text = comment.text
        if not text:
            continue  # reopened without a comment: the question is named, nothing said
        if comment.row is not None:
            number = rows.get(comment.row)
            mark = f"#{number}" if number is not None else f"[{comment.row}]"
            text = f"{mark}: {text}"
        texts.append(text)
    return {question: "\n".join(texts) for question, texts in merged.items()}


class SnapshotBuilder:
    """Folds a feed pulled from the start into the reference data it ends with."""

    def __init__(self, mapper: ChangeFeedMapper) -> None:
        self.mapper = mapper
        self._items: dict[tuple[ReferenceKind, str], ReferenceItem | None] = {}
        self._forms: dict[str, FormChange] = {}
        self.reviews: list[StoreChange] = []
        self.rejected_forms: list[str] = []
        self.count = 0

    def add(self, changes: Sequence[Change]) -> None:
        for change in changes:
            self.count += 1
            if isinstance(change, ReviewChange):
                self.reviews.append(self.mapper.review(change.event))
                continue
            key = identity(change)
            if change.removed:
                self._items[key] = None
                self._forms.pop(key[1], None)
            elif isinstance(change, FormChange):
                # Forms are compiled once at the end: a feed may carry many versions.
                self._items[key] = None
                self._forms[key[1]] = change
            else:
                self._items[key] = self.mapper.item(change)

    def snapshot(self) -> ReferenceSnapshot:
        forms: list[FormText] = []
        for key, change in sorted(self._forms.items()):
            held = self.mapper.held_form(change.form_id, change.form_version, change.definition)
            if held is not None:
                forms.append(held)
                continue
            own = self.mapper.device_form(change.form_id, change.form_version)
            if own is not None:
                # The same version with another meaning (a restored or changed server): the
                # device keeps its own, as a page does, so a reset can never stop on a form.
                forms.append(own)
                self.rejected_forms.append(f"{key}: the device keeps its own text of this version")
                continue
            text = form_text(change.form_id, change.form_version, change.definition)
            try:
                self.mapper.profile.forms.compile_text(text)
            except FormRejected as error:
                self.rejected_forms.append(f"{key}: {error}")
                continue
            forms.append(text)
        items = [item for item in self._items.values() if item is not None]
        return ReferenceSnapshot(
            areas=[item for item in items if isinstance(item, Area)],
            venues=[item for item in items if isinstance(item, Venue)],
            forms=forms,
            assignments=[item for item in items if isinstance(item, Assignment)],
            teams=[item for item in items if isinstance(item, Team)],
            team_users=[item for item in items if isinstance(item, TeamMember)],
            rounds=[item for item in items if isinstance(item, DoorTestRound)],
            venue_summaries=[item for item in items if isinstance(item, VenueFieldSummary)],
        )
