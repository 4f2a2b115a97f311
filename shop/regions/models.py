"""Region tree and pairings."""
from __future__ import annotations

import enum
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint, and_, or_
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.core.database import string_enum
from shop.extensions import Model


class RegionLevel(enum.StrEnum):
    PROVINCE = "province"
    PREFECTURE = "prefecture"
    COUNTY = "county"


class Region(Model):
    """One node of the administrative tree, keyed by its 6-digit GB/T 2260 code."""

    __tablename__ = "regions"
    __table_args__ = (CheckConstraint("length(code) = 6", name="code_six_digits"),)

    code: Mapped[str] = mapped_column(String(6), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    level: Mapped[RegionLevel] = mapped_column(string_enum(RegionLevel, 16))
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("regions.code"), index=True)
    # The path to the root, kept on the row so province and prefecture filters need no recursion.
    province_code: Mapped[str] = mapped_column(String(6), index=True)
    prefecture_code: Mapped[str | None] = mapped_column(String(6), index=True)
    former_poverty_county: Mapped[bool] = mapped_column(default=False)  # the former 832 counties
    key_assistance_county: Mapped[bool] = mapped_column(default=False)  # the 160 national key counties
    guapai_2020: Mapped[bool] = mapped_column(default=False)  # 2020 挂牌督战 counties

    parent: Mapped[Region | None] = relationship(remote_side=[code], lazy="joined", join_depth=2)

    def __repr__(self) -> str:
        return f"<Region {self.code} {self.name}>"

    @property
    def is_county(self) -> bool:
        return self.level == RegionLevel.COUNTY

    @property
    def ancestors(self) -> list[Region]:
        """Province first, then prefecture (when there is one)."""
        chain = []
        node = self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return list(reversed(chain))

    @property
    def full_name(self) -> str:
        """E.g. 新疆维吾尔自治区 阿克苏地区 柯坪县."""
        return " ".join([r.name for r in self.ancestors] + [self.name])


class PairingKind(enum.StrEnum):
    EAST_WEST = "east_west"  # 东西部协作
    COUNTERPART_SUPPORT = "counterpart_support"  # 对口支援
    COUNTERPART_COOPERATION = "counterpart_cooperation"  # 对口合作
    DESIGNATED = "designated"  # 定点帮扶


PAIRING_KIND_LABELS = {
    PairingKind.EAST_WEST: _l("East–West cooperation"),
    PairingKind.COUNTERPART_SUPPORT: _l("Counterpart support"),
    PairingKind.COUNTERPART_COOPERATION: _l("Counterpart cooperation"),
    PairingKind.DESIGNATED: _l("Designated assistance"),
}


class Pairing(Model):
    """A helper region's assistance to a recipient county over a period."""

    __tablename__ = "pairings"
    __table_args__ = (
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="period_ordered"),
        UniqueConstraint("helper_code", "recipient_code", "kind", "starts_on"),
        Index("ix_pairings_recipient_period", "recipient_code", "starts_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    helper_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    recipient_code: Mapped[str] = mapped_column(ForeignKey("regions.code"))
    kind: Mapped[PairingKind] = mapped_column(string_enum(PairingKind, 32))
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]

    helper: Mapped[Region] = relationship(foreign_keys=[helper_code], lazy="joined")
    recipient: Mapped[Region] = relationship(foreign_keys=[recipient_code], lazy="joined")

    def __repr__(self) -> str:
        return f"<Pairing {self.helper_code}->{self.recipient_code} {self.kind} {self.starts_on}>"

    @property
    def kind_label(self) -> str:
        return str(PAIRING_KIND_LABELS[self.kind])

    def is_valid_on(self, day: date) -> bool:
        """Whether the pairing is in force on a calendar date (both ends inclusive)."""
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)

    @classmethod
    def valid_on(cls, day: date):
        """SQL condition: the pairing is in force on `day`."""
        return and_(cls.starts_on <= day, or_(cls.ends_on.is_(None), cls.ends_on >= day))
