"""The device's HTTP client for the central store's administration and planning API.

It sits beside the sync client and the review desk and uses the same `CentralLine`
(sign-in, bearer tokens, retries with backoff, `Refusal` with the server's `ErrorBody`);
it adds no HTTP layer of its own. Each method is one request of docs/administration.md
section 7 and answers the protocol's model for it. A refusal (403, 404, 409, 422) comes
back as the line raises it: the application layer turns it into a sentence.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any, Literal

from fieldapp.core.entities import Area, Team, Venue
from fieldapp.core.followup import Action, Measure, VenueFile
from fieldapp.core.sanctions import SanctionPolicy
from fieldapp.protocol.models import (
    ActionDraft,
    ActionList,
    ActionUpdate,
    AdminUser,
    AreaList,
    AssignmentDraft,
    AssignmentList,
    Cancel,
    DecisionRequest,
    FormList,
    ImportReport,
    MeasureList,
    NewUser,
    PasswordReset,
    PlannedAssignment,
    PlannedRound,
    PublishedForm,
    RoundDraft,
    RoundList,
    TeamBody,
    TeamList,
    TeamPatch,
    UserAnswer,
    UserList,
    UserPatch,
    VenueEdit,
    VenueHistory,
    VenueList,
    VenueUpdate,
)
from fieldapp.sync.transport import CentralLine

__all__ = ["AdminClient", "FollowUpClient", "PlanningClient", "Register"]

Register = Literal["venues", "areas", "teams", "users"]
FileFormat = Literal["csv", "xlsx", "geojson"]

_JSON = {"Content-Type": "application/json"}
_FILE_TYPES: dict[str, str] = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "geojson": "application/geo+json",
}


class _Client:
    def __init__(self, line: CentralLine, username: str) -> None:
        self.line = line
        self.username = username

    def _get(self, path: str) -> bytes:
        return self.line.call("GET", path, user=self.username).content

    def _send(
        self,
        method: str,
        path: str,
        body: str | bytes,
        *,
        ok: frozenset[int] = frozenset({200}),
        headers: Mapping[str, str] = _JSON,
        params: Mapping[str, Any] | None = None,
    ) -> bytes:
        response = self.line.call(
            method, path, user=self.username, ok=ok, content=body, headers=headers, params=params
        )
        return response.content


class AdminClient(_Client):
    """An administrator's requests (supervisors may read venues, areas, teams and forms)."""

    # --- registers ----------------------------------------------------------------------

    def venues(self) -> list[Venue]:
        return VenueList.model_validate_json(self._get("/v1/admin/venues")).venues

    def venue_history(self, venue_id: str) -> list[VenueEdit]:
        answer = self._get(f"/v1/admin/venues/{venue_id}/history")
        return VenueHistory.model_validate_json(answer).edits

    def areas(self) -> list[Area]:
        return AreaList.model_validate_json(self._get("/v1/admin/areas")).areas

    def import_file(
        self,
        register: Register,
        data: bytes,
        file_format: FileFormat = "csv",
        *,
        dry_run: bool,
        sync: bool = False,
    ) -> ImportReport:
        """`POST /v1/admin/import/{register}`: a dry run previews, a real one applies."""
        params = {"format": file_format, "dry_run": str(dry_run).lower()}
        if sync:
            params["sync"] = "true"
        answer = self._send(
            "POST",
            f"/v1/admin/import/{register}",
            data,
            headers={"Content-Type": _FILE_TYPES[file_format]},
            params=params,
        )
        return ImportReport.model_validate_json(answer)

    def save_venue(self, venue: Venue, version: int | None) -> VenueEdit:
        """`PUT /v1/admin/venues/{id}`: the whole venue, based on edit `version` (None: new)."""
        body = VenueUpdate(venue=venue, version=version).model_dump_json(exclude_none=True)
        answer = self._send("PUT", f"/v1/admin/venues/{venue.id}", body)
        return VenueEdit.model_validate_json(answer)

    # --- forms --------------------------------------------------------------------------

    def forms(self) -> list[PublishedForm]:
        return FormList.model_validate_json(self._get("/v1/admin/forms")).forms

    def publish_form(self, filename: str, data: bytes) -> PublishedForm:
        answer = self._send(
            "POST",
            "/v1/admin/forms",
            data,
            ok=frozenset({200, 201}),
            headers={"Content-Type": "application/yaml"},
            params={"filename": filename},
        )
        return PublishedForm.model_validate_json(answer)

    def retire_form(self, form_id: str, form_version: str) -> PublishedForm:
        answer = self.line.call(
            "DELETE", f"/v1/admin/forms/{form_id}/{form_version}", user=self.username
        )
        return PublishedForm.model_validate_json(answer.content)

    # --- teams and users ----------------------------------------------------------------

    def teams(self) -> list[Team]:
        return TeamList.model_validate_json(self._get("/v1/admin/teams")).teams

    def add_team(self, team: TeamBody) -> Team:
        answer = self._send("POST", "/v1/admin/teams", team.model_dump_json(), ok=frozenset({201}))
        return Team.model_validate_json(answer)

    def change_team(self, team_id: str, patch: TeamPatch) -> Team:
        body = patch.model_dump_json(exclude_unset=True)
        return Team.model_validate_json(self._send("PATCH", f"/v1/admin/teams/{team_id}", body))

    def users(self) -> list[AdminUser]:
        return UserList.model_validate_json(self._get("/v1/admin/users")).users

    def add_user(self, user: NewUser) -> UserAnswer:
        answer = self._send("POST", "/v1/admin/users", user.model_dump_json(), ok=frozenset({201}))
        return UserAnswer.model_validate_json(answer)

    def change_user(self, username: str, patch: UserPatch) -> UserAnswer:
        # Only what the caller set travels: `team: null` means "no team", absent "keep".
        body = patch.model_dump_json(exclude_unset=True)
        return UserAnswer.model_validate_json(
            self._send("PATCH", f"/v1/admin/users/{username}", body)
        )

    def reset_password(self, username: str) -> UserAnswer:
        body = PasswordReset().model_dump_json()
        return UserAnswer.model_validate_json(
            self._send("POST", f"/v1/admin/users/{username}/password", body)
        )


