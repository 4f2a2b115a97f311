"""Reading an uploaded listings file into rows of cells: CSV (UTF-8 with or without BOM, GB18030/GBK; comma,
semicolon or tab) or XLSX, refusing whatever is too big, damaged or hostile before it costs memory or time."""
from __future__ import annotations

import csv
import io
import math
import re
import zipfile
from collections.abc import Sequence
from datetime import date, datetime
from xml.parsers import expat

from flask_babel import gettext as _

from shop.catalog.importing.exceptions import ImportRejected

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000  # listings, not counting the header
MAX_COLUMNS = 100  # the template has 15; the rest leaves room for a cooperative's own notes
MAX_XLSX_ENTRIES = 200
MAX_XLSX_UNCOMPRESSED = 60 * 1024 * 1024
XLSX_MAGIC = b"PK\x03\x04"


def read_table(data: bytes) -> list[list[object]]:
    """The rows of the first sheet (XLSX) or of the CSV, header first; cells as str, int, float or date."""
    if len(data) > MAX_FILE_BYTES:
        raise ImportRejected(_("The file is larger than %(mb)d MB.", mb=MAX_FILE_BYTES // 2**20))
    if not data.strip():
        raise ImportRejected(_("The file is empty."))
    rows = _read_xlsx(data) if data[:4] == XLSX_MAGIC else _read_csv(data)
    if not rows:
        raise ImportRejected(_("The file is empty."))
    if len(rows) > MAX_ROWS + 1:
        raise ImportRejected(_("The file has more than %(n)d rows; split it.", n=MAX_ROWS))
    return rows


def stored_cells(rows: list[list[object]]) -> list[list[object]]:
    """The rows as JSON keeps them: Excel dates become ISO text, which the checks read the same way."""
    return [[_stored(cell) for cell in row] for row in rows]


def _stored(cell: object) -> object:
    if isinstance(cell, datetime):
        return cell.date().isoformat() if cell.time() == datetime.min.time() else cell.isoformat()
    if isinstance(cell, date):
        return cell.isoformat()
    if isinstance(cell, float) and not math.isfinite(cell):
        return repr(cell)  # JSON on PostgreSQL has no Infinity or NaN; the checks refuse "inf" as text too
    if cell is None or isinstance(cell, (str, int, float)):
        return cell
    # A time of day or a duration (Excel turns "5:1" typed in a cell into 05:01), or anything else openpyxl
    # may give: kept as the text the checks would read from it, since JSON cannot hold it.
    return str(cell)


# -- CSV ---------------------------------------------------------------------------------------------

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
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise ImportRejected(_("The CSV cannot be read: %(error)s", error=str(exc))) from exc
    return [_bounded(row) for row in rows]


def _bounded(row: Sequence[object]) -> list[object]:
    """At most MAX_COLUMNS cells, trailing blanks cut (so a row of a million separators costs nothing)."""
    cells = ["" if value is None else value for value in row[:MAX_COLUMNS]]
    while cells and cells[-1] == "":
        cells.pop()
    return cells


# -- XLSX --------------------------------------------------------------------------------------------
#
# Two readers: calamine (Rust, python-calamine) for the usual file, four to eight times faster than openpyxl even
# with the checks below, and openpyxl's read-only mode for everything else. calamine builds the whole sheet as
# one dense grid, as tall and wide as its farthest cell: a single cell at XFD1048576 asks for half a terabyte
# and aborts the process, and a zip entry longer than its declared size is unpacked in full. So calamine is
# only ever given what was checked first (_checked_copy): every entry unpacked by zipfile within its declared
# size and CRC-checked, every XML part well-formed UTF-8 without a DTD, and every cell of every sheet addressed
# (r="B7") within MAX_ROWS + 1 rows and MAX_COLUMNS columns, as is its declared dimension. A file that is not
# like that (a stray cell at XFD2, a sheet claiming a million rows), or that calamine cannot read, goes to
# openpyxl, which reads it (or refuses it) exactly as before.

def _read_xlsx(data: bytes) -> list[list[object]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _check_archive(archive)
            copy = _checked_copy(archive)
        rows = _calamine_sheet(copy) if copy is not None else None
        return rows if rows is not None else _first_sheet(data)
    except ImportRejected:
        raise
    except Exception as exc:
        # zipfile (BadZipFile, a bad CRC, EOFError), zlib, openpyxl (InvalidFileException, KeyError for a missing
        # part, ValueError, TypeError ...) and the XML parser all raise their own kinds for a damaged file; to the
        # cooperative every one of them means the same thing.
        raise ImportRejected(_("The Excel file is damaged or incomplete. Open it in Excel, save it again as .xlsx "
                               "and upload the new file.")) from exc


def _check_archive(archive: zipfile.ZipFile) -> None:
    """Refuse an archive that unpacks to too much, or whose XML declares entities, before any reader opens it."""
    entries = archive.infolist()
    # The declared sizes are checked before anything is unpacked: a small file may claim gigabytes (a zip bomb).
    # A size declared smaller than the truth is safe: zipfile never unpacks past it and then fails the CRC.
    if len(entries) > MAX_XLSX_ENTRIES or sum(entry.file_size for entry in entries) > MAX_XLSX_UNCOMPRESSED:
        raise ImportRejected(_("The Excel file unpacks to too much data; save it again with only the listings."))
    for entry in entries:
        if entry.filename.endswith((".xml", ".rels")):
            with archive.open(entry) as handle:
                head = handle.read(4096)
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                raise ImportRejected(_("The Excel file contains XML entity declarations, which are refused."))


def _first_sheet(data: bytes) -> list[list[object]]:
    """The cells of the first sheet, at most MAX_ROWS + 1 rows of at most MAX_COLUMNS cells, trailing blanks cut."""
    from openpyxl import load_workbook  # uses defusedxml when installed (it is a dependency)

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        _check_dimension(sheet.max_row or 0, sheet.max_column or 0)
        # openpyxl widens every row to the declared width, or without one to the row's last cell: a single cell
        # in column XFD would make each row 16,384 cells. So never more columns than allowed are asked for.
        rows: list[list[object]] = []
        for row in sheet.iter_rows(max_col=min(sheet.max_column or MAX_COLUMNS, MAX_COLUMNS), values_only=True):
            rows.append(_bounded(row))
            if len(rows) > MAX_ROWS + 1:
                break
    finally:
        book.close()
    while rows and not rows[-1]:
        rows.pop()  # formatting below the listings shows up as empty rows
    return rows


def _check_dimension(max_row: int, max_column: int) -> None:
    """Refuse a sheet that says it is larger than any listings file may be."""
    if max_row > MAX_ROWS + 1:
        raise ImportRejected(_("The file has more than %(n)d rows; split it.", n=MAX_ROWS))
    if max_column > MAX_COLUMNS:
        raise ImportRejected(_("The first sheet has more than %(n)d columns; keep only the template's columns and "
                               "save it again.", n=MAX_COLUMNS))


# -- XLSX through calamine ---------------------------------------------------------------------------

MAX_CELLS = (MAX_ROWS + 1) * MAX_COLUMNS  # calamine keeps every cell with content before placing them
MAX_SHARED_STRINGS = MAX_CELLS  # calamine keeps them all; no listings file needs more
_ADDRESS = re.compile(r"(?<![^ ])([A-Z]{1,3})([0-9]{1,7})(?![^ ])")  # one of the space-separated addresses


class _NotForCalamine(Exception):
    """The part is not one calamine may be given; openpyxl reads the file instead."""


def _checked_copy(archive: zipfile.ZipFile) -> bytes | None:
    """The archive again, uncompressed, with only the XML parts that passed _check_part; None if any did not.

    Every entry is unpacked here by zipfile, which stops at the declared size and checks the CRC (a damaged
    entry raises, and the file is refused as damaged); entries that are not XML (pictures, printer settings)
    are left out, as calamine does not read them."""
    out = io.BytesIO()
    names: set[str] = set()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as copy:
        for entry in archive.infolist():
            if entry.is_dir():
                continue
            content = archive.read(entry)
            if entry.filename in names:
                return None  # which of two same-named entries a reader takes is its own choice
            names.add(entry.filename)
            if not entry.filename.lower().endswith((".xml", ".rels")):
                continue
            try:
                _check_part(content)
            except (_NotForCalamine, expat.ExpatError):
                return None
            copy.writestr(entry.filename, content)
    return out.getvalue()


def _check_part(content: bytes) -> None:
    """Parse one XML part as UTF-8, whatever it declares (calamine's parser reads the same bytes), and raise
    _NotForCalamine for UTF-16, a DTD, a dimension or a cell outside the limits, a cell without its address, too many
    cells or more shared strings than allowed. Every element named c is taken for a cell, wherever it is and
    even when empty: more than calamine places, never less."""
    if b"\x00" in content:  # UTF-16 or UTF-32: their "<" has a NUL byte, which UTF-8 XML never has
        raise _NotForCalamine("not UTF-8")
    parser = expat.ParserCreate(encoding="UTF-8")
    addresses: list[str] = []  # checked a batch at a time
    counts = {"cells": 0, "si": 0}

    def start(name: str, attributes: dict[str, str]) -> None:
        if ":" in name:
            name = name.rpartition(":")[2]
        if name == "c":
            addresses.append(attributes.get("r", ""))
            if len(addresses) == 10_000:
                _check_addresses(addresses, counts)
        elif name == "dimension":  # what the sheet says of its size: openpyxl refuses too much, as before
            _check_addresses(attributes.get("ref", "").split(":"), {"cells": 0})
        elif name == "si":
            counts["si"] += 1
            if counts["si"] > MAX_SHARED_STRINGS:
                raise _NotForCalamine("shared strings")

    def refuse(*args: object) -> None:
        raise _NotForCalamine("DTD")

    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.Parse(content, True)
    _check_addresses(addresses, counts)


def _check_addresses(addresses: list[str], counts: dict[str, int]) -> None:
    """Raise _NotForCalamine unless every one is a plain address (B7) within MAX_ROWS + 1 rows and MAX_COLUMNS
    columns, and no more cells than that were seen; empty the list. A cell without an address would be placed
    by counting, which is calamine's to know, not ours."""
    found = _ADDRESS.findall(" ".join(addresses))
    counts["cells"] += len(addresses)
    if len(found) != len(addresses) or counts["cells"] > MAX_CELLS:
        raise _NotForCalamine("addresses")
    if found and (max(int(row) for row in {row for _, row in found}) > MAX_ROWS + 1
                  or max(_column_number(letters) for letters in {letters for letters, _ in found}) > MAX_COLUMNS):
        raise _NotForCalamine("too far")
    addresses.clear()


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def _calamine_sheet(copy: bytes) -> list[list[object]] | None:
    """The cells of the first worksheet as _first_sheet gives them, or None when calamine cannot read the file."""
    from python_calamine import CalamineWorkbook, SheetTypeEnum

    try:
        with CalamineWorkbook.from_filelike(io.BytesIO(copy)) as book:
            names = [sheet.name for sheet in book.sheets_metadata if sheet.typ == SheetTypeEnum.WorkSheet]
            if not names:
                return None
            # From A1, as openpyxl gives it: calamine starts at the first cell with a value.
            grid = book.get_sheet_by_name(names[0]).to_python(skip_empty_area=False)
    except Exception:
        return None
    except BaseException as exc:  # a panic in calamine arrives as pyo3's PanicException, a BaseException
        if type(exc).__name__ != "PanicException":
            raise
        return None
    rows = [_bounded([_calamine_value(value) for value in row]) for row in grid]
    while rows and not rows[-1]:
        rows.pop()
    return rows


def _calamine_value(value: object) -> object:
    """A cell as openpyxl gives it: a whole number as int (Excel keeps every number as a float, openpyxl reads
    "12" as 12), the rest as it is. calamine gives an error cell (#N/A) as "", openpyxl as its text."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value
