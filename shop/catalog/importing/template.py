"""The listings template a cooperative downloads: the column headers and one example row (XLSX, or CSV through
shop.web.downloads)."""
from __future__ import annotations

import io

from sqlalchemy import select

from shop.catalog.importing.columns import ALLOWED_UNITS, COLUMNS
from shop.catalog.models import Category
from shop.cooperatives.models import Cooperative
from shop.extensions import db

EXAMPLE = ["KP-HZ-001", "柯坪薄皮核桃", "干果坚果", "袋", "1 kg/袋", 1000, "39.90", 100, "", "", "新疆柯坪县产薄皮核桃",
           "绿色食品", "LB-18-23081234567A", "中国绿色食品发展中心", "2027-08-31"]


def template_rows(cooperative: Cooperative) -> list[list[object]]:
    """The header row and an example row with the cooperative's own county and credit code."""
    example: list[object] = list(EXAMPLE)
    example[8], example[9] = cooperative.county_code, cooperative.credit_code
    return [[column.header for column in COLUMNS], example]


def template_xlsx(cooperative: Cooperative) -> bytes:
    """The template as an Excel workbook, with a second sheet listing the categories and units allowed."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.title = "商品"
    for row in template_rows(cooperative):
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, len(column.header) * 2 + 4)
    lists = book.create_sheet("可选值")
    lists.append(["品类", "单位"])
    names = [category.name_zh for category in db.session.scalars(select(Category).order_by(Category.position))]
    for index in range(max(len(names), len(ALLOWED_UNITS))):
        lists.append([names[index] if index < len(names) else None,
                      ALLOWED_UNITS[index] if index < len(ALLOWED_UNITS) else None])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
