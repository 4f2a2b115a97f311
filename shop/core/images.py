"""Product photos: open only known image formats, re-encode without metadata, make a thumbnail."""
from __future__ import annotations

import io
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP")
MAX_PIXELS = 40_000_000  # a 40-megapixel photo is plenty; more is a decompression bomb
FULL_SIZE = 1200
THUMB_SIZE = 480
JPEG_QUALITY = 85


class ImageRejected(ValueError):
    """The upload is not an image the shop accepts; the message says why."""


@dataclass(frozen=True)
class StoredImage:
    filename: str
    thumb_filename: str
    width: int
    height: int


def _open(data: bytes) -> Image.Image:
    try:
        # formats= stops Pillow from trying every plugin it has on unknown content.
        image = Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS)
    except UnidentifiedImageError as exc:
        raise ImageRejected("not a JPEG, PNG or WebP image") from exc
    except Image.DecompressionBombError as exc:
        raise ImageRejected("the image has too many pixels") from exc
    if image.width * image.height > MAX_PIXELS:
        raise ImageRejected("the image has too many pixels")
    try:
        image.load()
    except (OSError, Image.DecompressionBombError) as exc:
        raise ImageRejected("the image file is damaged or incomplete") from exc
    return image


def _encode(image: Image.Image, box: int) -> tuple[bytes, int, int]:
    copy = image.copy()
    copy.thumbnail((box, box), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    # A fresh RGB image carries no EXIF, GPS or ICC data from the upload.
    copy.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return out.getvalue(), copy.width, copy.height


def store_image(data: bytes, folder: str | os.PathLike[str]) -> StoredImage:
    """Validate `data`, write a full-size and a thumbnail JPEG under new names, return their names."""
    image = _open(data)
    image = ImageOps.exif_transpose(image)
    if image.mode != "RGB":
        background = Image.new("RGB", image.size, (255, 255, 255))
        rgba = image.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    full, width, height = _encode(image, FULL_SIZE)
    thumb, _, _ = _encode(image, THUMB_SIZE)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    stem = uuid.uuid4().hex
    names = (f"{stem}.jpg", f"{stem}-t.jpg")
    for name, content in zip(names, (full, thumb)):
        tmp = folder / f".{name}.part"
        tmp.write_bytes(content)
        os.replace(tmp, folder / name)  # atomic: a reader never sees half a file
    return StoredImage(names[0], names[1], width, height)


def delete_image(folder: str | os.PathLike[str], *names: str) -> None:
    """Remove stored files, ignoring ones already gone."""
    for name in names:
        try:
            (Path(folder) / name).unlink()
        except FileNotFoundError:
            pass
