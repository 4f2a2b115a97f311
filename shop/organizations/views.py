"""Applying for an organization account (`/organizations/apply`); the applicant becomes its first admin."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from shop.organizations import applications
from shop.organizations.exceptions import ApplicationError
from shop.organizations.forms import ApplicationForm

bp = Blueprint("organizations", __name__)


@bp.route("/organizations/apply", methods=["GET", "POST"])
@login_required
def apply():
    """The application form; the applicant becomes the organization's first admin."""
    form = ApplicationForm()
    submitted = request.method == "POST" and not form.region_step.data
    form.load_region_choices()
    if submitted and form.validate():
        try:
            organization = applications.apply(current_user.id, form.application(), form.proof_bytes())
        except ApplicationError as exc:
            form.add_error(exc)
        else:
            form.proof.release()
            flash(_("Thank you! “%(name)s” is registered and waits for verification by the platform. We will tell "
                    "you by mail.", name=organization.name), "success")
            return redirect(url_for("org.organizations.home", organization_id=organization.id))
    if request.method == "POST":
        form.proof.keep()  # the next submit (or the next level of the region) need not choose it again
    return render_template("org/apply.html", form=form), 400 if submitted else 200
