"""The supervisor's follow-up: the ladder's proposals, actions with their log, the venue file.

Qt-free; the follow-up screen runs each call on the task runner. Like planning, it needs
the central store: offline, a call raises `CentralOffline` and the screen keeps what was
typed. A change to an action names the `version` it was based on; when someone else
changed it in between, `ActionConflict` carries the action as it is now. The dossier and
the weekly overview are the PDFs of `fieldapp.reports`, made from what the server sent.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from fieldapp.app.administration import (
    CentralError,
    EditConflict,
    Refused,
    checked,
    translated,
)
from fieldapp.core.entities import Area, Role, Team, User, Venue
from fieldapp.core.followup import (
    Action,
    ActionEventKind,
    ActionState,
    Attachment,
    DecisionKind,
    Measure,
    MeasureState,
    VenueFile,
)
from fieldapp.core.sanctions import ActionKind, SanctionPolicy
from fieldapp.core.texts import Language, Text
from fieldapp.protocol.models import ActionDraft, ActionUpdate, DecisionRequest
from fieldapp.reports import actions_report, venue_dossier
from fieldapp.sync.administration import AdminClient, FollowUpClient
from fieldapp.sync.transport import CentralLine

__all__ = [
    "Action",
    "ActionConflict",
    "ActionKind",
    "ActionState",
    "CentralError",
    "DecisionKind",
    "FollowUp",
    "FollowUpBoard",
    "Measure",
    "MeasureState",
    "VenueFile",
    "overdue",
    "owners",
]

#: The largest file kept with an operator's response (a scanned letter).
MAX_RESPONSE_FILE = 20 * 1024 * 1024

_TOO_LARGE = Text(
    "Het bestand is groter dan 20 MB; voeg een kleinere scan toe.",
    "The file is larger than 20 MB; attach a smaller scan.",
)
_WRONG_TYPE = Text(
    "Voeg een PDF, JPEG of PNG toe.",
    "Attach a PDF, JPEG or PNG.",
)


class ActionConflict(EditConflict):
    """Someone else changed the action since; `action` is how it is now."""

    def __init__(self, current: dict[str, Any] | None) -> None:
        super().__init__(current)
        try:
            self.action: Action | None = (
                Action.model_validate(current) if current is not None else None
            )
        except ValidationError:
            self.action = None


@dataclass(frozen=True)
class FollowUpBoard:
    """Everything the follow-up screen shows at once."""

    proposals: list[Measure]
    actions: list[Action]
    policy: SanctionPolicy | None
    venues: list[Venue]
    areas: list[Area]
    teams: list[Team]


def owners(people: Iterable[User], teams: Iterable[Team], username: str) -> list[User]:
    """Who may own an action: the supervisor herself and the boa's of her teams (from the
    team users the device pulled; a supervisor does not read the account register)."""
    team_ids = {team.id for team in teams}
    found = [
        person
        for person in people
        if person.username == username or (person.team in team_ids and person.role is Role.BOA)
    ]
    return sorted(found, key=lambda person: (person.username != username, person.display_name))


def overdue(actions: Iterable[Action], today: date) -> list[Action]:
    """Open actions past their due date, most overdue first."""
    return sorted((a for a in actions if a.overdue(today)), key=lambda action: action.due)


class FollowUp:
    """A supervisor's follow-up on the central store."""

    def __init__(self, line: CentralLine, username: str) -> None:
        self.username = username
        self.client = FollowUpClient(line, username)
        self.registers = AdminClient(line, username)

    def board(self) -> FollowUpBoard:
        with translated():
            teams = [t for t in self.registers.teams() if t.supervisor == self.username]
            try:
                # Its own translation: a store without a policy (404) still has actions.
                with translated():
                    policy: SanctionPolicy | None = self.client.policy()
            except CentralError as error:
                if error.status != 404:
                    raise
                policy = None
            return FollowUpBoard(
                proposals=self.client.measures(state=MeasureState.PROPOSED.value),
                actions=self.client.actions(),
                policy=policy,
                venues=self.registers.venues(),
                areas=self.registers.areas(),
                teams=teams,
            )

    def action(self, action_id: str) -> Action:
        """One action with its whole log (the list leaves the log out)."""
        with translated():
            return self.client.action(action_id)

    def policy_of(self, measure: Measure) -> SanctionPolicy:
        """The policy a proposal was made under (its steps, for another choice)."""
        with translated():
            return self.client.policy(measure.policy_id, measure.policy_version)

    def decide(
        self,
        measure_id: str,
        decision: DecisionKind,
        *,
        step_id: str | None = None,
        reason: str = "",
    ) -> Measure:
        request = checked(DecisionRequest, decision=decision, step_id=step_id, reason=reason)
        with translated():
            return self.client.decide(measure_id, request)

    def add_action(self, values: dict[str, Any]) -> Action:
        draft = checked(ActionDraft, **values)
        with translated():
            return self.client.add_action(draft)

    def _update(self, action: Action, **values: Any) -> Action:
        update = checked(ActionUpdate, version=action.version, **values)
        try:
            with translated():
                return self.client.update_action(action.action_id, update)
        except EditConflict as conflict:
            raise ActionConflict(conflict.current) from conflict

    def note(self, action: Action, text: str) -> Action:
        return self._update(action, kind=ActionEventKind.NOTE, text=text)

    def move(self, action: Action, state: ActionState, text: str = "") -> Action:
        return self._update(action, kind=ActionEventKind.STATE, state=state, text=text)

    def set_due(self, action: Action, due: date, text: str = "") -> Action:
        return self._update(action, kind=ActionEventKind.DUE, due=due, text=text)

    def set_owner(self, action: Action, owner: str, text: str = "") -> Action:
        return self._update(action, kind=ActionEventKind.OWNER, owner=owner, text=text)

    def record_response(
        self, action: Action, dated: date, summary: str, file: Path | None = None
    ) -> Action:
        """The operator's response (zienswijze): its date, a summary, perhaps the letter."""
        attachment = None
        if file is not None:
            attachment = self._attach(file)
        return self._update(
            action,
            kind=ActionEventKind.RESPONSE,
            response_date=dated,
            text=summary,
            attachment=attachment,
        )

    def _attach(self, file: Path) -> Attachment:
        media_type = mimetypes.guess_type(file.name)[0] or ""
        if media_type not in ("application/pdf", "image/jpeg", "image/png"):
            raise Refused(_WRONG_TYPE, status=422)
        size = file.stat().st_size
        if size > MAX_RESPONSE_FILE:
            raise Refused(_TOO_LARGE, status=413)
        data = file.read_bytes()
        with translated():
            sha = self.client.upload(data)
        return Attachment(sha256=sha, filename=file.name[:200], media_type=media_type, size=size)

    def attachment(self, sha256: str) -> bytes:
        with translated():
            return self.client.blob(sha256)

    def venue_file(self, venue_id: str) -> VenueFile:
        with translated():
            return self.client.venue_file(venue_id)

    def write_dossier(
        self, venue_id: str, target: Path, language: Language, areas: Sequence[Area] = ()
    ) -> VenueFile:
        """The venue dossier PDF, from the file as the central store has it now."""
        file = self.venue_file(venue_id)
        data = venue_dossier(file, language=language, areas={area.id: area for area in areas})
        target.write_bytes(data)
        return file

    def write_overview(
        self, actions: Sequence[Action], target: Path, today: date, scope: str, language: Language
    ) -> None:
        """The weekly overview of follow-up actions as a PDF."""
        data = actions_report(
            actions, today=today, scope=scope, language=language, include_closed=True
        )
        target.write_bytes(data)
