"""The listings import over the sample files in tests/samples/listings, and over Excel files built here, always
through the services the upload pages call: start_import, then preview_import, then confirm_import."""
from __future__ import annotations

import io
import re
import zipfile
from datetime import time, timedelta
from pathlib import Path

import pytest
from flask_babel import force_locale
from openpyxl import Workbook
from sqlalchemy import func, select

from shop.accounts.models import CooperativeMembership
from shop.catalog.importing import columns, reading
from shop.catalog.importing.exceptions import ImportRejected
from shop.catalog.importing.models import ListingImport
from shop.catalog.importing.services import confirm_import, preview_import, start_import
from shop.catalog.importing.template import template_xlsx
from shop.catalog.models import Product
from shop.extensions import db
from tests.damaged_spreadsheets import corpus
from tests.factories import add_to_cooperative, make_category, make_cooperative, make_product, make_user

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "listings"


@pytest.fixture
def coop(app_ctx):
    make_category("nuts-dried-fruit", "干果坚果", "Nuts")
    make_category("meat", "肉禽蛋品", "Meat")
    cooperative = make_cooperative("652929", name="柯坪县红枣合作社")
    add_to_cooperative(make_user(), cooperative)
    other = make_cooperative("522633", name="从江县香猪合作社")
    make_product(other, sku="CJ-1", name="从江腊肉", price_fen=8800, stock=5)
    return cooperative


def start(coop, data: bytes, zero_missing: bool = False) -> ListingImport:
    """Upload a file as the cooperative's member, as the upload page does."""
    member = db.session.scalar(select(CooperativeMembership.user_id).filter_by(cooperative_id=coop.id))
    return start_import(coop, member, "listings", data, zero_missing)


def preview(coop, data: bytes, locale: str = "en", zero_missing: bool = False):
    """The upload and its preview plan, messages in `locale` (English here, so the tests read the sources)."""
    with force_locale(locale):
        upload = start(coop, data, zero_missing)
        return upload, preview_import(coop, upload)


def sample(coop, name: str, locale: str = "en", **kwargs):
    """The upload of a sample file and its preview plan."""
    return preview(coop, (SAMPLES / name).read_bytes(), locale, **kwargs)


def plan_of(coop, name: str, locale: str = "en", **kwargs):
    """The preview plan of a sample file."""
    return sample(coop, name, locale, **kwargs)[1]


def save(coop, data: bytes) -> dict[str, int]:
    """Upload a file and confirm it."""
    return confirm_import(coop, start(coop, data).id)


@pytest.mark.parametrize("name", ["good.csv", "good-bom.csv", "good-gb18030.csv", "good-semicolons.csv",
                                  "good-tabs.csv"])
def test_good_files_in_every_encoding_and_separator(coop, name):
    upload, plan = sample(coop, name)
    assert plan.errors == [] and plan.ok
    rows = {row["sku"]: row for row in plan.creates}
    assert sorted(rows) == ["KP-001", "KP-002", "KP-003", "KP-004"]
    assert rows["KP-001"]["name"] == "柯坪红枣" and rows["KP-001"]["price_fen"] == 4580
    assert rows["KP-002"]["price_fen"] == 128050 and rows["KP-002"]["net_weight_g"] == 500
    assert rows["KP-004"]["row"] == 6  # the blank line 5 is skipped but rows keep the spreadsheet's numbers
    result = confirm_import(coop, upload.id)
    assert result == {"created": 4, "updated": 0, "zeroed": 0}
    product = db.session.scalar(select(Product).where(Product.sku == "KP-003"))
    assert (product.cooperative_id, product.origin_county_code, product.category.slug, product.stock) == \
        (coop.id, "652929", "meat", 0)


def test_a_second_upload_updates_by_sku_and_can_zero_the_missing(coop):
    save(coop, (SAMPLES / "good.csv").read_bytes())
    extra = make_product(coop, sku="OLD-1", stock=40)
    text = (SAMPLES / "good.csv").read_text(encoding="utf-8").replace("45.80,120", "50.00,7")
    upload, plan = preview(coop, text.encode(), zero_missing=True)
    assert (len(plan.creates), len(plan.updates)) == (0, 4)
    assert [sku for _, sku, _ in plan.absent] == ["OLD-1"]
    assert confirm_import(coop, upload.id) == {"created": 0, "updated": 4, "zeroed": 1}
    assert db.session.scalar(select(Product.price_fen).where(Product.sku == "KP-001")) == 5000
    assert db.session.get(Product, extra.id, populate_existing=True).stock == 0


def test_a_price_changed_by_upload_re_sorts_search_by_price(coop):
    """An update that changes prices alone (no name or spec) still brings the search index's prices along."""
    from shop.catalog import search
    from shop.catalog.queries import ProductFilters, search_products

    def by_price(sort: str) -> list[str]:
        page = search_products(ProductFilters(q="柯坪", sort=sort), 1, 10)
        return [db.session.get(Product, card.id).sku for card in page.items]

    good = (SAMPLES / "good.csv").read_text(encoding="utf-8")
    save(coop, good.encode())
    assert by_price("price_asc") == ["KP-001", "KP-002"]
    assert save(coop, good.replace('"1,280.50",30', "10.00,30").encode())["updated"] == 4
    assert by_price("price_asc") == ["KP-002", "KP-001"] and by_price("price_desc") == ["KP-001", "KP-002"]
    assert search.stale_products(db.session) == []


