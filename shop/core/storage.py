"""Where the shop keeps files under names it makes itself: a folder on disk, or an S3-compatible object store.

Two areas: public media (product photos and their thumbnails, served by /media) and private files (licences,
proofs, later invoices and certificates; served only by views that check who asks). STORAGE_URL chooses the
backend: empty or file:// keeps today's instance folders (UPLOAD_FOLDER, PRIVATE_FOLDER), file:///path keeps
path/media and path/private, s3://bucket/prefix keeps the keys prefix/media/<name> and prefix/private/<name>.
A store holds names only, never paths: a name is one path segment made by the shop (see valid_name).
"""
from __future__ import annotations

import logging
import mimetypes
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any, Protocol
from urllib.parse import urlsplit

from flask import Flask, current_app, has_app_context

log = logging.getLogger(__name__)

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9]+)?")
AREAS = ("media", "private")


class StorageError(RuntimeError):
    """The store could not do what was asked (unreachable, refused); the message says which store and why."""


def valid_name(name: str) -> bool:
    """Whether `name` is one the shop could have made: one segment, no dots but the extension's, no slash."""
    return bool(NAME.fullmatch(name)) and len(name) <= 128


# The photos' types, not left to the host's MIME tables (older ones lack WebP).
IMAGE_TYPES = {"jpg": "image/jpeg", "webp": "image/webp"}


def content_type(name: str) -> str:
    """The media type a stored file is kept and served as, from the extension the shop gave it."""
    return IMAGE_TYPES.get(name.rsplit(".", 1)[-1]) or mimetypes.guess_type(name)[0] or "application/octet-stream"


@dataclass
class StoredFile:
    """An open stored file: read it by chunks, then close it."""

    stream: IO[bytes]
    size: int
    modified: datetime
    etag: str

    def chunks(self, size: int = 64 * 1024) -> Iterator[bytes]:
        """The content, `size` bytes at a time; closes the file at the end."""
        try:
            while chunk := self.stream.read(size):
                yield chunk
        finally:
            self.stream.close()


class Store(Protocol):
    """One area of storage, addressed by file name."""

    def put(self, name: str, data: bytes) -> None:
        """Keep `data` under `name`, replacing what was there; a reader never sees half a file."""

    def get(self, name: str) -> bytes | None:
        """The whole file, or None when there is none by that name."""

    def open(self, name: str) -> StoredFile | None:
        """The file for streaming, or None when there is none by that name."""

    def exists(self, name: str) -> bool:
        """Whether a file by that name is kept."""

    def delete(self, *names: str) -> None:
        """Remove files, ignoring ones already gone; StorageError if the store refuses."""

    def names(self) -> Iterator[str]:
        """Every name kept (for moving files and finding orphans)."""

    def describe(self) -> str:
        """Where the files are, for messages (never a secret)."""


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


class FolderStore:
    """Files in one folder on this host's disk."""

    def __init__(self, folder: str | os.PathLike[str]):
        self.folder = Path(folder)

    def _path(self, name: str) -> Path | None:
        return self.folder / name if valid_name(name) else None

    def put(self, name: str, data: bytes) -> None:
        """See Store.put."""
        if not valid_name(name):
            raise ValueError(f"not a stored file name: {name!r}")
        write_atomically(self.folder, name, data)

    def get(self, name: str) -> bytes | None:
        """See Store.get."""
        stored = self.open(name)
        return None if stored is None else b"".join(stored.chunks())

    def open(self, name: str) -> StoredFile | None:
        """See Store.open."""
        path = self._path(name)
        if path is None:
            return None
        try:
            stream = open(path, "rb")  # closed by StoredFile.chunks, or by the response that sends it
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return None
        stat = os.fstat(stream.fileno())
        return StoredFile(stream, stat.st_size, datetime.fromtimestamp(stat.st_mtime, timezone.utc),
                          f"{int(stat.st_mtime_ns):x}-{stat.st_size:x}")

    def exists(self, name: str) -> bool:
        """See Store.exists."""
        path = self._path(name)
        return bool(path and path.is_file())

    def delete(self, *names: str) -> None:
        """See Store.delete."""
        for name in names:
            path = self._path(name)
            if path:
                path.unlink(missing_ok=True)

    def names(self) -> Iterator[str]:
        """See Store.names."""
        if self.folder.is_dir():
            for path in sorted(self.folder.iterdir()):
                if path.is_file() and valid_name(path.name):
                    yield path.name

    def describe(self) -> str:
        """See Store.describe."""
        return f"folder {self.folder}"


