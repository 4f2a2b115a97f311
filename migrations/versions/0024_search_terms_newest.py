"""search terms carry their product's created_at, indexed after the term

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-02 05:30:00

A search sorted newest first (the default) walks its first term's entries in (term, created_at, product id) order
and stops at the page it needs, instead of reading and sorting every match (shop/catalog/search.py). The terms are
derived data: the table is built again with the new column and filled from the products, as migration 0008 first
filled it.
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def _terms_of(search_text):
    # As shop.catalog.search.terms_of on the day of this migration (unchanged since 0008).
    terms = set()
    for word in search_text.split():
        terms.update(word)
        terms.update(word[i:i + 2] for i in range(len(word) - 1))
    return terms


def _rebuild(columns):
    op.drop_index('ix_product_search_terms_product', table_name='product_search_terms')
    op.drop_table('product_search_terms')
    op.create_table('product_search_terms', *columns,
                    sa.PrimaryKeyConstraint('term', 'product_id', name='pk_product_search_terms'),
                    sqlite_with_rowid=False)
    op.create_index('ix_product_search_terms_product', 'product_search_terms', ['product_id'], unique=False)


def _fill(with_time):
    # Untyped columns: created_at goes back exactly as it was read (SQLite's text, PostgreSQL's timestamp).
    names = ['term', 'product_id'] + (['created_at'] if with_time else [])
    terms = sa.table('product_search_terms', *(sa.column(name) for name in names))
    connection = op.get_bind()
    products = connection.execute(sa.text('SELECT id, search_text, created_at FROM products ORDER BY id')).all()
    for start in range(0, len(products), 2000):
        rows = [{'term': term, 'product_id': product_id, **({'created_at': created_at} if with_time else {})}
                for product_id, text, created_at in products[start:start + 2000] for term in sorted(_terms_of(text))]
        if rows:
            connection.execute(terms.insert(), rows)


def upgrade():
    _rebuild([sa.Column('term', sa.String(length=2), nullable=False),
              sa.Column('product_id', sa.Integer(), autoincrement=False, nullable=False),
              sa.Column('created_at', sa.DateTime(timezone=True), nullable=False)])
    _fill(with_time=True)
    op.create_index('ix_product_search_terms_newest', 'product_search_terms', ['term', 'created_at', 'product_id'],
                    unique=False)


def downgrade():
    op.drop_index('ix_product_search_terms_newest', table_name='product_search_terms')
    _rebuild([sa.Column('term', sa.String(length=2), nullable=False),
              sa.Column('product_id', sa.Integer(), autoincrement=False, nullable=False)])
    _fill(with_time=False)
