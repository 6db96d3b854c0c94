"""Report 2: a door-test round, the test group's and the control group's visits side by side.

The outcome is `fieldapp.core.doortest`'s, worded as an indication, with its explanation;
the report shows what it rests on: the round's design (when the source knows the round), the
gap between the arrivals, the result at the door, the conditions set, the reason given and
the house rules posted, and every visit that does not count for the round with the reason.
Testers appear by pseudonym only and no signature is printed, because these reports may be
made public.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table

from fieldapp.core.doortest import (
    WINDOW_PARAMETER,
    DoorTestVisit,
    PairedDoorTest,
    PairOutcome,
    PairResult,
)
from fieldapp.core.engine import Field
from fieldapp.core.entities import DOOR_TEST_GROUND_LABELS, VisitOrder
from fieldapp.core.forms import QuestionType, Severity
from fieldapp.reports.answered import shown
from fieldapp.reports.document import (
    CONTENT_WIDTH,
    HEADER_FILL,
    RULE,
    DocumentInfo,
    ReportStyles,
    render_pdf,
)
from fieldapp.reports.flowables import (
    CALM,
    SEVERITY_COLOURS,
    Figure,
    grid_table,
    key_value_table,
    para,
    photo_grid,
    table_style,
)
from fieldapp.reports.fonts import ReportFonts, report_fonts
from fieldapp.reports.i18n import SEVERITY_LABELS, STATUS_LABELS, Language, local, phrase
from fieldapp.reports.inspection_report import is_approved
from fieldapp.reports.model import ReportDoorTest, ReportInspection
from fieldapp.reports.parts import letterhead, place_text, review_history
from fieldapp.reports.text import format_answer, format_date, format_datetime, format_number

#: The questions that decide the pair, shown first and together.
DECIDING = (
    "arrival_time",
    "entry_result",
    "admitted_after_delay",
    "id_requested",
    "extra_conditions",
    "conditions_other",
    "reason_given",
    "reason_other",
    "reason_words",
    "house_rules_posted",
    "house_rules_topics",
    "reason_matches_posted_rules",
    "house_rule_kind",
    "others_admitted_meanwhile",
    "dress_as_designed",
    "group_as_designed",
    "door_staff_changed",
)
#: Never printed on a door-test report: who the tester is lives outside the app.
WITHHELD_KINDS = frozenset({QuestionType.SIGNATURE})

RESULT_COLOURS = {
    PairResult.UNEQUAL_TREATMENT: SEVERITY_COLOURS[Severity.SERIOUS],
    PairResult.REVERSE_UNEQUAL_TREATMENT: SEVERITY_COLOURS[Severity.VIOLATION],
    PairResult.INCONCLUSIVE: SEVERITY_COLOURS[Severity.INFO],
    PairResult.NO_FINDING: CALM,
}

#: This report's own words (the shared phrases in `fieldapp.reports.i18n` are not changed
#: here; phase 2 of issue 10 moves these there and drops the outdated ones).
TEXTS: dict[str, dict[str, str]] = {
    "door_test_privacy": {
        "nl": "Testers staan in dit rapport alleen onder hun pseudoniem. De sleutel tussen "
        "pseudoniem en persoon wordt buiten de app bewaard. Discriminatie meegemaakt of gezien "
        "buiten deze test? Meld het bij Den Haag Meldt via denhaagmeldt.nl of (070) 752 82 00. "
        "Aangifte doen bij de politie kan ook (0900-8844).",
        "en": "Testers appear in this report under their pseudonym only. The key between "
        "pseudonym and person is kept outside the app. Experienced or witnessed "
        "discrimination outside this test? Report it to Den Haag Meldt at denhaagmeldt.nl or "
        "+31 70 752 82 00. You can also file a police report (aangifte; 0900-8844).",
    },
    "round": {"nl": "Ronde", "en": "Round"},
    "ground": {"nl": "Getoetste discriminatiegrond", "en": "Ground tested"},
    "planned_order": {"nl": "Volgorde volgens het ontwerp", "en": "Order in the design"},
    "actual_order": {"nl": "Volgorde bij aankomst", "en": "Order on arrival"},
    "order_test_first": {"nl": "testgroep eerst", "en": "test group first"},
    "order_control_first": {"nl": "controlegroep eerst", "en": "control group first"},
    "time_window": {"nl": "Tijdvak", "en": "Time window"},
    "refused_visits": {
        "nl": "Bezoeken die niet voor deze ronde meetellen",
        "en": "Visits not counted for this round",
    },
    "refused_visits_note": {
        "nl": "De app kiest nooit zelf tussen twee bezoeken: deze verslagen tellen niet mee "
        "tot de coördinator het verkeerde intrekt.",
        "en": "The app never chooses between two visits itself: these reports do not count "
        "until the coordinator withdraws the wrong one.",
    },
    "indication_note": {
        "nl": "Een aanwijzing is geen oordeel: de leidinggevende beslist over een gesprek, "
        "waarschuwing of vervolg.",
        "en": "An indication is not a verdict: the supervisor decides on a talk, a warning or "
        "further steps.",
    },
}


def text(key: str, language: Language) -> str:
    """One of this report's own words."""
    return TEXTS[key][language]


