"""PDF reports and CSV/XLSX exports, made from domain objects wherever they are stored.

The four reports: `inspection_report` (one inspection version), `door_test_report` (a
paired door test), `patrol_report` (a patrol shift) and `summary_report` over a
`summarize`d period; for the follow-up of findings, `venue_dossier` (a venue's file) and
`actions_report` (the weekly overview of actions). `export_inspections` writes CSV or
XLSX. The inputs are the records of `fieldapp.reports.model`, read from a
`fieldapp.reports.source.ReportSource`; the report and export verbs call
`fieldapp.app.reports`.
"""

from fieldapp.reports.actions_report import actions_report
from fieldapp.reports.door_test_report import door_test_report, pair_outcome
from fieldapp.reports.dossier_report import venue_dossier
from fieldapp.reports.export import ExportFormat, export_inspections
from fieldapp.reports.i18n import Language
from fieldapp.reports.inspection_report import inspection_report
from fieldapp.reports.model import (
    AttachmentSource,
    Author,
    EarlierInspection,
    Period,
    ReportComment,
    ReportDoorTest,
    ReportInspection,
    ReportReply,
    ReviewEntry,
    SummaryItem,
    TrailStep,
)
from fieldapp.reports.patrol_report import hit_rates, patrol_report
from fieldapp.reports.summary import PeriodSummary, summarize
from fieldapp.reports.summary_report import summary_report

__all__ = [
    "AttachmentSource",
    "Author",
    "EarlierInspection",
    "ExportFormat",
    "Language",
    "Period",
    "PeriodSummary",
    "ReportComment",
    "ReportDoorTest",
    "ReportInspection",
    "ReportReply",
    "ReviewEntry",
    "SummaryItem",
    "TrailStep",
    "actions_report",
    "door_test_report",
    "export_inspections",
    "hit_rates",
    "inspection_report",
    "pair_outcome",
    "patrol_report",
    "summarize",
    "summary_report",
    "venue_dossier",
]
