"""Product photos and other uploaded images: checked and re-encoded in a child process, stored under new names.

The decoding runs in a short-lived child (see image_worker.py): a 16-megapixel upload needs tens of MB to
decode, and a worker process that decoded it in-process would keep that memory for the rest of its life.
"""
from __future__ import annotations

import itertools
import json
import logging
import os
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask_babel import lazy_gettext as _l

from shop.core.image_worker import DAMAGED, EMPTY, NOT_AN_IMAGE, THUMB_SIZE, TOO_MANY_PIXELS, fit
from shop.core.storage import StorageError, Store, resolve

DEFAULT_MAX_PIXELS = 16_000_000  # a 16-megapixel photo is plenty for a product page; config MAX_IMAGE_PIXELS
WORKER = Path(__file__).with_name("image_worker.py")
WORKER_SECONDS = 60  # a decode of an allowed image takes about a second; longer means something is wrong

log = logging.getLogger(__name__)

_EXPLANATIONS = {
    EMPTY: _l("the file is empty"),
    NOT_AN_IMAGE: _l("it is not a JPEG, PNG or WebP image"),
    DAMAGED: _l("the file is damaged or incomplete"),
}


class ImageRejected(ValueError):
    """The upload is not an image the shop accepts; str() is the reason, `explanation` the words for people."""

    def __init__(self, reason: str, max_pixels: int = DEFAULT_MAX_PIXELS):
        super().__init__(reason)
        self.reason = reason
        self.max_pixels = max_pixels

    @property
    def explanation(self) -> str:
        """Why, in the visitor's language, e.g. "it has too many pixels (16 megapixels at most)"."""
        if self.reason == TOO_MANY_PIXELS:
            megapixels = f"{round(self.max_pixels / 1e6, 1):g}"
            return str(_l("it has too many pixels (%(mp)s megapixels at most)", mp=megapixels))
        return str(_EXPLANATIONS.get(self.reason, _EXPLANATIONS[DAMAGED]))


def webp_name(jpeg_name: str) -> str:
    """The WebP made beside a stored JPEG: the same name with .webp (names are unique by their stem)."""
    return jpeg_name.rsplit(".", 1)[0] + ".webp"


def variant_names(filename: str, thumb_filename: str, webp: bool) -> tuple[str, ...]:
    """Every file of a stored image: its two JPEGs, and the two WebPs beside them when it has them."""
    if not webp:
        return filename, thumb_filename
    return filename, thumb_filename, webp_name(filename), webp_name(thumb_filename)


@dataclass(frozen=True)
class StoredImage:
    filename: str
    thumb_filename: str
    width: int
    height: int
    webp: bool = False

    @property
    def names(self) -> tuple[str, ...]:
        """Every file written for this image."""
        return variant_names(self.filename, self.thumb_filename, self.webp)


@dataclass(frozen=True, slots=True)
class Picture:
    """What a page needs to draw a stored photo: each variant's name and pixel width (srcset), and its size.

    Photos stored before WebP was made (webp False) are drawn from their JPEGs alone."""

    filename: str
    thumb_filename: str
    width: int
    height: int
    webp: bool
    thumb_size: tuple[int, int] = field(init=False)  # the worker fits the full size into THUMB_SIZE

    def __post_init__(self) -> None:
        object.__setattr__(self, "thumb_size", fit((self.width, self.height), THUMB_SIZE))

    def srcset(self, prefix: str, webp: bool = False) -> str:
        """The srcset of the JPEGs (or the WebPs): thumbnail and full size with their widths, under `prefix`."""
        thumb, full = (webp_name(self.thumb_filename), webp_name(self.filename)) if webp else (
            self.thumb_filename, self.filename)
        thumb_width = self.thumb_size[0]
        if thumb_width >= self.width:  # a small photo: its thumbnail is the full size again
            return f"{prefix}{thumb} {thumb_width}w"
        return f"{prefix}{thumb} {thumb_width}w, {prefix}{full} {self.width}w"


