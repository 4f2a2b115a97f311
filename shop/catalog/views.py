"""Storefront pages: home, categories, catalogue and search, product, county, and the photo files."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, make_response, redirect, render_template, request

from shop.catalog import queries, showcase_queries
from shop.catalog.forms import SORT_CHOICES, ProductSearchForm
from shop.catalog.queries import ProductFilters
from shop.cooperatives.queries import verified_cooperatives_in
from shop.core.storage import media_store, storage, valid_name
from shop.core.timezones import today_in_china
from shop.reports.impact import UNDERSERVED_BELOW, county_impact, impact_board
from shop.web.downloads import stored_file
from shop.web.forms import error_text

bp = Blueprint("catalog", __name__)

HOME_PRODUCTS = 8
HOME_COUNTIES = 8
HOME_UNDERSERVED = 4
COUNTY_PRODUCTS = 12
MEDIA_MAX_AGE = 365 * 24 * 3600


@bp.get("/")
def home():
    """The home page: banner, this year's aid figures (the impact board's own), staff-picked sections, new
    arrivals, featured paired counties and the under-served ones."""
    today = today_in_china()
    board = impact_board(today)
    return render_template(
        "catalog/home.html",
        slides=showcase_queries.active_slides(),
        board=board,
        underserved=[county for county in board.counties if county.underserved][:HOME_UNDERSERVED],
        threshold=UNDERSERVED_BELOW,
        shelves=showcase_queries.home_shelves(),
        products=queries.newest_products(HOME_PRODUCTS),
        featured=showcase_queries.featured_counties(today, HOME_COUNTIES),
        categories=queries.menu_categories(),
    )


@bp.get("/categories")
def category_list():
    """The category page: every category with a picture and a count, then the paired counties."""
    return render_template("catalog/categories.html", tiles=queries.category_tiles(),
                           paired=queries.paired_counties(), today=today_in_china())


@bp.get("/products")
def product_list():
    form = ProductSearchForm(formdata=request.args)
    if not form.validate():
        abort(400, description=error_text(form))
    filters = form.to_filters()
    page = queries.search_products(filters, form.page.data or 1, current_app.config["PRODUCTS_PER_PAGE"])
    return render_template(
        "catalog/products.html",
        sort_choices=SORT_CHOICES,
        filters=filters,
        page=page,
        categories=queries.menu_categories(),
        choices=queries.filter_choices(),
    )


@bp.get("/products/<int:product_id>")
def product_detail(product_id: int):
    product = queries.get_visible_product(product_id)
    if product is None:
        abort(404)
    return render_template(
        "catalog/product.html",
        product=product,
        pairings=queries.pairings_of(product.origin_county_code),
        today=today_in_china(),
    )


@bp.get("/counties/<code>")
def county_detail(code: str):
    county = queries.get_county(code) if code.isdigit() and len(code) == 6 else None
    if county is None:
        abort(404)
    filters = ProductFilters(county=code)
    page = queries.search_products(filters, 1, COUNTY_PRODUCTS)
    return render_template(
        "catalog/county.html",
        county=county,
        pairings=queries.pairings_of(code),
        cooperatives=verified_cooperatives_in(code),
        page=page,
        today=today_in_china(),
        impact=county_impact(code),
    )


@bp.get("/media/<name>")
def media(name: str):
    """A stored photo; names are server-generated, so they never change and can be cached for long."""
    public_url = storage().public_url
    if not public_url:
        response = stored_file(media_store(), name, max_age=MEDIA_MAX_AGE)
    elif valid_name(name):
        # A CDN or the bucket itself serves media (STORAGE_PUBLIC_URL); a name never changes, nor does its address.
        response = make_response(redirect(f"{public_url}/{name}", 301))
        response.cache_control.max_age = MEDIA_MAX_AGE
    else:
        abort(404)
    # A new photo gets a new name, so browsers need not even revalidate a name they have.
    response.cache_control.public = True
    response.cache_control.immutable = True
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
