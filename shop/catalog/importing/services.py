"""A listings upload from start to end: read and kept (start), checked and shown (preview), saved (confirm).

The file is read once, when it is uploaded; its rows are planned twice: for the preview, and again inside
the confirmation's transaction against the products as they are then.
"""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from shop.catalog.exceptions import ListingError
from shop.catalog.importing.columns import find_columns
from shop.catalog.importing.models import ListingImport
from shop.catalog.importing.planning import Plan, plan_import
from shop.catalog.importing.reading import read_table, stored_cells
from shop.catalog.importing.saving import save_plan
from shop.cooperatives.models import Cooperative
from shop.cooperatives.selling import require_selling
from shop.core.database import utcnow, write_transaction
from shop.extensions import db


def start_import(cooperative: Cooperative, user_id: int, filename: str, data: bytes,
                 zero_missing: bool) -> ListingImport:
    """Read an uploaded file once and keep its rows for the preview and the confirmation; a file that cannot be
    read, or has no header row, is refused here (ImportRejected) and nothing is kept."""
    rows = stored_cells(read_table(data))
    find_columns(rows[0])  # the rows themselves are checked by the preview
    with write_transaction(db.session):
        require_selling(cooperative.id)
        upload = ListingImport(cooperative_id=cooperative.id, user_id=user_id, filename=(filename or "")[:200],
                               content=data, rows=rows, zero_missing=zero_missing)
        db.session.add(upload)
    return upload


def own_import(cooperative: Cooperative, import_id: int) -> ListingImport | None:
    """The cooperative's own upload, else None."""
    return db.session.scalar(select(ListingImport).where(ListingImport.id == import_id,
                                                         ListingImport.cooperative_id == cooperative.id))


def preview_import(cooperative: Cooperative, upload: ListingImport) -> Plan:
    """What confirming the upload would do now, with every error; nothing is written."""
    return plan_import(cooperative, upload.rows, upload.zero_missing)


def confirm_import(cooperative: Cooperative, import_id: int) -> dict[str, int]:
    """Check the file again against the products as they are now and save it, all or nothing, once."""
    try:
        with write_transaction(db.session):
            _lock_cooperative(cooperative.id)
            require_selling(cooperative.id)
            upload = db.session.scalar(select(ListingImport).where(ListingImport.id == import_id,
                                                                   ListingImport.cooperative_id == cooperative.id)
                                       .with_for_update())
            if upload is None:
                raise ListingError(_("No such upload."))
            if upload.applied_at is not None:
                raise ListingError(_("This file was already saved."))
            result = save_plan(cooperative, preview_import(cooperative, upload))
            upload.applied_at = utcnow()
            upload.result = result
    except IntegrityError as exc:
        # Confirmations take turns, so only a single listing saved with one of the file's new SKUs between the
        # plan and its insert ends here.
        raise ListingError(_("Another change to your products was saved at the same moment, so nothing from this "
                             "file was saved. Please confirm again.")) from exc
    return result


def _lock_cooperative(cooperative_id: int) -> None:
    """Make a cooperative's confirmations take turns, so two files adding the same new SKU cannot both insert it.

    On PostgreSQL the cooperative's row is locked FOR NO KEY UPDATE: it excludes another confirmation but not
    the key-share locks of inserts that merely refer to the cooperative (checkouts, single listings). On SQLite
    the statement is a plain read: write_transaction already lets one writer in at a time.
    """
    db.session.execute(select(Cooperative.id).where(Cooperative.id == cooperative_id)
                       .with_for_update(key_share=True))
