"""Forms after a failed submit: every error beside its field (aria-invalid, aria-describedby) and in a summary at
the top linking to it; a licence or proof chosen once is kept (a signed token in a hidden field, bound to the user,
expiring) and used by the next submit; a forged, foreign or expired token is refused with nothing saved."""
from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from shop.cooperatives.models import Cooperative
from shop.core import credit_code
from shop.core.database import utcnow
from shop.core.held_uploads import HeldUpload
from shop.extensions import db
from shop.organizations.models import Organization
from tests.factories import make_region, make_user
from tests.image_files import image_bytes
from tests.org_factories import apply as apply_organization
from tests.org_factories import private_files, regions
from tests.web import csrf_token, english, login

CODE = credit_code.complete("93652929MA7000001")
TOKEN_RE = re.compile(r'name="(licence|proof)-kept" value="([^"]+)"')
APPLICATION = {"name": "柯坪县恰玛古果蔬农民专业合作社", "credit_code": CODE, "region_province": "650000",
               "region_prefecture": "652900", "region_county": "652929", "kind": "cooperative",
               "contact_name": "艾力", "contact_phone": "0997-1234567", "description": ""}


@pytest.fixture
def people(app):
    with app.app_context():
        make_region("652929", "柯坪县")
        regions()
        make_user(email="farmer@example.cn", name="艾力")
        make_user(email="other@example.cn", name="别人")


def signed_in(app, email):
    client = app.test_client()
    login(client, email)
    return english(client)


def apply(client, licence: bytes | None = None, **changes):
    """Post the cooperative application; with `licence`, a file is chosen (else none: a kept one, or nothing)."""
    form = {**APPLICATION, **changes, "csrf_token": csrf_token(client, "/coop/apply")}
    if licence is not None:
        form["licence"] = (io.BytesIO(licence), "营业执照.png")
    return client.post("/coop/apply", data=form)


def kept_token(response) -> str:
    match = TOKEN_RE.search(response.get_data(as_text=True))
    assert match, "no kept upload on the page"
    return match.group(2)


def counts():
    return (db.session.scalar(select(func.count()).select_from(Cooperative)),
            db.session.scalar(select(func.count()).select_from(HeldUpload)))


def test_errors_show_beside_each_field_and_in_a_summary_linking_to_them(app, people):
    farmer = signed_in(app, "farmer@example.cn")
    response = apply(farmer, image_bytes("PNG"), contact_phone="call me", name="")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    summary = page[page.index('id="error-summary"'):page.index("</div>", page.index('id="error-summary"'))]
    assert 'href="#contact_phone"' in summary and "Enter a phone number." in summary
    assert 'href="#name"' in summary and "This field is required." in summary
    phone = re.search(r"<input[^>]*id=\"contact_phone\"[^>]*>", page).group(0)
    assert 'aria-invalid="true"' in phone and 'aria-describedby="contact_phone-error"' in phone
    assert re.search(r'id="contact_phone-error"><span class="field-error">Enter a phone number.', page)
    credit = re.search(r"<input[^>]*id=\"credit_code\"[^>]*>", page).group(0)
    assert "aria-invalid" not in credit and "aria-describedby" not in credit


def test_a_page_without_errors_has_no_summary(app, people):
    page = signed_in(app, "farmer@example.cn").get("/coop/apply").get_data(as_text=True)
    assert "error-summary" not in page and "aria-invalid" not in page


def test_the_licence_is_kept_across_a_failed_submit_and_used_without_choosing_it_again(app, people):
    farmer = signed_in(app, "farmer@example.cn")
    before = private_files(app)
    failed = apply(farmer, image_bytes("PNG"), contact_phone="call me")
    assert failed.status_code == 400
    assert "Uploaded: 营业执照.png" in failed.get_data(as_text=True)
    with app.app_context():
        assert counts() == (0, 1)
        assert private_files() == before  # held, not yet stored as a licence
    token = kept_token(failed)

    done = apply(farmer, **{"licence-kept": token})
    assert done.status_code == 302
    with app.app_context():
        cooperative = db.session.scalar(select(Cooperative))
        assert counts() == (1, 0)  # the held file went once used
        licence = cooperative.licence_filename
        assert set(private_files()) - set(before) == {licence, licence[:-4] + "-t.jpg"}


