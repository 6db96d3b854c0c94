"""Report 1: one inspection version, as handed to the mayor's staff or put in a legal file.

Findings come first (most severe on top), then every answer by section in the form's own
words, photos with their hashes, the signature and the location, and at the end the review
history. Every page carries the version's content hash, so a printed page can be matched to
the exact answers it shows.
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from fieldapp.core.inspection import InspectionStatus
from fieldapp.reports.answered import answered_sections, time_span
from fieldapp.reports.document import DocumentInfo, ReportStyles, render_pdf
from fieldapp.reports.flowables import outcome_box, para
from fieldapp.reports.fonts import ReportFonts, report_fonts
from fieldapp.reports.i18n import Language, local, phrase
from fieldapp.reports.model import ReportInspection
from fieldapp.reports.parts import (
    earlier_inspections,
    facts_table,
    letterhead,
    review_history,
    section_flowables,
)
from fieldapp.reports.text import format_date


def inspection_report(
    inspection: ReportInspection,
    *,
    language: Language = "nl",
    fonts: ReportFonts | None = None,
) -> bytes:
    """The PDF report of one inspection version."""
    fonts = fonts or report_fonts()
    styles = ReportStyles(fonts, language)
    info = document_info(inspection, language, phrase("inspection_report", language))
    story = inspection_story(inspection, styles, language)
    return render_pdf(story, info, fonts)


def is_approved(inspection: ReportInspection) -> bool:
    """Approved, and the approval is of the version reported on."""
    return inspection.status is InspectionStatus.APPROVED


def document_info(inspection: ReportInspection, language: Language, kind: str) -> DocumentInfo:
    version = inspection.version
    title = local(inspection.engine.definition.title, language, version.form_id)
    start, _ = time_span(inspection)
    place = (
        inspection.venue.name
        if inspection.venue is not None
        else inspection.area.name
        if inspection.area is not None
        else ""
    )
    when = format_date(start.date(), language)
    heading = " – ".join(part for part in (title, place, when) if part)
    return DocumentInfo(
        title=heading,
        author=f"{phrase('municipality', language)} – {inspection.author.name}",
        subject=f"{kind}; {phrase('inspection_id', language)} {version.inspection_id}; "
        f"{phrase('version_id', language)} {version.version_id}",
        language=language,
        created_at=inspection.as_of(),
        identifier=f"{kind}\n{language}\n{version.content_hash}\n{inspection.status}\n"
        f"{len(inspection.reviews)}",
        keywords=(version.form_id, version.form_version, version.inspection_id),
        running_header=f"{phrase('municipality', language)} · {heading}",
        draft_mark="" if is_approved(inspection) else phrase("draft_mark", language),
        footer_lines=(
            f"{phrase('content_hash', language)}: {version.content_hash}",
            f"{phrase('version_id', language)} {version.version_id} · "
            f"{phrase('form', language)} {version.form_id} {version.form_version}",
        ),
    )


def inspection_story(
    inspection: ReportInspection, styles: ReportStyles, language: Language
) -> list[Flowable]:
    version = inspection.version
    definition = inspection.engine.definition
    title = local(definition.title, language, version.form_id)
    subtitle = f"{phrase('version', language).capitalize()} {definition.version}"
    story: list[Flowable] = letterhead(
        phrase("inspection_report", language), title, subtitle, styles, language
    )
    story.append(facts_table(inspection, styles, language))
    story.append(Spacer(0, 5 * mm))
    if not version.hash_matches():
        story.append(para(phrase("hash_mismatch", language), styles.cell_bold))
        story.append(Spacer(0, 3 * mm))
    story.append(outcome_box(inspection.outcomes(), styles, language))
    if inspection.recorded_outcomes_differ():
        labels = {o.name: local(o.label, language, o.name) for o in definition.outcomes}
        names = "; ".join(labels.get(name, name) for name in version.outcomes) or phrase(
            "none", language
        )
        story.append(Spacer(0, 2 * mm))
        story.append(para(phrase("outcomes_differ", language, names=names), styles.note))
    story.extend(earlier_inspections(inspection, styles, language))
    sections = answered_sections(inspection, language)
    story.extend(section_flowables(sections, inspection.attachments, styles, language))
    story.extend(review_history(inspection, styles, language))
    return story
