"""Product photos and other uploaded images: checked and re-encoded in a child process, stored under new names.

The decoding runs in a short-lived child (see image_worker.py): a 16-megapixel upload needs tens of MB to
decode, and a worker process that decoded it in-process would keep that memory for the rest of its life.
"""
from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask_babel import lazy_gettext as _l

from shop.core.image_worker import DAMAGED, EMPTY, NOT_AN_IMAGE, TOO_MANY_PIXELS
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


@dataclass(frozen=True)
class StoredImage:
    filename: str
    thumb_filename: str
    width: int
    height: int


def _render(data: bytes, max_pixels: int) -> tuple[bytes, bytes, int, int]:
    """Run the worker on `data`: (full-size JPEG, thumbnail JPEG, width, height), else ImageRejected."""
    if not data:
        raise ImageRejected(EMPTY, max_pixels)
    # -I: the child ignores PYTHON* variables and the working directory, and imports only Pillow.
    command = [sys.executable, "-I", str(WORKER), str(max_pixels)]
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
        full_length, thumb_length, width, height = (int(answer[key]) for key in ("full", "thumb", "width", "height"))
    except (KeyError, TypeError, ValueError):
        full_length = thumb_length = width = height = -1
    if width < 1 or height < 1 or len(body) != full_length + thumb_length:
        # Killed (out of memory, a signal) or crashed inside a codec: the file is not one we can use.
        log.warning("image worker failed (exit %s): %s", done.returncode, done.stderr.decode(errors="replace")[-500:])
        raise ImageRejected(DAMAGED, max_pixels)
    return body[:full_length], body[full_length:], width, height


def _answer(line: bytes) -> dict[str, Any]:
    """The worker's answer line, or {} when it wrote none that makes sense."""
    try:
        answer = json.loads(line)
    except ValueError:
        return {}
    return answer if isinstance(answer, dict) else {}


def store_image(data: bytes, target: Store | str | os.PathLike[str],
                max_pixels: int = DEFAULT_MAX_PIXELS) -> StoredImage:
    """Validate `data`, write a full-size and a thumbnail JPEG under new names in `target` (a store, or a folder:
    see storage.resolve), return their names. Either both files are written or neither is."""
    full, thumb, width, height = _render(data, max_pixels)
    store = resolve(target)
    stem = uuid.uuid4().hex
    names = (f"{stem}.jpg", f"{stem}-t.jpg")
    written: list[str] = []
    try:
        for name, content in zip(names, (full, thumb)):
            store.put(name, content)
            written.append(name)
    except BaseException:
        delete_image(store, *written)
        raise
    return StoredImage(names[0], names[1], width, height)


def delete_image(target: Store | str | os.PathLike[str], *names: str) -> None:
    """Remove stored files, ignoring ones already gone. Best effort: when the store refuses, the files stay (logged)
    under random names nothing refers to, and the caller goes on (its database change is already made)."""
    store = resolve(target)
    try:
        store.delete(*names)
    except StorageError:
        log.warning("left %s behind in %s", ", ".join(names), store.describe(), exc_info=True)