def test_the_kept_licence_survives_the_region_pickers_next_level(app, people):
    farmer = signed_in(app, "farmer@example.cn")
    step = apply(farmer, image_bytes("PNG"), region_prefecture="", region_county="", region_step="1")
    assert step.status_code == 200 and "Uploaded: 营业执照.png" in step.get_data(as_text=True)
    assert apply(farmer, **{"licence-kept": kept_token(step)}).status_code == 302


def test_a_new_file_replaces_the_kept_one(app, people):
    farmer = signed_in(app, "farmer@example.cn")
    token = kept_token(apply(farmer, image_bytes("PNG"), contact_phone="call me"))
    response = apply(farmer, b"not an image at all", **{"licence-kept": token})
    assert response.status_code == 400 and "photo or scan" in response.get_data(as_text=True)
    assert not TOKEN_RE.search(response.get_data(as_text=True))  # the refused file is not offered again
    with app.app_context():
        assert counts()[0] == 0


def test_a_refused_licence_is_not_kept(app, people):
    farmer = signed_in(app, "farmer@example.cn")
    response = apply(farmer, b"GIF89a nothing", contact_phone="0997-1234567")
    assert response.status_code == 400 and not TOKEN_RE.search(response.get_data(as_text=True))
    with app.app_context():
        assert counts() == (0, 0)


def forge(token: str) -> str:
    return token[:-2] + ("AA" if not token.endswith("AA") else "BB")


@pytest.mark.parametrize("who, tamper", [
    ("farmer@example.cn", forge),
    ("other@example.cn", lambda token: token),  # someone else's token
    ("farmer@example.cn", lambda token: "kept"),
], ids=["forged", "another user's", "garbage"])
def test_a_token_that_does_not_check_out_is_refused(app, people, who, tamper):
    token = kept_token(apply(signed_in(app, "farmer@example.cn"), image_bytes("PNG"), contact_phone="call me"))
    response = apply(signed_in(app, who), **{"licence-kept": tamper(token)})
    assert response.status_code == 400
    assert "The file uploaded earlier has expired or cannot be used" in response.get_data(as_text=True)
    with app.app_context():
        assert counts() == (0, 1)


def test_an_expired_kept_upload_is_refused_and_purged(app, people):
    from shop.core.held_uploads import purge
    farmer = signed_in(app, "farmer@example.cn")
    token = kept_token(apply(farmer, image_bytes("PNG"), contact_phone="call me"))
    with app.app_context():
        db.session.execute(update(HeldUpload).values(created_at=utcnow() - timedelta(minutes=61)))
        db.session.commit()
    response = apply(farmer, **{"licence-kept": token})
    assert response.status_code == 400 and "has expired" in response.get_data(as_text=True)
    with app.app_context():
        assert purge(timedelta(minutes=60)) == 1
        assert counts() == (0, 0)


def test_an_organizations_proof_is_kept_across_a_failed_submit(app, people):
    chair = signed_in(app, "farmer@example.cn")
    failed = apply_organization(chair, contact_mobile="12345", proof=image_bytes("PNG"))
    assert failed.status_code == 400 and "Uploaded: proof.png" in failed.get_data(as_text=True)
    done = apply_organization(chair, proof=b"", filename="", **{"proof-kept": kept_token(failed)})
    assert done.status_code == 302
    with app.app_context():
        organization = db.session.scalar(select(Organization))
        assert organization.proof_filename and db.session.scalar(
            select(func.count()).select_from(HeldUpload)) == 0
