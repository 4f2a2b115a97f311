"""search terms carry their product's price, indexed after the term

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-02 08:30:00

A search sorted by price walks its first term's entries in (term, price, product id) order and stops at the page it
needs, instead of reading and sorting every match (shop/catalog/search.py). The table is built again beside the old
one and filled from it in one INSERT ... SELECT, each term given its product's price: no term is recomputed (splitting
every product's text again in Python, as 0024 did, took minutes at 100,000 listings). Terms whose product is gone are
left behind; `flask --app wsgi reindex-search` rebuilds the terms from scratch should they ever be in doubt.
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None

INDEXES = {'ix_product_search_terms_product': ['product_id'],
           'ix_product_search_terms_newest': ['term', 'created_at', 'product_id'],
           'ix_product_search_terms_price': ['term', 'price_fen', 'product_id']}


def _rebuild(with_price):
    postgresql = op.get_bind().dialect.name == 'postgresql'
    # PostgreSQL names the key's index after the constraint, so the new key takes its name once the old is gone.
    key = 'pk_product_search_terms_new' if postgresql else 'pk_product_search_terms'
    op.create_table('product_search_terms_new',
                    sa.Column('term', sa.String(length=2), nullable=False),
                    sa.Column('product_id', sa.Integer(), autoincrement=False, nullable=False),
                    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
                    *([sa.Column('price_fen', sa.Integer(), nullable=False)] if with_price else []),
                    sa.PrimaryKeyConstraint('term', 'product_id', name=key),
                    sqlite_with_rowid=False)
    if with_price:
        op.execute('INSERT INTO product_search_terms_new (term, product_id, created_at, price_fen)'
                   ' SELECT t.term, t.product_id, t.created_at, p.price_fen'
                   ' FROM product_search_terms t JOIN products p ON p.id = t.product_id ORDER BY t.term, t.product_id')
    else:
        op.execute('INSERT INTO product_search_terms_new (term, product_id, created_at)'
                   ' SELECT term, product_id, created_at FROM product_search_terms ORDER BY term, product_id')
    for name in INDEXES if not with_price else list(INDEXES)[:2]:
        op.drop_index(name, table_name='product_search_terms')
    op.drop_table('product_search_terms')
    op.rename_table('product_search_terms_new', 'product_search_terms')
    if postgresql:
        op.execute('ALTER TABLE product_search_terms RENAME CONSTRAINT pk_product_search_terms_new'
                   ' TO pk_product_search_terms')
    for name, columns in INDEXES.items() if with_price else list(INDEXES.items())[:2]:
        op.create_index(name, 'product_search_terms', columns, unique=False)


def upgrade():
    _rebuild(with_price=True)


def downgrade():
    _rebuild(with_price=False)
