"""Parts several reports share: the letterhead, the facts of an inspection, the answers by
section, earlier inspections and the review history.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import cast

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Spacer, Table

from fieldapp.core.entities import Area, Venue
from fieldapp.core.inspection import InspectionStatus
from fieldapp.reports.answered import (
    AnswerLine,
    FigureBlock,
    RepeatBlock,
    Section,
    Subheading,
    time_span,
)
from fieldapp.reports.document import ACCENT, CONTENT_WIDTH, ReportStyles, keeps_with_next
from fieldapp.reports.flowables import (
    grid_table,
    key_value_table,
    para,
    photo_grid,
    signature_flowable,
    table_style,
)
from fieldapp.reports.i18n import STATUS_LABELS, Language, local, phrase
from fieldapp.reports.model import (
    TRAIL_STEP_LABELS,
    AttachmentSource,
    ReportInspection,
    TrailStep,
    instant,
)
from fieldapp.reports.text import format_datetime, format_short_datetime

#: A repeat with more answered columns than this is shown as one small table per row.
MAX_GRID_COLUMNS = 5


def letterhead(
    kind: str, title: str, subtitle: str, styles: ReportStyles, language: Language
) -> list[Flowable]:
    """Municipality and report kind, a rule, the title and a subtitle."""
    top = Table(
        [[para(phrase("municipality", language), styles.municipality), para(kind, styles.kind)]],
        colWidths=[CONTENT_WIDTH * 0.6, CONTENT_WIDTH * 0.4],
        hAlign="LEFT",
    )
    top.setStyle(
        table_style(
            styles,
            [
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ("LINEBELOW", (0, 0), (-1, 0), 1.2, ACCENT),
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            ],
        )
    )
    parts: list[Flowable] = [top, Spacer(0, 5 * mm), para(title, styles.title)]
    if subtitle:
        parts.append(para(subtitle, styles.subtitle))
    return parts


def place_text(venue: Venue | None, area: Area | None, language: Language) -> tuple[str, str]:
    """A venue as name and address (with permit), or an area with its district."""
    if venue is not None:
        text = f"{venue.name}\n{venue.address}"
        if venue.permit_number:
            text += f"\n{phrase('permit', language)}: {venue.permit_number}"
        return phrase("venue", language), text
    if area is not None:
        return phrase(
            "area", language
        ), f"{area.name} ({phrase('district', language)} {area.district})"
    return phrase("venue", language), "–"


def span_text(start: datetime, end: datetime | None, language: Language) -> str:
    text = format_datetime(start, language)
    if end is not None:
        same_day = end.date() == start.date()
        text += f" – {end.strftime('%H:%M') if same_day else format_datetime(end, language)}"
    return text


def state_text(inspection: ReportInspection, language: Language) -> str:
    """The state a decision needs to see: approved by whom and when, or a concept."""
    status = local(STATUS_LABELS[inspection.status], language)
    if inspection.status is InspectionStatus.APPROVED:
        approvals = [e for e in inspection.reviews if e.action is TrailStep.APPROVED]
        if approvals:
            last = approvals[-1]
            when = format_datetime(last.at, language)
            return phrase("state_approved", language, who=last.actor, when=when)
        return status
    return phrase("state_concept", language, status=status)


def facts_table(inspection: ReportInspection, styles: ReportStyles, language: Language) -> Flowable:
    """The header facts of an inspection version."""
    version = inspection.version
    place_label, place = place_text(inspection.venue, inspection.area, language)
    start, end = time_span(inspection)
    person = phrase("tester" if inspection.confidential_author else "officer", language)
    rows: list[tuple[str, str | Flowable]] = [
        (place_label, place),
        (phrase("date_time", language), span_text(start, end, language)),
        (person, inspection.author.name),
        (phrase("status", language), state_text(inspection, language)),
        (phrase("as_of", language), format_datetime(inspection.as_of(), language)),
        (phrase("inspection_id", language), para(version.inspection_id, styles.mono)),
        (phrase("version_id", language), para(version.version_id, styles.mono)),
    ]
    if version.base_version_id:
        rows.append((phrase("base_version", language), para(version.base_version_id, styles.mono)))
    return key_value_table(rows, styles, label_width=0.28)


def section_flowables(
    sections: Sequence[Section],
    source: AttachmentSource,
    styles: ReportStyles,
    language: Language,
) -> list[Flowable]:
    story: list[Flowable] = []
    for section in sections:
        story.append(CondPageBreak(30 * mm))
        heading = para(section.label, styles.h1)
        blocks = blocks_flowables(section, source, styles, language)
        story.append(heading)
        story.extend(blocks)
    return story


def blocks_flowables(
    section: Section, source: AttachmentSource, styles: ReportStyles, language: Language
) -> list[Flowable]:
    story: list[Flowable] = []
    pending: list[tuple[str, str]] = []

    def flush() -> None:
        if pending:
            story.append(key_value_table(list(pending), styles))
            pending.clear()

    for block in section.blocks:
        if isinstance(block, AnswerLine) and not block.long:
            pending.append((block.label, block.text))
            continue
        if isinstance(block, FigureBlock) and block.signature and len(pending) > 2:
            # The signatures are kept on one page with the last answers only: the whole
            # section kept together would leave its heading alone, or a page half empty.
            story.append(key_value_table(pending[:-2], styles))
            del pending[:-2]
        flush()
        if isinstance(block, AnswerLine):
            story.append(Spacer(0, 2 * mm))
            story.extend(labelled_text(block.label, styles))
            for paragraph in block.text.split("\n\n"):
                story.append(para(paragraph, styles.body))
        elif isinstance(block, Subheading):
            story.append(para(block.label, styles.h2))
        elif isinstance(block, FigureBlock):
            if block.signature:
                story.append(
                    signatures_kept_with_what_precedes(story, block, source, styles, language)
                )
                continue
            story.append(Spacer(0, 2 * mm))
            story.extend(photo_grid(block.figures, source, styles, language))
        else:
            story.extend(repeat_flowables(block, source, styles, language))
    flush()
    return story


#: Room for a label and the first lines of its text: with less left, both go on the next
#: page ("Samenvatting van de bevindingen" ended a page, its text on the next).
LABEL_ROOM = 16 * mm


def labelled_text(label: str, styles: ReportStyles) -> list[Flowable]:
    """The label over a long answer, on the page where its text begins."""
    return [CondPageBreak(LABEL_ROOM), para(label, styles.label)]


def signatures_kept_with_what_precedes(
    story: list[Flowable],
    block: FigureBlock,
    source: AttachmentSource,
    styles: ReportStyles,
    language: Language,
) -> Flowable:
    """A signature (with the closing statement above the first) kept on one page with the
    flowable before it, taken off `story`: a signature never stands alone on a last page.

    A second signature joins the group the first made, and a signature's own group (the
    image and its caption) is taken apart into this one (`_unnested`)."""
    previous = story[-1] if story else None
    group: list[Flowable]
    if isinstance(previous, KeepTogether):
        story.pop()
        if isinstance(previous, TableEndKeptTogether):
            before, table = previous.before, previous.table
            group = [*before, table, *previous.after]
        else:
            group = list(vars(previous)["_content"])
    else:
        group = [story.pop()] if story else []
        # The section's heading goes along: moving the block to the next page must not
        # leave its heading alone at the foot of this one.
        while story and (isinstance(story[-1], Spacer) or keeps_with_next(story[-1])):
            group.insert(0, story.pop())
    group.append(Spacer(0, 3 * mm))
    if block.statement:
        group.append(para(block.statement, styles.body))
        group.append(Spacer(0, 2 * mm))
    group.extend(
        signature_flowable(figure, source, styles, language, block.signer)
        for figure in block.figures
    )
    group = _unnested(group)
    tables = [n for n, flowable in enumerate(group) if isinstance(flowable, Table)]
    if tables:
        at = tables[0]
        return TableEndKeptTogether(group[:at], cast(Table, group[at]), group[at + 1 :])
    return KeepTogether(group)


def _unnested(flowables: list[Flowable]) -> list[Flowable]:
    """The flowables with each KeepTogether among them replaced by its content (kept
    together by the group they are in). reportlab wraps a KeepTogether as endlessly tall,
    so a group holding one (a signature with its caption) never fitted any page: it always
    moved to a new one, and left the page before it mostly blank."""
    flat: list[Flowable] = []
    for flowable in flowables:
        if isinstance(flowable, KeepTogether):
            flat.extend(_unnested(list(vars(flowable)["_content"])))
        else:
            flat.append(flowable)
    return flat


class TableEndKeptTogether(KeepTogether):
    """What precedes a table, the table, and what must stay with the table's end (a closing
    statement and signature): on one page when they fit there. When they do not, the table
    breaks so that its last rows go to the next page with what follows it.

    Kept together as a whole, a table of checks moved to the next page with the signature
    and left most of a page blank."""

    def __init__(self, before: list[Flowable], table: Table, after: list[Flowable]) -> None:
        super().__init__([*before, table, *after])
        self.before, self.table, self.after = before, table, after

    def split(self, aW: float, aH: float) -> list[Flowable]:
        held = vars(self)
        if held.get("_wrapInfo") != (aW, aH):
            self.wrap(aW, aH)
        if held["_H"] <= aH:
            return [*self.before, self.table, *self.after]
        above = sum(
            flowable.wrapOn(self.canv, aW, aH)[1]
            + flowable.getSpaceBefore()
            + flowable.getSpaceAfter()
            for flowable in self.before
        )
        _, height = self.table.wrap(aW, aH)
        rows: list[float] = vars(self.table)["_rowHeights"]
        # Room for the table's head here, leaving at least its last row for the next page
        # (the half point: rows that end exactly at the room still fit).
        room = min(aH - above, height - rows[-1] + 0.5)
        # The table's own rules for the foot of a page (`GridTable`) need to see where it is.
        frame = getattr(self, "_frame", None)
        if frame is not None:
            self.table._frame = frame  # type: ignore[attr-defined]
        try:
            parts = self.table.split(aW, room) if len(rows) > 2 else []
        finally:
            vars(self.table).pop("_frame", None)
        if len(parts) != 2:
            return super().split(aW, aH)
        head, rest = parts
        return [*self.before, head, KeepTogether([rest, *self.after])]


def repeat_flowables(
    block: RepeatBlock, source: AttachmentSource, styles: ReportStyles, language: Language
) -> list[Flowable]:
    story: list[Flowable] = []
    if block.label:
        story.append(para(block.label, styles.h2))
    if len(block.columns) <= MAX_GRID_COLUMNS:
        header = ["#", *(label for _, label in block.columns)]
        widths = [8 * mm, *_column_widths(block, CONTENT_WIDTH - 8 * mm)]
        story.append(grid_table(header, block.rows, styles, widths))
    else:
        for cells in block.rows:
            rows = [
                (label, text)
                for (_, label), text in zip(block.columns, cells[1:], strict=True)
                if text
            ]
            title = para(f"{phrase('row', language)} {cells[0]}", styles.cell_bold)
            story.append(KeepTogether([Spacer(0, 2 * mm), title, key_value_table(rows, styles)]))
    if block.figures:
        story.append(Spacer(0, 3 * mm))
        story.extend(photo_grid(block.figures, source, styles, language))
    return story


def _column_widths(block: RepeatBlock, width: float) -> list[float]:
    """Share the width by how much each column holds, within limits, so no column starves."""
    weights: list[float] = []
    for index, (_, label) in enumerate(block.columns, start=1):
        lengths = [len(row[index]) for row in block.rows[:200]]
        average = sum(lengths) / len(lengths) if lengths else 0
        weights.append(min(max(average, len(label) / 2, 6), 60))
    total = sum(weights) or 1
    return [width * weight / total for weight in weights]


def review_history(
    inspection: ReportInspection, styles: ReportStyles, language: Language
) -> list[Flowable]:
    """Who reviewed what and when, with comments per question."""
    story: list[Flowable] = [
        CondPageBreak(40 * mm),
        para(phrase("review_history", language), styles.h1),
    ]
    if not inspection.reviews:
        story.append(para(phrase("no_reviews", language), styles.note))
        return story
    labels = {
        name: local(f.question.label, language, name)
        for name, f in inspection.engine.fields.items()
    }
    rows: list[list[str | Flowable]] = []
    for entry in sorted(inspection.reviews, key=lambda e: instant(e.at)):
        comments = [entry.comment] if entry.comment else []
        for item in entry.question_comments:
            question = labels.get(item.question, item.question)
            said = item.text or phrase("reopened_without_comment", language)
            comments.append(f"{phrase('at_question', language, question=question)}: {said}")
        for reply in entry.replies:
            question = labels.get(reply.question, reply.question)
            comments.append(
                f"{phrase('reply_at_question', language, question=question)}: {reply.text}"
            )
        rows.append(
            [
                format_short_datetime(entry.at, language),
                entry.actor,
                TRAIL_STEP_LABELS[entry.action].pick(language),
                para(entry.version_id[:8], styles.mono),
                "\n".join(comments),
            ]
        )
    header = [
        phrase("date", language),
        phrase("who", language),
        phrase("action", language),
        phrase("version", language).capitalize(),
        phrase("comment", language),
    ]
    widths = [33 * mm, 31 * mm, 31 * mm, 18 * mm, CONTENT_WIDTH - 113 * mm]
    story.append(grid_table(header, rows, styles, widths))
    return story


def earlier_inspections(
    inspection: ReportInspection, styles: ReportStyles, language: Language
) -> list[Flowable]:
    if inspection.venue is None:
        return []
    story: list[Flowable] = [para(phrase("earlier", language), styles.h2)]
    if not inspection.earlier:
        story.append(para(phrase("no_earlier", language), styles.note))
        return story
    outcome_labels = {
        o.name: local(o.label, language, o.name) for o in inspection.engine.definition.outcomes
    }
    rows = [
        [
            format_short_datetime(item.started_at, language),
            local(STATUS_LABELS[item.status], language),
            "; ".join(outcome_labels.get(name, name) for name in item.outcomes)
            or phrase("none", language),
        ]
        for item in sorted(inspection.earlier, key=lambda e: e.started_at, reverse=True)
    ]
    header = [phrase("date", language), phrase("status", language), phrase("findings", language)]
    story.append(grid_table(header, rows, styles, [33 * mm, 40 * mm, CONTENT_WIDTH - 73 * mm]))
    return story
