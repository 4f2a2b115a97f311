"""The recipients template an organization downloads: Chinese headers, an example row and the instructions."""
from __future__ import annotations

import io

from shop.orders.gifts.columns import COLUMNS, INSTRUCTIONS

EXAMPLE = ["张三", "13800138000", "浙江省", "湖州市", "吴兴区", "人民路 1 号 3 幢 201 室", "KP-HZ-001", "", 2]


def template_rows() -> list[list[object]]:
    """The header row and one example row."""
    return [[column.header for column in COLUMNS], list(EXAMPLE)]


def template_xlsx() -> bytes:
    """The template as an Excel workbook, with a second sheet of instructions."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.title = "收件人"
    for row in template_rows():
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, len(column.header) * 2 + 4)
        # Mobile numbers and codes stay text, so Excel never turns 13800138000 into 1.38E+10.
        if column.key in ("mobile", "sku"):
            sheet.cell(row=2, column=index).number_format = "@"
    notes = book.create_sheet("填写说明")
    notes.append(["填写说明"])
    notes.append([str(INSTRUCTIONS)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
