"""Report 3: one neighbourhood patrol shift: what was seen, who was checked and on what ground.

Every person check is listed with its kind (proactive or reactive), objective ground, outcome
and whether it confirmed the ground. The hit rate per ground comes from
`fieldapp.core.hitrate` (proactive checks only, per person, a hit is a confirmed ground, no
percentage below the form's minimum sample); this module only lays it out, with the sample
size beside each rate and the sentence on what the rate measures.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Spacer

from fieldapp.core.engine import FormSession
from fieldapp.core.expr import Value
from fieldapp.core.hitrate import (
    MEANING,
    TIME_OF_DAY_LABELS,
    TOO_FEW,
    HitRate,
    TimeOfDay,
    check_from_answers,
    min_sample,
    overall_rate,
)
from fieldapp.core.hitrate import hit_rates as rates_by
from fieldapp.reports.answered import (
    FigureBlock,
    closing_statement,
    photo_figures,
    shown,
    signer_line,
)
from fieldapp.reports.document import CONTENT_WIDTH, ReportStyles, render_pdf
from fieldapp.reports.flowables import (
    Figure,
    grid_table,
    key_value_table,
    outcome_box,
    para,
    photo_grid,
)
from fieldapp.reports.fonts import ReportFonts, report_fonts
from fieldapp.reports.i18n import Language, local, phrase
from fieldapp.reports.inspection_report import document_info
from fieldapp.reports.model import ReportInspection
from fieldapp.reports.parts import (
    facts_table,
    labelled_text,
    letterhead,
    review_history,
    signatures_kept_with_what_precedes,
)
from fieldapp.reports.text import (
    choice_label,
    format_answer,
    format_number,
    format_percent,
    format_time,
)

PATROL_FORM = "neighbourhood_patrol"
#: The answers of a person check the hit rate reads.
CHECK_ANSWERS = (
    "objective_ground",
    "check_kind",
    "persons_checked",
    "ground_confirmed",
    "persons_confirmed",
    "check_time",
)
#: Where each part of an observation or referral may be, first the general question, then
#: the ones a health, domestic-violence or weapon signal is recorded in.
PLACES = ("observation_place", "health_signal_place", "offence_signal_place")
DESCRIPTIONS = (
    "observation_description",
    "health_signal_description",
    "offence_signal_description",
)
REFERRAL_ADDRESSES = ("referral_address", "referral_health_address", "referral_signal_address")
REFERRAL_DESCRIPTIONS = (
    "referral_description",
    "referral_health_description",
    "referral_signal_description",
)

#: This report's own words (phase 2 of issue 10 moves them to `fieldapp.reports.i18n`).
TEXTS: dict[str, dict[str, str]] = {
    "hit_rate_by_ground": {
        "nl": "Trefkans van proactieve controles per objectieve grond",
        "en": "Hit rate of proactive checks per objective ground",
    },
    "hit_rate_by_time_of_day": {
        "nl": "Trefkans van proactieve controles per dagdeel",
        "en": "Hit rate of proactive checks per time of day",
    },
    "time_of_day": {"nl": "Dagdeel", "en": "Time of day"},
    "proactive_persons": {"nl": "Personen (proactief)", "en": "Persons (proactive)"},
    "hits": {"nl": "Treffers", "en": "Hits"},
    "reactive_persons": {"nl": "Personen (reactief)", "en": "Persons (reactive)"},
    "kind": {"nl": "Soort", "en": "Kind"},
    "confirmed": {"nl": "Grond bevestigd", "en": "Ground confirmed"},
}


def text(key: str, language: Language) -> str:
    return TEXTS[key][language]


def hit_rates(session: FormSession) -> list[HitRate]:
    """Hit rate per objective ground of one shift, in the order of the form's choices."""
    minimum = min_sample(session.engine.definition.parameters)
    checks = [
        check
        for row in session.rows.get("person_checks", [])
        if (check := check_from_answers(_row_answers(session, row))) is not None
    ]
    found = rates_by(checks, lambda c: c.ground, minimum)
    field_ = session.engine.fields["objective_ground"]
    order = [choice.name for choice in field_.choices or ()]
    grounds = sorted(found, key=lambda g: order.index(g) if g in order else len(order))
    return [found[g] for g in grounds]


