"""Reading an uploaded listings file into rows of cells: CSV (UTF-8 with or without BOM, GB18030/GBK; comma,
semicolon or tab) or XLSX (archive size, entry count and XML entities checked first)."""
from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime

from flask_babel import gettext as _

from shop.catalog.importing.exceptions import ImportRejected

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000  # listings, not counting the header
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
    return cell.isoformat() if isinstance(cell, date) else cell


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
    return [list(row) for row in rows]


# -- XLSX --------------------------------------------------------------------------------------------

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
    except Exception as exc:  # openpyxl raises many kinds for broken files
        raise ImportRejected(_("The Excel file cannot be read: %(error)s", error=type(exc).__name__)) from exc
    return rows
