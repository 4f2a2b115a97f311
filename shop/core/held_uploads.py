"""Files held between a failed form submit and the next one (a licence, a proof): in the database, so any worker can
take them back, and gone once used, refused or expired. Nothing here checks what a file is: the service that finally
takes it checks it as it checks any upload."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Index, LargeBinary, String, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from shop.core.database import UTCDateTime, rowcount, utcnow, write_transaction
from shop.extensions import Model, db


class HeldUpload(Model):
    """One held file: whose it is (a user id), the name it came with (shown only), its bytes."""

    __tablename__ = "held_uploads"
    __table_args__ = (Index("ix_held_uploads_created_at", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column()  # no foreign key: the core knows nothing of accounts; rows expire
    filename: Mapped[str] = mapped_column(String(200))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def hold(user_id: int, data: bytes, filename: str) -> int:
    """Keep `data` for `user_id`; the held file's id."""
    with write_transaction(db.session):
        upload = HeldUpload(user_id=user_id, data=data, filename=filename[:200])
        db.session.add(upload)
        db.session.flush()
        upload_id = upload.id
    return upload_id


def held(upload_id: int, user_id: int, max_age: timedelta) -> HeldUpload | None:
    """The held file if it is `user_id`'s and younger than `max_age`, else None."""
    return db.session.scalar(select(HeldUpload).where(
        HeldUpload.id == upload_id, HeldUpload.user_id == user_id, HeldUpload.created_at >= utcnow() - max_age))


def discard(upload_id: int) -> None:
    """Remove a held file (nothing happens when it is already gone)."""
    with write_transaction(db.session):
        db.session.execute(delete(HeldUpload).where(HeldUpload.id == upload_id))


def purge(max_age: timedelta) -> int:
    """Remove held files older than `max_age` (the background job); how many went."""
    with write_transaction(db.session):
        result = db.session.execute(delete(HeldUpload).where(HeldUpload.created_at < utcnow() - max_age))
    return rowcount(result)
