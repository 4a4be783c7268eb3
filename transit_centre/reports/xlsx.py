"""The XLSX workbook people read: a cover sheet, the annual report's key figures (consolidated
annual workbook), then one sheet per table.

Real number and date cells (so Excel and LibreOffice can add them up), frozen header rows,
column widths, no formulas (nothing to recalculate, nothing to warn about). The key figures link
to their tables' cells with internal hyperlinks (a location in the workbook, no external target).
"""
from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink

from transit_centre.i18n import N_, _, translate
from transit_centre.reports.tables import DATE, INT, PCT, XOF, ReportTable

_HEADER_FILL = PatternFill("solid", fgColor="DDE7F3")
_FLAG_FILL = PatternFill("solid", fgColor="F8CBAD")
_SECTION_FILL = PatternFill("solid", fgColor="EEF3F8")
_LINK_FONT = Font(color="1F4E8C", underline="single")
HEADER_ROW = 2  # every table sheet: title in row 1, column names in row 2, data from row 3
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


def _quoted(sheet_name: str) -> str:
    return "'" + sheet_name.replace("'", "''") + "'"


def _link(cell, sheet_name: str, row: int, column: int) -> None:  # noqa: ANN001 - openpyxl Cell
    """An internal hyperlink to a cell of another sheet of the workbook."""
    cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"{_quoted(sheet_name)}!{get_column_letter(column)}{row}")
    cell.font = _LINK_FONT


def write_workbook(cover_title: str, cover: Sequence[tuple[str, Any, str]],
                   tables: Sequence[ReportTable], annual: Any = None) -> bytes:
    """Bytes of the workbook. ``cover``: (label, value, format) lines under the title; ``annual``:
    the key figures sheet (``reports.annual.AnnualSheet``), placed after the cover."""
    wb = Workbook()
    used: set[str] = set()
    ws = wb.active
    ws.title = _sheet_title(_("Cover"), used)
    annual_ws = wb.create_sheet(_sheet_title(_("Annual report"), used)) if annual is not None else None
    names = {table.key: _sheet_title(table.title, used) for table in tables}
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
        _link(ws.cell(row=contents_row, column=1, value=table.title), names[table.key], 1, 1)
    if annual_ws is not None:
        _write_annual(annual_ws, annual, {t.key: t for t in tables}, names)

    for table in tables:
        sheet = wb.create_sheet(names[table.key])
        sheet.cell(row=1, column=1, value=table.title).font = Font(bold=True, size=12)
        header_row = HEADER_ROW
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
                if table.flag and value == table.flag:
                    cell.fill = _FLAG_FILL
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


def _write_annual(ws, sheet: Any, tables: dict[str, ReportTable], names: dict[str, str]) -> None:  # noqa: ANN001
    """The key figures, French then English labels, the values linked to their tables' cells."""

    def target(link: Any) -> tuple[str, int, int]:
        table = tables[link.table]
        if link.row is None:
            return names[link.table], 1, 1
        index, column = table.position(link.row, link.column)  # ValueError: a figure with no source
        return names[link.table], HEADER_ROW + 1 + index, column + 1

    def put(row: int, column: int, value: Any, link: Any = None, fmt: str | None = None):  # noqa: ANN202
        cell = _set(ws, row, column, value)
        if fmt and value is not None:
            cell.number_format = _FORMATS[fmt]
        if link is not None:
            _link(cell, *target(link))
        return cell

    text_width = 46  # columns A and B, in characters

    def fit(row: int, *texts: str) -> None:
        """Row height for wrapped text (LibreOffice keeps the default height of a row otherwise)."""
        lines = max((len(t or "") // (text_width - 4) + 1 for t in texts), default=1)
        if lines > 1:
            ws.row_dimensions[row].height = 13.5 * lines

    ws["A1"] = sheet.title[0]
    ws["B1"] = sheet.title[1]
    for cell in (ws["A1"], ws["B1"]):
        cell.font = Font(bold=True, size=14)
    row = 3
    for label, value, link in sheet.info:
        for column, lang in ((1, 0), (2, 1)):
            text = translate(N_("{label}: {value}"), ("fr", "en")[lang]).format(label=label[lang], value=value[lang])
            put(row, column, text).alignment = Alignment(wrap_text=True, vertical="top")
        if link is not None:  # a short link beside the text (a linked cell does not wrap in LibreOffice)
            put(row, 3, tables[link.table].title, link).alignment = Alignment(vertical="top")
        fit(row, ws.cell(row=row, column=1).value, ws.cell(row=row, column=2).value)
        row += 1
    row += 1
    header = row
    put(row, 1, translate(N_("Indicator"), "fr")).font = _BOLD
    put(row, 2, translate(N_("Indicator"), "en")).font = _BOLD
    for i, (fr, en) in enumerate(sheet.columns, start=3):
        cell = put(row, i, fr if fr == en else f"{fr} / {en}")
        cell.font, cell.fill = _BOLD, _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[row].height = 68
    for i in (1, 2):
        ws.cell(row=row, column=i).fill = _HEADER_FILL
    source_column = 3 + len(sheet.columns)
    put(row, source_column, " / ".join(dict.fromkeys(translate(N_("Source table"), lang) for lang in ("fr", "en"))
                                       )).font = _BOLD
    ws.cell(row=row, column=source_column).fill = _HEADER_FILL
    for line in sheet.lines:
        row += 1
        for column, text in ((1, line.label[0]), (2, line.label[1])):
            cell = put(row, column, text)
            cell.alignment = Alignment(indent=2 * line.indent, wrap_text=True, vertical="top")
            if line.heading:
                cell.font = _BOLD
        fit(row, line.label[0] + "    " * line.indent, line.label[1] + "    " * line.indent)
        if line.heading:
            for column in range(1, source_column + 1):
                ws.cell(row=row, column=column).fill = _SECTION_FILL
            continue
        first_link = None
        top = Alignment(vertical="top")
        for column, cell_value in enumerate(line.cells, start=3):
            if cell_value.value is None and cell_value.link is None:
                continue
            put(row, column, cell_value.value, cell_value.link, INT).alignment = top
            first_link = first_link or cell_value.link
        for column, pct in enumerate(line.percentages, start=3 + len(line.cells)):
            if pct is not None:
                put(row, column, pct, None, PCT).alignment = top
        if line.source:
            put(row, source_column, line.source, first_link).alignment = top
    row += 2
    for i, (fr, en) in enumerate(sheet.definitions):
        for column, text in ((1, fr), (2, en)):
            cell = put(row, column, text)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if i == 0:
                cell.font = _BOLD
        fit(row, fr, en)
        row += 1
    ws.column_dimensions["A"].width = text_width
    ws.column_dimensions["B"].width = text_width
    for column in range(3, source_column):
        ws.column_dimensions[get_column_letter(column)].width = 11
    ws.column_dimensions[get_column_letter(source_column)].width = 34
    ws.freeze_panes = ws.cell(row=header + 1, column=3)
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.orientation = "landscape"
