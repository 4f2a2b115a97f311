"""The stores: a folder and a real S3-compatible server (SeaweedFS) keep, give back, list and delete files
alike; STORAGE_URL is read strictly; moving files from disk copies each one once."""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select, update

from shop.catalog import listings
from shop.catalog.models import Photo
from shop.config import ConfigError, load_config
from shop.cooperatives.exceptions import NotSelling
from shop.cooperatives.models import Cooperative, VerificationStatus
from shop.core.images import store_image
from shop.core.s3_store import S3Store, s3_client
from shop.core.storage import (
    FolderStore,
    StorageError,
    move_files,
    parse_url,
    resolve,
    storage_from_config,
)
from shop.extensions import db
from tests.factories import make_category, make_cooperative, make_product
from tests.image_files import image_bytes


@pytest.fixture(params=["folder", "s3"])
def store(request, tmp_path):
    """An empty store of each kind (in SeaweedFS: a prefix of its own in the session's bucket)."""
    if request.param == "folder":
        return FolderStore(tmp_path / "media")
    seaweedfs = request.getfixturevalue("seaweedfs")
    return S3Store(seaweedfs.client(), seaweedfs.bucket, f"unit-{uuid.uuid4().hex}/media")


def test_a_file_is_kept_given_back_listed_and_deleted(store):
    assert not store.exists("a.jpg") and store.get("a.jpg") is None and store.open("a.jpg") is None
    store.put("a.jpg", b"first")
    store.put("a.jpg", b"second")  # replaced whole
    store.put("b-t.jpg", b"thumb")
    assert store.exists("a.jpg") and store.get("a.jpg") == b"second"
    opened = store.open("b-t.jpg")
    assert opened.size == 5 and opened.etag and b"".join(opened.chunks(2)) == b"thumb"
    assert sorted(store.names()) == ["a.jpg", "b-t.jpg"]
    store.delete("a.jpg", "gone.jpg")  # a name already gone is no error
    assert sorted(store.names()) == ["b-t.jpg"] and store.get("a.jpg") is None


@pytest.mark.parametrize("name", ["../secret.jpg", "a/b.jpg", ".hidden", "a..jpg", "", "x" * 200])
def test_names_the_shop_could_not_have_made_are_refused(store, name):
    with pytest.raises(ValueError):
        store.put(name, b"data")
    assert store.get(name) is None and not store.exists(name)
    store.delete(name)  # silently nothing


def test_areas_in_one_bucket_do_not_see_each_other(seaweedfs):
    client, prefix = seaweedfs.client(), f"unit-{uuid.uuid4().hex}"
    media, private = (S3Store(client, seaweedfs.bucket, f"{prefix}/{area}") for area in ("media", "private"))
    private.put("licence.jpg", b"secret")
    assert list(media.names()) == [] and media.get("licence.jpg") is None
    assert client.get_object(Bucket=seaweedfs.bucket, Key=f"{prefix}/private/licence.jpg")["Body"].read() == b"secret"


def test_an_unreachable_store_says_so(tmp_path):
    client = s3_client({"STORAGE_S3_ENDPOINT_URL": "http://127.0.0.1:9", "STORAGE_S3_ACCESS_KEY_ID": "k",
                        "STORAGE_S3_SECRET_ACCESS_KEY": "s", "STORAGE_S3_TIMEOUT": 1})
    unreachable = S3Store(client, "bangfu", "media")
    with pytest.raises(StorageError, match="s3://bangfu/media"):
        unreachable.put("a.jpg", b"data")
    with pytest.raises(StorageError):
        unreachable.get("a.jpg")


def test_an_image_is_stored_whole_with_its_thumbnail(store):
    stored = store_image(image_bytes("PNG", (640, 480)), store)
    assert sorted(store.names()) == sorted([stored.filename, stored.thumb_filename])
    assert store.get(stored.filename).startswith(b"\xff\xd8")


