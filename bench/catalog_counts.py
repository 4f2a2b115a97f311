"""What a catalogue page costs as the catalogue grows, with its count exact and bounded (CATALOGUE_COUNT_UP_TO).

For each size it builds a throwaway database (SQLite in a temp dir, or the PostgreSQL database given with
--database-url, emptied first), loads the demo data plus the generated products, lets the database settle
(harness.settle_after_load: on PostgreSQL VACUUM ANALYZE and a checkpoint), and renders four lists in-process
through the Flask test client (no HTTP server, no page cache, no rate limits): the whole catalogue, a search
(红枣), a county filter (柯坪县) and a category filter. Each list is timed with the count
exact (CATALOGUE_COUNT_UP_TO and SEARCH_COUNT_UP_TO beyond the catalogue) and bounded (the defaults: 1,000, a
search 100); the figure is the best of --rounds rounds of --repeat renders, in milliseconds per page. The ratio
that matters is the largest size's time ÷ the smallest's, per list (1.0: flat); the target in issue 15 is ≥ 0.9
expressed as smallest ÷ largest.

Times move by a third between runs of the same page on a 2-core machine, and with the catalogue's size through
the page caches. On SQLite the script also counts the work the database does for each bounded list, in virtual
machine steps (a progress handler called every 100 instructions): a count that does not vary from run to run, so
"the same work at 10,000 and at 100,000 listings" can be read off exactly.

Usage: python bench/catalog_counts.py [--database-url URL] [--sizes 10000,100000] [--rounds 7] [--repeat 5] [--plans]

With --plans it also explains every storefront page's statements on the largest catalogue, as plans.py does
(after the lists are timed, since it gathers statistics): `make bench` then generates that catalogue once
for both, where the two scripts took 25 minutes each to generate 1,000,000 listings on SQLite.

Results are also written as JSON to bench/results/catalog-counts-<timestamp>.json (with --plans, the plans under
"plans").
"""
from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import demo_app_context, save_results, settle_after_load, warn_if_busy  # noqa: E402
from bench.plans import examine_catalogue, print_results  # noqa: E402

EXACT = 10**9
LISTS = {"catalog": "/products", "search": "/products?q=" + quote("红枣"), "county": "/products?county=652929",
         "category": "/products?category=grain-oil"}
COUNT_RE = re.compile(r'class="result-count">([^<]*)<')


def time_lists(app, rounds: int, repeat: int) -> dict[str, dict[str, float | str]]:
    """{list: {"exact": ms, "bounded": ms, "exact count": text, "bounded count": text}}."""
    client = app.test_client()
    results: dict[str, dict[str, float | str]] = {}
    bounds = {name: app.config[name] for name in ("CATALOGUE_COUNT_UP_TO", "SEARCH_COUNT_UP_TO")}
    for mode, up_to in (("exact", dict.fromkeys(bounds, EXACT)), ("bounded", bounds)):
        app.config.update(up_to)
        for name, url in LISTS.items():
            first = client.get(url)
            if first.status_code != 200:
                raise SystemExit(f"{url} answered {first.status_code}")
            best = float("inf")
            for _ in range(rounds):
                started = time.perf_counter()
                for _ in range(repeat):
                    if client.get(url).status_code != 200:
                        raise SystemExit(f"{url} stopped answering 200")
                best = min(best, (time.perf_counter() - started) / repeat * 1000)
            count = COUNT_RE.search(first.get_data(as_text=True))
            shown = count.group(1) if count else "?"
            results.setdefault(name, {}).update({mode: round(best, 1), f"{mode} count": shown})
            if mode == "bounded":
                steps = sqlite_steps(client, url)
                if steps is not None:
                    results[name]["sqlite steps"] = steps
    return results


