"""Checkout benchmark: many buyers placing orders at once for a few products, under gunicorn.

Set-up (not timed): a throwaway database with the demo data, BUYERS users each with one unit of one
of a few products in their cart (more buyers than units, so some must be told "sold out"), each
logged in over HTTP with the checkout page open. Timed: every buyer submits the checkout form,
CONCURRENCY at a time. Reported: orders per second, how many were sold out, and the oversell count
(units sold beyond the stock there was), which must be 0.

Usage: python bench/checkout.py [--database-url URL] [--buyers 600] [--stock 500] [--products 3]
                                [--concurrency 16] [--workers 2]
Target (issue #3): >= 100 orders/s on SQLite on a 2-core machine, oversell 0.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import (  # noqa: E402
    HOST,
    RESULTS_DIR,
    BenchError,
    bench_env,
    free_port,
    run_flask,
    start_server,
    stop_server,
    wait_until_up,
    warn_if_busy,
)

CSRF = re.compile(r'name="csrf_token"[^>]* value="([^"]+)"')
HIDDEN = re.compile(r'<input[^>]*name="(checkout_token|expected_total)"[^>]*value="([^"]*)"')
PASSWORD = "bench-password-1"
ADDRESS = {"recipient": "压测买家", "mobile": "13800138000", "province": "浙江省", "city": "湖州市",
           "district": "吴兴区", "street": "人民路 1 号"}


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="a PostgreSQL URL (default: SQLite in a temp dir)")
    parser.add_argument("--buyers", type=int, default=600)
    parser.add_argument("--stock", type=int, default=500, help="units in stock across the products")
    parser.add_argument("--products", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    return parser.parse_args(argv)


class Browser:
    """One buyer's cookie-keeping HTTP client on a keep-alive connection (no redirects followed)."""

    def __init__(self, port: int):
        self.connection = http.client.HTTPConnection(HOST, port, timeout=60)
        self.cookie = ""

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, dict, str]:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        text = response.read().decode()
        cookie = response.getheader("Set-Cookie")
        if cookie:
            self.cookie = cookie.split(";", 1)[0]
        return response.status, dict(response.getheaders()), text


def prepare_buyers(env: dict, args: argparse.Namespace) -> tuple[list[str], dict[int, int]]:
    """Users with carts, made in-process; returns their emails and {product id: stock}."""
    os.environ.update(env)
    from werkzeug.security import generate_password_hash

    from shop import create_app
    from shop.accounts.models import User
    from shop.catalog.models import Product
    from shop.extensions import db
    from shop.orders import cart

    app = create_app()
    with app.app_context():
        products = list(db.session.scalars(db.select(Product).order_by(Product.id).limit(args.products)))
        share, extra = divmod(args.stock, len(products))
        stock = {}
        for index, product in enumerate(products):
            product.stock = share + (1 if index < extra else 0)
            stock[product.id] = product.stock
        cheap_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1")  # set-up speed only
        emails = [f"buyer{n}@bench.invalid" for n in range(args.buyers)]
        users = [User(email=email, name=f"买家{n}", password_hash=cheap_hash) for n, email in enumerate(emails)]
        db.session.add_all(users)
        db.session.commit()
        for n, user in enumerate(users):
            cart.add_to_cart(cart.CartOwner(user_id=user.id), products[n % len(products)].id, 1)
    return emails, stock


def open_checkout(port: int, email: str) -> tuple[Browser, dict]:
    """Log in and open the checkout page, as a buyer would before pressing the button."""
    browser = Browser(port)
    _, _, page = browser.request("GET", "/account/login")
    status, _, _ = browser.request("POST", "/account/login", {
        "identifier": email, "password": PASSWORD, "csrf_token": CSRF.search(page).group(1)})
    if status != 302:
        raise BenchError(f"login of {email} answered {status}")
    status, _, page = browser.request("GET", "/checkout")
    if status != 200:
        raise BenchError(f"/checkout answered {status} for {email}")
    form = {**ADDRESS, **dict(HIDDEN.findall(page)), "buy_for": "self", "csrf_token": CSRF.search(page).group(1)}
    return browser, form


def submit(browser: Browser, form: dict) -> str:
    status, headers, _ = browser.request("POST", "/checkout", form)
    location = headers.get("Location", "")
    if status == 302 and "/orders/BF" in location:
        return "ordered"
    if status == 302 and location.endswith("/cart"):
        return "sold out"
    return f"HTTP {status} {location}"


def verify(env: dict, stock: dict[int, int]) -> dict:
    """Count what was sold per product against the stock there was."""
    from sqlalchemy import func, select

    from shop import create_app
    from shop.catalog.models import Product
    from shop.extensions import db
    from shop.orders.models import OrderLine

    app = create_app()
    with app.app_context():
        sold = dict(db.session.execute(
            select(OrderLine.product_id, func.sum(OrderLine.quantity)).group_by(OrderLine.product_id)).all())
        left = dict(db.session.execute(select(Product.id, Product.stock).where(Product.id.in_(stock))).all())
    oversell = sum(max(0, sold.get(pid, 0) - units) for pid, units in stock.items())
    consistent = all(left[pid] == units - sold.get(pid, 0) and left[pid] >= 0 for pid, units in stock.items())
    return {"sold": sum(sold.values()), "oversell": oversell, "stock_consistent": consistent}


def benchmark(args: argparse.Namespace, tmp: Path) -> dict:
    env = bench_env(tmp, args.database_url)
    run_flask(env, "db", "upgrade")
    run_flask(env, "seed-demo")
    emails, stock = prepare_buyers(env, args)
    port = free_port()
    with open(tmp / "gunicorn.log", "w") as log:
        server = start_server(env, args.workers, port, log)
        try:
            wait_until_up(server, f"http://{HOST}:{port}")
            with ThreadPoolExecutor(args.concurrency) as pool:
                sessions = list(pool.map(lambda email: open_checkout(port, email), emails))
            load = warn_if_busy()
            started = time.perf_counter()
            with ThreadPoolExecutor(args.concurrency) as pool:
                outcomes = list(pool.map(lambda pair: submit(*pair), sessions))
            seconds = time.perf_counter() - started
        finally:
            stop_server(server)
    counts = {outcome: outcomes.count(outcome) for outcome in sorted(set(outcomes))}
    checks = verify(env, stock)
    return {"database": "postgresql" if args.database_url else "sqlite", "buyers": args.buyers,
            "stock": args.stock, "products": args.products, "concurrency": args.concurrency,
            "workers": args.workers, "seconds": round(seconds, 3), "outcomes": counts,
            "orders_per_second": round(counts.get("ordered", 0) / seconds, 1), "load_average": load, **checks}


def main(argv=None) -> int:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bangfu-bench-") as tmp:
        try:
            result = benchmark(args, Path(tmp))
        except BenchError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
    print(json.dumps(result, ensure_ascii=False, indent=2))
    target = "PASS" if result["orders_per_second"] >= 100 else "MISS"
    print(f"orders/s {result['orders_per_second']} (target >= 100: {target}); oversell {result['oversell']}")
    RESULTS_DIR.mkdir(exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    (RESULTS_DIR / f"checkout-{stamp}.json").write_text(json.dumps(result, ensure_ascii=False, indent=2))
    bad = result["oversell"] or not result["stock_consistent"] or any(o.startswith("HTTP") for o in result["outcomes"])
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
