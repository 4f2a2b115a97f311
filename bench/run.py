"""Every benchmark in one run, one table: each figure beside its target, on SQLite and on PostgreSQL (`make bench`).

    python bench/run.py [--database-url postgresql+psycopg://…] [--quick] [--only catalog,checkout]

It runs the benchmark scripts one after another, each in its own process and on its own throwaway database
(SQLite in a temp directory; the PostgreSQL database given with --database-url is emptied before every script,
so never point it at data you care about), first on SQLite, then on PostgreSQL. Each script writes its results
as JSON into a directory of its own (BENCH_RESULTS_DIR); this script reads them and prints the table. Full
size follows issue 15 (10,000 and 1,000,000 listings, the plans of every storefront page at 1,000,000 on the
catalogue catalog_counts.py generated, 10,000,000 tally lines, 600 buyers, 10,000 import rows) and takes hours
on a 2-core machine; --quick uses sizes that take minutes (100,000 listings, 200,000 lines) and says so above
the table. Each script's output goes to
bench/results/run-<time>/<database>-<name>.log.

The whole run is written to bench/results/bench-<time>.json. The exit status is non-zero when a script
failed (its figures then read "failed"); a missed target only prints MISS.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import REPO_ROOT, RESULTS_DIR, load_average  # noqa: E402


@dataclass(frozen=True)
class Figure:
    """One row of the table: what was measured, its target and, per database, the value and whether it meets it."""

    label: str
    target: str
    value: str
    met: bool | None  # None: reported without a target


def catalog_figures(result: dict) -> list[Figure]:
    checks = {check["ratio"]: check for check in result["checks"]}
    rates = {row["name"]: row["requests_per_sec"] for row in result["results"]}
    labels = [("catalog/minimal", "/products ÷ minimal hand-written page, uncached", "≥ 1.0"),
              ("kept/bare", "cached anonymous /products ÷ /ping", "≥ 0.5"),
              ("catalog/bare", "/products ÷ /ping, uncached", "≥ 0.12"),
              ("search/catalog", "search 红枣 ÷ /products", "≥ 0.8")]
    figures = [Figure(label, target, f"{checks[key]['value']:.3f}", checks[key]["met"])
               for key, label, target in labels]
    figures.append(Figure("/products req/s (/ping; minimal page)", "",
                          f"{rates['catalog']:.0f} ({rates['bare']:.0f}; {rates['minimal']:.0f})", None))
    return figures


def counts_figures(result: dict) -> list[Figure]:
    sizes = sorted(result["sizes"], key=int)
    small, large = result["sizes"][sizes[0]], result["sizes"][sizes[-1]]
    name = f"{int(sizes[0]):,} ÷ {int(sizes[-1]):,} listings"
    figures = []
    for key, label in (("catalog", "catalogue"), ("search", "search 红枣"), ("county", "county filter"),
                       ("category", "category filter")):
        ratio = small[key]["bounded"] / large[key]["bounded"]
        figures.append(Figure(f"{label}: time per page, {name}", "≥ 0.9",
                              f"{ratio:.2f} ({small[key]['bounded']:.1f}/{large[key]['bounded']:.1f} ms)",
                              ratio >= 0.9))
    steps_label = f"SQLite steps per page, {name}, least of the four"
    if "sqlite steps" in small["catalog"]:
        lists = ("catalog", "search", "county", "category")
        least = min(small[key]["sqlite steps"] / large[key]["sqlite steps"] for key in lists)
        figures.append(Figure(steps_label, "≥ 0.9", f"{least:.2f}", least >= 0.9))
    else:
        figures.append(Figure(steps_label, "≥ 0.9", "— (SQLite only)", None))
    generated = large.get("generated_s")
    if generated is not None:
        figures.append(Figure(f"generating {int(sizes[-1]):,} listings", "minutes", f"{generated / 60:.1f} min",
                              generated < 3600))
    return figures + (plans_figures(result["plans"]) if "plans" in result else [])


def plans_figures(result: dict) -> list[Figure]:
    pages = result["pages"]
    lists = [name for name in pages if name not in ("home", "county page", "product")]
    scans = [name for name in pages if pages[name]["full_scans"]]
    sorts = [name for name in pages if pages[name]["sorts"]]
    return [Figure(f"pages reading all {result['products']:,} listings (EXPLAIN)", "0",
                   f"{len(scans)}" + (f" ({', '.join(scans)})" if scans else ""), not scans),
            Figure("pages sorting catalogue rows (EXPLAIN)", "0",
                   f"{len(sorts)}" + (f" ({', '.join(sorts)})" if sorts else ""), not sorts),
            Figure("statements per page: list pages (most); home; product", "",
                   f"{max(pages[name]['statements'] for name in lists)}; {pages['home']['statements']}; "
                   f"{pages['product']['statements']}", None)]


def checkout_figures(result: dict) -> list[Figure]:
    return [Figure("checkout, orders/s", "≥ 100", f"{result['orders_per_second']:.1f}",
                   result["orders_per_second"] >= 100),
            Figure("checkout, units oversold", "0", str(result["oversell"]),
                   result["oversell"] == 0 and result["stock_consistent"])]


def imports_figures(result: dict) -> list[Figure]:
    steps = {key: value for key, value in result.items() if isinstance(value, dict)}
    worst_key = max(steps, key=lambda key: steps[key]["total_s"])
    worst = steps[worst_key]["total_s"]
    return [Figure(f"import {result['rows']:,} rows, slowest of XLSX/CSV × create/update", "≤ 10 s",
                   f"{worst:.1f} s ({worst_key})", worst <= 10)]


def tallies_figures(result: dict) -> list[Figure]:
    full, fifth = result["at_full_size"], result["at_first_fifth"]
    slowest = max(full["page_s"], full["page_by_month_s"], full["csv_download_s"], full["xlsx_download_s"])
    flat = full["export_peak_kib"] <= fifth["export_peak_kib"] * 1.25 + 64
    generated = result["generate_first_fifth_s"] + result["generate_rest_s"]
    return [Figure(f"tallies page / downloads, slowest, {result['lines']:,} lines", "≤ 2 s", f"{slowest:.2f} s",
                   slowest <= 2),
            Figure("tallies CSV export ÷ bare GROUP BY", "≤ 1.3", f"{full['ratio']:.2f}", full["ratio"] <= 1.3),
            Figure("tallies export memory peak, ⅕ → all lines", "flat",
                   f"{fifth['export_peak_kib']:.0f} → {full['export_peak_kib']:.0f} KiB", flat),
            Figure(f"generating {result['lines']:,} lines", "minutes", f"{generated / 60:.1f} min",
                   generated < 3600)]


def gifts_figures(result: dict) -> list[Figure]:
    worst = max(value["total_s"] for value in result.values() if isinstance(value, dict))
    return [Figure(f"gift order, {result['recipients']:,} recipients, slowest of XLSX/CSV", "≤ 10 s",
                   f"{worst:.1f} s", worst <= 10)]


def pageweight_figures(result: dict) -> list[Figure]:
    blocking = result["blocking_scripts"]
    return [Figure("home page on a phone, first screen", "≤ 300 KB", f"{result['total_kb']:.0f} KB",
                   result["total_kb"] <= 300),
            Figure("home page CSS", "≤ 40 KB", f"{result['css_kb']:.1f} KB", result["css_kb"] <= 40),
            Figure("render-blocking scripts", "0", str(len(blocking)), not blocking)]


@dataclass(frozen=True)
class Bench:
    name: str  # the script's name in bench/, and the prefix of its results file
    result_prefix: str
    full: tuple[str, ...]
    quick: tuple[str, ...]
    figures: Callable[[dict], list[Figure]]


BENCHES = (
    Bench("catalog", "catalog", ("--products", "10000"), ("--products", "10000", "--duration", "3"), catalog_figures),
    # The plans of every page are explained on the largest catalogue the counts generated (plans.py's own
    # generation of it took as long again).
    Bench("catalog_counts", "catalog-counts", ("--sizes", "10000,1000000", "--plans"),
          ("--sizes", "10000,100000", "--plans"), counts_figures),
    Bench("checkout", "checkout", (), (), checkout_figures),
    Bench("imports", "imports", ("--rows", "10000"), ("--rows", "10000"), imports_figures),
    Bench("tallies", "tallies", ("--lines", "10000000", "--skip-lines-group-by"), ("--lines", "200000"),
          tallies_figures),
    Bench("gifts", "gifts", (), (), gifts_figures),
    Bench("pageweight", "pageweight", (), (), pageweight_figures),
)


def empty_database(url: str) -> None:
    """Drop everything in the PostgreSQL database's public schema: each script starts from nothing."""
    from sqlalchemy import create_engine, text
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    finally:
        engine.dispose()


