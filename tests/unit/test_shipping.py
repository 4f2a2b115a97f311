"""Shipping without HTTP: the fee rule, a cooperative's terms, checkout and gift orders charging it, refunds giving
it back with a cooperative's whole part, and the tallies, certificates and invoice amounts counting goods only."""
from __future__ import annotations

import secrets
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from shop.audit.models import AuditEntry
from shop.catalog.models import Product
from shop.cooperatives.exceptions import NotSelling
from shop.cooperatives.models import Cooperative, InvoiceCapability, InvoiceType, VerificationStatus
from shop.cooperatives.shipping import ShippingRefused, ShippingTerms, set_shipping_terms
from shop.core.outbox import QueuedMail, render
from shop.extensions import db
from shop.invoices import queries as invoices
from shop.orders.checkout import place_order
from shop.orders.exceptions import PriceChanged
from shop.orders.gifts import services as gifts
from shop.orders.invoicing import InvoiceChoice
from shop.orders.models import Order, OrderShipping
from shop.payments.models import Refund
from shop.payments.refunds import refund_order
from shop.reports import certificates
from shop.reports.ledger import Filters, tally
from tests.factories import make_cooperative, make_product, make_user
from tests.functional.test_gift_orders import csv_file, row
from tests.order_factories import ADDRESS, fill_cart, make_order, make_paid_order
from tests.unit.test_gift_orders import buyer_and_products

