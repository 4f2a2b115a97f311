"""Staff pages for organizations: list, register, suspend or reactivate, members."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from shop.accounts.decorators import staff_required
from shop.organizations import queries, services
from shop.organizations.exceptions import OrganizationError
from shop.organizations.forms import MemberForm, OrganizationForm, ReasonForm, RemoveMemberForm

bp = Blueprint("organizations", __name__)


@bp.get("/")
@staff_required
def organization_list():
    return render_template("staff/organizations.html", organizations=queries.all_organizations(),
                           form=OrganizationForm())


@bp.post("/")
@staff_required
def organization_create():
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
    return render_template("staff/organizations.html", organizations=queries.all_organizations(), form=form), 400


def _organization_or_404(organization_id: int):
    organization = queries.organization_with_members(organization_id)
    if organization is None:
        abort(404)
    return organization


def _detail(organization, form=None, reason_form=None, status: int = 200):
    return render_template("staff/organization.html", organization=organization, form=form or MemberForm(),
                           remove_form=RemoveMemberForm(), reason_form=reason_form or ReasonForm(formdata=None)), status


@bp.get("/<int:organization_id>")
@staff_required
def organization_detail(organization_id: int):
    return _detail(_organization_or_404(organization_id))


@bp.post("/<int:organization_id>/<any(suspend, reactivate):action>")
@staff_required
def set_active(organization_id: int, action: str):
    organization = _organization_or_404(organization_id)
    form = ReasonForm()
    if form.validate():
        try:
            services.set_active(current_user.id, organization.id, action == "reactivate", form.reason.data or "")
        except OrganizationError as exc:
            form.reason.errors = list(form.reason.errors) + [str(exc)]
        else:
            flash(_("“%(name)s” is active again.", name=organization.name) if action == "reactivate"
                  else _("“%(name)s” is suspended: its members cannot order for it.", name=organization.name),
                  "success")
            return redirect(url_for("staff.organizations.organization_detail", organization_id=organization.id))
    return _detail(organization, reason_form=form, status=400)


@bp.post("/<int:organization_id>/members")
@staff_required
def member_add(organization_id: int):
    organization = _organization_or_404(organization_id)
    form = MemberForm()
    if form.validate():
        try:
            services.add_member(current_user.id, organization.id, form.identifier.data)
            flash(_("Member added."), "success")
            return redirect(url_for("staff.organizations.organization_detail", organization_id=organization.id))
        except OrganizationError as exc:
            form.identifier.errors = list(form.identifier.errors) + [str(exc)]
    return _detail(organization, form=form, status=400)


@bp.post("/<int:organization_id>/members/<int:user_id>/remove")
@staff_required
def member_remove(organization_id: int, user_id: int):
    organization = _organization_or_404(organization_id)
    if RemoveMemberForm().validate():
        try:
            services.remove_member(current_user.id, organization.id, user_id)
            flash(_("Member removed."), "success")
        except OrganizationError as exc:
            flash(str(exc), "error")
    return redirect(url_for("staff.organizations.organization_detail", organization_id=organization.id))
