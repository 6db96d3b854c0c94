"""Administration over HTTP: register imports, forms, teams, users, venues (admins only).

Each handler checks the role, then calls the same use case as the command line
(`Register`, `Administration`), so a rule holds whichever way a change comes in. A
refused change is a 404, 409 or 422 naming every problem; nothing is half done.
Supervisors may read the venue register and a venue's history (they plan with it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any, Literal, TypeVar

from fastapi import APIRouter, Path, Query, Request
from starlette.concurrency import run_in_threadpool

from fieldapp.core.entities import Role, Team
from fieldapp.core.errors import FieldappError, FormFileError
from fieldapp.protocol.models import (
    AdminUser,
    AreaList,
    ErrorCode,
    FormList,
    ImportReport,
    NewUser,
    PasswordReset,
    PolicyAnswer,
    PublishedForm,
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
from fieldapp.server.accounts import Principal
from fieldapp.server.administration import KEEP, AdminRefusal
from fieldapp.server.deps import PrincipalDep, StoreDep
from fieldapp.server.errors import ApiError, error_responses, forbidden
from fieldapp.server.followup import PolicyConflict

router = APIRouter(prefix="/v1/admin", tags=["administration"])

_T = TypeVar("_T")

Slug = Annotated[str, Path(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=64)]
Username = Annotated[str, Path(pattern=r"^[a-z][a-z0-9._-]{1,63}$")]
FormId = Annotated[str, Path(pattern=r"^[a-z][a-z0-9_]{0,63}$")]
FormVersion = Annotated[str, Path(pattern=r"^[0-9A-Za-z][0-9A-Za-z._-]{0,31}$")]

_CODES = {
    403: ErrorCode.FORBIDDEN,
    404: ErrorCode.NOT_FOUND,
    409: ErrorCode.ADMIN_CONFLICT,
    413: ErrorCode.TOO_LARGE,
}


def require_admin(principal: Principal) -> None:
    if principal.role is not Role.ADMIN:
        raise forbidden(
            f"Only an administrator may do this, not a {principal.role.value}.",
            f"Alleen een beheerder mag dit, geen {principal.role.value}.",
        )


def require_planner(principal: Principal) -> None:
    """Administrators and supervisors read the registers they plan with."""
    if principal.role not in (Role.ADMIN, Role.SUPERVISOR):
        raise forbidden(
            f"A {principal.role.value} does not read the registers here.",
            f"Een {principal.role.value} leest de registers niet hier.",
        )


@contextmanager
def refusals() -> Iterator[None]:
    """An AdminRefusal (or any sentence for a person) as the ApiError the API answers."""
    try:
        yield
    except AdminRefusal as refusal:
        code = _CODES.get(refusal.status, ErrorCode.INVALID)
        raise ApiError(
            refusal.status,
            code,
            refusal.message.nl,
            refusal.message.en,
            problems=refusal.problems[:500],
            problems_nl=refusal.problems_nl[:500],
            current=refusal.current,
        ) from None
    except FieldappError as error:
        raise ApiError(422, ErrorCode.INVALID, error.message.nl, error.message.en) from None


async def _call(work: Callable[[], _T]) -> _T:
    with refusals():
        return await run_in_threadpool(work)


def _raw_body(*types: str) -> dict[str, Any]:
    content = {kind: {"schema": {"type": "string", "format": "binary"}} for kind in types}
    return {"requestBody": {"required": True, "content": content}}


# --- imports ---------------------------------------------------------------------------------


@router.post(
    "/import/{register}",
    summary="Import a register file (all or nothing); `dry_run` previews problems and counts",
    description=(
        "The body is the file itself: CSV (UTF-8, comma or semicolon), an Excel workbook "
        "(`format=xlsx`) or, for areas, GeoJSON (`format=geojson`); see "
        "docs/administration.md for the columns. 200 with the counts (and, for a dry run, "
        "every problem); 422 with every problem (row and column) when the file has any, "
        "and then nothing changed. `sync` (venues, users): the file is the whole register, "
        "what it lacks is deactivated. A users import answers each new account's one-time "
        "password once."
    ),
    responses=error_responses(401, 403, 413, 422),
    openapi_extra=_raw_body(
        "text/csv",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/geo+json",
    ),
)
async def import_register(
    register: Literal["venues", "areas", "teams", "users"],
    request: Request,
    principal: PrincipalDep,
    store: StoreDep,
    file_format: Annotated[Literal["csv", "xlsx", "geojson"], Query(alias="format")] = "csv",
    dry_run: bool = False,
    sync: bool = False,
) -> ImportReport:
    require_admin(principal)
    if file_format == "geojson" and register != "areas":
        raise ApiError(
            422,
            ErrorCode.INVALID,
            "Alleen wijken komen als GeoJSON.",
            "Only areas come as GeoJSON.",
            problems=["format: geojson is for areas"],
        )
    data = await request.body()
    name = f"{register}.{file_format}"
    actor = principal.username
    imports = store.register

    def work() -> ImportReport:
        if register == "venues":
            return imports.import_venues(actor, name, data, dry_run=dry_run, sync=sync)
        if register == "areas":
            return imports.import_areas(actor, name, data, dry_run=dry_run)
        if register == "teams":
            return imports.import_teams(actor, name, data, dry_run=dry_run)
        return imports.import_users(actor, name, data, dry_run=dry_run, sync=sync)

    return await _call(work)


# --- forms -----------------------------------------------------------------------------------


@router.get(
    "/forms",
    summary="Every published form version, and which one is live per form",
    responses=error_responses(401, 403),
)
def list_forms(principal: PrincipalDep, store: StoreDep) -> FormList:
    require_planner(principal)
    return store.register.forms()


def _utf8_text(data: bytes, filename: str, what_nl: str, what_en: str) -> str:
    """An uploaded YAML file as text; anything but UTF-8 is a 422 naming the file."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError(
            422,
            ErrorCode.INVALID,
            f"Het {what_nl} is geen UTF-8-tekst.",
            f"The {what_en} is not UTF-8 text.",
            problems=[f"{filename}:1:1: not UTF-8 text"],
        ) from None