PAID_AT = datetime(2026, 6, 1, 4, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("fee, free_from, subtotal, expected", [
    (1200, None, 100, 1200),  # no threshold: every parcel pays
    (1200, None, 10_000_000, 1200),
    (1200, 9900, 9899, 1200),  # a fen short of 包邮
    (1200, 9900, 9900, 0),  # reaching the threshold ships free
    (1200, 9900, 20000, 0),
    (0, None, 500, 0),  # a fee of nothing
    (0, 9900, 500, 0),
])
def test_the_fee_rule(fee, free_from, subtotal, expected):
    assert ShippingTerms(fee, free_from).parcel_fee(subtotal) == expected


@pytest.mark.parametrize("fee, free_from, subtotal, expected", [
    (1200, 9900, 9000, 900), (1200, 9900, 9900, None), (1200, None, 100, None), (0, 9900, 100, None)])
def test_how_much_more_ships_free(fee, free_from, subtotal, expected):
    assert ShippingTerms(fee, free_from).to_free_fen(subtotal) == expected


def _terms(cooperative_id: int) -> tuple[int, int | None]:
    coop = db.session.get(Cooperative, cooperative_id, populate_existing=True)
    return coop.shipping_fee_fen, coop.free_shipping_from_fen


def test_terms_are_saved_and_audited(app_ctx):
    coop, member = make_cooperative(), make_user()
    set_shipping_terms(coop.id, member.id, 1200, 9900)
    assert _terms(coop.id) == (1200, 9900)
    set_shipping_terms(coop.id, member.id, 800, None)
    assert _terms(coop.id) == (800, None)
    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [(e.action, e.actor_id, e.target_id) for e in entries] == \
        [("cooperative.shipping", member.id, str(coop.id))] * 2
    assert (entries[1].before, entries[1].after) == ({"fee_fen": 1200, "free_from_fen": 9900},
                                                     {"fee_fen": 800, "free_from_fen": None})


@pytest.mark.parametrize("fee, free_from", [(-1, None), (50_001, None), (1200, 0), (1200, -5), (1200, 10_000_001)])
def test_absurd_terms_are_refused_and_nothing_is_written(app_ctx, fee, free_from):
    coop, member = make_cooperative(), make_user()
    with pytest.raises(ShippingRefused):
        set_shipping_terms(coop.id, member.id, fee, free_from)
    assert _terms(coop.id) == (0, None)
    assert db.session.scalar(select(AuditEntry.id)) is None


def test_a_cooperative_not_verified_cannot_change_its_terms(app_ctx):
    coop, member = make_cooperative(status=VerificationStatus.SUSPENDED), make_user()
    with pytest.raises(NotSelling):
        set_shipping_terms(coop.id, member.id, 1200, None)
    assert _terms(coop.id) == (0, None)


def two_sellers(fee_a=1200, free_a=9900, fee_b=800, free_b=None):
    """A buyer and one product each of two cooperatives with the given terms."""
    a, b = make_cooperative("652929"), make_cooperative("522633")
    a.shipping_fee_fen, a.free_shipping_from_fen = fee_a, free_a
    b.shipping_fee_fen, b.free_shipping_from_fen = fee_b, free_b
    a.invoice_capability = b.invoice_capability = InvoiceCapability.ORDINARY
    db.session.commit()
    jujube = make_product(a, price_fen=4580, stock=50)
    bacon = make_product(b, price_fen=8800, stock=50)
    return make_user(), jujube, bacon


def test_checkout_charges_each_cooperative_once_and_includes_it_in_the_total(app_ctx):
    buyer, jujube, bacon = two_sellers()
    # Jujube ×3 = ¥137.40 reaches ¥99 (包邮); bacon ×1 = ¥88 pays ¥8 (no threshold).
    order = make_order(buyer, (jujube, 3), (bacon, 1), expected_total_fen=13740 + 8800 + 800)
    assert order.total_fen == 13740 + 8800 + 800
    assert (order.goods_fen, order.shipping_fen) == (13740 + 8800, 800)
    rows = db.session.scalars(select(OrderShipping).order_by(OrderShipping.cooperative_id)).all()
    assert [(r.cooperative_id, r.parcels, r.free_parcels, r.fee_fen) for r in rows] == [
        (jujube.cooperative_id, 1, 1, 0), (bacon.cooperative_id, 1, 0, 800)]


def test_the_placed_mail_says_what_shipping_costs(app_ctx):
    buyer, jujube, bacon = two_sellers()
    order = make_order(buyer, (jujube, 1), (bacon, 1))
    mail = db.session.scalar(select(QueuedMail).where(QueuedMail.message == "order_placed"))
    mail.locale = "en"
    _subject, body = render(mail)
    assert f"Total: ¥{order.total_fen / 100:,.2f}" in body and "- Shipping: ¥20.00" in body


def test_a_total_seen_without_shipping_is_refused_and_nothing_is_taken(app_ctx):
    buyer, jujube, bacon = two_sellers()
    fill_cart(buyer.id, (jujube, 1), (bacon, 1))
    with pytest.raises(PriceChanged):
        place_order(buyer.id, ADDRESS, secrets.token_urlsafe(16), expected_total_fen=4580 + 8800)
    assert db.session.scalar(select(Order.id)) is None
    assert db.session.get(Product, jujube.id, populate_existing=True).stock == 50
    # The total with shipping (¥12 + ¥8) goes through.
    order = place_order(buyer.id, ADDRESS, secrets.token_urlsafe(16), expected_total_fen=4580 + 8800 + 1200 + 800)
    assert order.shipping_fen == 2000


def test_terms_changed_after_the_page_was_shown_refuse_the_order(app_ctx):
    buyer, jujube, bacon = two_sellers()
    fill_cart(buyer.id, (jujube, 1))
    seen = 4580 + 1200
    set_shipping_terms(jujube.cooperative_id, make_user().id, 1500, 9900)
    with pytest.raises(PriceChanged):
        place_order(buyer.id, ADDRESS, secrets.token_urlsafe(16), expected_total_fen=seen)
    assert place_order(buyer.id, ADDRESS, secrets.token_urlsafe(16), expected_total_fen=4580 + 1500).total_fen == 6080


def test_a_gift_order_pays_shipping_per_recipient_parcel(app_ctx):
    user_id, organization_id, jujube, bacon = buyer_and_products()
    jujube_coop = db.session.get(Product, jujube).cooperative
    jujube_coop.shipping_fee_fen, jujube_coop.free_shipping_from_fen = 1000, 10000
    db.session.commit()
    # 张三's jujube parcel (3 × ¥39.90 = ¥119.70) ships free; 李四's (1 × ¥39.90) pays ¥10; 王五's too; the bacon
    # cooperative charges nothing.
    upload = gifts.start_gifts(organization_id, user_id, "gifts.csv", csv_file(
        row(name="张三", sku="KP-1", quantity=3), row(name="李四", mobile="13900139000", sku="KP-1"),
        row(name="王五", mobile="13700137000", sku="KP-1"), row(name="王五", mobile="13700137000", sku="CJ-1")))
    plan = gifts.preview_gifts(upload)
    assert (plan.goods_fen, plan.shipping_fen) == (5 * 3990 + 8800, 2000)
    with pytest.raises(PriceChanged):
        gifts.confirm_gifts(organization_id, upload.id, user_id, plan.goods_fen)
    order = gifts.confirm_gifts(organization_id, upload.id, user_id, plan.total_fen)
    assert order.total_fen == 5 * 3990 + 8800 + 2000
    rows = {r.cooperative_id: (r.parcels, r.free_parcels, r.fee_fen) for r in order.shipping}
    bacon_coop = db.session.get(Product, bacon).cooperative_id
    assert rows == {jujube_coop.id: (3, 1, 2000), bacon_coop: (1, 1, 0)}


def _refund(order, quantities, actor_id):
    return refund_order(order.id, quantities, reason="破损", restock=False, actor_id=actor_id,
                        request_token=secrets.token_hex(16), now=PAID_AT)


def test_shipping_goes_back_with_the_refund_that_completes_a_cooperatives_part(app_ctx):
    buyer, jujube, bacon = two_sellers(fee_a=1200, free_a=None, fee_b=800, free_b=None)
    staff = make_user(is_staff=True)
    order = make_paid_order(buyer, (jujube, 2), (bacon, 1), paid_at=PAID_AT)
    assert order.total_fen == 9160 + 8800 + 2000
    jujube_line, bacon_line = order.lines
    first = _refund(order, {jujube_line.id: 1}, staff.id)  # part of the jujube: no shipping
    assert (first.amount_fen, first.shipping_fen) == (4580, 0)
    last = _refund(order, {jujube_line.id: 1}, staff.id)  # the last jujube: its cooperative's ¥12 too
    assert (last.amount_fen, last.shipping_fen) == (4580 + 1200, 1200)
    rest = _refund(order, {bacon_line.id: 1}, staff.id)
    assert (rest.amount_fen, rest.shipping_fen) == (8800 + 800, 800)
    refunded = sum(r.amount_fen for r in db.session.scalars(select(Refund)))
    assert refunded == order.total_fen  # everything paid came back, once
    audit = db.session.scalars(select(AuditEntry.after).where(AuditEntry.action == "order.refund")).all()
    assert [entry["shipping_fen"] for entry in audit] == [0, 1200, 800]


def test_a_whole_order_refund_gives_back_all_its_shipping(app_ctx):
    buyer, jujube, bacon = two_sellers(fee_a=1200, free_a=None, fee_b=800, free_b=None)
    order = make_paid_order(buyer, (jujube, 2), (bacon, 1), paid_at=PAID_AT)
    refund = _refund(order, {line.id: line.quantity for line in order.lines}, make_user(is_staff=True).id)
    assert (refund.amount_fen, refund.shipping_fen) == (order.total_fen, 2000)


def test_tallies_certificates_and_invoices_count_goods_only(app_ctx):
    buyer, jujube, bacon = two_sellers(fee_a=1200, free_a=None, fee_b=800, free_b=None)
    order = make_paid_order(buyer, (jujube, 2), (bacon, 1), paid_at=PAID_AT,
                            invoice=InvoiceChoice(InvoiceType.ORDINARY, personal=True))
    goods = 9160 + 8800
    assert order.total_fen == goods + 2000
    totals = tally("county", Filters()).require_totals()
    assert (totals.gross_fen, totals.refunded_fen) == (goods, 0)
    assert certificates.figures(Filters(), order_id=order.id).gross_fen == goods
    # Invoices: each seller invoices its goods; shipping is not on them (decided: goods only, like the tallies).
    assert sorted(item.gross_fen for item in invoices.for_order(order.id)) == [8800, 9160]
    # Refunding the jujube's whole part gives back its ¥12 shipping, but the tallies subtract the goods only.
    _refund(order, {order.lines[0].id: 2}, make_user(is_staff=True).id)
    totals = tally("county", Filters()).require_totals()
    assert (totals.gross_fen, totals.refunded_fen, totals.net_fen) == (goods, 9160, 8800)
    assert certificates.figures(Filters(), order_id=order.id).net_fen == 8800
