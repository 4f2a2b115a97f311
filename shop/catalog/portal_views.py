"""The cooperative portal's listings: `/coop/products`, `/coop/import` and what can be done to them."""
from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from shop.catalog import listings, queries
from shop.catalog.exceptions import ListingError
from shop.catalog.forms import ImportForm, ListingForm, PhotoForm, StockForm
from shop.catalog.importing import columns, reading, services, template
from shop.catalog.importing.exceptions import ImportRejected
from shop.catalog.queries import categories
from shop.cooperatives.portal import coop_required
from shop.web.downloads import csv_download, xlsx_download
from shop.web.forms import ConfirmForm, require_confirmation

bp = Blueprint("catalog", __name__)


@bp.get("/products")
@coop_required
def product_list():
    archived = request.args.get("archived") == "1"
    return render_template("coop/products.html", cooperative=g.cooperative, archived=archived,
                           rows=queries.own_products(g.cooperative.id, archived), form=ConfirmForm())


def _listing_form(formdata=None, form: ListingForm | None = None) -> ListingForm:
    form = form or ListingForm(formdata=formdata)
    form.category.choices = [(c.id, c.name_zh) for c in categories()]
    return form


def _data(form: ListingForm) -> listings.ListingData:
    if form.price.fen is None:  # set by validation, which passed
        raise ValueError("the listing form was not validated")
    return listings.ListingData(
        sku=form.sku.data, name=form.name.data, category_id=form.category.data, unit=form.unit.data,
        spec=form.spec.data, net_weight_g=form.net_weight_g.data, price_fen=form.price.fen,
        description=form.description.data or "", certificate_type=form.certificate_type.data,
        certificate_number=form.certificate_number.data, certificate_issuer=form.certificate_issuer.data,
        certificate_valid_until=form.certificate_valid_until.data)


def _own(product_id: int):
    product = listings.own_product(g.cooperative, product_id)
    if product is None:
        abort(404)
    return product


@bp.route("/products/new", methods=["GET", "POST"])
@coop_required
def product_new():
    form = _listing_form(request.form if request.method == "POST" else None)
    if request.method == "POST":
        if form.validate():
            try:
                product = listings.save_listing(g.cooperative, _data(form), stock=form.stock.data or 0)
            except ListingError as exc:
                form.sku.errors = [str(exc)]
            else:
                flash(_("“%(name)s” is listed.", name=product.name), "success")
                return redirect(url_for("coop.catalog.product_edit", product_id=product.id))
        return render_template("coop/product_form.html", form=form, product=None), 400
    return render_template("coop/product_form.html", form=form, product=None)


@bp.route("/products/<int:product_id>", methods=["GET", "POST"])
@coop_required
def product_edit(product_id: int):
    product = _own(product_id)
    if request.method == "POST":
        form = _listing_form(request.form)
        del form.stock  # stock changes go through the guarded adjustment, never an overwrite
        if form.validate():
            try:
                listings.save_listing(g.cooperative, _data(form), product_id=product.id)
            except ListingError as exc:
                form.sku.errors = [str(exc)]
            else:
                flash(_("Saved."), "success")
                return redirect(url_for("coop.catalog.product_edit", product_id=product.id))
        return _edit_page(product, form, 400)
    return _edit_page(product, _edit_form(product))


def _edit_page(product, form, status: int = 200, stock_form=None, photo_form=None):
    return render_template("coop/product_form.html", form=form, product=product,
                           stock_form=stock_form or StockForm(formdata=None), photo_form=photo_form or PhotoForm(
                               formdata=None), confirm=ConfirmForm()), status


@bp.post("/products/<int:product_id>/archive")
@coop_required
def product_archive(product_id: int):
    return _set_active(product_id, False)


@bp.post("/products/<int:product_id>/restore")
@coop_required
def product_restore(product_id: int):
    return _set_active(product_id, True)


def _set_active(product_id: int, active: bool):
    _own(product_id)
    require_confirmation()
    product = listings.set_active(g.cooperative, product_id, active)
    flash(_("“%(name)s” is back in the store.", name=product.name) if active
          else _("“%(name)s” is archived: hidden from the store, kept in order history.", name=product.name),
          "success")
    return redirect(url_for("coop.catalog.product_list", archived=None if active else "1"))