def messages(plan) -> dict[int, str]:
    return {error.row: f"{error.column}: {error.message}" for error in plan.errors}


def test_bad_rows_of_every_kind_are_named_by_row_and_column(coop):
    upload, plan = sample(coop, "bad-rows.csv")
    found = messages(plan)
    expected = {
        2: "单价（元）: “abc” is not a valid amount", 3: "单价（元）: “-5” is not a valid amount",
        4: "净重（克）: “0” is not a whole number of grams", 5: "库存: “-1” is not a whole number",
        6: "库存: “1.5” is not a whole number", 7: "品类: “家电” is not one of the categories",
        8: "单位: “吨” is not one of the units", 9: "商品编码: is required", 10: "商品名称: is required",
        11: "产地县代码: 522633 is not your cooperative's county", 12: "合作社统一社会信用代码: names another cooperative",
        13: "单价（元）: “10.001” is not a valid amount", 14: "商品名称: is longer than 120 characters",
        16: "商品编码: “KP-114” is already on row 15",
    }
    for row, text in expected.items():
        assert found.get(row, "").startswith(text), (row, found.get(row))
    assert set(found) == set(expected)
    assert [row["sku"] for row in plan.creates] == ["KP-114"] and not plan.ok
    with pytest.raises(ImportRejected):
        confirm_import(coop, upload.id)
    assert db.session.scalar(select(Product).where(Product.sku == "KP-114")) is None  # nothing half-applied


def test_messages_speak_the_cooperatives_language(coop):
    plan = plan_of(coop, "bad-rows.csv", locale="zh_CN")
    with force_locale("zh_CN"):
        assert str(plan.errors[0]) == "第 2 行 单价（元）：“abc” 不是有效金额"


def test_huge_numbers_are_refused(coop):
    found = messages(plan_of(coop, "huge-numbers.csv"))
    assert set(found) == {2, 3, 4, 5, 6, 7}
    assert found[3].startswith("库存") and found[4].startswith("净重")


def test_formula_looking_cells_are_refused(coop):
    found = messages(plan_of(coop, "formula-cells.csv"))
    assert set(found) == {2, 3, 4, 5, 6}
    assert "looks like a formula" in found[2] and "looks like a formula" in found[3]


def test_another_cooperatives_sku_creates_our_own_product_and_never_touches_theirs(coop):
    upload, plan = sample(coop, "other-cooperatives-sku.csv")
    assert [row["sku"] for row in plan.creates] == ["CJ-1"] and plan.updates == []
    confirm_import(coop, upload.id)
    theirs = db.session.scalar(select(Product).where(Product.sku == "CJ-1", Product.cooperative_id != coop.id))
    assert (theirs.name, theirs.price_fen, theirs.stock) == ("从江腊肉", 8800, 5)


@pytest.mark.parametrize("name, message", [("no-header.csv", "missing"), ("binary.csv", "neither UTF-8")])
def test_unreadable_files_are_refused_as_a_whole(coop, name, message):
    with pytest.raises(ImportRejected, match=message):
        plan_of(coop, name)


def test_an_oversized_file_is_refused_before_reading(coop):
    with force_locale("en"), pytest.raises(ImportRejected, match="larger than"):
        start(coop, b"a" * (reading.MAX_FILE_BYTES + 1))


def workbook(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_excel_with_typed_cells(coop):
    header = [column.header for column in columns.COLUMNS]
    data = workbook([header, ["KP-9", "柯坪杏干", "干果坚果", "袋", "250 g/袋", 250, 19.9, 12, 652929, "", "",
                              "", "", "", None]])
    plan = preview(coop, data)[1]
    assert plan.errors == [] and plan.creates[0]["price_fen"] == 1990 and plan.creates[0]["stock"] == 12


def test_the_template_reads_back_cleanly(coop):
    plan = preview(coop, template_xlsx(coop))[1]
    assert plan.errors == [] and [row["sku"] for row in plan.creates] == ["KP-HZ-001"]


def test_a_zip_bomb_is_refused_before_unpacking(coop):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (reading.MAX_XLSX_UNCOMPRESSED + 1))
    data = out.getvalue()
    assert len(data) < 200_000  # small on disk, huge unpacked
    with force_locale("en"), pytest.raises(ImportRejected, match="unpacks to too much"):
        start(coop, data)


def test_too_many_entries_are_refused(coop):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for n in range(reading.MAX_XLSX_ENTRIES + 1):
            archive.writestr(f"x/{n}.xml", "<a/>")
    with force_locale("en"), pytest.raises(ImportRejected, match="unpacks to too much"):
        start(coop, out.getvalue())