@dataclass(frozen=True)
class Storage:
    """The shop's two areas, and the public address of media when a CDN or the bucket serves them directly."""

    media: Store
    private: Store
    public_url: str = ""

    def area(self, name: str) -> Store:
        """The store for "media" or "private"."""
        return self.media if name == "media" else self.private


def parse_url(url: str) -> tuple[str, str, str]:
    """STORAGE_URL as (scheme, location, prefix): ("file", "", ""), ("file", "/srv/files", ""),
    ("s3", "bucket", "some/prefix"); ValueError saying what is wrong."""
    url = (url or "").strip()
    if not url:
        return "file", "", ""
    parts = urlsplit(url)
    if parts.scheme == "file":
        if parts.netloc:
            raise ValueError("file:// takes an absolute path (file:///srv/bangfu-files), not a host")
        return "file", parts.path.rstrip("/"), ""
    if parts.scheme == "s3":
        if not parts.netloc:
            raise ValueError("s3:// needs a bucket: s3://bucket or s3://bucket/prefix")
        return "s3", parts.netloc, parts.path.strip("/")
    raise ValueError(f"STORAGE_URL must start with file:// or s3://, not {url!r}")


def storage_from_config(config: dict[str, Any]) -> Storage:
    """The stores STORAGE_URL and its settings describe (no connection is made here)."""
    scheme, location, prefix = parse_url(config.get("STORAGE_URL", ""))
    public_url = (config.get("STORAGE_PUBLIC_URL") or "").rstrip("/")
    if scheme == "file":
        if not location:
            return Storage(FolderStore(config["UPLOAD_FOLDER"]), FolderStore(config["PRIVATE_FOLDER"]), public_url)
        return Storage(FolderStore(Path(location) / "media"), FolderStore(Path(location) / "private"), public_url)
    from shop.core.s3_store import S3Store, s3_client  # boto3 is imported only when a bucket is configured

    client = s3_client(config)
    stores = [S3Store(client, location, "/".join(filter(None, (prefix, area)))) for area in AREAS]
    return Storage(stores[0], stores[1], public_url)


def init_app(app: Flask) -> None:
    """Make the app's stores from its config (create_app calls this)."""
    app.extensions["storage"] = storage_from_config(app.config)


def storage() -> Storage:
    """The current app's stores."""
    stores: Storage = current_app.extensions["storage"]
    return stores


def media_store() -> Store:
    """Where product photos are kept (public, served by /media)."""
    return storage().media


def private_store() -> Store:
    """Where licences, proofs, invoices and certificates are kept (served only after an access check)."""
    return storage().private


def resolve(target: Store | str | os.PathLike[str]) -> Store:
    """A store for `target`: a store as it is; a folder as a store of that folder, except that the app's
    UPLOAD_FOLDER or PRIVATE_FOLDER means the configured store of that area, so code that passes the folder
    (as before object storage) still writes where the app reads."""
    if not isinstance(target, (str, os.PathLike)):
        return target
    folder = Path(target)
    if has_app_context() and "storage" in current_app.extensions:
        for key, area in (("UPLOAD_FOLDER", "media"), ("PRIVATE_FOLDER", "private")):
            configured = current_app.config.get(key)
            if configured and Path(configured) == folder:
                return storage().area(area)
    return FolderStore(folder)


@dataclass
class MoveCount:
    """What moving one area's files did."""

    copied: int = 0
    present: int = 0  # already in the store under that name: left as it is
    removed: int = 0  # local copies deleted afterwards (--delete-local)

    def __str__(self) -> str:
        return f"{self.copied} copied, {self.present} already there, {self.removed} local copies removed"


def move_files(source: FolderStore, target: Store, delete_local: bool = False) -> MoveCount:
    """Copy every file of `source` that `target` lacks (run it again and it copies nothing); with
    `delete_local`, remove each local file once the store has it. The same folder on both sides moves nothing."""
    count = MoveCount()
    if isinstance(target, FolderStore) and target.folder.resolve() == source.folder.resolve():
        return count
    for name in source.names():
        if target.exists(name):
            count.present += 1
        else:
            data = source.get(name)
            if data is None:  # deleted meanwhile (a photo removed while moving): nothing to move
                continue
            target.put(name, data)
            count.copied += 1
        if delete_local:
            source.delete(name)
            count.removed += 1
    return count