@router.post(
    "/forms",
    status_code=201,
    summary="Publish a form version: the body is its YAML file",
    description=(
        "Checked by the same form checker as `fieldapp forms check`; a broken file is "
        "422 with its `file:line:col` problems. Publishing the same version with the same "
        "content again is harmless; with other content it is 409."
    ),
    responses=error_responses(401, 403, 409, 413, 422),
    openapi_extra=_raw_body("application/yaml"),
)
async def publish_form(
    request: Request,
    principal: PrincipalDep,
    store: StoreDep,
    filename: Annotated[str, Query(pattern=r"^[\w.-]{1,100}$")] = "form.yaml",
) -> PublishedForm:
    require_admin(principal)
    text = _utf8_text(await request.body(), filename, "formulierbestand", "form file")
    return await _call(lambda: store.register.publish_form(principal.username, filename, text))


@router.post(
    "/policies",
    status_code=201,
    summary="Load a sanction policy (`*.policy.yaml`): the newest loaded is in force",
    description=(
        "Checked like a form, and against the stored forms: every finding it names must be "
        "an outcome of a published form. Past proposals keep the version they came from. "
        "The same version with the same content again is harmless; with other content 409."
    ),
    responses=error_responses(401, 403, 409, 413, 422),
    openapi_extra=_raw_body("application/yaml"),
)
async def load_policy(
    request: Request,
    principal: PrincipalDep,
    store: StoreDep,
    filename: Annotated[str, Query(pattern=r"^[\w.-]{1,100}$")] = "policy.yaml",
) -> PolicyAnswer:
    require_admin(principal)
    text = _utf8_text(await request.body(), filename, "beleidsbestand", "policy file")

    def work() -> PolicyAnswer:
        try:
            policy = store.followup.load_policy(text, filename, principal.username)
        except FormFileError as error:
            problems = [str(problem) for problem in error.problems]
            raise ApiError(
                422,
                ErrorCode.INVALID,
                "Het beleid heeft fouten:\n" + "\n".join(problems),
                "The policy has problems:\n" + "\n".join(problems),
                problems=problems,
            ) from None
        except PolicyConflict as error:
            raise ApiError(
                409, ErrorCode.ADMIN_CONFLICT, error.text("nl"), error.text("en")
            ) from None
        except FieldappError as error:
            raise ApiError(
                422,
                ErrorCode.INVALID,
                error.text("nl"),
                error.text("en"),
                problems=[error.text("en")],
            ) from None
        return PolicyAnswer(policy_id=policy.id, version=policy.version, title=dict(policy.title))

    return await run_in_threadpool(work)


