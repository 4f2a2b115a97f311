"""The columns of a listings file: header, aliases and ONE check per column that parses and checks its cell.

A check returns the cell's value for the product, or raises CellError with a message for the cooperative;
the plan adds the row and the column: "第 7 行 单价（元）：“abc” 不是有效金额".
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from flask_babel import gettext as _

from shop.catalog.importing.exceptions import ImportRejected
from shop.cooperatives.models import Cooperative
from shop.core.money import MoneyError, parse_yuan

MAX_STOCK = 1_000_000
MAX_WEIGHT_G = 1_000_000
MAX_PRICE_FEN = 100_000_000  # ¥1,000,000 a unit
ALLOWED_UNITS = ("箱", "袋", "盒", "罐", "瓶", "桶", "包", "件", "份", "个", "只", "条", "斤", "千克", "提", "礼盒")
# A text cell starting with one of these is refused, so the cooperative types the value itself. Not the same
# idea as core.spreadsheets.FORMULA_STARTS, which exports neutralise (they must keep any text as it is): here
# cells are stripped first, so tab and CR never lead, and "-" is ordinary in a spec or description.
REFUSED_FORMULA_PREFIXES = ("=", "+", "@")


class CellError(Exception):
    """A cell that cannot be used as it is; the message says why."""


@dataclass(frozen=True)
class Checking:
    """What the checks need besides the cell: the uploading cooperative and the catalogue's categories."""

    cooperative: Cooperative
    categories: dict[str, int]  # each category's Chinese name, English name and slug, normalised, to its id


Check = Callable[[object, Checking], object]


@dataclass(frozen=True)
class Column:
    """One column of the file: its template header, other accepted headers, its check and the field it fills."""

    key: str
    header: str  # the template's Chinese header
    aliases: tuple[str, ...]
    check: Check
    field: str | None  # the Product attribute the checked value goes to; None for a column only checked
    required: bool = True  # the header must be in the file


