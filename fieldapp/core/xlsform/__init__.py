"""XLSForm in and out: import a workbook from ODK, Kobo or Survey123, export a form for them."""

from fieldapp.core.xlsform.mapping import ImportProblem, MappedForm
from fieldapp.core.xlsform.verbs import (
    VerbResult,
    export_command,
    form_yaml,
    import_command,
    import_xlsform,
)
from fieldapp.core.xlsform.writer import ExportRefused, form_workbook, workbook_bytes

__all__ = [
    "ExportRefused",
    "ImportProblem",
    "MappedForm",
    "VerbResult",
    "export_command",
    "form_workbook",
    "form_yaml",
    "import_command",
    "import_xlsform",
    "workbook_bytes",
]
