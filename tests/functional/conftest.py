"""A small catalogue that the storefront tests browse."""
from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from shop.cooperatives.models import VerificationStatus
from shop.regions.models import PairingKind
from tests.factories import make_category, make_cooperative, make_pairing, make_product


@dataclass
class Catalog:
    jujube: int
    camel_milk: int
    bacon: int
    unverified: int
    archived: int
    keping_coop: int
    congjiang_coop: int
    applied_coop: int


@pytest.fixture
def catalog(app) -> Catalog:
    with app.app_context():
        make_pairing(helper="330500", recipient="652929", kind=PairingKind.COUNTERPART_SUPPORT,
                     starts_on=date(2010, 7, 1))
        make_pairing(helper="330100", recipient="522633", kind=PairingKind.EAST_WEST,
                     starts_on=date(2013, 1, 1), ends_on=date(2020, 12, 31))
        nuts = make_category("nuts-dried-fruit", "干果坚果", "Nuts & dried fruit")
        dairy = make_category("dairy", "乳品", "Dairy")
        meat = make_category("meat", "肉禽蛋品", "Meat & eggs")
        keping = make_cooperative("652929", name="柯坪县恰玛古果蔬农民专业合作社")
        congjiang = make_cooperative("522633", name="从江县加榜香猪养殖农民专业合作社")
        applied = make_cooperative("652929", name="待审核合作社", status=VerificationStatus.APPLIED)
        jujube = make_product(keping, nuts, name="新疆柯坪红枣", spec="1 kg/袋", price_fen=123450, stock=10,
                              age=timedelta(days=3), certificate_type="绿色食品",
                              certificate_number="LB-18-23081234567A", certificate_issuer="中国绿色食品发展中心",
                              certificate_valid_until=date(2099, 8, 31), net_weight_g=1000)
        camel = make_product(keping, dairy, name="柯坪骆驼奶粉", spec="300 g/罐", price_fen=16800, stock=0,
                             age=timedelta(days=2), net_weight_g=300)
        bacon = make_product(congjiang, meat, name="从江香猪腊肉", spec="500 g/袋", price_fen=8800, stock=5,
                             age=timedelta(days=1), net_weight_g=500)
        unverified = make_product(applied, nuts, name="未认证红枣", stock=3)
        archived = make_product(keping, nuts, name="下架红枣", is_active=False)
        return Catalog(jujube.id, camel.id, bacon.id, unverified.id, archived.id, keping.id, congjiang.id,
                       applied.id)
