"""Load the demo data (idempotent) and generate large catalogues for benchmarks."""
from __future__ import annotations

import os
import random
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, insert, select, text

from shop.accounts.models import OrganizationMembership, OrganizationRole, User
from shop.catalog import search
from shop.catalog.models import Category, Photo, Product
from shop.cooperatives.models import Cooperative, CooperativeKind, VerificationStatus
from shop.core import credit_code
from shop.core.database import utcnow
from shop.core.images import StoredImage, delete_image, store_image
from shop.core.storage import Store, media_store
from shop.demo import data
from shop.demo.pledges import seed_demo_pledges
from shop.demo.showcase import seed_demo_showcase
from shop.extensions import db
from shop.organizations.models import Organization, OrganizationKind, OrganizationStatus
from shop.regions.loaders import SHIPPED_TABLE, import_region_file
from shop.regions.models import Pairing

IMAGES = Path(__file__).parent / "images"
GENERATED_SKU_PREFIX = "GEN-"
PARALLEL_PICTURES = os.cpu_count() or 2


@dataclass
class SeedReport:
    regions_created: int = 0
    pairings_created: int = 0
    cooperatives_created: int = 0
    products_created: int = 0
    photos_created: int = 0
    generated_products: int = 0
    organizations_created: int = 0
    members_created: int = 0
    showcase_created: int = 0  # home page slides and sections


def demo_credit_code(county_code: str, org_part: str) -> str:
    """A well-formed code for a demo farmers' cooperative (registration type 93)."""
    return credit_code.complete("93" + county_code + org_part)


def _get_or_create(model, lookup: dict, values: dict):
    instance = db.session.scalar(select(model).filter_by(**lookup))
    if instance is not None:
        return instance, False
    instance = model(**lookup, **values)
    db.session.add(instance)
    return instance, True


def seed_demo(extra_products: int = 0) -> SeedReport:
    """Load regions, pairings, cooperatives, products and photos, and the demo organizations with their members;
    running it again changes nothing."""
    report = SeedReport()
    report.regions_created, _ = import_region_file(SHIPPED_TABLE)
    written_files: list[str] = []
    try:
        _seed_catalog(report, written_files)
        _seed_organizations(report)
        db.session.flush()
        report.showcase_created = seed_demo_showcase(written_files)
        db.session.commit()
    except Exception:
        db.session.rollback()
        _remove_files(written_files)
        raise
    if extra_products:
        report.generated_products = generate_products(extra_products)
    return report


def _seed_cooperatives(report: SeedReport) -> dict[str, Cooperative]:
    """The demo cooperatives, verified, by their key in data.COOPERATIVES."""
    cooperatives = {}
    for key, name, county, coop_kind, org_part, description in data.COOPERATIVES:
        fee, free_from = data.SHIPPING.get(key, (0, None))
        coop, created = _get_or_create(
            Cooperative,
            {"credit_code": demo_credit_code(county, org_part)},
            {"name": name, "county_code": county, "kind": CooperativeKind(coop_kind),
             "status": VerificationStatus.VERIFIED, "description": description,
             "invoice_capability": data.INVOICING[coop_kind],
             "shipping_fee_fen": fee, "free_shipping_from_fen": free_from},
        )
        cooperatives[key] = coop
        report.cooperatives_created += created
    db.session.flush()
    return cooperatives


def _seed_catalog(report: SeedReport, written_files: list[str]) -> None:
    for position, (slug, name_zh, name_en) in enumerate(data.CATEGORIES):
        values = {"name_zh": name_zh, "name_en": name_en, "position": position}
        _get_or_create(Category, {"slug": slug}, values)
    for helper, recipient, kind, starts_on, ends_on in data.PAIRINGS:
        _, created = _get_or_create(
            Pairing,
            {"helper_code": helper, "recipient_code": recipient, "kind": kind, "starts_on": starts_on},
            {"ends_on": ends_on},
        )
        report.pairings_created += created
    db.session.flush()

    cooperatives = _seed_cooperatives(report)

    categories = {c.slug: c for c in db.session.scalars(select(Category))}
    upload_folder = media_store()
    for index, row in enumerate(data.PRODUCTS):
        coop_key, sku, name, category, unit, spec, weight, price, stock, certificate, description = row
        coop = cooperatives[coop_key]
        cert_type, cert_number, cert_issuer, cert_until = certificate or (None, None, None, None)
        product, created = _get_or_create(
            Product,
            {"cooperative_id": coop.id, "sku": sku},
            {"name": name, "category": categories[category], "origin_county_code": coop.county_code,
             "unit": unit, "spec": spec, "net_weight_g": weight, "price_fen": price, "stock": stock,
             "certificate_type": cert_type, "certificate_number": cert_number,
             "certificate_issuer": cert_issuer, "certificate_valid_until": cert_until,
             "description": description,
             # Spread listing dates so "newest" has a meaningful order.
             "created_at": utcnow() - timedelta(days=len(data.PRODUCTS) - index)},
        )
        report.products_created += created
        if not product.photos:
            for position, stored in enumerate(_store_pictures(demo_images(sku), upload_folder, written_files)):
                product.photos.append(Photo(filename=stored.filename, thumb_filename=stored.thumb_filename,
                                            width=stored.width, height=stored.height, webp=stored.webp,
                                            position=position))
                report.photos_created += 1


