"""Photo variants: a thumbnail and a large size, each as WebP and JPEG, written all or none; Picture names them
with their pixel widths, and a photo stored before WebPs were made is drawn from its JPEGs."""
from __future__ import annotations

import io

import pytest
from PIL import Image

from shop.core.images import ImageRejected, Picture, store_image, variant_names, webp_name
from shop.core.storage import FolderStore, StorageError
from tests.image_files import image_bytes


def opened(folder, name: str) -> Image.Image:
    image = Image.open(io.BytesIO((folder / name).read_bytes()))
    image.load()
    return image


@pytest.mark.parametrize("fmt, size, full, thumb", [
    ("PNG", (2400, 1200), (1200, 600), (480, 240)),
    ("JPEG", (900, 1600), (675, 1200), (270, 480)),
    ("WEBP", (800, 800), (800, 800), (480, 480)),
])
def test_a_photo_gets_a_large_size_and_a_thumbnail_each_in_webp_and_jpeg(tmp_path, fmt, size, full, thumb):
    stored = store_image(image_bytes(fmt, size), tmp_path, webp=True)
    stem = stored.filename[:-len(".jpg")]
    assert stored.names == (f"{stem}.jpg", f"{stem}-t.jpg", f"{stem}.webp", f"{stem}-t.webp")
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(stored.names)
    expected = {f"{stem}.jpg": ("JPEG", full), f"{stem}-t.jpg": ("JPEG", thumb),
                f"{stem}.webp": ("WEBP", full), f"{stem}-t.webp": ("WEBP", thumb)}
    for name, (kind, dimensions) in expected.items():
        image = opened(tmp_path, name)
        assert (image.format, image.size, image.mode) == (kind, dimensions, "RGB"), name
        # The same picture in both formats: the red the test image is filled with, within lossy coding's error.
        red, green, blue = image.getpixel((image.width // 2, image.height // 2))
        assert abs(red - 180) < 12 and green < 60 and blue < 60, name
    assert (stored.width, stored.height) == full


def test_the_webp_is_the_smaller_file(tmp_path):
    photo = Image.radial_gradient("L").resize((1200, 900)).convert("RGB")
    out = io.BytesIO()
    photo.save(out, "PNG")
    stored = store_image(out.getvalue(), tmp_path, webp=True)
    for jpeg in (stored.filename, stored.thumb_filename):
        assert (tmp_path / webp_name(jpeg)).stat().st_size < (tmp_path / jpeg).stat().st_size


def test_without_webp_only_the_two_jpegs_are_written(tmp_path):
    stored = store_image(image_bytes("PNG", (640, 480)), tmp_path)
    assert not stored.webp and len(stored.names) == 2
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(stored.names)


class RefusingStore(FolderStore):
    """A real folder that refuses to keep one kind of file, as a full disk or an unreachable bucket would."""

    def __init__(self, folder, refused_suffix: str):
        super().__init__(folder)
        self.refused_suffix = refused_suffix

    def put(self, name: str, data: bytes) -> None:
        if name.endswith(self.refused_suffix):
            raise StorageError(f"refused {name}")
        super().put(name, data)


@pytest.mark.parametrize("refused", [".jpg", "-t.jpg", ".webp", "-t.webp"])
def test_when_one_variant_cannot_be_written_none_is_left(tmp_path, refused):
    store = RefusingStore(tmp_path / "media", refused)
    with pytest.raises(StorageError):
        store_image(image_bytes("PNG", (1000, 800)), store, webp=True)
    assert list(store.names()) == []


def test_a_refused_upload_writes_nothing(tmp_path):
    with pytest.raises(ImageRejected):
        store_image(image_bytes("PNG")[:40], tmp_path, webp=True)
    assert list(tmp_path.iterdir()) == []


def test_a_picture_names_each_variant_with_its_width():
    picture = Picture("ab.jpg", "ab-t.jpg", 1200, 800, True)
    assert picture.thumb_size == (480, 320)
    assert picture.srcset("/media/") == "/media/ab-t.jpg 480w, /media/ab.jpg 1200w"
    assert picture.srcset("/media/", webp=True) == "/media/ab-t.webp 480w, /media/ab.webp 1200w"
    assert variant_names("ab.jpg", "ab-t.jpg", True) == ("ab.jpg", "ab-t.jpg", "ab.webp", "ab-t.webp")


def test_a_small_photo_is_offered_once():
    """Under 480 px the thumbnail is the full size again: one candidate, not two of the same width."""
    picture = Picture("s.jpg", "s-t.jpg", 320, 240, True)
    assert picture.thumb_size == (320, 240)
    assert picture.srcset("/m/") == "/m/s-t.jpg 320w"


def test_a_photo_from_before_webp_names_only_its_jpegs():
    assert variant_names("old.jpg", "old-t.jpg", False) == ("old.jpg", "old-t.jpg")
