"""Staff pages for organizations: the list by status, registering one, reviewing applications (approve, reject,
suspend, reactivate; audited, the admins are mailed), the proof document, members."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from shop.accounts.decorators import staff_required
from shop.organizations import queries, review, services
from shop.organizations.exceptions import OrganizationError
from shop.organizations.forms import MemberForm, OrganizationForm, ReasonForm, RemoveMemberForm
from shop.organizations.models import STATUS_LABELS, OrganizationStatus
from shop.organizations.proofs import proof_response

bp = Blueprint("organizations", __name__)


def _list(form: OrganizationForm, status: int = 200):
    wanted = request.args.get("status") or None
    if wanted is not None and wanted not in {s.value for s in OrganizationStatus}:
        abort(400, description=_("Unknown status"))
    chosen = OrganizationStatus(wanted) if wanted else None
    return render_template("staff/organizations.html", organizations=queries.all_organizations(chosen),
                           form=form, status=chosen, labels=STATUS_LABELS), status


@bp.get("/")
@staff_required
def organization_list():
    """Every organization, or those with one status, and the form to register one."""
    return _list(OrganizationForm(formdata=None))


@bp.post("/")
@staff_required
def organization_create():
    """Register an organization (verified: staff vouch for it)."""
    form = OrganizationForm()
    if form.validate():
        try:
            organization = services.create_organization(
                current_user.id, name=form.name.data, kind=form.kind.data, code=form.credit_code.data,
                region_code=form.region_code.data, invoice_title=form.invoice_title.data,
                tax_number=form.tax_number.data)
        except OrganizationError as exc:
            form.credit_code.errors = list(form.credit_code.errors) + [str(exc)]
        else:
            flash(_("Organization registered."), "success")
            return redirect(url_for("staff.organizations.organization_detail", organization_id=organization.id))
    return _list(form, 400)


def _organization_or_404(organization_id: int):
    organization = queries.organization_with_members(organization_id)
    if organization is None:
        abort(404)
    return organization


def _detail(organization, form=None, reason_form=None, status: int = 200):
    return render_template("staff/organization.html", organization=organization, form=form or MemberForm(),
                           remove_form=RemoveMemberForm(), reason_form=reason_form or ReasonForm(formdata=None),
                           decisions=review.DECISIONS), status


@bp.get("/<int:organization_id>")
@staff_required
def organization_detail(organization_id: int):
    """An organization's application, status, decisions and members."""
    return _detail(_organization_or_404(organization_id))


@bp.get("/<int:organization_id>/proof")
@staff_required
def proof(organization_id: int):
    """The organization's proof document."""
    organization = _organization_or_404(organization_id)
    if not organization.proof_filename:
        abort(404)
    return proof_response(organization.proof_filename)


@bp.post("/<int:organization_id>/<any(approve, reject, suspend, reactivate):decision>")
@staff_required
def decide(organization_id: int, decision: str):
    """Approve, reject, suspend or reactivate; a rejection or suspension needs a reason."""
    organization = _organization_or_404(organization_id)
    form = ReasonForm()
    if form.validate():
        try:
            decided = review.decide(current_user.id, organization.id, decision, form.reason.data or "")
        except OrganizationError as exc:
            form.reason.errors = list(form.reason.errors) + [str(exc)]
        else:
            flash(_("“%(name)s” is now “%(status)s”.", name=decided.name, status=decided.status_label), "success")
            return redirect(url_for("staff.organizations.organization_detail", organization_id=organization.id))
    return _detail(organization, reason_form=form, status=400)


@bp.post("/<int:organization_id>/members")
@staff_required
def member_add(organization_id: int):
    """Add a registered user as a member with a role."""
    organization = _organization_or_404(organization_id)
    form = MemberForm()
    if form.validate():
        try:
            services.add_member(current_user.id, organization.id, form.identifier.data, form.role.data)
            flash(_("Member added."), "success")
            return redirect(url_for("staff.organizations.organization_detail", organization_id=organization.id))
        except OrganizationError as exc:
            form.identifier.errors = list(form.identifier.errors) + [str(exc)]
    return _detail(organization, form=form, status=400)


@bp.post("/<int:organization_id>/members/<int:user_id>/remove")
@staff_required
def member_remove(organization_id: int, user_id: int):
    """Remove a member."""
    organization = _organization_or_404(organization_id)
    if RemoveMemberForm().validate():
        try:
            services.remove_member(current_user.id, organization.id, user_id)
            flash(_("Member removed."), "success")
        except OrganizationError as exc:
            flash(str(exc), "error")
    return redirect(url_for("staff.organizations.organization_detail", organization_id=organization.id))
