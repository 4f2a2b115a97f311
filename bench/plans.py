"""Every statement a storefront page sends, and the plan the database chose for it (EXPLAIN), at a given catalogue size.

    python bench/plans.py [--database-url postgresql+psycopg://…] [--products 100000] [--verbose]
                          [--compare NAME=VALUE[,NAME=VALUE]]

On a throwaway database (SQLite in a temp directory unless --database-url is given; that database is emptied
first) with the demo data plus --products generated listings (statistics gathered, as after any bulk load),
it renders each page below once through the Flask test client, anonymous, page cache off, with every SQL
statement recorded as the driver receives it. Each SELECT is then explained with its own parameters — on
PostgreSQL `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)` at the server's settings (defaults unless you changed
them), on SQLite `EXPLAIN QUERY PLAN` — and flagged when it reads the whole products table (`SCAN products` on
SQLite) or sorts the catalogue rows instead of walking an index (SQLite's `USE TEMP B-TREE FOR ORDER BY`).

On PostgreSQL a scan is flagged by what it actually read (rows returned plus rows its filter removed, over all
loops): half the catalogue or more. A sort is flagged by the rows fed into it (a top-24 sort of every match
still reads every match).

Reported per page: statements sent, SELECTs, full scans of products, catalogue sorts, and on PostgreSQL
the execution time and shared buffers of all its statements and the most rows one scan read. A page whose cost
does not grow with the catalogue has no full scan and no sort of catalogue rows. Results are written to
bench/results/plans-<timestamp>.json; --verbose prints every statement with its plan. On PostgreSQL,
--compare "random_page_cost=1.1" explains the same statements again with those settings SET, beside the defaults.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import demo_app_context, save_results, settle_after_load, warn_if_busy  # noqa: E402

PAGES = {
    "home": "/",
    "catalogue": "/products",
    "catalogue p5": "/products?page=5",
    "catalogue p50": "/products?page=50",
    "search": "/products?q=" + quote("红枣"),
    "search by price": "/products?q=" + quote("红枣") + "&sort=price_asc&in_stock=y",
    "county filter": "/products?county=652929",
    "category filter": "/products?category=grain-oil",
    "county page": "/counties/652929",
    "product": None,  # the newest product's page, found after seeding
}
SORT_ROWS = 1000  # a sort fed more rows than this sorts the catalogue, not a page (or a deep page's offset)


def statements_sent(engine, action) -> list[tuple[str, object]]:
    """Every (statement, parameters) sent through `engine` while `action()` runs."""
    from sqlalchemy import event

    sent: list[tuple[str, object]] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        sent.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return sent


def _walk(node: dict):
    yield node
    for child in node.get("Plans", []):
        yield from _walk(child)


SCANS = ("Seq Scan", "Index Scan", "Index Only Scan", "Bitmap Heap Scan")
CATALOGUE_TABLES = ("products", "product_search_terms")


def _rows_in(node: dict) -> float:
    """Rows a node produced over all its loops, plus those its filter threw away (what it read)."""
    loops = node.get("Actual Loops", 1)
    return (node.get("Actual Rows", 0) + node.get("Rows Removed by Filter", 0)) * loops


def explain_postgresql(connection, statement: str, parameters, listings: int) -> dict:
    cursor = connection.cursor()
    cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + statement, parameters)
    document = cursor.fetchone()[0]
    cursor.close()
    plan = (json.loads(document) if isinstance(document, str) else document)[0]
    nodes = list(_walk(plan["Plan"]))
    read = max([_rows_in(n) for n in nodes if n["Node Type"] in SCANS and n.get("Relation Name") in CATALOGUE_TABLES]
               or [0])
    sorted_rows = max([_rows_in(n["Plans"][0]) for n in nodes
                       if n["Node Type"] in ("Sort", "Incremental Sort") and _sorts_products(n)] or [0])
    return {
        "ms": round(plan["Execution Time"], 3),
        "buffers": sum(plan["Plan"].get(key, 0) for key in ("Shared Hit Blocks", "Shared Read Blocks")),
        "rows_read": int(read),
        # Reading half the catalogue or more through one scan is reading all of it, whatever stopped it.
        "full_scan": read >= listings / 2,
        "sort": sorted_rows > SORT_ROWS,
        "plan": plan["Plan"],
    }


def _sorts_products(sort: dict) -> bool:
    return any(n.get("Relation Name") in CATALOGUE_TABLES for n in _walk(sort))


def explain_sqlite(connection, statement: str, parameters, listings: int) -> dict:
    rows = connection.execute("EXPLAIN QUERY PLAN " + statement, parameters).fetchall()
    details = [row[3] for row in rows]
    # A catalogue page finds its products first (the page_keys subquery); the outermost ORDER BY then sorts only
    # that page's rows again.
    keys_first = "SCAN page_keys" in details
    return {
        "full_scan": any(re.match(r"SCAN (products|p)\b(?! USING)", d) for d in details),
        "sort": any("USE TEMP B-TREE FOR ORDER BY" in row[3] and not (keys_first and row[1] == 0) for row in rows)
        and any(re.search(r"\bproducts\b", d) for d in details),
        "plan": details,
    }


def page_statements(app, path: str) -> list[tuple[str, object]]:
    """The statements a visitor's view of `path` sends (after a first visit has filled per-process caches)."""
    from shop.extensions import db

    client = app.test_client()
    client.get(path)

    def visit():
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")

    return statements_sent(db.engine, visit)


