"""Staff arrange the home page at /staff/home-page: banner slides (at most five) and sections of picked products."""
from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from shop.accounts.decorators import staff_required
from shop.catalog import showcase, showcase_queries
from shop.catalog.exceptions import ShowcaseError
from shop.catalog.showcase_forms import ShelfForm, SlideForm
from shop.catalog.showcase_models import Shelf, Slide
from shop.extensions import db
from shop.web.forms import Form, require_confirmation

bp = Blueprint("catalog", __name__)


@bp.get("/")
@staff_required
def showcase_page() -> ResponseReturnValue:
    return render_template("staff/home_page.html", slides=showcase_queries.all_slides(),
                           shelves=showcase_queries.all_shelves(), max_slides=showcase.MAX_SLIDES)


def _failed(form: Form, exc: ShowcaseError) -> None:
    """Show the service's refusal beside its field (at the top when it names none)."""
    if exc.field and exc.field in form:
        form[exc.field].errors = [*form[exc.field].errors, str(exc)]
    else:
        form.form_errors.append(str(exc))


def _found(model, item_id: int | None):
    item = db.session.get(model, item_id) if item_id is not None else None
    if item_id is not None and item is None:
        abort(404)
    return item


def _form_page(form: Form, template: str, save: Callable[[], object], saved: str, **context) -> ResponseReturnValue:
    """Render the form; on a submit that validates and saves, flash `saved` and go back to the list."""
    if not form.is_submitted():
        return render_template(template, form=form, **context)
    if form.validate():
        try:
            save()
        except ShowcaseError as exc:
            _failed(form, exc)
        else:
            flash(saved, "success")
            return redirect(url_for(".showcase_page"))
    return render_template(template, form=form, **context), 400


@bp.route("/slides/new", methods=["GET", "POST"], defaults={"slide_id": None})
@bp.route("/slides/<int:slide_id>", methods=["GET", "POST"])
@staff_required
def slide_edit(slide_id: int | None) -> ResponseReturnValue:
    """Add a slide, or change one (its picture kept unless a new one is chosen)."""
    slide = _found(Slide, slide_id)
    form = SlideForm(obj=slide)
    return _form_page(form, "staff/slide_form.html",
                      lambda: showcase.save_slide(current_user.id, form.to_data(), form.picture_bytes(), slide_id),
                      _("Slide saved."), slide=slide)


@bp.post("/slides/<int:slide_id>/delete")
@staff_required
def slide_delete(slide_id: int) -> ResponseReturnValue:
    return _deleted(lambda: showcase.delete_slide(current_user.id, slide_id), _("Slide deleted."))


@bp.route("/sections/new", methods=["GET", "POST"], defaults={"shelf_id": None})
@bp.route("/sections/<int:shelf_id>", methods=["GET", "POST"])
@staff_required
def shelf_edit(shelf_id: int | None) -> ResponseReturnValue:
    """Add a section of picked products, or change one."""
    shelf = _found(Shelf, shelf_id)
    form = ShelfForm(obj=shelf)
    if shelf is not None and not form.is_submitted():
        form.products.data = ", ".join(str(item.product_id) for item in shelf.items)
    return _form_page(form, "staff/shelf_form.html",
                      lambda: showcase.save_shelf(current_user.id, form.to_data(), shelf_id),
                      _("Section saved."), shelf=shelf, max_products=showcase.MAX_SHELF_PRODUCTS)


@bp.post("/sections/<int:shelf_id>/delete")
@staff_required
def shelf_delete(shelf_id: int) -> ResponseReturnValue:
    return _deleted(lambda: showcase.delete_shelf(current_user.id, shelf_id), _("Section deleted."))


def _deleted(delete: Callable[[], None], message: str) -> ResponseReturnValue:
    """Run a confirmed delete (404 when the item is gone) and go back to the list."""
    require_confirmation()
    try:
        delete()
    except ShowcaseError:
        abort(404)
    flash(message, "success")
    return redirect(url_for(".showcase_page"))
