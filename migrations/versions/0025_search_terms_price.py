"""search terms carry their product's price, indexed after the term

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-02 08:30:00

A search sorted by price walks its first term's entries in (term, price, product id) order and stops at the page it
needs, instead of reading and sorting every match (shop/catalog/search.py). The terms are derived data: the table is
built again with the new column and filled from the products, as migration 0024 did.
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def _terms_of(search_text):
    # As shop.catalog.search.terms_of on the day of this migration (unchanged since 0008).
    terms = set()
    for word in search_text.split():
        terms.update(word)
        terms.update(word[i:i + 2] for i in range(len(word) - 1))
    return terms


def _rebuild(with_price):
    op.drop_index('ix_product_search_terms_newest', table_name='product_search_terms')
    op.drop_index('ix_product_search_terms_product', table_name='product_search_terms')
    op.drop_table('product_search_terms')
    op.create_table('product_search_terms',
                    sa.Column('term', sa.String(length=2), nullable=False),
                    sa.Column('product_id', sa.Integer(), autoincrement=False, nullable=False),
                    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
                    *([sa.Column('price_fen', sa.Integer(), nullable=False)] if with_price else []),
                    sa.PrimaryKeyConstraint('term', 'product_id', name='pk_product_search_terms'),
                    sqlite_with_rowid=False)
    # Filled before the indexes are built: one sort per index instead of an index entry per row.
    _fill(with_price)
    op.create_index('ix_product_search_terms_product', 'product_search_terms', ['product_id'], unique=False)
    op.create_index('ix_product_search_terms_newest', 'product_search_terms', ['term', 'created_at', 'product_id'],
                    unique=False)
    if with_price:
        op.create_index('ix_product_search_terms_price', 'product_search_terms', ['term', 'price_fen', 'product_id'],
                        unique=False)


def _fill(with_price):
    # Untyped columns: created_at goes back exactly as it was read (SQLite's text, PostgreSQL's timestamp).
    names = ['term', 'product_id', 'created_at'] + (['price_fen'] if with_price else [])
    terms = sa.table('product_search_terms', *(sa.column(name) for name in names))
    connection = op.get_bind()
    products = connection.execute(sa.text('SELECT id, search_text, created_at, price_fen FROM products ORDER BY id'))
    while chunk := products.fetchmany(2000):
        rows = [{'term': term, 'product_id': product_id, 'created_at': created_at,
                 **({'price_fen': price_fen} if with_price else {})}
                for product_id, text, created_at, price_fen in chunk for term in sorted(_terms_of(text))]
        if rows:
            connection.execute(terms.insert(), rows)


def upgrade():
    _rebuild(with_price=True)


def downgrade():
    op.drop_index('ix_product_search_terms_price', table_name='product_search_terms')
    _rebuild(with_price=False)
