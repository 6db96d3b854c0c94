"""A venue's visits as the device knows them, and the stable answers of the last one.

Qt-free. `venue_history` merges what this device holds of a venue (its own inspections
and any it was given) with the venue's file from the central store (`VenueFieldSummary`,
boa's devices only), newest first: what the boa browses before starting.

Carry-over: a form declares which answers are stable facts of a venue (`carry_over` on a
question, e.g. the operator's name); `last_visit` finds the latest finalized inspection of
that form at the venue on this device and the declared answers it holds, and
`carry_over_into` copies exactly those into a new draft, noting it (`carried_over`) so the
form can ask the boa to check them. Findings, photos, signatures, times and people never
carry over: the form format refuses `carry_over` on them (`fieldapp.core.forms`,
`fieldapp.core.engine`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from fieldapp.core.answers import decode_value
from fieldapp.core.engine import FormEngine
from fieldapp.core.errors import AnswerError
from fieldapp.core.expr import Value
from fieldapp.core.expr.values import is_empty
from fieldapp.core.followup import VenueFieldSummary
from fieldapp.core.forms import SELECT_TYPES, LocalText
from fieldapp.core.inspection import InspectionStatus
from fieldapp.store import Profile

__all__ = [
    "CarriedOver",
    "LastVisit",
    "ProfileVisits",
    "VenueHistory",
    "VenueVisit",
    "VenueVisits",
    "carried_answers",
    "carried_over",
    "carry_over_into",
    "last_visit",
    "venue_history",
]

#: The marker under which a draft remembers what it carried over (see `carried_over`).
_MARKER = "carried_over:"


# -- the history ----------------------------------------------------------------------------


@dataclass(frozen=True)
class VenueVisit:
    """One inspection at the venue: when, which checklist, how far, what it found."""

    visited_at: datetime
    form_id: str
    form_title: LocalText
    #: An `InspectionStatus` value for one on this device; the file's status otherwise.
    status: str
    #: The findings' labels, most severe first (empty for a draft).
    findings: tuple[LocalText, ...]
    #: On this device (it can be opened), or only in the venue's file.
    on_device: bool
    inspection_id: str


@dataclass(frozen=True)
class VenueHistory:
    """A venue's visits, newest first, and its file from the central store if pulled."""

    venue_id: str
    visits: tuple[VenueVisit, ...]
    file: VenueFieldSummary | None


def venue_history(profile: Profile, venue_id: str, *, limit: int = 20) -> VenueHistory:
    """What this device knows of the visits to a venue, newest first, at most `limit`."""
    visits: dict[str, VenueVisit] = {}
    for summary in profile.inspections_at(venue_id, limit=limit):
        engine = profile.engine(summary.form_id, summary.form_version)
        labels = {outcome.name: outcome.label for outcome in engine.definition.outcomes}
        # A draft's findings so far are the ones the drafts list worked out (if it has).
        names = (
            summary.draft_outcomes or ()
            if summary.status is InspectionStatus.DRAFT
            else summary.outcomes
        )
        visits[summary.inspection_id] = VenueVisit(
            visited_at=summary.started_at,
            form_id=summary.form_id,
            form_title=engine.definition.title,
            status=summary.status.value,
            findings=tuple(labels[name] for name in names if name in labels),
            on_device=True,
            inspection_id=summary.inspection_id,
        )
    file = profile.venue_summary(venue_id)
    for visit in file.last_visits if file is not None else ():
        # A visit this device sent is in the file too: the device's row says more.
        if visit.inspection_id not in visits:
            visits[visit.inspection_id] = VenueVisit(
                visited_at=visit.visited_at,
                form_id=visit.form_id,
                form_title=visit.form_title,
                status=visit.status,
                findings=tuple(finding.label for finding in visit.findings),
                on_device=False,
                inspection_id=visit.inspection_id,
            )
    newest = sorted(visits.values(), key=lambda v: v.visited_at.timestamp(), reverse=True)
    return VenueHistory(venue_id, tuple(newest[:limit]), file)


