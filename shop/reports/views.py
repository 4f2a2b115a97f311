"""`/impact`: the public impact board; a buyer's order certificate (`/orders/<number>/certificate`, `.pdf`); and
`/verify/<code>`, where anyone checks a purchase certificate."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from shop.accounts.decorators import login_required
from shop.core.mail import absolute_url
from shop.orders.lookups import buyer_order_or_404
from shop.reports import certificates
from shop.reports.certificates_pdf import Page, qr_svg, render_pdf
from shop.reports.impact import UNDERSERVED_BELOW, impact_board
from shop.web.downloads import pdf_download

bp = Blueprint("reports", __name__)


@bp.get("/impact")
def board() -> ResponseReturnValue:
    return render_template("reports/impact.html", board=impact_board(), threshold=UNDERSERVED_BELOW)


def _order_certificate(number: str) -> tuple[certificates.Certificate, Page]:
    order = buyer_order_or_404(number)
    try:
        certificate = certificates.order_certificate(order)
    except certificates.CertificateError:
        abort(404)
    page = Page(title=_("Purchase certificate for order %(number)s", number=order.number),
                rule=certificates.rule(),
                verify_url=absolute_url("reports.verify", code=certificate.record.code))
    return certificate, page


@bp.get("/orders/<number>/certificate")
@login_required
def order_certificate(number: str) -> ResponseReturnValue:
    """A paid order's purchase certificate, for its buyer (every member, for an organization's order)."""
    certificate, page = _order_certificate(number)
    return render_template("reports/certificate.html", certificate=certificate, page=page,
                           details=certificates.details(certificate), qr=qr_svg(page.verify_url),
                           pdf_url=url_for(".order_certificate_pdf", number=number))


@bp.get("/orders/<number>/certificate.pdf")
@login_required
def order_certificate_pdf(number: str) -> ResponseReturnValue:
    """The same certificate as a PDF."""
    certificate, page = _order_certificate(number)
    return pdf_download(f"certificate-{number}.pdf", render_pdf(certificate, page))


@bp.get("/verify/<code>")
def verify(code: str) -> ResponseReturnValue:
    """Anyone checks a certificate by its code: holder, period and totals; whether it was superseded."""
    record = certificates.by_code(code)
    if record is None:
        abort(404)
    return render_template("reports/verify.html", record=record, rule=certificates.rule(),
                           issued=certificates.china_time(record.issued_at),
                           superseded=certificates.china_time(record.superseded_at) if record.superseded_at else None)
