"""Two app hosts on one PostgreSQL: gunicorn instances on their own loopback ports, each with its own folder for
everything on local disk (uploads, private files, outbox), sharing only what production hosts share: the database,
the object store (SeaweedFS S3), the SECRET_KEY and, when the suite has one, Redis."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from tests.seaweedfs import SeaweedFS, _die_with_pytest, _free_ports

ROOT = Path(__file__).resolve().parents[2]
READY_SECONDS = 60
CSRF_RE = re.compile(r'name="csrf_token"[^>]* value="([^"]+)"')


@dataclass(frozen=True)
class Host:
    """One app host: its address, its own folder, and the environment its processes run with."""

    url: str
    folder: Path
    env: dict

    def outbox(self) -> list[Path]:
        """The mails this host's processes wrote (MAIL_BACKEND=outbox)."""
        return sorted((self.folder / "outbox").glob("*.eml"))

    def run_jobs(self, *args: str) -> subprocess.Popen:
        """`flask --app wsgi run-jobs` on this host (its output in a file of its own in the host's folder)."""
        log = open(self.folder / f"jobs-{time.monotonic_ns()}.log", "wb")
        with log:
            return subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "run-jobs", *args], cwd=ROOT,
                                    env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                                    preexec_fn=_die_with_pytest)


def host_env(folder: Path, database_url: str, store: SeaweedFS, redis_url: str | None) -> dict:
    """The environment of one host: shared database, store and secret; its own disk; Redis when there is one."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("STRIPE_", "TEST_"))}
    env.update({
        "SHOP_ENV": "development", "SECRET_KEY": "hosts-test-secret", "DATABASE_URL": database_url,
        "UPLOAD_FOLDER": str(folder / "uploads"), "PRIVATE_FOLDER": str(folder / "private"),
        "MAIL_BACKEND": "outbox", "MAIL_OUTBOX": str(folder / "outbox"),
        "BANK_ACCOUNT_NAME": "帮扶集市运营有限公司", "BANK_NAME": "中国农业银行湖州分行",
        "BANK_ACCOUNT_NUMBER": "1905 0101 0400 12345", "PAYMENT_METHODS": "card",
        "RECONCILE_INTERVAL_MINUTES": "0", "PURGE_INTERVAL_MINUTES": "0",
        **store.settings("hosts"),
    })
    if redis_url:
        env.update({"RATELIMIT_STORAGE_URI": redis_url, "CACHE_REDIS_URL": redis_url,
                    "PAGE_CACHE_PREFIX": "bangfu-hosts:page:", "RATELIMIT_KEY_PREFIX": "bangfu-hosts"})
    return env


def _wait_until_up(host: Host, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({process.returncode}):\n{log.read_text()[-3000:]}")
        try:
            if requests.get(f"{host.url}/ping", timeout=5).status_code == 200:
                return
        except requests.RequestException:  # not listening yet, or its workers still starting
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn was not up after {READY_SECONDS} s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def hosts(app, database_url, request, tmp_path_factory):
    """Hosts A and B (gunicorn, two sync workers each) on the test database, already migrated by `app`."""
    if not database_url.startswith("postgresql"):
        pytest.skip("several app hosts share one PostgreSQL (set TEST_DATABASE_URL); a SQLite file is one host's")
    seaweedfs: SeaweedFS = request.getfixturevalue("seaweedfs")  # only once the hosts will run
    redis_url = os.environ.get("TEST_REDIS_URL")
    started: list[tuple[Host, subprocess.Popen, Path]] = []
    try:
        for name, port in zip("ab", _free_ports(2)):
            folder = tmp_path_factory.mktemp(f"host-{name}")
            host = Host(f"http://127.0.0.1:{port}", folder, host_env(folder, database_url, seaweedfs, redis_url))
            log = folder / "gunicorn.log"
            with open(log, "wb") as out:
                process = subprocess.Popen(
                    [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "2",
                     "--timeout", "60", "--graceful-timeout", "5", "wsgi:app"], cwd=ROOT, env=host.env, stdout=out,
                    stderr=subprocess.STDOUT, start_new_session=True, preexec_fn=_die_with_pytest)
            started.append((host, process, log))
        for host, process, log in started:
            _wait_until_up(host, process, log)
        yield [host for host, _, _ in started]
    finally:
        for _, process, _ in started:
            os.killpg(process.pid, signal.SIGTERM)
        for _, process, _ in started:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        seaweedfs.empty()


class Browser(requests.Session):
    """A person's browser: one cookie jar for the site, whichever host the proxy sends each request to."""

    def token(self, url: str) -> str:
        """The CSRF token of the page's first form."""
        return CSRF_RE.search(self.get(url, timeout=20).text).group(1)

    def submit(self, url: str, data: dict, token_from: str, **kwargs) -> requests.Response:
        """POST a form with a CSRF token read from `token_from` (a page on any host), not following redirects."""
        return self.post(url, data={**data, "csrf_token": self.token(token_from)}, allow_redirects=False,
                         timeout=20, **kwargs)

    def log_in(self, host: Host, email: str, password: str) -> None:
        """Log in through the login form on `host`."""
        response = self.submit(f"{host.url}/account/login", {"identifier": email, "password": password},
                               token_from=f"{host.url}/account/login")
        assert response.status_code == 302, response.text[-2000:]
