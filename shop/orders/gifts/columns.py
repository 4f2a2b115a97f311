"""The columns of a recipients file: headers, aliases and the check of each cell that needs no database."""
from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from shop.catalog.importing import columns as importing_columns
from shop.catalog.importing.columns import REFUSED_FORMULA_PREFIXES, CellError, cell_text
from shop.orders.models import MAX_QUANTITY

MOBILE_RE = re.compile(r"1[3-9]\d{9}")


@dataclass(frozen=True)
class Column:
    """One column of the file: its key, the template's Chinese header, other accepted headers, its text limit."""

    key: str
    header: str
    aliases: tuple[str, ...]
    limit: int
    required: bool = True


COLUMNS = (
    Column("recipient", "收件人", ("姓名", "收货人", "name", "recipient"), 40),
    Column("mobile", "手机号", ("手机", "电话", "mobile", "phone"), 20),
    Column("province", "省", ("省份", "province"), 40),
    Column("city", "市", ("城市", "地级市", "city"), 40),
    Column("district", "区县", ("区/县", "区", "县", "district"), 40),
    Column("street", "详细地址", ("地址", "address", "street"), 200),
    Column("sku", "商品编号(SKU)", ("SKU", "商品编号", "商品编码"), 64),
    Column("cooperative", "合作社", ("供应商", "cooperative"), 120, required=False),
    Column("quantity", "数量", ("件数", "quantity"), 20),
)
HEADERS = {column.key: column.header for column in COLUMNS}
INSTRUCTIONS = _l("One row per recipient and product. 商品编号(SKU) is the code on the product's page; when several "
                  "cooperatives use the same code, also fill in 合作社 with the cooperative's name as the shop shows "
                  "it. 手机号: an 11-digit mainland mobile number. 省 / 市 / 区县: names as in the national region "
                  "table (for Beijing, Tianjin, Shanghai and Chongqing the city may repeat the province). 数量: "
                  "from 1 to %(max)d.", max=MAX_QUANTITY)


def find_columns(header: list[object]) -> dict[str, int]:
    """Each column's position, from the header row; ImportRejected if a required header is missing."""
    return importing_columns.find_columns(header, COLUMNS)


def text(cell: object, column: Column) -> str:
    """The cell as text: required unless the column is optional, within its limit, never a formula."""
    value = cell_text(cell)
    if column.required and not value:
        raise CellError(_("is required"))
    if len(value) > column.limit:
        raise CellError(_("is longer than %(n)d characters", n=column.limit))
    if value.startswith(REFUSED_FORMULA_PREFIXES):
        raise CellError(_("“%(value)s” looks like a formula; type the value itself", value=value[:40]))
    return value


def mobile(value: str) -> str:
    """An 11-digit mainland mobile number (spaces and dashes between digits are forgiven)."""
    digits = value.replace(" ", "").replace("-", "")
    if not MOBILE_RE.fullmatch(digits):
        raise CellError(_("“%(value)s” is not an 11-digit mainland China mobile number", value=value[:20]))
    return digits


def quantity(value: str) -> int:
    """A whole number of units from 1 to MAX_QUANTITY."""
    digits = value.replace(",", "")
    if digits.endswith(".0"):
        digits = digits[:-2]
    if not digits.isdigit() or not 1 <= int(digits[:12]) <= MAX_QUANTITY or len(digits) > 12:
        raise CellError(_("“%(value)s” is not a whole number from 1 to %(max)d", value=value[:20], max=MAX_QUANTITY))
    return int(digits)