def _render(data: bytes, max_pixels: int, webp: bool) -> tuple[list[bytes], int, int]:
    """Run the worker on `data`: ([full-size JPEG, thumbnail JPEG, and when `webp` the same as WebP], width,
    height), else ImageRejected."""
    if not data:
        raise ImageRejected(EMPTY, max_pixels)
    # -I: the child ignores PYTHON* variables and the working directory, and imports only Pillow.
    command = [sys.executable, "-I", str(WORKER), str(max_pixels)] + (["webp"] if webp else [])
    try:
        done = subprocess.run(command, input=data, capture_output=True, timeout=WORKER_SECONDS, check=False)
    except subprocess.TimeoutExpired as exc:
        log.warning("image worker gave up after %s s", WORKER_SECONDS)
        raise ImageRejected(DAMAGED, max_pixels) from exc
    line, _, body = done.stdout.partition(b"\n")
    answer = _answer(line)
    if "rejected" in answer:
        raise ImageRejected(str(answer["rejected"]), int(answer.get("max_pixels") or max_pixels))
    try:
        lengths = [int(length) for length in answer["parts"]]
        width, height = int(answer["width"]), int(answer["height"])
    except (KeyError, TypeError, ValueError):
        lengths, width, height = [], -1, -1
    if width < 1 or height < 1 or len(lengths) != (4 if webp else 2) or len(body) != sum(lengths):
        # Killed (out of memory, a signal) or crashed inside a codec: the file is not one we can use.
        log.warning("image worker failed (exit %s): %s", done.returncode, done.stderr.decode(errors="replace")[-500:])
        raise ImageRejected(DAMAGED, max_pixels)
    ends = list(itertools.accumulate(lengths))
    return [body[end - length:end] for end, length in zip(ends, lengths)], width, height


def _answer(line: bytes) -> dict[str, Any]:
    """The worker's answer line, or {} when it wrote none that makes sense."""
    try:
        answer = json.loads(line)
    except ValueError:
        return {}
    return answer if isinstance(answer, dict) else {}


def store_image(data: bytes, target: Store | str | os.PathLike[str],
                max_pixels: int = DEFAULT_MAX_PIXELS, *, webp: bool = False) -> StoredImage:
    """Validate `data`, write a full-size and a thumbnail JPEG (and with `webp` the same two as WebP) under new
    names in `target` (a store, or a folder: see storage.resolve), return their names. Either every file is
    written or none is."""
    parts, width, height = _render(data, max_pixels, webp)
    stem = uuid.uuid4().hex
    stored = StoredImage(f"{stem}.jpg", f"{stem}-t.jpg", width, height, webp)
    _put_all(resolve(target), stored.names, parts)
    return stored


def store_webps(full_jpeg: bytes, target: Store | str | os.PathLike[str], filename: str, thumb_filename: str,
                max_pixels: int = DEFAULT_MAX_PIXELS) -> tuple[str, str]:
    """Make the two WebPs of a photo stored before WebPs were made, from its full-size JPEG, beside its JPEGs (the
    same sizes: the full size is re-encoded as it is, the thumbnail fitted as before); both or neither are
    written. Returns their names."""
    parts, _, _ = _render(full_jpeg, max_pixels, webp=True)
    names = (webp_name(filename), webp_name(thumb_filename))
    _put_all(resolve(target), names, parts[2:])
    return names


def _put_all(store: Store, names: tuple[str, ...], parts: list[bytes]) -> None:
    """Write every part under its name, or (removing what was written) none."""
    written: list[str] = []
    try:
        for name, content in zip(names, parts):
            store.put(name, content)
            written.append(name)
    except BaseException:
        delete_image(store, *written)
        raise


def delete_image(target: Store | str | os.PathLike[str], *names: str) -> None:
    """Remove stored files, ignoring ones already gone. Best effort: when the store refuses, the files stay (logged)
    under random names nothing refers to, and the caller goes on (its database change is already made)."""
    store = resolve(target)
    try:
        store.delete(*names)
    except StorageError:
        log.warning("left %s behind in %s", ", ".join(names), store.describe(), exc_info=True)
