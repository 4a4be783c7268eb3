"""The XLSX workbook people read: a cover sheet, then one sheet per table.

Real number and date cells (so Excel and LibreOffice can add them up), frozen header rows,
column widths, no formulas (nothing to recalculate, nothing to warn about).
"""
from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from transit_centre.i18n import _
from transit_centre.reports.tables import DATE, INT, PCT, XOF, ReportTable

_HEADER_FILL = PatternFill("solid", fgColor="DDE7F3")
_BOLD = Font(bold=True)
_FORMATS = {INT: "#,##0", XOF: '#,##0 "XOF"', PCT: "0.0%", DATE: "yyyy-mm-dd"}


def _sheet_title(title: str, used: set[str]) -> str:
    clean = "".join(ch for ch in title if ch not in '[]:*?/\\')[:31] or "Sheet"
    name, n = clean, 2
    while name.lower() in used:
        suffix = f" ({n})"
        name, n = clean[:31 - len(suffix)] + suffix, n + 1
    used.add(name.lower())
    return name


def _set(sheet, row: int, column: int, value: Any):  # noqa: ANN001, ANN202 - openpyxl objects
    """Write a value; text that looks like a formula stays text (no formula injection)."""
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    return cell


def _width(value: Any) -> int:
    if value is None:
        return 4
    if isinstance(value, (dt.date, dt.datetime)):
        return 12
    if isinstance(value, float):
        return 8
    return len(f"{value:,}" if isinstance(value, int) else str(value))


def _fit_to_width(sheet) -> None:  # noqa: ANN001 - openpyxl Worksheet
    """Print each sheet one page wide (landscape when it has many columns)."""
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    if sheet.max_column > 6:
        sheet.page_setup.orientation = "landscape"


def write_workbook(cover_title: str, cover: Sequence[tuple[str, Any, str]],
                   tables: Sequence[ReportTable]) -> bytes:
    """Bytes of the workbook. ``cover``: (label, value, format) lines under the title."""
    wb = Workbook()
    used: set[str] = set()
    ws = wb.active
    ws.title = _sheet_title(_("Cover"), used)
    ws["A1"] = cover_title
    ws["A1"].font = Font(bold=True, size=14)
    for i, (label, value, fmt) in enumerate(cover, start=3):
        _set(ws, i, 1, label).font = _BOLD
        cell = _set(ws, i, 2, value)
        if fmt in _FORMATS:
            cell.number_format = _FORMATS[fmt]
        if isinstance(value, dt.datetime):
            cell.number_format = "yyyy-mm-dd hh:mm"
        cell.alignment = Alignment(horizontal="left")
    ws.column_dimensions["A"].width = max((len(str(c[0])) for c in cover), default=20) + 4
    ws.column_dimensions["B"].width = 40
    contents_row = len(cover) + 4
    ws.cell(row=contents_row, column=1, value=_("Tables")).font = _BOLD
    for table in tables:
        contents_row += 1
        ws.cell(row=contents_row, column=1, value=table.title)

    for table in tables:
        sheet = wb.create_sheet(_sheet_title(table.title, used))
        sheet.cell(row=1, column=1, value=table.title).font = Font(bold=True, size=12)
        header_row = 2
        widths = [len(c) for c in table.columns]
        for col, name in enumerate(table.columns, start=1):
            cell = sheet.cell(row=header_row, column=col, value=name)
            cell.font, cell.fill = _BOLD, _HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for r, row in enumerate(table.rows, start=header_row + 1):
            for col, value in enumerate(row, start=1):
                cell = _set(sheet, r, col, value)
                fmt = table.formats[col - 1] if col - 1 < len(table.formats) else None
                if fmt in _FORMATS and value is not None:
                    cell.number_format = _FORMATS[fmt]
                widths[col - 1] = max(widths[col - 1], _width(value) + (4 if fmt == XOF else 0))
        if table.note:
            sheet.cell(row=header_row + len(table.rows) + 2, column=1, value=table.note).font = Font(italic=True)
        sheet.freeze_panes = sheet.cell(row=header_row + 1, column=2)
        for col, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(col)].width = min(max(width + 2, 8), 60)
    for sheet in wb.worksheets:
        _fit_to_width(sheet)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
