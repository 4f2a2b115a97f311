"""The Organization model."""
from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from shop.accounts.models import OrganizationMembership
from shop.core import credit_code
from shop.core.database import UTCDateTime, string_enum, utcnow
from shop.extensions import Model
from shop.regions.models import Region


class OrganizationKind(enum.StrEnum):
    BUDGET_UNIT = "budget_unit"  # 预算单位
    UNION = "union"  # 工会
    COMPANY = "company"  # 企业
    CHARITY = "charity"  # 慈善组织
    SOCIAL_ORGANIZATION = "social_organization"  # 社会组织


KIND_LABELS = {
    OrganizationKind.BUDGET_UNIT: _l("Budget unit"),
    OrganizationKind.UNION: _l("Trade union"),
    OrganizationKind.COMPANY: _l("Company"),
    OrganizationKind.CHARITY: _l("Charity"),
    OrganizationKind.SOCIAL_ORGANIZATION: _l("Social organization"),
}


class Organization(Model):
    """An organization that buys, with what its invoices need."""

    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[OrganizationKind] = mapped_column(string_enum(OrganizationKind, 24))
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    invoice_title: Mapped[str] = mapped_column(String(120))
    tax_number: Mapped[str] = mapped_column(String(20))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    region: Mapped[Region] = relationship(lazy="joined")
    memberships: Mapped[list[OrganizationMembership]] = relationship(
        back_populates="organization", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Organization {self.id} {self.name}>"

    @validates("credit_code")
    def _check_credit_code(self, key, value: str) -> str:
        return credit_code.checked(value)

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.kind])
