"""User, LoginSession, Consent and the memberships that give a user the org-member and coop-member roles."""
from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from shop.core.database import UTCDateTime, string_enum, utcnow
from shop.extensions import Model

if TYPE_CHECKING:  # for annotations only: these models sit in layers above accounts
    from shop.cooperatives.models import Cooperative
    from shop.organizations.models import Organization


class User(Model):
    """A person with an account. Everyone is a buyer; memberships and is_staff add roles."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("email IS NOT NULL OR mobile IS NOT NULL", name="has_login_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str | None] = mapped_column(String(254), unique=True)  # stored lower-case
    mobile: Mapped[str | None] = mapped_column(String(11), unique=True)
    name: Mapped[str] = mapped_column(String(60), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    is_staff: Mapped[bool] = mapped_column(default=False)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    password_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the owner closed it: anonymised, inactive

    organization_memberships: Mapped[list[OrganizationMembership]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )
    cooperative_memberships: Mapped[list[CooperativeMembership]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    # Flask-Login: the id kept in the cookie is the login session's token, not the user id,
    # so ending a LoginSession on the server ends every copy of that cookie.
    # Set on the instance by shop.accounts.sessions; not a column, so not annotated where SQLAlchemy looks.
    if TYPE_CHECKING:
        login_token: str | None
    login_token = None

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email or self.mobile}>"

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)  # scrypt by default
        self.password_changed_at = utcnow()

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def display_name(self) -> str:
        return self.name or self.email or self.mobile or ""

    # Flask-Login's user protocol
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str | None:
        return self.login_token


class LoginSession(Model):
    """One login: the server's record that a session cookie is valid until logout or revocation."""

    __tablename__ = "login_sessions"
    __table_args__ = (Index("ix_login_sessions_user_active", "user_id", "ended_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 of the cookie's token
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class Consent(Model):
    """A user's acceptance of one version of a legal document (the user agreement, the privacy policy)."""

    __tablename__ = "consents"
    __table_args__ = (UniqueConstraint("user_id", "document", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    document: Mapped[str] = mapped_column(String(20))  # shop.web.legal: "agreement" or "privacy"
    version: Mapped[str] = mapped_column(String(20))
    agreed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ThrottledAttempt(Model):
    """A counted attempt (a failed login, a password-reset request) for a login name, stored as its sha256,
    never in clear; see shop/accounts/throttling.py."""

    __tablename__ = "throttled_attempts"
    __table_args__ = (Index("ix_throttled_attempts_action_name_at", "action", "name_hash", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action: Mapped[str] = mapped_column(String(20))
    name_hash: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class MemberRole(enum.StrEnum):
    """A cooperative member's role."""

    MEMBER = "member"
    ADMIN = "admin"


class OrganizationRole(enum.StrEnum):
    """What a member may do for an organization: admins do everything, purchasers order for it, viewers see it."""

    ADMIN = "admin"
    PURCHASER = "purchaser"
    VIEWER = "viewer"

    @property
    def can_buy(self) -> bool:
        """Whether this role may order for the organization."""
        return self in (OrganizationRole.ADMIN, OrganizationRole.PURCHASER)

    @property
    def label(self) -> str:
        """The role in the visitor's language."""
        return str(ORGANIZATION_ROLE_LABELS[self])


ORGANIZATION_ROLE_LABELS = {
    OrganizationRole.ADMIN: _l("Admin"),
    OrganizationRole.PURCHASER: _l("Purchaser"),
    OrganizationRole.VIEWER: _l("Viewer"),
}


class _Membership:
    """What every membership has: the member and since when (each kind has its own roles)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OrganizationMembership(_Membership, Model):
    """A user acting for an organization (budget unit, union, company, charity, social organization)."""

    __tablename__ = "organization_memberships"
    __table_args__ = (UniqueConstraint("organization_id", "user_id"),)

    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    role: Mapped[OrganizationRole] = mapped_column(string_enum(OrganizationRole, 16),
                                                   default=OrganizationRole.PURCHASER)

    user: Mapped[User] = relationship(back_populates="organization_memberships")
    organization: Mapped["Organization"] = relationship(lazy="joined", back_populates="memberships")


class CooperativeMembership(_Membership, Model):
    """A user acting for a cooperative (supplier)."""

    __tablename__ = "cooperative_memberships"
    __table_args__ = (UniqueConstraint("cooperative_id", "user_id"),)

    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperatives.id", ondelete="CASCADE"))
    role: Mapped[MemberRole] = mapped_column(string_enum(MemberRole, 16), default=MemberRole.MEMBER)

    user: Mapped[User] = relationship(back_populates="cooperative_memberships")
    cooperative: Mapped["Cooperative"] = relationship(lazy="joined")
