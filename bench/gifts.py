"""Benchmark: an organization's gift order of 2,000 recipients, previewed and placed (target: 10 s or less).

    python bench/gifts.py [--recipients 2000] [--database-url postgresql+psycopg://...]

On a throwaway database (SQLite in a temp directory unless --database-url is given; that database is emptied
first) with the demo data (the whole region table among it), it builds an Excel file and a GB18030 CSV of
`recipients` rows spread over real districts, each for one of three demo products (every fourth recipient also
gets a second product), and times, for each, the services the gift pages call: the upload (start_gifts: reading
the file), the preview (preview_gifts: checking every row) and the confirmation (confirm_gifts: checking again,
taking the stock and placing one order). Results are printed and written to bench/results/gifts-<timestamp>.json.
"""
from __future__ import annotations

import argparse
import json
import secrets
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select, update  # noqa: E402

from bench.harness import demo_app_context, load_average, save_results  # noqa: E402
from bench.imports import as_csv, as_xlsx  # noqa: E402
from shop.accounts.models import OrganizationMembership, OrganizationRole, User  # noqa: E402
from shop.catalog.models import Product  # noqa: E402
from shop.cooperatives.models import Cooperative, VerificationStatus  # noqa: E402
from shop.extensions import db  # noqa: E402
from shop.orders.gifts import services  # noqa: E402
from shop.orders.gifts.columns import COLUMNS  # noqa: E402
from shop.organizations.models import Organization, OrganizationStatus  # noqa: E402
from shop.regions.models import Region, RegionLevel  # noqa: E402

TARGET_S = 10.0
STOCK = 1_000_000


def districts(count: int = 50) -> list[tuple[str, str, str]]:
    """`count` (province, city, district) names from the region table, from prefectures with a real name."""
    found = []
    for county in db.session.scalars(select(Region).where(Region.level == RegionLevel.COUNTY).order_by(Region.code)):
        chain = county.ancestors
        if len(chain) == 2 and chain[1].name not in ("市辖区", "县"):
            found.append((chain[0].name, chain[1].name, county.name))
        if len(found) == count:
            break
    return found


def products() -> list[tuple[str, str]]:
    """Three listings on sale (SKU, cooperative name), their stock raised so no run runs out."""
    rows = db.session.execute(
        select(Product.id, Product.sku, Cooperative.name).join(Cooperative, Cooperative.id == Product.cooperative_id)
        .where(Product.is_active.is_(True), Cooperative.status == VerificationStatus.VERIFIED)
        .order_by(Product.id).limit(3)).all()
    db.session.execute(update(Product).where(Product.id.in_([r.id for r in rows])).values(stock=STOCK))
    db.session.commit()
    return [(r.sku, r.name) for r in rows]


def rows_for(count: int) -> list[list[object]]:
    """The header and the rows of `count` recipients."""
    places, offers = districts(), products()
    body: list[list[object]] = []
    for n in range(count):
        province, city, district = places[n % len(places)]
        person = [f"员工{n:05d}", f"139{n:08d}", province, city, district, f"幸福路 {n % 300 + 1} 号 {n % 20 + 1} 幢"]
        sku, cooperative = offers[n % len(offers)]
        body.append([*person, sku, cooperative, 1 + n % 3])
        if n % 4 == 0:
            sku, cooperative = offers[(n + 1) % len(offers)]
            body.append([*person, sku, cooperative, 2])
    return [[column.header for column in COLUMNS], *body]


def purchaser() -> tuple[int, int]:
    """A verified demo organization and a purchaser of it to upload as: (organization id, user id)."""
    organization_id = db.session.scalar(select(Organization.id).where(
        Organization.status == OrganizationStatus.VERIFIED).order_by(Organization.id))
    user = User(email="bench-gifts@example.cn", name="基准测试")
    user.set_password(secrets.token_urlsafe(24))
    db.session.add(user)
    db.session.flush()
    db.session.add(OrganizationMembership(user_id=user.id, organization_id=organization_id,
                                          role=OrganizationRole.PURCHASER))
    db.session.commit()
    return organization_id, user.id


def timed(organization_id: int, user_id: int, filename: str, data: bytes) -> dict:
    """Upload, preview and confirm the file as the gift pages do, timing each step."""
    started = time.perf_counter()
    upload = services.start_gifts(organization_id, user_id, filename, data)
    read = time.perf_counter()
    plan = services.preview_gifts(upload)
    checked = time.perf_counter()
    if not plan.ok:
        raise SystemExit(f"the generated file has errors: {[str(e) for e in plan.errors[:3]]} {plan.shortages[:3]}")
    order = services.confirm_gifts(organization_id, upload.id, user_id, plan.total_fen)
    placed = time.perf_counter()
    return {"bytes": len(data), "recipients": len(plan.recipients), "lines": len(order.lines),
            "read_s": round(read - started, 3), "preview_s": round(checked - read, 3),
            "confirm_s": round(placed - checked, 3), "total_s": round(placed - started, 3)}


def main() -> int:
    """Run the benchmark on a throwaway database and print and save the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=2000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    results: dict = {"recipients": args.recipients, "load_average": load_average()}
    with tempfile.TemporaryDirectory(prefix="bangfu-gifts-") as tmp, demo_app_context(Path(tmp), args.database_url):
        results["database"] = db.engine.dialect.name
        organization_id, user_id = purchaser()
        rows = rows_for(args.recipients)
        for name, encode in (("xlsx", as_xlsx), ("csv_gb18030", as_csv)):
            results[name] = timed(organization_id, user_id, f"bench.{name[:4]}", encode(rows))
    print(json.dumps(results, indent=2, ensure_ascii=False))
    worst = max(value["total_s"] for value in results.values() if isinstance(value, dict))
    print(f"{args.recipients:,} recipients: slowest upload+preview+confirm {worst:.2f} s (target ≤ {TARGET_S:.0f} s) "
          f"{'PASS' if worst <= TARGET_S else 'MISS'}")
    save_results("gifts", results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