def _store_pictures(paths: list[Path], store: Store, written_files: list[str]) -> list[StoredImage]:
    """A product's demo pictures stored as photos (JPEGs and WebPs), side by side: each is encoded in its own
    child process, so seeding takes about as long as it did with JPEGs alone. Every file written is added to
    `written_files`, even when another picture fails (then the first failure is raised)."""
    with ThreadPoolExecutor(max_workers=PARALLEL_PICTURES) as pool:
        futures = [pool.submit(store_image, path.read_bytes(), store, webp=True) for path in paths]
    for future in futures:
        if future.exception() is None:
            written_files += future.result().names
    return [future.result() for future in futures]


def demo_images(sku: str) -> list[Path]:
    """A demo product's pictures, main one first: <sku>.jpg, then <sku>-2.jpg, <sku>-3.jpg … for its gallery."""
    stem = sku.lower()
    candidates = [IMAGES / f"{stem}.jpg"] + [IMAGES / f"{stem}-{n}.jpg" for n in range(2, 10)]
    return [path for path in candidates if path.exists()]


# Two verified buying organizations, each with an admin, a purchaser and a viewer who log in with
# DEMO_ORGANIZATION_PASSWORD (README, "What is in the demo"). (key, name, kind, region, first 17 of the credit code)
DEMO_ORGANIZATIONS = [
    ("zgh", "湖州市总工会", OrganizationKind.UNION, "330502", "81330500MC0000778"),
    ("czj", "宁波市海曙区财政局", OrganizationKind.BUDGET_UNIT, "330203", "11330203MB0000123"),
]
DEMO_ROLES = {OrganizationRole.ADMIN: "管理员", OrganizationRole.PURCHASER: "采购员", OrganizationRole.VIEWER: "查看员"}
DEMO_ORGANIZATION_PASSWORD = "bangfu-demo-2026"


def demo_member_email(key: str, role: OrganizationRole) -> str:
    """E.g. zgh.admin@example.com: the demo login of an organization's member with that role."""
    return f"{key}.{role.value}@example.com"


def _seed_organizations(report: SeedReport) -> None:
    """The demo organizations, their members and this year's pledges; accounts that exist already keep their
    passwords."""
    organizations = {}
    for key, name, kind, region, first17 in DEMO_ORGANIZATIONS:
        code = credit_code.complete(first17)
        organization, created = _get_or_create(
            Organization, {"credit_code": code},
            {"name": name, "kind": kind, "region_code": region, "invoice_title": name, "tax_number": code,
             "status": OrganizationStatus.VERIFIED, "contact_name": "演示联系人", "contact_mobile": "13900000000"})
        report.organizations_created += created
        organizations[key] = organization
        db.session.flush()
        for role, title in DEMO_ROLES.items():
            user, _ = _get_or_create(User, {"email": demo_member_email(key, role)}, {"name": f"{name}{title}"})
            if not user.password_hash:
                user.set_password(DEMO_ORGANIZATION_PASSWORD)
            db.session.flush()
            _, joined = _get_or_create(OrganizationMembership, {"organization_id": organization.id,
                                                                "user_id": user.id}, {"role": role})
            report.members_created += joined
    seed_demo_pledges(organizations)


def _remove_files(names: list[str]) -> None:
    delete_image(media_store(), *names)


COMMIT_EVERY_BATCHES = 20  # generate_products() commits every 20,000 listings


def generate_products(total: int, seed: int = 2260) -> int:
    """Top the catalogue up to `total` generated variants of the demo products; return how many were added."""
    existing = db.session.scalar(
        select(func.count()).select_from(Product).where(Product.sku.startswith(GENERATED_SKU_PREFIX))
    ) or 0
    templates = list(db.session.scalars(
        select(Product).where(~Product.sku.startswith(GENERATED_SKU_PREFIX)).order_by(Product.id)
    ))
    if not templates:
        raise RuntimeError("load the demo data before generating products")
    rng = random.Random(seed + existing)
    now = utcnow()
    # A thousand rows at a time, built as they are inserted: a million listings never sit in memory at once.
    for batch, first in enumerate(range(existing + 1, total + 1, 1000), start=1):
        rows = []
        for n in range(first, min(first + 1000, total + 1)):
            base = templates[n % len(templates)]
            rows.append({
                "cooperative_id": base.cooperative_id,
                "origin_county_code": base.origin_county_code,
                "category_id": base.category_id,
                "sku": f"{GENERATED_SKU_PREFIX}{n:06d}",
                "name": f"{base.name} {n}号",
                "description": base.description,
                "unit": base.unit,
                "spec": base.spec,
                "net_weight_g": base.net_weight_g,
                "price_fen": max(100, base.price_fen + rng.randint(-20, 40) * 100),
                "stock": rng.choice([0, 5, 20, 50, 100, 300]),
                "is_active": True,
                "created_at": now - timedelta(minutes=rng.randint(60, 60 * 24 * 365)),
                "updated_at": now,
            })
        ids = db.session.scalars(insert(Product).returning(Product.id), rows).all()
        search.refresh_terms(db.session, ids)
        if batch % COMMIT_EVERY_BATCHES == 0:
            # Committed as it goes: one transaction of a million listings grew SQLite's write-ahead log past 4 GB
            # and slowed every later batch. Stopped half-way, a second run tops up from where it stopped.
            db.session.commit()
    db.session.commit()
    added = max(0, total - existing)
    if added and db.session.get_bind().dialect.name == "postgresql":
        # After a bulk load PostgreSQL plans with stale statistics until autovacuum catches up, and the
        # benchmarks start right away.
        db.session.execute(text("ANALYZE"))
        db.session.commit()
    return added
