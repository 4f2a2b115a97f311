"""The tallies' columns, in one table: each column's key (the CSV header and the API's field), its Chinese header
(the Excel file), its label on the staff page (in the reader's language) and the format of its cells.

The exports, the staff page, the `export-tallies` command and the API all read this table, so a column is named
and formatted the same everywhere.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from shop.core.money import fen_to_yuan_str, format_fen, kilograms
from shop.reports.ledger import Grouping, Key, Row

# Cell formats. money: fen, shown in yuan; weight: grams, shown in kilograms; count: a whole number (counts and
# ids); text: neutralised in exports; date: an ISO month or day ("2026-04", "2026-04-01"), a date cell in Excel.
MONEY, WEIGHT, COUNT, TEXT, DATE = "money", "weight", "count", "text", "date"


@dataclass(frozen=True)
class Column:
    """One column of a tally: a group key (from the row's keys) or a metric (`source`, a Row attribute)."""

    key: str
    header: str  # Chinese, for the Excel file
    label: object  # a lazy string: the staff page's header, translated when shown
    format: str = TEXT
    source: str | None = None

    def raw(self, row: Row) -> Key:
        """The stored value: fen, grams, a count, an id or a text."""
        return getattr(row, self.source) if self.source else row.keys.get(self.key, "")

    def amount(self, row: Row) -> int:
        """A metric's stored value (fen, grams or a count), which is always a whole number."""
        value = self.raw(row)
        if not isinstance(value, int):
            raise TypeError(f"the column {self.key!r} holds {value!r}, not a whole number")
        return value

    def value(self, row: Row) -> Key | Decimal:
        """The value in an export: yuan and kilograms as exact Decimals (2 and 3 places), anything else as is."""
        if self.format == MONEY:
            return Decimal(fen_to_yuan_str(self.amount(row)))
        if self.format == WEIGHT:
            return Decimal(kilograms(self.amount(row)))
        return self.raw(row)

    def json(self, row: Row) -> Key:
        """The value in the API: yuan and kilograms as exact decimal text (JSON numbers would be floats)."""
        value = self.value(row)
        return str(value) if isinstance(value, Decimal) else value

    def shown(self, row: Row) -> str:
        """The value on the staff page: ¥1,234.50 for money, 1,234.500 for kilograms, anything else as text."""
        if self.format == MONEY:
            return format_fen(self.amount(row))
        if self.format == WEIGHT:
            return kilograms(self.amount(row), grouping=True)
        value = self.raw(row)
        return "" if value is None else str(value)


_NO = _l("No.")
_CODE = _l("Code")
KEY_COLUMNS: dict[str, Column] = {column.key: column for column in (
    Column("county_code", "县级代码", _CODE),
    Column("county", "县", _l("County")),
    Column("prefecture_code", "地级代码", _CODE),
    Column("prefecture", "地级", _l("Prefecture")),
    Column("province_code", "省级代码", _CODE),
    Column("province", "省级", _l("Province")),
    Column("helpers", "帮扶方", _l("Helper regions")),
    Column("helper_code", "帮扶方代码", _CODE),
    Column("helper", "帮扶方", _l("Helper region")),
    Column("cooperative_id", "合作社编号", _NO, COUNT),
    Column("cooperative", "合作社", _l("Cooperative")),
    Column("product_id", "商品编号", _NO, COUNT),
    Column("sku", "SKU", _l("SKU")),
    Column("product", "商品", _l("Product")),
    Column("category_id", "品类编号", _NO, COUNT),
    Column("category", "品类", _l("Category")),
    Column("month", "月份", _l("Month"), DATE),
    Column("organization_id", "单位编号", _NO, COUNT),
    Column("organization", "采购单位", _l("Buying organization")),
    Column("buyer_class", "采购方类别", _l("Buyer class")),
    Column("buyer_region_code", "采购方地区代码", _CODE),
    Column("buyer_region", "采购方地区", _l("Buyer's region")),
)}

METRIC_COLUMNS: tuple[Column, ...] = (
    Column("orders", "订单数", _l("Orders"), COUNT, "orders"),
    Column("buyers", "采购方数", _l("Buyers"), COUNT, "buyers"),
    Column("units", "件数", _l("Units"), COUNT, "units"),
    Column("weight_kg", "重量（千克）", _l("Weight (kg)"), WEIGHT, "weight_g"),
    Column("gross_yuan", "销售额（元）", _l("Sales"), MONEY, "gross_fen"),
    Column("refunded_yuan", "退款额（元）", _l("Refunded"), MONEY, "refunded_fen"),
    Column("net_yuan", "净额（元）", _l("Net sales"), MONEY, "net_fen"),
)


def key_columns(grouping: Grouping) -> list[Column]:
    """The columns naming a grouping's rows, in order."""
    return [KEY_COLUMNS[key] for key in grouping.keys]


def columns_of(grouping: Grouping) -> list[Column]:
    """Every column of a tally grouped this way: its keys, then the metrics."""
    return key_columns(grouping) + list(METRIC_COLUMNS)
