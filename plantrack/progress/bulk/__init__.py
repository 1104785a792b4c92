"""Bulk progress reporting by spreadsheet (issue 11, part 5).

A manager or reporter downloads a template (XLSX or CSV) pre-filled with their items and an
open period, fills it in, uploads it, sees every row's problems in a preview, and confirms;
the whole file goes in, or nothing does.

- ``sheet``: the columns (headers in the reader's language, read in either) and the files
  written for people to fill (XLSX with instructions, lists and locked cells; CSV UTF-8).
- ``reading``: an upload read as hostile input, by content, within the import budgets.
- ``scope``: who reports on which items in bulk, and which periods take reports.
- ``words``: how a file writes periods, statuses, levels, yes/no and numbers.
- ``template``: the rows of one person's template.
- ``rows`` / ``check`` / ``results``: each row read and checked (per-row permission), the
  reports a file makes and what sending each would do; nothing written.
- ``apply``: every report sent in one transaction through the workflow's services
  (``workflow``), or none.
"""

from .apply import progress_bulk_apply
from .check import bulk_check
from .reading import Sheet, read_upload
from .results import BulkCheck, BulkRefused, effect_text
from .scope import bulk_items, can_bulk, default_period, open_periods
from .sheet import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, write_csv, write_xlsx
from .template import bulk_template
from .words import period_key

__all__ = [
    "CSV_CONTENT_TYPE",
    "XLSX_CONTENT_TYPE",
    "BulkCheck",
    "BulkRefused",
    "Sheet",
    "bulk_check",
    "bulk_items",
    "bulk_template",
    "can_bulk",
    "default_period",
    "effect_text",
    "open_periods",
    "period_key",
    "progress_bulk_apply",
    "read_upload",
    "write_csv",
    "write_xlsx",
]
