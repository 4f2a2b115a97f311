"""File downloads: CSV for Excel (UTF-8 with BOM, formulas neutralised), XLSX workbooks, JSON, kept files, and
private uploaded documents (proofs, invoices)."""
from __future__ import annotations

from collections.abc import Iterable

from flask import Response, abort, send_file, send_from_directory, stream_with_context

from shop.core.documents import JPEG_MEDIA_TYPE, media_type
from shop.core.spreadsheets import csv_lines
from shop.core.storage import FolderStore, Store, content_type, resolve

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


def stored_file(store: Store, name: str, *, mimetype: str | None = None, as_attachment: bool = False,
                download_name: str | None = None, max_age: int | None = None) -> Response:
    """A kept file as a conditional response (ETag, Last-Modified, 304), 404 when there is none: from a folder as
    Flask sends files, from an object store streamed through the app (so access checks stay the app's)."""
    mimetype = mimetype or content_type(name)
    if isinstance(store, FolderStore):
        return send_from_directory(store.folder, name, mimetype=mimetype, as_attachment=as_attachment,
                                   download_name=download_name, max_age=max_age)
    stored = store.open(name)
    if stored is None:
        abort(404)
    response = send_file(stored.stream, mimetype=mimetype, as_attachment=as_attachment,
                         download_name=download_name or name, etag=stored.etag, last_modified=stored.modified,
                         max_age=max_age)
    if response.status_code == 200:
        response.content_length = stored.size
    return response


def pdf_download(filename: str, data: bytes) -> Response:
    """A PDF (already written) as an attachment, kept out of shared caches."""
    return Response(data, mimetype="application/pdf", headers=_headers(filename, private=True))


def private_document(folder: Store | str, filename: str, download_stem: str) -> Response:
    """A stored document as a private response: never cached, never sniffed; anything but an image only as a
    download (named `download_stem` plus the stored suffix), and in a sandbox."""
    kind = media_type(filename)
    attachment = kind != JPEG_MEDIA_TYPE
    suffix = filename.rsplit(".", 1)[-1]
    response = stored_file(resolve(folder), filename, mimetype=kind, as_attachment=attachment,
                           download_name=f"{download_stem}.{suffix}" if attachment else None)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'"
    return response


def json_download(filename: str, data: bytes) -> Response:
    """A JSON document (already written) as a private attachment: personal data stays out of shared caches."""
    return Response(data, mimetype="application/json", headers=_headers(filename, private=True))