# -- carry-over ---------------------------------------------------------------------------


def carried_answers(engine: FormEngine, document: Mapping[str, Any]) -> dict[str, Value]:
    """The answers of a finalized `document` that `engine`'s form declares `carry_over`,
    as they fit this version (a choice the form no longer has is left out)."""
    given: Mapping[str, Any] = document.get("answers", {})
    carried: dict[str, Value] = {}
    for name, field_ in engine.fields.items():
        if not field_.question.carry_over or field_.repeat is not None or name not in given:
            continue
        try:
            value = decode_value(engine, name, given[name])
        except (AnswerError, TypeError, ValueError):
            continue  # the question changed kind since that visit
        if is_empty(value):
            continue
        if field_.kind in SELECT_TYPES:
            known = {choice.name for choice in field_.choices or ()}
            chosen = value if isinstance(value, tuple) else (value,)
            if not all(choice in known for choice in chosen):
                continue
        carried[name] = value
    return carried


@dataclass(frozen=True)
class LastVisit:
    """The latest finalized visit of a form at a venue, and what it would carry over."""

    inspection_id: str
    visited_at: datetime
    answers: Mapping[str, Value]


def last_visit(profile: Profile, venue_id: str, form_id: str) -> LastVisit | None:
    """The latest finalized visit with `form_id` at the venue on this device, when the
    newest version of the form carries any of its answers over; None otherwise."""
    engine = profile.engine(form_id)
    if not any(field_.question.carry_over for field_ in engine.fields.values()):
        return None
    version = profile.last_visit(venue_id, form_id)
    if version is None:
        return None
    answers = carried_answers(engine, version.document)
    if not answers:
        return None
    return LastVisit(version.inspection_id, version.started_at, answers)


@dataclass(frozen=True)
class CarriedOver:
    """What a draft took from the last visit: from which inspection, of when, which answers."""

    inspection_id: str
    visited_at: datetime
    names: tuple[str, ...]


def carry_over_into(profile: Profile, inspection_id: str, venue_id: str) -> CarriedOver | None:
    """Copy the last visit's declared answers into the new draft `inspection_id` (not over
    an answer the draft already has, such as a fact filled in from the venue's file)."""
    draft = profile.inspection(inspection_id)
    previous = last_visit(profile, venue_id, draft.form_id)
    if previous is None or previous.inspection_id == inspection_id:
        return None
    session = profile.resume(inspection_id)
    names = []
    for name, value in previous.answers.items():
        if is_empty(session.answers.get((name, None), "")):
            profile.set_answer(inspection_id, name, value)
            names.append(name)
    if not names:
        return None
    carried = CarriedOver(previous.inspection_id, previous.visited_at, tuple(names))
    record = {
        "from": carried.inspection_id,
        "visited_at": carried.visited_at.isoformat(),
        "names": list(carried.names),
    }
    profile.set_marker(_MARKER + inspection_id, json.dumps(record))
    return carried


def carried_over(profile: Profile, inspection_id: str) -> CarriedOver | None:
    """What the draft `inspection_id` carried over when it was started, if anything."""
    stored = profile.marker(_MARKER + inspection_id)
    if stored is None:
        return None
    record = json.loads(stored)
    return CarriedOver(
        record["from"], datetime.fromisoformat(record["visited_at"]), tuple(record["names"])
    )


class VenueVisits(Protocol):
    """What the new-inspection screen asks about a venue's visits (run off the UI thread)."""

    def history(self, venue_id: str) -> VenueHistory: ...

    def last_visit(self, venue_id: str, form_id: str) -> LastVisit | None: ...


class ProfileVisits:
    """`VenueVisits` over a signed-in person's profile."""

    def __init__(self, profile: Profile) -> None:
        self._profile = profile

    def history(self, venue_id: str) -> VenueHistory:
        return venue_history(self._profile, venue_id)

    def last_visit(self, venue_id: str, form_id: str) -> LastVisit | None:
        return last_visit(self._profile, venue_id, form_id)
