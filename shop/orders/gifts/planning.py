"""The plan of a recipients file: every row checked cell by cell, recipients gathered, stock compared.

Nothing is written here; the preview shows the plan, and the confirmation makes it again inside its transaction
against the products as they are then.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from shop.catalog.importing.columns import CellError, cell_text
from shop.catalog.importing.exceptions import ImportRejected
from shop.catalog.importing.planning import RowError
from shop.catalog.models import Product
from shop.cooperatives.models import Cooperative, VerificationStatus
from shop.extensions import db
from shop.orders.gifts import columns
from shop.orders.gifts.columns import COLUMNS, HEADERS
from shop.orders.gifts.places import Places
from shop.orders.shipping import Quote, quote, total_fee

MAX_RECIPIENT_ROWS = 10_000
Address = tuple[str, str, str, str, str, str]  # recipient, mobile, province, city, district, street


@dataclass(frozen=True)
class Offer:
    """A product a row may name: what the plan shows and the stock it compares."""

    id: int
    sku: str
    name: str
    spec: str
    price_fen: int
    stock: int
    is_active: bool
    cooperative_name: str
    cooperative_id: int


@dataclass
class GiftPlan:
    """What confirming the file would order: each recipient's address and products, and every error."""

    recipients: dict[Address, dict[int, int]] = field(default_factory=dict)  # address -> {product id: quantity}
    first_rows: dict[Address, int] = field(default_factory=dict)  # the row each recipient first appears on
    totals: dict[int, int] = field(default_factory=dict)  # product id -> units for the whole file
    offers: dict[int, Offer] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    shortages: list[str] = field(default_factory=list)  # products the file wants more of than there is
    shipping: dict[int, Quote] = field(default_factory=dict)  # cooperative id -> its parcels' shipping

    @property
    def ok(self) -> bool:
        """True when the file can be ordered: no errors, no shortage, and at least one recipient."""
        return not self.errors and not self.shortages and bool(self.recipients)

    @property
    def goods_fen(self) -> int:
        """What the products would cost at today's prices."""
        return sum(self.offers[product_id].price_fen * units for product_id, units in self.totals.items())

    @property
    def shipping_fen(self) -> int:
        """What the parcels would cost to ship with the cooperatives' terms today."""
        return total_fee(self.shipping)

    @property
    def total_fen(self) -> int:
        """What the order would cost today: products and shipping."""
        return self.goods_fen + self.shipping_fen

    @property
    def units(self) -> int:
        """How many units the file orders in all."""
        return sum(self.totals.values())


def plan_gifts(rows: list[list[object]]) -> GiftPlan:
    """Check every row against the region table and the products on sale; nothing is written."""
    if len(rows) > MAX_RECIPIENT_ROWS + 1:
        raise ImportRejected(_("The file has more than %(n)d recipient rows; split it into several orders.",
                               n=MAX_RECIPIENT_ROWS))
    positions = columns.find_columns(rows[0])
    places, offers = Places(), _offers()
    plan = GiftPlan()
    seen: dict[tuple[Address, int], int] = {}  # (recipient, product) -> its row
    for number, raw in enumerate(rows[1:], start=2):
        if not any(cell_text(cell) for cell in raw):
            continue  # blank lines are forgiven
        cells = {key: (raw[index] if index < len(raw) else "") for key, index in positions.items()}
        checked = _check_row(number, cells, places, offers, plan)
        if checked is None:
            continue
        address, product_id, units = checked
        if (address, product_id) in seen:
            plan.errors.append(RowError(number, HEADERS["recipient"], _(
                "the same recipient, address and product are already on row %(row)d", row=seen[address, product_id])))
            continue
        seen[address, product_id] = number
        plan.first_rows.setdefault(address, number)
        plan.recipients.setdefault(address, {})[product_id] = units
        plan.totals[product_id] = plan.totals.get(product_id, 0) + units
    plan.shortages = [_("“%(name)s” (%(sku)s): the file asks for %(wanted)d, only %(left)d in stock",
                        name=offer.name, sku=offer.sku, wanted=plan.totals[offer.id], left=offer.stock)
                      for offer in plan.offers.values() if plan.totals.get(offer.id, 0) > offer.stock]
    prices = {offer.id: (offer.cooperative_id, offer.price_fen) for offer in plan.offers.values()}
    plan.shipping = quote(parcel_subtotals(plan.recipients, prices))
    return plan


