"""The staff home page: links to the desks."""
from __future__ import annotations

from flask import Blueprint, render_template

from shop.accounts.decorators import staff_required

bp = Blueprint("web", __name__)


@bp.get("/")
@staff_required
def home():
    return render_template("staff/home.html")
