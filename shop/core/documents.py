"""Uploaded documents kept privately (proofs, invoices): a PDF, an OFD (invoices only), or a photo or scan.

What a file is is read from its first bytes, never from its name or the browser's word. A PDF is kept as it came
(after checking its header, its end marker and its size) and only ever served as a download; an OFD (China's fixed
layout format for e-invoices, a zip container) is kept as it came once its container and OFD.xml check out; an
image goes through
shop.core.images (decoded in a child, re-encoded as JPEG). Either way it is stored under a new random name.
"""
from __future__ import annotations

import io
import os
import uuid
import zipfile
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from shop.core.image_worker import NOT_AN_IMAGE
from shop.core.images import DEFAULT_MAX_PIXELS, ImageRejected, delete_image, store_image
from shop.core.storage import Store, resolve

PDF_MAGIC = b"%PDF-"
PDF_END = b"%%EOF"
PDF_TAIL = 2048  # the end marker must be this close to the end (writers may add a newline or a little padding)
PDF_MEDIA_TYPE = "application/pdf"
JPEG_MEDIA_TYPE = "image/jpeg"
OFD_MEDIA_TYPE = "application/ofd"
ZIP_MAGIC = b"PK\x03\x04"
OFD_ROOT = "OFD.xml"
OFD_MAX_ENTRIES = 2000  # an e-invoice has a few dozen parts; far more is not an invoice
OFD_ROOT_MAX_BYTES = 1024 * 1024


class DocumentRejected(ValueError):
    """The upload is not a document the shop keeps; `explanation` says why in the visitor's language."""

    def __init__(self, explanation: str):
        super().__init__(explanation)
        self.explanation = explanation


@dataclass(frozen=True)
class StoredDocument:
    filename: str
    media_type: str


def is_pdf(data: bytes) -> bool:
    """Whether the bytes begin like a PDF (the name and the browser's type are never trusted)."""
    return data.startswith(PDF_MAGIC)


def _check_pdf(data: bytes) -> None:
    if PDF_END not in data[-PDF_TAIL:]:
        raise DocumentRejected(str(_l("the PDF is damaged or incomplete (it has no end marker)")))


def _check_ofd(data: bytes) -> None:
    """An OFD is a zip whose root holds OFD.xml, an XML document whose root element is ofd:OFD. Only the listing and
    that one small part are read (never the whole archive: a zip can expand far beyond its size)."""
    damaged = DocumentRejected(str(_l("the OFD file is damaged or is not an OFD document")))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            if len(entries) > OFD_MAX_ENTRIES:
                raise damaged
            root = next((entry for entry in entries if entry.filename == OFD_ROOT), None)
            if root is None or root.file_size > OFD_ROOT_MAX_BYTES:
                raise damaged
            head = archive.read(root)[:4096]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, OSError, EOFError) as exc:
        raise damaged from exc
    if b"<ofd:OFD" not in head:
        raise damaged


def _store_kept_as_is(data: bytes, folder: Store | str | os.PathLike[str], suffix: str,
                      media: str) -> StoredDocument:
    name = f"{uuid.uuid4().hex}{suffix}"
    resolve(folder).put(name, data)
    return StoredDocument(name, media)


def store_document(data: bytes, folder: Store | str | os.PathLike[str], max_bytes: int,
                   max_pixels: int = DEFAULT_MAX_PIXELS, *, ofd: bool = False) -> StoredDocument:
    """Check `data` and write it under a new name in `folder` (a store, or a folder: the app's PRIVATE_FOLDER
    means its private store, see storage.resolve); DocumentRejected saying why not. With `ofd`, an OFD document is
    taken too (invoices)."""
    if not data:
        raise DocumentRejected(str(_l("the file is empty")))
    if len(data) > max_bytes:
        raise DocumentRejected(str(_l("it is larger than %(mb)d MB", mb=max_bytes // 2**20)))
    if is_pdf(data):
        _check_pdf(data)
        return _store_kept_as_is(data, folder, ".pdf", PDF_MEDIA_TYPE)
    if ofd and data.startswith(ZIP_MAGIC):
        _check_ofd(data)
        return _store_kept_as_is(data, folder, ".ofd", OFD_MEDIA_TYPE)
    try:
        stored = store_image(data, folder, max_pixels)
    except ImageRejected as exc:
        foreign = exc.reason == NOT_AN_IMAGE
        if not foreign:
            raise DocumentRejected(exc.explanation) from exc
        raise DocumentRejected(str(_l("it is not a PDF, OFD, JPEG, PNG or WebP file")) if ofd
                               else str(_l("it is not a PDF, JPEG, PNG or WebP file"))) from exc
    return StoredDocument(stored.filename, JPEG_MEDIA_TYPE)


def media_type(filename: str) -> str:
    """The type a stored document is served as (from the name the shop gave it)."""
    if filename.endswith(".ofd"):
        return OFD_MEDIA_TYPE
    return PDF_MEDIA_TYPE if filename.endswith(".pdf") else JPEG_MEDIA_TYPE


def delete_document(folder: Store | str | os.PathLike[str], filename: str | None) -> None:
    """Remove a stored document and, for an image, its thumbnail; files already gone are ignored."""
    if not filename:
        return
    names = [filename]
    if filename.endswith(".jpg"):
        names.append(filename[:-len(".jpg")] + "-t.jpg")
    delete_image(folder, *names)
