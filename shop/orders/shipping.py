"""Pricing an order's parcels with each cooperative's terms (shop.cooperatives.shipping), and recording it.

One parcel per cooperative in an ordinary order; in a gift order one per recipient and cooperative, each priced
on its own subtotal (a recipient's parcel ships free when its own goods reach the threshold), which is the parcel
the cooperative actually packs and pays a courier for.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from shop.cooperatives.shipping import ShippingTerms, shipping_terms
from shop.orders.models import OrderLine, OrderShipping


@dataclass
class Quote:
    """One cooperative's shipping on an order: how many parcels, how many ship free, and the fee of them all."""

    parcels: int = 0
    free_parcels: int = 0
    fee_fen: int = 0


def quote(parcels: Iterable[tuple[int, int]], terms: dict[int, ShippingTerms] | None = None) -> dict[int, Quote]:
    """Each cooperative's shipping for parcels given as (cooperative id, the parcel's goods subtotal), on the
    cooperatives' `terms` when the caller has read them already (in its transaction), else read here."""
    parcels = list(parcels)
    if terms is None:
        terms = shipping_terms(cooperative_id for cooperative_id, _subtotal in parcels)
    quotes: dict[int, Quote] = {}
    for cooperative_id, subtotal in parcels:
        fee = terms.get(cooperative_id, ShippingTerms()).parcel_fee(subtotal)
        found = quotes.setdefault(cooperative_id, Quote())
        found.parcels += 1
        found.free_parcels += fee == 0
        found.fee_fen += fee
    return quotes


def quote_lines(lines: Iterable[OrderLine], terms: dict[int, ShippingTerms] | None = None) -> dict[int, Quote]:
    """The shipping of an ordinary order's lines: one parcel per cooperative (on `terms`, as for quote())."""
    subtotals: dict[int, int] = defaultdict(int)
    for line in lines:
        subtotals[line.cooperative_id] += line.line_total_fen
    return quote(subtotals.items(), terms)


def shipping_rows(quotes: dict[int, Quote]) -> list[OrderShipping]:
    """The order's unsaved shipping rows, one per cooperative, in cooperative-id order."""
    return [OrderShipping(cooperative_id=cooperative_id, parcels=found.parcels, free_parcels=found.free_parcels,
                          fee_fen=found.fee_fen) for cooperative_id, found in sorted(quotes.items())]


def total_fee(quotes: dict[int, Quote]) -> int:
    """What all the quoted parcels cost to ship."""
    return sum(found.fee_fen for found in quotes.values())
