"""Model invariants that the database itself enforces."""
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy.exc import IntegrityError

from shop.catalog.models import Product
from shop.extensions import db
from tests.factories import make_category, make_cooperative, make_product

pytestmark = pytest.mark.usefixtures("app_ctx")


@pytest.mark.parametrize("field, value", [("stock", -1), ("price_fen", 0), ("price_fen", -100),
                                          ("net_weight_g", 0)])
def test_check_constraints(field, value):
    product = make_product()
    setattr(product, field, value)
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_stock_update_below_zero_is_refused_by_the_database():
    product = make_product(stock=1)
    with pytest.raises(IntegrityError):
        db.session.execute(db.update(Product).where(Product.id == product.id).values(stock=Product.stock - 2))
    db.session.rollback()


def test_sku_is_unique_per_cooperative():
    coop, other = make_cooperative(), make_cooperative()
    make_product(cooperative=coop, sku="KP-1")
    make_product(cooperative=other, sku="KP-1")  # another cooperative may reuse it
    with pytest.raises(IntegrityError):
        make_product(cooperative=coop, sku="KP-1")
    db.session.rollback()


def test_cooperative_credit_code_is_checked():
    with pytest.raises(ValueError, match="91110108551385082A"):
        make_cooperative().credit_code = "91110108551385082A"
    db.session.rollback()


def test_timestamps_come_back_aware_utc():
    product = make_product()
    db.session.expire_all()
    assert product.created_at.tzinfo is not None
    assert product.created_at.utcoffset() == timedelta(0)
    assert abs(datetime.now(timezone.utc) - product.created_at) < timedelta(minutes=1)


def test_naive_datetimes_are_refused():
    product = make_product()
    product.created_at = datetime(2026, 1, 1)
    with pytest.raises(Exception, match="naive"):
        db.session.commit()
    db.session.rollback()


def test_certificate_validity():
    product = make_product(certificate_type="绿色食品", certificate_number="LB-1",
                           certificate_valid_until=date(2026, 12, 31))
    assert product.certificate_valid_on(date(2026, 12, 31))
    assert not product.certificate_valid_on(date(2027, 1, 1))
    assert not make_product().certificate_valid_on(date(2026, 1, 1))


def test_category_name_follows_the_language(app):
    category = make_category(slug="tea", name_zh="茶叶", name_en="Tea")
    with app.test_request_context():
        from flask import session

        assert category.name == "茶叶"
        session["lang"] = "en"
        from flask_babel import refresh

        refresh()
        assert category.name == "Tea"