def pair_outcome(pair: ReportDoorTest) -> PairOutcome | None:
    """The assessment of the pair, or None while one of the visits is missing."""
    if pair.test is None or pair.control is None:
        return None
    window = pair.test.engine.definition.parameters.get(WINDOW_PARAMETER, 30)
    if isinstance(window, bool) or not isinstance(window, int | float):
        window = 30
    paired = PairedDoorTest(
        DoorTestVisit.from_answers(pair.test.session.form_values()),
        DoorTestVisit.from_answers(pair.control.session.form_values()),
        float(window),
        pair.planned,
    )
    return paired.assess()


def door_test_report(
    pair: ReportDoorTest, *, language: Language = "nl", fonts: ReportFonts | None = None
) -> bytes:
    """The PDF report of one paired door test."""
    fonts = fonts or report_fonts()
    styles = ReportStyles(fonts, language)
    visits = [visit for visit in (pair.test, pair.control) if visit is not None]
    if not visits:
        refused = "; ".join(local(r.reason, language) for r in pair.refused)
        raise ValueError(
            f"door test {pair.test_id} has no visit to report on"
            + (f": {refused}" if refused else "")
        )
    first = visits[0]
    venue = pair.venue or first.venue
    title = f"{local(first.engine.definition.title, language)} {pair.test_id}"
    arrival = _arrival(first)
    when = format_date(arrival.date(), language) if arrival is not None else ""
    heading = " – ".join(part for part in (title, venue.name if venue else "", when) if part)
    as_of = max(visit.as_of() for visit in visits)
    footer = tuple(
        f"{phrase('test_group' if visit is pair.test else 'control_group', language)} · "
        f"{phrase('content_hash', language)}: {visit.version.content_hash}"
        for visit in visits
    )
    info = DocumentInfo(
        title=heading,
        author=phrase("municipality", language),
        subject=f"{phrase('door_test_report', language)}; {text('round', language)} {pair.test_id}",
        language=language,
        created_at=as_of,
        identifier="\n".join(
            ["door-test", language, pair.test_id, *(v.version.content_hash for v in visits)]
        ),
        keywords=("door_test", pair.test_id),
        running_header=f"{phrase('municipality', language)} · {heading}",
        footer_lines=footer,
        # A concept until both visits of the pair are there and approved.
        draft_mark=""
        if len(visits) == 2 and not pair.refused and all(is_approved(v) for v in visits)
        else phrase("draft_mark", language),
    )
    story = _story(pair, styles, language, heading, when)
    return render_pdf(story, info, fonts)


def _arrival(visit: ReportInspection) -> datetime | None:
    value = visit.session.value("arrival_time")
    return value if isinstance(value, datetime) else None


