"""A cooperative's shipping terms: its fee per parcel and the parcel subtotal from which it ships free (包邮).

The rule is `parcel_fee`; checkout, the cart and gift orders all price parcels with it. Shipping is not product
sales: it is charged and refunded with the order, but tallies, certificates and invoice amounts count goods only.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select, update

from shop.audit.services import record
from shop.cooperatives.exceptions import CooperativeError
from shop.cooperatives.models import Cooperative
from shop.cooperatives.selling import require_selling
from shop.core.database import write_transaction
from shop.extensions import db

MAX_FEE_FEN = 50_000  # ¥500 a parcel: more is a typing mistake, not a shipping fee
MAX_THRESHOLD_FEN = 10_000_000  # ¥100,000


class ShippingRefused(CooperativeError):
    """Shipping terms that cannot be saved; the message says why."""


@dataclass(frozen=True)
class ShippingTerms:
    """What one cooperative charges to ship a parcel."""

    fee_fen: int = 0
    free_from_fen: int | None = None  # None: every parcel pays the fee

    def parcel_fee(self, subtotal_fen: int) -> int:
        """The fee for one parcel whose goods cost `subtotal_fen`: nothing from the 包邮 threshold on."""
        if self.free_from_fen is not None and subtotal_fen >= self.free_from_fen:
            return 0
        return self.fee_fen

    def to_free_fen(self, subtotal_fen: int) -> int | None:
        """How much more a parcel needs to ship free; None when it already does or never will."""
        if not self.fee_fen or self.free_from_fen is None or subtotal_fen >= self.free_from_fen:
            return None
        return self.free_from_fen - subtotal_fen


def shipping_terms(cooperative_ids: Iterable[int]) -> dict[int, ShippingTerms]:
    """The current terms of each cooperative (inside a transaction, as of its reads)."""
    wanted = sorted(set(cooperative_ids))
    if not wanted:
        return {}
    rows = db.session.execute(
        select(Cooperative.id, Cooperative.shipping_fee_fen, Cooperative.free_shipping_from_fen)
        .where(Cooperative.id.in_(wanted)))
    return {row.id: ShippingTerms(row.shipping_fee_fen, row.free_shipping_from_fen) for row in rows}


def set_shipping_terms(cooperative_id: int, actor_id: int, fee_fen: int, free_from_fen: int | None) -> None:
    """Save the cooperative's terms for orders placed from now on (placed orders keep theirs), audited."""
    if not 0 <= fee_fen <= MAX_FEE_FEN:
        raise ShippingRefused(_("The shipping fee must be between ¥0.00 and ¥500.00 a parcel."))
    if free_from_fen is not None and not 0 < free_from_fen <= MAX_THRESHOLD_FEN:
        raise ShippingRefused(_("The free-shipping threshold must be more than ¥0.00 and at most ¥100,000.00."))
    with write_transaction(db.session):
        require_selling(cooperative_id)
        before = shipping_terms([cooperative_id])[cooperative_id]
        db.session.execute(update(Cooperative).where(Cooperative.id == cooperative_id)
                           .values(shipping_fee_fen=fee_fen, free_shipping_from_fen=free_from_fen))
        record(actor_id, "cooperative.shipping", "cooperative", cooperative_id,
               before={"fee_fen": before.fee_fen, "free_from_fen": before.free_from_fen},
               after={"fee_fen": fee_fen, "free_from_fen": free_from_fen})