@router.delete(
    "/forms/{form_id}/{form_version}",
    summary="Retire a form version: devices start no new drafts on it",
    description="Drafts begun on it are finished on it; the server keeps accepting them.",
    responses=error_responses(401, 403, 404, 422),
)
async def retire_form(
    form_id: FormId, form_version: FormVersion, principal: PrincipalDep, store: StoreDep
) -> PublishedForm:
    require_admin(principal)
    return await _call(
        lambda: store.register.retire_form(principal.username, form_id, form_version)
    )


# --- teams -----------------------------------------------------------------------------------


@router.get("/teams", summary="Every team", responses=error_responses(401, 403))
def list_teams(principal: PrincipalDep, store: StoreDep) -> TeamList:
    require_planner(principal)
    return TeamList(teams=[Team.model_validate(t) for t in store.administration.teams()])


@router.post(
    "/teams",
    status_code=201,
    summary="Add a team",
    responses=error_responses(401, 403, 409, 422),
)
async def add_team(body: TeamBody, principal: PrincipalDep, store: StoreDep) -> Team:
    require_admin(principal)
    return await _call(
        lambda: store.administration.add_team(
            principal.username, body.id, body.name, body.supervisor, body.areas
        )
    )


@router.patch(
    "/teams/{team_id}",
    summary="Rename a team, or give it another supervisor or other areas",
    responses=error_responses(401, 403, 404, 422),
)
async def change_team(
    team_id: Slug, body: TeamPatch, principal: PrincipalDep, store: StoreDep
) -> Team:
    require_admin(principal)
    return await _call(
        lambda: store.administration.change_team(
            principal.username,
            team_id,
            name=body.name,
            supervisor=body.supervisor,
            areas=body.areas,
        )
    )


# --- users -----------------------------------------------------------------------------------


@router.get("/users", summary="Every account", responses=error_responses(401, 403))
def list_users(principal: PrincipalDep, store: StoreDep) -> UserList:
    require_admin(principal)
    return UserList(users=[AdminUser.model_validate(u) for u in store.administration.users()])


@router.post(
    "/users",
    status_code=201,
    summary="Add an account; the answer carries its one-time password",
    responses=error_responses(401, 403, 409, 422),
)
async def add_user(body: NewUser, principal: PrincipalDep, store: StoreDep) -> UserAnswer:
    require_admin(principal)

    def work() -> UserAnswer:
        made = store.administration.add_user(
            principal.username,
            username=body.username,
            display_name=body.display_name,
            role=body.role,
            team=body.team,
            pseudonym=body.pseudonym,
            languages=body.languages,
        )
        return UserAnswer(user=_user(store, body.username), one_time_password=made)

    return await _call(work)


