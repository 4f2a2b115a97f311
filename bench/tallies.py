"""Benchmark: the staff tallies and their downloads over millions of paid order lines, read from the daily rollup.

    python bench/tallies.py [--lines 1000000] [--database-url postgresql+psycopg://...] [--skip-lines-group-by]

Builds a throwaway database (SQLite in a temp directory unless --database-url is given; the database is
emptied first, so never point it at real data), loads the demo counties, pairings and products, then
generates paid orders over 24 months (four lines each, 2% of orders with a refund nine days later) with COPY on
PostgreSQL and executemany on SQLite, and recounts the rollups from them (what migration 0029 does), then lets the
database settle (harness.settle_after_load: on PostgreSQL VACUUM ANALYZE and a checkpoint). At a fifth of the
lines and at the full count it times, in the same process:

- bare: the county tally's two GROUP BYs over the rollups (sums and orders from the daily cells, distinct buyers
  from the monthly ones; rows fetched and discarded), and the one over the lines;
- export: the whole county CSV (the same statement, the labels, the formatting), written to a sink;
- the staff page (by county, by month) and its CSV and XLSX downloads through the test client, logged in.

and measures the export's Python memory peak (tracemalloc), to show it does not grow with the number of lines.
Targets: page and downloads ≤ 2 s; export ≤ 1.3 × bare. Results are printed and written to
bench/results/tallies-<timestamp>.json.
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

from sqlalchemy import func, insert, select, text  # noqa: E402

from bench.harness import demo_app_context, load_average, save_results, settle_after_load  # noqa: E402
from shop.catalog.models import Product  # noqa: E402
from shop.extensions import db  # noqa: E402
from shop.organizations.models import Organization  # noqa: E402
from shop.reports import exports, rollup, rollup_read  # noqa: E402
from shop.reports.ledger import Filters, grouped_statement, tally  # noqa: E402
from shop.reports.rollup_models import DailyTally, MonthlyBuyer  # noqa: E402

TARGET = 1.3
PAGE_TARGET = 2.0
STAFF_PASSWORD = "bench staff password"
LINES_PER_ORDER = 4
START = datetime(2025, 1, 1, tzinfo=timezone.utc)
DAYS = 730
CHUNK = 100_000


def _buyers(rng: random.Random) -> tuple[list[int], list[int]]:
    from shop.accounts.models import User
    users = [{"email": f"bench{n}@example.cn", "name": f"买家{n}", "password_hash": "x", "is_staff": False,
              "is_active": True, "created_at": START, "password_changed_at": START} for n in range(2000)]
    db.session.execute(insert(User), users)
    user_ids = list(db.session.scalars(select(User.id).where(User.email.like("bench%"))))
    orgs = [{"name": f"测试单位{n}", "kind": rng.choice(["budget_unit", "union", "company", "charity"]),
             "credit_code": f"BENCH{n:013d}", "region_code": rng.choice(["330500", "330100", "330200"]),
             "invoice_title": f"测试单位{n}", "tax_number": f"9133{n:014d}", "status": "verified",
             "created_at": START}
            for n in range(60)]
    db.session.execute(insert(Organization), orgs)
    db.session.commit()
    return user_ids, list(db.session.scalars(select(Organization.id)))


ORDER_COLUMNS = ("id", "number", "checkout_token", "user_id", "organization_id", "buyer_class", "status", "total_fen",
                 "item_count", "recipient", "mobile", "province", "city", "district", "street", "created_at",
                 "expires_at", "paid_at")
LINE_COLUMNS = ("id", "order_id", "product_id", "cooperative_id", "cooperative_name", "sku", "product_name", "spec",
                "unit", "unit_price_fen", "quantity", "line_total_fen", "net_weight_g", "origin_county_code",
                "origin_county_name", "category_id")
PAYMENT_COLUMNS = ("id", "order_id", "method", "amount_fen", "currency", "reference", "received_at")
REFUND_COLUMNS = ("id", "order_id", "payment_id", "amount_fen", "reason", "restock", "status", "request_token",
                  "created_at", "refunded_at")
REFUND_LINE_COLUMNS = ("id", "refund_id", "order_line_id", "quantity", "amount_fen")
TABLES = (("orders", ORDER_COLUMNS), ("order_lines", LINE_COLUMNS), ("payments", PAYMENT_COLUMNS),
          ("refunds", REFUND_COLUMNS), ("refund_lines", REFUND_LINE_COLUMNS))


def _write(table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """COPY on PostgreSQL (psycopg's copy protocol), an executemany INSERT on SQLite."""
    if not rows:
        return
    if db.engine.dialect.name == "postgresql":
        raw = db.session.connection().connection.dbapi_connection
        with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    names = ", ".join(columns)
    marks = ", ".join("?" for _ in columns)
    raw = db.session.connection().connection.dbapi_connection
    raw.cursor().executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})",
                             [tuple(v.replace(tzinfo=None) if isinstance(v, datetime) else v for v in row)
                              for row in rows])


