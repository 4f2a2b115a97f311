"""The migrations build the schema from empty, tear it down, and match the models."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from shop.extensions import db


def test_down_and_up_again_and_models_match(app_ctx):
    downgrade(revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade()
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_the_search_index_migration_indexes_existing_products(app_ctx):
    from shop.catalog import search
    from tests.factories import make_product

    product = make_product(name="柯坪恰玛古", spec="5 kg/箱")
    db.session.commit()
    db.session.remove()
    downgrade(revision="0007")
    upgrade()
    assert search.stale_products(db.session) == []
    assert product.id in {pid for pid, in db.session.execute(
        db.select(search.SearchTerm.product_id).where(search.SearchTerm.term == "玛古"))}


def test_the_order_event_kinds_migration_converts_fixed_notes_both_ways(app_ctx):
    from datetime import timedelta

    from sqlalchemy import select, text

    from shop.core.database import utcnow, write_transaction
    from shop.orders import lifecycle
    from shop.orders.models import OrderEvent, OrderStatus
    from shop.payments.models import PAID_BY
    from tests.factories import make_product, make_user
    from tests.order_factories import make_order

    buyer, product = make_user(), make_product(stock=10)
    expired, paid, cancelled = (make_order(buyer, (product, 1)) for _ in range(3))
    lifecycle.cancel_order(cancelled.id, buyer.id, "不要了")
    with write_transaction(db.session):
        lifecycle.record_paid(lifecycle.load_order(paid.id), utcnow(), kind=PAID_BY, params={"method": "alipay"})
    lifecycle.expire_due_orders(now=utcnow() + timedelta(hours=2))
    db.session.remove()

    def notes():
        return {(order_id, status): note for order_id, status, note in db.session.execute(text(
            "SELECT order_id, to_status, note FROM order_events WHERE from_status IS NOT NULL"))}

    downgrade(revision="0009")
    assert "kind" not in {column["name"] for column in inspect(db.engine).get_columns("order_events")}
    assert notes() == {(expired.id, "cancelled"): "payment time ran out", (paid.id, "paid"): "alipay",
                       (cancelled.id, "cancelled"): "不要了"}
    # An old free-text note that happens to spell a payment method stays a note unless the event is a payment.
    db.session.execute(text("UPDATE order_events SET note = 'card' WHERE order_id = :id AND to_status = 'cancelled'"),
                       {"id": cancelled.id})
    db.session.commit()
    db.session.remove()

    upgrade()
    events = {(e.order_id, e.to_status): e for e in db.session.scalars(
        select(OrderEvent).where(OrderEvent.from_status.is_not(None)))}
    assert [(e.kind, e.params, e.note) for e in (events[expired.id, OrderStatus.CANCELLED],
                                                 events[paid.id, OrderStatus.PAID],
                                                 events[cancelled.id, OrderStatus.CANCELLED])] == [
        ("expired", None, ""), ("paid_by", {"method": "alipay"}, ""), (None, None, "card")]
    assert db.session.scalar(select(OrderEvent.note).where(OrderEvent.to_status == OrderStatus.PENDING_PAYMENT)) == ""


def test_the_organization_status_migration_converts_flags_and_roles_both_ways(app_ctx):
    from sqlalchemy import select, text

    from shop.accounts.models import OrganizationMembership, OrganizationRole
    from shop.organizations.models import Organization, OrganizationStatus
    from tests.factories import add_to_organization, make_organization, make_user

    active, suspended, applied = (make_organization(name=name, status=status) for name, status in (
        ("在用单位", OrganizationStatus.VERIFIED), ("暂停单位", OrganizationStatus.SUSPENDED),
        ("待审单位", OrganizationStatus.APPLIED)))
    buyer, viewer, admin = make_user(), make_user(), make_user()
    add_to_organization(buyer, active)
    add_to_organization(viewer, active, OrganizationRole.VIEWER)
    add_to_organization(admin, active, OrganizationRole.ADMIN)
    db.session.remove()

    downgrade(revision="0010")
    assert "status" not in {column["name"] for column in inspect(db.engine).get_columns("organizations")}
    assert dict(db.session.execute(text("SELECT name, is_active FROM organizations")).all()) == {
        "在用单位": True, "暂停单位": False, "待审单位": False}
    assert dict(db.session.execute(text("SELECT user_id, role FROM organization_memberships")).all()) == {
        buyer.id: "member", viewer.id: "member", admin.id: "admin"}
    db.session.remove()

    upgrade()
    assert {o.name: o.status for o in db.session.scalars(select(Organization))} == {
        "在用单位": OrganizationStatus.VERIFIED, "暂停单位": OrganizationStatus.SUSPENDED,
        "待审单位": OrganizationStatus.SUSPENDED}
    assert {m.user_id: m.role for m in db.session.scalars(select(OrganizationMembership))} == {
        buyer.id: OrganizationRole.PURCHASER, viewer.id: OrganizationRole.PURCHASER, admin.id: OrganizationRole.ADMIN}


def test_the_consents_migration_keeps_users_and_records_no_consent_they_never_gave(app_ctx):
    from sqlalchemy import text

    from tests.factories import make_user

    user_id = make_user(email="before@example.cn").id
    db.session.remove()
    downgrade(revision="0016")
    assert "consents" not in inspect(db.engine).get_table_names()
    assert "closed_at" not in {column["name"] for column in inspect(db.engine).get_columns("users")}
    upgrade()
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT email, closed_at FROM users WHERE id = :id"), {"id": user_id}).one() == (
            "before@example.cn", None)
        assert conn.execute(text("SELECT count(*) FROM consents")).scalar() == 0


def test_the_search_terms_newest_migration_gives_each_term_its_products_time(app_ctx):
    from shop.catalog import search
    from tests.factories import make_product

    product = make_product(name="晴隆糯薏仁")
    db.session.commit()
    listed = product.created_at
    db.session.remove()
    downgrade(revision="0023")
    upgrade()
    times = set(db.session.scalars(db.select(search.SearchTerm.created_at)
                                   .where(search.SearchTerm.product_id == product.id)))
    assert times == {listed}


def test_the_search_terms_price_migration_gives_each_term_its_products_price(app_ctx):
    from shop.catalog import search
    from tests.factories import make_product

    cheap, dear = make_product(name="晴隆糯薏仁", price_fen=1250), make_product(name="晴隆绿茶", price_fen=8800)
    db.session.commit()
    db.session.remove()
    downgrade(revision="0024")
    assert "price_fen" not in {column["name"] for column in inspect(db.engine).get_columns("product_search_terms")}
    upgrade()
    terms = search.SearchTerm
    prices = dict(db.session.execute(db.select(terms.product_id, terms.price_fen).distinct()).all())
    assert prices == {cheap.id: 1250, dear.id: 8800}
    assert search.stale_products(db.session) == []
