"""Editing a listing keeps what the cooperative did not touch: the form is submitted as a browser would."""
from __future__ import annotations

from html.parser import HTMLParser

import pytest

from shop.catalog.models import Product
from shop.extensions import db
from tests.factories import add_to_cooperative, make_category, make_cooperative, make_product, make_user
from tests.web import login


class FormReader(HTMLParser):
    """The fields a browser would submit from the first POST form whose action is `action`: inputs and
    textareas by value, a select by its `selected` option, or its first option when none is selected."""

    def __init__(self, action: str):
        super().__init__()
        self.action = action
        self.inside = False
        self.done = False
        self.fields: dict[str, str] = {}
        self.selected: dict[str, list[str]] = {}
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and not self.done and attrs.get("action") == self.action:
            self.inside = True
        if not self.inside:
            return
        if tag == "input" and attrs.get("name") and attrs.get("type") not in ("checkbox", "file"):
            self.fields[attrs["name"]] = attrs.get("value") or ""
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self.fields[self._textarea] = ""
        elif tag == "select":
            self._select, self._options = attrs["name"], []
        elif tag == "option" and self._select:
            self._options.append((attrs.get("value"), "selected" in attrs))

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if not self.inside:
            return
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            chosen = [value for value, selected in self._options if selected]
            self.selected[self._select] = chosen
            self.fields[self._select] = chosen[0] if chosen else self._options[0][0]
            self._select = None
        elif tag == "form":
            self.inside, self.done = False, True


def read_form(html: str, action: str) -> FormReader:
    reader = FormReader(action)
    reader.feed(html)
    assert reader.done, f"no form posting to {action}"
    return reader


@pytest.fixture
def listing(app):
    """A member's product in the second of three categories, so 'the first category' is a different one."""
    with app.app_context():
        make_category("nuts", "干果坚果", "Nuts")
        tea = make_category("tea", "茶叶", "Tea")
        make_category("grain", "粮油", "Grain & oil")
        coop = make_cooperative("652929")
        add_to_cooperative(make_user(email="kp@example.cn"), coop)
        product = make_product(coop, tea, name="柯坪红茶", sku="KP-T", price_fen=3990, stock=7,
                               description="高山红茶\n二两装")
        return {"product": product.id, "tea": tea.id}


def test_editing_only_the_price_keeps_the_category(app, client, listing):
    login(client, "kp@example.cn")
    page = f"/coop/products/{listing['product']}"
    form = read_form(client.get(page).get_data(as_text=True), page)
    assert form.selected["category"] == [str(listing["tea"])]  # the product's own category is selected
    assert form.fields["price"] == "39.90"

    response = client.post(page, data={**form.fields, "price": "42.50"})
    assert response.status_code == 302
    with app.app_context():
        product = db.session.get(Product, listing["product"])
        assert (product.price_fen, product.category_id) == (4250, listing["tea"])
        assert (product.name, product.sku, product.stock) == ("柯坪红茶", "KP-T", 7)
        assert product.description == "高山红茶\n二两装"
    again = read_form(client.get(page).get_data(as_text=True), page)
    assert again.selected["category"] == [str(listing["tea"])]


def test_a_refused_edit_keeps_the_chosen_category(client, listing):
    login(client, "kp@example.cn")
    page = f"/coop/products/{listing['product']}"
    form = read_form(client.get(page).get_data(as_text=True), page)
    response = client.post(page, data={**form.fields, "price": "abc"})
    assert response.status_code == 400
    assert read_form(response.get_data(as_text=True), page).selected["category"] == [str(listing["tea"])]
