"""The Organization (a buyer, with its application and review) and the invitations its admins send."""
from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from shop.accounts.models import OrganizationMembership, OrganizationRole, User
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


class OrganizationStatus(enum.StrEnum):
    """Where an organization stands with the platform; only a verified one can be acted and ordered for."""

    APPLIED = "applied"
    VERIFIED = "verified"
    REJECTED = "rejected"
    SUSPENDED = "suspended"


STATUS_LABELS = {
    OrganizationStatus.APPLIED: _l("Applied, awaiting review"),
    OrganizationStatus.VERIFIED: _l("Verified"),
    OrganizationStatus.REJECTED: _l("Rejected"),
    OrganizationStatus.SUSPENDED: _l("Suspended"),
}

# Why nobody can order for an organization that is not verified (formatted with its name).
BUYING_REFUSALS = {
    OrganizationStatus.APPLIED: _l("“%(name)s” is waiting for verification by the platform, so orders cannot be "
                                   "placed for it yet. You can order for yourself meanwhile."),
    OrganizationStatus.REJECTED: _l("The platform did not approve “%(name)s”, so orders cannot be placed for it. "
                                    "An admin can correct the application and submit it again."),
    OrganizationStatus.SUSPENDED: _l("“%(name)s” is suspended by the platform, so orders cannot be placed for it "
                                     "now. You can order for yourself, or ask the platform staff."),
}


class Organization(Model):
    """An organization that buys, with what its invoices need, its application and the platform's review."""

    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[OrganizationKind] = mapped_column(string_enum(OrganizationKind, 24))
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    invoice_title: Mapped[str] = mapped_column(String(120))
    tax_number: Mapped[str] = mapped_column(String(20))
    status: Mapped[OrganizationStatus] = mapped_column(
        string_enum(OrganizationStatus, 16), default=OrganizationStatus.APPLIED, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The application (self-service ones; staff-registered organizations may have none), and staff's last word.
    contact_name: Mapped[str | None] = mapped_column(String(40))
    contact_mobile: Mapped[str | None] = mapped_column(String(11))
    proof_filename: Mapped[str | None] = mapped_column(String(64))  # in PRIVATE_FOLDER, a server-made name
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_note: Mapped[str | None] = mapped_column(String(200))

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
        """The kind in the visitor's language."""
        return str(KIND_LABELS[self.kind])

    @property
    def status_label(self) -> str:
        """The status in the visitor's language."""
        return str(STATUS_LABELS[self.status])

    @property
    def buying_refusal(self) -> str | None:
        """Why nobody can order for this organization now, or None when it is verified."""
        refusal = BUYING_REFUSALS.get(self.status)
        return None if refusal is None else str(refusal % {"name": self.name})

    @property
    def can_be_corrected(self) -> bool:
        """Whether its admins may still change the application (before approval, or after a rejection)."""
        return self.status in (OrganizationStatus.APPLIED, OrganizationStatus.REJECTED)

    # Before statuses there was a flag; "active" means verified: members may act and order for it. Setting it
    # verifies (True) or suspends (False); an UPDATE of it sets the status the same way.
    @hybrid_property
    def is_active(self) -> bool:
        """Whether it is verified: members may act and order for it."""
        return self.status == OrganizationStatus.VERIFIED

    @is_active.inplace.setter
    def _set_active(self, value: bool) -> None:
        self.status = OrganizationStatus.VERIFIED if value else OrganizationStatus.SUSPENDED

    @is_active.inplace.expression
    @classmethod
    def _is_active_expression(cls):
        return cls.status == OrganizationStatus.VERIFIED

    @is_active.inplace.update_expression
    @classmethod
    def _is_active_update(cls, value):
        return [(cls.status, OrganizationStatus.VERIFIED if value else OrganizationStatus.SUSPENDED)]


class OrganizationInvitation(Model):
    """An admin's invitation of an email address to join with a role: single use, until `expires_at`.

    The link's token is signed with SECRET_KEY over (id, nonce) and only its sha256 is kept here, so the
    table alone cannot make a working link; the mail is rendered from the id when it is sent.
    """

    __tablename__ = "organization_invitations"
    __table_args__ = (Index("ix_organization_invitations_org_email", "organization_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(254))  # normalised, lower-case
    role: Mapped[OrganizationRole] = mapped_column(string_enum(OrganizationRole, 16))
    nonce: Mapped[str] = mapped_column(String(32))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    used_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organization: Mapped[Organization] = relationship()
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])

    def is_pending(self, now: datetime) -> bool:
        """Not used, not cancelled and not expired at `now`."""
        return self.used_at is None and self.cancelled_at is None and self.expires_at > now


BASIS_POINTS = 10_000  # a ratio of 10 % is stored as 1,000 basis points


class Pledge(Model):
    """An organization's purchase target for one calendar year (认购目标 / 预留份额), optionally tied to counties.

    The target is either typed in (`target_fen`) or a base amount times a ratio (`base_fen` × `ratio_bp` / 10,000,
    e.g. a canteen budget of ¥2,000,000 × 10 %); `target_fen` always holds the result, so reports read one column.
    """

    __tablename__ = "organization_pledges"
    __table_args__ = (
        UniqueConstraint("organization_id", "year"),
        CheckConstraint("target_fen > 0", name="target_positive"),
        CheckConstraint("(base_fen IS NULL) = (ratio_bp IS NULL)", name="base_with_ratio"),
        CheckConstraint("base_fen IS NULL OR base_fen > 0", name="base_positive"),
        CheckConstraint("ratio_bp IS NULL OR (ratio_bp > 0 AND ratio_bp <= 10000)", name="ratio_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer)
    target_fen: Mapped[int] = mapped_column(BigInteger)
    base_fen: Mapped[int | None] = mapped_column(BigInteger)
    ratio_bp: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    organization: Mapped[Organization] = relationship()
    counties: Mapped[list[PledgeCounty]] = relationship(cascade="all, delete-orphan",
                                                        order_by="PledgeCounty.county_code", lazy="selectin")

    @property
    def county_codes(self) -> list[str]:
        """The tied counties' codes, in code order (empty: not tied to any county)."""
        return [county.county_code for county in self.counties]


class PledgeCounty(Model):
    """One paired county a pledge is tied to."""

    __tablename__ = "organization_pledge_counties"

    pledge_id: Mapped[int] = mapped_column(ForeignKey("organization_pledges.id", ondelete="CASCADE"),
                                           primary_key=True)
    county_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), primary_key=True)

    county: Mapped[Region] = relationship(lazy="joined")
