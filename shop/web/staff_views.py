"""The staff dashboard (`/staff/`) and the staff back office's side navigation."""
from __future__ import annotations

from datetime import datetime, timezone

from flask import Blueprint, current_app, render_template
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from shop.accounts.decorators import staff_required
from shop.cooperatives.models import VerificationStatus
from shop.cooperatives.queries import count_with_status as cooperatives_with_status
from shop.core.timezones import today_in_china
from shop.organizations.models import OrganizationStatus
from shop.organizations.queries import count_with_status as organizations_with_status
from shop.payments.queries import open_alert_count
from shop.reports.dashboards import staff_dashboard
from shop.web.backoffice import Family, NavEntry

bp = Blueprint("web", __name__)

NAV = Family(
    name="staff", title=_l("Staff"), home="staff.web.home",
    allowed=lambda: bool(current_user.is_authenticated and current_user.is_staff),
    entries=(
        NavEntry(_l("Dashboard"), "staff.web.home"),
        NavEntry(_l("Order desk"), "staff.orders.order_list"),
        NavEntry(_l("Payments desk"), "staff.payments.overview", badge=open_alert_count),
        NavEntry(_l("Invoices"), "staff.invoices.invoice_list"),
        NavEntry(_l("Cooperatives"), "staff.cooperatives.cooperative_list",
                 badge=lambda: cooperatives_with_status(VerificationStatus.APPLIED)),
        NavEntry(_l("Organizations"), "staff.organizations.organization_list",
                 badge=lambda: organizations_with_status(OrganizationStatus.APPLIED)),
        NavEntry(_l("Sales tallies"), "staff.reports.tallies"),
        NavEntry(_l("Pledges"), "staff.pledges.pledge_list"),
        NavEntry(_l("Home page"), "staff.catalog.showcase_page"),
        NavEntry(_l("API tokens"), "staff.api.token_list"),
        NavEntry(_l("Audit log"), "staff.audit.audit_log"),
    ),
)
"""The staff side navigation; entries for pages that do not exist (yet) are left out when drawn."""


@bp.get("/")
@staff_required
def home():
    board = staff_dashboard(today_in_china(), datetime.now(timezone.utc), current_app.config["SHIP_WITHIN_DAYS"])
    return render_template("staff/home.html", board=board)
