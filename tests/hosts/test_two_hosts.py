"""Two app hosts behind one address, sharing one PostgreSQL and one object store: a buyer's session, cart and
order move between them request by request, a photo uploaded on one is served by the other, and the job runner
running on both at once does every job exactly once."""
from __future__ import annotations

import re
import signal
import time
from datetime import timedelta

from sqlalchemy import func, select, update

from shop.catalog.models import Photo, Product
from shop.core.database import utcnow
from shop.core.outbox import QueuedMail
from shop.extensions import db
from shop.orders.models import Order, OrderEvent, OrderStatus
from tests.factories import (
    PASSWORD,
    add_to_cooperative,
    add_to_organization,
    make_cooperative,
    make_delivery_regions,
    make_organization,
    make_product,
    make_user,
)
from tests.hosts.conftest import Browser
from tests.image_files import image_bytes
from tests.order_factories import make_order

ADDRESS = {"recipient": "王五", "mobile": "13912345678", "province": "浙江省", "city": "湖州市",
           "district": "吴兴区", "street": "人民路 1 号"}
CHECKOUT_FIELDS = re.compile(r'<input[^>]*name="(checkout_token|expected_total|csrf_token)"[^>]*value="([^"]*)"')


def test_a_buyer_moves_between_hosts_from_login_to_payment(app, hosts):
    a, b = hosts
    with app.app_context():
        organization = make_organization(name="湖州市总工会", kind="union")
        add_to_organization(make_user(email="buyer@example.cn"), organization)
        make_user(email="staff@example.cn", is_staff=True)
        product = make_product(make_cooperative("652929"), name="柯坪红枣", price_fen=4990, stock=10)
        make_delivery_regions()
        organization_id, product_id = organization.id, product.id
    buyer = Browser()
    buyer.log_in(a, "buyer@example.cn", PASSWORD)
    added = buyer.submit(f"{b.url}/cart/add", {"product_id": product_id, "quantity": 2}, token_from=f"{a.url}/")
    assert added.status_code == 302
    assert "柯坪红枣" in buyer.get(f"{a.url}/cart", timeout=20).text  # B's write, read on A
    fields = dict(CHECKOUT_FIELDS.findall(buyer.get(f"{a.url}/checkout", timeout=20).text))
    placed = buyer.post(f"{a.url}/checkout", data={**fields, **ADDRESS, "buy_for": f"org:{organization_id}"},
                        allow_redirects=False, timeout=20)
    assert placed.status_code == 302, placed.text[-2000:]
    with app.app_context():
        order = db.session.scalar(select(Order))
        number = order.number
        assert (order.total_fen, order.organization_id) == (9980, organization_id)
    chosen = buyer.submit(f"{b.url}/orders/{number}/pay/bank-transfer", {}, token_from=f"{a.url}/orders/{number}/pay")
    assert chosen.status_code == 302
    assert "1905 0101 0400 12345" in buyer.get(f"{b.url}/orders/{number}/pay/bank-transfer", timeout=20).text
    staff = Browser()
    staff.log_in(b, "staff@example.cn", PASSWORD)
    recorded = staff.submit(f"{a.url}/staff/payments/bank-transfers",
                            {"order": number, "amount": "99.80", "bank_serial": "ABC2026120100001",
                             "payer": "湖州市总工会"}, token_from=f"{b.url}/staff/payments/")
    assert recorded.status_code == 302, recorded.text[-2000:]
    with app.app_context():
        assert db.session.scalar(select(Order.status).where(Order.number == number)) == OrderStatus.PAID
        assert db.session.get(Product, product_id).stock == 8
    assert number in buyer.get(f"{b.url}/orders/{number}", timeout=20).text


