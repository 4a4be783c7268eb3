"""Reading the consolidated workbook's "Annual report" sheet in tests: the figures by section and
English label, and every hyperlink followed to the cell it points to."""
from __future__ import annotations

import re

_LOCATION = re.compile(r"^'((?:[^']|'')+)'!([A-Z]+)(\d+)$")


def annual_figures(sheet) -> dict[tuple[str, str], tuple]:  # noqa: ANN001 - openpyxl Worksheet
    """{(section, English label): (men, women, sex not recorded, total, under 5)} of the key figures."""
    figures: dict[tuple[str, str], tuple] = {}
    header = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 2).value == "Indicator")
    section = ""
    for r in range(header + 1, sheet.max_row + 1):
        label = sheet.cell(r, 2).value
        if label is None or label == "Definitions":
            break
        values = tuple(sheet.cell(r, c).value for c in range(3, 8))
        if all(v is None for v in values) and sheet.cell(r, 1).font.b:
            section = label
            continue
        figures[(section, label)] = values
    return figures


def followed_links(workbook, sheet) -> list[tuple[str, object, object]]:  # noqa: ANN001
    """(cell, value, value of the linked cell) for every internal hyperlink of ``sheet`` (the
    link's target cell must exist on a sheet of the workbook)."""
    out = []
    for row in sheet.iter_rows():
        for cell in row:
            if cell.hyperlink is None:
                continue
            match = _LOCATION.match(cell.hyperlink.location or "")
            assert match, f"{cell.coordinate}: not an internal link: {cell.hyperlink.location!r} / {cell.hyperlink.target!r}"
            target = workbook[match.group(1).replace("''", "'")][f"{match.group(2)}{match.group(3)}"]
            out.append((cell.coordinate, cell.value, target.value))
    return out
