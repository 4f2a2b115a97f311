"""Site-wide endpoints: liveness and readiness for load balancers and benchmarks, the language switch, and the
about, user agreement and privacy policy pages."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, session
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from shop.extensions import db
from shop.web import legal
from shop.web.i18n import safe_next

bp = Blueprint("web", __name__)


@bp.get("/healthz")
def healthz():
    """200 with the database reachable, 503 without."""
    try:
        db.session.execute(text("SELECT 1"))
        database = "ok"
    except SQLAlchemyError as exc:
        db.session.rollback()
        current_app.logger.warning("health check: database unreachable: %s", exc)
        database = "unreachable"
    status = 200 if database == "ok" else 503
    body = {"status": "ok" if status == 200 else "degraded", "database": database}
    return jsonify(body), status, {"Cache-Control": "no-store"}


@bp.get("/ping")
def ping():
    """A fixed short answer: the bare route benchmarks compare pages against."""
    return "pong", 200, {"Content-Type": "text/plain; charset=utf-8"}


@bp.post("/language")
def set_language():
    """Remember the language picked in the header switch, then go back to the page."""
    lang = request.form.get("lang", "")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
    return redirect(safe_next(request.form.get("next")))


@bp.get("/about")
def about():
    """关于我们: what the site is and how consumption aid through it works."""
    return render_template("web/about.html")


@bp.get("/agreement")
def agreement():
    """The user agreement (用户协议), with its version."""
    return render_template("web/agreement.html", version=legal.VERSIONS[legal.AGREEMENT])


@bp.get("/privacy")
def privacy():
    """The privacy policy (隐私政策), with its version."""
    return render_template("web/privacy.html", version=legal.VERSIONS[legal.PRIVACY])
