"""Benchmark: a cooperative's 10,000-row listings file, read, checked and saved (target: 10 s or less).

    python bench/imports.py [--rows 10000] [--database-url postgresql+psycopg://...]

On a throwaway database (SQLite in a temp directory unless --database-url is given; that database is
emptied first) with the demo data, it builds an Excel file and a GB18030 CSV of `rows` listings for one
cooperative and times, for each, the services the upload pages call: the upload (start_import: reading
the file), the preview (preview_import: checking every row) and the confirmation (confirm_import: checking
again against the products as they are, and saving), first as new products, then again as updates of the
same SKUs. Results are printed and written to bench/results/imports-<timestamp>.json.
"""
from __future__ import annotations

import argparse
import io
import json
import secrets
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from openpyxl import Workbook  # noqa: E402
from sqlalchemy import delete, select  # noqa: E402

from bench.harness import demo_app_context, load_average, save_results  # noqa: E402
from shop.accounts.models import CooperativeMembership, User  # noqa: E402
from shop.catalog.importing import services  # noqa: E402
from shop.catalog.importing.columns import COLUMNS  # noqa: E402
from shop.catalog.models import Category, Product  # noqa: E402
from shop.cooperatives.models import Cooperative, VerificationStatus  # noqa: E402
from shop.extensions import db  # noqa: E402

TARGET_S = 10.0


def rows_for(cooperative: Cooperative, count: int, price_bump: int = 0) -> list[list]:
    """The header and `count` valid listings of the cooperative, prices raised by `price_bump` fen."""
    categories = [c.name_zh for c in db.session.scalars(select(Category))]
    header = [column.header for column in COLUMNS]
    body = [[f"B-{n:06d}", f"测试商品{n}号 柯坪红枣", categories[n % len(categories)], "袋", "1 kg/袋", 1000,
             f"{(4580 + n % 500 + price_bump) / 100:.2f}", n % 300, cooperative.county_code, cooperative.credit_code,
             "新疆柯坪县产", "绿色食品", f"LB-{n:08d}", "中国绿色食品发展中心", "2028-12-31"] for n in range(count)]
    return [header, *body]


def as_xlsx(rows) -> bytes:
    """The rows as an Excel workbook, written as Excel files from other programs are (write-only)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("商品")
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def as_csv(rows) -> bytes:
    """The rows as CSV in GB18030, as Chinese Excel saves it."""
    import csv
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("gb18030")


def bench_member(cooperative: Cooperative) -> int:
    """A member of the cooperative to upload as (the demo data has none)."""
    user = User(email="bench-imports@example.cn", name="基准测试")
    user.set_password(secrets.token_urlsafe(24))
    db.session.add(user)
    db.session.flush()
    db.session.add(CooperativeMembership(user_id=user.id, cooperative_id=cooperative.id))
    db.session.commit()
    return user.id


def timed(cooperative: Cooperative, user_id: int, filename: str, data: bytes) -> dict:
    """Upload, preview and confirm the file as the upload pages do, timing each step."""
    started = time.perf_counter()
    upload = services.start_import(cooperative, user_id, filename, data, False)
    read = time.perf_counter()
    plan = services.preview_import(cooperative, upload)
    checked = time.perf_counter()
    if plan.errors:
        raise SystemExit(f"the generated file has errors: {plan.errors[:3]}")
    result = services.confirm_import(cooperative, upload.id)
    saved = time.perf_counter()
    return {"bytes": len(data), "read_s": round(read - started, 3), "check_s": round(checked - read, 3),
            "save_s": round(saved - checked, 3), "total_s": round(saved - started, 3), **result}


def main() -> int:
    """Run the benchmark on a throwaway database and print and save the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    results: dict = {"rows": args.rows, "load_average": load_average()}
    with tempfile.TemporaryDirectory(prefix="bangfu-imports-") as tmp, \
            demo_app_context(Path(tmp), args.database_url):
        results["database"] = db.engine.dialect.name
        cooperative = db.session.scalar(select(Cooperative).where(
            Cooperative.status == VerificationStatus.VERIFIED).order_by(Cooperative.id))
        user_id = bench_member(cooperative)
        for name, encode in (("xlsx", as_xlsx), ("csv_gb18030", as_csv)):
            db.session.execute(delete(Product).where(Product.sku.like("B-%")))
            db.session.commit()
            for step, bump in (("create", 0), ("update", 7)):
                data = encode(rows_for(cooperative, args.rows, bump))
                results[f"{name}_{step}"] = timed(cooperative, user_id, f"bench-{step}.{name[:4]}", data)
    print(json.dumps(results, indent=2, ensure_ascii=False))
    worst = max(value["total_s"] for key, value in results.items() if isinstance(value, dict))
    print(f"{args.rows:,} rows: slowest read+check+save {worst:.2f} s (target ≤ {TARGET_S:.0f} s) "
          f"{'PASS' if worst <= TARGET_S else 'MISS'}")
    save_results("imports", results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