def run_one(bench: Bench, database_url: str | None, quick: bool, folder: Path) -> tuple[dict | None, float]:
    """Run one script on one database; return its results (None when it failed) and how long it took."""
    database = "postgresql" if database_url else "sqlite"
    results_dir = folder / f"{database}-{bench.name}"
    results_dir.mkdir(parents=True)
    command = [sys.executable, str(REPO_ROOT / "bench" / f"{bench.name}.py"), *(bench.quick if quick else bench.full)]
    if database_url:
        empty_database(database_url)
        command += ["--database-url", database_url]
    started = time.perf_counter()
    with open(folder / f"{database}-{bench.name}.log", "w", encoding="utf-8") as log:
        done = subprocess.run(command, cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT,
                              env={**os.environ, "BENCH_RESULTS_DIR": str(results_dir)})
    seconds = time.perf_counter() - started
    files = sorted(results_dir.glob(f"{bench.result_prefix}-*.json"))
    if done.returncode != 0 or not files:
        return None, seconds
    return json.loads(files[-1].read_text(encoding="utf-8")), seconds


def print_table(rows: dict[str, dict[str, Figure | None]], targets: dict[str, str], databases: list[str]) -> None:
    def cell(figure: Figure | None) -> str:
        if figure is None:
            return "failed"
        verdict = {True: " PASS", False: " MISS", None: ""}[figure.met]
        return figure.value + verdict

    header = ["figure", "target", *databases]
    table = [header] + [[label, targets[label], *(cell(by_db.get(db)) for db in databases)]
                        for label, by_db in rows.items()]
    widths = [max(_width(line[i]) for line in table) for i in range(len(header))]
    for n, line in enumerate(table):
        print("  ".join(text + " " * (widths[i] - _width(text)) for i, text in enumerate(line)).rstrip())
        if n == 0:
            print("  ".join("-" * width for width in widths))


