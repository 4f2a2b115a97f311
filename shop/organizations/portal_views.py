"""An organization's own pages (`/org/...`): its home, orders, members and invitations, its application and proof;
and accepting an invitation (`/org/invitations/<token>`). Access rules: shop/organizations/portal.py."""
from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from shop.accounts.acting import acting_organization_id
from shop.accounts.exceptions import AccountError
from shop.accounts.forms import ActingForForm, InvitedAccountForm
from shop.accounts.services import user_by_email
from shop.accounts.sessions import start_session
from shop.core.timezones import today_in_china
from shop.orders import queries as order_queries
from shop.organizations import applications, invitations, members, pledges, queries
from shop.organizations.exceptions import ApplicationError, InvitationError, MembershipError, PledgeError
from shop.organizations.forms import ApplicationForm, InviteForm, RoleForm
from shop.organizations.pledges_forms import PledgeForm
from shop.organizations.portal import ADMINS, org_member_required
from shop.organizations.proofs import proof_response
from shop.reports import pledges as pledge_progress
from shop.web.forms import ConfirmForm, require_confirmation

bp = Blueprint("organizations", __name__)

RECENT_ORDERS = 5


def _home_url(organization_id: int | None = None) -> str:
    return url_for("org.organizations.home", organization_id=organization_id or g.organization.id)


@bp.get("/")
@login_required
def index():
    """The organization the user acts for, or their only one; else the list of theirs."""
    memberships = queries.memberships_of(current_user.id)
    acting = acting_organization_id()
    chosen = [m for m in memberships if m.organization_id == acting] or (memberships if len(memberships) == 1 else [])
    if chosen:
        return redirect(_home_url(chosen[0].organization_id))
    return render_template("org/index.html", memberships=memberships)


@bp.get("/<int:organization_id>/")
@org_member_required()
def home():
    """The organization's details, this year's pledge progress, members and recent orders."""
    organization = g.organization
    recent = order_queries.buyer_orders(current_user.id, organization.id, None, 1, per_page=RECENT_ORDERS)
    progress = pledge_progress.progress(organization.id, today_in_china().year)
    return render_template("org/home.html", organization=organization, membership=g.membership, progress=progress,
                           pledge_charts=pledge_progress, year=today_in_china().year,
                           members=queries.members(organization.id), orders=recent.items,
                           acting_form=ActingForForm(), acting=acting_organization_id() == organization.id)


@bp.get("/<int:organization_id>/orders")
@org_member_required()
def orders():
    """The organization's orders, by tab, paged."""
    tab = request.args.get("tab")
    page_number = request.args.get("page", "1")
    if (tab is not None and tab not in order_queries.TABS) or not page_number.isdigit() \
            or not 1 <= int(page_number) <= 10_000:
        abort(400, description=_("Unknown tab or page"))
    page = order_queries.buyer_orders(current_user.id, g.organization.id, tab, int(page_number))
    return render_template("org/orders.html", organization=g.organization, page=page, tab=tab,
                           tabs=order_queries.TABS)


def _members_page(invite_form=None, status: int = 200):
    organization = g.organization
    return render_template("org/members.html", organization=organization, membership=g.membership,
                           members=queries.members(organization.id), role_form=RoleForm(formdata=None),
                           invite_form=invite_form or InviteForm(formdata=None), confirm=ConfirmForm(),
                           invitations=queries.open_invitations(organization.id)), status


@bp.get("/<int:organization_id>/members")
@org_member_required()
def member_list():
    """The members and their roles; for admins, role changes, removals and invitations."""
    return _members_page()


@bp.post("/<int:organization_id>/invitations")
@org_member_required(*ADMINS)
def invite():
    """An admin invites an email address with a role."""
    form = InviteForm()
    if form.validate():
        try:
            invitation = invitations.invite(current_user.id, g.organization.id, form.email.data, form.role.data)
        except InvitationError as exc:
            form.email.errors = [*form.email.errors, str(exc)]
        else:
            flash(_("An invitation was sent to %(email)s. The link works once, for %(days)d days.",
                    email=invitation.email, days=invitations.INVITATION_DAYS), "success")
            return redirect(url_for(".member_list", organization_id=g.organization.id))
    return _members_page(invite_form=form, status=400)


@bp.post("/<int:organization_id>/invitations/<int:invitation_id>/cancel")
@org_member_required(*ADMINS)
def cancel_invitation(invitation_id: int):
    """An admin withdraws an open invitation."""
    require_confirmation()
    try:
        invitations.cancel(current_user.id, g.organization.id, invitation_id)
    except InvitationError as exc:
        flash(str(exc), "error")
        return _members_page(status=400)
    flash(_("The invitation was withdrawn: its link no longer works."), "success")
    return redirect(url_for(".member_list", organization_id=g.organization.id))


@bp.post("/<int:organization_id>/members/<int:user_id>/role")
@org_member_required(*ADMINS)
def change_role(user_id: int):
    """An admin gives a member another role."""
    form = RoleForm()
    if not form.validate():
        abort(400, description=_("Choose a role."))
    try:
        members.change_role(current_user.id, g.organization.id, user_id, form.role.data)
    except MembershipError as exc:
        flash(str(exc), "error")
        return _members_page(status=400)
    flash(_("The role was changed."), "success")
    return redirect(url_for(".member_list", organization_id=g.organization.id))


