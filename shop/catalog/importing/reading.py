"""Reading an uploaded listings file into rows of cells: CSV (UTF-8 with or without BOM, GB18030/GBK; comma,
semicolon or tab) or XLSX, refusing whatever is too big, damaged or hostile before it costs memory or time."""
from __future__ import annotations

import csv
import io
import math
import zipfile
from collections.abc import Sequence
from datetime import date, datetime

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

def _read_xlsx(data: bytes) -> list[list[object]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _check_archive(archive)
        return _first_sheet(data)
    except ImportRejected:
        raise
    except Exception as exc:
        # zipfile (BadZipFile, a bad CRC, EOFError), zlib, openpyxl (InvalidFileException, KeyError for a missing
        # part, ValueError, TypeError ...) and the XML parser all raise their own kinds for a damaged file; to the
        # cooperative every one of them means the same thing.
        raise ImportRejected(_("The Excel file is damaged or incomplete. Open it in Excel, save it again as .xlsx "
                               "and upload the new file.")) from exc


def _check_archive(archive: zipfile.ZipFile) -> None:
    """Refuse an archive that unpacks to too much, or whose XML declares entities, before openpyxl opens it."""
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
