"""Account pages: register, log in and out, passwords and resets, the overview, whom you act for."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from shop.accounts import services
from shop.accounts.acting import acting_for, set_acting_for
from shop.accounts.decorators import login_required
from shop.accounts.exceptions import AccountError, ActingForRefused, InvalidResetToken, TooManyAttempts
from shop.accounts.forms import (
    ActingForForm,
    ChangePasswordForm,
    LoginForm,
    RegisterForm,
    ResetForm,
    ResetRequestForm,
)
from shop.accounts.sessions import end_session, start_session
from shop.core.mail import absolute_url, send_mail_safely
from shop.orders.checkout import saved_addresses
from shop.web.i18n import safe_next

bp = Blueprint("accounts", __name__)


@bp.app_context_processor
def _acting_for_in_templates():
    # Cheap: memberships are only read when the session names an organization or cooperative.
    return {"acting_for": acting_for()}


def _next_from_query(form) -> None:
    if request.method == "GET":
        form.next.data = request.args.get("next", "")


@bp.route("/register", methods=["GET", "POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for(".overview"))
    form = RegisterForm()
    _next_from_query(form)
    if form.validate_on_submit():
        try:
            user = services.register_user(
                form.email.data, form.mobile.data, form.name.data, form.password.data, consented=form.agree.data
            )
        except AccountError as error:
            form.add_error(error)
        else:
            start_session(user)
            if form.next.data:
                return redirect(safe_next(form.next.data))
            flash(_("Welcome to Bangfu Market! Your account is ready."), "success")
            return redirect(url_for(".overview"))
    return render_template("accounts/register.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    _next_from_query(form)
    if request.method == "GET" and current_user.is_authenticated:
        return redirect(safe_next(form.next.data) if form.next.data else url_for(".overview"))
    status, headers = 200, {}
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.identifier.data, form.password.data)
        except TooManyAttempts as error:
            form.add_error(error)
            status, headers = 429, {"Retry-After": str(error.minutes * 60)}
        except AccountError as error:
            form.add_error(error)
        else:
            start_session(user)
            return redirect(safe_next(form.next.data))
    return render_template("accounts/login.html", form=form), status, headers


@bp.post("/logout")
def logout():
    end_session()
    return redirect(url_for("catalog.home"))


@bp.get("")
@login_required
def overview():
    return render_template(
        "accounts/overview.html",
        user=current_user,
        organization_memberships=current_user.organization_memberships,
        cooperative_memberships=current_user.cooperative_memberships,
        acting_form=ActingForForm(),
        addresses=saved_addresses(current_user.id),
    )


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            user = current_user._get_current_object()
            services.change_password(user, form.current_password.data, form.password.data)
        except AccountError as error:
            form.add_error(error)
        else:
            flash(_("Your password has been changed. Other devices have been logged out."), "success")
            return redirect(url_for(".overview"))
    return render_template("accounts/password.html", form=form)


@bp.route("/reset", methods=["GET", "POST"])
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        found = services.reset_token_for(form.email.data)
        if found is not None:
            user, token = found
            if user.email:  # found by its address, so it has one
                send_mail_safely(
                    user.email, _("Reset your Bangfu Market password"), "password_reset",
                    user=user, url=absolute_url("accounts.reset_password", token=token),
                    minutes=current_app.config["PASSWORD_RESET_MAX_AGE"] // 60,
                )
        # The same answer whether or not the address has an account.
        return render_template("accounts/reset_sent.html", email=form.email.data)
    return render_template("accounts/reset_request.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    form = ResetForm()
    try:
        if form.validate_on_submit():
            services.reset_password(token, form.password.data)
            flash(_("Your password has been reset. Please log in with the new password."), "success")
            return redirect(url_for(".login"))
        services.check_reset_token(token)
    except InvalidResetToken:
        return render_template("accounts/reset_invalid.html"), 400
    except AccountError as error:
        form.add_error(error)
    return render_template("accounts/reset.html", form=form)


@bp.post("/acting-for")
@login_required
def choose_acting_for():
    form = ActingForForm()
    choice = form.parsed() if form.validate_on_submit() else None
    if choice is None:
        abort(400)
    try:
        set_acting_for(*choice)
    except ActingForRefused as error:
        abort(403, description=str(error.message))
    return redirect(safe_next(form.next.data) if form.next.data else url_for(".overview"))
