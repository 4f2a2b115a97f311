"""The Cooperative (supplier) model."""
from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from shop.core import credit_code
from shop.core.database import UTCDateTime, string_enum, utcnow
from shop.extensions import Model
from shop.regions.models import Region


class CooperativeKind(enum.StrEnum):
    COOPERATIVE = "cooperative"  # 农民专业合作社
    ENTERPRISE = "enterprise"  # 企业
    FAMILY_FARM = "family_farm"  # 家庭农场
    AGENT = "agent"  # 代销机构


class VerificationStatus(enum.StrEnum):
    APPLIED = "applied"
    VERIFIED = "verified"
    SUSPENDED = "suspended"
    REJECTED = "rejected"


STATUS_LABELS = {
    VerificationStatus.APPLIED: _l("Applied, awaiting review"),
    VerificationStatus.VERIFIED: _l("Verified"),
    VerificationStatus.SUSPENDED: _l("Suspended"),
    VerificationStatus.REJECTED: _l("Rejected"),
}

# Why a cooperative that is not verified cannot change what it sells (it can still read its portal and ship).
SELLING_REFUSALS = {
    VerificationStatus.APPLIED: _l("Your cooperative is waiting for verification by the platform. Until it is "
                                   "verified you can read your pages, but not list products or change stock or "
                                   "photos."),
    VerificationStatus.SUSPENDED: _l("Your cooperative is suspended by the platform. You can still read your pages "
                                     "and ship orders already paid, but not change listings, stock or photos."),
    VerificationStatus.REJECTED: _l("The platform did not approve your cooperative, so it cannot list products or "
                                    "change stock or photos. Ask the platform staff if you think this is a mistake."),
}


class InvoiceType(enum.StrEnum):
    """The invoice a buyer asks for (an order without one asks for none)."""

    ORDINARY = "ordinary"  # 电子普通发票
    SPECIAL = "special"  # 增值税专用发票


class InvoiceCapability(enum.StrEnum):
    """What a cooperative says it can issue."""

    NONE = "none"
    ORDINARY = "ordinary"
    ORDINARY_AND_SPECIAL = "ordinary_special"


INVOICE_TYPE_LABELS = {
    InvoiceType.ORDINARY: _l("Electronic ordinary invoice"),
    InvoiceType.SPECIAL: _l("Special VAT invoice"),
}

INVOICE_CAPABILITY_LABELS = {
    InvoiceCapability.NONE: _l("Cannot issue invoices"),
    InvoiceCapability.ORDINARY: _l("Electronic ordinary invoices only"),
    InvoiceCapability.ORDINARY_AND_SPECIAL: _l("Ordinary and special VAT invoices"),
}

ISSUABLE = {
    InvoiceCapability.NONE: frozenset(),
    InvoiceCapability.ORDINARY: frozenset({InvoiceType.ORDINARY}),
    InvoiceCapability.ORDINARY_AND_SPECIAL: frozenset({InvoiceType.ORDINARY, InvoiceType.SPECIAL}),
}


def can_issue(kind: CooperativeKind, capability: InvoiceCapability, wanted: InvoiceType) -> bool:
    """Whether a seller of this kind, declaring `capability`, can issue `wanted`. A farmers' cooperative selling its
    own produce is exempt from VAT, so it issues tax-exempt ordinary invoices only, whatever it declares."""
    if kind == CooperativeKind.COOPERATIVE and wanted == InvoiceType.SPECIAL:
        return False
    return wanted in ISSUABLE[capability]


KIND_LABELS = {
    CooperativeKind.COOPERATIVE: _l("Farmers' cooperative"),
    CooperativeKind.ENTERPRISE: _l("Enterprise"),
    CooperativeKind.FAMILY_FARM: _l("Family farm"),
    CooperativeKind.AGENT: _l("Sales agent"),
}


class Cooperative(Model):
    """A supplier in a paired county, verified by staff before its products are shown."""

    __tablename__ = "cooperatives"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    county_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    kind: Mapped[CooperativeKind] = mapped_column(string_enum(CooperativeKind, 16))
    status: Mapped[VerificationStatus] = mapped_column(
        string_enum(VerificationStatus, 16), default=VerificationStatus.APPLIED, index=True
    )
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The application: who to contact, the business licence (a private file), and staff's last decision.
    contact_name: Mapped[str | None] = mapped_column(String(40))
    contact_phone: Mapped[str | None] = mapped_column(String(20))
    licence_filename: Mapped[str | None] = mapped_column(String(64))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_note: Mapped[str | None] = mapped_column(String(200))
    # What invoices it says it can issue (see can_issue for the rule that overrides it).
    invoice_capability: Mapped[InvoiceCapability] = mapped_column(
        string_enum(InvoiceCapability, 16), default=InvoiceCapability.NONE, server_default=InvoiceCapability.NONE.value)
    # Shipping it charges per parcel, and the parcel subtotal from which it ships free (包邮; None: never free).
    shipping_fee_fen: Mapped[int] = mapped_column(default=0, server_default="0")
    free_shipping_from_fen: Mapped[int | None]

    county: Mapped[Region] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<Cooperative {self.id} {self.name}>"

    @validates("credit_code")
    def _check_credit_code(self, key, value: str) -> str:
        return credit_code.checked(value)

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.kind])

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def invoice_capability_label(self) -> str:
        return str(INVOICE_CAPABILITY_LABELS[self.invoice_capability])

    @property
    def is_verified(self) -> bool:
        return self.status == VerificationStatus.VERIFIED

    @property
    def selling_refusal(self) -> str | None:
        """Why this cooperative may not change its listings now, or None when it may (it is verified)."""
        refusal = SELLING_REFUSALS.get(self.status)
        return None if refusal is None else str(refusal)
