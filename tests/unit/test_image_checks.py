"""Image checks that need no web request: the damaged-file corpus, the configured pixel limit, the re-encoding."""
from __future__ import annotations

import io

import pytest
from PIL import Image, ImageOps

from shop.config import load_config
from shop.core.images import ImageRejected, store_image
from tests.image_files import damaged_corpus, image_bytes

CORPUS = damaged_corpus()


@pytest.mark.parametrize("name", CORPUS)
def test_every_damaged_file_gets_its_reason_and_leaves_no_file(tmp_path, name):
    data, explanation = CORPUS[name]
    with pytest.raises(ImageRejected) as refused:
        store_image(data, tmp_path)
    assert refused.value.explanation == explanation
    assert list(tmp_path.iterdir()) == []


def test_the_pixel_limit_is_a_setting(tmp_path, monkeypatch):
    monkeypatch.setenv("MAX_IMAGE_PIXELS", "1000000")
    limit = load_config(str(tmp_path))["MAX_IMAGE_PIXELS"]
    assert limit == 1_000_000
    assert store_image(image_bytes("PNG", (1000, 1000)), tmp_path / "ok", limit).width == 1000
    with pytest.raises(ImageRejected) as refused:
        store_image(image_bytes("PNG", (1001, 1000)), tmp_path / "no", limit)
    assert refused.value.explanation == "it has too many pixels (1 megapixels at most)"
    assert not (tmp_path / "no").exists()


def test_the_default_limit_is_16_megapixels(tmp_path, monkeypatch):
    monkeypatch.delenv("MAX_IMAGE_PIXELS", raising=False)
    assert load_config(str(tmp_path))["MAX_IMAGE_PIXELS"] == 16_000_000


@pytest.mark.parametrize("orientation, size", [(1, (1200, 800)), (6, (800, 1200)), (3, (1200, 800)),
                                               (8, (800, 1200))])
def test_a_large_photo_is_shrunk_and_turned_upright(tmp_path, orientation, size):
    exif = Image.Exif()
    exif[0x0112] = orientation
    # Left half red, right half blue: the corners of the stored photo show which way it was turned.
    photo = Image.new("RGB", (3000, 2000), (220, 20, 20))
    photo.paste((20, 20, 220), (1500, 0, 3000, 2000))
    out = io.BytesIO()
    photo.save(out, "JPEG", quality=90, exif=exif.tobytes())
    upright = ImageOps.exif_transpose(Image.open(io.BytesIO(out.getvalue())))
    stored = store_image(out.getvalue(), tmp_path)
    full = Image.open(tmp_path / stored.filename)
    assert (stored.width, stored.height) == full.size == size
    assert max(Image.open(tmp_path / stored.thumb_filename).size) == 480
    for corner, upright_corner in [((5, 5), (5, 5)), ((size[0] - 5, 5), (upright.width - 5, 5))]:
        red, _, blue = full.getpixel(corner)
        upright_red, _, upright_blue = upright.getpixel(upright_corner)
        assert (red > blue) == (upright_red > upright_blue)
    assert not full.getexif()


def test_a_transparent_webp_is_flattened_on_white(tmp_path):
    stored = store_image(image_bytes("WEBP", (2000, 1000), mode="RGBA", lossless=True), tmp_path)
    full = Image.open(tmp_path / stored.filename)
    assert full.mode == "RGB" and full.size == (1200, 600)
    red, green, blue = full.getpixel((600, 300))
    assert red > 200 and green > 120 and blue > 120  # half-transparent red on white: pink
