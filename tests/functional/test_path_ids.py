"""Ids in paths: every `<int:...>` rule matches only what an INTEGER id column can hold, so a huge number is a
404 like any unknown id, never a database error (SQLite OverflowError, PostgreSQL NumericValueOutOfRange)."""
from __future__ import annotations

import pytest
from werkzeug.routing import AnyConverter, IntegerConverter

from shop import create_app
from shop.web.routing import MAX_ID
from tests.factories import add_to_cooperative, make_category, make_cooperative, make_product, make_user
from tests.order_factories import make_order
from tests.web import csrf_token, login


def _int_rules() -> list:
    """(endpoint, method, rule) of every rule with an int converter, read from a freshly built app."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    found = []
    for rule in app.url_map.iter_rules():
        if any(isinstance(conv, IntegerConverter) for conv in rule._converters.values()):
            method = "GET" if "GET" in rule.methods else sorted(rule.methods - {"OPTIONS", "HEAD"})[0]
            found.append(pytest.param(rule.endpoint, method, id=f"{method} {rule.rule}"))
    return found


INT_RULES = _int_rules()
TOO_BIG = [10**19 + 7, 2**63 - 1, 2**31]  # 20 digits; BIGINT's largest; one past INTEGER's largest


def test_every_int_rule_is_covered():
    # The rules the issue names, so the list above cannot quietly come out empty.
    names = {param.values[0] for param in INT_RULES}
    assert {"catalog.product_detail", "cooperatives.cooperative_detail", "coop.catalog.product_edit",
            "coop.catalog.import_preview", "staff.cooperatives.cooperative_detail",
            "staff.organizations.organization_detail", "orders.cart_update", "payments.attempt"} <= names


@pytest.fixture
def insider(app):
    """Someone every page lets in: staff, a member of a verified cooperative, and a buyer with an order."""
    with app.app_context():
        coop = make_cooperative("652929")
        user = make_user(email="insider@example.cn", is_staff=True)
        add_to_cooperative(user, coop)
        product = make_product(coop, make_category(), stock=5)
        order = make_order(user, (product, 1))
        return {"number": order.number, "product": product.id}


def _path(app, endpoint: str, method: str, number: str, int_value: int) -> str:
    """The rule's URL with every int argument set to `int_value` and the others to values that exist."""
    # An endpoint may also have a rule without the id (e.g. /slides/new beside /slides/<int:slide_id>).
    rule = next(r for r in app.url_map.iter_rules(endpoint) if method in r.methods
                and any(isinstance(conv, IntegerConverter) for conv in r._converters.values()))
    samples = {"number": number, "method": "card"}
    values = {name: int_value if isinstance(conv, IntegerConverter) else _sample(name, conv, samples)
              for name, conv in rule._converters.items()}
    return app.url_map.bind("localhost").build(endpoint, values, method=method)


def _sample(name: str, converter, samples: dict) -> str:
    """A value the rule accepts: one of an `any(...)` converter's words (e.g. a staff decision), else a sample."""
    if isinstance(converter, AnyConverter):
        return sorted(converter.items)[0]
    return samples[name]


def _request(client, method: str, path: str):
    if method == "GET":
        return client.get(path)
    return client.open(path, method=method, data={"csrf_token": csrf_token(client), "change": "1",
                                                  "who": "insider@example.cn"})


@pytest.mark.parametrize("endpoint, method", INT_RULES)
def test_ids_out_of_range_are_404(app, client, insider, endpoint, method):
    login(client, "insider@example.cn")
    for value in TOO_BIG:
        response = _request(client, method, _path(app, endpoint, method, insider["number"], value))
        assert response.status_code == 404, value
        assert "error-page" in response.get_data(as_text=True)
    # The largest INTEGER is still routed to the view, which looks it up like any id and finds nothing.
    response = _request(client, method, _path(app, endpoint, method, insider["number"], MAX_ID))
    assert response.status_code < 500


def test_zero_is_404_and_real_ids_still_work(client, insider):
    assert client.get("/products/0").status_code == 404
    assert client.get(f"/products/{insider['product']}").status_code == 200
