"""A small catalogue that the storefront tests browse; a Redis server for the tests of shared state."""
import os
import shutil
import socket
import subprocess
import time
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


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """TEST_REDIS_URL (CI starts one), else a private redis-server on loopback; skipped locally without one,
    but never in CI."""
    if os.environ.get("TEST_REDIS_URL"):
        yield os.environ["TEST_REDIS_URL"]
        return
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI must run the shared-state tests (rate limits, kept pages): set TEST_REDIS_URL or "
                        "install redis-server")
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    port = _free_port()
    folder = tmp_path_factory.mktemp("redis")
    server = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
                               "no", "--dir", str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                pytest.fail("redis-server did not start")
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    server.terminate()
    server.wait(timeout=10)