def cell_text(value: object) -> str:
    """A cell as the text a person typed: stripped, and 12.0 read back as 12."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def norm(text: str) -> str:
    """A header or a category name compared loosely: case, spaces and full-width brackets ignored."""
    return text.strip().lower().replace(" ", "").replace("（", "(").replace("）", ")")


# -- the checks --------------------------------------------------------------------------------------

def _text(limit: int, required: bool = False) -> Check:
    def check(cell: object, checking: Checking) -> str:
        text = cell_text(cell)
        if required and not text:
            raise CellError(_("is required"))
        if len(text) > limit:
            raise CellError(_("is longer than %(n)d characters", n=limit))
        if text.startswith(REFUSED_FORMULA_PREFIXES):
            raise CellError(_("“%(value)s” looks like a formula; type the value itself", value=text[:40]))
        return text
    return check


def _category(cell: object, checking: Checking) -> int:
    name = cell_text(cell)
    category_id = checking.categories.get(norm(name))
    if category_id is None:
        raise CellError(_("“%(value)s” is not one of the categories in the template", value=name[:40]))
    return category_id


def _unit(cell: object, checking: Checking) -> str:
    unit = cell_text(cell)
    if unit not in ALLOWED_UNITS:
        raise CellError(_("“%(value)s” is not one of the units in the template", value=unit[:20]))
    return unit


def _whole_number(value: object, low: int, high: int) -> int:
    """An integer from low to high, written as one (12, 12.0, "1,200"), else ValueError."""
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError
        value = int(value)
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip().replace(",", "")
        if not text.lstrip("-").isdigit() or len(text) > 12:
            raise ValueError
        number = int(text)
    if not low <= number <= high:
        raise ValueError
    return number


def _net_weight(cell: object, checking: Checking) -> int:
    try:
        return _whole_number(cell, 1, MAX_WEIGHT_G)
    except ValueError:
        raise CellError(_("“%(value)s” is not a whole number of grams from 1 to %(max)d",
                          value=cell_text(cell)[:20], max=MAX_WEIGHT_G)) from None


def _price(cell: object, checking: Checking) -> int:
    """A unit price in yuan, written plainly (no exponent), from ¥0.01 to ¥1,000,000, as fen."""
    text = repr(cell) if isinstance(cell, float) else str(cell)
    try:
        # 1e9, inf, nan (any case): not how a price is written
        if isinstance(cell, bool) or any(letter in text.lower() for letter in "einfa"):
            raise MoneyError(text)
        fen = parse_yuan(text)
        if fen <= 0 or fen > MAX_PRICE_FEN:
            raise MoneyError(text)
    except MoneyError:
        raise CellError(_("“%(value)s” is not a valid amount", value=cell_text(cell)[:20])) from None
    return fen


def _stock(cell: object, checking: Checking) -> int:
    try:
        return _whole_number(cell, 0, MAX_STOCK)
    except ValueError:
        raise CellError(_("“%(value)s” is not a whole number from 0 to %(max)d",
                          value=cell_text(cell)[:20], max=MAX_STOCK)) from None


def _county(cell: object, checking: Checking) -> None:
    county, own = cell_text(cell), checking.cooperative.county_code
    if county and county != own:
        raise CellError(_("%(value)s is not your cooperative's county (%(own)s)", value=county[:20], own=own))


def _cooperative(cell: object, checking: Checking) -> None:
    named, own = cell_text(cell), checking.cooperative
    if named and named.upper() != own.credit_code and named != own.name:
        raise CellError(_("names another cooperative (“%(value)s”); a file may only list your own products",
                          value=named[:40]))


def _valid_until(cell: object, checking: Checking) -> date | None:
    if cell in ("", None):
        return None
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    try:
        return date.fromisoformat(str(cell).strip().replace("/", "-").replace(".", "-"))
    except ValueError:
        raise CellError(_("“%(value)s” is not a date like 2027-12-31", value=cell_text(cell)[:20])) from None


# Template order; rows are checked in this order too, so a row's messages read left to right.
COLUMNS = (
    Column("sku", "商品编码", ("sku", "编码", "货号"), _text(64, required=True), "sku"),
    Column("name", "商品名称", ("name", "名称", "品名"), _text(120, required=True), "name"),
    Column("category", "品类", ("category", "分类", "类别"), _category, "category_id"),
    Column("unit", "单位", ("unit", "销售单位"), _unit, "unit"),
    Column("spec", "规格", ("spec", "规格型号"), _text(64, required=True), "spec"),
    Column("net_weight_g", "净重（克）", ("net_weight_g", "净重(克)", "净重", "重量（克）", "重量(克)"), _net_weight,
           "net_weight_g"),
    Column("price", "单价（元）", ("price", "单价(元)", "单价", "价格", "售价"), _price, "price_fen"),
    Column("stock", "库存", ("stock", "库存数量", "数量"), _stock, "stock"),
    Column("county", "产地县代码", ("county", "产地", "产地县", "县代码"), _county, None, required=False),
    Column("cooperative", "合作社统一社会信用代码", ("cooperative", "合作社", "统一社会信用代码"), _cooperative, None,
           required=False),
    Column("description", "商品描述", ("description", "描述", "说明"), _text(5000), "description", required=False),
    Column("certificate_type", "证书类型", ("certificate_type",), _text(40), "certificate_type", required=False),
    Column("certificate_number", "证书编号", ("certificate_number",), _text(64), "certificate_number",
           required=False),
    Column("certificate_issuer", "发证机构", ("certificate_issuer",), _text(120), "certificate_issuer",
           required=False),
    Column("certificate_valid_until", "证书有效期", ("certificate_valid_until", "有效期"), _valid_until,
           "certificate_valid_until", required=False),
)
HEADERS = {column.key: column.header for column in COLUMNS}
FIELDS = tuple(column.field for column in COLUMNS if column.field)


class Header(Protocol):
    """What finding a column by its header needs of a column table's entry (listings here, gift recipients too)."""

    @property
    def key(self) -> str: ...
    @property
    def header(self) -> str: ...
    @property
    def aliases(self) -> tuple[str, ...]: ...
    @property
    def required(self) -> bool: ...


def find_columns(header: list[object], columns: Sequence[Header] = COLUMNS) -> dict[str, int]:
    """Each column's position in the file, from its header row; refused if a required header is missing."""
    names = {norm(alias): column.key for column in columns for alias in (column.header, *column.aliases)}
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        key = names.get(norm(str(cell)))
        if key and key not in found:
            found[key] = index
    missing = [column.header for column in columns if column.required and column.key not in found]
    if missing:
        raise ImportRejected(_("Row 1 must hold the column headers; missing: %(columns)s. Download the template "
                               "to see them.", columns="、".join(missing)))
    return found
