"""Writing to the audit log, inside the caller's transaction."""
from __future__ import annotations

from shop.audit.models import AuditEntry
from shop.extensions import db


def record(actor_id: int | None, action: str, target_type: str, target_id, *, before: dict | None = None,
           after: dict | None = None, note: str = "") -> AuditEntry:
    """Add an entry to the session; it is saved (or not) with the change it describes."""
    entry = AuditEntry(actor_id=actor_id, action=action, target_type=target_type, target_id=str(target_id),
                       before=before, after=after, note=note[:500])
    db.session.add(entry)
    return entry
