"""The audit log, for staff."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from shop.accounts.decorators import staff_required
from shop.audit.queries import audit_page

bp = Blueprint("audit", __name__)


@bp.get("/")
@staff_required
def audit_log():
    page_number = request.args.get("page", "1")
    if not page_number.isdigit() or not 1 <= int(page_number) <= 10_000:
        abort(400)
    return render_template("staff/audit.html", page=audit_page(int(page_number)))