@pytest.mark.parametrize("url, parsed", [
    ("", ("file", "", "")),
    ("file://", ("file", "", "")),
    ("file:///srv/bangfu-files/", ("file", "/srv/bangfu-files", "")),
    ("s3://bangfu", ("s3", "bangfu", "")),
    ("s3://bangfu/shop/prod/", ("s3", "bangfu", "shop/prod")),
])
def test_storage_urls(url, parsed):
    assert parse_url(url) == parsed


@pytest.mark.parametrize("settings, message", [
    ({"STORAGE_URL": "ftp://files"}, "must start with file:// or s3://"),
    ({"STORAGE_URL": "s3://"}, "needs a bucket"),
    ({"STORAGE_URL": "file://host/path"}, "absolute path"),
    ({"STORAGE_S3_ADDRESSING_STYLE": "sideways"}, "path, virtual or auto"),
    ({"STORAGE_PUBLIC_URL": "cdn.example.com"}, "http"),
])
def test_unusable_storage_settings_stop_start_up(tmp_path, settings, message):
    with pytest.raises(ConfigError, match=message):
        load_config(str(tmp_path), settings)


def test_the_default_is_the_instance_folders_and_a_bucket_gets_prefixed_keys(tmp_path, seaweedfs):
    config = load_config(str(tmp_path))
    default = storage_from_config(config)
    assert default.media.folder == tmp_path / "uploads" and default.private.folder == tmp_path / "private"
    elsewhere = storage_from_config({**config, "STORAGE_URL": f"file://{tmp_path}/files"})
    assert elsewhere.media.folder == tmp_path / "files" / "media"
    bucket = storage_from_config({**config, **seaweedfs.settings("shop/prod")})
    assert bucket.media.describe() == f"s3://{seaweedfs.bucket}/shop/prod/media"
    assert bucket.private.describe() == f"s3://{seaweedfs.bucket}/shop/prod/private"


@pytest.mark.parametrize("storage_backend", ["s3"], indirect=True)
def test_the_apps_folders_mean_its_configured_stores(app, app_ctx, storage_backend, tmp_path):
    storage = app.extensions["storage"]
    assert resolve(app.config["UPLOAD_FOLDER"]) is storage.media
    assert resolve(app.config["PRIVATE_FOLDER"]) is storage.private
    assert resolve(storage.private) is storage.private
    assert resolve(tmp_path).folder == tmp_path


def test_moving_copies_each_file_once_and_can_delete_the_local_copies(store, tmp_path):
    disk = FolderStore(tmp_path / "disk")
    for name in ("a.jpg", "a-t.jpg", "b.pdf"):
        disk.put(name, name.encode())
    store.put("b.pdf", b"b.pdf")
    first = move_files(disk, store)
    assert (first.copied, first.present, first.removed) == (2, 1, 0)
    again = move_files(disk, store, delete_local=True)
    assert (again.copied, again.present, again.removed) == (0, 3, 3)
    assert list(disk.names()) == [] and store.get("a-t.jpg") == b"a-t.jpg"
    assert sorted(store.names()) == ["a-t.jpg", "a.jpg", "b.pdf"]


def test_moving_a_folder_onto_itself_moves_nothing(tmp_path):
    disk = FolderStore(tmp_path)
    disk.put("a.jpg", b"a")
    assert move_files(disk, FolderStore(tmp_path), delete_local=True).removed == 0
    assert disk.get("a.jpg") == b"a"


@pytest.mark.storage_backends
def test_a_photo_refused_inside_its_transaction_leaves_no_file_in_the_store(app, app_ctx):
    cooperative = make_cooperative("652929")
    product = make_product(cooperative, make_category())
    assert cooperative.is_verified  # what the portal saw when the request began
    with db.engine.begin() as connection:  # staff suspend it after the portal loaded the cooperative
        connection.execute(update(Cooperative).where(Cooperative.id == cooperative.id)
                           .values(status=VerificationStatus.SUSPENDED))
    media = app.extensions["storage"].media
    before = sorted(media.names())
    with pytest.raises(NotSelling):
        listings.add_photo(cooperative, product.id, image_bytes("PNG"))
    assert db.session.scalar(select(func.count()).select_from(Photo)) == 0
    assert sorted(media.names()) == before
