"""Staff review cooperatives at /staff/cooperatives: verify, reject, suspend, members, the licence."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from shop.accounts.decorators import staff_required
from shop.accounts.models import CooperativeMembership
from shop.cooperatives import applications
from shop.cooperatives.forms import MemberForm, ReasonForm
from shop.cooperatives.models import STATUS_LABELS, Cooperative, VerificationStatus
from shop.core.storage import private_store
from shop.extensions import db
from shop.web.downloads import stored_file
from shop.web.forms import ConfirmForm, require_confirmation

bp = Blueprint("cooperatives", __name__)


@bp.get("/")
@staff_required
def cooperative_list():
    status = request.args.get("status", "applied")
    if status not in {s.value for s in VerificationStatus}:
        abort(400, description=_("Unknown status"))
    cooperatives = db.session.scalars(select(Cooperative).where(Cooperative.status == status)
                                      .order_by(Cooperative.created_at.desc()).limit(500)).all()
    return render_template("staff/cooperatives.html", cooperatives=cooperatives, status=status,
                           labels=STATUS_LABELS)


def _cooperative(cooperative_id: int) -> Cooperative:
    cooperative = db.session.get(Cooperative, cooperative_id)
    if cooperative is None:
        abort(404)
    return cooperative


def _detail(cooperative: Cooperative, reason_form=None, member_form=None, status: int = 200):
    members = db.session.scalars(select(CooperativeMembership).where(
        CooperativeMembership.cooperative_id == cooperative.id).order_by(CooperativeMembership.id)).all()
    return render_template("staff/cooperative.html", cooperative=cooperative, members=members,
                           reason_form=reason_form or ReasonForm(formdata=None),
                           member_form=member_form or MemberForm(formdata=None), confirm=ConfirmForm(),
                           decisions=applications.DECISIONS), status


@bp.get("/<int:cooperative_id>")
@staff_required
def cooperative_detail(cooperative_id: int):
    return _detail(_cooperative(cooperative_id))


@bp.get("/<int:cooperative_id>/licence")
@staff_required
def licence(cooperative_id: int):
    cooperative = _cooperative(cooperative_id)
    if not cooperative.licence_filename:
        abort(404)
    response = stored_file(private_store(), cooperative.licence_filename)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.post("/<int:cooperative_id>/<any(verify, reject, suspend):decision>")
@staff_required
def decide(cooperative_id: int, decision: str):
    cooperative = _cooperative(cooperative_id)
    form = ReasonForm()
    if not form.validate():
        return _detail(cooperative, reason_form=form, status=400)
    try:
        decided = applications.decide(current_user.id, cooperative.id, decision, form.reason.data or "")
    except applications.ApplicationError as exc:
        form.reason.errors = [str(exc)]
        return _detail(cooperative, reason_form=form, status=400)
    flash(_("“%(name)s” is now “%(status)s”.", name=cooperative.name,
            status=decided.status_label), "success")
    return redirect(url_for("staff.cooperatives.cooperative_detail", cooperative_id=cooperative.id))


@bp.post("/<int:cooperative_id>/members")
@staff_required
def member_add(cooperative_id: int):
    cooperative = _cooperative(cooperative_id)
    form = MemberForm()
    if form.validate():
        try:
            applications.add_member(current_user.id, cooperative.id, form.identifier.data)
        except applications.ApplicationError as exc:
            form.identifier.errors = [str(exc)]
        else:
            flash(_("Member added."), "success")
            return redirect(url_for("staff.cooperatives.cooperative_detail", cooperative_id=cooperative.id))
    return _detail(cooperative, member_form=form, status=400)


@bp.post("/<int:cooperative_id>/members/<int:user_id>/remove")
@staff_required
def member_remove(cooperative_id: int, user_id: int):
    cooperative = _cooperative(cooperative_id)
    require_confirmation()
    try:
        applications.remove_member(current_user.id, cooperative.id, user_id)
    except applications.ApplicationError:
        abort(404)
    flash(_("Member removed."), "success")
    return redirect(url_for("staff.cooperatives.cooperative_detail", cooperative_id=cooperative.id))