def parcel_subtotals(recipients: dict[Address, dict[int, int]],
                     prices: dict[int, tuple[int, int]]) -> list[tuple[int, int]]:
    """(cooperative id, goods subtotal) of each parcel: one per recipient and cooperative, at the given prices
    (product id -> (cooperative id, unit price))."""
    parcels: dict[tuple[Address, int], int] = {}
    for address, products in recipients.items():
        for product_id, units in products.items():
            cooperative_id, price = prices[product_id]
            parcels[address, cooperative_id] = parcels.get((address, cooperative_id), 0) + price * units
    return [(cooperative_id, subtotal) for (_address, cooperative_id), subtotal in parcels.items()]


def _offers() -> dict[str, list[Offer]]:
    """Every listing of a verified cooperative (archived ones too, to say so), by SKU."""
    found: dict[str, list[Offer]] = {}
    for row in db.session.execute(
            select(Product.id, Product.sku, Product.name, Product.spec, Product.price_fen, Product.stock,
                   Product.is_active, Cooperative.name, Cooperative.id)
            .join(Cooperative, Cooperative.id == Product.cooperative_id)
            .where(Cooperative.status == VerificationStatus.VERIFIED).order_by(Product.id)):
        found.setdefault(row.sku, []).append(Offer(*row))
    return found


def _check_row(number: int, cells: dict[str, object], places: Places, offers: dict[str, list[Offer]],
               plan: GiftPlan) -> tuple[Address, int, int] | None:
    """The row's address, product id and units; None (its errors added to the plan) if any cell is refused."""
    values: dict[str, str] = {}
    errors: list[RowError] = []
    for column in COLUMNS:
        try:
            values[column.key] = columns.text(cells.get(column.key, ""), column)
        except CellError as exc:
            errors.append(RowError(number, column.header, str(exc)))
    checks = ((("mobile",), lambda: columns.mobile(values["mobile"])),
              (("quantity",), lambda: columns.quantity(values["quantity"])),
              (("sku", "cooperative"), lambda: _offer(values["sku"], values["cooperative"], offers)),
              (("province", "city", "district"), lambda: _place(values, places)))
    results: list[object] = []
    for keys, check in checks:
        if all(key in values for key in keys):  # else the text check has already said what is wrong
            try:
                results.append(check())
            except CellError as exc:
                errors.append(RowError(number, exc.args[1] if len(exc.args) > 1 else HEADERS[keys[0]], exc.args[0]))
    if errors or len(results) < len(checks):
        plan.errors.extend(errors)
        return None
    mobile, units, offer, _district = results
    assert isinstance(offer, Offer) and isinstance(units, int)
    plan.offers[offer.id] = offer
    address = (values["recipient"], str(mobile), values["province"], values["city"], values["district"],
               values["street"])
    return address, offer.id, units


def _place(values: dict[str, str], places: Places) -> str:
    """The district's code; CellError (message, header) naming the first level that does not match."""
    try:
        province = places.province(values["province"])
    except CellError as exc:
        raise CellError(str(exc), HEADERS["province"]) from exc
    try:
        cities = places.cities(province, values["province"], values["city"])
    except CellError as exc:
        raise CellError(str(exc), HEADERS["city"]) from exc
    try:
        return places.district(cities, values["city"], values["district"])
    except CellError as exc:
        raise CellError(str(exc), HEADERS["district"]) from exc


def _offer(sku: str, cooperative: str, offers: dict[str, list[Offer]]) -> Offer:
    """The one product on sale that the SKU (and, when given, the cooperative's name) names; CellError if none."""
    candidates = [offer for offer in offers.get(sku, []) if not cooperative or offer.cooperative_name == cooperative]
    if not candidates:
        if cooperative and offers.get(sku):
            raise CellError(_("“%(cooperative)s” has no product “%(sku)s”", cooperative=cooperative, sku=sku))
        raise CellError(_("no product on sale has the code “%(sku)s”", sku=sku))
    on_sale = [offer for offer in candidates if offer.is_active]
    if not on_sale:
        raise CellError(_("“%(name)s” (%(sku)s) is no longer on sale", name=candidates[0].name, sku=sku))
    if len(on_sale) > 1:
        raise CellError(_("several cooperatives use the code “%(sku)s” (%(names)s); fill in the 合作社 column",
                          sku=sku, names="、".join(offer.cooperative_name for offer in on_sale)))
    return on_sale[0]
