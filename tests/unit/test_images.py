"""Photo handling: only real JPEG/PNG/WebP images, re-encoded without metadata, with a thumbnail."""
import io
import struct
import zlib

import pytest
from PIL import Image

from shop.core.images import ImageRejected, store_image


def image_bytes(fmt="JPEG", size=(900, 600), exif=False, mode="RGB"):
    image = Image.new(mode, size, (200, 30, 30) if mode == "RGB" else (200, 30, 30, 128))
    out = io.BytesIO()
    kwargs = {}
    if exif:
        data = Image.Exif()
        data[0x010F] = "SecretCam"  # Make
        data[0x8825] = {1: "N"}  # GPS info
        kwargs["exif"] = data.tobytes()
    image.save(out, fmt, **kwargs)
    return out.getvalue()


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_accepted_formats_are_reencoded_as_jpeg(tmp_path, fmt):
    stored = store_image(image_bytes(fmt), tmp_path)
    full = Image.open(tmp_path / stored.filename)
    thumb = Image.open(tmp_path / stored.thumb_filename)
    assert full.format == "JPEG" and thumb.format == "JPEG"
    assert (stored.width, stored.height) == full.size == (900, 600)
    assert max(thumb.size) == 480


def test_transparent_png_gets_a_white_background(tmp_path):
    stored = store_image(image_bytes("PNG", mode="RGBA"), tmp_path)
    assert Image.open(tmp_path / stored.filename).mode == "RGB"


def test_metadata_is_stripped(tmp_path):
    original = image_bytes(exif=True)
    assert b"SecretCam" in original
    stored = store_image(original, tmp_path)
    data = (tmp_path / stored.filename).read_bytes()
    assert b"SecretCam" not in data
    assert not Image.open(io.BytesIO(data)).getexif()


def test_names_are_generated_by_the_server(tmp_path):
    first = store_image(image_bytes(), tmp_path)
    second = store_image(image_bytes(), tmp_path)
    assert first.filename != second.filename
    assert first.filename.endswith(".jpg") and len(first.filename) == 36


@pytest.mark.parametrize("data", [b"", b"not an image at all", b"GIF89a" + b"\0" * 100,
                                  b"%PDF-1.4\n%..."])
def test_non_images_are_refused(tmp_path, data):
    with pytest.raises(ImageRejected):
        store_image(data, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_gif_renamed_to_jpg_is_refused(tmp_path):
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, "GIF")
    with pytest.raises(ImageRejected):
        store_image(out.getvalue(), tmp_path)


def _png_claiming(width, height):
    """A tiny PNG whose header claims a huge canvas: a decompression bomb."""
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(
        b"IEND", b"")


def test_decompression_bomb_is_refused_before_decoding(tmp_path):
    with pytest.raises(ImageRejected, match="too many pixels"):
        store_image(_png_claiming(50_000, 50_000), tmp_path)


def test_truncated_image_is_refused(tmp_path):
    data = image_bytes()
    with pytest.raises(ImageRejected):
        store_image(data[: len(data) // 3], tmp_path)
