"""A signed-in user's own data: download it (/account/data), close the account (/account/close)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from shop.accounts.decorators import login_required
from shop.accounts.sessions import end_session
from shop.core.timezones import today_in_china
from shop.privacy import closing, export
from shop.privacy.exceptions import CloseRefused
from shop.privacy.forms import CloseAccountForm
from shop.web.downloads import json_download

bp = Blueprint("privacy", __name__)


@bp.get("/data")
@login_required
def download():
    """The user's personal data as a JSON file."""
    stamp = today_in_china().strftime("%Y%m%d")
    return json_download(f"bangfu-personal-data-{stamp}.json", export.personal_data_json(current_user.id))


@bp.route("/close", methods=["GET", "POST"])
@login_required
def close():
    """Close the account, confirmed with the password; refusals say why."""
    form = CloseAccountForm()
    if form.validate_on_submit():
        try:
            closing.close_account(current_user.id, form.password.data)
        except CloseRefused as error:
            form.add_error(error)
        else:
            end_session()
            flash(_("Your account is closed. Your orders are kept without your personal details."), "success")
            return redirect(url_for("catalog.home"))
    return render_template("privacy/close.html", form=form)
