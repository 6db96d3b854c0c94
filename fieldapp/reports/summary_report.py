"""Report 4: the period summary for supervisors, tables with charts beside them.

The numbers come from `fieldapp.reports.summary`, counted in one pass; this module only lays
them out, so the cost of the PDF does not grow with the number of inspections, only with
the number of venues, areas and categories shown.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import datetime, time

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Spacer

from fieldapp.core.doortest import PairResult
from fieldapp.core.entities import Area, Venue
from fieldapp.core.forms import Severity
from fieldapp.core.hitrate import (
    MEANING,
    TIME_OF_DAY_LABELS,
    TOO_FEW,
    HitRate,
    TimeOfDay,
    hit_rates,
    overall_rate,
)
from fieldapp.core.inspection import InspectionStatus
from fieldapp.reports.charts import bar_chart
from fieldapp.reports.document import CONTENT_WIDTH, DocumentInfo, ReportStyles, render_pdf
from fieldapp.reports.door_test_report import RESULT_COLOURS
from fieldapp.reports.flowables import SEVERITY_COLOURS, grid_table, key_value_table, para
from fieldapp.reports.fonts import ReportFonts, report_fonts
from fieldapp.reports.i18n import SEVERITY_LABELS, STATUS_SHORT, Language, local, phrase
from fieldapp.reports.model import ReportScope
from fieldapp.reports.parts import letterhead
from fieldapp.reports.summary import AWAITING, NOT_PAIRABLE, PeriodSummary, VenueFindings
from fieldapp.reports.text import format_date, format_percent

#: Rows shown per table or chart before the rest is folded into "other".
TOP = 20
#: Rounds awaiting their second visit in the chart: open, not an outcome (a light grey).
AWAITING_COLOUR = colors.HexColor("#b8c4ce")
DOOR_RESULTS = (
    PairResult.UNEQUAL_TREATMENT.value,
    PairResult.REVERSE_UNEQUAL_TREATMENT.value,
    PairResult.INCONCLUSIVE.value,
    PairResult.NO_FINDING.value,
    AWAITING,
    NOT_PAIRABLE,
)


def summary_report(
    summary: PeriodSummary,
    *,
    venues: Mapping[str, Venue],
    areas: Mapping[str, Area],
    language: Language = "nl",
    fonts: ReportFonts | None = None,
    scope: ReportScope | None = None,
) -> bytes:
    """The PDF period summary of an aggregated `PeriodSummary`.

    `scope` says whose inspections were counted; without it the areas line says only which
    areas were asked for.
    """
    fonts = fonts or report_fonts()
    styles = ReportStyles(fonts, language)
    span = _span(summary, language)
    title = f"{phrase('summary_report', language)} {span}"

    def names(ids: Iterable[str]) -> str:
        return ", ".join(areas[a].name if a in areas else a for a in ids)

    if summary.areas:
        area_names = names(summary.areas)
    elif scope is not None and scope.areas:
        area_names = phrase("team_areas", language, areas=names(scope.areas))
    else:
        area_names = phrase("all_areas", language)
    info = DocumentInfo(
        title=title,
        author=phrase("municipality", language),
        subject=f"{phrase('summary_report', language)}; {span}; {area_names}",
        language=language,
        created_at=_created_at(summary),
        identifier=f"summary\n{language}\n{span}\n{area_names}\n{summary.total}",
        keywords=("summary", summary.period.start.isoformat(), summary.period.end.isoformat()),
        running_header=f"{phrase('municipality', language)} · {title}",
        footer_lines=(f"{phrase('period', language)} {span} · {area_names}",),
    )
    subtitle = f"{span} · {area_names}"
    story = letterhead(
        phrase("summary_report", language),
        phrase("summary_report", language),
        subtitle,
        styles,
        language,
    )
    story.append(
        key_value_table(
            [
                (phrase("period", language), span),
                *(
                    [(phrase("source", language), _scope_text(scope, language))]
                    if scope is not None
                    else []
                ),
                (phrase("areas_filter", language), area_names),
                (phrase("inspections", language), str(summary.total)),
            ],
            styles,
            label_width=0.28,
        )
    )
    story.append(Spacer(0, 2 * mm))
    story.append(para(phrase("summary_scope", language), styles.note))
    view = _View(summary, styles, fonts, language, venues, areas)
    story.extend(view.counts())
    story.extend(view.coffeeshops())
    story.extend(view.door_tests())
    story.extend(view.patrol_observations())
    story.extend(view.person_checks())
    return render_pdf(story, info, fonts)


#: This report's own words (phase 2 of issue 10 moves them to `fieldapp.reports.i18n`).
TEXTS: dict[str, dict[str, str]] = {
    "per_team": {"nl": "Trefkans per team", "en": "Hit rate per team"},
    "team": {"nl": "Team", "en": "Team"},
    "ground": {"nl": "Objectieve grond", "en": "Objective ground"},
    "time_of_day": {"nl": "Dagdeel", "en": "Time of day"},
    "per_area": {"nl": "Trefkans per wijk", "en": "Hit rate per area"},
    "per_time_of_day": {"nl": "Trefkans per dagdeel", "en": "Hit rate per time of day"},
    "proactive_persons": {"nl": "Personen (proactief)", "en": "Persons (proactive)"},
    "hits": {"nl": "Treffers", "en": "Hits"},
    "reactive_persons": {"nl": "Personen (reactief)", "en": "Persons (reactive)"},
    "axis_inspections": {"nl": "Aantal controles", "en": "Number of inspections"},
    "axis_rounds": {"nl": "Aantal rondes", "en": "Number of rounds"},
    "axis_observations": {"nl": "Aantal waarnemingen", "en": "Number of observations"},
    "axis_hit_rate": {
        "nl": "Trefkans (% van proactief gecontroleerde personen)",
        "en": "Hit rate (% of persons checked proactively)",
    },
    "chart_cut": {
        "nl": "De grafiek toont de {shown} grootste; nog {more} niet getoond.",
        "en": "The chart shows the {shown} largest; {more} more not shown.",
    },
    "attention_only_one": {"nl": "1 aandachtspunt", "en": "1 point of attention"},
    "attention_only": {"nl": "{count} aandachtspunten", "en": "{count} points of attention"},
    "more_attention_one": {"nl": "en 1 aandachtspunt", "en": "and 1 point of attention"},
    "more_attention": {
        "nl": "en {count} aandachtspunten",
        "en": "and {count} points of attention",
    },
    "door_unequal_treatment": {"nl": "Aanwijzing", "en": "Indication"},
    "door_reverse_unequal_treatment": {"nl": "Omgekeerd", "en": "Reverse"},
    "door_inconclusive": {"nl": "Niet vast te stellen", "en": "Inconclusive"},
    "door_no_finding": {"nl": "Geen aanwijzing", "en": "No indication"},
    "door_awaiting": {"nl": "Wacht op 2e bezoek", "en": "Awaiting 2nd visit"},
    f"door_{NOT_PAIRABLE}": {"nl": "Niet te koppelen", "en": "Not pairable"},
    "door_test_note": {
        "nl": "Per ronde telt één uitkomst: de vergelijking van het bezoek van de testgroep met "
        "dat van de controlegroep. ‘Aanwijzing’: aanwijzing voor ongelijke behandeling van de "
        "testgroep; ‘Omgekeerd’: van de controlegroep. Een aanwijzing is geen oordeel.",
        "en": "Each round counts once: the test group's visit compared with the control "
        "group's. 'Indication': an indication of unequal treatment of the test group; "
        "'Reverse': of the control group. An indication is not a verdict.",
    },
    "door_test_note_awaiting": {
        "nl": "‘Wacht op 2e bezoek’: rondes met tot nu toe één bezoek.",
        "en": "'Awaiting 2nd visit': rounds with one visit so far.",
    },
    "door_test_note_not_pairable": {
        "nl": "‘Niet te koppelen’ telt bezoeken (geen rondes) die niet bij hun ronde passen: "
        "een andere locatie of avond, of een derde bezoek.",
        "en": "'Not pairable' counts visits (not rounds) that do not fit their round: another "
        "venue or evening, or a third visit.",
    },
}


def _door_result_name(result: str, language: Language) -> str:
    """Short column names; the note under the table says what each one means."""
    return TEXTS[f"door_{result}"][language]


def _scope_text(scope: ReportScope, language: Language) -> str:
    if not scope.central:
        return phrase("scope_profile", language, reader=scope.reader)
    if scope.teams:
        return phrase("scope_central", language, reader=scope.reader, teams=", ".join(scope.teams))
    return phrase("scope_central_any", language, reader=scope.reader)


def _created_at(summary: PeriodSummary) -> datetime:
    """A fixed creation date (the bytes stay deterministic) that is never in the future of
    the data: the latest finalization counted, else the period's start."""
    end = datetime.combine(summary.period.end, time(23, 59))
    if summary.latest is None:
        return datetime.combine(summary.period.start, time(0, 0))
    return min(summary.latest, end)


