"""Catalogue throughput benchmark: how much the catalogue and search pages cost next to a bare route.

It builds a throwaway database (SQLite in a temp dir, or the PostgreSQL database given with
--database-url), loads the demo data plus 10,000 generated products, starts gunicorn on a free
loopback port and measures each target with wrk. The figures that matter are ratios, which travel
between machines better than raw requests per second:

    catalog/bare    /products against /ping            target >= 0.12
    search/catalog  /products?q=红枣 against /products  target >= 0.8
    kept/bare       /products kept for visitors (shop.web.pagecache) against /ping   target >= 0.5
    catalog/minimal /products against bench/minimal.py's hand-written 24-card page   target >= 1.0

The uncached targets run on a server with PAGE_CACHE_SECONDS=0; the "kept" ones on a second server with the
page cache on (each worker's memory), as wrk's requests carry no cookie, like a visitor's first page; the
minimal page on a third server (bench.minimal:app, same database, same worker count). The three servers run
side by side and the targets are measured in interleaved rounds (every target once per round, after one
warm-up each): a ratio is the median of its per-round ratios and a rate the median of its rounds, so a few
seconds of noise on a busy machine move one round, not the verdict.

Usage: python bench/catalog.py [--database-url URL] [--rounds 3] [--duration 5] [--connections 16]
                               [--workers 2] [--threads 2] [--products 10000]

The exit status is non-zero when the set-up, the server or wrk fails (including non-2xx answers
or socket errors); missing a target only prints MISS. Results are also written as JSON to
bench/results/catalog-<timestamp>.json.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import (  # noqa: E402
    HOST,
    REPO_ROOT,
    RESULTS_DIR,
    BenchError,
    bench_env,
    fetch_status,
    free_port,
    run_flask,
    start_server,
    stop_server,
    wait_until_up,
    warn_if_busy,
)

SEARCH = quote("红枣")

# Server name -> (settings on top of the environment, WSGI app).
SERVERS = {
    "uncached": ({"PAGE_CACHE_SECONDS": "0"}, "wsgi:app"),
    "kept": ({}, "wsgi:app"),  # the page cache on, in each worker's memory
    "minimal": ({}, "bench.minimal:app"),  # bench/minimal.py's hand-written catalogue page, same database
}
# (name, path, server): the first is the bare route the others are compared against.
TARGETS = [
    ("bare", "/ping", "uncached"),
    ("catalog", "/products", "uncached"),
    ("catalog p50", "/products?page=50", "uncached"),
    ("search", f"/products?q={SEARCH}", "uncached"),
    ("search+filter", f"/products?q={SEARCH}&sort=price_asc&in_stock=y", "uncached"),
    ("catalog kept", "/products", "kept"),
    ("search kept", f"/products?q={SEARCH}", "kept"),
    ("minimal", "/products", "minimal"),
]
MINIMAL = "minimal"
# (label, numerator, denominator, minimum ratio of requests/sec)
CHECKS = [
    ("catalog/bare", "catalog", "bare", 0.12),
    ("search/catalog", "search", "catalog", 0.8),
    ("kept/bare", "catalog kept", "bare", 0.5),
    ("catalog/minimal", "catalog", MINIMAL, 1.0),
]
WARM_UP_SECONDS = 2
TIME_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


@dataclass
class Result:
    name: str
    path: str
    requests_per_sec: float
    p50_ms: float
    p99_ms: float
    requests: int
    non_2xx_3xx: int = 0
    socket_errors: dict = field(default_factory=dict)

    @property
    def failures(self) -> list[str]:
        problems = [f"{self.non_2xx_3xx} non-2xx/3xx responses"] if self.non_2xx_3xx else []
        problems += [f"{n} socket {kind} errors" for kind, n in self.socket_errors.items() if n]
        return problems


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url",
                        help="e.g. postgresql+psycopg://user:pass@host/db (default: SQLite in a temp dir)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds over every target (default 3)")
    parser.add_argument("--duration", type=int, default=5, help="seconds of wrk per target and round (default 5)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (default 16)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--products", type=int, default=10_000, help="generated products (default 10000)")
    args = parser.parse_args(argv)
    for name in ("rounds", "duration", "connections", "threads", "workers"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be at least 1")
    if args.connections < args.threads:
        parser.error("--connections must be at least --threads (wrk needs one connection per thread)")
    return args


def prepare_database(env: dict[str, str], products: int) -> float:
    """Build the schema and load the data; return how long seeding took, in seconds."""
    started = time.perf_counter()
    run_flask(env, "db", "upgrade")
    print(f"schema built in {time.perf_counter() - started:.1f}s")
    started = time.perf_counter()
    run_flask(env, "seed-demo", "--products", str(products))
    seconds = time.perf_counter() - started
    print(f"seeded demo data + {products} products in {seconds:.1f}s")
    return seconds


def warn_if_untranslated() -> None:
    if not list((REPO_ROOT / "shop" / "translations").glob("*/LC_MESSAGES/messages.mo")):
        print("warning: no compiled translations (run `make translations`): pages render untranslated")


def run_wrk(wrk: str, url: str, args: argparse.Namespace, duration: int) -> str:
    command = [wrk, f"-t{args.threads}", f"-c{args.connections}", f"-d{duration}s", "--latency", url]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60)
    except subprocess.TimeoutExpired as exc:
        raise BenchError(f"wrk did not finish: {' '.join(command)}") from exc
    if done.returncode != 0:
        raise BenchError(f"wrk failed ({done.returncode}) on {url}:\n{done.stdout}{done.stderr}")
    return done.stdout


def to_ms(value: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", value)
    if not match:
        raise BenchError(f"unexpected wrk time value: {value!r}")
    return float(match.group(1)) * TIME_UNITS[match.group(2)]


def parse_wrk(name: str, path: str, output: str) -> Result:
    """Requests/sec, the 50% and 99% latencies and any errors from `wrk --latency` output."""
    def find(pattern: str) -> re.Match | None:
        return re.search(pattern, output, re.MULTILINE)

    rate, p50, p99 = find(r"^Requests/sec:\s+([\d.]+)"), find(r"^\s+50%\s+(\S+)"), find(r"^\s+99%\s+(\S+)")
    count = find(r"^\s+(\d+) requests in")
    if not (rate and p50 and p99 and count):
        raise BenchError(f"could not read wrk output for {path}:\n{output}")
    non_2xx = find(r"^\s+Non-2xx or 3xx responses:\s+(\d+)")
    errors = find(r"^\s+Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")
    socket_errors = {}
    if errors:
        socket_errors = dict(zip(("connect", "read", "write", "timeout"), map(int, errors.groups())))
    return Result(name=name, path=path, requests_per_sec=float(rate.group(1)), p50_ms=to_ms(p50.group(1)),
                  p99_ms=to_ms(p99.group(1)), requests=int(count.group(1)),
                  non_2xx_3xx=int(non_2xx.group(1)) if non_2xx else 0, socket_errors=socket_errors)


def measure(wrk: str, server: subprocess.Popen, base: str, name: str, path: str, args: argparse.Namespace,
            duration: int) -> Result:
    """One wrk run of `duration` seconds against `path` on the server at `base`."""
    result = parse_wrk(name, path, run_wrk(wrk, base + path, args, duration))
    if server.poll() is not None:
        raise BenchError(f"gunicorn exited with status {server.returncode} while measuring {path}")
    return result


def median_result(rounds: list[Result]) -> Result:
    """One target over its rounds: the median rate and latencies, the requests and failures added up."""
    errors: dict[str, int] = {}
    for one in rounds:
        for kind, count in one.socket_errors.items():
            errors[kind] = errors.get(kind, 0) + count
    first = rounds[0]
    return Result(name=first.name, path=first.path,
                  requests_per_sec=statistics.median(r.requests_per_sec for r in rounds),
                  p50_ms=statistics.median(r.p50_ms for r in rounds),
                  p99_ms=statistics.median(r.p99_ms for r in rounds),
                  requests=sum(r.requests for r in rounds), non_2xx_3xx=sum(r.non_2xx_3xx for r in rounds),
                  socket_errors=errors)


def ratios(rounds: list[dict[str, Result]]) -> list[dict]:
    """Each check's median over the rounds of its per-round ratio (both sides measured in the same round)."""
    rows = []
    for label, top, bottom, target in CHECKS:
        per_round = [one[top].requests_per_sec / one[bottom].requests_per_sec for one in rounds]
        ratio = statistics.median(per_round)
        rows.append({"ratio": label, "value": round(ratio, 3), "target": target, "met": ratio >= target,
                     "rounds": [round(value, 3) for value in per_round]})
    return rows