def sqlite_steps(client, url: str) -> int | None:
    """SQLite's virtual machine steps (to the nearest 100) for one render of `url`; None on other databases."""
    from sqlalchemy import event

    from shop.extensions import db
    engine = db.engine
    if engine.dialect.name != "sqlite":
        return None
    steps = 0

    def tick() -> int:
        nonlocal steps
        steps += 100
        return 0  # go on

    def count_steps(dbapi_connection, record) -> None:
        dbapi_connection.set_progress_handler(tick, 100)

    # The requests run in the benchmark's app context, whose session keeps its connection: hand it back, so the
    # requests below take a connection made from here on, which counts.
    db.session.remove()
    engine.dispose()
    event.listen(engine, "connect", count_steps)
    try:
        client.get(url)  # the first render reads the kept menus; the second is what every later one does
        steps = 0
        client.get(url)
    finally:
        event.remove(engine, "connect", count_steps)
        db.session.remove()
        engine.dispose()
    return steps


def measure(size: int, database_url: str | None, rounds: int, repeat: int, plans: bool = False) -> dict:
    """The lists' times at `size` listings; with `plans`, also the storefront's plans there (under "plans")."""
    from shop.demo.seed import generate_products
    from shop.extensions import db

    with tempfile.TemporaryDirectory(prefix="bangfu-counts-") as tmp:
        with demo_app_context(Path(tmp), database_url) as app:
            app.config.update(PAGE_CACHE_SECONDS=0, RATELIMIT_ENABLED=False)
            started = time.perf_counter()
            generate_products(size)
            seeded = time.perf_counter() - started
            settled = settle_after_load(db.engine)
            # Pages are timed on fresh connections, as a server's workers have them, not on the one that just
            # loaded a million listings.
            db.session.remove()
            db.engine.dispose()
            print(f"  {size:,} products generated in {seeded:.0f} s (settled in {settled:.0f} s)", flush=True)
            results = {**time_lists(app, rounds, repeat), "generated_s": round(seeded, 1),
                       "settled_s": round(settled, 1)}
            if plans:
                results["plans"] = examine_catalogue(app, size)
            return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--plans", action="store_true", help="explain every page's statements at the largest size")
    args = parser.parse_args()
    warn_if_busy()
    sizes = [int(size) for size in args.sizes.split(",")]
    by_size = {}
    for size in sizes:
        print(f"{size:,} products:", flush=True)
        by_size[size] = measure(size, args.database_url, args.rounds, args.repeat, args.plans and size == sizes[-1])
    plans = by_size[sizes[-1]].pop("plans", None)
    small, large = by_size[sizes[0]], by_size[sizes[-1]]
    print(f"\n{'list':<10}" + "".join(f"{f'{size:,} exact':>16}{f'{size:,} bounded':>18}" for size in sizes)
          + f"{'bounded small/large':>21}")
    for name in LISTS:
        cells = "".join(f"{by_size[size][name]['exact']:>13.1f} ms{by_size[size][name]['bounded']:>15.1f} ms"
                        for size in sizes)
        ratio = small[name]["bounded"] / large[name]["bounded"]
        print(f"{name:<10}{cells}{ratio:>16.2f} {'PASS' if ratio >= 0.9 else 'MISS'}")
    if "sqlite steps" in small["catalog"]:
        print("\nSQLite virtual machine steps per bounded page: " + "; ".join(
            f"{name} " + " → ".join(f"{by_size[size][name]['sqlite steps']:,}" for size in sizes) for name in LISTS))
    print("\ncounts shown: " + "; ".join(f"{size:,}: " + ", ".join(
        f"{name} {by_size[size][name]['exact count']} / {by_size[size][name]['bounded count']}" for name in LISTS)
        for size in sizes))
    if plans:
        print_results(plans)
    path = save_results("catalog-counts", {"database": "postgresql" if args.database_url else "sqlite",
                                           "sizes": by_size, **({"plans": plans} if plans else {})})
    print(f"results written to {path}")


if __name__ == "__main__":
    main()