def examine(path: str, sent: list[tuple[str, object]], listings: int, settings: dict[str, str],
            verbose: bool) -> dict:
    """Explain the page's SELECTs (on PostgreSQL with `settings` SET first) and sum up what the plans show."""
    from shop.extensions import db

    selects = [(s, p) for s, p in sent if s.lstrip().upper().startswith(("SELECT", "WITH"))]
    postgresql = db.engine.dialect.name == "postgresql"
    raw = db.engine.raw_connection()
    try:
        if postgresql:
            with raw.driver_connection.cursor() as cursor:
                for name, value in settings.items():
                    cursor.execute(f"SET {name} = {value}")
        explain = explain_postgresql if postgresql else explain_sqlite
        explained = [(s, explain(raw.driver_connection, s, p, listings)) for s, p in selects]
        raw.rollback()
    finally:
        raw.invalidate() if settings else raw.close()  # a connection with SET values is not given back
    summary = {"statements": len(sent), "selects": len(selects),
               "full_scans": sum(e["full_scan"] for _, e in explained),
               "sorts": sum(e["sort"] for _, e in explained)}
    if postgresql:
        summary["ms"] = round(sum(e["ms"] for _, e in explained), 2)
        summary["buffers"] = sum(e["buffers"] for _, e in explained)
        summary["rows_read"] = max([e["rows_read"] for _, e in explained] or [0])
    if verbose:
        for statement, e in explained:
            flags = " ".join(flag for flag in ("full_scan", "sort") if e[flag])
            print(f"\n--- {path} {flags}\n{statement}\n{json.dumps(e['plan'], ensure_ascii=False, indent=1)}")
    summary["flagged"] = [statement for statement, e in explained if e["full_scan"] or e["sort"]]
    return summary


def print_summary(title: str, pages: dict[str, dict], postgresql: bool) -> None:
    print(f"\n{title} (statements per page; SELECTs; full scans of products; sorts of catalogue rows"
          + ("; execution ms; shared buffers; most rows one scan read" if postgresql else "") + ")")
    for name, page in pages.items():
        counts = "".join(f"{page[key]:>5}" for key in ("statements", "selects", "full_scans", "sorts"))
        extra = f"{page['ms']:>9.2f} {page['buffers']:>8} {page['rows_read']:>9}" if postgresql else ""
        print(f"{name:<16}{counts} {extra}")
        for statement in page["flagged"]:
            print(f"    flagged: {' '.join(statement.split())[:160]}")


def examine_catalogue(app, products: int, compare: dict[str, dict[str, str]] | None = None,
                      verbose: bool = False) -> dict:
    """The statements and plans of every page in PAGES on the catalogue `app` serves, once `products` listings are
    generated: gathers statistics (as after any bulk load) and explains each page's statements, at the server's
    settings and under each of `compare` (PostgreSQL settings). catalog_counts.py calls it at its largest size, so
    `make bench` generates that catalogue once for both. Returns what plans-<timestamp>.json holds."""
    from sqlalchemy import func, select

    from shop.catalog.models import Product
    from shop.extensions import db

    compare = compare or {}
    kept = {name: app.config[name] for name in ("PAGE_CACHE_SECONDS", "RATELIMIT_ENABLED", "IMPACT_CACHE_SECONDS")}
    # Pages rendered afresh, but the sales figures kept for their usual 5 minutes, as in production (the
    # benchmarks' app turns that off): the first visit of each page reads them, the one recorded does not.
    app.config.update(PAGE_CACHE_SECONDS=0, RATELIMIT_ENABLED=False, IMPACT_CACHE_SECONDS=300)
    try:
        settle_after_load(db.engine, sqlite_analyze=True)
        newest = db.session.scalar(select(Product.id).order_by(Product.created_at.desc(), Product.id.desc()))
        listings = db.session.scalar(select(func.count()).select_from(Product)) or 0
        sent = {name: page_statements(app, path or f"/products/{newest}") for name, path in PAGES.items()}
        return {"database": db.engine.dialect.name, "products": products, "listings": listings,
                "pages": {name: examine(PAGES[name] or name, statements, listings, {}, verbose)
                          for name, statements in sent.items()},
                "compared": {spec: {name: examine(PAGES[name] or name, statements, listings, settings, verbose)
                                    for name, statements in sent.items()}
                             for spec, settings in compare.items()}}
    finally:
        app.config.update(kept)


def print_results(results: dict) -> None:
    """The summary of examine_catalogue()'s results, per page, at the server's settings and each compared."""
    postgresql = results["database"] == "postgresql"
    where = f"{results['database']}, {results['products']:,} generated listings"
    print_summary(where + (", the server's settings" if postgresql else ""), results["pages"], postgresql)
    for spec, pages in results["compared"].items():
        print_summary(f"{where}, with {spec}", pages, postgresql)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--compare", action="append", default=[], metavar="NAME=VALUE[,NAME=VALUE]",
                        help="PostgreSQL settings to explain the same statements under as well (repeatable)")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    compare = {spec: dict(item.split("=", 1) for item in spec.split(",")) for spec in args.compare}
    if compare and not args.database_url:
        parser.error("--compare takes PostgreSQL settings")
    warn_if_busy()
    from shop.demo.seed import generate_products

    with tempfile.TemporaryDirectory(prefix="bangfu-plans-") as tmp, \
            demo_app_context(Path(tmp), args.database_url) as app:
        generate_products(args.products)
        results = examine_catalogue(app, args.products, compare, args.verbose)
    print_results(results)
    print(f"results written to {save_results('plans', results)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
