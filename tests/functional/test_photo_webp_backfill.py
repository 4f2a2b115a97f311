"""`flask --app wsgi photos-webp`: photos stored before WebPs were made get theirs (same sizes, beside their JPEGs),
on a folder and on an S3 store; a photo whose file is gone is left as it is; a second run has nothing left to do."""
from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlalchemy import select

from shop.catalog.models import Photo
from shop.core.images import store_image, webp_name
from shop.extensions import db
from tests.factories import make_category, make_cooperative, make_product
from tests.image_files import image_bytes

pytestmark = pytest.mark.storage_backends


def test_old_photos_get_their_webps_once(app, runner, client):
    with app.app_context():
        media = app.extensions["storage"].media
        product = make_product(make_cooperative("652929"), make_category("nuts", "干果", "Nuts"))
        old = store_image(image_bytes("PNG", (1600, 1000)), media)  # as photos were stored before: JPEGs only
        db.session.add_all([
            Photo(product_id=product.id, filename=old.filename, thumb_filename=old.thumb_filename,
                  width=old.width, height=old.height),
            Photo(product_id=product.id, position=1, filename="0" * 32 + ".jpg", thumb_filename="0" * 32 + "-t.jpg",
                  width=10, height=10)])  # its files are gone
        db.session.commit()
        product_id = product.id
    result = runner.invoke(args=["photos-webp"])
    assert result.exit_code == 0, result.output
    assert "1 photo(s) given WebPs, 1 without their file, 0 unreadable" in result.output
    with app.app_context():
        photos = db.session.scalars(select(Photo).order_by(Photo.position)).all()
        assert [photo.webp for photo in photos] == [True, False]
        for jpeg, size in ((old.filename, (1200, 750)), (old.thumb_filename, (480, 300))):
            made = Image.open(io.BytesIO(media.get(webp_name(jpeg))))
            assert (made.format, made.size) == ("WEBP", size)
            assert Image.open(io.BytesIO(media.get(jpeg))).size == size
    page = client.get(f"/products/{product_id}").get_data(as_text=True)
    assert f'<source type="image/webp" srcset="/media/{webp_name(old.thumb_filename)} 480w' in page
    assert client.get(f"/media/{webp_name(old.filename)}").mimetype == "image/webp"
    again = runner.invoke(args=["photos-webp"])
    assert "0 photo(s) given WebPs, 1 without their file" in again.output