def _rates_by_time_of_day(
    session: FormSession, minimum: int, styles: ReportStyles, language: Language
) -> list[Flowable]:
    """The shift's hit rate per part of the day (one shift has one team and one area: the
    period summary compares those)."""
    checks = [
        check
        for row in session.rows.get("person_checks", [])
        if (check := check_from_answers(_row_answers(session, row))) is not None
    ]
    found = rates_by(checks, lambda c: str(c.time_of_day or ""), minimum)
    parts = [part for part in TimeOfDay if part.value in found]
    if not parts:
        return []
    rows = [
        [
            local(TIME_OF_DAY_LABELS[part], language),
            str(found[part.value].persons),
            str(found[part.value].hits),
            rate_text(found[part.value], language),
            str(found[part.value].reactive_persons),
        ]
        for part in parts
    ]
    header = [
        text("time_of_day", language),
        text("proactive_persons", language),
        text("hits", language),
        phrase("hit_rate", language),
        text("reactive_persons", language),
    ]
    return [
        KeepTogether(
            [
                para(text("hit_rate_by_time_of_day", language), styles.h2),
                grid_table(
                    header,
                    rows,
                    styles,
                    [50 * mm, 30 * mm, 22 * mm, 36 * mm, CONTENT_WIDTH - 138 * mm],
                    right_aligned=(1, 2, 3, 4),
                ),
            ]
        )
    ]


def rate_text(rate: HitRate, language: Language) -> str:
    """The percentage, or "too few checks" below the minimum sample."""
    if rate.rate is None:
        return TOO_FEW[language]
    return format_percent(rate.hits, rate.persons, language)


def _row_answers(session: FormSession, row: str) -> dict[str, Value]:
    return {
        name: session.value(name, row)
        for name in CHECK_ANSWERS
        if name in session.engine.fields and session.is_relevant(name, row)
    }


def patrol_report(
    inspection: ReportInspection, *, language: Language = "nl", fonts: ReportFonts | None = None
) -> bytes:
    """The PDF report of one patrol shift."""
    if inspection.version.form_id != PATROL_FORM:
        raise ValueError(f"a patrol report needs a {PATROL_FORM}, not {inspection.version.form_id}")
    fonts = fonts or report_fonts()
    styles = ReportStyles(fonts, language)
    info = document_info(inspection, language, phrase("patrol_report", language))
    return render_pdf(_story(inspection, styles, language), info, fonts)


def _text(inspection: ReportInspection, name: str, row: str | None, language: Language) -> str:
    session = inspection.session
    field_ = inspection.engine.fields[name]
    if not shown(field_, session, row):
        return ""
    return format_answer(field_, session.value(name, row), language, inspection.venues)


def _story(
    inspection: ReportInspection, styles: ReportStyles, language: Language
) -> list[Flowable]:
    session = inspection.session
    definition = inspection.engine.definition
    title = local(definition.title, language)
    area_name = (
        inspection.area.name if inspection.area else _text(inspection, "area", None, language)
    )
    subtitle = f"{area_name} · {phrase('version', language)} {definition.version}"
    story = letterhead(phrase("patrol_report", language), title, subtitle, styles, language)
    story.append(facts_table(inspection, styles, language))
    story.append(Spacer(0, 5 * mm))
    story.append(outcome_box(inspection.outcomes(), styles, language))
    story.append(para(phrase("shift_summary", language), styles.h1))
    story.append(key_value_table(_shift_rows(inspection, language), styles))
    notes = _text(inspection, "shift_summary", None, language)
    if notes:
        story.append(Spacer(0, 2 * mm))
        story.extend(labelled_text(_label(inspection, "shift_summary", language), styles))
        story.append(para(notes, styles.body))
    story.extend(_observations(inspection, styles, language))
    story.extend(_referrals(inspection, styles, language))
    story.extend(_checks(inspection, styles, language))
    signature = session.value("officer_signature")
    if isinstance(signature, str) and signature and session.is_relevant("officer_signature"):
        figure = Figure(signature, _label(inspection, "officer_signature", language))
        block = FigureBlock(
            [figure],
            signature=True,
            signer=signer_line(inspection, "officer_signature", language),
            statement=closing_statement(inspection, "officer_signature", language),
        )
        story.append(
            signatures_kept_with_what_precedes(
                story, block, inspection.attachments, styles, language
            )
        )
    story.extend(review_history(inspection, styles, language))
    return story


