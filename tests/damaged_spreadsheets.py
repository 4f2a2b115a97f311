"""Damaged and hostile listings files, built here so their making is visible: each with the message it must get.

Every file is small; what it claims (sizes, CRCs, dimensions) is what is broken.
"""
from __future__ import annotations

import io
import struct
import zipfile

from openpyxl import Workbook

from shop.catalog.importing.columns import COLUMNS
from shop.catalog.importing.reading import MAX_COLUMNS, MAX_ROWS, MAX_XLSX_UNCOMPRESSED

SHEET = "xl/worksheets/sheet1.xml"
DAMAGED = "The Excel file is damaged or incomplete."
NOT_TEXT = "neither UTF-8 nor GB18030/GBK text, nor an Excel .xlsx file"
TOO_BIG = "unpacks to too much data"


def good_xlsx() -> bytes:
    """A readable listings workbook: the template's headers and one good row."""
    book = Workbook()
    book.active.append([column.header for column in COLUMNS])
    book.active.append(["KP-9", "柯坪杏干", "干果坚果", "袋", "250 g/袋", 250, 19.9, 12])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rezipped(data: bytes, change) -> bytes:
    """The archive written again with change(name, content) applied to each entry's content."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry in source.infolist():
            archive.writestr(entry.filename, change(entry.filename, source.read(entry)))
    return out.getvalue()


def patched_headers(data: bytes, name: str, offset_local: int | None, offset_central: int, value: int) -> bytes:
    """The archive with a 4-byte field of `name`'s central (and local) header set to `value`."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        entry = archive.getinfo(name)
    buffer = bytearray(data)
    if offset_local is not None:
        buffer[entry.header_offset + offset_local:entry.header_offset + offset_local + 4] = struct.pack("<I", value)
    central = buffer.find(b"PK\x01\x02")
    while central >= 0:
        length = struct.unpack("<H", buffer[central + 28:central + 30])[0]
        if buffer[central + 46:central + 46 + length] == name.encode():
            buffer[central + offset_central:central + offset_central + 4] = struct.pack("<I", value)
            return bytes(buffer)
        central = buffer.find(b"PK\x01\x02", central + 4)
    raise AssertionError(f"{name} not in the central directory")


def bad_crc(data: bytes) -> bytes:
    """The sheet's CRC-32 wrong in both headers: found only once the entry is read to its end."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        crc = archive.getinfo(SHEET).CRC ^ 0xFFFFFFFF
    return patched_headers(data, SHEET, 14, 16, crc)


def falsified_size(data: bytes, size: int) -> bytes:
    """The sheet's uncompressed size declared as `size` in the central directory (what zipfile trusts)."""
    return patched_headers(data, SHEET, None, 24, size)


def bomb_with_small_claim() -> bytes:
    """A zip bomb-ish sheet: 50 MB of blanks after the real XML, compressed to ~50 kB, declared as 3 kB."""
    padded = rezipped(good_xlsx(), lambda name, content: content + b" " * (50 * 2**20) if name == SHEET else content)
    return falsified_size(padded, 3000)


def honest_bomb() -> bytes:
    """An entry that truly unpacks to more than the limit, declared honestly."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(SHEET, b"0" * (MAX_XLSX_UNCOMPRESSED + 1))
    return out.getvalue()


def with_dimension(data: bytes, ref: str) -> bytes:
    """The sheet claiming the range `ref` (its cells unchanged)."""
    def change(name: str, content: bytes) -> bytes:
        if name != SHEET:
            return content
        start = content.index(b"<dimension ")
        return content[:start] + f'<dimension ref="{ref}" />'.encode() + content[content.index(b"/>", start) + 2:]
    return rezipped(data, change)


def corrupted_stream(data: bytes) -> bytes:
    """The sheet's deflate stream overwritten in the middle (zlib fails, or the CRC does)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        entry = archive.getinfo(SHEET)
    buffer = bytearray(data)
    start = entry.header_offset + 30 + len(entry.filename) + len(entry.extra) + 2
    buffer[start:start + 40] = b"\xff" * 40
    return bytes(buffer)


def corpus() -> list[tuple[str, bytes, str]]:
    """(name, file, the English message it must get), one of each kind of damage."""
    good = good_xlsx()
    return [
        ("empty", b"", "The file is empty."),
        ("blank", b" \r\n\t ", "The file is empty."),
        ("truncated", good[:len(good) // 2], DAMAGED),
        ("truncated-tail", good[:-10], DAMAGED),
        ("bad-crc", bad_crc(good), DAMAGED),
        ("size-falsified-small", falsified_size(good, 10), DAMAGED),
        ("corrupted-deflate", corrupted_stream(good), DAMAGED),
        ("bomb-declared-small", bomb_with_small_claim(), DAMAGED),
        ("bomb-declared-honestly", honest_bomb(), TOO_BIG),
        ("zip-magic-then-garbage", b"PK\x03\x04" + b"garbage" * 100, DAMAGED),
        ("wrong-magic", b"PK\x05\x06" + good[4:], NOT_TEXT),
        ("old-excel-xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), NOT_TEXT),
        ("sheet-emptied", rezipped(good, lambda name, content: b"" if name == SHEET else content), DAMAGED),
        ("sheet-missing", _without(good, SHEET), DAMAGED),
        ("sheet-not-xml", rezipped(good, lambda name, content: b"<row><c" if name == SHEET else content), DAMAGED),
        ("no-workbook-part", _without(good, "xl/workbook.xml"), DAMAGED),
        ("huge-dimension", with_dimension(good, "A1:XFD1048576"), f"more than {MAX_ROWS} rows"),
        ("wide-dimension", with_dimension(good, "A1:XFD2"), f"more than {MAX_COLUMNS} columns"),
    ]


def _without(data: bytes, name: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry in source.infolist():
            if entry.filename != name:
                archive.writestr(entry.filename, source.read(entry))
    return out.getvalue()
