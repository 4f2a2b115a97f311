"""What the invoice pages of every audience share: recording from a submitted form, and serving a file."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from flask import Response, abort, current_app, flash
from flask_babel import gettext as _

from shop.invoices.exceptions import InvoiceError, InvoiceFileRejected
from shop.invoices.forms import InvoiceForm, RedLetterForm
from shop.invoices.queries import InvoiceRequest
from shop.invoices.services import Actor, Issued, record_invoice, record_red_letter
from shop.web.downloads import private_document

Recorder = Callable[[Actor, str, int, Issued, bytes, datetime | None], object]


def submit(form: RedLetterForm, actor: Actor, request: InvoiceRequest) -> bool:
    """Record the invoice (InvoiceForm) or red-letter invoice the form carries; False, with the reason among the
    form's errors, when it is refused."""
    if not form.validate():
        form.file.keep()  # the next submit need not choose the file again
        return False
    recorder: Recorder = record_invoice if isinstance(form, InvoiceForm) else record_red_letter
    try:
        recorder(actor, request.number, request.cooperative_id, form.issued(), form.file_bytes(), None)
    except InvoiceFileRejected as exc:
        form.file.drop()
        form.file.errors = [*form.file.errors, str(exc)]
        return False
    except InvoiceError as exc:
        form.form_errors.append(str(exc))
        form.file.keep()
        return False
    form.file.release()
    flash(_("The invoice is recorded.") if isinstance(form, InvoiceForm) else _("The red-letter invoice is recorded."),
          "success")
    return True


def file_response(request: InvoiceRequest | None, red: bool = False) -> Response:
    """The invoice's (or red-letter invoice's) file, privately; 404 if there is none."""
    invoice = None if request is None else request.invoice
    filename = None if invoice is None else (invoice.red_filename if red else invoice.filename)
    if request is None or filename is None:
        abort(404)
    stem = f"invoice-{request.number}-{request.cooperative_id}" + ("-red" if red else "")
    return private_document(current_app.config["PRIVATE_FOLDER"], filename, stem)
