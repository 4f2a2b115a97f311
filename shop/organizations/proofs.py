"""An organization's proof document (its registration certificate or licence): kept in the private store under a
server-made name, and served only to staff and the organization's admins."""
from __future__ import annotations

from flask import Response, current_app
from flask_babel import gettext as _

from shop.core.documents import DocumentRejected, delete_document, store_document
from shop.core.storage import private_store
from shop.organizations.exceptions import ApplicationError
from shop.web.downloads import private_document

MAX_PROOF_BYTES = 8 * 1024 * 1024


def store_proof(data: bytes) -> str:
    """Check and keep an uploaded proof; its stored name, or ApplicationError (field "proof") saying why not."""
    try:
        stored = store_document(data, private_store(), MAX_PROOF_BYTES,
                                current_app.config["MAX_IMAGE_PIXELS"])
    except DocumentRejected as exc:
        raise ApplicationError(_("The proof document cannot be used: %(reason)s. Upload a PDF, or a photo or scan "
                                 "(JPEG, PNG or WebP).", reason=exc.explanation), "proof") from exc
    return stored.filename


def delete_proof(filename: str | None) -> None:
    """Remove a stored proof (and its thumbnail); nothing happens for None or a file already gone."""
    delete_document(private_store(), filename)


def proof_response(filename: str) -> Response:
    """The proof as a private response: never cached, never sniffed; a PDF only as a download, in a sandbox."""
    return private_document(private_store(), filename, "proof")
