"""Reading Excel files: calamine for the usual file, openpyxl for whatever calamine may not be given, with the same
cells from both; and the checks that decide which one reads it, so a hostile sheet never reaches calamine."""
from __future__ import annotations

import io
import zipfile
from datetime import date, datetime, time
from xml.parsers import expat

import pytest
import python_calamine
from flask_babel import force_locale
from openpyxl import Workbook

from shop.catalog.importing import reading
from shop.catalog.importing.exceptions import ImportRejected

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"


def excel_like(sheet_data: str, shared_strings: list[str], dimension: str = "") -> bytes:
    """A workbook as Excel writes it (text in a shared-string table, every cell addressed, dates as numbers with
    a date format, style 1 here), rather than as openpyxl does (text inline)."""
    strings = "".join(f"<si>{text}</si>" for text in shared_strings)
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>'),
        "_rels/.rels": (
            f'<Relationships xmlns="{PACKAGE_RELATIONSHIPS}"><Relationship Id="rId1" '
            f'Type="{RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": (
            f'<workbook xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}"><sheets>'
            '<sheet name="商品" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{PACKAGE_RELATIONSHIPS}">'
            f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{RELATIONSHIPS}/sharedStrings" Target="sharedStrings.xml"/>'
            f'<Relationship Id="rId3" Type="{RELATIONSHIPS}/styles" Target="styles.xml"/></Relationships>'),
        "xl/styles.xml": (
            f'<styleSheet xmlns="{MAIN}"><fonts count="1"><font/></fonts>'
            '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
            '<borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs>'
            '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'),
        "xl/sharedStrings.xml": f'<sst xmlns="{MAIN}" count="{len(shared_strings)}">{strings}</sst>',
        "xl/worksheets/sheet1.xml": (
            f'<worksheet xmlns="{MAIN}">{dimension}<sheetData>{sheet_data}</sheetData></worksheet>'),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + text)
    return out.getvalue()


def openpyxl_workbook(cells: dict[str, object]) -> bytes:
    book = Workbook()
    for address, value in cells.items():
        book.active[address] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def through_openpyxl(data: bytes) -> list[list[object]]:
    """What the reader gave before calamine, and still gives for a file calamine may not be given."""
    return reading._first_sheet(data)


@pytest.fixture
def calamine_calls(monkeypatch) -> list[bytes]:
    """The archives handed to calamine while the test runs."""
    calls: list[bytes] = []
    real = reading._calamine_sheet

    def spy(copy: bytes):
        calls.append(copy)
        return real(copy)

    monkeypatch.setattr(reading, "_calamine_sheet", spy)
    return calls


EXCEL_ROWS = (
    '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c>'
    '<c r="D1" t="s"><v>3</v></c><c r="E1" t="s"><v>4</v></c></row>'
    '<row r="2"><c r="A2" t="s"><v>5</v></c><c r="B2"><v>250</v></c><c r="C2"><v>19.899999999999999</v></c>'
    '<c r="D2" s="1"><v>46387</v></c><c r="E2" t="b"><v>1</v></c><c r="F2" t="e"><v>#N/A</v></c>'
    '<c r="G2" t="s"><v>6</v></c><c r="H2" s="1"/></row>'
    '<row r="4"><c r="C4" t="s"><v>0</v></c></row>'
)
EXCEL_STRINGS = ["<t>商品编码</t>", "<t>净重（克）</t>", "<t>单价（元）</t>", "<t>生产日期</t>", "<t>有机</t>",
                 '<r><t>KP-</t></r><r><rPr><b/></rPr><t>9</t></r><rPh sb="0" eb="1"><t>ke</t></rPh>',
                 '<t xml:space="preserve"> 柯坪_x000D_红枣 </t>']


def test_an_excel_written_file_is_read_by_calamine_with_openpyxls_types(calamine_calls):
    rows = reading.read_table(excel_like(EXCEL_ROWS, EXCEL_STRINGS))
    assert len(calamine_calls) == 1
    assert rows == [["商品编码", "净重（克）", "单价（元）", "生产日期", "有机"],
                    ["KP-9", 250, 19.9, date(2026, 12, 31), True, "", " 柯坪\r红枣 "], [], ["", "", "商品编码"]]
    assert type(rows[1][1]) is int and type(rows[1][2]) is float  # "250" is 250, as openpyxl reads it
    assert reading.stored_cells(rows)[1][:5] == ["KP-9", 250, 19.9, "2026-12-31", True]


def test_both_readers_give_the_same_cells_but_for_error_cells_and_escapes():
    data = excel_like(EXCEL_ROWS, EXCEL_STRINGS)
    by_calamine = reading.stored_cells(reading.read_table(data))
    by_openpyxl = reading.stored_cells(through_openpyxl(data))
    # openpyxl gives an error cell as its text and leaves Excel's _x000D_ (a carriage return) as it is written
    assert by_openpyxl[1][5:] == ["#N/A", " 柯坪_x000D_红枣 "]
    by_openpyxl[1][5:] = ["", " 柯坪\r红枣 "]
    assert by_calamine == by_openpyxl


