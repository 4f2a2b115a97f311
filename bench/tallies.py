"""Benchmark: the county CSV export against the bare SQL GROUP BY it runs, over 1,000,000 paid order lines.

    python bench/tallies.py [--lines 1000000] [--database-url postgresql+psycopg://...]

Builds a throwaway database (SQLite in a temp directory unless --database-url is given; the database is
emptied first, so never point it at real data), loads the demo counties, pairings and products, then
generates paid orders over 24 months (four lines each, 2% of orders with a refund a few days later).
It times, in the same run and the same process:

- bare: the grouped SQL statement behind the county tally, rows fetched and discarded;
- export: the whole county CSV (the same statement, the labels, the formatting), written to a sink.

and measures the export's Python memory peak (tracemalloc) after the first fifth of the lines and at the
end, to show it does not grow with the number of lines. Target: export ≤ 1.3 × bare. Results are printed
and written to bench/results/tallies-<timestamp>.json.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
import tracemalloc
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select, text  # noqa: E402

from bench.harness import demo_app_context, load_average, save_results  # noqa: E402
from shop.catalog.models import Product  # noqa: E402
from shop.extensions import db  # noqa: E402
from shop.orders.models import Order, OrderLine  # noqa: E402
from shop.organizations.models import Organization  # noqa: E402
from shop.payments.models import Payment, Refund, RefundLine  # noqa: E402
from shop.reports import exports  # noqa: E402
from shop.reports.ledger import Filters, grouped_statement, tally  # noqa: E402

TARGET = 1.3
LINES_PER_ORDER = 4
START = datetime(2025, 1, 1, tzinfo=timezone.utc)
DAYS = 730
CHUNK = 20_000


def _buyers(rng: random.Random) -> tuple[list[int], list[int]]:
    from shop.accounts.models import User
    users = [{"email": f"bench{n}@example.cn", "name": f"买家{n}", "password_hash": "x", "is_staff": False,
              "is_active": True, "created_at": START, "password_changed_at": START} for n in range(2000)]
    db.session.execute(insert(User), users)
    user_ids = list(db.session.scalars(select(User.id).where(User.email.like("bench%"))))
    orgs = [{"name": f"测试单位{n}", "kind": rng.choice(["budget_unit", "union", "company", "charity"]),
             "credit_code": f"BENCH{n:013d}", "region_code": rng.choice(["330500", "330100", "330200"]),
             "invoice_title": f"测试单位{n}", "tax_number": f"9133{n:014d}", "is_active": True, "created_at": START}
            for n in range(60)]
    db.session.execute(insert(Organization), orgs)
    db.session.commit()
    return user_ids, list(db.session.scalars(select(Organization.id)))


def generate(count_lines: int, first_order: int, rng: random.Random, users, orgs, products) -> int:
    """Insert paid orders with `count_lines` lines in chunks; returns the next order number."""
    n = first_order
    made = 0
    while made < count_lines:
        orders, lines, refund_orders = [], [], []
        batch = min(CHUNK, count_lines - made) // LINES_PER_ORDER
        for _ in range(batch):
            n += 1
            placed = START + timedelta(minutes=rng.randrange(DAYS * 24 * 60))
            org = rng.choice(orgs) if rng.random() < 0.3 else None
            chosen = [rng.choice(products) for _ in range(LINES_PER_ORDER)]
            quantities = [rng.randint(1, 5) for _ in chosen]
            total = sum(p.price_fen * q for p, q in zip(chosen, quantities))
            orders.append({"id": n, "number": f"BENCH-{n:010d}", "checkout_token": f"bench-{n}",
                           "user_id": rng.choice(users), "organization_id": org,
                           "buyer_class": "budget_unit" if org else "public", "status": "paid", "total_fen": total,
                           "item_count": sum(quantities), "recipient": "张三", "mobile": "13800138000",
                           "province": "浙江省", "city": "湖州市", "district": "吴兴区", "street": "人民路 1 号",
                           "created_at": placed, "expires_at": placed + timedelta(minutes=30),
                           "paid_at": placed + timedelta(minutes=3)})
            for product, quantity in zip(chosen, quantities):
                lines.append({"order_id": n, "product_id": product.id, "cooperative_id": product.cooperative_id,
                              "cooperative_name": "合作社", "sku": product.sku, "product_name": product.name,
                              "spec": product.spec, "unit": product.unit, "unit_price_fen": product.price_fen,
                              "quantity": quantity, "line_total_fen": product.price_fen * quantity,
                              "net_weight_g": product.net_weight_g, "origin_county_code": product.origin_county_code,
                              "origin_county_name": "县", "category_id": product.category_id})
            if rng.random() < 0.02:
                refund_orders.append((n, placed))
        db.session.execute(insert(Order), orders)
        db.session.execute(insert(OrderLine), lines)
        for order_id, placed in refund_orders:
            payment_id = db.session.execute(insert(Payment).returning(Payment.id), [{
                "order_id": order_id, "method": "bank_transfer", "amount_fen": 1, "currency": "cny",
                "reference": f"BENCH{order_id}", "received_at": placed}]).scalar_one()
            line = db.session.execute(select(OrderLine.id, OrderLine.unit_price_fen)
                                      .where(OrderLine.order_id == order_id).limit(1)).one()
            refund_id = db.session.execute(insert(Refund).returning(Refund.id), [{
                "order_id": order_id, "payment_id": payment_id, "amount_fen": line.unit_price_fen, "reason": "破损",
                "restock": False, "status": "succeeded", "request_token": f"bench-{order_id}",
                "created_at": placed + timedelta(days=9), "refunded_at": placed + timedelta(days=9)}]).scalar_one()
            db.session.execute(insert(RefundLine), [{"refund_id": refund_id, "order_line_id": line.id,
                                                     "quantity": 1, "amount_fen": line.unit_price_fen}])
        db.session.commit()
        made += batch * LINES_PER_ORDER
    return n


class Sink:
    def __init__(self) -> None:
        self.size = 0

    def write(self, data: str) -> None:
        self.size += len(data)


def measure(repeats: int = 3) -> dict:
    filters = Filters()
    statement = grouped_statement("county", filters)
    bare, export = [], []
    for _ in range(repeats):
        db.session.remove()
        started = time.perf_counter()
        rows = db.session.execute(statement).all()
        bare.append(time.perf_counter() - started)
        db.session.remove()
        started = time.perf_counter()
        sink = Sink()
        for line in exports.csv_lines(tally("county", filters, with_totals=False)):
            sink.write(line)
        export.append(time.perf_counter() - started)
    db.session.remove()
    tracemalloc.start()
    for line in exports.csv_lines(tally("county", filters, with_totals=False)):
        pass
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"groups": len(rows), "bare_s": min(bare), "export_s": min(export),
            "ratio": min(export) / min(bare), "export_peak_kib": round(peak / 1024, 1), "csv_bytes": sink.size}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--database-url", help="e.g. postgresql+psycopg://postgres@127.0.0.1/bench (emptied!)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bangfu-tallies-") as tmp, \
            demo_app_context(Path(tmp), args.database_url):
        rng = random.Random(2026)
        products = list(db.session.scalars(select(Product)))
        users, orgs = _buyers(rng)
        results = {"database": db.engine.dialect.name, "lines": args.lines, "load_average": load_average()}
        first = args.lines // 5
        started = time.perf_counter()
        next_order = generate(first, 0, rng, users, orgs, products)
        results["at_first_fifth"] = {"lines": first, **measure()}
        generate(args.lines - first, next_order, rng, users, orgs, products)
        results["generate_s"] = round(time.perf_counter() - started, 1)
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("ANALYZE"))
        results["at_full_size"] = {"lines": args.lines, **measure()}
    full = results["at_full_size"]
    print(json.dumps(results, indent=2, ensure_ascii=False))
    verdict = "PASS" if full["ratio"] <= TARGET else "MISS"
    print(f"county CSV export {full['export_s']:.2f} s vs bare GROUP BY {full['bare_s']:.2f} s: "
          f"ratio {full['ratio']:.3f} (target ≤ {TARGET}) {verdict}; export memory peak "
          f"{results['at_first_fifth']['export_peak_kib']} KiB at {first:,} lines, {full['export_peak_kib']} KiB "
          f"at {args.lines:,}")
    save_results("tallies", results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
