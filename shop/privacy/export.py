"""A user's personal data as one JSON document: profile, consents, saved addresses, orders with their lines,
memberships and login records (what the privacy policy lists)."""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from shop.accounts.consents import consents_of
from shop.accounts.models import LoginSession, User
from shop.core.database import utcnow
from shop.core.money import fen_to_yuan_str
from shop.extensions import db
from shop.orders.models import Address, Order

EXPORT_FORMAT = 1  # bumped when the document's shape changes


def _when(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _profile(user: User) -> dict[str, Any]:
    return {"id": user.id, "email": user.email, "mobile": user.mobile, "name": user.name,
            "is_staff": user.is_staff, "created_at": _when(user.created_at),
            "password_changed_at": _when(user.password_changed_at)}


def _delivery(where: Address | Order) -> dict[str, Any]:
    return {"recipient": where.recipient, "mobile": where.mobile, "province": where.province,
            "city": where.city, "district": where.district, "street": where.street}


def _address(address: Address) -> dict[str, Any]:
    return {**_delivery(address), "created_at": _when(address.created_at)}


def _order(order: Order) -> dict[str, Any]:
    lines = [{"product": line.product_name, "spec": line.spec, "unit": line.unit, "sku": line.sku,
              "unit_price_yuan": fen_to_yuan_str(line.unit_price_fen), "quantity": line.quantity,
              "line_total_yuan": fen_to_yuan_str(line.line_total_fen), "cooperative": line.cooperative_name,
              "origin_county": line.origin_county_name} for line in order.lines]
    return {"number": order.number, "status": order.status.value, "buyer_class": order.buyer_class.value,
            "organization": order.organization.name if order.organization else None,
            "total_yuan": fen_to_yuan_str(order.total_fen), "created_at": _when(order.created_at),
            "paid_at": _when(order.paid_at), "shipped_at": _when(order.shipped_at),
            "completed_at": _when(order.completed_at), "cancelled_at": _when(order.cancelled_at),
            "delivery": _delivery(order),
            "invoice": {"type": order.invoice_type.value, "title": order.invoice_title,
                        "tax_number": order.tax_number} if order.invoice_type else None,
            "lines": lines}


def personal_data(user_id: int) -> dict[str, Any]:
    """Everything kept about the user, as plain values (times in UTC, ISO 8601; money in yuan)."""
    user = db.session.get(User, user_id)
    if user is None:
        raise LookupError(user_id)
    addresses = db.session.execute(
        select(Address).where(Address.user_id == user_id).order_by(Address.id)).scalars()
    orders = db.session.execute(
        select(Order).where(Order.user_id == user_id).order_by(Order.created_at, Order.id)
        .options(selectinload(Order.lines), selectinload(Order.organization))).scalars()
    logins = db.session.execute(
        select(LoginSession).where(LoginSession.user_id == user_id).order_by(LoginSession.created_at)).scalars()
    return {
        "format": EXPORT_FORMAT,
        "exported_at": _when(utcnow()),
        "profile": _profile(user),
        "consents": [{"document": c.document, "version": c.version, "agreed_at": _when(c.agreed_at)}
                     for c in consents_of(user_id)],
        "addresses": [_address(address) for address in addresses],
        "orders": [_order(order) for order in orders],
        "organization_memberships": [
            {"organization": m.organization.name, "role": m.role.value, "since": _when(m.created_at)}
            for m in user.organization_memberships],
        "cooperative_memberships": [
            {"cooperative": m.cooperative.name, "role": m.role.value, "since": _when(m.created_at)}
            for m in user.cooperative_memberships],
        "logins": [{"started_at": _when(s.created_at), "ended_at": _when(s.ended_at)} for s in logins],
    }


def personal_data_json(user_id: int) -> bytes:
    """personal_data as UTF-8 JSON, Chinese kept readable."""
    return json.dumps(personal_data(user_id), ensure_ascii=False, indent=2).encode("utf-8")