class PlanningClient(_Client):
    """A supervisor's planning requests, for the teams they lead."""

    def assignments(self) -> list[PlannedAssignment]:
        answer = self._get("/v1/planning/assignments")
        return AssignmentList.model_validate_json(answer).assignments

    def assignment(self, assignment_id: str) -> PlannedAssignment:
        answer = self._get(f"/v1/planning/assignments/{assignment_id}")
        return PlannedAssignment.model_validate_json(answer)

    def plan(self, draft: AssignmentDraft) -> PlannedAssignment:
        answer = self._send(
            "POST",
            "/v1/planning/assignments",
            draft.model_dump_json(exclude_none=True),
            ok=frozenset({201}),
        )
        return PlannedAssignment.model_validate_json(answer)

    def edit(self, assignment_id: str, draft: AssignmentDraft) -> PlannedAssignment:
        answer = self._send(
            "PUT",
            f"/v1/planning/assignments/{assignment_id}",
            draft.model_dump_json(exclude_none=True),
        )
        return PlannedAssignment.model_validate_json(answer)

    def cancel(self, assignment_id: str, version: int) -> PlannedAssignment:
        answer = self._send(
            "POST",
            f"/v1/planning/assignments/{assignment_id}/cancel",
            Cancel(version=version).model_dump_json(),
        )
        return PlannedAssignment.model_validate_json(answer)

    def rounds(self) -> list[PlannedRound]:
        return RoundList.model_validate_json(self._get("/v1/planning/rounds")).rounds

    def plan_round(self, draft: RoundDraft) -> PlannedRound:
        answer = self._send(
            "POST",
            "/v1/planning/rounds",
            draft.model_dump_json(exclude_none=True),
            ok=frozenset({201}),
        )
        return PlannedRound.model_validate_json(answer)

    def edit_round(self, round_id: str, draft: RoundDraft) -> PlannedRound:
        answer = self._send(
            "PUT", f"/v1/planning/rounds/{round_id}", draft.model_dump_json(exclude_none=True)
        )
        return PlannedRound.model_validate_json(answer)

    def cancel_round(self, round_id: str, version: int) -> PlannedRound:
        answer = self._send(
            "POST",
            f"/v1/planning/rounds/{round_id}/cancel",
            Cancel(version=version).model_dump_json(),
        )
        return PlannedRound.model_validate_json(answer)


class FollowUpClient(_Client):
    """A supervisor's (or an action owner's) requests on the follow-up: docs/followup.md."""

    def policy(self, policy_id: str | None = None, version: str | None = None) -> SanctionPolicy:
        params = {"policy_id": policy_id, "version": version} if policy_id and version else None
        answer = self.line.call("GET", "/v1/followup/policy", user=self.username, params=params)
        return SanctionPolicy.model_validate_json(answer.content)

    def measures(self, state: str | None = None, venue_id: str | None = None) -> list[Measure]:
        params = {k: v for k, v in (("state", state), ("venue_id", venue_id)) if v}
        answer = self.line.call(
            "GET", "/v1/followup/measures", user=self.username, params=params or None
        )
        return MeasureList.model_validate_json(answer.content).measures

    def decide(self, measure_id: str, request: DecisionRequest) -> Measure:
        answer = self._send(
            "POST", f"/v1/followup/measures/{measure_id}/decide", request.model_dump_json()
        )
        return Measure.model_validate_json(answer)

    def actions(self, *, open_only: bool = False, venue_id: str | None = None) -> list[Action]:
        params: dict[str, str] = {"open_only": "true"} if open_only else {}
        if venue_id:
            params["venue_id"] = venue_id
        answer = self.line.call(
            "GET", "/v1/followup/actions", user=self.username, params=params or None
        )
        return ActionList.model_validate_json(answer.content).actions

    def action(self, action_id: str) -> Action:
        return Action.model_validate_json(self._get(f"/v1/followup/actions/{action_id}"))

    def add_action(self, draft: ActionDraft) -> Action:
        answer = self._send(
            "POST",
            "/v1/followup/actions",
            draft.model_dump_json(exclude_none=True),
            ok=frozenset({200, 201}),
        )
        return Action.model_validate_json(answer)

    def update_action(self, action_id: str, update: ActionUpdate) -> Action:
        answer = self._send(
            "POST",
            f"/v1/followup/actions/{action_id}/events",
            update.model_dump_json(exclude_none=True),
        )
        return Action.model_validate_json(answer)

    def venue_file(self, venue_id: str) -> VenueFile:
        return VenueFile.model_validate_json(self._get(f"/v1/followup/venues/{venue_id}/file"))

    def upload(self, data: bytes) -> str:
        """Upload a file for an action's log (the operator's letter); returns its SHA-256."""
        sha = hashlib.sha256(data).hexdigest()
        self._send(
            "PUT",
            f"/v1/blobs/{sha}",
            data,
            ok=frozenset({200, 201}),
            headers={"Content-Type": "application/octet-stream"},
        )
        return sha

    def blob(self, sha256: str) -> bytes:
        return self._get(f"/v1/blobs/{sha256}")
