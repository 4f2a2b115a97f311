"""Bulk listings from a spreadsheet: forgiving about format, strict about content, all or nothing.

    read_table(data)            CSV (UTF-8 with or without BOM, GB18030/GBK; comma, semicolon or tab)
                                or XLSX (archive size, entry count and XML entities checked first)
    plan_import(coop, rows)     every row checked; what would be created, updated, and every error
    apply_import(coop, plan)    everything saved in one transaction, or nothing

Messages name the row and the column, so a cooperative can fix its file: "第 7 行 单价：“abc” 不是有效金额".
"""
from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import insert, select, update

from shop.catalog import search
from shop.catalog.models import Category, Product
from shop.cooperatives.models import Cooperative
from shop.core.database import utcnow, write_transaction
from shop.core.money import MoneyError, parse_yuan
from shop.extensions import db

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
MAX_XLSX_ENTRIES = 200
MAX_XLSX_UNCOMPRESSED = 60 * 1024 * 1024
MAX_STOCK = 1_000_000
MAX_WEIGHT_G = 1_000_000
MAX_PRICE_FEN = 100_000_000  # ¥1,000,000 a unit
ALLOWED_UNITS = ("箱", "袋", "盒", "罐", "瓶", "桶", "包", "件", "份", "个", "只", "条", "斤", "千克", "提", "礼盒")
FORMULA_STARTS = ("=", "+", "@")


class ImportRejected(Exception):
    """The file as a whole cannot be read (size, format, encoding, structure); the message says why."""


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the template's Chinese header
    aliases: tuple[str, ...]
    required: bool = True


COLUMNS = (
    Column("sku", "商品编码", ("sku", "编码", "货号")),
    Column("name", "商品名称", ("name", "名称", "品名")),
    Column("category", "品类", ("category", "分类", "类别")),
    Column("unit", "单位", ("unit", "销售单位")),
    Column("spec", "规格", ("spec", "规格型号")),
    Column("net_weight_g", "净重（克）", ("net_weight_g", "净重(克)", "净重", "重量（克）", "重量(克)")),
    Column("price", "单价（元）", ("price", "单价(元)", "单价", "价格", "售价")),
    Column("stock", "库存", ("stock", "库存数量", "数量")),
    Column("county", "产地县代码", ("county", "产地", "产地县", "县代码"), required=False),
    Column("cooperative", "合作社统一社会信用代码", ("cooperative", "合作社", "统一社会信用代码"), required=False),
    Column("description", "商品描述", ("description", "描述", "说明"), required=False),
    Column("certificate_type", "证书类型", ("certificate_type",), required=False),
    Column("certificate_number", "证书编号", ("certificate_number",), required=False),
    Column("certificate_issuer", "发证机构", ("certificate_issuer",), required=False),
    Column("certificate_valid_until", "证书有效期", ("certificate_valid_until", "有效期"), required=False),
)
LIMITS = {"sku": 64, "name": 120, "spec": 64, "description": 5000, "certificate_type": 40,
          "certificate_number": 64, "certificate_issuer": 120}


@dataclass(frozen=True)
class RowError:
    row: int  # as the spreadsheet numbers it (the header is row 1)
    column: str
    message: str

    def __str__(self) -> str:
        return _("Row %(row)d %(column)s: %(message)s", row=self.row, column=self.column, message=self.message)


@dataclass
class Plan:
    creates: list[dict] = field(default_factory=list)
    updates: list[dict] = field(default_factory=list)  # each with "id" of the cooperative's product
    errors: list[RowError] = field(default_factory=list)
    absent: list[tuple[int, str, str]] = field(default_factory=list)  # (id, sku, name) of products not in the file

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.creates or self.updates)


# -- reading -----------------------------------------------------------------------------------------

