"""An organization's purchase certificates (`/org/<id>/certificates`): one per year with purchases, as a page and
a PDF, for every member role. Access rules: shop/organizations/portal.py."""
from __future__ import annotations

from flask import Blueprint, abort, g, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from shop.core.mail import absolute_url
from shop.organizations.portal import org_member_required
from shop.reports import certificates
from shop.reports.certificates_pdf import Page, qr_svg, render_pdf
from shop.web.downloads import pdf_download

bp = Blueprint("reports", __name__)

YEAR = "<int(min=2000, max=2100):year>"


@bp.get("/<int:organization_id>/certificates")
@org_member_required()
def certificate_years() -> ResponseReturnValue:
    """The years in which the organization bought something, each with its certificate."""
    return render_template("org/certificates.html", organization=g.organization,
                           years=certificates.purchase_years(g.organization.id))


def _year_certificate(year: int) -> tuple[certificates.Certificate, Page]:
    organization = g.organization
    try:
        certificate = certificates.year_certificate(organization.id, organization.name, year)
    except certificates.CertificateError:
        abort(404)
    page = Page(title=_("Purchase certificate of %(name)s for %(year)d", name=organization.name, year=year),
                rule=certificates.rule(),
                verify_url=absolute_url("reports.verify", code=certificate.record.code))
    return certificate, page


@bp.get(f"/<int:organization_id>/certificates/{YEAR}")
@org_member_required()
def year_certificate(year: int) -> ResponseReturnValue:
    """The organization's certificate for one year."""
    certificate, page = _year_certificate(year)
    pdf_url = url_for(".year_certificate_pdf", organization_id=g.organization.id, year=year)
    return render_template("reports/certificate.html", certificate=certificate, page=page,
                           details=certificates.details(certificate), qr=qr_svg(page.verify_url),
                           organization=g.organization, pdf_url=pdf_url)


@bp.get(f"/<int:organization_id>/certificates/{YEAR}.pdf")
@org_member_required()
def year_certificate_pdf(year: int) -> ResponseReturnValue:
    """The same certificate as a PDF."""
    certificate, page = _year_certificate(year)
    return pdf_download(f"certificate-{g.organization.id}-{year}.pdf", render_pdf(certificate, page))