def test_xml_entities_are_refused(coop):
    source = io.BytesIO(workbook([[column.header for column in columns.COLUMNS]]))
    out = io.BytesIO()
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(out, "w") as archive:
        for entry in original.infolist():
            content = original.read(entry)
            if entry.filename == "xl/worksheets/sheet1.xml":
                content = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>'
                           + content.split(b"?>", 1)[-1])
            archive.writestr(entry, content)
    with force_locale("en"), pytest.raises(ImportRejected, match="entity"):
        start(coop, out.getvalue())


def test_a_damaged_excel_file_is_refused(coop):
    with pytest.raises(ImportRejected):
        start(coop, b"PK\x03\x04" + b"garbage" * 100)


def test_imported_and_reimported_products_are_found_by_search(coop):
    from shop.catalog import search
    from shop.catalog.queries import ProductFilters, search_products

    def found(q):
        return {card.name for card in search_products(ProductFilters(q=q), 1, 100).items}

    save(coop, (SAMPLES / "good.csv").read_bytes())
    assert found("红枣") == {"柯坪红枣"} and found("核桃") == {"柯坪核桃"}
    text = (SAMPLES / "good.csv").read_text(encoding="utf-8").replace("柯坪核桃", "柯坪薄皮核桃")
    save(coop, text.encode())
    assert found("薄皮") == {"柯坪薄皮核桃"}
    assert search.stale_products(db.session) == []


@pytest.mark.parametrize("name, data, message", corpus(), ids=[case[0] for case in corpus()])
def test_damaged_files_are_refused_with_a_clear_message_and_nothing_kept(coop, name, data, message):
    with force_locale("en"):
        with pytest.raises(ImportRejected, match=re.escape(message)):
            reading.read_table(data)
        with pytest.raises(ImportRejected, match=re.escape(message)):
            start(coop, data)
    assert db.session.scalar(select(func.count()).select_from(ListingImport)) == 0


def without_dimension(data: bytes) -> bytes:
    """The workbook with its sheet's <dimension> removed, as some programs write it."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as archive:
        for entry in source.infolist():
            content = source.read(entry)
            if entry.filename == "xl/worksheets/sheet1.xml":
                content = re.sub(rb"<dimension [^>]*/>", b"", content)
            archive.writestr(entry, content)
    return out.getvalue()


def test_a_cell_far_to_the_right_is_not_read_and_widens_nothing(coop):
    header = [column.header for column in columns.COLUMNS]
    book = Workbook()
    book.active.append(header)
    book.active.append(["KP-9", "柯坪杏干", "干果坚果", "袋", "250 g/袋", 250, "19.90", 12])
    book.active.cell(2, 16384, "far away")
    out = io.BytesIO()
    book.save(out)
    upload, plan = preview(coop, without_dimension(out.getvalue()))
    assert max(len(row) for row in upload.rows) <= reading.MAX_COLUMNS
    assert plan.errors == [] and [row["sku"] for row in plan.creates] == ["KP-9"]


def test_an_infinite_number_in_excel_is_a_row_error_not_a_crash(coop):
    data = workbook([[column.header for column in columns.COLUMNS],
                     ["KP-9", "柯坪杏干", "干果坚果", "袋", "250 g/袋", 250, 12345, 12]])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as archive:
        for entry in source.infolist():
            content = source.read(entry)
            if entry.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b"<v>12345</v>", b"<v>1e999</v>")
            archive.writestr(entry, content)
    plan = preview(coop, out.getvalue())[1]
    assert messages(plan) == {2: "单价（元）: “inf” is not a valid amount"}


def test_the_upload_checks_the_headers_and_leaves_the_rows_to_the_preview(coop):
    upload, plan = sample(coop, "bad-rows.csv")  # every row has an error, yet the file is kept
    assert upload.id and len(plan.errors) == 14
    with force_locale("en"), pytest.raises(ImportRejected, match="must hold the column headers"):
        start(coop, (SAMPLES / "no-header.csv").read_bytes())


def test_confirming_plans_again_against_the_products_as_they_are_now(coop):
    upload, plan = sample(coop, "good.csv")
    assert [row["sku"] for row in plan.creates] == ["KP-001", "KP-002", "KP-003", "KP-004"]
    make_product(coop, sku="KP-001", name="旧名字", stock=3)  # listed by hand between preview and confirm
    assert confirm_import(coop, upload.id) == {"created": 3, "updated": 1, "zeroed": 0}
    product = db.session.scalar(select(Product).where(Product.cooperative_id == coop.id, Product.sku == "KP-001"))
    assert (product.name, product.stock) == ("柯坪红枣", 120)


def test_time_and_duration_cells_are_kept_as_their_text(coop):
    data = workbook([[column.header for column in columns.COLUMNS],
                     ["KP-9", "柯坪杏干", "干果坚果", "袋", time(5, 1), timedelta(hours=30), "19.90", 12]])
    upload, plan = preview(coop, data)
    assert upload.rows[1][4:6] == ["05:01:00", "1 day, 6:00:00"]
    assert messages(plan) == {2: "净重（克）: “1 day, 6:00:00” is not a whole number of grams from 1 to 1000000"}