def read_table(data: bytes) -> list[list[object]]:
    """The rows of the first sheet (XLSX) or of the CSV, header first; cells as str, int, float or date."""
    if len(data) > MAX_FILE_BYTES:
        raise ImportRejected(_("The file is larger than %(mb)d MB.", mb=MAX_FILE_BYTES // 2**20))
    if not data.strip():
        raise ImportRejected(_("The file is empty."))
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data)
    return _read_csv(data)


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")  # what Chinese Excel writes ("CSV" in GBK), a superset of GBK
    except UnicodeDecodeError as exc:
        raise ImportRejected(_("The file is neither UTF-8 nor GB18030/GBK text, nor an Excel .xlsx file.")) from exc


def _read_csv(data: bytes) -> list[list[object]]:
    try:
        text = _decode(data)
    except UnicodeDecodeError as exc:
        raise ImportRejected(_("The file is not valid UTF-8 text.")) from exc
    if "\x00" in text:
        raise ImportRejected(_("The file is neither UTF-8 nor GB18030/GBK text, nor an Excel .xlsx file."))
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    try:
        rows: list[list[object]] = [list(row) for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as exc:
        raise ImportRejected(_("The CSV cannot be read: %(error)s", error=str(exc))) from exc
    return rows


def _read_xlsx(data: bytes) -> list[list[object]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError) as exc:
        raise ImportRejected(_("The Excel file is damaged.")) from exc
    # Checked before anything is unpacked: a small file may claim gigabytes (a zip bomb).
    if len(entries) > MAX_XLSX_ENTRIES or sum(entry.file_size for entry in entries) > MAX_XLSX_UNCOMPRESSED:
        raise ImportRejected(_("The Excel file unpacks to too much data; save it again with only the listings."))
    for entry in entries:
        if entry.filename.endswith((".xml", ".rels")):
            with archive.open(entry) as handle:
                head = handle.read(4096)
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                raise ImportRejected(_("The Excel file contains XML entity declarations, which are refused."))
    from openpyxl import load_workbook  # uses defusedxml when installed (it is a dependency)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        rows: list[list[object]] = []
        for row in sheet.iter_rows(values_only=True):
            rows.append(["" if value is None else value for value in row])
            if len(rows) > MAX_ROWS + 1:
                break
        book.close()
    except ImportRejected:
        raise
    except Exception as exc:  # openpyxl raises many kinds for broken files
        raise ImportRejected(_("The Excel file cannot be read: %(error)s", error=type(exc).__name__)) from exc
    return rows


def stored_cells(rows: list[list[object]]) -> list[list[object]]:
    """The rows as JSON keeps them: Excel dates become ISO text, which the checks read the same way."""
    return [[_stored(cell) for cell in row] for row in rows]


def _stored(cell: object) -> object:
    if isinstance(cell, datetime):
        return cell.date().isoformat() if cell.time() == datetime.min.time() else cell.isoformat()
    return cell.isoformat() if isinstance(cell, date) else cell


# -- checking ----------------------------------------------------------------------------------------

def _header_map(header: list[object]) -> dict[str, int]:
    names = {}
    for column in COLUMNS:
        for alias in (column.header, *column.aliases):
            names[_norm(alias)] = column.key
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        key = names.get(_norm(str(cell)))
        if key and key not in found:
            found[key] = index
    missing = [column.header for column in COLUMNS if column.required and column.key not in found]
    if missing:
        raise ImportRejected(_("Row 1 must hold the column headers; missing: %(columns)s. Download the template "
                               "to see them.", columns="、".join(missing)))
    return found


def _norm(text: str) -> str:
    return text.strip().lower().replace(" ", "").replace("（", "(").replace("）", ")")


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _integer(value: object, low: int, high: int) -> int:
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


def _price(value: object) -> int:
    """A unit price in yuan, written plainly (no exponent), from ¥0.01 to ¥1,000,000."""
    if isinstance(value, bool):
        raise MoneyError(value)
    text = repr(value) if isinstance(value, float) else str(value)
    if any(letter in text.lower() for letter in "einfa"):  # 1e9, inf, nan: not how a price is written
        raise MoneyError(text)
    fen = parse_yuan(text)
    if fen <= 0 or fen > MAX_PRICE_FEN:
        raise MoneyError(text)
    return fen


def _date(value: object) -> date | None:
    if value in ("", None):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip().replace("/", "-").replace(".", "-")
    return date.fromisoformat(text)


def plan_import(cooperative: Cooperative, rows: list[list[object]], zero_missing: bool = False) -> Plan:
    """Check every row against the cooperative's products and the catalogue; nothing is written."""
    if not rows:
        raise ImportRejected(_("The file is empty."))
    columns = _header_map(rows[0])
    body = rows[1:]
    if len(body) > MAX_ROWS:
        raise ImportRejected(_("The file has more than %(n)d rows; split it.", n=MAX_ROWS))
    headers = {column.key: column.header for column in COLUMNS}
    categories = {}
    for known in db.session.scalars(select(Category)):
        for name in (known.name_zh, known.name_en, known.slug):
            categories[_norm(name)] = known.id
    existing = {sku: (product_id, name) for product_id, sku, name in db.session.execute(
        select(Product.id, Product.sku, Product.name).where(Product.cooperative_id == cooperative.id))}
    plan = Plan()
    seen: dict[str, int] = {}
    for number, raw in enumerate(body, start=2):
        if not any(_text(cell) for cell in raw):
            continue  # blank lines are forgiven
        cells = {key: (raw[index] if index < len(raw) else "") for key, index in columns.items()}
        errors: list[RowError] = []

        def error(key: str, message: str) -> None:
            errors.append(RowError(number, headers[key], message))

        values: dict = {}
        for key in ("sku", "name", "spec", "description", "certificate_type", "certificate_number",
                    "certificate_issuer"):
            text = _text(cells.get(key, ""))
            if key in ("sku", "name", "spec") and not text:
                error(key, _("is required"))
            elif len(text) > LIMITS[key]:
                error(key, _("is longer than %(n)d characters", n=LIMITS[key]))
            elif text.startswith(FORMULA_STARTS):
                error(key, _("“%(value)s” looks like a formula; type the value itself", value=text[:40]))
            values[key] = text
        sku = values["sku"]
        if sku:
            if sku in seen:
                error("sku", _("“%(sku)s” is already on row %(row)d", sku=sku, row=seen[sku]))
            else:
                seen[sku] = number
        category = _text(cells.get("category", ""))
        values["category_id"] = categories.get(_norm(category))
        if values["category_id"] is None:
            error("category", _("“%(value)s” is not one of the categories in the template", value=category[:40]))
        unit = _text(cells.get("unit", ""))
        if unit not in ALLOWED_UNITS:
            error("unit", _("“%(value)s” is not one of the units in the template", value=unit[:20]))
        values["unit"] = unit
        try:
            values["net_weight_g"] = _integer(cells.get("net_weight_g", ""), 1, MAX_WEIGHT_G)
        except ValueError:
            error("net_weight_g", _("“%(value)s” is not a whole number of grams from 1 to %(max)d",
                                    value=_text(cells.get("net_weight_g", ""))[:20], max=MAX_WEIGHT_G))
        try:
            values["price_fen"] = _price(cells.get("price", ""))
        except MoneyError:
            error("price", _("“%(value)s” is not a valid amount", value=_text(cells.get("price", ""))[:20]))
        try:
            values["stock"] = _integer(cells.get("stock", ""), 0, MAX_STOCK)
        except ValueError:
            error("stock", _("“%(value)s” is not a whole number from 0 to %(max)d",
                             value=_text(cells.get("stock", ""))[:20], max=MAX_STOCK))
        county = _text(cells.get("county", ""))
        if county and county != cooperative.county_code:
            error("county", _("%(value)s is not your cooperative's county (%(own)s)", value=county[:20],
                              own=cooperative.county_code))
        other = _text(cells.get("cooperative", ""))
        if other and other.upper() != cooperative.credit_code and other != cooperative.name:
            error("cooperative", _("names another cooperative (“%(value)s”); a file may only list your own "
                                   "products", value=other[:40]))
        try:
            values["certificate_valid_until"] = _date(cells.get("certificate_valid_until", ""))
        except ValueError:
            error("certificate_valid_until", _("“%(value)s” is not a date like 2027-12-31",
                                               value=_text(cells.get("certificate_valid_until", ""))[:20]))
        if errors:
            plan.errors.extend(errors)
            continue
        values["row"] = number
        if sku in existing:
            values["id"] = existing[sku][0]
            plan.updates.append(values)
        else:
            plan.creates.append(values)
    if zero_missing:
        plan.absent = [(product_id, sku, name) for sku, (product_id, name) in sorted(existing.items())
                       if sku not in seen]
    return plan


# -- saving ------------------------------------------------------------------------------------------

FIELDS = ("sku", "name", "category_id", "unit", "spec", "net_weight_g", "price_fen", "stock", "description",
          "certificate_type", "certificate_number", "certificate_issuer", "certificate_valid_until")


def _product_values(values: dict) -> dict:
    result = {key: values[key] for key in FIELDS}
    for key in ("certificate_type", "certificate_number", "certificate_issuer"):
        result[key] = result[key] or None
    return result


def apply_import(cooperative: Cooperative, plan: Plan) -> dict[str, int]:
    """Save the plan in one transaction: all rows or none. Stock is set to the file's figure (never below
    zero, so a checkout running at the same moment can never make it negative)."""
    with write_transaction(db.session):
        return write_plan(cooperative, plan)


def write_plan(cooperative: Cooperative, plan: Plan) -> dict[str, int]:
    """The writes of `apply_import`, inside the caller's transaction."""
    if plan.errors:
        raise ImportRejected(_("The file still has errors; nothing was saved."))
    now = utcnow()
    written: list[int] = []
    if plan.creates:
        written += db.session.scalars(insert(Product).returning(Product.id), [
            {**_product_values(values), "cooperative_id": cooperative.id,
             "origin_county_code": cooperative.county_code, "is_active": True, "created_at": now,
             "updated_at": now} for values in plan.creates]).all()
    if plan.updates:
        named = {product_id: (name, spec) for product_id, name, spec in db.session.execute(
            select(Product.id, Product.name, Product.spec).where(Product.cooperative_id == cooperative.id))}
        written += [values["id"] for values in plan.updates
                    if named.get(values["id"]) != (values["name"], values["spec"])]
        # Ids come from this cooperative's own products, read in plan_import (in the same transaction when
        # confirming), so one executemany UPDATE by primary key is safe and fast.
        db.session.execute(update(Product), [{**_product_values(values), "id": values["id"], "updated_at": now}
                                             for values in plan.updates])
    # Bulk statements bypass the ORM's listeners: the search index of new and renamed products is
    # brought up to date here.
    search.refresh_terms(db.session, written)
    if plan.absent:
        db.session.execute(
            update(Product).where(Product.cooperative_id == cooperative.id,
                                  Product.id.in_([absent[0] for absent in plan.absent]))
            .values(stock=0, updated_at=now).execution_options(synchronize_session=False))
    return {"created": len(plan.creates), "updated": len(plan.updates), "zeroed": len(plan.absent)}


# -- the template ------------------------------------------------------------------------------------

EXAMPLE = ["KP-HZ-001", "柯坪薄皮核桃", "干果坚果", "袋", "1 kg/袋", 1000, "39.90", 100, "", "", "新疆柯坪县产薄皮核桃",
           "绿色食品", "LB-18-23081234567A", "中国绿色食品发展中心", "2027-08-31"]


def template_rows(cooperative: Cooperative) -> list[list[object]]:
    example = list(EXAMPLE)
    example[8], example[9] = cooperative.county_code, cooperative.credit_code
    return [[column.header for column in COLUMNS], example]


def template_xlsx(cooperative: Cooperative) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.worksheet import Worksheet
    book = Workbook()
    sheet = book.active
    if not isinstance(sheet, Worksheet):  # a new workbook starts with one worksheet, active
        raise RuntimeError("a new workbook has no active worksheet")
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
