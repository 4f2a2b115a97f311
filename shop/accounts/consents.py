"""Consent to the legal documents: recorded at registration with the versions the user saw (shop.web.legal)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from shop.accounts.models import Consent
from shop.core.database import utcnow
from shop.extensions import db
from shop.web.legal import VERSIONS


def add_consents(user_id: int, now: datetime | None = None) -> list[Consent]:
    """Add, to the caller's transaction, the user's acceptance of every document's current version."""
    now = now or utcnow()
    consents = [Consent(user_id=user_id, document=document, version=version, agreed_at=now)
                for document, version in sorted(VERSIONS.items())]
    db.session.add_all(consents)
    return consents


def consents_of(user_id: int) -> list[Consent]:
    """Every consent the user gave, oldest first."""
    return list(db.session.execute(
        select(Consent).where(Consent.user_id == user_id).order_by(Consent.agreed_at, Consent.document)
    ).scalars())