def print_report(results: dict[str, Result], checks: list[dict]) -> None:
    bare = results["bare"].requests_per_sec
    print(f"\n{'target':<14} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'/bare':>7}  path")
    for r in results.values():
        print(f"{r.name:<14} {r.requests_per_sec:>9.1f} {r.p50_ms:>8.2f} {r.p99_ms:>8.2f} "
              f"{r.requests_per_sec / bare:>7.3f}  {r.path}")
    print()
    for check in checks:
        verdict = "PASS" if check["met"] else "MISS"
        print(f"{check['ratio']:<15} {check['value']:>6.3f}  (target >= {check['target']})  {verdict}")


def write_json(args: argparse.Namespace, results: dict[str, Result], checks: list[dict],
               rounds: list[dict[str, Result]], context: dict) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"catalog-{stamp}.json"
    database = args.database_url.split(":", 1)[0] if args.database_url else "sqlite"
    bare = results["bare"].requests_per_sec
    document = {
        "timestamp": datetime.now().astimezone().isoformat(timespec="seconds"),
        "database": database,
        "products": args.products,
        **context,
        "wrk": {"threads": args.threads, "connections": args.connections, "duration_s": args.duration,
                "rounds": args.rounds},
        "gunicorn_workers": args.workers,
        "cpus": os.cpu_count(),
        "results": [{**asdict(r), "ratio_to_bare": round(r.requests_per_sec / bare, 4)}
                    for r in results.values()],
        "checks": checks,
        "rounds": [{name: r.requests_per_sec for name, r in one.items()} for one in rounds],
    }
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def benchmark(args: argparse.Namespace, wrk: str, tmp: Path) -> int:
    env = bench_env(tmp, args.database_url)
    warn_if_untranslated()
    load = warn_if_busy()
    seed_seconds = prepare_database(env, args.products)
    with ExitStack() as servers:
        bases = {name: servers.enter_context(serving({**env, **settings}, args, tmp, app))
                 for name, (settings, app) in SERVERS.items()}
        print(f"gunicorn: {args.workers} workers per server; wrk: {args.threads} threads, {args.connections} "
              f"connections; {args.rounds} rounds of {args.duration}s per target")
        rounds = measure_rounds(wrk, bases, args)
    results = {name: median_result([one[name] for one in rounds]) for name in rounds[0]}
    checks = ratios(rounds)
    print_report(results, checks)
    saved = write_json(args, results, checks, rounds,
                       {"seed_seconds": round(seed_seconds, 2), "load_average": load})
    print(f"\nresults written to {saved.relative_to(REPO_ROOT)}")
    failures = [f"{r.path}: {problem}" for r in results.values() for problem in r.failures]
    for failure in failures:
        print(f"error: {failure}", file=sys.stderr)
    return 1 if failures else 0


