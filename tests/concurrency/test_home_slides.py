"""Staff adding slides at once (real threads, both databases): the fifth place goes to one of them, never six."""
from __future__ import annotations

import threading
import time
import uuid

from sqlalchemy import func, select

from shop.catalog import showcase
from shop.catalog.exceptions import ShowcaseError
from shop.catalog.showcase_models import Slide
from shop.core.database import write_transaction
from shop.core.storage import media_store
from shop.extensions import db
from tests.concurrency.test_organization_members import at_once
from tests.factories import make_user
from tests.image_files import image_bytes

PICTURE = image_bytes(size=(300, 120))


def four_slides(app) -> int:
    with app.app_context():
        staff_id = make_user(is_staff=True).id
        for n in range(4):
            showcase.save_slide(staff_id, showcase.SlideData(title=f"第{n}张", link="/"), PICTURE)
        return staff_id


def slide_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Slide))


def test_a_fifth_slide_waits_for_one_being_added_and_is_refused(app):
    """One transaction has taken the fifth place and not committed yet; another must wait for it, then count five."""
    four_slides(app)
    taken, release = threading.Event(), threading.Event()

    def add(hold: bool) -> None:
        with write_transaction(db.session):
            slide = showcase._slide_to_change(None)
            name = uuid.uuid4().hex
            slide.title, slide.link, slide.filename, slide.thumb_filename = "新", "/", f"{name}.jpg", f"{name}-t.jpg"
            slide.width, slide.height = 300, 120
            db.session.flush()
            if hold:
                taken.set()
                release.wait(10)

    def second() -> None:
        taken.wait(10)
        add(hold=False)

    def let_go() -> None:
        taken.wait(10)
        time.sleep(0.5)  # the second is waiting for the lock by now (or, without it, has counted four)
        release.set()

    results = at_once(app, lambda: add(hold=True), second, let_go)
    assert results[0] is None and isinstance(results[1], ShowcaseError), results
    assert slide_count(app) == 5


def test_three_staff_adding_the_fifth_slide_at_once_make_five_and_leave_no_stray_files(app):
    staff_id = four_slides(app)
    with app.app_context():
        files_before = set(media_store().names())
    calls = [lambda n=n: showcase.save_slide(staff_id, showcase.SlideData(title=f"新{n}", link="/"), PICTURE)
             for n in range(3)]
    results = at_once(app, *calls)
    assert len([result for result in results if isinstance(result, ShowcaseError)]) == 2, results
    assert slide_count(app) == 5
    with app.app_context():
        assert len(set(media_store().names()) - files_before) == 2  # only the winner's picture and thumbnail
