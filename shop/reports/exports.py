"""Tallies as CSV (UTF-8 with BOM) and XLSX, written row by row from the same query as the page.

Text that a spreadsheet could run as a formula (starting with =, +, -, @, tab or carriage return) is
neutralised: prefixed with an apostrophe in CSV, and stored as a plain string cell in XLSX.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from shop.core.spreadsheets import BOM, neutralise
from shop.reports.ledger import METRICS, Key, Row, Tally

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet


def yuan(fen: int) -> str:
    return f"{Decimal(fen) / 100:.2f}"


def kilograms(grams: int) -> str:
    return f"{Decimal(grams) / 1000:.3f}"


def metric_values(row: Row) -> list[Key]:
    """orders, buyers, units, weight_kg, gross_yuan, refunded_yuan, net_yuan (exact decimals as text)."""
    return [row.orders, row.buyers, row.units, kilograms(row.weight_g), yuan(row.gross_fen),
            yuan(row.refunded_fen), yuan(row.net_fen)]


def header(tally: Tally) -> list[str]:
    return [name for name, _ in tally.grouping.keys] + [name for name, _ in METRICS]


def csv_lines(tally: Tally) -> Iterator[str]:
    """The CSV, one encoded-ready line at a time (the first carries the BOM)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def line(values: Sequence[Key]) -> str:
        writer.writerow(values)
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    yield BOM + line(header(tally))
    for row in tally.rows:
        keys = [row.keys.get(name, "") for name, _ in tally.grouping.keys]
        yield line([neutralise(key) if isinstance(key, str) else key for key in keys] + metric_values(row))


def _text_cell(sheet: WriteOnlyWorksheet, value: Key) -> Cell:
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever the text starts with
    return cell


def xlsx_bytes(tally: Tally, filters_text: list[tuple[str, str]]) -> bytes:
    """The workbook: the filters at the top, Chinese headers, typed numbers, a totals row, column widths.

    Written in write-only mode, so memory grows with the number of groups, never with ledger lines."""
    book = Workbook(write_only=True)
    sheet: WriteOnlyWorksheet = book.create_sheet("销售统计")
    keys = tally.grouping.keys
    widths = [max(10, len(title) * 2 + 2) for _, title in keys] + [max(10, len(title) * 2 + 2) for _, title in METRICS]
    widths[len(keys) - 1] = max(widths[len(keys) - 1], 24)
    for index, width in enumerate(widths):
        # Worksheet._setup() gives a write-only sheet its column_dimensions; the stubs leave it out.
        sheet.column_dimensions[get_column_letter(index + 1)].width = width  # type: ignore[attr-defined]
    bold = Font(bold=True)
    title = _text_cell(sheet, "帮扶集市 销售统计")
    title.font = bold
    sheet.append([title])
    for name, value in filters_text:
        sheet.append([_text_cell(sheet, name), _text_cell(sheet, value)])
    sheet.append([])
    head = []
    for _, text in list(keys) + list(METRICS):
        cell = _text_cell(sheet, text)
        cell.font = bold
        head.append(cell)
    sheet.append(head)
    for row in tally.rows:
        sheet.append([_text_cell(sheet, row.keys.get(name, "")) for name, _ in keys] + _numbers(sheet, row))
    totals = ([_text_cell(sheet, "合计")] + [_text_cell(sheet, "") for _ in keys[1:]]
              + _numbers(sheet, tally.require_totals()))
    for cell in totals:
        cell.font = bold
    sheet.append(totals)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _numbers(sheet: WriteOnlyWorksheet, row: Row) -> list[Cell]:
    values: list[int | Decimal] = [
        row.orders, row.buyers, row.units, Decimal(row.weight_g) / 1000, Decimal(row.gross_fen) / 100,
        Decimal(row.refunded_fen) / 100, Decimal(row.net_fen) / 100]
    cells = []
    for index, value in enumerate(values):
        cell = WriteOnlyCell(sheet)
        cell.value = value  # Decimal is written as an exact number, no float on the way
        cell.number_format = "0" if index < 3 else ("0.000" if index == 3 else "#,##0.00")
        cells.append(cell)
    return cells