def generate(count_lines: int, first_order: int, rng: random.Random, users, orgs, products) -> int:
    """Insert paid orders with `count_lines` lines (2% with a one-unit refund 9 days later), CHUNK lines per
    transaction; ids are given here, so refunds need no look-ups. Returns the last order id."""
    # Ids after any the demo data has (its own orders), whatever the order ids are.
    bases = {table: _max_id(table) for table, _ in TABLES}
    n = first_order
    made = 0
    while made < count_lines:
        rows: dict[str, list[tuple]] = {table: [] for table, _ in TABLES}
        batch = min(CHUNK, count_lines - made) // LINES_PER_ORDER
        for _ in range(batch):
            n += 1
            placed = START + timedelta(minutes=rng.randrange(DAYS * 24 * 60))
            org = rng.choice(orgs) if rng.random() < 0.3 else None
            chosen = [rng.choice(products) for _ in range(LINES_PER_ORDER)]
            quantities = [rng.randint(1, 5) for _ in chosen]
            total = sum(p.price_fen * q for p, q in zip(chosen, quantities))
            rows["orders"].append((n, f"BENCH-{n:010d}", f"bench-{n}", rng.choice(users), org,
                                   "budget_unit" if org else "public", "paid", total, sum(quantities), "张三",
                                   "13800138000", "浙江省", "湖州市", "吴兴区", "人民路 1 号", placed,
                                   placed + timedelta(minutes=30), placed + timedelta(minutes=3)))
            first_line = bases["order_lines"] + (n - 1) * LINES_PER_ORDER + 1
            for index, (product, quantity) in enumerate(zip(chosen, quantities)):
                rows["order_lines"].append((first_line + index, n, product.id, product.cooperative_id, "合作社",
                                            product.sku, product.name, product.spec, product.unit, product.price_fen,
                                            quantity, product.price_fen * quantity, product.net_weight_g,
                                            product.origin_county_code, "县", product.category_id))
            if rng.random() < 0.02:
                price = chosen[0].price_fen
                refunded = placed + timedelta(days=9)
                payment, refund = bases["payments"] + n, bases["refunds"] + n
                rows["payments"].append((payment, n, "bank_transfer", total, "cny", f"BENCH{n}", placed))
                rows["refunds"].append((refund, n, payment, price, "破损", False, "succeeded", f"bench-{n}", refunded,
                                        refunded))
                rows["refund_lines"].append((bases["refund_lines"] + n, refund, first_line, 1, price))
        for table, columns in TABLES:
            _write(table, columns, rows[table])
        db.session.commit()
        made += batch * LINES_PER_ORDER
    return n


def _reset_sequences() -> None:
    """After ids given by hand, PostgreSQL's sequences must start after them (SQLite needs nothing)."""
    if db.engine.dialect.name != "postgresql":
        return
    for table, _ in TABLES:
        db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                f"(SELECT coalesce(max(id), 1) FROM {table}))"))
    db.session.commit()


class Sink:
    def __init__(self) -> None:
        self.size = 0

    def write(self, data: str) -> None:
        self.size += len(data)


def _best(action, repeats: int) -> float:
    """The fastest of `repeats` runs of action(), each on a fresh session (no cached objects)."""
    times = []
    for _ in range(repeats):
        db.session.remove()
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return min(times)


def _csv_export() -> int:
    sink = Sink()
    for line in exports.csv_lines(tally("county", Filters(), with_totals=False)):
        sink.write(line)
    return sink.size


def _get(client, url: str) -> None:
    with client.application.app_context():  # a request's own context (g, session), as in a server
        response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")


