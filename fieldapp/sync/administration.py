"""The device's HTTP client for the central store's administration and planning API.

It sits beside the sync client and the review desk and uses the same `CentralLine`
(sign-in, bearer tokens, retries with backoff, `Refusal` with the server's `ErrorBody`);
it adds no HTTP layer of its own. Each method is one request of docs/administration.md
section 7 and answers the protocol's model for it. A refusal (403, 404, 409, 422) comes
back as the line raises it: the application layer turns it into a sentence.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from fieldapp.core.entities import Area, Team, Venue
from fieldapp.protocol.models import (
    AdminUser,
    AreaList,
    AssignmentDraft,
    AssignmentList,
    Cancel,
    FormList,
    ImportReport,
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

__all__ = ["AdminClient", "PlanningClient", "Register"]

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
