"""A minimal hand-written catalogue page: the yardstick `/products` is measured against (issue 15).

What a competent engineer would write for "the 24 newest listings as cards" with the same libraries as the
shop (Flask, Flask-SQLAlchemy over the same database, Jinja with autoescaping), reading the shop's own tables,
with nothing else: no sessions, no login, no translations, no cache, no count. One statement reads the page:
the 24 newest active products of verified cooperatives with their county, cooperative and first photo's
thumbnail (`is_active = :active`, so SQLite walks ix_products_active_created as the shop's query does, where a
bare `WHERE p.is_active` sorts every listing); one template renders the cards (name, spec, price in yuan,
county, cooperative, stock, picture).

    DATABASE_URL=sqlite:///... gunicorn bench.minimal:app    # serves /products and /ping

bench/catalog.py starts it beside the shop on the same database and reports `/products ÷ minimal`.
"""
from __future__ import annotations

import os

from flask import Flask, render_template
from flask_sqlalchemy import SQLAlchemy
from jinja2 import DictLoader
from sqlalchemy import text

PAGE_SIZE = 24

NEWEST = text("""
    SELECT p.id, p.name, p.spec, p.price_fen, p.stock, county.name AS county, co.name AS cooperative,
           (SELECT ph.thumb_filename FROM photos ph WHERE ph.product_id = p.id
             ORDER BY ph.position, ph.id LIMIT 1) AS thumb
      FROM products p
      JOIN cooperatives co ON co.id = p.cooperative_id
      JOIN regions county ON county.code = p.origin_county_code
     WHERE p.is_active = :active AND co.status = 'verified'
     ORDER BY p.created_at DESC, p.id DESC
     LIMIT :limit
""")

TEMPLATES = {
    "base.html": """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{% block title %}{% endblock %} · 帮扶集市</title>
<link rel="stylesheet" href="/static/css/site.css"></head>
<body><header><a href="/">帮扶集市</a>
<form action="/products" role="search"><input type="search" name="q" aria-label="搜索"><button>搜索</button></form>
</header><main>{% block main %}{% endblock %}</main></body></html>""",
    "products.html": """{% extends "base.html" %}{% block title %}全部商品{% endblock %}{% block main %}
<h1>全部商品</h1>
<ul class="cards">{% for p in products %}
<li class="card"><a href="/products/{{ p.id }}">
{% if p.thumb %}<img src="/media/{{ p.thumb }}" alt="{{ p.name }}" loading="lazy" width="480" height="480">
{% else %}<span class="no-picture">暂无图片</span>{% endif %}
<h2>{{ p.name }}</h2></a>
<p class="spec">{{ p.spec }}</p>
<p class="price">¥{{ p.price_fen // 100 }}.{{ '%02d' % (p.price_fen % 100) }}</p>
<p class="origin">{{ p.county }} · {{ p.cooperative }}</p>
{% if p.stock <= 0 %}<p class="sold-out">已售罄</p>{% endif %}
</li>{% endfor %}</ul>
{% endblock %}""",
}

db = SQLAlchemy()


def create_app() -> Flask:
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    app.jinja_loader = DictLoader(TEMPLATES)
    db.init_app(app)

    @app.get("/products")
    def products():
        rows = db.session.execute(NEWEST, {"active": True, "limit": PAGE_SIZE}).all()
        return render_template("products.html", products=rows)

    @app.get("/ping")
    def ping():
        return "pong"

    return app


app = create_app() if "DATABASE_URL" in os.environ else None