def measure(client, lines_too: bool, repeats: int = 3) -> dict:
    """The county tally: bare GROUP BY over the rollup (what the export runs) and, optionally, over the lines; the
    CSV export in-process; the staff page and its CSV and XLSX downloads through the test client."""
    filters = Filters()
    statements = (rollup_read.sums_statement("county", filters, with_totals=False),
                  rollup_read.buyers_statement("county", filters, with_totals=False))
    results = {"bare_rollup_s": _best(lambda: [db.session.execute(s).all() for s in statements], repeats),
               "export_s": _best(_csv_export, repeats),
               "page_s": _best(lambda: _get(client, "/staff/tallies/?by=county"), repeats),
               "page_by_month_s": _best(lambda: _get(client, "/staff/tallies/?by=month"), repeats),
               "csv_download_s": _best(lambda: _get(client, "/staff/tallies/export.csv?by=county"), repeats),
               "xlsx_download_s": _best(lambda: _get(client, "/staff/tallies/export.xlsx?by=product"), repeats)}
    if lines_too:
        results["bare_lines_s"] = _best(lambda: db.session.execute(grouped_statement("county", filters)).all(), 1)
    results["ratio"] = results["export_s"] / results["bare_rollup_s"]
    db.session.remove()
    tracemalloc.start()
    results["csv_bytes"] = _csv_export()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    results["export_peak_kib"] = round(peak / 1024, 1)
    results["rollup_cells"] = db.session.scalar(select(func.count()).select_from(DailyTally))
    results["buyer_month_rows"] = db.session.scalar(select(func.count()).select_from(MonthlyBuyer))
    return {name: round(value, 4) if isinstance(value, float) else value for name, value in results.items()}


def _staff_client(app):
    """A test client logged in as a staff member made for the run."""
    from shop.accounts.models import User
    from tests.web import login
    staff = User(email="bench-staff@example.cn", name="统计员", is_staff=True, is_active=True)
    staff.set_password(STAFF_PASSWORD)
    db.session.add(staff)
    db.session.commit()
    client = app.test_client()
    if login(client, staff.email, STAFF_PASSWORD).status_code != 302:
        raise RuntimeError("the staff login failed")
    return client


def _rebuild_rollup() -> float:
    """Recount both rollups from the lines (what migration 0029 does to existing data), then let the database
    settle (statistics; on PostgreSQL the visibility map and a checkpoint) before anything is timed; returns the
    rebuild's seconds."""
    started = time.perf_counter()
    with db.engine.begin() as connection:
        rollup.rebuild(connection)
    rebuilt = round(time.perf_counter() - started, 1)
    settle_after_load(db.engine)
    return rebuilt


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--database-url", help="e.g. postgresql+psycopg://postgres@127.0.0.1/bench (emptied!)")
    parser.add_argument("--skip-lines-group-by", action="store_true",
                        help="do not time the GROUP BY over the lines at full size (minutes at 10 million)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bangfu-tallies-") as tmp, \
            demo_app_context(Path(tmp), args.database_url) as app:
        rng = random.Random(2026)
        products = list(db.session.scalars(select(Product)))
        users, orgs = _buyers(rng)
        client = _staff_client(app)
        results = {"database": db.engine.dialect.name, "lines": args.lines, "load_average": load_average()}
        first = args.lines // 5
        started = time.perf_counter()
        next_order = generate(first, _max_id("orders"), rng, users, orgs, products)
        results["generate_first_fifth_s"] = round(time.perf_counter() - started, 1)
        results["rebuild_first_fifth_s"] = _rebuild_rollup()
        results["at_first_fifth"] = {"lines": first, **measure(client, lines_too=True)}
        started = time.perf_counter()
        generate(args.lines - first, next_order, rng, users, orgs, products)
        _reset_sequences()
        results["generate_rest_s"] = round(time.perf_counter() - started, 1)
        results["rebuild_s"] = _rebuild_rollup()
        results["at_full_size"] = {"lines": args.lines, **measure(client, lines_too=not args.skip_lines_group_by)}
    full = results["at_full_size"]
    print(json.dumps(results, indent=2, ensure_ascii=False))
    slowest = max(full["page_s"], full["page_by_month_s"], full["csv_download_s"], full["xlsx_download_s"])
    print(f"at {args.lines:,} lines: slowest of page and downloads {slowest:.2f} s (target ≤ {PAGE_TARGET} s) "
          f"{'PASS' if slowest <= PAGE_TARGET else 'MISS'}; county CSV export {full['export_s']:.3f} s vs bare "
          f"GROUP BY {full['bare_rollup_s']:.3f} s: ratio {full['ratio']:.3f} (target ≤ {TARGET}) "
          f"{'PASS' if full['ratio'] <= TARGET else 'MISS'}; export memory peak "
          f"{results['at_first_fifth']['export_peak_kib']} KiB at {first:,} lines, {full['export_peak_kib']} KiB "
          f"at {args.lines:,}")
    save_results("tallies", results)
    return 0


def _max_id(table: str) -> int:
    return db.session.scalar(text(f"SELECT coalesce(max(id), 0) FROM {table}")) or 0


if __name__ == "__main__":
    sys.exit(main())