def test_an_openpyxl_written_file_gives_the_same_cells_through_both_readers(calamine_calls):
    data = openpyxl_workbook({
        "A1": "KP-9", "B1": 250, "C1": 19.9, "D1": -3, "E1": 1e20, "F1": True, "G1": "=SUM(B1:C1)",
        "A2": datetime(2028, 12, 31), "B2": datetime(2028, 12, 31, 10, 30), "C2": date(2027, 5, 1),
        "D2": time(5, 1), "E2": "0652929", "F2": "  有机  ", "D5": "far below, to the right"})
    rows = reading.read_table(data)
    assert len(calamine_calls) == 1
    # calamine gives a whole day as a date, openpyxl as a datetime at midnight; both are kept as "2028-12-31"
    assert reading.stored_cells(rows) == reading.stored_cells(through_openpyxl(data))
    assert [type(cell) for cell in rows[0][1:5]] == [int, float, int, float]
    assert reading.stored_cells(rows)[1][:4] == ["2028-12-31", "2028-12-31T10:30:00", "2027-05-01", "05:01:00"]
    assert rows[2:4] == [[], []] and rows[4] == ["", "", "", "far below, to the right"]


def test_a_cell_beyond_the_limits_keeps_the_file_from_calamine(calamine_calls):
    far = excel_like('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
                     '<row r="1048576"><c r="XFD1048576" t="s"><v>0</v></c></row>', ["<t>商品编码</t>"])
    # calamine would allocate 16,384 × 1,048,576 cells for this and abort the process
    assert reading.read_table(far) == [["商品编码"]] and calamine_calls == []


def test_cells_within_the_limits_may_be_given_to_calamine():
    reading._check_part(b'<sheetData><row><c r="CV20001"><v>1</v></c><c r="A1" s="3"/></row></sheetData>')


def test_an_empty_cell_far_away_is_taken_for_a_cell():
    # calamine would skip it, but it is not ours to know which cells calamine keeps: openpyxl reads that file
    with pytest.raises(reading._NotForCalamine):
        reading._check_part(b'<sheetData><row><c r="XFD5" s="3"/></row></sheetData>')


@pytest.mark.parametrize("part", [
    '<sheetData><row r="1"><c r="CW1"><v>1</v></c></row></sheetData>',  # column 101
    '<sheetData><row r="20002"><c r="A20002"><v>1</v></c></row></sheetData>',
    '<sheetData><row><c><v>1</v></c></row></sheetData>',  # placed by counting
    '<sheetData><row><c r="a1"><v>1</v></c><c r="$A$1"><v>1</v></c></row></sheetData>',
    '<x:sheetData xmlns:x="m"><x:row><x:c r="XFD1"><x:v>1</x:v></x:c></x:row></x:sheetData>',
    '<worksheet><dimension ref="A1:XFD1048576"/><sheetData/></worksheet>',
    '<!DOCTYPE x [<!ENTITY a "b">]><x/>',
])
def test_parts_calamine_is_not_given(part):
    with pytest.raises(reading._NotForCalamine):
        reading._check_part(part.encode())


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_a_part_in_another_encoding_is_not_given_to_calamine(encoding):
    # Parsers disagree on how to read UTF-16 bytes, so the check's view of the cells might not be calamine's
    part = f'<?xml version="1.0" encoding="{encoding.upper()}"?><sheetData/>'.encode(encoding)
    with pytest.raises((reading._NotForCalamine, expat.ExpatError)):
        reading._check_part(part)


def test_too_many_shared_strings_leave_the_file_to_openpyxl(monkeypatch, calamine_calls):
    monkeypatch.setattr(reading, "MAX_SHARED_STRINGS", 3)
    data = excel_like(EXCEL_ROWS, EXCEL_STRINGS)
    assert reading.read_table(data) == through_openpyxl(data) and calamine_calls == []


def with_entry(data: bytes, name: str, content: bytes | None = None) -> bytes:
    """The archive with one more entry `name` (a second copy of it when it is there already and no content is given)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as archive:
        for entry in source.infolist():
            archive.writestr(entry, source.read(entry))
        archive.writestr(name, source.read(name) if content is None else content)
    return out.getvalue()


def test_same_named_entries_leave_the_file_to_openpyxl(calamine_calls):
    good = excel_like(EXCEL_ROWS, EXCEL_STRINGS)
    with pytest.warns(UserWarning, match="Duplicate name"):
        doubled = with_entry(good, "xl/worksheets/sheet1.xml")
    assert reading.read_table(doubled) == through_openpyxl(good) and calamine_calls == []


class PanicException(BaseException):
    """What pyo3 raises for a panic in Rust code."""


@pytest.mark.parametrize("failure", [python_calamine.CalamineError("bad"), PanicException("unwrap on None")])
def test_a_file_calamine_cannot_read_is_read_by_openpyxl(monkeypatch, failure):
    def fail(*args, **kwargs):
        raise failure

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike", fail)
    data = excel_like(EXCEL_ROWS, EXCEL_STRINGS)
    assert reading.read_table(data) == through_openpyxl(data)


def test_other_interruptions_are_not_taken_for_a_damaged_file(monkeypatch):
    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike", interrupt)
    with pytest.raises(KeyboardInterrupt):
        reading.read_table(excel_like(EXCEL_ROWS, EXCEL_STRINGS))


def test_an_entry_damaged_anywhere_refuses_the_file(app_ctx):
    # Every entry is unpacked and CRC-checked before calamine is given the file, even one no reader needs.
    data = bytearray(with_entry(excel_like(EXCEL_ROWS, EXCEL_STRINGS), "docProps/thumbnail.jpeg",
                                b"\xff\xd8" + bytes(64)))
    data[data.rindex(b"\xff\xd8") + 10] ^= 0xFF  # stored uncompressed: the CRC no longer matches
    with force_locale("en"), pytest.raises(ImportRejected, match="damaged or incomplete"):
        reading.read_table(bytes(data))
