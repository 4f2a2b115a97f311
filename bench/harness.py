"""What every benchmark needs: a throwaway environment, the flask commands, and gunicorn on loopback."""
from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
# bench/run.py (make bench) gives each benchmark a directory of its own to find its results in.
RESULTS_DIR = Path(os.environ.get("BENCH_RESULTS_DIR") or REPO_ROOT / "bench" / "results")
HOST = "127.0.0.1"
STARTUP_TIMEOUT = 30


class BenchError(RuntimeError):
    """The benchmark could not produce trustworthy numbers."""


def bench_env(tmp: Path, database_url: str | None) -> dict[str, str]:
    """The environment of the flask commands and of gunicorn: everything throwaway, debugger off.

    SHOP_ENV=development so that production's start-up checks (public URL, mail) need no settings;
    it only changes cookie flags, not the work a page does.
    """
    uploads = tmp / "uploads"
    uploads.mkdir()
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": database_url or f"sqlite:///{tmp / 'bench.sqlite3'}",
        "UPLOAD_FOLDER": str(uploads),
        "SECRET_KEY": secrets.token_hex(32),
        "SHOP_ENV": "development",
        "FLASK_DEBUG": "0",
        "MAIL_BACKEND": "outbox",
        "MAIL_OUTBOX": str(tmp / "outbox"),
        # Every simulated buyer logs in and searches from 127.0.0.1: the per-address limits would stop them.
        "RATELIMIT_ENABLED": "0",
        "PYTHONUNBUFFERED": "1",
    })
    return env


def run_flask(env: dict[str, str], *args: str) -> None:
    """`flask --app wsgi <args>` with this interpreter; output shown only on failure."""
    command = [sys.executable, "-m", "flask", "--app", "wsgi", *args]
    done = subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BenchError(f"`flask {' '.join(args)}` failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    if done.stdout.strip():
        print(f"  {done.stdout.strip()}")


def load_average() -> float | None:
    """The 1-minute load average where the OS has one (the figures mean little on a busy machine)."""
    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):
        return None


def warn_if_busy() -> float | None:
    """Warn when the machine is already busy; return the load average for the record."""
    load, cpus = load_average(), os.cpu_count() or 1
    if load is not None and load > cpus / 2:
        print(f"warning: load average {load} on {cpus} CPUs: other work will skew the figures")
    return load


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def gunicorn_extra_options() -> list[str]:
    """Newer gunicorns open a control socket at a fixed per-user path; keep ours from taking it over."""
    done = subprocess.run([sys.executable, "-m", "gunicorn", "--help"], capture_output=True, text=True)
    return ["--no-control-socket"] if "--no-control-socket" in done.stdout else []


def start_server(env: dict[str, str], workers: int, port: int, log, app: str = "wsgi:app") -> subprocess.Popen:
    """gunicorn serving `app` (the shop unless told otherwise) on loopback with `workers` sync workers."""
    command = [sys.executable, "-m", "gunicorn", "--bind", f"{HOST}:{port}", "--workers", str(workers),
               *gunicorn_extra_options(), app]
    return subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def fetch_status(url: str, timeout: float = 10) -> int:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def wait_until_up(server: subprocess.Popen, base: str) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise BenchError(f"gunicorn exited with status {server.returncode} while starting")
        try:
            if fetch_status(base + "/ping", timeout=1) == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise BenchError(f"gunicorn did not answer /ping within {STARTUP_TIMEOUT}s")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@contextmanager
def demo_app_context(tmp: Path, database_url: str | None):
    """An app context on a throwaway database built by the migrations and seeded with the demo data, for
    benchmarks that run in-process. A PostgreSQL database given by URL is emptied first."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from shop import create_app
    from shop.demo.seed import seed_demo
    from shop.extensions import db

    url = database_url or f"sqlite:///{tmp / 'bench.sqlite3'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "UPLOAD_FOLDER": str(tmp / "uploads"),
                      "PRIVATE_FOLDER": str(tmp / "private"), "MAIL_OUTBOX": str(tmp / "outbox"),
                      "IMPACT_CACHE_SECONDS": 0, "RATELIMIT_ENABLED": False})
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade()
        seed_demo()
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()


def settle_after_load(engine, sqlite_analyze: bool = False) -> float:
    """Let the database finish with a bulk load before anything is timed, as it has long finished with a catalogue
    loaded once before visitors come; returns the seconds it took. On PostgreSQL: VACUUM ANALYZE (statistics, and
    the visibility map index-only scans need), then CHECKPOINT, so the timings do not share the disk with the
    checkpointer writing the load out (after 1,000,000 generated listings a spread checkpoint went on writing for
    3½ minutes, through the whole timing of the list pages, which came out three times slower than at 10,000).
    On SQLite: the write-ahead log folded into the database file and truncated, and with `sqlite_analyze` the
    statistics gathered (catalog_counts.py times its lists without them, at every size alike)."""
    from sqlalchemy import text

    started = time.perf_counter()
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
            connection.execute(text("CHECKPOINT"))
    else:
        # The driver's connection: the app's engine begins a transaction on every SQLAlchemy connection (see
        # shop/core/database.py), and SQLite does not checkpoint from inside one.
        connection = engine.raw_connection()
        try:
            cursor = connection.cursor()
            if sqlite_analyze:
                cursor.execute("ANALYZE")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            cursor.close()
        finally:
            connection.close()
    return time.perf_counter() - started


def save_results(name: str, results: dict) -> Path:
    """Write a benchmark's results as bench/results/<name>-<timestamp>.json (git-ignored)."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{name}-{datetime.now().strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path
