"""The venue file as a PDF: everything the central store knows about one venue, fit to go
with an administrative decision (a warning, a closure).

The first page says what this is, which venue, as of when, under which sanction policy, and
where the venue stands: repeat offences per ladder within the policy's period, open and
overdue actions, the last measure decided. Then one chronology merges the visits, door-test
rounds, measures and action log entries in time order, so a reader sees what followed from
what; after it the measures, the actions with their whole log, and the operator's responses
(zienswijzen) each in full. Door testers appear only as the file names them: by pseudonym.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, PageBreak, Spacer

from fieldapp.core.entities import Area, VenueKind
from fieldapp.core.followup import (
    Action,
    ActionEvent,
    ActionEventKind,
    FileRound,
    FileVisit,
    Measure,
    MeasureState,
    VenueFile,
)
from fieldapp.core.forms import Severity
from fieldapp.core.inspection import InspectionStatus
from fieldapp.core.texts import Text
from fieldapp.reports.document import CONTENT_WIDTH, DocumentInfo, ReportStyles, render_pdf
from fieldapp.reports.flowables import grid_table, key_value_table, para
from fieldapp.reports.followup_parts import (
    creator_name,
    event_text,
    overdue_text,
    title_text,
    venue_cell,
)
from fieldapp.reports.followup_parts import word as action_word
from fieldapp.reports.fonts import ReportFonts, report_fonts
from fieldapp.reports.i18n import SEVERITY_LABELS, STATUS_LABELS, Language, local, phrase
from fieldapp.reports.model import instant
from fieldapp.reports.parts import letterhead
from fieldapp.reports.text import (
    format_date,
    format_datetime,
    format_short_date,
    format_short_datetime,
)

TEXTS: Mapping[str, Text] = {
    "kind": Text("Dossier van de locatie", "Venue file"),
    "venue_kind": Text("Soort locatie", "Kind of venue"),
    "operator": Text("Exploitant", "Operator"),
    "register": Text("In het register", "In the register"),
    "active": Text("Actief", "Active"),
    "closed": Text("Gesloten (niet meer actief)", "Closed (no longer active)"),
    "generated_at": Text("Opgemaakt op", "Generated on"),
    "span": Text("Periode van de chronologie", "Span of the chronology"),
    "no_span": Text("Nog niets vastgelegd", "Nothing recorded yet"),
    "policy": Text("Sanctiebeleid", "Sanction policy"),
    "policy_value": Text("{id}, versie {version}", "{id}, version {version}"),
    "no_policy": Text(
        "Geen sanctiebeleid geladen: er worden geen maatregelen voorgesteld",
        "No sanction policy loaded: no measures are proposed",
    ),
    "proposal_policies": Text("Beleid van de voorstellen", "Policy of the proposals"),
    "status": Text("Waar de locatie staat", "Where the venue stands"),
    "repetitions": Text(
        "Herhalingen per ladder binnen de termijn van het beleid",
        "Repeat offences per ladder within the policy's period",
    ),
    "no_repetitions": Text(
        "Geen goedgekeurde bevindingen op een ladder binnen de termijn van het beleid.",
        "No approved findings on a ladder within the policy's period.",
    ),
    "ladder": Text("Ladder", "Ladder"),
    "period": Text("Termijn", "Period"),
    "months": Text("{n} maanden", "{n} months"),
    "counted": Text("Aantal", "Count"),
    "last_at": Text("Laatste", "Latest"),
    "open_actions": Text("Open acties", "Open actions"),
    "overdue_actions": Text("Waarvan te laat", "Of which overdue"),
    "overdue_as_of": Text("{n} (termijn vóór {date})", "{n} (due before {date})"),
    "last_measure": Text("Laatste besluit over een maatregel", "Last decision on a measure"),
    "no_decision": Text("Nog geen besluit over een maatregel", "No decision on a measure yet"),
    "pending": Text("Voorstellen zonder besluit", "Proposals awaiting a decision"),
    "decision_line": Text("{decision}, {when}, door {who}", "{decision}, {when}, by {who}"),
    "pseudonyms": Text(
        "Testers van deurtests staan in dit dossier alleen onder hun pseudoniem.",
        "Door testers appear in this file under their pseudonym only.",
    ),
    "chronology": Text("Chronologie", "Chronology"),
    "chronology_note": Text(
        "Controles, deurtestrondes, maatregelen en de log van de acties, van oud naar nieuw. "
        "Tijden zoals vastgelegd.",
        "Inspections, door-test rounds, measures and the actions' logs, oldest first. "
        "Times as recorded.",
    ),
    "nothing": Text(
        "Geen controles, maatregelen of acties vastgelegd.",
        "No inspections, measures or actions recorded.",
    ),
    "when": Text("Datum", "Date"),
    "what": Text("Soort", "Kind"),
    "subject": Text("Onderwerp", "Subject"),
    "details": Text("Details", "Details"),
    "visit": Text("Controle", "Inspection"),
    "door_visit": Text("Deurtestbezoek", "Door-test visit"),
    "round": Text("Deurtestronde", "Door-test round"),
    "proposal": Text("Voorstel maatregel", "Measure proposed"),
    "decision": Text("Besluit maatregel", "Measure decided"),
    "action": Text("Actie", "Action"),
    "officers": Text("Boa's", "Officers"),
    "testers": Text("Testers (pseudoniem)", "Testers (pseudonym)"),
    "no_findings": Text("geen bevindingen", "no findings"),
    "round_visits": Text("{n} bezoek(en)", "{n} visit(s)"),
    "round_approved": Text("goedgekeurd", "approved"),
    "round_not_approved": Text("nog niet goedgekeurd", "not yet approved"),
    "awaiting": Text("Nog geen uitkomst", "No result yet"),
    "step": Text("Voorgestelde stap", "Proposed step"),
    "policy_used": Text("beleid {id} versie {version}", "policy {id} version {version}"),
    "repetitions_counted": Text(
        "{n} eerdere bevinding(en) binnen {months} maanden",
        "{n} earlier finding(s) within {months} months",
    ),
    "reason": Text("Reden", "Reason"),
    "by": Text("door {who}", "by {who}"),
    "measures": Text("Maatregelen", "Measures"),
    "no_measures": Text("Geen maatregelen voorgesteld.", "No measures proposed."),
    "finding": Text("Bevinding(en)", "Finding(s)"),
    "visited_at": Text("Controle van", "Inspection of"),
    "inspections": Text("Controle-id('s)", "Inspection id(s)"),
    "counted_list": Text("Geteld als herhaling", "Counted as repetitions"),
    "none_counted": Text(
        "geen eerdere bevinding binnen {months} maanden",
        "no earlier finding within {months} months",
    ),
    "proposed_at": Text("Voorgesteld op", "Proposed on"),
    "decision_label": Text("Besluit", "Decision"),
    "decided": Text("Besloten", "Decided"),
    "not_decided": Text("nog niet besloten", "not yet decided"),
    "started": Text("Gestarte acties", "Actions started"),
    "actions": Text("Acties", "Actions"),
    "no_actions": Text("Geen acties.", "No actions."),
    "responses": Text("Zienswijzen van de exploitant", "The operator's responses"),
    "no_responses": Text("Geen zienswijzen ontvangen.", "No responses received."),
    "response_date": Text("Gedateerd", "Dated"),
    "recorded": Text("Vastgelegd", "Recorded"),
    "summary": Text("Samenvatting", "Summary"),
    "file": Text("Bijlage", "Attachment"),
    "who": Text("Wie", "Who"),
    "recorded_by": Text("Vastgelegd door {who}", "Recorded by {who}"),
}

VENUE_KINDS: Mapping[VenueKind, Text] = {
    VenueKind.COFFEESHOP: Text("Coffeeshop", "Coffeeshop"),
    VenueKind.CLUB: Text("Club", "Club"),
    VenueKind.BAR: Text("Bar", "Bar"),
}


def text(key: str, language: Language, **values: object) -> str:
    """This report's phrase `key` in `language`, with `{name}` placeholders filled in."""
    words = TEXTS[key].pick(language)
    return words.format(**values) if values else words


