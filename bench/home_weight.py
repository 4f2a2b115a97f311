"""How heavy the home page is on a phone's first visit: bytes transferred at 390 px, by kind, against the targets.

Builds a throwaway database with the demo data (its banner slides, sections and some sales), serves it with
gunicorn on loopback, opens `/` in Debian's chromium through Playwright at 390 × 844 (device scale 2, like a
phone) with an empty cache, waits for the network to settle without scrolling, and adds up what was transferred
(headers and bodies, as sent): HTML, CSS, JS, images, fonts. The checked total is the issue's measure: HTML, CSS,
JS and the pictures above the fold (any part in the first screen); "fetched" is everything the browser loaded
meanwhile, lazy pictures it chose to fetch early included. Also counts render-blocking scripts (in <head>, neither
defer nor async).

    python bench/home_weight.py [--database-url URL] [--sales N] [--base-url http://127.0.0.1:8000]
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import (  # noqa: E402
    BenchError,
    bench_env,
    free_port,
    run_flask,
    save_results,
    start_server,
    stop_server,
    wait_until_up,
)

TARGETS = {"total": 300 * 1024, "stylesheet": 40 * 1024, "blocking scripts": 0}
KINDS = ("document", "stylesheet", "script", "image", "font")
BLOCKING = ("document.querySelectorAll('head script[src]:not([defer]):not([async]):not([type=module])')"
            ".length")
# The pictures a visitor sees before scrolling: any part inside the first screen.
ABOVE_THE_FOLD = """() => [...document.images].filter(image => {
  const box = image.getBoundingClientRect();
  return image.currentSrc && box.bottom > 0 && box.top < innerHeight && box.right > 0 && box.left < innerWidth;
}).map(image => image.currentSrc)"""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="PostgreSQL to use (emptied by the migrations' data); default SQLite")
    parser.add_argument("--sales", type=int, default=20, help="demo orders to pay first, so the figures show")
    parser.add_argument("--base-url", help="measure a server already running (e.g. `make run`'s) instead")
    return parser.parse_args(argv)


def measure(base: str) -> dict[str, int]:
    """Bytes per resource kind on a first visit to `base`/ at 390 px, and the render-blocking scripts."""
    from playwright.sync_api import sync_playwright

    executable = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        raise BenchError("chromium is not installed")
    sizes = {kind: 0 for kind in (*KINDS, "other")}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True,
                                             args=["--no-sandbox", "--disable-gpu"])
        context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2,
                                      is_mobile=True, has_touch=True, locale="zh-CN")
        page = context.new_page()
        finished = []
        page.on("requestfinished", lambda request: finished.append(request))
        page.goto(base + "/", wait_until="networkidle")
        for request in finished:
            kind = request.resource_type if request.resource_type in KINDS else "other"
            sizes[kind] += _bytes(request)
        sizes["blocking scripts"] = page.evaluate(BLOCKING)
        sizes["requests"] = len(finished)
        seen = set(page.evaluate(ABOVE_THE_FOLD))
        sizes["image above the fold"] = sum(_bytes(request) for request in finished if request.url in seen)
        browser.close()
    sizes["fetched"] = sum(sizes[kind] for kind in (*KINDS, "other"))
    sizes["total"] = sizes["fetched"] - sizes["image"] + sizes["image above the fold"]
    return sizes


def _bytes(request) -> int:
    transferred = request.sizes()
    return transferred["responseBodySize"] + transferred["responseHeadersSize"]


def report(sizes: dict[str, int]) -> list[dict]:
    """Print the figures and the checks; the checks as records."""
    for kind in (*KINDS, "other", "fetched", "image above the fold", "total"):
        print(f"{kind:>22}: {sizes[kind] / 1024:8.1f} KB")
    print(f"{'requests':>22}: {sizes['requests']:8d}")
    checks = []
    for name, limit in TARGETS.items():
        value = sizes[name]
        verdict = "PASS" if value <= limit else "MISS"
        shown = f"{value / 1024:.1f} KB ≤ {limit / 1024:.0f} KB" if limit else f"{value} ≤ 0"
        print(f"{verdict} {name}: {shown}")
        checks.append({"name": name, "value": value, "limit": limit, "pass": verdict == "PASS"})
    return checks


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    sizes = measure(args.base_url.rstrip("/")) if args.base_url else serve_and_measure(args)
    checks = report(sizes)
    print(f"results: {save_results('home-weight', {'sizes': sizes, 'checks': checks})}")
    return 0


def serve_and_measure(args: argparse.Namespace) -> dict[str, int]:
    """Seed a throwaway database, serve it with gunicorn and measure the home page."""
    with tempfile.TemporaryDirectory(prefix="bench-home-") as folder:
        tmp = Path(folder)
        env = bench_env(tmp, args.database_url)
        run_flask(env, "db", "upgrade")
        run_flask(env, "seed-demo", "--sales", str(args.sales))
        port = free_port()
        with open(tmp / "gunicorn.log", "w") as log:
            server = start_server(env, 1, port, log)
            try:
                wait_until_up(server, f"http://127.0.0.1:{port}")
                return measure(f"http://127.0.0.1:{port}")
            finally:
                stop_server(server)


if __name__ == "__main__":
    sys.exit(main())