def _story(
    pair: ReportDoorTest, styles: ReportStyles, language: Language, heading: str, when: str
) -> list[Flowable]:
    visits = [visit for visit in (pair.test, pair.control) if visit is not None]
    first = visits[0]
    venue = pair.venue or first.venue
    title = f"{local(first.engine.definition.title, language)} {pair.test_id}"
    subtitle = " · ".join(part for part in (venue.name if venue else "", when) if part)
    story: list[Flowable] = letterhead(
        phrase("door_test_report", language), title, subtitle, styles, language
    )
    place_label, place = place_text(venue, first.area, language)
    rows: list[tuple[str, str | Flowable]] = [
        (place_label, place),
        (text("round", language), pair.test_id),
    ]
    rows.extend(_round_rows(pair, language))
    for role, visit in (("test_group", pair.test), ("control_group", pair.control)):
        if visit is None:
            rows.append((phrase(role, language), phrase("visit_missing", language)))
        else:
            status = local(STATUS_LABELS[visit.status], language)
            rows.append((phrase(role, language), f"{visit.author.name} · {status}"))
    rows.append(
        (phrase("as_of", language), format_datetime(max(v.as_of() for v in visits), language))
    )
    story.append(key_value_table(rows, styles, label_width=0.28))
    story.append(Spacer(0, 5 * mm))
    story.append(_outcome_box(pair, styles, language))
    story.append(Spacer(0, 1.5 * mm))
    story.append(para(text("indication_note", language), styles.note))
    if pair.refused:
        story.append(para(text("refused_visits", language), styles.h1))
        story.append(para(text("refused_visits_note", language), styles.note))
        story.append(
            grid_table(
                [phrase("inspection_id", language), phrase("details", language)],
                [[r.visit_id, local(r.reason, language)] for r in pair.refused],
                styles,
                [80 * mm, CONTENT_WIDTH - 80 * mm],
            )
        )
    story.append(para(phrase("reasons_and_rules", language), styles.h1))
    story.append(_comparison(pair, DECIDING, styles, language, include=True))
    story.append(para(phrase("visits_side_by_side", language), styles.h1))
    story.append(_comparison(pair, DECIDING, styles, language, include=False))
    story.append(para(phrase("visit_flags", language), styles.h1))
    story.append(_flags(pair, styles, language))
    figures = _house_rule_figures(pair, language)
    if figures:
        story.append(para(phrase("photos", language), styles.h1))
        story.extend(photo_grid(figures, AttachmentLookup(pair), styles, language))
    for visit in visits:
        if visit.reviews:
            role = phrase("test_group" if visit is pair.test else "control_group", language)
            history = review_history(visit, styles, language)
            history[1] = para(f"{phrase('review_history', language)} – {role}", styles.h1)
            story.extend(history)
    story.append(Spacer(0, 6 * mm))
    story.append(para(text("door_test_privacy", language), styles.note))
    return story


def _round_rows(pair: ReportDoorTest, language: Language) -> list[tuple[str, str | Flowable]]:
    """The round's design, when the source knows the round; the actual order always."""
    rows: list[tuple[str, str | Flowable]] = []
    planned = pair.planned
    if planned is not None:
        rows.append((text("ground", language), DOOR_TEST_GROUND_LABELS[planned.ground][language]))
        rows.append((text("planned_order", language), text(f"order_{planned.order}", language)))
        window = f"{planned.window_start:%H:%M}–{planned.window_end:%H:%M}"
        rows.append(
            (text("time_window", language), f"{format_date(planned.date, language)}, {window}")
        )
    outcome = pair_outcome(pair)
    if outcome is not None and outcome.order is not None:
        actual = text(f"order_{VisitOrder(outcome.order)}", language)
        rows.append((text("actual_order", language), actual))
    return rows


def _outcome_box(pair: ReportDoorTest, styles: ReportStyles, language: Language) -> Flowable:
    outcome = pair_outcome(pair)
    if outcome is None:
        result_text = phrase("pair_result_awaiting", language)
        explanation = phrase("pair_missing_half", language)
        colour = RESULT_COLOURS[PairResult.INCONCLUSIVE]
        gap_text = phrase("gap_unknown", language)
    else:
        result_text = local(outcome.result.label, language)
        explanation = local(outcome.explanation, language)
        colour = RESULT_COLOURS[outcome.result]
        gap_text = (
            f"{format_number(round(outcome.gap_minutes), language)} {phrase('minutes', language)}"
            if outcome.gap_minutes is not None
            else phrase("gap_unknown", language)
        )
    window: object = None
    if pair.planned is not None:
        window = pair.planned.max_gap_minutes
    elif pair.test is not None:
        window = pair.test.engine.definition.parameters.get(WINDOW_PARAMETER)
    if window is not None:
        gap_text += f" ({phrase('window', language, window=window)})"
    data: list[list[Any]] = [
        [para(phrase("pair_outcome", language), styles.cell_bold), ""],
        [para(result_text, styles.badge), para(explanation, styles.cell)],
        [para(phrase("timing_gap", language), styles.label), para(gap_text, styles.cell)],
    ]
    table = Table(data, colWidths=[40 * mm, CONTENT_WIDTH - 40 * mm], hAlign="LEFT")
    table.setStyle(
        table_style(
            styles,
            [
                ("SPAN", (0, 0), (-1, 0)),
                ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
                ("BACKGROUND", (0, 1), (0, 1), colour),
                ("BOX", (0, 0), (-1, -1), 0.8, RULE),
                ("LINEBELOW", (0, 1), (-1, 1), 0.25, RULE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 5),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ],
        )
    )
    return table