@bp.post("/<int:organization_id>/members/<int:user_id>/remove")
@org_member_required(*ADMINS)
def remove_member(user_id: int):
    """An admin removes a member (themselves too, unless they are the last admin)."""
    require_confirmation()
    try:
        members.remove_member(current_user.id, g.organization.id, user_id)
    except MembershipError as exc:
        flash(str(exc), "error")
        return _members_page(status=400)
    flash(_("The member was removed."), "success")
    if user_id == current_user.id:  # an admin who left no longer sees the organization's pages
        return redirect(url_for(".index"))
    return redirect(url_for(".member_list", organization_id=g.organization.id))


@bp.get("/<int:organization_id>/proof")
@org_member_required(*ADMINS)
def proof():
    """The proof document, for the organization's admins."""
    if not g.organization.proof_filename:
        abort(404)
    return proof_response(g.organization.proof_filename)


@bp.route("/<int:organization_id>/application", methods=["GET", "POST"])
@org_member_required(*ADMINS)
def application():
    """An admin corrects the application; a rejected one goes back to review."""
    organization = g.organization
    form = ApplicationForm()
    submitted = request.method == "POST" and not form.region_step.data
    form.load_region_choices()
    if request.method == "GET":
        form.show(organization)
        form.load_region_choices()
    elif submitted and form.validate():
        try:
            applications.correct(current_user.id, organization.id, form.application(), form.proof_bytes())
        except ApplicationError as exc:
            form.add_error(exc)
        else:
            form.proof.release()
            flash(_("Thank you! The application was sent to the platform for review again."), "success")
            return redirect(_home_url())
    if request.method == "POST":
        form.proof.keep()
    return render_template("org/application.html", organization=organization, form=form), 400 if submitted else 200


def _invitation_page(token: str, invitation, form=None, error: str | None = None, status: int = 200):
    account_exists = user_by_email(invitation.email) is not None
    mine = current_user.is_authenticated and (current_user.email or "") == invitation.email
    return render_template("org/invitation.html", token=token, invitation=invitation, form=form, error=error,
                           account_exists=account_exists, mine=mine, confirm=ConfirmForm(),
                           shown_email=invitation.email if mine or not current_user.is_authenticated
                           else invitations.masked(invitation.email)), status


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def invitation(token: str):
    """An invitation link: join as the logged-in invited account, or create the account and join."""
    try:
        found = invitations.check(token)
    except InvitationError as exc:
        return render_template("org/invitation_invalid.html", message=str(exc)), 400
    if current_user.is_authenticated:
        return _accept_as_current_user(token, found)
    form = InvitedAccountForm()
    if request.method == "POST" and form.validate():
        try:
            user = invitations.accept_with_new_account(token, form.name.data, form.password.data, form.mobile.data,
                                                       consented=form.agree.data)
        except InvitationError as exc:
            return _invitation_page(token, found, form, str(exc), 400)
        except AccountError as exc:
            form.add_error(exc)
        else:
            start_session(user)
            flash(_("Welcome! You are now a member of “%(name)s”.", name=found.organization.name), "success")
            return redirect(_home_url(found.organization_id))
    return _invitation_page(token, found, form, status=400 if request.method == "POST" else 200)


def _accept_as_current_user(token: str, found):
    if request.method == "GET":
        return _invitation_page(token, found)
    require_confirmation()
    try:
        invitations.accept(token, current_user.id)
    except InvitationError as exc:
        return _invitation_page(token, found, error=str(exc), status=403)
    flash(_("Welcome! You are now a member of “%(name)s”.", name=found.organization.name), "success")
    return redirect(_home_url(found.organization_id))


def _pledge_page(form: PledgeForm | None = None, status: int = 200):
    if form is None:
        form = PledgeForm(formdata=None)
        form.load_choices()
    return render_template("org/pledge.html", organization=g.organization, membership=g.membership, form=form,
                           pledges=pledges.pledges_of(g.organization.id)), status


@bp.get("/<int:organization_id>/pledge")
@org_member_required()
def pledge():
    """The organization's yearly pledges; for admins, the form to set a new one."""
    return _pledge_page()


# Its own URL: a POST-only rule beside the GET one at the same int URL makes an out-of-range id a 405, not a 404.
@bp.post("/<int:organization_id>/pledge/new")
@org_member_required(*ADMINS)
def pledge_create():
    """An admin sets the pledge for a year that has none."""
    form = PledgeForm()
    form.load_choices()
    terms = form.terms() if form.validate() else None
    if terms is not None:
        try:
            pledges.save_pledge(current_user.id, g.organization.id, terms, new=True)
        except PledgeError as exc:
            form.add_error(exc)
        else:
            flash(_("The pledge for %(year)d was saved.", year=terms.year), "success")
            return redirect(_home_url())
    return _pledge_page(form, 400)


@bp.route("/<int:organization_id>/pledge/<int:year>", methods=["GET", "POST"])
@org_member_required(*ADMINS)
def pledge_edit(year: int):
    """An admin changes the pledge of a year (its year stays)."""
    saved = pledges.pledge_for(g.organization.id, year)
    if saved is None:
        abort(404)
    form = PledgeForm()
    form.load_choices(year)
    if request.method == "GET":
        form.show(saved)
    elif form.validate() and (terms := form.terms(year)) is not None:
        try:
            pledges.save_pledge(current_user.id, g.organization.id, terms, new=False)
        except PledgeError as exc:
            form.add_error(exc)
        else:
            flash(_("The pledge for %(year)d was saved.", year=year), "success")
            return redirect(_home_url())
    return render_template("org/pledge_edit.html", organization=g.organization, form=form, year=year), \
        400 if request.method == "POST" else 200
