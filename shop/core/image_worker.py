"""Decoding one upload in a short-lived child process: header check, reduce while decoding, JPEG (and WebP) re-encode.

`shop.core.images` runs this file as `python -I image_worker.py MAX_PIXELS [webp]` with the upload on stdin; it
answers with one JSON line, then the full-size and thumbnail JPEGs (and, asked for webp, the full-size and
thumbnail WebPs), their lengths in the answer line's "parts". It imports only the standard library
and Pillow, so the child starts quickly, and everything a decode allocates goes back to the system when the
child exits (a long-lived worker keeps freed image memory in its heap).
"""
from __future__ import annotations

import io
import json
import math
import sys
import warnings

from PIL import ExifTags, Image, UnidentifiedImageError

ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP")
FULL_SIZE = 1200
THUMB_SIZE = 480
JPEG_QUALITY = 85
# WebP at quality 80 looks like the JPEG at 85 in about two thirds of the bytes; method 4 is libwebp's default
# speed/size balance (6 is several times slower for a few per cent).
WEBP_QUALITY = 80
WEBP_METHOD = 4
# Like Image.thumbnail: a JPEG is decoded at 1/2, 1/4 or 1/8 scale while 1.5 times the final size remains,
# so the resampling that follows loses nothing visible and a 16-megapixel JPEG decodes into a few MB.
REDUCING_GAP = 1.5
# Pillow decodes a WebP through four canvas-sized buffers (libwebp's frame and canvas, a bytes copy, the image),
# about 16 bytes a pixel, so a WebP may have a third of the pixels of the other formats.
WEBP_SHARE = 3
STRIP_ROWS = 128  # output rows made per step, so no full-size copy of the decoded image is ever made
LANCZOS_REACH = 3  # source pixels the Lanczos filter reads on each side, times the shrink factor
WHITE = (255, 255, 255)
# How the accepted formats begin: a file that starts like one but does not open is damaged, not foreign.
SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"RIFF")

# Why an upload was refused; shop.core.images turns these into the words shown to people.
EMPTY = "the file is empty"
NOT_AN_IMAGE = "not a JPEG, PNG or WebP image"
TOO_MANY_PIXELS = "the image has too many pixels"
DAMAGED = "the image file is damaged or incomplete"

_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180, 4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE, 6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


class Rejected(Exception):
    """The upload cannot be used: `reason` is one of the reasons above, `max_pixels` the limit that applied."""

    def __init__(self, reason: str, max_pixels: int = 0):
        super().__init__(reason)
        self.reason = reason
        self.max_pixels = max_pixels


def webp_size(data: bytes) -> tuple[int, int] | None:
    """A WebP's canvas size read from its first chunk header (as Pillow reads it), or None."""
    chunk = data[12:16]
    if chunk == b"VP8 " and len(data) >= 30 and data[23:26] == b"\x9d\x01\x2a":
        return int.from_bytes(data[26:28], "little") & 0x3FFF, int.from_bytes(data[28:30], "little") & 0x3FFF
    if chunk == b"VP8X" and len(data) >= 30:
        return int.from_bytes(data[24:27], "little") + 1, int.from_bytes(data[27:30], "little") + 1
    if chunk == b"VP8L" and len(data) >= 25 and data[20] == 0x2F:
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    return None


def _check_webp_header(data: bytes, max_pixels: int) -> int:
    """The pixel limit for `data`; a WebP's size is checked here, because its decoder allocates the canvas
    as soon as the file is opened."""
    if not (data.startswith(b"RIFF") and data[8:12] == b"WEBP"):
        return max_pixels
    limit = max_pixels // WEBP_SHARE
    size = webp_size(data)
    if size is None:
        raise Rejected(DAMAGED)
    if size[0] * size[1] > limit:
        raise Rejected(TOO_MANY_PIXELS, limit)
    return limit


def open_checked(data: bytes, max_pixels: int) -> Image.Image:
    """Open `data` reading only its header; refuse other formats, too many pixels and broken PNG chunks."""
    if not data:
        raise Rejected(EMPTY)
    limit = _check_webp_header(data, max_pixels)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            # formats= stops Pillow from trying every plugin it has on unknown content.
            image = Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS)
            if image.width * image.height > limit:
                raise Rejected(TOO_MANY_PIXELS, limit)
            if image.format == "PNG":
                image.verify()  # every chunk's CRC; Pillow's decoder does not check those of the pixel data
                image = Image.open(io.BytesIO(data), formats=("PNG",))
    except UnidentifiedImageError as exc:
        raise Rejected(DAMAGED if data.startswith(SIGNATURES) else NOT_AN_IMAGE) from exc
    except Image.DecompressionBombError as exc:
        raise Rejected(TOO_MANY_PIXELS, limit) from exc
    except Rejected:
        raise
    except Exception as exc:  # Pillow and its codecs raise many kinds (OSError, SyntaxError, struct.error...)
        raise Rejected(DAMAGED) from exc
    return image