def venue_dossier(
    file: VenueFile,
    *,
    language: Language = "nl",
    fonts: ReportFonts | None = None,
    areas: Mapping[str, Area] | None = None,
) -> bytes:
    """The PDF venue file of `file`; `areas` names the venue's area (else its id is shown)."""
    fonts = fonts or report_fonts()
    styles = ReportStyles(fonts, language)
    view = _Dossier(file, styles, language, areas or {})
    return render_pdf(view.story(), view.info(), fonts)


@dataclass(frozen=True, slots=True)
class _Entry:
    """One row of the chronology."""

    moment: datetime
    #: Orders entries at the same moment: the visit before what follows from it.
    rank: int
    when: str
    what: str
    subject: str
    details: str


class _Dossier:
    """The parts of one venue file, in one language, its chronology sorted once."""

    def __init__(
        self, file: VenueFile, styles: ReportStyles, language: Language, areas: Mapping[str, Area]
    ) -> None:
        self.file = file
        self.styles = styles
        self.language = language
        self.areas = areas
        self.today = file.generated_at.date()
        self.entries = sorted(self._entries(), key=lambda e: (instant(e.moment), e.rank))

    def t(self, key: str, **values: object) -> str:
        return text(key, self.language, **values)

    # -- the document ----------------------------------------------------------------------

    def info(self) -> DocumentInfo:
        file, language = self.file, self.language
        venue = file.venue
        heading = f"{self.t('kind')} – {venue.name}"
        # Same file, same bytes: the id is the hash of everything the file holds.
        digest = hashlib.sha256(file.model_dump_json().encode()).hexdigest()
        policy = self._policy_text()
        policy_short = policy if file.policy_id else phrase("none", language)
        return DocumentInfo(
            title=heading,
            author=phrase("municipality", language),
            subject=f"{self.t('kind')}; {venue.name}, {venue.address}; {policy}",
            language=language,
            created_at=file.generated_at,
            identifier=f"venue file\n{language}\n{digest}",
            keywords=(
                "venue-file",
                venue.id,
                *([file.policy_version] if file.policy_version else []),
            ),
            running_header=f"{phrase('municipality', language)} · {heading}",
            footer_lines=(
                f"{self.t('generated_at')} {format_datetime(file.generated_at, language)} · "
                f"{venue.id}",
                f"{self.t('policy')}: {policy_short}",
            ),
        )

    def story(self) -> list[Flowable]:
        styles = self.styles
        venue = self.file.venue
        story = letterhead(self.t("kind"), venue.name, venue.address, styles, self.language)
        story.append(key_value_table(self._facts(), styles, label_width=0.3))
        story.extend(self._status())
        if any(visit.round_id for visit in self.file.visits):
            story.append(Spacer(0, 2 * mm))
            story.append(para(self.t("pseudonyms"), styles.note))
        # The first page stands alone: it is what a decision quotes.
        story.append(PageBreak())
        story.extend(self._chronology())
        story.extend(self._measures())
        story.extend(self._actions())
        story.extend(self._responses())
        return story

    # -- first page ------------------------------------------------------------------------

    def _policy_text(self) -> str:
        file = self.file
        if file.policy_id is None or file.policy_version is None:
            return self.t("no_policy")
        return self.t("policy_value", id=file.policy_id, version=file.policy_version)

    def _area_text(self, area_id: str) -> str:
        area = self.areas.get(area_id)
        if area is None:
            return area_id
        return f"{area.name} ({phrase('district', self.language)} {area.district})"

    def _span_text(self) -> str:
        if not self.entries:
            return self.t("no_span")
        first, last = self.entries[0].moment.date(), self.entries[-1].moment.date()
        if first == last:
            return format_date(first, self.language)
        return f"{format_date(first, self.language)} – {format_date(last, self.language)}"

    def _facts(self) -> list[tuple[str, str | Flowable]]:
        file, language = self.file, self.language
        venue = file.venue
        rows: list[tuple[str, str | Flowable]] = [
            (phrase("venue", language), venue.name),
            (phrase("address", language), venue.address),
            (phrase("area", language), self._area_text(venue.area)),
            (self.t("venue_kind"), VENUE_KINDS[venue.kind].pick(language)),
        ]
        if venue.permit_number:
            rows.append((phrase("permit", language), venue.permit_number))
        if venue.operator:
            rows.append((self.t("operator"), venue.operator))
        rows.extend(
            [
                (self.t("register"), self.t("active") if venue.active else self.t("closed")),
                (self.t("generated_at"), format_datetime(file.generated_at, language)),
                (self.t("span"), self._span_text()),
                (self.t("policy"), self._policy_text()),
            ]
        )
        used = sorted({(m.policy_id, m.policy_version) for m in file.measures})
        if used and used != [(file.policy_id, file.policy_version)]:
            rows.append(
                (
                    self.t("proposal_policies"),
                    "; ".join(self.t("policy_value", id=i, version=v) for i, v in used),
                )
            )
        return rows

    def _status(self) -> list[Flowable]:
        file, styles, language = self.file, self.styles, self.language
        story: list[Flowable] = [para(self.t("status"), styles.h1)]
        open_actions = [a for a in file.actions if a.state.is_open]
        overdue = [a for a in open_actions if a.overdue(self.today)]
        pending = [m for m in file.measures if m.state is MeasureState.PROPOSED]
        rows: list[tuple[str, str | Flowable]] = [
            (self.t("open_actions"), str(len(open_actions))),
            (
                self.t("overdue_actions"),
                self.t("overdue_as_of", n=len(overdue), date=format_date(self.today, language)),
            ),
            (self.t("last_measure"), self._last_decision()),
            (self.t("pending"), str(len(pending))),
        ]
        story.append(key_value_table(rows, styles, label_width=0.3))
        story.append(para(self.t("repetitions"), styles.h2))
        if not file.repetitions:
            story.append(para(self.t("no_repetitions"), styles.note))
            return story
        body = [
            [
                local(rep.label, language, rep.ladder_id),
                self.t("months", n=rep.period_months),
                str(rep.count),
                format_date(rep.last_at.date(), language) if rep.last_at else "–",
            ]
            for rep in file.repetitions
        ]
        header = [self.t("ladder"), self.t("period"), self.t("counted"), self.t("last_at")]
        widths = [CONTENT_WIDTH - 98 * mm, 28 * mm, 20 * mm, 50 * mm]
        story.append(grid_table(header, body, styles, widths))
        return story

    def _last_decision(self) -> str:
        decided = [m for m in self.file.measures if m.decided_at is not None]
        if not decided:
            return self.t("no_decision")
        last = max(decided, key=lambda m: instant(m.decided_at or m.proposed_at))
        return self._decision_line(last)

    def _decision_text(self, measure: Measure) -> str:
        """The decision in words: confirmed or changed with the step taken, or no measure."""
        language = self.language
        state = measure.state.label.pick(language)
        if measure.state is MeasureState.NO_MEASURE:
            return state
        if measure.state is MeasureState.PROPOSED:
            return self.t("not_decided")
        step = local(
            measure.decided_label or measure.proposed_label, language, measure.proposed_step
        )
        return f"{state}: {step}"

    def _decision_line(self, measure: Measure) -> str:
        when = format_date(measure.decided_at.date(), self.language) if measure.decided_at else "–"
        who = measure.decided_by_name or measure.decided_by or "–"
        return self.t("decision_line", decision=self._decision_text(measure), when=when, who=who)

    # -- the chronology --------------------------------------------------------------------

    def _entries(self) -> Iterable[_Entry]:
        file = self.file
        visits = {visit.inspection_id: visit for visit in file.visits}
        for visit in file.visits:
            yield self._visit_entry(visit)
        for round_ in file.rounds:
            yield self._round_entry(
                round_, [visits[i] for i in round_.inspection_ids if i in visits]
            )
        for measure in file.measures:
            yield from self._measure_entries(measure)
        for action in file.actions:
            yield from self._action_entries(action)

    def _visit_entry(self, visit: FileVisit) -> _Entry:
        language = self.language
        door = visit.round_id is not None
        what = self.t("door_visit") if door else self.t("visit")
        if visit.group_role:
            role = {"test": "test_group", "control": "control_group"}.get(visit.group_role)
            what += f" ({phrase(role, language).lower() if role else visit.group_role})"
        lines = []
        if visit.officers:
            lines.append(
                f"{self.t('testers' if door else 'officers')}: {', '.join(visit.officers)}"
            )
        lines.append(self._visit_state(visit))
        lines.extend(self._finding_lines(visit))
        return _Entry(
            visit.visited_at,
            0,
            format_short_datetime(visit.visited_at, self.language),
            what,
            local(visit.form_title, language, visit.form_id),
            "\n".join(lines),
        )

    def _visit_state(self, visit: FileVisit) -> str:
        language = self.language
        try:
            status = InspectionStatus(visit.status)
        except ValueError:
            return visit.status
        if status is InspectionStatus.APPROVED and visit.approved_by and visit.approved_at:
            when = format_datetime(visit.approved_at, language)
            return phrase("state_approved", language, who=visit.approved_by, when=when)
        label = local(STATUS_LABELS[status], language)
        if status is InspectionStatus.APPROVED:
            return label
        return phrase("state_concept", language, status=label)

    def _finding_lines(self, visit: FileVisit) -> list[str]:
        language = self.language
        if not visit.findings:
            return [self.t("no_findings")]
        ranked = sorted(visit.findings, key=lambda f: -_severity_rank(f.severity))
        return [
            f"{_severity_text(f.severity, language)} – {local(f.label, language, f.key)}"
            for f in ranked
        ]

    def _round_entry(self, round_: FileRound, visits: Sequence[FileVisit]) -> _Entry:
        language = self.language
        # A round is dated, not timed: it follows its own visits, else ends its day.
        moment = max(
            (v.visited_at for v in visits),
            key=instant,
            default=datetime.combine(round_.date, time(23, 59), UTC),
        )
        subject = local(round_.result_label, language, round_.result or "") or self.t("awaiting")
        approval = self.t("round_approved" if round_.approved else "round_not_approved")
        details = f"{self.t('round_visits', n=len(round_.inspection_ids))}; {approval}"
        return _Entry(
            moment,
            1,
            format_short_date(round_.date, self.language),
            self.t("round"),
            subject,
            details,
        )

    def _measure_entries(self, measure: Measure) -> Iterable[_Entry]:
        language = self.language
        proposed = local(measure.proposed_label, language, measure.proposed_step)
        details = [
            local(measure.ladder_label, language, measure.ladder_id),
            "; ".join(local(label, language) for label in measure.finding_labels),
            self.t("policy_used", id=measure.policy_id, version=measure.policy_version),
            self.t("repetitions_counted", n=len(measure.repetitions), months=measure.period_months),
        ]
        yield _Entry(
            measure.proposed_at,
            2,
            format_short_datetime(measure.proposed_at, self.language),
            self.t("proposal"),
            proposed,
            "\n".join(line for line in details if line),
        )
        if measure.decided_at is not None:
            who = measure.decided_by_name or measure.decided_by or "–"
            lines = [self.t("by", who=who)]
            if measure.reason:
                lines.append(f"{self.t('reason')}: {measure.reason}")
            yield _Entry(
                measure.decided_at,
                3,
                format_short_datetime(measure.decided_at, self.language),
                self.t("decision"),
                self._decision_text(measure),
                "\n".join(lines),
            )

    def _action_entries(self, action: Action) -> Iterable[_Entry]:
        language = self.language
        subject = title_text(action, language)
        if not action.events:
            # An action without a log still began somewhere.
            yield _Entry(
                action.created_at,
                4,
                format_short_datetime(action.created_at, self.language),
                self.t("action"),
                subject,
                f"{action_word('created', language)}; {action.state.label.pick(language)}",
            )
            return
        for event in action.events:
            if event.kind is ActionEventKind.RESPONSE:
                # The kind column already says it is the operator's response.
                what = event.kind.label.pick(language)
                details = self.t("recorded_by", who=event.actor_name)
            else:
                what = self.t("action")
                details = f"{event.kind.label.pick(language)} ({event.actor_name})"
            content = event_text(event, language)
            if content:
                details += f": {content}"
            yield _Entry(
                event.at, 4, format_short_datetime(event.at, self.language), what, subject, details
            )

    def _chronology(self) -> list[Flowable]:
        styles = self.styles
        story: list[Flowable] = [
            para(self.t("chronology"), styles.h1),
            para(self.t("chronology_note"), styles.note),
        ]
        if not self.entries:
            story.append(para(self.t("nothing"), styles.note))
            return story
        rows = [[e.when, e.what, e.subject, e.details] for e in self.entries]
        header = [self.t("when"), self.t("what"), self.t("subject"), self.t("details")]
        widths = [27 * mm, 28 * mm, 45 * mm, CONTENT_WIDTH - 100 * mm]
        story.append(grid_table(header, rows, styles, widths))
        return story

    # -- the sections after it -------------------------------------------------------------

    def _heading(self, key: str) -> list[Flowable]:
        return [CondPageBreak(50 * mm), para(self.t(key), self.styles.h1)]

    def _blocks(self, key: str, blocks: Sequence[list[Flowable]]) -> list[Flowable]:
        """A section of blocks each kept on one page, its heading kept with the first (a
        heading's keep-with-next does not hold against a block that itself must move)."""
        heading = self._heading(key)
        first, *rest = blocks
        return [heading[0], KeepTogether([*heading[1:], *first]), *map(KeepTogether, rest)]

    def _measures(self) -> list[Flowable]:
        file, styles, language = self.file, self.styles, self.language
        if not file.measures:
            return [*self._heading("measures"), para(self.t("no_measures"), styles.note)]
        actions = {a.action_id: a for a in file.actions}
        blocks: list[list[Flowable]] = []
        for measure in sorted(file.measures, key=lambda m: instant(m.proposed_at)):
            proposed = local(measure.proposed_label, language, measure.proposed_step)
            rows: list[tuple[str, str | Flowable]] = [
                (self.t("ladder"), local(measure.ladder_label, language, measure.ladder_id)),
                (
                    self.t("finding"),
                    "\n".join(local(label, language) for label in measure.finding_labels)
                    or ", ".join(measure.findings),
                ),
                (self.t("visited_at"), format_datetime(measure.visited_at, language)),
                (
                    self.t("inspections"),
                    para(", ".join(measure.inspection_ids), styles.mono),
                ),
                (
                    self.t("policy"),
                    self.t("policy_value", id=measure.policy_id, version=measure.policy_version),
                ),
                (self.t("step"), proposed),
                (self.t("counted_list"), self._repetitions_text(measure)),
                (self.t("proposed_at"), format_datetime(measure.proposed_at, language)),
                (self.t("decision_label"), self._decision_text(measure)),
            ]
            if measure.decided_at is not None:
                who = measure.decided_by_name or measure.decided_by or "–"
                rows.append(
                    (
                        self.t("decided"),
                        f"{format_datetime(measure.decided_at, language)}, {self.t('by', who=who)}",
                    )
                )
            if measure.reason:
                rows.append((self.t("reason"), measure.reason))
            if measure.action_ids:
                rows.append(
                    (
                        self.t("started"),
                        "\n".join(
                            title_text(actions[i], language) if i in actions else i
                            for i in measure.action_ids
                        ),
                    )
                )
            title = f"{proposed} – {format_date(measure.visited_at.date(), language)}"
            blocks.append([para(title, styles.h2), key_value_table(rows, styles, label_width=0.3)])
        return self._blocks("measures", blocks)

    def _repetitions_text(self, measure: Measure) -> str:
        """How many earlier findings the proposal counted, and the days of their visits."""
        if not measure.repetitions:
            return self.t("none_counted", months=measure.period_months)
        count = self.t(
            "repetitions_counted", n=len(measure.repetitions), months=measure.period_months
        )
        days = ", ".join(
            format_short_date(moment.date(), self.language) for moment in measure.repetitions
        )
        return f"{count}: {days}"

    def _actions(self) -> list[Flowable]:
        file, styles, language = self.file, self.styles, self.language
        if not file.actions:
            return [*self._heading("actions"), para(self.t("no_actions"), styles.note)]
        blocks: list[list[Flowable]] = []
        for action in sorted(file.actions, key=lambda a: (instant(a.created_at), a.action_id)):
            state = action.state.label.pick(language)
            if action.overdue(self.today):
                state += f" ({overdue_text(action.due, self.today, language)})"
            rows: list[tuple[str, str | Flowable]] = [
                (action_word("kind", language), action.kind.label.pick(language)),
                (phrase("venue", language), venue_cell(action)),
                (action_word("owner", language), f"{action.owner_name} ({action.team})"),
                (action_word("due", language), format_date(action.due, language)),
                (action_word("state", language), state),
                (
                    action_word("created", language),
                    action_word(
                        "created_by",
                        language,
                        who=creator_name(action),
                        when=format_datetime(action.created_at, language),
                    ),
                ),
            ]
            if action.inspection_ids:
                rows.append(
                    (
                        action_word("follows_from", language),
                        para(", ".join(action.inspection_ids), styles.mono),
                    )
                )
            # An action's log belongs under its facts: never a log alone atop a page.
            blocks.append(
                [
                    para(title_text(action, language), styles.h2),
                    key_value_table(rows, styles, label_width=0.3),
                    *self._log(action.events),
                ]
            )
        return self._blocks("actions", blocks)

    def _log(self, events: Sequence[ActionEvent]) -> list[Flowable]:
        styles, language = self.styles, self.language
        if not events:
            return [Spacer(0, 1 * mm), para(action_word("no_log", language), styles.note)]
        rows = [
            [
                format_short_datetime(event.at, self.language),
                event.actor_name,
                event.kind.label.pick(language),
                event_text(event, language),
            ]
            for event in sorted(events, key=lambda e: e.seq)
        ]
        header = [
            self.t("when"),
            self.t("who"),
            action_word("kind", language),
            action_word("entry", language),
        ]
        widths = [27 * mm, 32 * mm, 30 * mm, CONTENT_WIDTH - 89 * mm]
        return [Spacer(0, 2 * mm), grid_table(header, rows, styles, widths)]

    def _responses(self) -> list[Flowable]:
        file, styles, language = self.file, self.styles, self.language
        story = self._heading("responses")
        found = [(action, event) for action in file.actions for event in action.responses]
        if not found:
            story.append(para(self.t("no_responses"), styles.note))
            return story
        found.sort(
            key=lambda item: (item[1].response_date or item[1].at.date(), instant(item[1].at))
        )
        rows: list[list[str | Flowable]] = []
        for action, event in found:
            attachment: str | Flowable = "–"
            if event.attachment is not None:
                attachment = para(
                    f"{event.attachment.filename}\nSHA-256 {event.attachment.sha256[:12]}…",
                    styles.cell,
                )
            rows.append(
                [
                    format_date(event.response_date, language) if event.response_date else "–",
                    f"{format_short_datetime(event.at, self.language)}\n{event.actor_name}",
                    title_text(action, language),
                    event.text or "–",
                    attachment,
                ]
            )
        header = [
            self.t("response_date"),
            self.t("recorded"),
            self.t("action"),
            self.t("summary"),
            self.t("file"),
        ]
        widths = [24 * mm, 28 * mm, 30 * mm, CONTENT_WIDTH - 130 * mm, 48 * mm]
        story.append(grid_table(header, rows, styles, widths))
        return story


def _severity_rank(value: str) -> int:
    try:
        return Severity(value).rank
    except ValueError:
        return -1


def _severity_text(value: str, language: Language) -> str:
    """The reports' word for a severity; a value no form knows is shown as it is."""
    try:
        return local(SEVERITY_LABELS[Severity(value)], language)
    except ValueError:
        return value
