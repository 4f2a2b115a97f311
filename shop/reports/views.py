"""`/impact`: the public impact board."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue

from shop.reports.impact import UNDERSERVED_BELOW, impact_board

bp = Blueprint("reports", __name__)


@bp.get("/impact")
def board() -> ResponseReturnValue:
    return render_template("reports/impact.html", board=impact_board(), threshold=UNDERSERVED_BELOW)