@router.patch(
    "/users/{username}",
    summary="Move an account to a team, change its role or name, (de)activate it",
    description="Deactivating revokes every token of the account at once.",
    responses=error_responses(401, 403, 404, 409, 422),
)
async def change_user(
    username: Username, body: UserPatch, principal: PrincipalDep, store: StoreDep
) -> UserAnswer:
    require_admin(principal)
    given = body.model_fields_set
    if body.active is False and username == principal.username:
        raise forbidden(
            "You cannot deactivate your own account.",
            "U kunt uw eigen account niet uitschakelen.",
        )

    def work() -> UserAnswer:
        admin = store.administration
        admin.change_user(
            principal.username,
            username,
            display_name=body.display_name,
            role=body.role,
            team=body.team if "team" in given else KEEP,
            pseudonym=body.pseudonym if "pseudonym" in given else KEEP,
        )
        if body.active is not None:
            admin.set_active(principal.username, username, body.active)
        return UserAnswer(user=_user(store, username))

    return await _call(work)


@router.post(
    "/users/{username}/password",
    summary="Set a new password (or a one-time one) and sign the account out everywhere",
    responses=error_responses(401, 403, 404, 422),
)
async def reset_password(
    username: Username, body: PasswordReset, principal: PrincipalDep, store: StoreDep
) -> UserAnswer:
    require_admin(principal)

    def work() -> UserAnswer:
        made = store.administration.reset_password(principal.username, username, body.password)
        return UserAnswer(user=_user(store, username), one_time_password=made)

    return await _call(work)


def _user(store: Any, username: str) -> AdminUser:
    for user in store.administration.users():
        if user["username"] == username:
            return AdminUser.model_validate(user)
    raise AdminRefusal(404, {"nl": "Onbekende gebruiker.", "en": "Unknown user."})


# --- venues and areas ------------------------------------------------------------------------


@router.get(
    "/venues",
    summary="The venue register, closed venues included",
    responses=error_responses(401, 403),
)
def list_venues(principal: PrincipalDep, store: StoreDep) -> VenueList:
    require_planner(principal)
    venues = store.register.venues()
    return VenueList(venues=[venues[key] for key in sorted(venues)])


@router.get(
    "/venues/{venue_id}/history",
    summary="Every edit of a venue: who, when, before and after",
    responses=error_responses(401, 403, 404, 422),
)
async def venue_history(venue_id: Slug, principal: PrincipalDep, store: StoreDep) -> VenueHistory:
    require_planner(principal)
    edits = await _call(lambda: store.register.venue_history(venue_id))
    return VenueHistory(venue_id=venue_id, edits=edits)


@router.put(
    "/venues/{venue_id}",
    summary="Add or change a venue (supervisors: existing venues in their teams' areas)",
    description=(
        "Send the whole venue and the `version` of the last edit it is based on; a stale "
        "one is 409 `edit_conflict` with `current`. Close a venue with `active: false`: "
        "venues are never deleted. Every edit is versioned and audited."
    ),
    responses=error_responses(
        401, 403, 409, 422, e409="`edit_conflict`: changed since `version`; `current` holds it."
    ),
)
async def edit_venue(
    venue_id: Slug, body: VenueUpdate, principal: PrincipalDep, store: StoreDep
) -> VenueEdit:
    require_planner(principal)
    if body.venue.id != venue_id:
        raise ApiError(
            422,
            ErrorCode.PATH_MISMATCH,
            "De id in het adres en in de locatie verschillen.",
            "The id in the path and in the venue differ.",
            problems=[f"venue.id: '{body.venue.id}' is not '{venue_id}'"],
        )
    areas: frozenset[str] | None = None
    if principal.role is Role.SUPERVISOR:
        teams = [Team.model_validate(t) for t in store.administration.teams()]
        areas = frozenset(a for t in teams if t.id in principal.supervises for a in t.areas)
    try:
        return await _call(
            lambda: store.register.edit_venue(principal.username, body.venue, body.version, areas)
        )
    except ApiError as error:
        if error.status == 409:
            error.body = error.body.model_copy(update={"code": ErrorCode.EDIT_CONFLICT})
        raise


@router.get("/areas", summary="The areas", responses=error_responses(401, 403))
def list_areas(principal: PrincipalDep, store: StoreDep) -> AreaList:
    require_planner(principal)
    areas = store.register.areas()
    return AreaList(areas=[areas[key] for key in sorted(areas)])
