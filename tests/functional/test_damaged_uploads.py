"""Every image upload reader (product photos, business licences) answers a damaged or hostile file with 400 and a
clear message, through the real pages, and keeps nothing: no row, no file."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from shop.catalog.listings import MAX_PHOTOS
from shop.catalog.models import Photo
from shop.cooperatives.models import Cooperative
from shop.core import credit_code
from shop.extensions import db
from tests.factories import add_to_cooperative, make_category, make_cooperative, make_product, make_region, make_user
from tests.image_files import DAMAGED, damaged_corpus, write_png
from tests.web import csrf_token, english, login

CORPUS = damaged_corpus()


@pytest.fixture
def product(app):
    """A verified cooperative's product without photos, and a signed-in member of that cooperative."""
    with app.app_context():
        make_category("nuts", "干果坚果", "Nuts")
        cooperative = make_cooperative("652929", name="柯坪红枣合作社")
        add_to_cooperative(make_user(email="kp@example.cn"), cooperative)
        return make_product(cooperative, name="柯坪红枣").id


@pytest.fixture
def applicant(app):
    with app.app_context():
        make_region("652929")
        make_user(email="farmer@example.cn")


def signed_in(app, email: str, in_english: bool = True):
    client = app.test_client()
    login(client, email)
    return english(client) if in_english else client


def files(app, area: str) -> set[str]:
    """The names kept in the app's "media" or "private" store (a folder, or a bucket)."""
    return set(app.extensions["storage"].area(area).names())


def post_photo(client, product_id: int, data: bytes, name: str = "photo.jpg"):
    page = f"/coop/products/{product_id}"
    return client.post(f"{page}/photos", data={"csrf_token": csrf_token(client, page),
                                               "photo": (io.BytesIO(data), name)})


def post_application(client, licence: bytes):
    form = {"name": "柯坪县恰玛古果蔬农民专业合作社", "credit_code": credit_code.complete("93652929MA7000001"),
            "region_province": "650000", "region_prefecture": "652900", "region_county": "652929",
            "kind": "cooperative", "contact_name": "艾力", "contact_phone": "0997-1234567",
            "licence": (io.BytesIO(licence), "licence.jpg"), "csrf_token": csrf_token(client, "/coop/apply")}
    return client.post("/coop/apply", data=form)


@pytest.mark.storage_backends
@pytest.mark.parametrize("name", CORPUS)
def test_a_damaged_photo_is_refused_and_nothing_is_kept(app, product, name):
    data, explanation = CORPUS[name]
    client = signed_in(app, "kp@example.cn")
    before = files(app, "media")
    response = post_photo(client, product, data)
    assert response.status_code == 400
    assert f"This photo cannot be used: {explanation}." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Photo)) == 0
    assert files(app, "media") == before


@pytest.mark.storage_backends
@pytest.mark.parametrize("name", CORPUS)
def test_a_damaged_licence_is_refused_and_nothing_is_kept(app, applicant, name):
    data, explanation = CORPUS[name]
    client = signed_in(app, "farmer@example.cn")
    before = files(app, "private")
    response = post_application(client, data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert f"The business licence cannot be used: {explanation}. It must be a photo or scan" in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Cooperative)) == 0
    assert files(app, "private") == before


def test_the_messages_are_in_chinese_by_default(app, product, applicant):
    damaged = CORPUS["truncated PNG"][0]
    photo = post_photo(signed_in(app, "kp@example.cn", in_english=False), product, damaged)
    assert "无法使用该照片：文件已损坏或不完整。" in photo.get_data(as_text=True)
    licence = post_application(signed_in(app, "farmer@example.cn", in_english=False), damaged)
    assert "无法使用该营业执照：文件已损坏或不完整。" in licence.get_data(as_text=True)


def test_the_issue_example_a_6000_pixel_square_png_is_refused(app, product, tmp_path):
    big = write_png(tmp_path / "6000.png", 6000, 6000).read_bytes()
    response = post_photo(signed_in(app, "kp@example.cn"), product, big)
    assert response.status_code == 400
    assert "it has too many pixels (16 megapixels at most)" in response.get_data(as_text=True)


def test_the_photo_limit_is_checked_before_the_file_is_decoded(app, product):
    with app.app_context():
        for position in range(MAX_PHOTOS):
            db.session.add(Photo(product_id=product, position=position, filename=f"{position}.jpg",
                                 thumb_filename=f"{position}-t.jpg", width=10, height=10))
        db.session.commit()
    # A damaged file would say so if it were decoded; the count is what refuses it.
    response = post_photo(signed_in(app, "kp@example.cn"), product, CORPUS["truncated PNG"][0])
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f"at most {MAX_PHOTOS} photos" in page and DAMAGED not in page


def test_a_licence_larger_than_8_mb_is_refused_before_decoding(app, applicant):
    response = post_application(signed_in(app, "farmer@example.cn"), b"\xff\xd8\xff" + b"\0" * (8 * 2**20))
    assert response.status_code == 400
    assert "The business licence cannot be used: it is larger than 8 MB." in response.get_data(as_text=True)
