"""The migrations build the schema from empty, tear it down, and match the models."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from shop.extensions import db


def test_down_and_up_again_and_models_match(app_ctx):
    downgrade(revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade()
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_the_search_index_migration_indexes_existing_products(app_ctx):
    from shop.catalog import search
    from tests.factories import make_product

    product = make_product(name="柯坪恰玛古", spec="5 kg/箱")
    db.session.commit()
    db.session.remove()
    downgrade(revision="0007")
    upgrade()
    assert search.stale_products(db.session) == []
    assert product.id in {pid for pid, in db.session.execute(
        db.select(search.SearchTerm.product_id).where(search.SearchTerm.term == "玛古"))}
