"""Uploaded documents kept privately (proofs, later invoices): a PDF, or a photo or scan as an image.

What a file is is read from its first bytes, never from its name or the browser's word. A PDF is kept as it came
(after checking its header, its end marker and its size) and only ever served as a download; an image goes through
shop.core.images (decoded in a child, re-encoded as JPEG). Either way it is stored under a new random name.
"""
from __future__ import annotations

import os
import uuid
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


def store_document(data: bytes, folder: Store | str | os.PathLike[str], max_bytes: int,
                   max_pixels: int = DEFAULT_MAX_PIXELS) -> StoredDocument:
    """Check `data` and write it under a new name in `folder` (a store, or a folder: the app's PRIVATE_FOLDER
    means its private store, see storage.resolve); DocumentRejected saying why not."""
    if not data:
        raise DocumentRejected(str(_l("the file is empty")))
    if len(data) > max_bytes:
        raise DocumentRejected(str(_l("it is larger than %(mb)d MB", mb=max_bytes // 2**20)))
    if not is_pdf(data):
        try:
            stored = store_image(data, folder, max_pixels)
        except ImageRejected as exc:
            foreign = exc.reason == NOT_AN_IMAGE
            raise DocumentRejected(str(_l("it is not a PDF, JPEG, PNG or WebP file")) if foreign
                                   else exc.explanation) from exc
        return StoredDocument(stored.filename, JPEG_MEDIA_TYPE)
    _check_pdf(data)
    name = f"{uuid.uuid4().hex}.pdf"
    resolve(folder).put(name, data)
    return StoredDocument(name, PDF_MEDIA_TYPE)


def media_type(filename: str) -> str:
    """The type a stored document is served as (from the name the shop gave it)."""
    return PDF_MEDIA_TYPE if filename.endswith(".pdf") else JPEG_MEDIA_TYPE


def delete_document(folder: Store | str | os.PathLike[str], filename: str | None) -> None:
    """Remove a stored document and, for an image, its thumbnail; files already gone are ignored."""
    if not filename:
        return
    names = [filename]
    if filename.endswith(".jpg"):
        names.append(filename[:-len(".jpg")] + "-t.jpg")
    delete_image(folder, *names)
