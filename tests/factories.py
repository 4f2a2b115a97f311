"""Test data builders. Call them inside an application context; each commits what it makes."""
from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta, timezone

from werkzeug.security import generate_password_hash

from shop.accounts.models import CooperativeMembership, OrganizationMembership, OrganizationRole, User
from shop.catalog.models import Category, Product
from shop.cooperatives.models import Cooperative, CooperativeKind, VerificationStatus
from shop.core import credit_code
from shop.extensions import db
from shop.organizations.models import Organization, OrganizationKind, OrganizationStatus
from shop.regions.loaders import level_of
from shop.regions.models import Pairing, PairingKind, Region, RegionLevel

_counter = itertools.count(1)

PASSWORD = "correct horse battery"

PLACE_NAMES = {
    "650000": "新疆维吾尔自治区", "652900": "阿克苏地区", "652929": "柯坪县", "652927": "乌什县",
    "520000": "贵州省", "522600": "黔东南苗族侗族自治州", "522633": "从江县", "522632": "榕江县",
    "522300": "黔西南布依族苗族自治州", "522324": "晴隆县",
    "330000": "浙江省", "330100": "杭州市", "330110": "余杭区", "330500": "湖州市", "330200": "宁波市",
    "330226": "宁海县", "330203": "海曙区", "330502": "吴兴区",
}


def make_region(code: str, name: str | None = None, **flags) -> Region:
    """A region with its province and prefecture created as needed."""
    region = db.session.get(Region, code)
    if region is not None:
        return region
    level = level_of(code)
    province = code[:2] + "0000"
    prefecture = code[:4] + "00"
    parent = None
    if level == RegionLevel.PREFECTURE:
        parent = make_region(province).code
    elif level == RegionLevel.COUNTY:
        parent = make_region(prefecture).code
    region = Region(
        code=code,
        name=name or PLACE_NAMES.get(code, f"地区{code}"),
        level=level,
        parent_code=parent,
        province_code=province,
        prefecture_code=prefecture if level != RegionLevel.PROVINCE else None,
        **flags,
    )
    db.session.add(region)
    db.session.commit()
    return region


def make_delivery_regions() -> None:
    """The districts the tests deliver to (湖州市吴兴区, 宁波市海曙区), which checkout finds in the region table."""
    make_region("330502")
    make_region("330203")


def make_pairing(helper: str = "330500", recipient: str = "652929", kind=PairingKind.COUNTERPART_SUPPORT,
                 starts_on: date = date(2010, 7, 1), ends_on: date | None = None) -> Pairing:
    make_region(helper)
    make_region(recipient)
    pairing = Pairing(helper_code=helper, recipient_code=recipient, kind=kind,
                      starts_on=starts_on, ends_on=ends_on)
    db.session.add(pairing)
    db.session.commit()
    return pairing


def new_credit_code(county: str = "652929") -> str:
    return credit_code.complete(f"93{county}MA{next(_counter):07d}")


def make_cooperative(county: str = "652929", name: str | None = None,
                     status=VerificationStatus.VERIFIED, kind=CooperativeKind.COOPERATIVE) -> Cooperative:
    make_region(county)
    coop = Cooperative(
        name=name or f"测试合作社{next(_counter)}",
        credit_code=new_credit_code(county),
        county_code=county,
        kind=kind,
        status=status,
    )
    db.session.add(coop)
    db.session.commit()
    return coop


def make_category(slug: str = "nuts", name_zh: str = "干果坚果", name_en: str = "Nuts") -> Category:
    category = db.session.query(Category).filter_by(slug=slug).one_or_none()
    if category is None:
        category = Category(slug=slug, name_zh=name_zh, name_en=name_en)
        db.session.add(category)
        db.session.commit()
    return category


def make_product(cooperative: Cooperative | None = None, category: Category | None = None,
                 age: timedelta | None = None, **values) -> Product:
    """A product; `age` sets how long ago it was listed."""
    cooperative = cooperative or make_cooperative()
    category = category or make_category()
    n = next(_counter)
    fields = {
        "sku": f"SKU-{n}",
        "name": f"商品{n}",
        "unit": "袋",
        "spec": "1 kg/袋",
        "net_weight_g": 1000,
        "price_fen": 4580,
        "stock": 10,
        "origin_county_code": cooperative.county_code,
    }
    fields.update(values)
    if age is not None:
        fields["created_at"] = datetime.now(timezone.utc) - age
    product = Product(cooperative=cooperative, category=category, **fields)
    db.session.add(product)
    db.session.commit()
    return product


def make_user(email: str | None = None, mobile: str | None = None, name: str = "测试用户",
              password: str = PASSWORD, **values) -> User:
    """A user with a known password; an email address is made up when neither login name is given."""
    if email is None and mobile is None:
        email = f"user{next(_counter)}@example.cn"
    user = User(email=email, mobile=mobile, name=name, **values)
    user.set_password(password)
    # A cheap hash keeps the tests fast; the app itself always uses scrypt (see User.set_password).
    user.password_hash = generate_password_hash(password, method="pbkdf2:sha256:1")
    db.session.add(user)
    db.session.commit()
    return user


def make_organization(name: str | None = None, region: str = "330500",
                      kind: OrganizationKind = OrganizationKind.BUDGET_UNIT, **values) -> Organization:
    """A buying organization registered in `region`, verified unless a status (or is_active) is given."""
    make_region(region)
    if "is_active" not in values:
        values.setdefault("status", OrganizationStatus.VERIFIED)
    n = next(_counter)
    code = credit_code.complete(f"11{region}MB{n:07d}")
    org = Organization(name=name or f"测试单位{n}", kind=OrganizationKind(kind), credit_code=code, region_code=region,
                       invoice_title=name or f"测试单位{n}", tax_number=code, **values)
    db.session.add(org)
    db.session.commit()
    return org


def add_to_organization(user: User, organization: Organization,
                        role: OrganizationRole = OrganizationRole.PURCHASER) -> OrganizationMembership:
    membership = OrganizationMembership(user_id=user.id, organization_id=organization.id, role=role)
    db.session.add(membership)
    db.session.commit()
    return membership


def add_to_cooperative(user: User, cooperative: Cooperative) -> CooperativeMembership:
    membership = CooperativeMembership(user_id=user.id, cooperative_id=cooperative.id)
    db.session.add(membership)
    db.session.commit()
    return membership
