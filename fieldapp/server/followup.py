"""Follow-up on the central store: the ladder's proposals, the supervisor's decisions, actions.

An approval (`CentralReviews`) indexes the inspection's findings by venue and, in the same
transaction, asks the sanction policy in force for the next step of each ladder a finding
climbs: that is a `Measure` in state *proposed*. A door test's finding is the pair's: when
both visits of a round are approved and the pair shows unequal treatment, the round gets
its proposal. The supervisor confirms the step, takes another with a reason, or decides
on no measure with a reason; the chosen step's actions are made with their due dates (a
re-inspection plans an assignment in the same transaction). A patrol's referral marked
"still to report" becomes an action for the team's supervisor when the patrol arrives,
and is done once a later version records it as made. Everything is audited, and the
venue's short history (`VenueFieldSummary`) goes to boa's devices through the change feed.

Only supervisors decide and change actions, and only for their own teams (another team's
measure or action is a 404); an owner who is not a supervisor sees the actions assigned to
them and may add a note.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.engine import Connection, RowMapping

from fieldapp.core.answers import session_from_document
from fieldapp.core.doortest import (
    DOOR_TEST_FORM,
    RoundVisit,
    pair_round_visits,
    visit_from_document,
)
from fieldapp.core.engine import FormEngine
from fieldapp.core.entities import (
    FORM_ROLES,
    FORM_VENUE_KINDS,
    Assignment,
    AssignmentForm,
    DoorTestRound,
    Role,
    Team,
    Venue,
)
from fieldapp.core.errors import AnswerError, FieldappError
from fieldapp.core.followup import (
    ACTION_MOVES,
    Action,
    ActionEvent,
    ActionEventKind,
    ActionState,
    DecisionKind,
    FileFinding,
    FileRound,
    FileVisit,
    Measure,
    MeasureState,
    Repetition,
    VenueFieldSummary,
    VenueFile,
)
from fieldapp.core.forms import FormDefinition
from fieldapp.core.inspection import InspectionStatus, InspectionVersion
from fieldapp.core.sanctions import (
    DOOR_TEST_INDICATION,
    ActionKind,
    Ladder,
    SanctionPolicy,
    findings_of,
    load_policy_text,
    months_before,
    propose,
)
from fieldapp.protocol.models import (
    ActionDraft,
    ActionUpdate,
    DecisionRequest,
    ErrorCode,
)
from fieldapp.server import feed, schema
from fieldapp.server.accounts import Principal, aware
from fieldapp.server.administration import audit
from fieldapp.server.database import CentralDatabase
from fieldapp.server.errors import ApiError, forbidden, not_found
from fieldapp.server.planning import Planning
from fieldapp.server.stored_forms import StoredForms

log = logging.getLogger(__name__)

#: Files an operator's response may come as: a letter (PDF) or a photo of it.
ATTACHMENT_TYPES = frozenset({"application/pdf", "image/jpeg", "image/png"})
#: The last visits a boa's device shows of a venue.
FIELD_VISITS = 5
#: Days to make a referral marked "still to report", by its urgency.
REFERRAL_DAYS = {"acute": 0, "same_day": 0, "regular": 3}
#: Entries one action's log holds: each change rewrites the action, so one client cannot
#: grow a row without bound.
MAX_EVENTS = 500


class PolicyConflict(FieldappError):
    """A policy version already loaded with other content: raise the version."""


def _invalid(nl: str, en: str, problems: list[str] | None = None) -> ApiError:
    return ApiError(422, ErrorCode.INVALID, nl, en, problems=problems or [en])


def _changed(current: dict[str, Any]) -> ApiError:
    return ApiError(
        409,
        ErrorCode.EDIT_CONFLICT,
        "Iemand anders heeft dit intussen gewijzigd; bekijk de huidige stand (uw tekst blijft "
        "bewaard).",
        "Someone else changed this in the meantime; look at the current state (your text is kept).",
        current=current,
    )


def _require_supervisor(principal: Principal) -> None:
    if not principal.is_supervisor:
        raise forbidden(
            "Only a supervisor decides on measures and actions.",
            "Alleen een leidinggevende beslist over maatregelen en acties.",
        )


def _refuse_admin(principal: Principal) -> None:
    if principal.role is Role.ADMIN:
        raise forbidden(
            "An administrator has no follow-up actions.",
            "Een beheerder heeft geen vervolgacties.",
        )


class FollowUp:
    """Measures, actions and the venue file on the central store."""

    def __init__(
        self,
        database: CentralDatabase,
        planning: Planning,
        clock: Callable[[], dt.datetime],
        forms: StoredForms | None = None,
    ) -> None:
        self.database = database
        self.planning = planning
        self.clock = clock
        self.forms = forms if forms is not None else StoredForms()
        self._policies: dict[tuple[str, str], SanctionPolicy] = {}

    # --- the policy ---------------------------------------------------------------------

    def load_policy(self, text: str, filename: str, actor: str) -> SanctionPolicy:
        """Check a policy file against the forms the store holds and make it the one in
        force. The same id and version again is a no-op; changed text under a version
        already loaded is refused (raise the version)."""
        policy = load_policy_text(text, filename)
        now = self.clock()
        with self.database.write() as connection:
            outcomes: dict[str, set[str]] = {}
            for form_id, definition in connection.execute(
                sa.select(schema.forms.c.form_id, schema.forms.c.definition)
            ):
                parsed = FormDefinition.model_validate_json(definition)
                outcomes.setdefault(form_id, set()).update(o.name for o in parsed.outcomes)
            problems = policy.problems_with(outcomes)
            if problems:
                lines = "\n".join(f"{filename}: {problem}" for problem in problems)
                raise FieldappError(
                    {"nl": f"Beleid met fouten:\n{lines}", "en": f"Policy with problems:\n{lines}"}
                )
            held = connection.execute(
                sa.select(schema.policies.c.text)
                .where(schema.policies.c.policy_id == policy.id)
                .where(schema.policies.c.version == policy.version)
            ).scalar_one_or_none()
            if held is not None:
                if load_policy_text(held, filename) != policy:
                    message = (
                        f"{filename}: policy {policy.id} version {policy.version} is loaded "
                        "already with other content; raise the version"
                    )
                    raise PolicyConflict(
                        {
                            "nl": f"{filename}: beleid {policy.id} versie {policy.version} is "
                            "al geladen met een andere inhoud; verhoog de versie.",
                            "en": message,
                        }
                    )
                return policy
            connection.execute(
                schema.policies.insert().values(
                    policy_id=policy.id,
                    version=policy.version,
                    text=text,
                    loaded_at=now,
                    loaded_by=actor,
                )
            )
            audit(connection, now, actor, "policy.load", f"{policy.id}@{policy.version}")
        return policy

    def read_policy(
        self, principal: Principal, policy_id: str | None = None, version: str | None = None
    ) -> SanctionPolicy:
        """The policy in force, or the one a proposal names (supervisors and admins)."""
        if not (principal.is_supervisor or principal.role is Role.ADMIN):
            raise forbidden(
                "Only supervisors and administrators read the sanction policy.",
                "Alleen leidinggevenden en beheerders lezen het sanctiebeleid.",
            )
        with self.database.read() as connection:
            if policy_id is None or version is None:
                found = self.policy(connection)
            else:
                held = connection.execute(
                    sa.select(sa.literal(1))
                    .where(schema.policies.c.policy_id == policy_id)
                    .where(schema.policies.c.version == version)
                ).first()
                found = self._policy(connection, policy_id, version) if held else None
        if found is None:
            raise not_found("sanction policy", "Het sanctiebeleid")
        return found

    def policy(self, connection: Connection) -> SanctionPolicy | None:
        """The policy in force: the one loaded last."""
        row = connection.execute(
            sa.select(schema.policies.c.policy_id, schema.policies.c.version)
            .order_by(schema.policies.c.loaded_at.desc(), schema.policies.c.version.desc())
            .limit(1)
        ).first()
        return None if row is None else self._policy(connection, row.policy_id, row.version)

    def _policy(self, connection: Connection, policy_id: str, version: str) -> SanctionPolicy:
        key = (policy_id, version)
        known = self._policies.get(key)
        if known is None:
            text = connection.execute(
                sa.select(schema.policies.c.text)
                .where(schema.policies.c.policy_id == policy_id)
                .where(schema.policies.c.version == version)
            ).scalar_one()
            known = self._policies[key] = load_policy_text(text, f"{policy_id}@{version}")
        return known

    def _definition(self, connection: Connection, form_id: str, version: str) -> FormDefinition:
        return self.forms.require(connection, form_id, version).definition

    def _engine(self, connection: Connection, form_id: str, version: str) -> FormEngine:
        return self.forms.require(connection, form_id, version).engine

    # --- hooks inside the push and review transactions ----------------------------------

    def on_pushed(
        self, connection: Connection, version: InspectionVersion, team: str | None, now: dt.datetime
    ) -> None:
        """Referrals the boa marked "still to report" become the supervisor's actions; a
        later version that records one as made closes its action."""
        rows = version.document.get("repeats", {}).get("referrals", [])
        if not rows or team is None:
            return
        supervisor = self._supervisor_of(connection, team)
        if supervisor is None:
            return
        definition = self._definition(connection, version.form_id, version.form_version)
        for row in rows:
            answers = row.get("answers", {}) if isinstance(row, dict) else {}
            status = answers.get("referral_status")
            key = f"referral:{version.inspection_id}:{row.get('row')}"
            existing = self._action_by_source(connection, key)
            if status == "to_do" and existing is None:
                agency = _choice_label(
                    definition, "referral_agency", answers.get("referral_agency")
                )
                reason = _choice_label(
                    definition, "referral_reason", answers.get("referral_reason")
                )
                days = REFERRAL_DAYS.get(str(answers.get("referral_urgency")), 3)
                subject = {
                    "nl": f"Doorverwijzing melden bij {agency['nl']}: {reason['nl'].lower()}",
                    "en": f"Make the referral to {agency['en']}: {reason['en'].lower()}",
                }
                self._insert_action(
                    connection,
                    action_id=secrets.token_hex(16),
                    kind=ActionKind.REFERRAL,
                    title="",
                    subject=subject,
                    venue_id=None,
                    inspection_ids=(version.inspection_id,),
                    measure_id=None,
                    team=team,
                    owner=supervisor,
                    due=now.date() + dt.timedelta(days=days),
                    actor=version.author,
                    note="",
                    now=now,
                    source_key=key,
                )
            elif (
                status in ("done_phone", "done_online")
                and existing is not None
                and ActionState(existing["state"]).is_open
            ):
                action = Action.model_validate_json(existing["payload"])
                self._append(
                    connection,
                    action,
                    version.author,
                    ActionEventKind.STATE,
                    now,
                    text="Gemeld volgens een nieuwe versie van de dienst / "
                    "Reported according to a new version of the shift report",
                    state=ActionState.DONE,
                )

    def on_approved(self, connection: Connection, inspection: RowMapping, now: dt.datetime) -> None:
        """Index the approved findings and propose the next step of each ladder."""
        version = self._head(connection, inspection)
        if version is None or version.venue_id is None:
            return
        venue_id = version.venue_id
        team = inspection["team"] or ""
        visited_at = aware(version.started_at)
        outcomes = self._outcomes(connection, version)
        for outcome in outcomes:
            self._index_finding(
                connection,
                f"{version.inspection_id}:{version.form_id}:{outcome}",
                venue_id,
                f"{version.form_id}:{outcome}",
                version.inspection_id,
                team,
                visited_at,
                now,
            )
        policy = self.policy(connection)
        if policy is not None:
            for ladder_id, findings in findings_of(policy, outcomes, version.form_id).items():
                ladder = policy.ladder(ladder_id)
                assert ladder is not None
                self._propose(
                    connection,
                    policy,
                    ladder,
                    f"{version.inspection_id}:{ladder.id}",
                    venue_id,
                    team,
                    tuple(findings),
                    (version.inspection_id,),
                    visited_at,
                    now,
                )
            if version.form_id == DOOR_TEST_FORM:
                self._door_test_round(connection, policy, version, team, now)
        self.announce(connection, venue_id, now)

    def _outcomes(self, connection: Connection, version: InspectionVersion) -> list[str]:
        """The findings as the server's own engine computes them from the answers: a
        measure rests on what was recorded, not on the outcome names a device sent."""
        engine = self._engine(connection, version.form_id, version.form_version)
        try:
            session = session_from_document(
                engine, version.document, clock=lambda: aware(version.finalized_at)
            )
        except AnswerError:
            log.warning(
                "version %s does not replay; its findings are not indexed", version.version_id
            )
            return []
        found = [outcome.name for outcome in session.outcomes()]
        if set(found) != set(version.outcomes):
            log.warning(
                "version %s: the device sent outcomes %s, the server finds %s",
                version.version_id,
                sorted(version.outcomes),
                sorted(found),
            )
        return found

    def _door_test_round(
        self,
        connection: Connection,
        policy: SanctionPolicy,
        version: InspectionVersion,
        team: str,
        now: dt.datetime,
    ) -> None:
        """When both visits of the round are approved and the pair shows unequal treatment,
        the round is one finding at the venue, and gets its proposal."""
        engine = self._engine(connection, version.form_id, version.form_version)
        mine = visit_from_document(engine, version.document.get("answers", {}))
        if mine is None or not mine.test_id or version.venue_id is None:
            return
        round_id = mine.test_id
        planned = self._round(connection, round_id)
        visits, approved = [], set()
        for row, other in self._versions_at(connection, version.venue_id, DOOR_TEST_FORM):
            other_engine = self._engine(connection, other.form_id, other.form_version)
            visit = visit_from_document(other_engine, other.document.get("answers", {}))
            if visit is None or visit.test_id.casefold() != round_id.casefold():
                continue
            visits.append(RoundVisit(other.inspection_id, visit, other.author))
            if row["status"] == InspectionStatus.APPROVED.value:
                approved.add(other.inspection_id)
        pairing = pair_round_visits(round_id, visits, planned)
        if pairing.test is None or pairing.control is None:
            return
        ids = (pairing.test.visit_id, pairing.control.visit_id)
        if not set(ids) <= approved:
            return
        window = planned.max_gap_minutes if planned is not None else 30
        outcome = pairing.assess(window)
        if outcome is None or not outcome.result.is_indication:
            return
        moment = pairing.test.visit.arrival_time or aware(version.started_at)
        visited_at = aware(moment)
        self._index_finding(
            connection,
            f"round:{round_id}",
            version.venue_id,
            DOOR_TEST_INDICATION,
            ids[0],
            team,
            visited_at,
            now,
        )
        ladder = policy.ladder_for(DOOR_TEST_INDICATION)
        if ladder is not None:
            self._propose(
                connection,
                policy,
                ladder,
                f"round:{round_id}:{ladder.id}",
                version.venue_id,
                team,
                (DOOR_TEST_INDICATION,),
                ids,
                visited_at,
                now,
            )

    def _index_finding(
        self,
        connection: Connection,
        source_key: str,
        venue_id: str,
        finding: str,
        inspection_id: str,
        team: str,
        visited_at: dt.datetime,
        now: dt.datetime,
    ) -> None:
        connection.execute(
            self.database.insert_ignoring_duplicates(schema.venue_findings).values(
                source_key=source_key[:200],
                venue_id=venue_id,
                finding=finding[:128],
                inspection_id=inspection_id,
                team=team,
                visited_at=visited_at,
                approved_at=now,
            )
        )

    def _propose(
        self,
        connection: Connection,
        policy: SanctionPolicy,
        ladder: Ladder,
        source_key: str,
        venue_id: str,
        team: str,
        findings: tuple[str, ...],
        inspection_ids: tuple[str, ...],
        visited_at: dt.datetime,
        now: dt.datetime,
    ) -> None:
        vf = schema.venue_findings
        earlier = connection.execute(
            sa.select(vf.c.visited_at, vf.c.inspection_id)
            .where(vf.c.venue_id == venue_id)
            .where(vf.c.finding.in_(ladder.findings))
            .where(vf.c.inspection_id.not_in(inspection_ids))
        ).all()
        # One visit with two findings on one ladder (stock and sale) is one repetition.
        moments = {row.inspection_id: aware(row.visited_at) for row in earlier}
        proposal = propose(policy, ladder, visited_at, moments.values())
        counted = [
            i
            for i, moment in sorted(moments.items(), key=lambda x: x[1])
            if moment in proposal.repetitions
        ]
        labels = tuple(self._finding_label(connection, key) for key in findings)
        measure = Measure(
            measure_id=secrets.token_hex(16),
            venue_id=venue_id,
            team=team,
            ladder_id=ladder.id,
            ladder_label=ladder.label,
            findings=findings,
            finding_labels=tuple(label for label, _ in labels),
            inspection_ids=inspection_ids,
            visited_at=visited_at,
            policy_id=policy.id,
            policy_version=policy.version,
            proposed_step=proposal.step.id,
            proposed_label=proposal.step.label,
            repetitions=proposal.repetitions,
            repetition_inspections=tuple(counted),
            period_months=ladder.period_months,
            proposed_at=now,
            state=MeasureState.PROPOSED,
        )
        inserted = connection.execute(
            self.database.insert_ignoring_duplicates(schema.measures).values(
                measure_id=measure.measure_id,
                source_key=source_key[:200],
                venue_id=venue_id,
                team=team,
                state=measure.state.value,
                proposed_at=now,
                payload=measure.model_dump_json(),
            )
        )
        if inserted.rowcount:
            audit(
                connection,
                now,
                "policy",
                "measure.propose",
                measure.measure_id,
                None,
                measure.model_dump(mode="json"),
            )

    def _finding_label(self, connection: Connection, key: str) -> tuple[dict[str, str], str]:
        """A finding's label in both languages and its severity."""
        if key == DOOR_TEST_INDICATION:
            return {
                "nl": "Aanwijzing van ongelijke behandeling aan de deur",
                "en": "Indication of unequal treatment at the door",
            }, "serious"
        form_id, _, outcome = key.partition(":")
        row = connection.execute(
            sa.select(schema.forms.c.form_version)
            .where(schema.forms.c.form_id == form_id)
            .order_by(schema.forms.c.loaded_at.desc())
            .limit(1)
        ).first()
        if row is not None:
            definition = self._definition(connection, form_id, row.form_version)
            for known in definition.outcomes:
                if known.name == outcome:
                    return dict(known.label), known.severity.value
        return {"nl": outcome, "en": outcome}, "attention"

    # --- reading what the store holds ---------------------------------------------------

    def _head(self, connection: Connection, inspection: RowMapping) -> InspectionVersion | None:
        record = connection.execute(
            sa.select(schema.versions.c.record).where(
                schema.versions.c.version_id == inspection["head_version_id"]
            )
        ).scalar_one_or_none()
        return None if record is None else InspectionVersion.model_validate_json(record)

    def _versions_at(
        self,
        connection: Connection,
        venue_id: str,
        form_id: str | None = None,
        teams: Iterable[str] | None = None,
        newest: int | None = None,
    ) -> list[tuple[RowMapping, InspectionVersion]]:
        """The inspections at a venue (of `teams`, when given) with their head versions;
        `newest` keeps only that many, the last to arrive."""
        i, v = schema.inspections, schema.versions
        query = (
            sa.select(i, v.c.record)
            .select_from(i.join(v, v.c.version_id == i.c.head_version_id))
            .where(i.c.venue_id == venue_id)
        )
        if form_id is not None:
            query = query.where(i.c.form_id == form_id)
        if teams is not None:
            query = query.where(i.c.team.in_(sorted(teams)))
        if newest is not None:
            query = query.order_by(i.c.created_at.desc()).limit(newest)
        found = []
        for row in connection.execute(query).mappings():
            found.append((row, InspectionVersion.model_validate_json(row["record"])))
        return found

    def _round(self, connection: Connection, round_id: str) -> DoorTestRound | None:
        payload = connection.execute(
            sa.select(schema.reference.c.payload)
            .where(schema.reference.c.kind == "round")
            .where(schema.reference.c.key == round_id)
        ).scalar_one_or_none()
        return None if payload is None else DoorTestRound.model_validate_json(payload)

    def _venue(self, connection: Connection, venue_id: str) -> Venue | None:
        payload = connection.execute(
            sa.select(schema.reference.c.payload)
            .where(schema.reference.c.kind == "venue")
            .where(schema.reference.c.key == venue_id)
        ).scalar_one_or_none()
        return None if payload is None else Venue.model_validate_json(payload)

    def _supervisor_of(self, connection: Connection, team: str) -> str | None:
        return connection.execute(
            sa.select(schema.teams.c.supervisor).where(schema.teams.c.team_id == team)
        ).scalar_one_or_none()

    def _teams(self, connection: Connection, team_ids: Iterable[str]) -> list[Team]:
        rows = connection.execute(
            sa.select(schema.teams.c.payload).where(schema.teams.c.team_id.in_(sorted(team_ids)))
        ).scalars()
        return [Team.model_validate_json(payload) for payload in rows]

    def _names(self, connection: Connection, usernames: Iterable[str]) -> dict[str, str]:
        """Public names: the pseudonym of a mystery guest, the display name of others."""
        wanted = sorted(set(usernames))
        if not wanted:
            return {}
        u = schema.users
        return {
            row.username: row.pseudonym or row.display_name
            for row in connection.execute(
                sa.select(u.c.username, u.c.display_name, u.c.pseudonym).where(
                    u.c.username.in_(wanted)
                )
            )
        }

    def _action_by_source(self, connection: Connection, key: str) -> RowMapping | None:
        return (
            connection.execute(sa.select(schema.actions).where(schema.actions.c.source_key == key))
            .mappings()
            .first()
        )

    # --- measures ------------------------------------------------------------------------

    def measures(
        self,
        principal: Principal,
        *,
        state: MeasureState | None = None,
        venue_id: str | None = None,
    ) -> list[Measure]:
        _require_supervisor(principal)
        m = schema.measures
        query = sa.select(m.c.payload).where(m.c.team.in_(sorted(principal.supervises)))
        if state is not None:
            query = query.where(m.c.state == state.value)
        if venue_id is not None:
            query = query.where(m.c.venue_id == venue_id)
        with self.database.read() as connection:
            found = [Measure.model_validate_json(p) for p in connection.execute(query).scalars()]
        return sorted(found, key=lambda measure: measure.proposed_at, reverse=True)

    def decide(self, principal: Principal, measure_id: str, request: DecisionRequest) -> Measure:
        _require_supervisor(principal)
        return self.database.retrying(lambda: self._decide_once(principal, measure_id, request))

    def _decide_once(
        self, principal: Principal, measure_id: str, request: DecisionRequest
    ) -> Measure:
        now = self.clock()
        m = schema.measures
        with self.database.write() as connection:
            query = (
                sa.select(m.c.payload)
                .where(m.c.measure_id == measure_id)
                .where(m.c.team.in_(sorted(principal.supervises)))
            )
            if self.database.is_postgresql:
                query = query.with_for_update()
            payload = connection.execute(query).scalar_one_or_none()
            if payload is None:
                raise not_found("measure", "De maatregel")
            measure = Measure.model_validate_json(payload)
            if measure.state is not MeasureState.PROPOSED:
                raise _changed(measure.model_dump(mode="json"))
            policy = self._policy(connection, measure.policy_id, measure.policy_version)
            ladder = policy.ladder(measure.ladder_id)
            assert ladder is not None
            reason = request.reason.strip()
            if request.decision is DecisionKind.CONFIRM:
                step = ladder.steps[ladder.step_index(measure.proposed_step) or 0]
                state = MeasureState.CONFIRMED
            elif request.decision is DecisionKind.CHANGE:
                index = ladder.step_index(request.step_id or "")
                if index is None or request.step_id == measure.proposed_step:
                    raise _invalid(
                        "Kies een andere stap van deze ladder.",
                        "Choose another step of this ladder.",
                        [f"step_id: '{request.step_id}' is no other step of {ladder.id}"],
                    )
                if not reason:
                    raise _invalid(
                        "Geef een reden voor een andere stap.",
                        "Give a reason for another step.",
                        ["reason: required when the step is changed"],
                    )
                step = ladder.steps[index]
                state = MeasureState.CHANGED
            else:
                if not reason:
                    raise _invalid(
                        "Geef een reden om geen maatregel te nemen.",
                        "Give a reason for taking no measure.",
                        ["reason: required for no measure"],
                    )
                step = None
                state = MeasureState.NO_MEASURE
            action_ids: list[str] = []
            if step is not None:
                venue = self._venue(connection, measure.venue_id)
                for template in step.actions:
                    subject = {
                        language: f"{step.label.get(language, step.label.get('nl', ''))}: "
                        f"{template.kind.label.pick(language).lower()}"
                        for language in ("nl", "en")
                    }
                    action = self._insert_action(
                        connection,
                        action_id=secrets.token_hex(16),
                        kind=template.kind,
                        title="",
                        subject=subject,
                        venue_id=measure.venue_id,
                        inspection_ids=measure.inspection_ids,
                        measure_id=measure.measure_id,
                        team=measure.team,
                        owner=principal.username,
                        due=now.date() + dt.timedelta(days=template.due_days),
                        actor=principal.username,
                        note="",
                        now=now,
                    )
                    if template.kind is ActionKind.RE_INSPECTION and venue is not None:
                        action = self._plan_re_inspection(
                            connection, principal, action, venue, None, template.form_id, now
                        )
                    action_ids.append(action.action_id)
            decided = measure.model_copy(
                update={
                    "state": state,
                    "decided_step": step.id if step else None,
                    "decided_label": step.label if step else None,
                    "reason": reason,
                    "decided_by": principal.username,
                    "decided_by_name": principal.display_name,
                    "decided_at": now,
                    "action_ids": tuple(action_ids),
                }
            )
            connection.execute(
                m.update()
                .where(m.c.measure_id == measure_id)
                .values(state=state.value, payload=decided.model_dump_json())
            )
            audit(
                connection,
                now,
                principal.username,
                f"measure.{request.decision.value}",
                measure_id,
                measure.model_dump(mode="json"),
                decided.model_dump(mode="json"),
            )
            self.announce(connection, measure.venue_id, now)
        return decided

    # --- actions -------------------------------------------------------------------------

    def actions(
        self,
        principal: Principal,
        *,
        open_only: bool = False,
        venue_id: str | None = None,
    ) -> list[Action]:
        _refuse_admin(principal)
        a = schema.actions
        query = sa.select(a.c.payload)
        if principal.is_supervisor:
            query = query.where(a.c.team.in_(sorted(principal.supervises)))
        else:
            query = query.where(a.c.owner == principal.username)
        if open_only:
            query = query.where(
                a.c.state.in_([ActionState.OPEN.value, ActionState.WAITING_RESPONSE.value])
            )
        if venue_id is not None:
            query = query.where(a.c.venue_id == venue_id)
        with self.database.read() as connection:
            found = [Action.model_validate_json(p) for p in connection.execute(query).scalars()]
        return sorted(found, key=lambda action: (action.due, action.created_at))

    def action(self, principal: Principal, action_id: str) -> Action:
        _refuse_admin(principal)
        with self.database.read() as connection:
            return Action.model_validate_json(
                self._visible_action(connection, principal, action_id)["payload"]
            )

    def _visible_action(
        self, connection: Connection, principal: Principal, action_id: str, lock: bool = False
    ) -> RowMapping:
        a = schema.actions
        query = sa.select(a).where(a.c.action_id == action_id)
        if principal.is_supervisor:
            query = query.where(a.c.team.in_(sorted(principal.supervises)))
        else:
            query = query.where(a.c.owner == principal.username)
        if lock and self.database.is_postgresql:
            query = query.with_for_update()
        row = connection.execute(query).mappings().first()
        if row is None:
            raise not_found("action", "De actie")
        return row

    def create_action(self, principal: Principal, draft: ActionDraft) -> Action:
        _require_supervisor(principal)
        action_id = draft.action_id or secrets.token_hex(16)
        request_hash = hashlib.sha256(
            json.dumps(
                draft.model_dump(mode="json", exclude={"action_id"}), sort_keys=True
            ).encode()
        ).hexdigest()
        return self.database.retrying(
            lambda: self._create_once(principal, draft, action_id, request_hash)
        )

    def _create_once(
        self, principal: Principal, draft: ActionDraft, action_id: str, request_hash: str
    ) -> Action:
        now = self.clock()
        a = schema.actions
        with self.database.write() as connection:
            earlier = connection.execute(
                sa.select(a.c.request_hash, a.c.team, a.c.payload).where(a.c.action_id == action_id)
            ).first()
            if earlier is not None:
                if earlier.request_hash != request_hash or earlier.team not in principal.supervises:
                    raise ApiError(
                        409,
                        ErrorCode.ADMIN_CONFLICT,
                        "Dit actie-id is al gebruikt voor iets anders.",
                        "This action id was already used for something else.",
                    )
                return Action.model_validate_json(earlier.payload)
            venue = None
            if draft.venue_id is not None:
                venue = self._venue(connection, draft.venue_id)
                if venue is None:
                    raise _invalid(
                        f"De locatie {draft.venue_id} bestaat niet.",
                        f"The venue {draft.venue_id} does not exist.",
                        [f"venue_id: '{draft.venue_id}' is not a venue"],
                    )
            for inspection_id in draft.inspection_ids:
                found = connection.execute(
                    sa.select(schema.inspections.c.team).where(
                        schema.inspections.c.inspection_id == inspection_id
                    )
                ).scalar_one_or_none()
                if found is None or found not in principal.supervises:
                    raise _invalid(
                        "Een van de controles bestaat niet of is niet van uw teams.",
                        "One of the inspections does not exist or is not of your teams.",
                        [f"inspection_ids: '{inspection_id}' is not one of your teams'"],
                    )
            team = self._team_for(connection, principal, draft.owner, venue)
            if (
                draft.kind is ActionKind.RE_INSPECTION
                and draft.assignee is not None
                and venue is None
            ):
                raise _invalid(
                    "Een hercontrole heeft een locatie nodig.",
                    "A re-inspection needs a venue.",
                    ["venue_id: required for a re-inspection with an assignee"],
                )
            action = self._insert_action(
                connection,
                action_id=action_id,
                kind=draft.kind,
                title=draft.title,
                subject=None,
                venue_id=draft.venue_id,
                inspection_ids=tuple(draft.inspection_ids),
                measure_id=None,
                team=team,
                owner=draft.owner,
                due=draft.due,
                actor=principal.username,
                note=draft.note,
                now=now,
                request_hash=request_hash,
            )
            if draft.kind is ActionKind.RE_INSPECTION and venue is not None:
                action = self._plan_re_inspection(
                    connection, principal, action, venue, draft.assignee, None, now
                )
            self.announce(connection, draft.venue_id, now)
        return action

    def _team_for(
        self, connection: Connection, principal: Principal, owner: str, venue: Venue | None
    ) -> str:
        """The team an action belongs to: the owner's, if one of the principal's teams;
        for the supervisor themselves, the team whose areas hold the venue."""
        u = schema.users
        row = connection.execute(
            sa.select(u.c.team, u.c.role, u.c.active).where(u.c.username == owner)
        ).first()
        supervised = self._teams(connection, principal.supervises)
        if owner == principal.username:
            for team in supervised:
                if venue is None or venue.area in team.areas:
                    return team.id
            return sorted(principal.supervises)[0]
        if (
            row is None
            or not row.active
            or row.team not in principal.supervises
            or row.role not in (Role.BOA.value, Role.SUPERVISOR.value)
        ):
            raise _invalid(
                f"{owner} is geen actieve boa of leidinggevende van uw teams.",
                f"{owner} is not an active boa or supervisor of your teams.",
                [f"owner: '{owner}' is not in your teams"],
            )
        return str(row.team)

    def _plan_re_inspection(
        self,
        connection: Connection,
        principal: Principal,
        action: Action,
        venue: Venue,
        assignee: str | None,
        form_id: str | None,
        now: dt.datetime,
    ) -> Action:
        """Plan the assignment of a re-inspection; if the plan is refused, say so in the log
        (the action stands, and the supervisor plans it by hand)."""
        forms = [
            form
            for form, kinds in FORM_VENUE_KINDS.items()
            if venue.kind in kinds and FORM_ROLES[form] is Role.BOA
        ]
        chosen = next((f for f in forms if f.value == form_id), forms[0] if forms else None)
        if chosen is None:
            return action
        assignment_id = f"hercontrole-{action.action_id[:12]}"
        try:
            assignment = Assignment(
                id=assignment_id,
                form_id=AssignmentForm(chosen),
                venue=venue.id,
                assignee=assignee,
                team=None if assignee else action.team,
                due=action.due,
                note={
                    "nl": f"Hercontrole: {action.describe('nl')}",
                    "en": f"Re-inspection: {action.describe('en')}",
                },
            )
            self.planning.plan_in(connection, principal, assignment, now)
        except (ApiError, ValidationError) as refused:
            reason = refused.body.message.en if isinstance(refused, ApiError) else str(refused)
            log.info("re-inspection %s not planned: %s", action.action_id, reason)
            return self._append(
                connection,
                action,
                principal.username,
                ActionEventKind.NOTE,
                now,
                text=f"Opdracht niet gepland / Assignment not planned: {reason}",
            )
        return self._append(
            connection,
            action,
            principal.username,
            ActionEventKind.ASSIGNMENT,
            now,
            assignment_id=assignment_id,
        )

    def update_action(self, principal: Principal, action_id: str, update: ActionUpdate) -> Action:
        _refuse_admin(principal)
        return self.database.retrying(lambda: self._update_once(principal, action_id, update))

    def _update_once(self, principal: Principal, action_id: str, update: ActionUpdate) -> Action:
        now = self.clock()
        with self.database.write() as connection:
            row = self._visible_action(connection, principal, action_id, lock=True)
            action = Action.model_validate_json(row["payload"])
            if not principal.is_supervisor and update.kind is not ActionEventKind.NOTE:
                raise forbidden(
                    "Only the team's supervisor changes an action; you may add a note.",
                    "Alleen de leidinggevende van het team wijzigt een actie; u kunt een "
                    "notitie toevoegen.",
                )
            if update.version != action.version:
                raise _changed(action.model_dump(mode="json"))
            if len(action.events) >= MAX_EVENTS:
                raise _invalid(
                    "Het logboek van deze actie is vol; maak een nieuwe actie.",
                    "This action's log is full; make a new action.",
                    [f"events: at most {MAX_EVENTS} per action"],
                )
            changes: dict[str, Any] = {}
            kind = update.kind
            if kind is ActionEventKind.NOTE:
                if not update.text:
                    raise _invalid("Schrijf een notitie.", "Write a note.", ["text: required"])
            elif kind is ActionEventKind.STATE:
                if update.state is None or update.state not in ACTION_MOVES[action.state]:
                    raise _invalid(
                        "Deze status kan vanaf hier niet.",
                        "This state cannot follow the current one.",
                        [f"state: {action.state.value} cannot move to {update.state}"],
                    )
            elif kind is ActionEventKind.RESPONSE:
                if update.response_date is None or not update.text:
                    raise _invalid(
                        "Vul de datum en een samenvatting van de zienswijze in.",
                        "Enter the date and a summary of the operator's response.",
                        ["response_date and text: required"],
                    )
                if update.response_date > now.date():
                    raise _invalid(
                        "De datum van de zienswijze ligt in de toekomst.",
                        "The date of the response lies in the future.",
                        ["response_date: in the future"],
                    )
                if update.attachment is not None:
                    self._check_attachment(connection, principal, update.attachment)
                    connection.execute(
                        self.database.insert_ignoring_duplicates(schema.action_blobs).values(
                            action_id=action_id, sha256=update.attachment.sha256
                        )
                    )
            elif kind is ActionEventKind.DUE:
                if update.due is None:
                    raise _invalid("Kies een termijn.", "Choose a due date.", ["due: required"])
                changes["due"] = update.due
            elif kind is ActionEventKind.OWNER:
                if update.owner is None:
                    raise _invalid("Kies een eigenaar.", "Choose an owner.", ["owner: required"])
                venue = self._venue(connection, action.venue_id) if action.venue_id else None
                self._team_for(connection, principal, update.owner, venue)
                changes["owner"] = update.owner
            if update.attachment is not None and kind is not ActionEventKind.RESPONSE:
                raise _invalid(
                    "Een bestand hoort bij een zienswijze.",
                    "A file goes with an operator's response.",
                    ["attachment: only with a response"],
                )
            updated = self._append(
                connection,
                action,
                principal.username,
                kind,
                now,
                text=update.text,
                state=update.state if kind is ActionEventKind.STATE else None,
                response_date=update.response_date,
                due=changes.get("due"),
                owner=changes.get("owner"),
                attachment=update.attachment,
            )
            self.announce(connection, action.venue_id, now)
        return updated

    def _check_attachment(
        self, connection: Connection, principal: Principal, attachment: Any
    ) -> None:
        if attachment.media_type not in ATTACHMENT_TYPES:
            raise _invalid(
                "Voeg een PDF, JPEG of PNG toe.",
                "Attach a PDF, JPEG or PNG.",
                [f"attachment.media_type: {attachment.media_type[:60]} is not accepted"],
            )
        held = connection.execute(
            sa.select(schema.blobs.c.size)
            .select_from(
                schema.blobs.join(
                    schema.blob_holders, schema.blob_holders.c.sha256 == schema.blobs.c.sha256
                )
            )
            .where(schema.blobs.c.sha256 == attachment.sha256)
            .where(schema.blob_holders.c.username == principal.username)
        ).scalar_one_or_none()
        if held is None or int(held) != attachment.size:
            raise _invalid(
                "Het bestand is nog niet (helemaal) geüpload.",
                "The file has not been uploaded (completely) yet.",
                ["attachment: upload the file first (PUT /v1/blobs/{sha256})"],
            )

    def _insert_action(
        self,
        connection: Connection,
        *,
        action_id: str,
        kind: ActionKind,
        title: str,
        subject: dict[str, str] | None,
        venue_id: str | None,
        inspection_ids: tuple[str, ...],
        measure_id: str | None,
        team: str,
        owner: str,
        due: dt.date,
        actor: str,
        note: str,
        now: dt.datetime,
        source_key: str | None = None,
        request_hash: str | None = None,
    ) -> Action:
        names = self._names(connection, (owner, actor))
        venue = self._venue(connection, venue_id) if venue_id else None
        created = ActionEvent(
            seq=1,
            at=now,
            actor=actor,
            actor_name=names.get(actor, actor),
            kind=ActionEventKind.CREATED,
            text=note,
            state=ActionState.OPEN,
            due=due,
        )
        action = Action(
            action_id=action_id,
            kind=kind,
            title=title,
            subject=subject,
            venue_id=venue_id,
            venue_name=venue.name if venue else None,
            inspection_ids=inspection_ids,
            measure_id=measure_id,
            team=team,
            owner=owner,
            owner_name=names.get(owner, owner),
            due=due,
            state=ActionState.OPEN,
            created_by=actor,
            created_at=now,
            updated_at=now,
            version=1,
            events=(created,),
        )
        connection.execute(
            schema.actions.insert().values(
                action_id=action_id,
                source_key=source_key,
                request_hash=request_hash,
                team=team,
                owner=owner,
                venue_id=venue_id,
                state=action.state.value,
                due=due,
                version=1,
                updated_at=now,
                payload=action.model_dump_json(),
            )
        )
        audit(
            connection, now, actor, "action.create", action_id, None, action.model_dump(mode="json")
        )
        return action

    def _append(
        self,
        connection: Connection,
        action: Action,
        actor: str,
        kind: ActionEventKind,
        now: dt.datetime,
        *,
        text: str = "",
        state: ActionState | None = None,
        response_date: dt.date | None = None,
        due: dt.date | None = None,
        owner: str | None = None,
        attachment: Any = None,
        assignment_id: str | None = None,
    ) -> Action:
        """One log entry, the action's new state, one audit row."""
        names = self._names(connection, [actor, *([owner] if owner else [])])
        event = ActionEvent(
            seq=len(action.events) + 1,
            at=now,
            actor=actor,
            actor_name=names.get(actor, actor),
            kind=kind,
            text=text,
            state=state,
            response_date=response_date,
            due=due,
            attachment=attachment,
            assignment_id=assignment_id,
        )
        update: dict[str, Any] = {
            "events": (*action.events, event),
            "version": action.version + 1,
            "updated_at": now,
        }
        if state is not None:
            update["state"] = state
        if due is not None:
            update["due"] = due
        if owner is not None:
            update["owner"] = owner
            update["owner_name"] = names.get(owner, owner)
        after = action.model_copy(update=update)
        connection.execute(
            schema.actions.update()
            .where(schema.actions.c.action_id == action.action_id)
            .values(
                state=after.state.value,
                due=after.due,
                owner=after.owner,
                version=after.version,
                updated_at=now,
                payload=after.model_dump_json(),
            )
        )
        audit(
            connection,
            now,
            actor,
            f"action.{kind.value}",
            action.action_id,
            None,
            event.model_dump(mode="json"),
        )
        return after

    def can_read_blob(self, principal: Principal, sha256: str) -> bool:
        """A file in an action's log is read by the team's supervisors and the owner."""
        a, ab = schema.actions, schema.action_blobs
        query = (
            sa.select(sa.literal(1))
            .select_from(ab.join(a, a.c.action_id == ab.c.action_id))
            .where(ab.c.sha256 == sha256)
        )
        if principal.is_supervisor:
            query = query.where(a.c.team.in_(sorted(principal.supervises)))
        else:
            query = query.where(a.c.owner == principal.username)
        with self.database.read() as connection:
            return connection.execute(query.limit(1)).first() is not None

    # --- the venue file and the field summary --------------------------------------------

    def venue_file(self, principal: Principal, venue_id: str) -> VenueFile:
        _require_supervisor(principal)
        now = self.clock()
        with self.database.read() as connection:
            venue = self._venue(connection, venue_id)
            if venue is None:
                raise not_found("venue", "De locatie")
            teams = self._teams(connection, principal.supervises)
            versions = self._versions_at(connection, venue_id, teams=principal.supervises)
            if venue.area not in {area for team in teams for area in team.areas} and not versions:
                # Outside the supervisor's areas and never visited by their teams: not theirs.
                raise not_found("venue", "De locatie")
            visits = self._file_visits(connection, versions)
            rounds = self._file_rounds(connection, versions)
            m, a = schema.measures, schema.actions
            measures = [
                Measure.model_validate_json(p)
                for p in connection.execute(
                    sa.select(m.c.payload)
                    .where(m.c.venue_id == venue_id)
                    .where(m.c.team.in_(sorted(principal.supervises)))
                ).scalars()
            ]
            actions = [
                Action.model_validate_json(p)
                for p in connection.execute(
                    sa.select(a.c.payload)
                    .where(a.c.venue_id == venue_id)
                    .where(a.c.team.in_(sorted(principal.supervises)))
                ).scalars()
            ]
            policy = self.policy(connection)
            repetitions = self._repetitions(connection, policy, venue_id, now, door_tests=True)
        return VenueFile(
            venue=venue,
            generated_at=now,
            policy_id=policy.id if policy else None,
            policy_version=policy.version if policy else None,
            visits=tuple(sorted(visits, key=lambda visit: visit.visited_at)),
            rounds=tuple(sorted(rounds, key=lambda item: item.date)),
            measures=tuple(sorted(measures, key=lambda item: item.proposed_at)),
            actions=tuple(sorted(actions, key=lambda item: item.created_at)),
            repetitions=repetitions,
        )

    def _file_visits(
        self,
        connection: Connection,
        versions: Sequence[tuple[RowMapping, InspectionVersion]],
        with_names: bool = True,
    ) -> list[FileVisit]:
        names = self._names(connection, (v.author for _, v in versions)) if with_names else {}
        approvals = self._approvals(connection, [row["inspection_id"] for row, _ in versions])
        reviewers = self._names(connection, (who for who, _ in approvals.values()))
        visits = []
        for row, version in versions:
            definition = self._definition(connection, version.form_id, version.form_version)
            outcomes = {o.name: o for o in definition.outcomes}
            findings = tuple(
                FileFinding(
                    key=f"{version.form_id}:{name}",
                    label=dict(outcomes[name].label),
                    severity=outcomes[name].severity.value,
                )
                for name in version.outcomes
                if name in outcomes
            )
            approval = approvals.get(row["inspection_id"])
            answers = version.document.get("answers", {})
            door_test = version.form_id == DOOR_TEST_FORM
            visits.append(
                FileVisit(
                    inspection_id=version.inspection_id,
                    form_id=version.form_id,
                    form_title=dict(definition.title),
                    visited_at=aware(version.started_at),
                    officers=(names.get(version.author, version.author),) if with_names else (),
                    status=row["status"],
                    approved_by=reviewers.get(approval[0], approval[0])
                    if approval and with_names
                    else None,
                    approved_at=approval[1] if approval else None,
                    findings=findings,
                    round_id=str(answers.get("test_id"))
                    if door_test and answers.get("test_id")
                    else None,
                    group_role=str(answers.get("group_role"))
                    if door_test and answers.get("group_role")
                    else None,
                )
            )
        return visits

    def _approvals(
        self, connection: Connection, inspection_ids: Sequence[str]
    ) -> dict[str, tuple[str, dt.datetime]]:
        if not inspection_ids:
            return {}
        r = schema.review_events
        found: dict[str, tuple[str, dt.datetime]] = {}
        for row in connection.execute(
            sa.select(r.c.inspection_id, r.c.reviewer, r.c.at)
            .where(r.c.inspection_id.in_(sorted(inspection_ids)))
            .where(r.c.action == "approved")
            .order_by(r.c.at)
        ):
            found[row.inspection_id] = (row.reviewer, aware(row.at))
        return found

    def _file_rounds(
        self, connection: Connection, versions: Sequence[tuple[RowMapping, InspectionVersion]]
    ) -> list[FileRound]:
        by_round: dict[str, list[tuple[RowMapping, InspectionVersion, Any]]] = {}
        for row, version in versions:
            if version.form_id != DOOR_TEST_FORM:
                continue
            engine = self._engine(connection, version.form_id, version.form_version)
            visit = visit_from_document(engine, version.document.get("answers", {}))
            if visit is None or not visit.test_id:
                continue
            by_round.setdefault(visit.test_id, []).append((row, version, visit))
        rounds = []
        for round_id, members in sorted(by_round.items()):
            planned = self._round(connection, round_id)
            pairing = pair_round_visits(
                round_id,
                [RoundVisit(v.inspection_id, visit, v.author) for _, v, visit in members],
                planned,
            )
            outcome = pairing.assess(planned.max_gap_minutes if planned else 30)
            day = planned.date if planned else aware(members[0][1].started_at).date()
            rounds.append(
                FileRound(
                    round_id=round_id,
                    date=day,
                    result=outcome.result.value if outcome else None,
                    result_label={"nl": outcome.result.label.nl, "en": outcome.result.label.en}
                    if outcome
                    else None,
                    inspection_ids=tuple(v.inspection_id for _, v, _ in members),
                    approved=all(
                        row["status"] == InspectionStatus.APPROVED.value for row, _, _ in members
                    ),
                )
            )
        return rounds

    def _repetitions(
        self,
        connection: Connection,
        policy: SanctionPolicy | None,
        venue_id: str,
        now: dt.datetime,
        *,
        door_tests: bool,
    ) -> tuple[Repetition, ...]:
        if policy is None:
            return ()
        vf = schema.venue_findings
        found = []
        for ladder in policy.ladders:
            if not door_tests and DOOR_TEST_INDICATION in ladder.findings:
                continue
            start = months_before(now, ladder.period_months)
            rows = connection.execute(
                sa.select(vf.c.inspection_id, vf.c.visited_at)
                .where(vf.c.venue_id == venue_id)
                .where(vf.c.finding.in_(ladder.findings))
                .where(vf.c.visited_at >= start)
            ).all()
            moments = {row.inspection_id: aware(row.visited_at) for row in rows}
            found.append(
                Repetition(
                    ladder_id=ladder.id,
                    label=ladder.label,
                    period_months=ladder.period_months,
                    count=len(moments),
                    last_at=max(moments.values()) if moments else None,
                )
            )
        return tuple(found)

    def field_summary(
        self, connection: Connection, venue_id: str, now: dt.datetime
    ) -> VenueFieldSummary:
        """The venue's short history for boa's: visits by boa forms, open actions, repeats."""
        boa_forms = {
            form_id
            for form_id, roles in connection.execute(
                sa.select(schema.forms.c.form_id, schema.forms.c.roles)
            )
            if Role.BOA.value in json.loads(roles)
        }
        # The newest arrivals only: a venue's whole history is parsed for its file, not at
        # every approval (a device's clock may put a late arrival earlier; 4× is margin).
        versions = [
            (row, version)
            for row, version in self._versions_at(connection, venue_id, newest=4 * FIELD_VISITS)
            if version.form_id in boa_forms
        ]
        versions.sort(key=lambda item: aware(item[1].started_at), reverse=True)
        visits = self._file_visits(connection, versions[:FIELD_VISITS], with_names=False)
        a = schema.actions
        open_actions = [
            Action.model_validate_json(p)
            for p in connection.execute(
                sa.select(a.c.payload)
                .where(a.c.venue_id == venue_id)
                .where(a.c.state.in_([ActionState.OPEN.value, ActionState.WAITING_RESPONSE.value]))
            ).scalars()
        ]
        repetitions = tuple(
            rep
            for rep in self._repetitions(
                connection, self.policy(connection), venue_id, now, door_tests=False
            )
            if rep.count
        )
        return VenueFieldSummary(
            venue_id=venue_id,
            updated_at=now,
            last_visits=tuple(visits),
            open_actions=tuple(
                sorted(
                    (action.kind.value, action.due)
                    for action in open_actions
                    if action.kind is not ActionKind.REFERRAL
                )
            ),
            repetitions=repetitions,
        )

    def announce(self, connection: Connection, venue_id: str | None, now: dt.datetime) -> None:
        """Send the venue's new field summary to boa's devices (not to mystery guests)."""
        if venue_id is None:
            return
        summary = self.field_summary(connection, venue_id, now)
        body = {
            "kind": "venue_summary",
            "removed": False,
            "summary": summary.model_dump(mode="json"),
        }
        feed.append(
            connection,
            [feed.NewChange("venue_summary", venue_id, f"role:{Role.BOA.value}", body)],
            now,
        )


def _choice_label(definition: FormDefinition, list_name: str, value: object) -> Mapping[str, str]:
    for choice in definition.choices.get(list_name, ()):
        if choice.name == value:
            return {
                "nl": choice.label.get("nl", choice.name),
                "en": choice.label.get("en", choice.name),
            }
    text = str(value or "?")
    return {"nl": text, "en": text}
