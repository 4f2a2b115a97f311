"""File downloads as attachments: CSV for Excel (UTF-8 with BOM, formulas neutralised) and XLSX workbooks."""
from __future__ import annotations

from collections.abc import Iterable

from flask import Response, stream_with_context

from shop.core.spreadsheets import csv_lines

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _headers(filename: str, private: bool) -> dict[str, str]:
    # Names are made by the shop (ASCII, no quotes), never taken from a request.
    if not filename.isascii() or '"' in filename:
        raise ValueError(f"download names are plain ASCII: {filename!r}")
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if private:
        headers["Cache-Control"] = "no-store"  # addresses and phone numbers stay out of shared caches
    return headers


def csv_download(filename: str, header: Iterable[object], rows: Iterable[Iterable[object]], *,
                 private: bool = False) -> Response:
    """A CSV attachment streamed line by line (see core.spreadsheets.csv_lines); `private` keeps it out of
    caches. Pass `rows` already computed when a failure half-way should be an error page, not a short file."""
    lines = (line.encode("utf-8") for line in csv_lines(header, rows))
    return Response(stream_with_context(lines), mimetype="text/csv", headers=_headers(filename, private))


def xlsx_download(filename: str, data: bytes) -> Response:
    """An Excel workbook (already written) as an attachment."""
    return Response(data, mimetype=XLSX_MIMETYPE, headers=_headers(filename, private=False))


def pdf_download(filename: str, data: bytes) -> Response:
    """A PDF (already written) as an attachment, kept out of shared caches."""
    return Response(data, mimetype="application/pdf", headers=_headers(filename, private=True))