def _fields(pair: ReportDoorTest) -> list[Field]:
    visit = pair.test or pair.control
    assert visit is not None
    return [
        f
        for f in visit.engine.fields.values()
        if f.repeat is None
        and f.holds_answer
        and f.kind not in WITHHELD_KINDS
        and f.kind is not QuestionType.IMAGE
        and f.question.label is not None
    ]


def _comparison(
    pair: ReportDoorTest,
    names: Sequence[str],
    styles: ReportStyles,
    language: Language,
    *,
    include: bool,
) -> Flowable:
    """Question | test group | control group, for the deciding questions or all the others."""
    rows: list[list[str]] = []
    for f in _fields(pair):
        if (f.name in names) != include:
            continue
        cells = [local(f.question.label, language, f.name)]
        for visit in (pair.test, pair.control):
            if visit is None or not shown(f, visit.session, None):
                cells.append("–" if visit is not None else "")
            else:
                cells.append(format_answer(f, visit.session.value(f.name), language, visit.venues))
        if any(cell not in ("", "–") for cell in cells[1:]):
            rows.append(cells)
    if include:
        order = {name: index for index, name in enumerate(names)}
        by_label = {local(f.question.label, language, f.name): f.name for f in _fields(pair)}
        rows.sort(key=lambda row: order.get(by_label.get(row[0], ""), len(order)))
    header = [
        phrase("question", language),
        phrase("test_group", language),
        phrase("control_group", language),
    ]
    third = (CONTENT_WIDTH - 62 * mm) / 2
    return grid_table(header, rows, styles, [62 * mm, third, third])


def _flags(pair: ReportDoorTest, styles: ReportStyles, language: Language) -> Flowable:
    cells: list[str] = []
    for visit in (pair.test, pair.control):
        if visit is None:
            cells.append(phrase("visit_missing", language))
            continue
        lines = [
            f"{local(SEVERITY_LABELS[Severity(o.severity)], language)}: {local(o.label, language)}"
            for o in visit.outcomes()
        ]
        cells.append("\n".join(lines) or phrase("none", language))
    header = [phrase("test_group", language), phrase("control_group", language)]
    return grid_table(header, [cells], styles, [CONTENT_WIDTH / 2, CONTENT_WIDTH / 2])


def _house_rule_figures(pair: ReportDoorTest, language: Language) -> list[Figure]:
    figures: list[Figure] = []
    for role, visit in (("test_group", pair.test), ("control_group", pair.control)):
        if visit is None:
            continue
        for f in visit.engine.fields.values():
            if f.kind is QuestionType.IMAGE and f.repeat is None and shown(f, visit.session, None):
                value = visit.session.value(f.name)
                if isinstance(value, tuple):
                    label = local(f.question.label, language, f.name)
                    entries = visit.photo_entries(f.name)
                    figures.extend(
                        Figure(sha, f"{phrase(role, language)} – {label}", entries.get(sha))
                        for sha in value
                    )
    return figures


class AttachmentLookup:
    """Photos of either visit: the two may come from different stores or devices."""

    def __init__(self, pair: ReportDoorTest) -> None:
        self.sources = [
            visit.attachments for visit in (pair.test, pair.control) if visit is not None
        ]

    def __call__(self, sha256: str) -> bytes:
        for source in self.sources:
            try:
                return source(sha256)
            except (KeyError, OSError):
                continue
        raise KeyError(sha256)
