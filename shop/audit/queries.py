"""Reading the audit log."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from shop.audit.models import AuditEntry
from shop.web.pagination import Page, paginate


def audit_page(page: int, per_page: int = 50) -> Page:
    """Newest entries first, with who made them."""
    stmt = select(AuditEntry).options(selectinload(AuditEntry.actor)).order_by(AuditEntry.id.desc())
    return paginate(stmt, page, per_page)