def _label(inspection: ReportInspection, name: str, language: Language) -> str:
    return local(inspection.engine.fields[name].question.label, language, name)


def _shift_rows(inspection: ReportInspection, language: Language) -> list[tuple[str, str]]:
    session = inspection.session
    rows: list[tuple[str, str]] = []
    for name in (
        "team",
        "officer_numbers",
        "district",
        "area",
        "area_fireworks_free_zone",
        "shift_start",
        "shift_end",
        "minutes_on_foot",
        "patrol_modes",
        "neighbourhood_watch_contact",
        "resident_contacts",
    ):
        text = _text(inspection, name, None, language)
        if not text:
            continue
        if name == "minutes_on_foot":
            start, end = session.value("shift_start"), session.value("shift_end")
            minutes = session.value(name)
            if (
                isinstance(start, datetime)
                and isinstance(end, datetime)
                and isinstance(minutes, int)
            ):
                length = int((end - start).total_seconds() // 60)
                share = format_percent(minutes, length, language)
                text = (
                    f"{minutes} {phrase('minutes', language)} "
                    f"({share} {phrase('of_shift', language)})"
                )
        rows.append((_label(inspection, name, language), text))
    checks = session.rows.get("person_checks", [])
    persons = sum(
        value for row in checks if isinstance(value := session.value("persons_checked", row), int)
    )
    rows.append((phrase("observations", language), str(len(session.rows.get("observations", [])))))
    rows.append(
        (
            phrase("person_checks", language),
            f"{len(checks)} ({persons} {phrase('persons', language).lower()})",
        )
    )
    rows.append((phrase("referrals", language), str(len(session.rows.get("referrals", [])))))
    if checks:
        rate = _text(inspection, "hit_rate_percent", None, language) or TOO_FEW[language]
        rows.append((_label(inspection, "hit_rate_percent", language), rate))
    return rows


def _observations(
    inspection: ReportInspection, styles: ReportStyles, language: Language
) -> list[Flowable]:
    session = inspection.session
    rows = session.rows.get("observations", [])
    story: list[Flowable] = [
        CondPageBreak(40 * mm),
        para(phrase("observations", language), styles.h1),
    ]
    if not rows:
        story.append(para(phrase("no_observations", language), styles.note))
        return story
    category_field = inspection.engine.fields["category"]
    counts: Counter[str] = Counter()
    involved: Counter[str] = Counter()
    for row in rows:
        category = session.value("category", row)
        if isinstance(category, str) and category:
            counts[category] += 1
            amount = session.value("observation_count", row)
            involved[category] += amount if isinstance(amount, int) else 0
    order = [choice.name for choice in category_field.choices or ()]
    summary = [
        [
            choice_label(category_field, name, language),
            str(counts[name]),
            format_number(involved[name], language),
        ]
        for name in sorted(counts, key=lambda n: order.index(n) if n in order else len(order))
    ]
    summary.append(
        [
            phrase("total", language),
            str(sum(counts.values())),
            format_number(sum(involved.values()), language),
        ]
    )
    story.append(para(phrase("observations_by_category", language), styles.h2))
    story.append(
        grid_table(
            [
                phrase("category", language),
                phrase("count", language),
                _label(inspection, "observation_count", language),
            ],
            summary,
            styles,
            [70 * mm, 25 * mm, CONTENT_WIDTH - 95 * mm],
            right_aligned=(1, 2),
            total_row=True,
        )
    )
    story.append(para(phrase("observations_in_time", language), styles.h2))
    ordered = sorted(
        enumerate(rows, start=1),
        key=lambda item: _moment(session.value("observation_time", item[1])),
    )
    details = (
        "youth_group_behaviour",
        "fireworks_free_zone",
        "fireworks_outside_hours",
        "fireworks_kind",
        "weapon_kind",
        "weapon_handed_to_police",
        "weapon_no_handoff_reason",
        "intimidation_kind",
        "coffeeshop_venue",
        "domestic_violence_signs_at_address",
        "animal_signs_at_address",
    )
    table_rows: list[Sequence[str]] = []
    figures: list[Figure] = []
    for number, row in ordered:
        moment = session.value("observation_time", row)
        category = _text(inspection, "category", row, language)
        extra = [
            f"{_label(inspection, name, language).rstrip('?')}: {text}"
            for name in details
            if (text := _text(inspection, name, row, language))
        ]
        place = _first_text(inspection, PLACES, row, language)
        location = _text(inspection, "observation_location", row, language)
        table_rows.append(
            [
                str(number),
                format_time(moment.time()) if isinstance(moment, datetime) else "",
                "\n".join([category, *extra]),
                "\n".join(part for part in (place, location) if part),
                _text(inspection, "observation_count", row, language),
                _text(inspection, "observation_action", row, language),
                _first_text(inspection, DESCRIPTIONS, row, language),
            ]
        )
        photos = session.value("observation_photo", row)
        if isinstance(photos, tuple) and photos and session.is_relevant("observation_photo", row):
            prefix = f"{phrase('observation_n', language, n=number)} – "
            figures.extend(
                photo_figures(
                    _label(inspection, "observation_photo", language),
                    photos,
                    language,
                    prefix,
                    inspection.photo_entries("observation_photo"),
                )
            )
    header = [
        "#",
        phrase("time", language),
        phrase("category", language),
        phrase("place", language),
        phrase("count", language),
        _label(inspection, "observation_action", language),
        phrase("description", language),
    ]
    widths = [8 * mm, 13 * mm, 34 * mm, 36 * mm, 13 * mm, 26 * mm, CONTENT_WIDTH - 130 * mm]
    story.append(grid_table(header, table_rows, styles, widths, right_aligned=(4,)))
    if figures:
        story.append(Spacer(0, 3 * mm))
        story.extend(photo_grid(figures, inspection.attachments, styles, language))
    return story


def _first_text(
    inspection: ReportInspection, names: Sequence[str], row: str, language: Language
) -> str:
    """The answer of whichever of `names` the row was asked (a signal has its own question)."""
    for name in names:
        if name in inspection.engine.fields:
            found = _text(inspection, name, row, language)
            if found:
                return found
    return ""


def _moment(value: object) -> datetime:
    return value if isinstance(value, datetime) else datetime.max


def _referrals(
    inspection: ReportInspection, styles: ReportStyles, language: Language
) -> list[Flowable]:
    session = inspection.session
    rows = session.rows.get("referrals", [])
    story: list[Flowable] = [CondPageBreak(30 * mm), para(phrase("referrals", language), styles.h1)]
    if not rows:
        story.append(para(phrase("no_referrals", language), styles.note))
        return story
    table_rows: list[Sequence[str]] = []
    for number, row in enumerate(rows, start=1):
        moment = session.value("referral_time", row)
        reference = _text(inspection, "referral_reference", row, language)
        agency = _text(inspection, "referral_agency", row, language)
        table_rows.append(
            [
                str(number),
                format_time(moment.time()) if isinstance(moment, datetime) else "",
                "\n".join(part for part in (agency, reference) if part),
                _text(inspection, "referral_reason", row, language),
                _text(inspection, "referral_urgency", row, language),
                _text(inspection, "referral_status", row, language),
                "\n".join(
                    part
                    for part in (
                        _first_text(inspection, REFERRAL_ADDRESSES, row, language),
                        _first_text(inspection, REFERRAL_DESCRIPTIONS, row, language),
                    )
                    if part
                ),
            ]
        )
    header = [
        "#",
        phrase("time", language),
        _label(inspection, "referral_agency", language),
        _label(inspection, "referral_reason", language),
        _label(inspection, "referral_urgency", language),
        _label(inspection, "referral_status", language),
        phrase("details", language),
    ]
    widths = [8 * mm, 12 * mm, 36 * mm, 32 * mm, 22 * mm, 24 * mm, CONTENT_WIDTH - 134 * mm]
    story.append(grid_table(header, table_rows, styles, widths))
    return story


def _checks(
    inspection: ReportInspection, styles: ReportStyles, language: Language
) -> list[Flowable]:
    session = inspection.session
    rows = session.rows.get("person_checks", [])
    story: list[Flowable] = [
        CondPageBreak(40 * mm),
        para(phrase("person_checks", language), styles.h1),
    ]
    if not rows:
        story.append(para(phrase("no_person_checks", language), styles.note))
        return story
    ground_field = inspection.engine.fields["objective_ground"]
    rates = hit_rates(session)
    minimum = min_sample(inspection.engine.definition.parameters)
    total = overall_rate(
        (
            check
            for row in rows
            if (check := check_from_answers(_row_answers(session, row))) is not None
        ),
        minimum,
    )
    rate_rows = [
        [
            choice_label(ground_field, rate.key, language),
            str(rate.persons),
            str(rate.hits),
            rate_text(rate, language),
            str(rate.reactive_persons),
        ]
        for rate in [*rates, total]
    ]
    rate_rows[-1][0] = phrase("total", language)
    header = [
        _label(inspection, "objective_ground", language),
        text("proactive_persons", language),
        text("hits", language),
        phrase("hit_rate", language),
        text("reactive_persons", language),
    ]
    story.append(
        KeepTogether(
            [
                para(text("hit_rate_by_ground", language), styles.h2),
                grid_table(
                    header,
                    rate_rows,
                    styles,
                    [50 * mm, 30 * mm, 22 * mm, 36 * mm, CONTENT_WIDTH - 138 * mm],
                    right_aligned=(1, 2, 3, 4),
                    total_row=True,
                ),
                para(MEANING[language].format(minimum=minimum), styles.note),
            ]
        )
    )
    story.extend(_rates_by_time_of_day(session, minimum, styles, language))
    table_rows: list[Sequence[str]] = []
    for number, row in enumerate(rows, start=1):
        moment = session.value("check_time", row)
        basis = _text(inspection, "check_legal_basis", row, language)
        other = _text(inspection, "check_legal_basis_other", row, language)
        outcome = [
            _text(inspection, "check_outcome", row, language),
            _text(inspection, "fine_reference", row, language),
            _text(inspection, "check_referral_to", row, language),
        ]
        ground = _text(inspection, "objective_ground", row, language)
        description = _text(inspection, "objective_ground_description", row, language)
        kind = _text(inspection, "check_kind", row, language).split(":")[0]
        confirmed = _text(inspection, "ground_confirmed", row, language)
        persons_confirmed = _text(inspection, "persons_confirmed", row, language)
        if persons_confirmed:
            confirmed = f"{confirmed} ({persons_confirmed})"
        table_rows.append(
            [
                str(number),
                format_time(moment.time()) if isinstance(moment, datetime) else "",
                "\n".join(part for part in (kind, basis, other) if part),
                f"{ground}: {description}" if description else ground,
                _text(inspection, "persons_checked", row, language),
                "\n".join(
                    part
                    for part in (_text(inspection, "check_explained", row, language), confirmed)
                    if part
                ),
                "\n".join(part for part in outcome if part),
            ]
        )
    header = [
        "#",
        phrase("time", language),
        f"{text('kind', language)} · {_label(inspection, 'check_legal_basis', language)}",
        _label(inspection, "objective_ground", language),
        phrase("persons", language),
        f"{phrase('explained', language)} · {text('confirmed', language)}",
        _label(inspection, "check_outcome", language),
    ]
    widths = [8 * mm, 12 * mm, 38 * mm, CONTENT_WIDTH - 130 * mm, 18 * mm, 24 * mm, 30 * mm]
    story.append(Spacer(0, 2 * mm))
    story.append(grid_table(header, table_rows, styles, widths, right_aligned=(4,)))
    return story