def _span(summary: PeriodSummary, language: Language) -> str:
    start, end = summary.period.start, summary.period.end
    return f"{format_date(start, language)} – {format_date(end, language)}"


class _View:
    """The sections of the summary, each a heading, a table and where useful a chart."""

    def __init__(
        self,
        summary: PeriodSummary,
        styles: ReportStyles,
        fonts: ReportFonts,
        language: Language,
        venues: Mapping[str, Venue],
        areas: Mapping[str, Area],
    ) -> None:
        self.summary = summary
        self.styles = styles
        self.fonts = fonts
        self.language = language
        self.venues = venues
        self.areas = areas

    def heading(self, key: str) -> list[Flowable]:
        return [CondPageBreak(60 * mm), para(phrase(key, self.language), self.styles.h1)]

    def empty(self) -> Flowable:
        return para(phrase("nothing_in_period", self.language), self.styles.note)

    def area_name(self, area_id: str) -> str:
        if not area_id:
            return phrase("unknown_area", self.language)
        area = self.areas.get(area_id)
        return area.name if area is not None else area_id

    def venue_name(self, venue_id: str) -> str:
        venue = self.venues.get(venue_id)
        return venue.name if venue is not None else venue_id

    def counts(self) -> list[Flowable]:
        language, summary = self.language, self.summary
        story = self.heading("counts_per_form_status")
        if not summary.total:
            return [*story, self.empty()]
        statuses = [
            s for s in InspectionStatus if any(c[s] for c in summary.per_form_status.values())
        ]
        header = [
            phrase("form", language),
            *(local(STATUS_SHORT[s], language) for s in statuses),
            phrase("total", language),
        ]
        rows: list[list[str]] = []
        for form_id, counts in sorted(summary.per_form_status.items()):
            title = local(summary.form_titles.get(form_id), language, form_id)
            rows.append([title, *(str(counts[s]) for s in statuses), str(sum(counts.values()))])
        totals = [sum(c[s] for c in summary.per_form_status.values()) for s in statuses]
        rows.append([phrase("total", language), *map(str, totals), str(summary.total)])
        first = 44 * mm
        other = (CONTENT_WIDTH - first) / (len(statuses) + 1)
        story.append(
            grid_table(
                header,
                rows,
                self.styles,
                [first, *([other] * (len(statuses) + 1))],
                right_aligned=range(1, len(statuses) + 2),
                total_row=True,
            )
        )
        story.append(para(phrase("counts_per_area", language), self.styles.h2))
        forms = sorted(summary.per_form_status)
        ranked = sorted(
            summary.per_area.items(), key=lambda item: (-sum(item[1].values()), item[0])
        )
        shown = ranked[:TOP]
        categories = [self.area_name(area) for area, _ in shown]
        series = [[float(counts[form]) for _, counts in shown] for form in forms]
        names = [local(summary.form_titles.get(f), language, f) for f in forms]
        story.append(
            bar_chart(
                categories,
                series,
                self.fonts,
                value_title=TEXTS["axis_inspections"][self.language],
                language=self.language,
                names=names,
                stacked=True,
            )
        )
        story.extend(self.cut_note(len(shown), len(ranked)))
        return story

    def cut_note(self, shown: int, total: int) -> list[Flowable]:
        """Say so when a chart shows only the largest part of a longer list."""
        if shown >= total:
            return []
        text = TEXTS["chart_cut"][self.language].format(shown=shown, more=total - shown)
        return [para(text, self.styles.note)]

    def coffeeshops(self) -> list[Flowable]:
        language, summary, styles = self.language, self.summary, self.styles
        story = self.heading("coffeeshop_findings")
        if not summary.coffeeshop_venues:
            return [*story, self.empty()]
        rows = [
            [
                local(o.label, language, o.name),
                local(SEVERITY_LABELS[o.severity], language),
                str(o.inspections),
            ]
            for o in summary.coffeeshop_outcomes
        ]
        header = [
            phrase("finding", language),
            phrase("severity", language),
            phrase("inspections", language),
        ]
        story.append(
            grid_table(
                header,
                rows,
                styles,
                [CONTENT_WIDTH - 70 * mm, 40 * mm, 30 * mm],
                right_aligned=(2,),
            )
        )
        if summary.coffeeshop_outcomes:
            story.append(Spacer(0, 3 * mm))
            chart = bar_chart(
                [local(o.label, language, o.name) for o in summary.coffeeshop_outcomes],
                [[float(o.inspections) for o in summary.coffeeshop_outcomes]],
                self.fonts,
                value_title=TEXTS["axis_inspections"][self.language],
                language=self.language,
                bar_colours=[SEVERITY_COLOURS[o.severity] for o in summary.coffeeshop_outcomes],
            )
            story.append(chart)
        story.extend(self.heading("coffeeshop_venues"))
        ranked = sorted(
            summary.coffeeshop_venues.items(),
            key=lambda item: (-item[1].with_violation, -item[1].inspections, item[0]),
        )
        # Every venue, the table runs on over pages: a supervisor decides per venue.
        venue_rows = [
            [
                self.venue_name(venue_id),
                str(found.inspections),
                str(found.with_violation),
                self._venue_findings(found),
            ]
            for venue_id, found in ranked
        ]
        header = [
            phrase("venue", language),
            phrase("inspections", language),
            phrase("inspections_with_violation", language),
            phrase("findings", language),
        ]
        story.append(
            grid_table(
                header,
                venue_rows,
                styles,
                [48 * mm, 22 * mm, 28 * mm, CONTENT_WIDTH - 98 * mm],
                right_aligned=(1, 2),
            )
        )
        offenders = summary.repeat_offenders()
        parts: list[Flowable] = [
            para(phrase("repeat_offenders", language), styles.h2),
            para(phrase("repeat_offenders_note", language), styles.note),
        ]
        if offenders:
            offender_rows = [
                [self.venue_name(v), self._venue_area(v), str(f.inspections), str(f.with_violation)]
                for v, f in offenders
            ]
            header = [
                phrase("venue", language),
                phrase("area", language),
                phrase("inspections", language),
                phrase("inspections_with_violation", language),
            ]
            parts.append(
                grid_table(
                    header,
                    offender_rows,
                    styles,
                    [60 * mm, 45 * mm, 30 * mm, CONTENT_WIDTH - 135 * mm],
                    right_aligned=(2, 3),
                )
            )
        else:
            parts.append(para(phrase("no_repeat_offenders", language), styles.note))
        story.append(KeepTogether(parts))
        return story

    def _venue_findings(self, found: VenueFindings) -> str:
        """Every violation or worse, most severe first; attention points only counted."""
        labels, language = self.summary.outcome_labels, self.language
        ranked = sorted(
            found.outcomes.items(),
            key=lambda item: (-labels[item[0]][1].rank, -item[1], item[0]),
        )
        serious = [
            local(labels[name][0], language, name) + (f" ({count}×)" if count > 1 else "")
            for name, count in ranked
            if labels[name][1].rank >= Severity.VIOLATION.rank
        ]
        attention = sum(1 for name, _ in ranked if labels[name][1].rank < Severity.VIOLATION.rank)
        if attention:
            if not serious:  # "and …" continues a list; alone it is the whole finding
                key = "attention_only_one" if attention == 1 else "attention_only"
                return TEXTS[key][language].format(count=attention)
            key = "more_attention_one" if attention == 1 else "more_attention"
            return "; ".join([*serious, TEXTS[key][language].format(count=attention)])
        return "; ".join(serious) or phrase("none", language)

    def _venue_area(self, venue_id: str) -> str:
        venue = self.venues.get(venue_id)
        return self.area_name(venue.area) if venue is not None else ""

    def door_tests(self) -> list[Flowable]:
        language, summary = self.language, self.summary
        story = self.heading("door_test_outcomes")
        if not summary.door_tests:
            return [*story, self.empty()]
        # The four outcomes of a round always; open rounds and unpairable visits when any.
        results = [
            r
            for r in DOOR_RESULTS
            if r in {p.value for p in PairResult} or any(c[r] for c in summary.door_tests.values())
        ]
        names = [_door_result_name(r, language) for r in results]
        ranked = sorted(
            summary.door_tests.items(),
            key=lambda item: (
                -item[1][PairResult.UNEQUAL_TREATMENT.value],
                -sum(item[1].values()),
                item[0],
            ),
        )
        rows = [
            [self.venue_name(v), *(str(c[r]) for r in results), str(sum(c.values()))]
            for v, c in ranked
        ]
        totals = [sum(c[r] for c in summary.door_tests.values()) for r in results]
        rows.append([phrase("total", language), *map(str, totals), str(sum(totals))])
        first = 40 * mm
        other = (CONTENT_WIDTH - first) / (len(results) + 1)
        header = [phrase("venue", language), *names, phrase("total", language)]
        # The chart shows rounds: their outcomes, and the rounds still awaiting their second
        # visit when there are any (left out, a venue with only such rounds was a bar of 0).
        # Unpairable visits are in the table only: a visit is not a round.
        charted = [result.value for result in PairResult]
        colours = [RESULT_COLOURS[result] for result in PairResult]
        if AWAITING in results:
            charted.append(AWAITING)
            colours.append(AWAITING_COLOUR)
        shown = ranked[:TOP]
        chart = bar_chart(
            [self.venue_name(v) for v, _ in shown],
            [[float(c[r]) for _, c in shown] for r in charted],
            self.fonts,
            value_title=TEXTS["axis_rounds"][self.language],
            language=self.language,
            names=[_door_result_name(r, language) for r in charted],
            colours=colours,
            stacked=True,
        )
        story.append(chart)
        story.extend(self.cut_note(len(shown), len(ranked)))
        story.append(Spacer(0, 3 * mm))
        story.append(
            grid_table(
                header,
                rows,
                self.styles,
                [first, *([other] * (len(results) + 1))],
                right_aligned=range(1, len(results) + 2),
                total_row=True,
            )
        )
        # The note explains the columns the table has, and only those.
        note = [TEXTS["door_test_note"][language]]
        if AWAITING in results:
            note.append(TEXTS["door_test_note_awaiting"][language])
        if NOT_PAIRABLE in results:
            note.append(TEXTS["door_test_note_not_pairable"][language])
        story.append(para(" ".join(note), self.styles.note))
        return story

    def patrol_observations(self) -> list[Flowable]:
        language, summary = self.language, self.summary
        story = self.heading("patrol_observations")
        if not summary.observations:
            return [*story, self.empty()]
        labels = summary.observation_labels
        order = list(labels)
        categories = sorted(
            summary.observations, key=lambda c: order.index(c) if c in order else len(order)
        )
        area_totals: Counter[str] = Counter()
        for counts in summary.observations.values():
            area_totals.update(counts)
        top_areas = [area for area, _ in area_totals.most_common(5)]
        chart = bar_chart(
            [local(labels.get(c), language, c) for c in categories],
            [[float(sum(summary.observations[c].values())) for c in categories]],
            self.fonts,
            value_title=TEXTS["axis_observations"][self.language],
            language=self.language,
        )
        story.append(chart)
        story.append(Spacer(0, 3 * mm))
        header = [
            phrase("category", language),
            *(self.area_name(a) for a in top_areas),
            phrase("other", language),
            phrase("total", language),
        ]
        rows: list[list[str]] = []
        for category in categories:
            counts = summary.observations[category]
            rest = sum(counts.values()) - sum(counts[a] for a in top_areas)
            rows.append(
                [
                    local(labels.get(category), language, category),
                    *(str(counts[a]) for a in top_areas),
                    str(rest),
                    str(sum(counts.values())),
                ]
            )
        totals = [sum(summary.observations[c][a] for c in categories) for a in top_areas]
        grand = sum(area_totals.values())
        rows.append(
            [phrase("total", language), *map(str, totals), str(grand - sum(totals)), str(grand)]
        )
        first = 46 * mm
        other = (CONTENT_WIDTH - first) / (len(top_areas) + 2)
        story.append(
            grid_table(
                header,
                rows,
                self.styles,
                [first, *([other] * (len(top_areas) + 2))],
                right_aligned=range(1, len(top_areas) + 3),
                total_row=True,
                places=range(1, len(top_areas) + 1),
            )
        )
        return story

    def person_checks(self) -> list[Flowable]:
        language, summary = self.language, self.summary
        story = self.heading("patrol_checks")
        checks = summary.person_checks
        if not checks:
            return [*story, self.empty()]
        minimum = summary.hit_rate_minimum
        labels = summary.ground_labels
        order = list(labels)
        by_ground = hit_rates(checks, lambda c: c.ground, minimum)
        grounds = sorted(by_ground, key=lambda g: order.index(g) if g in order else len(order))
        story.append(
            self.rate_table(
                TEXTS["ground"][language],
                [(local(labels.get(g), language, g), by_ground[g]) for g in grounds],
                overall_rate(checks, minimum),
            )
        )
        story.append(para(MEANING[language].format(minimum=minimum), self.styles.note))
        enough = [g for g in grounds if by_ground[g].rate is not None]
        if enough:
            story.append(
                bar_chart(
                    [local(labels.get(g), language, g) for g in enough],
                    [[100.0 * (by_ground[g].rate or 0.0) for g in enough]],
                    self.fonts,
                    value_title=TEXTS["axis_hit_rate"][self.language],
                    language=self.language,
                    percent=True,
                )
            )
        by_team = hit_rates(checks, lambda c: c.team, minimum)
        by_area = hit_rates(checks, lambda c: c.area, minimum)
        by_time = hit_rates(checks, lambda c: str(c.time_of_day or ""), minimum)
        times = [t for t in TimeOfDay if t.value in by_time]
        for title, first, rows in (
            (
                TEXTS["per_team"],
                TEXTS["team"][language],
                [(t or "–", by_team[t]) for t in sorted(by_team)],
            ),
            (
                TEXTS["per_area"],
                phrase("area", language),
                sorted(
                    ((self.area_name(a), rate) for a, rate in by_area.items()),
                    key=lambda item: item[0],
                ),
            ),
            (
                TEXTS["per_time_of_day"],
                TEXTS["time_of_day"][language],
                [(local(TIME_OF_DAY_LABELS[t], language), by_time[t.value]) for t in times],
            ),
        ):
            story.append(
                KeepTogether(
                    [
                        para(title[language], self.styles.h2),
                        self.rate_table(first, rows, None),
                    ]
                )
            )
        return story

    def rate_table(
        self, first: str, rows: list[tuple[str, HitRate]], total: HitRate | None
    ) -> Flowable:
        """One hit-rate table: the sample size beside every rate, "too few" below the minimum."""
        language = self.language
        body = [
            [
                name,
                str(rate.persons),
                str(rate.hits),
                _rate_text(rate, language),
                str(rate.reactive_persons),
            ]
            for name, rate in rows
        ]
        if total is not None:
            body.append(
                [
                    phrase("total", language),
                    str(total.persons),
                    str(total.hits),
                    _rate_text(total, language),
                    str(total.reactive_persons),
                ]
            )
        header = [
            first,
            TEXTS["proactive_persons"][language],
            TEXTS["hits"][language],
            phrase("hit_rate", language),
            TEXTS["reactive_persons"][language],
        ]
        return grid_table(
            header,
            body,
            self.styles,
            [52 * mm, 30 * mm, 22 * mm, 36 * mm, CONTENT_WIDTH - 140 * mm],
            right_aligned=(1, 2, 3, 4),
            total_row=total is not None,
        )


def _rate_text(rate: HitRate, language: Language) -> str:
    if rate.rate is None:
        return TOO_FEW[language]
    return format_percent(rate.hits, rate.persons, language)
