"""The staff home page: links to the desks."""
from __future__ import annotations

from flask import Blueprint, render_template

from shop.accounts.decorators import staff_required

bp = Blueprint("staff", __name__, url_prefix="/staff")


@bp.get("/")
@staff_required
def home():
    return render_template("staff/home.html")
