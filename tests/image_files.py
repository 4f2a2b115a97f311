"""Image files made in the tests: large ones written row by row (the test process never holds the pixels) and a
corpus of damaged or hostile ones, each with the reason the shop must give for it."""
from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

from PIL import Image

# The explanations shown to people (English source text).
DAMAGED = "the file is damaged or incomplete"
NOT_AN_IMAGE = "it is not a JPEG, PNG or WebP image"
EMPTY = "the file is empty"
TOO_MANY_PIXELS = "it has too many pixels (16 megapixels at most)"
TOO_MANY_FOR_WEBP = "it has too many pixels (5.3 megapixels at most)"


def image_bytes(fmt: str = "PNG", size=(64, 48), mode: str = "RGB", **options) -> bytes:
    """A small, well-formed image."""
    out = io.BytesIO()
    Image.new(mode, size, (180, 40, 40) if mode == "RGB" else (180, 40, 40, 128)).save(out, fmt, **options)
    return out.getvalue()


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def write_png(path: Path, width: int, height: int, rgba: bool = False) -> Path:
    """A valid PNG (a gradient; RGBA with varying transparency) compressed a row at a time."""
    channels = 4 if rgba else 3
    compressor = zlib.compressobj(6)
    pattern = bytes(range(256)) * (width * channels // 256 + 2)
    idat = []
    for y in range(height):
        shift = (y * 7) % 256
        idat.append(compressor.compress(b"\0" + pattern[shift:shift + width * channels]))
    idat.append(compressor.flush())
    header = struct.pack(">IIBBBBB", width, height, 8, 6 if rgba else 2, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", b"".join(idat))
                     + png_chunk(b"IEND", b""))
    return path


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge canvas: a decompression bomb."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", zlib.compress(b"\0" * 64))
            + png_chunk(b"IEND", b""))


def webp_claiming(width: int, height: int) -> bytes:
    """An extended-format WebP header claiming a huge canvas, with no image data."""
    vp8x = b"\0\0\0\0" + (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
    body = b"WEBP" + b"VP8X" + struct.pack("<I", len(vp8x)) + vp8x
    return b"RIFF" + struct.pack("<I", len(body)) + body


def _with_bad_crc(png: bytes, kind: bytes) -> bytes:
    start = png.index(kind) - 4
    length = struct.unpack(">I", png[start:start + 4])[0]
    crc_at = start + 8 + length
    return png[:crc_at] + bytes([png[crc_at] ^ 0xFF]) + png[crc_at + 1:]


def _noisy_jpeg() -> bytes:
    out = io.BytesIO()
    Image.effect_noise((256, 256), 60).convert("RGB").save(out, "JPEG", quality=90)
    return out.getvalue()


def damaged_corpus() -> dict[str, tuple[bytes, str]]:
    """name: (file content, the explanation the shop must give)."""
    png, jpeg, webp = image_bytes("PNG"), _noisy_jpeg(), image_bytes("WEBP")
    scan = jpeg.index(b"\xff\xda")
    gif = image_bytes("GIF")
    return {
        "empty": (b"", EMPTY),
        "truncated PNG": (png[: len(png) // 2], DAMAGED),
        "bad CRC in a PNG data chunk": (_with_bad_crc(png, b"IDAT"), DAMAGED),
        "bad CRC in the PNG header chunk": (_with_bad_crc(png, b"IHDR"), DAMAGED),
        "wrong magic": (b"\x89PNX" + png[4:], NOT_AN_IMAGE),
        "GIF named .jpg": (gif, NOT_AN_IMAGE),
        "PDF": (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj", NOT_AN_IMAGE),
        "PNG claiming 100000x100000": (png_claiming(100_000, 100_000), TOO_MANY_PIXELS),
        "JPEG with a truncated scan": (jpeg[: scan + (len(jpeg) - scan) // 2], DAMAGED),
        "JPEG cut inside its header": (jpeg[:scan - 10], DAMAGED),
        "WebP with a bad RIFF size": (webp[:4] + struct.pack("<I", 10**9) + webp[8:], DAMAGED),
        "truncated WebP": (webp[: len(webp) // 2], DAMAGED),
        "WebP claiming 16383x16383": (webp_claiming(16383, 16383), TOO_MANY_FOR_WEBP),
    }
