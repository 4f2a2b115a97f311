"""Staff create and revoke API tokens at /staff/api-tokens."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from shop.accounts.decorators import staff_required
from shop.api import services
from shop.web.forms import ConfirmForm, Form, require_confirmation, strip

bp = Blueprint("api", __name__)


class TokenForm(Form):
    name = StringField(_l("Name (who uses it)"), filters=[strip],
                       validators=[DataRequired(), Length(max=80)])


def _page(form: TokenForm, new_token: str | None = None, status: int = 200):
    return render_template("staff/api_tokens.html", form=form, tokens=services.all_tokens(), new_token=new_token,
                           revoke_form=ConfirmForm()), status


@bp.get("/")
@staff_required
def token_list():
    return _page(TokenForm(formdata=None))


@bp.post("/")
@staff_required
def token_create():
    form = TokenForm()
    if not form.validate():
        return _page(form, status=400)
    try:
        _row, token = services.create_token(form.name.data, current_user.id)
    except services.TokenError as exc:
        form.name.errors = [str(exc)]
        return _page(form, status=400)
    response = _page(TokenForm(formdata=None), new_token=token)
    return response[0], 200, {"Cache-Control": "no-store"}


@bp.post("/<int:token_id>/revoke")
@staff_required
def token_revoke(token_id: int):
    require_confirmation()
    try:
        row = services.revoke_token(str(token_id), current_user.id)
    except services.TokenError:
        abort(404)
    flash(_("Token “%(name)s” revoked.", name=row.name), "success")
    return redirect(url_for("staff.api.token_list"))
