"""Files the shop stores on disk under names it makes itself, written so that a reader never sees half a file."""
from __future__ import annotations

import os
from pathlib import Path


def write_atomically(folder: str | os.PathLike[str], name: str, data: bytes) -> None:
    """Write `data` as folder/name through a temporary file and a rename; nothing is left behind on failure."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{name}.part"
    try:
        tmp.write_bytes(data)
        os.replace(tmp, folder / name)
    finally:
        tmp.unlink(missing_ok=True)