def measure_rounds(wrk: str, bases: dict[str, tuple[subprocess.Popen, str]],
                   args: argparse.Namespace) -> list[dict[str, Result]]:
    """Every target checked (200), warmed up, then measured once per round, the rounds one after another."""
    for name, path, server in TARGETS:
        process, base = bases[server]
        status = fetch_status(base + path)
        if status != 200:
            raise BenchError(f"{path} on the {server} server answered {status}, not 200")
        measure(wrk, process, base, name, path, args, WARM_UP_SECONDS)
    rounds = []
    for number in range(1, args.rounds + 1):
        one = {}
        for name, path, server in TARGETS:
            process, base = bases[server]
            one[name] = measure(wrk, process, base, name, path, args, args.duration)
        print(f"  round {number}: " + ", ".join(f"{name} {r.requests_per_sec:.0f}" for name, r in one.items())
              + " req/s")
        rounds.append(one)
    return rounds


@contextmanager
def serving(env: dict[str, str], args: argparse.Namespace, tmp: Path,
            app: str) -> Iterator[tuple[subprocess.Popen, str]]:
    """gunicorn serving `app` with `env` on a free port while the block runs (its process and base URL); its log's
    end is shown if anything goes wrong."""
    port = free_port()
    base = f"http://{HOST}:{port}"
    log_path = tmp / f"gunicorn-{port}.log"
    with open(log_path, "wb") as log:
        server = start_server(env, args.workers, port, log, app)
        try:
            wait_until_up(server, base)
            yield server, base
        except BenchError:
            stop_server(server)
            print(f"--- gunicorn log of {app} (last 40 lines) ---\n{tail(log_path, 40)}", file=sys.stderr)
            raise
        finally:
            stop_server(server)


def tail(path: Path, lines: int) -> str:
    return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    wrk = shutil.which("wrk")
    if wrk is None:
        print("error: wrk is not installed (Debian/Ubuntu: apt-get install wrk)", file=sys.stderr)
        return 2
    tmp = Path(tempfile.mkdtemp(prefix="bangfu-bench-"))
    try:
        return benchmark(args, wrk, tmp)
    except BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
