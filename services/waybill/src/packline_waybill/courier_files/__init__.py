"""Courier Excel/CSV files (송장 엑셀 다운로드/업로드): parcels written in a courier's template,
and the courier's returned file read and checked before any number is applied.

Pure: no database, no HTTP. Errors the seller must act on are CourierFileError (whole file:
UnreadableFile, UnencodableText; templates: TemplateError) or per-row results in ImportCheck.
"""

from packline_waybill.courier_files.catalog import TEMPLATES
from packline_waybill.courier_files.checking import Candidate, ImportCheck, RowResult, check_import
from packline_waybill.courier_files.export import (
    CourierFileError,
    UnencodableText,
    export_csv,
    export_xlsx,
)
from packline_waybill.courier_files.reading import (
    ReturnedFile,
    ReturnedRow,
    RowError,
    UnreadableFile,
    read_returned_file,
)
from packline_waybill.courier_files.rows import ExportRow, item_summary
from packline_waybill.courier_files.templates import (
    FIELDS,
    Column,
    Template,
    TemplateError,
    template_from_json,
    template_to_json,
)

__all__ = [
    "FIELDS",
    "TEMPLATES",
    "Candidate",
    "Column",
    "CourierFileError",
    "ExportRow",
    "ImportCheck",
    "ReturnedFile",
    "ReturnedRow",
    "RowError",
    "RowResult",
    "Template",
    "TemplateError",
    "UnencodableText",
    "UnreadableFile",
    "check_import",
    "export_csv",
    "export_xlsx",
    "item_summary",
    "read_returned_file",
    "template_from_json",
    "template_to_json",
]
