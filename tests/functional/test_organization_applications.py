"""Self-service organization accounts: applying with a proof document, the region picker with and without
JavaScript, staff review (approve, reject with a reason, suspend, reactivate; audited and mailed), correcting and
resubmitting, and bad applications refused with nothing saved."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from shop.accounts.models import OrganizationMembership, OrganizationRole, User
from shop.audit.models import AuditEntry
from shop.core.outbox import QueuedMail
from shop.extensions import db
from shop.organizations.models import Organization, OrganizationStatus
from tests.factories import add_to_organization, make_organization, make_user
from tests.image_files import image_bytes
from tests.org_factories import CODE, PDF, apply, mails, organization_named, private_files, regions
from tests.web import english, login, post


@pytest.fixture
def people(app):
    with app.app_context():
        regions()
        make_user(email="chair@example.cn", name="沈主席")
        make_user(email="other@example.cn", name="别人")
        make_user(email="staff@example.cn", is_staff=True)


def signed_in(app, email: str):
    client = app.test_client()
    login(client, email)
    return english(client)


def decide(staff, organization_id: int, decision: str, reason: str = ""):
    page = f"/staff/organizations/{organization_id}"
    return post(staff, f"{page}/{decision}", {"reason": reason}, token_from=page)


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_apply_then_staff_approve_audited_and_mailed(app, people):
    chair = signed_in(app, "chair@example.cn")
    response = apply(chair)
    assert response.status_code == 302
    with app.app_context():
        organization = organization_named("湖州市吴兴区总工会")
        member = db.session.scalar(select(OrganizationMembership))
        assert (organization.status, organization.credit_code, organization.region_code) == \
            (OrganizationStatus.APPLIED, CODE, "330502")
        # Invoice details left blank follow the name and the credit code.
        assert (organization.invoice_title, organization.tax_number) == ("湖州市吴兴区总工会", CODE)
        assert (organization.contact_name, organization.contact_mobile) == ("沈主席", "13905720001")
        assert re.fullmatch(r"[0-9a-f]{32}\.jpg", organization.proof_filename)
        assert (member.user.email, member.role) == ("chair@example.cn", OrganizationRole.ADMIN)
        organization_id = organization.id
    assert response.headers["Location"] == f"/org/{organization_id}/"
    home = chair.get(f"/org/{organization_id}/").get_data(as_text=True)
    assert "Applied, awaiting review" in home and "waiting for verification" in home

    staff = signed_in(app, "staff@example.cn")
    assert "湖州市吴兴区总工会" in staff.get("/staff/organizations/?status=applied").get_data(as_text=True)
    assert "湖州市吴兴区总工会" not in staff.get("/staff/organizations/?status=verified").get_data(as_text=True)
    assert decide(staff, organization_id, "approve").status_code == 302
    with app.app_context():
        assert db.session.get(Organization, organization_id).status == OrganizationStatus.VERIFIED
        assert audit_actions() == ["organization.apply", "organization.approve"]
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "organization.approve"))
        assert (entry.before, entry.after) == ({"status": "applied"}, {"status": "verified"})
        [(to, subject, body)] = mails("organization_decision")
    assert to == "chair@example.cn" and "湖州市吴兴区总工会" in subject and "verified" in subject
    assert f"/org/{organization_id}/" in body


@pytest.mark.storage_backends
def test_reject_with_a_reason_then_correct_and_resubmit(app, people):
    chair = signed_in(app, "chair@example.cn")
    apply(chair)
    with app.app_context():
        organization_id = organization_named("湖州市吴兴区总工会").id
    staff = signed_in(app, "staff@example.cn")
    refused = decide(staff, organization_id, "reject")
    assert refused.status_code == 400 and "Give a reason." in refused.get_data(as_text=True)
    assert decide(staff, organization_id, "reject", "证明文件不清晰，请重新上传").status_code == 302
    with app.app_context():
        organization = db.session.get(Organization, organization_id)
        assert (organization.status, organization.review_note) == (OrganizationStatus.REJECTED, "证明文件不清晰，请重新上传")
        old_proof = organization.proof_filename
        [(to, subject, body)] = mails("organization_decision")
    assert to == "chair@example.cn" and "not approved" in subject and "证明文件不清晰" in body
    assert "证明文件不清晰" in chair.get(f"/org/{organization_id}/").get_data(as_text=True)

    page = f"/org/{organization_id}/application"
    form = chair.get(page).get_data(as_text=True)
    assert 'value="湖州市吴兴区总工会"' in form and '<option selected value="330502">吴兴区</option>' in form
    response = apply(chair, url=page, proof=PDF, filename="scan.pdf", name="湖州市吴兴区总工会（更正）",
                     invoice_title="吴兴区总工会")
    assert response.status_code == 302
    with app.app_context():
        organization = db.session.get(Organization, organization_id)
        assert (organization.status, organization.name, organization.invoice_title) == \
            (OrganizationStatus.APPLIED, "湖州市吴兴区总工会（更正）", "吴兴区总工会")
        assert organization.proof_filename.endswith(".pdf") and old_proof not in private_files()
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "organization.resubmit"))
        assert entry.actor.email == "chair@example.cn" and entry.after["name"] == "湖州市吴兴区总工会（更正）"
    assert decide(staff, organization_id, "approve").status_code == 302
    # A verified organization's details are changed by staff only.
    assert apply(chair, url=page, name="改名").status_code == 400
    with app.app_context():
        assert db.session.get(Organization, organization_id).name == "湖州市吴兴区总工会（更正）"


def test_suspend_and_reactivate_tell_the_admins(app, people):
    apply(signed_in(app, "chair@example.cn"))
    with app.app_context():
        organization_id = organization_named("湖州市吴兴区总工会").id
    staff = signed_in(app, "staff@example.cn")
    assert decide(staff, organization_id, "suspend", "x").status_code == 400  # only a verified one is suspended
    decide(staff, organization_id, "approve")
    assert decide(staff, organization_id, "suspend", "单位已撤销").status_code == 302
    assert decide(staff, organization_id, "reactivate").status_code == 302
    with app.app_context():
        subjects = [subject for _to, subject, _body in mails("organization_decision")]
        assert audit_actions() == ["organization.apply", "organization.approve", "organization.suspend",
                                   "organization.reactivate"]
    assert ["verified" in subjects[0], "suspended" in subjects[1], "active again" in subjects[2]] == [True] * 3


@pytest.mark.storage_backends
def test_the_proof_goes_to_staff_and_admins_only_and_a_pdf_only_as_a_download(app, people):
    chair = signed_in(app, "chair@example.cn")
    apply(chair, proof=PDF, filename="证明.pdf")
    with app.app_context():
        organization_id = organization_named("湖州市吴兴区总工会").id
    for client, url in ((chair, f"/org/{organization_id}/proof"),
                        (signed_in(app, "staff@example.cn"), f"/staff/organizations/{organization_id}/proof")):
        response = client.get(url)
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        assert response.get_data() == PDF
        assert response.headers["Content-Disposition"].startswith("attachment")
        assert "no-store" in response.headers["Cache-Control"] and "sandbox" in response.headers[
            "Content-Security-Policy"]
    assert signed_in(app, "other@example.cn").get(f"/org/{organization_id}/proof").status_code == 404
    assert signed_in(app, "other@example.cn").get(f"/staff/organizations/{organization_id}/proof").status_code == 403
    assert app.test_client().get(f"/org/{organization_id}/proof").status_code == 404


@pytest.mark.parametrize("changes, message", [
    ({"credit_code": CODE[:-1] + ("0" if CODE[-1] != "0" else "1")}, "check character does not match"),
    ({"region_county": ""}, "Choose down to the county or district in 湖州市"),
    ({"region_province": "", "region_prefecture": "", "region_county": ""}, "Choose the organization"),
    ({"contact_mobile": "0572-2345678"}, "11-digit mainland China mobile number"),
    ({"contact_mobile": "12345678901"}, "11-digit mainland China mobile number"),
    ({"tax_number": "12345"}, "Tax number must be 15, 18 or 20"),
    ({"name": ""}, "This field is required"),
    ({"kind": "government"}, "Not a valid choice"),
    ({"proof": b""}, "the file is empty"),
])
def test_bad_applications_say_why_and_save_nothing(app, people, changes, message):
    before = private_files(app)
    response = apply(signed_in(app, "chair@example.cn"), **changes)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Organization)) == 0
        assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 0
        assert private_files() == before


@pytest.mark.parametrize("proof, filename, message", [
    (b"MZ\x90\x00" + b"\x00" * 500, "proof.pdf", "it is not a PDF, JPEG, PNG or WebP file"),
    (b"PK\x03\x04" + b"\x00" * 500, "proof.png", "it is not a PDF, JPEG, PNG or WebP file"),
    (b"%PDF-1.7\n" + b"\x00" * 5000, "proof.pdf", "the PDF is damaged or incomplete"),
    (image_bytes("PNG")[:60], "proof.png", "the file is damaged or incomplete"),
    (b"%PDF-1.4\n" + b"0" * (8 * 1024 * 1024) + b"\n%%EOF\n", "big.pdf", "larger than 8 MB"),
], ids=["exe named pdf", "zip named png", "pdf without end", "cut png", "too large"])
@pytest.mark.storage_backends
def test_proof_files_that_are_not_what_they_say_are_refused(app, people, proof, filename, message):
    before = private_files(app)
    response = apply(signed_in(app, "chair@example.cn"), proof=proof, filename=filename)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Organization)) == 0
        assert private_files() == before


def test_a_credit_code_is_registered_once(app, people):
    assert apply(signed_in(app, "chair@example.cn")).status_code == 302
    again = apply(signed_in(app, "other@example.cn"), name="另一个名字")
    assert again.status_code == 400 and "already registered" in again.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Organization)) == 1


def test_one_person_has_at_most_three_open_applications(app, people):
    with app.app_context():
        chair = db.session.scalar(select(User).where(User.email == "chair@example.cn"))
        for status in (OrganizationStatus.APPLIED, OrganizationStatus.REJECTED, OrganizationStatus.APPLIED):
            add_to_organization(chair, make_organization(status=status), OrganizationRole.ADMIN)
    before = private_files(app)
    response = apply(signed_in(app, "chair@example.cn"))
    assert response.status_code == 400 and "You already have 3 applications" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Organization)) == 3
        assert private_files() == before


def test_edited_invoice_details_are_kept(app, people):
    apply(signed_in(app, "chair@example.cn"), invoice_title="吴兴区总工会（工会经费）", tax_number="8133 0502 MC00 00001X")
    with app.app_context():
        organization = organization_named("湖州市吴兴区总工会")
        assert (organization.invoice_title, organization.tax_number) == ("吴兴区总工会（工会经费）", "81330502MC0000001X")


def test_the_region_picker_works_without_javascript(app, people):
    chair = signed_in(app, "chair@example.cn")
    page = chair.get("/organizations/apply").get_data(as_text=True)
    assert '<option value="330000">浙江省</option>' in page and "330500" not in page
    step = apply(chair, region_prefecture="", region_county="", region_step="1")
    assert step.status_code == 200  # the next level, no errors, nothing saved
    text = step.get_data(as_text=True)
    assert '<option value="330500">湖州市</option>' in text and '<option value="330100">杭州市</option>' in text
    assert 'value="湖州市吴兴区总工会"' in text and "field-error" not in text
    step = apply(chair, region_county="", region_step="1")
    assert '<option value="330502">吴兴区</option>' in step.get_data(as_text=True)
    # A county that is not under the chosen prefecture is dropped, not trusted.
    mixed = apply(chair, region_prefecture="330100", region_county="330502")
    assert mixed.status_code == 400 and "Choose down to the county or district in 杭州市" in mixed.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Organization)) == 0
        assert db.session.scalar(select(func.count()).select_from(QueuedMail)) == 0


def test_the_region_endpoint_lists_children(app, people, client):
    response = client.get("/regions/330500/children")
    assert response.status_code == 200 and response.is_json
    assert response.get_json() == {"regions": [{"code": "330502", "name": "吴兴区"},
                                               {"code": "330503", "name": "南浔区"}]}
    assert client.get("/regions/330502/children").get_json() == {"regions": []}
    for code in ("999999", "abcdef", "33050"):
        assert client.get(f"/regions/{code}/children").status_code == 404


def test_applying_needs_an_account(client):
    response = client.get("/organizations/apply")
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]