def _width(text: str) -> int:
    """Columns a string takes in a terminal (CJK characters take two)."""
    return sum(2 if "\u2e80" <= ch <= "\ufe4f" or "\uff00" <= ch <= "\uff60" else 1 for ch in text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="a PostgreSQL database to run every benchmark on too (emptied!)")
    parser.add_argument("--quick", action="store_true", help="sizes that take minutes, not hours")
    parser.add_argument("--only", help="comma-separated script names, e.g. catalog,checkout")
    args = parser.parse_args(argv)
    names = {bench.name for bench in BENCHES}
    chosen = [bench for bench in BENCHES if not args.only or bench.name in args.only.split(",")]
    if args.only and not set(args.only.split(",")) <= names:
        parser.error(f"--only takes {', '.join(sorted(names))}")
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    folder = RESULTS_DIR / f"run-{stamp}"
    databases = {"SQLite": None, **({"PostgreSQL": args.database_url} if args.database_url else {})}
    rows: dict[str, dict[str, Figure | None]] = {}
    targets: dict[str, str] = {}
    record: dict = {"timestamp": datetime.now().astimezone().isoformat(timespec="seconds"), "quick": args.quick,
                    "cpus": os.cpu_count(), "load_average_at_start": load_average(), "runs": []}
    failed = False
    for bench in chosen:
        for database, url in databases.items():
            print(f"{bench.name} on {database} …", end=" ", flush=True)
            result, seconds = run_one(bench, url, args.quick, folder)
            print(f"{'done' if result else 'FAILED'} in {seconds / 60:.1f} min", flush=True)
            # The script's own row: how long it ran, or "failed" (its figures are then missing).
            targets.setdefault(f"{bench.name}.py ran", "")
            rows.setdefault(f"{bench.name}.py ran", {})[database] = (
                Figure("", "", f"{seconds / 60:.1f} min", None) if result else None)
            record["runs"].append({"bench": bench.name, "database": database, "seconds": round(seconds, 1),
                                   "result": result})
            if result is None:
                failed = True
                print(f"  see {folder / f'{database.lower()}-{bench.name}.log'}", flush=True)
                continue
            for figure in bench.figures(result):
                targets.setdefault(figure.label, figure.target)
                rows.setdefault(figure.label, {})[database] = figure
    # A script that failed on one database leaves its rows' cell empty there: say so.
    for by_db in rows.values():
        for database in databases:
            by_db.setdefault(database, None)
    record["load_average_at_end"] = load_average()
    print(f"\n{'quick sizes' if args.quick else 'full sizes'}, {os.cpu_count()} CPUs, load average "
          f"{record['load_average_at_start']} at the start, {record['load_average_at_end']} at the end\n")
    print_table(rows, targets, list(databases))
    summary = RESULTS_DIR / f"bench-{stamp}.json"
    summary.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"\nresults: {summary.relative_to(REPO_ROOT) if summary.is_relative_to(REPO_ROOT) else summary}; "
          f"logs: {folder.name}/")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
