"""Names for the tallies' group keys (region, cooperative, product, organization names...), each looked up once
per tally, not per line."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from sqlalchemy import select

from shop.catalog.models import Category, Product
from shop.cooperatives.models import Cooperative
from shop.extensions import db
from shop.orders.models import BUYER_CLASS_LABELS, BuyerClass, OrderLine
from shop.organizations.models import Organization
from shop.regions.models import Pairing, Region
from shop.reports.ledger import Filters, Key, KeyNames, Labeler


def _regions(codes: Iterable[Key]) -> dict[Key, Region]:
    wanted = {code for code in codes if code}
    if not wanted:
        return {}
    return {region.code: region for region in db.session.scalars(select(Region).where(Region.code.in_(wanted)))}


def region_names(codes: Iterable[Key]) -> dict[Key, str]:
    return {code: region.name for code, region in _regions(codes).items()}


def helpers_by_county(counties: list[Key], filters: Filters) -> dict[Key, list[str]]:
    """The helper regions paired with each county at some time in the period (or today, without one)."""
    if not counties:
        return {}
    start = filters.date_from or date.min
    end = filters.date_to or date.max
    pairings = db.session.scalars(select(Pairing).where(Pairing.recipient_code.in_(counties)).order_by(Pairing.id))
    result: dict[Key, list[str]] = {}
    for pairing in pairings:
        if pairing.starts_on <= end and (pairing.ends_on is None or pairing.ends_on >= start):
            names = result.setdefault(pairing.recipient_code, [])
            if pairing.helper.name not in names:
                names.append(pairing.helper.name)
    return result


def _label_counties(codes: list[Key], filters: Filters) -> KeyNames:
    regions = _regions(codes)
    parents = region_names([r.prefecture_code for r in regions.values()]
                           + [r.province_code for r in regions.values()])
    helpers = helpers_by_county(list(codes), filters)

    def label(code: Key) -> dict[str, Key]:
        region = regions.get(code)
        return {"county_code": code, "county": region.name if region else code,
                "prefecture": parents.get(region.prefecture_code, "") if region else "",
                "province": parents.get(region.province_code, "") if region else "",
                "helpers": "、".join(helpers.get(code, []))}
    return label


def _label_prefectures(codes: list[Key], filters: Filters) -> KeyNames:
    regions = _regions(codes)
    provinces = region_names([r.province_code for r in regions.values()])

    def label(code: Key) -> dict[str, Key]:
        region = regions.get(code)
        return {"prefecture_code": code or "", "prefecture": region.name if region else "",
                "province": provinces.get(region.province_code, "") if region else ""}
    return label


def _label_simple(key_code: str, key_name: str, lookup: Callable[[list[Key]], dict[Key, str]]) -> Labeler:
    def make(codes: list[Key], filters: Filters) -> KeyNames:
        names = lookup([code for code in codes if code is not None])
        return lambda code: {key_code: "" if code is None else code, key_name: names.get(code, "")}
    return make


def _cooperative_names(ids: list[Key]) -> dict[Key, str]:
    if not ids:
        return {}
    return dict(db.session.execute(select(Cooperative.id, Cooperative.name).where(Cooperative.id.in_(ids))).all())


def _category_names(ids: list[Key]) -> dict[Key, str]:
    if not ids:
        return {}
    return dict(db.session.execute(select(Category.id, Category.name_zh).where(Category.id.in_(ids))).all())


def _organization_names(ids: list[Key]) -> dict[Key, str]:
    if not ids:
        return {}
    return dict(db.session.execute(select(Organization.id, Organization.name).where(Organization.id.in_(ids))).all())


def _label_products(codes: list[Key], filters: Filters) -> KeyNames:
    info = _latest_lines([int(code) for code in codes if code is not None])

    def label(code: Key) -> dict[str, Key]:
        row = info.get(code)
        return {"product_id": code, "sku": row.sku if row else "", "product": row.product_name if row else "",
                "cooperative": row.cooperative_name if row else ""}
    return label


def _latest_lines(product_ids: list[int], chunk: int = 500) -> dict[Key, Any]:
    """Each product's latest order line (its snapshot names the product), found with one probe per product of the
    index on (product, id), `chunk` products per statement. A product with lines is never deleted (they refer to
    it), so the products table gives the ids to probe."""
    info: dict[Key, Any] = {}
    for start in range(0, len(product_ids), chunk):
        latest = (select(OrderLine.id).where(OrderLine.product_id == Product.id)
                  .order_by(OrderLine.id.desc()).limit(1).correlate(Product).scalar_subquery())
        lines = (select(latest.label("line_id")).where(Product.id.in_(product_ids[start:start + chunk]))
                 .subquery("latest"))
        info.update((row.product_id, row) for row in db.session.execute(
            select(OrderLine.product_id, OrderLine.sku, OrderLine.product_name, OrderLine.cooperative_name)
            .join(lines, lines.c.line_id == OrderLine.id)))
    return info


def _label_organizations(codes: list[Key], filters: Filters) -> KeyNames:
    names = _organization_names([code for code in codes if code is not None])
    return lambda code: {"organization_id": "" if code is None else code,
                         "organization": "公众（个人）" if code is None else names.get(code, "")}


def _label_buyer_classes(codes: list[Key], filters: Filters) -> KeyNames:
    return lambda code: {"buyer_class": str(BUYER_CLASS_LABELS.get(BuyerClass(str(code)), code))}


def _label_buyer_regions(codes: list[Key], filters: Filters) -> KeyNames:
    names = region_names(codes)
    return lambda code: {"buyer_region_code": code or "", "buyer_region": names.get(code, "公众（个人）")
                         if code else "公众（个人）"}


LABELERS: dict[str, Labeler] = {
    "county": _label_counties,
    "prefecture": _label_prefectures,
    "province": _label_simple("province_code", "province", region_names),
    "helper": _label_simple("helper_code", "helper", region_names),
    "cooperative": _label_simple("cooperative_id", "cooperative", _cooperative_names),
    "product": _label_products,
    "category": _label_simple("category_id", "category", _category_names),
    "month": lambda codes, filters: (lambda code: {"month": code}),
    "organization": _label_organizations,
    "buyer_class": _label_buyer_classes,
    "buyer_region": _label_buyer_regions,
}
