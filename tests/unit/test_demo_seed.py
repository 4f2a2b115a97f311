"""The demo data loads, is idempotent, and the generator tops a catalogue up."""
from pathlib import Path

import pytest
from sqlalchemy import func, select

from shop.catalog import search
from shop.catalog.models import Photo, Product
from shop.cooperatives.models import Cooperative
from shop.demo import data
from shop.demo.seed import IMAGES, demo_images, generate_products, seed_demo
from shop.extensions import db
from shop.regions.models import Pairing

pytestmark = pytest.mark.usefixtures("app_ctx")


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_every_demo_product_has_an_image_file():
    for row in data.PRODUCTS:
        assert (IMAGES / f"{row[1].lower()}.jpg").is_file(), row[1]


def test_every_demo_product_has_a_gallery_of_distinct_pictures_and_the_set_stays_small():
    pictures = [demo_images(row[1]) for row in data.PRODUCTS]
    assert all(len(paths) >= 3 for paths in pictures)
    contents = [path.read_bytes() for paths in pictures for path in paths]
    assert len(set(contents)) == len(contents)  # no picture is reused for another product or view
    assert sum(len(content) for content in contents) < 3 * 1024 * 1024
    assert sorted(IMAGES.iterdir()) == sorted(path for paths in pictures for path in paths)  # no stray files


def test_seed_demo_is_idempotent(app):
    first = seed_demo()
    assert first.pairings_created == 10 and first.cooperatives_created >= 10 and first.products_created >= 30
    # Every product gets its whole gallery (the main picture first), so there are more photos than products.
    assert first.photos_created == sum(len(demo_images(row[1])) for row in data.PRODUCTS) >= 3 * first.products_created
    second = seed_demo()
    assert (second.regions_created, second.pairings_created, second.cooperatives_created,
            second.products_created, second.photos_created) == (0, 0, 0, 0, 0)
    assert count(Product) == len(data.PRODUCTS)
    assert count(Photo) == first.photos_created
    for product in db.session.scalars(select(Product)):
        assert [photo.position for photo in product.photos] == list(range(len(product.photos)))
    assert count(Pairing) == 10
    uploads = Path(app.config["UPLOAD_FOLDER"])
    for photo in db.session.scalars(select(Photo)):
        assert (uploads / photo.filename).is_file() and (uploads / photo.thumb_filename).is_file()
        # The demo's photos come with their WebPs (`make run` shows them).
        assert photo.webp and all((uploads / name).is_file() for name in photo.file_names)


@pytest.mark.usefixtures("seed_demo_once_encoded")  # the pictures' pipeline: see the test above
def test_demo_pairings_have_their_real_dates():
    seed_demo()
    pairing = db.session.scalar(select(Pairing).where(Pairing.recipient_code == "522326"))
    assert pairing.helper.name == "宁波市" and pairing.ends_on.year == 2020
    litang = db.session.scalar(select(Pairing).where(Pairing.recipient_code == "513334"))
    assert litang.helper.name == "钱塘区" and litang.starts_on.year == 2021 and litang.ends_on is None


@pytest.mark.usefixtures("seed_demo_once_encoded")  # the pictures' pipeline: see the test above
def test_demo_cooperatives_have_valid_credit_codes():
    seed_demo()
    from shop.core.credit_code import is_valid

    assert all(is_valid(c.credit_code) for c in db.session.scalars(select(Cooperative)))


@pytest.mark.usefixtures("seed_demo_once_encoded")  # the pictures' pipeline: see the test above
def test_generate_products_tops_up():
    seed_demo()
    assert generate_products(50) == 50
    assert generate_products(50) == 0
    assert generate_products(80) == 30
    assert count(Product) == len(data.PRODUCTS) + 80
    assert search.stale_products(db.session) == []  # bulk-inserted, and indexed for search all the same


@pytest.mark.usefixtures("seed_demo_once_encoded")  # the pictures' pipeline: see the test above
def test_generating_commits_as_it_goes_and_a_stopped_run_is_topped_up(monkeypatch):
    from shop.demo import seed as seed_module
    seed_demo()
    monkeypatch.setattr(seed_module, "COMMIT_EVERY_BATCHES", 1)  # every 1,000 listings
    indexed = []

    def index_then_stop(session, ids):
        if len(indexed) == 2:
            raise KeyboardInterrupt  # stopped while writing the third thousand
        indexed.append(ids)
        search_refresh(session, ids)

    search_refresh = search.refresh_terms
    monkeypatch.setattr(search, "refresh_terms", index_then_stop)
    with pytest.raises(KeyboardInterrupt):
        generate_products(2500)
    db.session.rollback()
    assert count(Product) == len(data.PRODUCTS) + 2000  # the two thousands committed stay
    monkeypatch.setattr(search, "refresh_terms", search_refresh)
    assert generate_products(2500) == 500
    assert count(Product) == len(data.PRODUCTS) + 2500
    assert search.stale_products(db.session) == []


@pytest.mark.usefixtures("seed_demo_once_encoded")  # the pictures' pipeline: see the test above
def test_demo_sales_are_real_paid_orders_placed_once():
    from shop.demo.sales import seed_demo_sales
    from shop.orders.models import Order, OrderStatus
    from shop.reports.impact import impact_board

    seed_demo()
    stock_before = db.session.scalar(select(func.sum(Product.stock)))
    assert seed_demo_sales(15) == 15
    assert seed_demo_sales(15) == 0  # once
    orders = db.session.scalars(select(Order)).all()
    assert len(orders) == 15 and all(order.status == OrderStatus.PAID for order in orders)
    sold = sum(line.quantity for order in orders for line in order.lines)
    assert db.session.scalar(select(func.sum(Product.stock))) == stock_before - sold
    board = impact_board()
    # The board counts product sales: the orders' totals without the shipping some demo sellers charge.
    assert sum(order.shipping_fen for order in orders) > 0
    assert board.orders == 15 and board.net_fen == sum(order.goods_fen for order in orders)


@pytest.mark.usefixtures("seed_demo_once_encoded")  # the pictures' pipeline: see the test above
def test_demo_organizations_have_a_member_per_role_with_the_demo_password():
    from shop.accounts.models import OrganizationMembership, OrganizationRole
    from shop.accounts.services import authenticate
    from shop.demo.seed import DEMO_ORGANIZATION_PASSWORD, demo_member_email
    from shop.organizations.models import Organization, OrganizationStatus

    first = seed_demo()
    assert (first.organizations_created, first.members_created) == (2, 6)
    assert (seed_demo().organizations_created, seed_demo().members_created) == (0, 0)
    organizations = list(db.session.scalars(select(Organization)))
    assert [o.status for o in organizations] == [OrganizationStatus.VERIFIED] * 2
    for key, name in (("zgh", "湖州市总工会"), ("czj", "宁波市海曙区财政局")):
        for role in OrganizationRole:
            user = authenticate(demo_member_email(key, role), DEMO_ORGANIZATION_PASSWORD)
            [membership] = db.session.scalars(select(OrganizationMembership).where(
                OrganizationMembership.user_id == user.id))
            assert (membership.organization.name, membership.role) == (name, role)