def test_a_photo_uploaded_on_one_host_is_served_by_the_other(app, hosts, seaweedfs):
    a, b = hosts
    with app.app_context():
        cooperative = make_cooperative("652929")
        add_to_cooperative(make_user(email="kp@example.cn"), cooperative)
        product_id = make_product(cooperative, name="柯坪红枣", stock=10).id
    seller = Browser()
    seller.log_in(a, "kp@example.cn", PASSWORD)
    page = f"{a.url}/coop/products/{product_id}"
    uploaded = seller.post(f"{page}/photos", data={"csrf_token": seller.token(page)},
                           files={"photo": ("photo.png", image_bytes("PNG", size=(320, 240)), "image/png")},
                           allow_redirects=False, timeout=20)
    assert uploaded.status_code == 302, uploaded.text[-2000:]
    with app.app_context():
        name = db.session.scalar(select(Photo.filename).where(Photo.product_id == product_id))
    served = Browser().get(f"{b.url}/media/{name}", timeout=20)
    assert served.status_code == 200 and served.headers["Content-Type"] == "image/jpeg"
    assert served.content == seaweedfs.client().get_object(Bucket=seaweedfs.bucket, Key=f"hosts/media/{name}")[
        "Body"].read()
    assert not any(path.is_file() for host in hosts for path in (host.folder / "uploads").rglob("*"))


def test_the_job_runner_on_both_hosts_does_every_job_once(app, hosts):
    orders = 40
    with app.app_context():
        product = make_product(make_cooperative("652929"), name="柯坪红枣", stock=100)
        buyer = make_user(email="buyer@example.cn")
        for _ in range(orders):
            make_order(buyer, (product, 1))
        assert db.session.scalar(select(Product.stock).where(Product.id == product.id)) == 100 - orders
        # Everything falls due at one instant a few seconds on, when both runners are polling.
        due = utcnow() + timedelta(seconds=4)
        db.session.execute(update(Order).values(expires_at=due))
        db.session.execute(update(QueuedMail).values(next_attempt_at=due))
        db.session.commit()
        product_id = product.id
    runners = [host.run_jobs("--interval", "0.5") for host in hosts]
    try:
        deadline = time.monotonic() + 45
        while time.monotonic() < deadline and not _all_done(app):
            assert all(runner.poll() is None for runner in runners), "a job runner exited"
            time.sleep(0.5)
    finally:
        for runner in runners:
            runner.send_signal(signal.SIGTERM)
            runner.wait(timeout=20)
    assert _all_done(app)
    with app.app_context():
        cancels = db.session.execute(select(OrderEvent.order_id, func.count()).where(
            OrderEvent.to_status == OrderStatus.CANCELLED).group_by(OrderEvent.order_id)).all()
        assert len(cancels) == orders and {count for _, count in cancels} == {1}
        # Each unit given back once.
        assert db.session.scalar(select(Product.stock).where(Product.id == product_id)) == 100
        mails = db.session.scalar(select(func.count()).select_from(QueuedMail))
        assert mails >= orders  # "placed" per order (and whatever the expiry queued)
        assert set(db.session.scalars(select(QueuedMail.attempts))) == {1}  # each claimed by one runner, once
    sent = [path for host in hosts for path in host.outbox()]
    assert len(sent) == mails
    logs = "".join(path.read_text() for host in hosts for path in host.folder.glob("jobs-*.log"))
    assert "Traceback" not in logs and "failed:" not in logs, logs[-3000:]  # neither runner's job tripped
    assert sum(int(number) for number in re.findall(r"expired=(\d+)", logs)) == orders
    # Each stopped (SIGTERM) only after finishing and reporting its round.
    assert logs.count("run-jobs: stopped on request, after finishing its round") == len(hosts), logs[-3000:]


def _all_done(app) -> bool:
    """No order left unpaid and no mail left unsent."""
    with app.app_context():
        try:
            pending = db.session.scalar(select(func.count()).select_from(Order).where(
                Order.status == OrderStatus.PENDING_PAYMENT))
            unsent = db.session.scalar(select(func.count()).select_from(QueuedMail).where(
                QueuedMail.sent_at.is_(None)))
            return pending == 0 and unsent == 0
        finally:
            db.session.remove()
