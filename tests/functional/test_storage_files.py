"""Photos and private files through the configured store (a folder, or SeaweedFS over S3): /media serves photos
with immutable caching or redirects to STORAGE_PUBLIC_URL, private files are never among them, and
`move-files-to-storage` moves what is on disk into the store, once."""
from __future__ import annotations

from pathlib import Path

import pytest

from shop.core.images import store_image
from shop.core.storage import FolderStore, Storage
from tests.image_files import image_bytes

pytestmark = pytest.mark.storage_backends


def test_a_photo_is_served_from_the_store_with_immutable_caching(app, client):
    with app.app_context():
        stored = store_image(image_bytes("PNG", (320, 240)), app.extensions["storage"].media)
        kept = app.extensions["storage"].media.get(stored.filename)
    served = client.get(f"/media/{stored.filename}")
    assert served.status_code == 200 and served.data == kept and served.mimetype == "image/jpeg"
    assert served.content_length == len(kept)
    cache = served.cache_control
    assert cache.public and cache.immutable and cache.max_age == 365 * 24 * 3600
    assert served.headers["X-Content-Type-Options"] == "nosniff" and served.headers["ETag"]
    again = client.get(f"/media/{stored.filename}", headers={"If-None-Match": served.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


def test_every_variant_of_a_photo_is_served_as_its_type_and_cached_for_a_year(app, client):
    with app.app_context():
        stored = store_image(image_bytes("PNG", (1600, 1200)), app.extensions["storage"].media, webp=True)
    kinds = dict(zip(stored.names, ["image/jpeg", "image/jpeg", "image/webp", "image/webp"]))
    assert [name.rsplit(".", 1)[1] for name in kinds] == ["jpg", "jpg", "webp", "webp"]
    for name, kind in kinds.items():
        served = client.get(f"/media/{name}")
        assert served.status_code == 200 and served.mimetype == kind, name
        assert served.data.startswith(b"RIFF") == (kind == "image/webp"), name
        cache = served.cache_control
        assert cache.public and cache.immutable and cache.max_age == 365 * 24 * 3600, name
        assert served.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("name", ["missing.jpg", "..%2Fprivate%2Fx.jpg", ".x.jpg.part"])
def test_a_name_that_is_not_a_kept_photo_is_not_found(client, name):
    assert client.get(f"/media/{name}").status_code == 404


def test_a_licence_in_the_private_store_is_never_a_public_photo(app, client):
    with app.app_context():
        stored = store_image(image_bytes(), app.extensions["storage"].private)
    assert client.get(f"/media/{stored.filename}").status_code == 404


def test_with_a_public_url_media_redirects_there(app, client):
    before = app.extensions["storage"]
    app.extensions["storage"] = Storage(before.media, before.private, "https://cdn.example.com/bangfu/media")
    try:
        response = client.get("/media/0123456789abcdef0123456789abcdef.jpg")
        refused = client.get("/media/..%2Fsecret")
    finally:
        app.extensions["storage"] = before
    assert response.status_code == 301
    assert response.location == "https://cdn.example.com/bangfu/media/0123456789abcdef0123456789abcdef.jpg"
    assert refused.status_code == 404


@pytest.mark.parametrize("storage_backend", ["s3"], indirect=True)
def test_move_files_to_storage_copies_once_then_serves_from_the_bucket(app, runner, storage_backend, tmp_path):
    media, private = FolderStore(tmp_path / "uploads"), FolderStore(tmp_path / "private")
    with app.app_context():
        photo = store_image(image_bytes(), media)
        licence = store_image(image_bytes(), private)
    args = ["move-files-to-storage", "--media-folder", str(media.folder), "--private-folder", str(private.folder)]
    first = runner.invoke(args=args)
    assert first.exit_code == 0, first.output
    assert "media" in first.output and first.output.count("2 copied, 0 already there") == 2
    again = runner.invoke(args=[*args, "--delete-local"])
    assert again.exit_code == 0 and again.output.count("0 copied, 2 already there, 2 local copies removed") == 2
    assert list(media.names()) == [] and list(private.names()) == []
    assert app.test_client().get(f"/media/{photo.filename}").status_code == 200
    assert app.test_client().get(f"/media/{photo.thumb_filename}").status_code == 200
    with app.app_context():
        assert app.extensions["storage"].private.exists(licence.filename)


def test_moving_from_a_missing_folder_reports_nothing_to_move(app, runner, tmp_path):
    result = runner.invoke(args=["move-files-to-storage", "--media-folder", str(Path(tmp_path) / "none"),
                                 "--private-folder", str(Path(tmp_path) / "none")])
    assert result.exit_code == 0 and result.output.count("0 copied, 0 already there") == 2
