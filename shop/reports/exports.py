"""Tallies as CSV (UTF-8 with BOM) and XLSX, written row by row from the same query as the page.

The columns, their headers and their formats come from reports/columns.py. Text that a spreadsheet could run
as a formula (starting with =, +, -, @, tab or carriage return) is neutralised: prefixed with an apostrophe in
CSV (core/spreadsheets.py), and stored as a plain string cell in XLSX.
"""
from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from shop.core import spreadsheets
from shop.reports.columns import COUNT, DATE, METRIC_COLUMNS, MONEY, WEIGHT, Column, columns_of
from shop.reports.ledger import Key, Row, Tally

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

NUMBER_FORMATS = {COUNT: "0", WEIGHT: "0.000", MONEY: "#,##0.00"}
TITLE = "帮扶集市 销售统计"
SHEET = "销售统计"
TOTAL = "合计"


def heading(grouping: str, first: date | None, last: date | None) -> list[tuple[str, str]]:
    """The first lines of the Excel file's filter block: the grouping and the period."""
    return [("分组", grouping), ("期间", f"{first or '最早'} 至 {last or '最新'}")]


def header(tally: Tally) -> list[str]:
    """The CSV's header: the columns' keys (the API's field names)."""
    return [column.key for column in columns_of(tally.grouping)]


def rows(tally: Tally) -> Iterator[list[object]]:
    """The CSV's rows: each column's export value (text is neutralised when the line is written)."""
    columns = columns_of(tally.grouping)
    return ([column.value(row) for column in columns] for row in tally.rows)


def csv_lines(tally: Tally) -> Iterator[str]:
    """The CSV, one encoded-ready line at a time (the first carries the BOM)."""
    return spreadsheets.csv_lines(header(tally), rows(tally))


def _text_cell(sheet: WriteOnlyWorksheet, value: Key | Decimal) -> Cell:
    # openpyxl writes a Decimal as an exact number; its type stubs leave Decimal out.
    cell = WriteOnlyCell(sheet, value=value)  # type: ignore[arg-type]
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever the text starts with
    return cell


def _date(text: str) -> tuple[datetime, str]:
    """'2026-04' or '2026-04-01' as a datetime at midnight, and the Excel format that shows it as written."""
    parts = [int(part) for part in text.split("-")]
    day = datetime(parts[0], parts[1], parts[2] if len(parts) > 2 else 1)
    return day, "yyyy-mm" if len(parts) == 2 else "yyyy-mm-dd"


def _cell(sheet: WriteOnlyWorksheet, column: Column, row: Row) -> Cell:
    """A typed cell: numbers as exact numbers (Decimal, no float on the way), dates as dates, text as text."""
    value = column.value(row)
    if column.format == DATE and isinstance(value, str) and value:
        day, number_format = _date(value)
        cell = WriteOnlyCell(sheet, value=day)
        cell.number_format = number_format
        return cell
    cell = _text_cell(sheet, value)
    if not isinstance(value, str) and column.format in NUMBER_FORMATS:
        cell.number_format = NUMBER_FORMATS[column.format]
    return cell


def _bold(cells: list[Cell]) -> list[Cell]:
    for cell in cells:
        cell.font = Font(bold=True)
    return cells


def xlsx_bytes(tally: Tally, filters_text: list[tuple[str, str]]) -> bytes:
    """The workbook: the filters at the top, Chinese headers, typed numbers, a totals row, column widths.

    Written in write-only mode, so memory grows with the number of groups, never with ledger lines."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(SHEET)
    columns = columns_of(tally.grouping)
    keys = len(tally.grouping.keys)
    widths = [max(10, len(column.header) * 2 + 2) for column in columns]
    widths[keys - 1] = max(widths[keys - 1], 24)
    for index, width in enumerate(widths):
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    sheet.append(_bold([_text_cell(sheet, TITLE)]))
    for name, value in filters_text:
        sheet.append([_text_cell(sheet, name), _text_cell(sheet, value)])
    sheet.append([])
    sheet.append(_bold([_text_cell(sheet, column.header) for column in columns]))
    for row in tally.rows:
        sheet.append([_cell(sheet, column, row) for column in columns])
    if tally.totals is not None:
        totals = tally.totals
        sheet.append(_bold([_text_cell(sheet, TOTAL)] + [_text_cell(sheet, "") for _ in range(keys - 1)]
                           + [_cell(sheet, column, totals) for column in METRIC_COLUMNS]))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