def fit(size: tuple[int, int], box: int) -> tuple[int, int]:
    """`size` scaled down, keeping its aspect, to fit in a `box`-pixel square (never scaled up)."""
    width, height = size
    if max(width, height) <= box:
        return width, height
    scale = box / max(width, height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def _on_white(image: Image.Image) -> Image.Image:
    """An RGB image; transparent parts become white. A fresh RGB image carries no EXIF, GPS or ICC data."""
    if image.mode == "RGB":
        return image
    background = Image.new("RGB", image.size, WHITE)
    rgba = image.convert("RGBA")
    background.paste(rgba, mask=rgba.getchannel("A"))
    return background


def shrunk(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    """The decoded `image` on white, resampled (Lanczos) to `size`, a strip of rows at a time.

    Each strip is cut from the decoded image with the filter's reach on both sides, so the result is the same
    as one resize of the whole image, without a second full-size image (a converted or flattened copy).
    """
    scale = image.height / size[1]
    margin = 0 if size == image.size else math.ceil(LANCZOS_REACH * max(scale, 1)) + 1
    out = Image.new("RGB", size, WHITE)
    for row in range(0, size[1], STRIP_ROWS):
        end = min(size[1], row + STRIP_ROWS)
        top, bottom = row * scale, end * scale
        cut = max(0, math.floor(top) - margin), min(image.height, math.ceil(bottom) + margin)
        strip = _on_white(image.crop((0, cut[0], image.width, cut[1])))
        if strip.size != (size[0], end - row):
            strip = strip.resize((size[0], end - row), Image.Resampling.LANCZOS,
                                 box=(0, top - cut[0], image.width, bottom - cut[0]))
        out.paste(strip, (0, row))
    return out


def _resized(image: Image.Image, box: int) -> Image.Image:
    size = fit(image.size, box)
    return image if size == image.size else image.resize(size, Image.Resampling.LANCZOS)


def _jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return out.getvalue()


def _webp(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "WEBP", quality=WEBP_QUALITY, method=WEBP_METHOD)
    return out.getvalue()


def _orientation(image: Image.Image) -> int | None:
    try:
        return image.getexif().get(ExifTags.Base.Orientation)
    except Exception:  # a malformed EXIF block only costs the rotation, not the photo
        return None


def render(data: bytes, max_pixels: int, webp: bool = False) -> tuple[list[bytes], int, int]:
    """The full-size and thumbnail JPEGs of `data` (then the two WebPs when `webp`), and the full size's width and
    height; else Rejected."""
    image = open_checked(data, max_pixels)
    try:
        target = fit(image.size, FULL_SIZE)
        # JPEG decodes straight at 1/2, 1/4 or 1/8 scale; other formats ignore this.
        image.draft(None, (round(target[0] * REDUCING_GAP), round(target[1] * REDUCING_GAP)))
        image.load()  # before the EXIF: a PNG's getexif() would load it, and a failed load is not raised twice
        orientation = _orientation(image)
        full = shrunk(image, fit(image.size, FULL_SIZE))
        image.close()
        del image
        if orientation in _TRANSPOSE:
            full = full.transpose(_TRANSPOSE[orientation])
        thumb = _resized(full, THUMB_SIZE)
        parts = [_jpeg(full), _jpeg(thumb)] + ([_webp(full), _webp(thumb)] if webp else [])
        return parts, full.width, full.height
    except Exception as exc:  # includes MemoryError: whatever the decoder met, the file is unusable
        raise Rejected(DAMAGED) from exc


def main(argv: list[str]) -> int:
    """Read an upload on stdin; write the answer line (and on success the encoded files) to stdout."""
    max_pixels = int(argv[1])
    webp = argv[2:] == ["webp"]
    # Pillow's own decompression-bomb check, a backstop behind ours: it refuses more than twice this.
    Image.MAX_IMAGE_PIXELS = -(-max_pixels // 2)
    out = sys.stdout.buffer
    try:
        parts, width, height = render(sys.stdin.buffer.read(), max_pixels, webp)
    except Rejected as exc:
        out.write(json.dumps({"rejected": exc.reason, "max_pixels": exc.max_pixels or max_pixels}).encode() + b"\n")
    else:
        answer = {"width": width, "height": height, "parts": [len(part) for part in parts]}
        out.write(json.dumps(answer).encode() + b"\n" + b"".join(parts))
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
