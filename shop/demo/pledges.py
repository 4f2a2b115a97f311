"""Demo pledges of the two demo organizations (and the purchases shop/demo/sales.py places for them), so that
`/org/<id>/`, `/staff/pledges` and `/impact` show figures on `make run`; running it again changes nothing."""
from __future__ import annotations

from sqlalchemy import select

from shop.core.timezones import today_in_china
from shop.extensions import db
from shop.organizations.models import Organization, Pledge, PledgeCounty
from shop.organizations.pledges import target_of

# (organization key, target fen, base fen, ratio bp, tied counties)
DEMO_PLEDGES: list[tuple[str, int, int | None, int | None, tuple[str, ...]]] = [
    ("zgh", 30_000_000, None, None, ("652929", "652927")),  # ¥300,000 for 柯坪 and 乌什
    # a canteen budget of ¥2,000,000 × 10 % for 晴隆 and 天柱
    ("czj", target_of(200_000_000, 1_000), 200_000_000, 1_000, ("522324", "522627")),
]
# (organization key, product SKU, quantity, days after 1 January the order was paid)
DEMO_PURCHASES = [
    ("zgh", "KP-HZ-5", 20, 20), ("zgh", "KP-TN-300", 10, 75), ("zgh", "WS-HT-25", 15, 130),
    ("zgh", "CJ-XZ-500", 8, 160),
    ("czj", "QL-LC-250", 12, 40), ("czj", "TZ-CY-GIFT", 10, 100), ("czj", "WSU-DM-5", 20, 150),
]
ADDRESSES = {"zgh": ("浙江省", "湖州市", "吴兴区", "劳动路 100 号"), "czj": ("浙江省", "宁波市", "海曙区", "解放南路 200 号")}


def seed_demo_pledges(organizations: dict[str, Organization]) -> int:
    """This year's pledge of each demo organization (by key), tied to paired counties; returns how many were added.

    Runs inside seed_demo's transaction (the caller commits)."""
    year, added = today_in_china().year, 0
    for key, target, base, ratio, counties in DEMO_PLEDGES:
        organization = organizations.get(key)
        if organization is None or db.session.scalar(select(Pledge.id).filter_by(
                organization_id=organization.id, year=year)) is not None:
            continue
        db.session.add(Pledge(organization_id=organization.id, year=year, target_fen=target, base_fen=base,
                              ratio_bp=ratio, counties=[PledgeCounty(county_code=code) for code in counties]))
        added += 1
    db.session.flush()
    return added