@bp.post("/products/<int:product_id>/stock")
@coop_required
def product_stock(product_id: int):
    product = _own(product_id)
    stock_form = StockForm()
    if stock_form.validate():
        try:
            stock = listings.adjust_stock(g.cooperative, product_id, stock_form.change.data)
        except ListingError as exc:
            stock_form.change.errors = [str(exc)]
        else:
            flash(_("Stock is now %(stock)d.", stock=stock), "success")
            return redirect(url_for("coop.catalog.product_edit", product_id=product_id))
    return _edit_page(product, _edit_form(product), 400, stock_form=stock_form)


@bp.post("/products/<int:product_id>/photos")
@coop_required
def photo_upload(product_id: int):
    product = _own(product_id)
    photo_form = PhotoForm()
    if photo_form.validate():
        try:
            listings.add_photo(g.cooperative, product_id, photo_form.photo.data.read())
        except ListingError as exc:
            photo_form.photo.errors = [str(exc)]
        else:
            flash(_("Photo added."), "success")
            return redirect(url_for("coop.catalog.product_edit", product_id=product_id))
    return _edit_page(product, _edit_form(product), 400, photo_form=photo_form)


@bp.post("/products/<int:product_id>/photos/<int:photo_id>/delete")
@coop_required
def photo_delete(product_id: int, photo_id: int):
    _own(product_id)
    require_confirmation()
    try:
        listings.delete_photo(g.cooperative, product_id, photo_id)
    except ListingError:
        abort(404)
    flash(_("Photo removed."), "success")
    return redirect(url_for("coop.catalog.product_edit", product_id=product_id))


def _edit_form(product) -> ListingForm:
    form = _listing_form(form=ListingForm.for_product(product))
    del form.stock
    return form


# -- bulk upload -------------------------------------------------------------------------------------

def _import_page(form: ImportForm, status: int = 200):
    return render_template("coop/import.html", form=form, units=columns.ALLOWED_UNITS, categories=categories(),
                           columns=columns.COLUMNS, max_mb=reading.MAX_FILE_BYTES // 2**20), status


@bp.get("/import")
@coop_required
def import_start():
    return _import_page(ImportForm(formdata=None))


@bp.post("/import")
@coop_required
def import_upload():
    form = ImportForm()
    if form.validate():
        data = form.file.data.read(reading.MAX_FILE_BYTES + 1)
        try:
            upload = services.start_import(g.cooperative, current_user.id, form.file.data.filename or "", data,
                                           form.zero_missing.data)
        except ImportRejected as exc:
            form.file.errors = [str(exc)]
        else:
            return redirect(url_for("coop.catalog.import_preview", import_id=upload.id))
    return _import_page(form, 400)


@bp.get("/import/<int:import_id>")
@coop_required
def import_preview(import_id: int):
    upload = services.own_import(g.cooperative, import_id)
    if upload is None:
        abort(404)
    plan = services.preview_import(g.cooperative, upload)
    return render_template("coop/import_preview.html", upload=upload, plan=plan, form=ConfirmForm())


@bp.post("/import/<int:import_id>/confirm")
@coop_required
def import_confirm(import_id: int):
    if services.own_import(g.cooperative, import_id) is None:
        abort(404)
    require_confirmation()
    try:
        result = services.confirm_import(g.cooperative, import_id)
    except (ListingError, ImportRejected) as exc:
        flash(str(exc), "error")
        return redirect(url_for("coop.catalog.import_preview", import_id=import_id))
    flash(_("Saved: %(created)d new, %(updated)d updated, %(zeroed)d set to zero stock.", **result), "success")
    return redirect(url_for("coop.catalog.product_list"))


@bp.get("/import/template.xlsx")
@coop_required
def import_template_xlsx():
    return xlsx_download("listings-template.xlsx", template.template_xlsx(g.cooperative))


@bp.get("/import/template.csv")
@coop_required
def import_template_csv():
    header, *rows = template.template_rows(g.cooperative)
    return csv_download("listings-template.csv", header, rows)
