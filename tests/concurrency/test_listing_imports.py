"""Listings uploads confirmed at the same moment, through the services the upload pages call, on real threads."""
from __future__ import annotations

import threading
import time

from flask_babel import force_locale
from sqlalchemy import func, select, text

from shop.catalog.exceptions import ListingError
from shop.catalog.importing import services
from shop.catalog.importing.columns import COLUMNS
from shop.catalog.importing.models import ListingImport
from shop.catalog.models import Product
from shop.cooperatives.models import Cooperative
from shop.core.database import write_transaction
from shop.extensions import db
from tests.concurrency.test_checkout_races import race
from tests.factories import add_to_cooperative, make_category, make_cooperative, make_user

HEADER = ",".join(column.header for column in COLUMNS[:8])


def test_confirms_of_different_files_adding_the_same_new_sku_take_turns(app):
    with app.app_context():
        make_category("nuts", "干果坚果", "Nuts")
        cooperative = make_cooperative("652929")
        user = make_user()
        add_to_cooperative(user, cooperative)
        cooperative_id, upload_ids = cooperative.id, []
        for n in range(4):  # four files, each adding KP-NEW (at its own price) and a SKU of its own
            data = f"{HEADER}\nKP-NEW,柯坪红枣,干果坚果,袋,1 kg/袋,1000,4{n}.00,10\nKP-{n},杏干,干果坚果,袋,1 kg/袋,500,9.90,5\n"
            upload = services.start_import(cooperative, user.id, f"file-{n}.csv", data.encode(), False)
            assert services.preview_import(cooperative, upload).ok
            upload_ids.append(upload.id)

    def confirm(import_id):
        return lambda: services.confirm_import(db.session.get(Cooperative, cooperative_id), import_id)

    results = race(app, [confirm(import_id) for import_id in upload_ids])
    assert [r for r in results if isinstance(r, Exception)] == []  # no UniqueViolation, no "database is locked"
    assert sorted(r["created"] for r in results) == [1, 1, 1, 2]  # KP-NEW is new to exactly one of them
    with app.app_context():
        skus = db.session.scalars(select(Product.sku).where(Product.cooperative_id == cooperative_id)).all()
        assert sorted(skus) == ["KP-0", "KP-1", "KP-2", "KP-3", "KP-NEW"]
        assert db.session.scalar(select(func.count()).select_from(ListingImport)
                                 .where(ListingImport.applied_at.is_(None))) == 0


def test_a_listing_added_by_hand_while_a_file_is_confirmed_gives_a_message_not_a_500(app):
    """A single listing with one of the file's new SKUs, saved between the confirmation's plan and its insert.

    PostgreSQL: the confirmation plans without it (not yet committed), its insert waits on the SKU, then
    fails: the cooperative is told to confirm again and nothing of the file is saved. SQLite: writers take
    turns, so the confirmation starts after the listing and simply updates it.
    """
    with app.app_context():
        category = make_category("nuts", "干果坚果", "Nuts")
        cooperative = make_cooperative("652929")
        user = make_user()
        add_to_cooperative(user, cooperative)
        data = f"{HEADER}\nKP-A,杏干,干果坚果,袋,1 kg/袋,500,9.90,5\nKP-NEW,柯坪红枣,干果坚果,袋,1 kg/袋,1000,45.80,10\n"
        upload_id = services.start_import(cooperative, user.id, "file.csv", data.encode(), False).id
        ids = {"cooperative": cooperative.id, "category": category.id, "upload": upload_id}
        postgresql = db.engine.dialect.name == "postgresql"
    inserted, go, outcome = threading.Event(), threading.Event(), {}

    def listing_by_hand():
        with app.app_context():
            with write_transaction(db.session):
                db.session.add(Product(cooperative_id=ids["cooperative"], category_id=ids["category"], sku="KP-NEW",
                                       name="手工上架", unit="袋", spec="1 kg/袋", net_weight_g=1000, price_fen=100,
                                       stock=1, origin_county_code="652929"))
                db.session.flush()
                inserted.set()
                go.wait(60)
            db.session.remove()

    def confirm():
        with app.app_context(), force_locale("en"):
            try:
                outcome["result"] = services.confirm_import(db.session.get(Cooperative, ids["cooperative"]),
                                                            ids["upload"])
            except Exception as exc:  # asserted on below
                outcome["error"] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=listing_by_hand), threading.Thread(target=confirm)]
    threads[0].start()
    assert inserted.wait(30)
    threads[1].start()
    with app.app_context():
        _wait_until_the_confirmation_waits(postgresql)
    go.set()
    for thread in threads:
        thread.join(60)
    assert not any(thread.is_alive() for thread in threads)
    with app.app_context():
        skus = sorted(db.session.scalars(select(Product.sku).where(Product.cooperative_id == ids["cooperative"])))
        upload = db.session.get(ListingImport, ids["upload"])
        if postgresql:
            assert isinstance(outcome.get("error"), ListingError), outcome
            assert "saved at the same moment" in str(outcome["error"])
            assert skus == ["KP-NEW"] and upload.applied_at is None  # nothing of the file half-saved
        else:
            assert outcome == {"result": {"created": 1, "updated": 1, "zeroed": 0}}
            assert skus == ["KP-A", "KP-NEW"] and upload.applied_at is not None


def _wait_until_the_confirmation_waits(postgresql: bool) -> None:
    """PostgreSQL: until another session's INSERT into products waits on a lock. SQLite: a moment."""
    if not postgresql:
        time.sleep(0.5)  # the confirmation queues behind the open write transaction either way
        return
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        waiting = db.session.scalar(text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO products%'"))
        db.session.rollback()
        if waiting:
            return
        time.sleep(0.05)
    raise AssertionError("the confirmation never reached its insert")
