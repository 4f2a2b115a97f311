"""Page-weight benchmark: the home page's first load on a phone (390 px), measured from the browser's network events.

Set-up (not measured): a throwaway database with the demo data (`flask seed-demo --sales 80`, as `make run`),
gunicorn on loopback. Measured: one first load of `/` in Debian's Chromium driven by Playwright, in a fresh
window 390 × 844 px with an empty cache, until the network is idle, without scrolling. Every finished response
is counted by its size on the wire (headers + body, as sent). Images count towards the target when their
element is above the fold (its top inside the first screen); the images a browser fetched ahead for lower down
are reported beside it. Reported: bytes per kind, the target's total, CSS, and the scripts that block
rendering (a classic script with a src and neither defer nor async, in <head>).

Usage: python bench/pageweight.py [--database-url URL] [--width 390] [--scale 3]
Targets (issue #14): target total <= 300 KB, CSS <= 40 KB, no render-blocking script.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import (  # noqa: E402
    HOST,
    BenchError,
    bench_env,
    free_port,
    run_flask,
    save_results,
    start_server,
    stop_server,
    wait_until_up,
)

KB = 1024
TARGETS = {"total_kb": 300, "css_kb": 40}
# The page's own view of what it loaded: images above the fold and the scripts that block rendering.
PAGE_FACTS = """() => {
  const fold = window.innerHeight;
  const above = [...document.images].filter(img => img.currentSrc && img.getBoundingClientRect().top < fold)
    .map(img => img.currentSrc);
  const blocking = [...document.head.querySelectorAll('script[src]')]
    .filter(s => !s.async && !s.defer && s.type !== 'module').map(s => s.src);
  return {above_fold_images: above, blocking_scripts: blocking};
}"""


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="a PostgreSQL URL (default: SQLite in a temp dir)")
    parser.add_argument("--width", type=int, default=390)
    parser.add_argument("--height", type=int, default=844)
    parser.add_argument("--scale", type=float, default=3, help="device pixel ratio (srcset picks by it)")
    return parser.parse_args(argv)


def kind_of(resource_type: str) -> str:
    """The column a response is counted in."""
    if resource_type in ("image", "font"):
        return resource_type
    return {"document": "html", "stylesheet": "css", "script": "js"}.get(resource_type, "other")


def measure(base: str, args: argparse.Namespace) -> dict:
    """Load the home page once in a fresh phone window and sum what crossed the wire."""
    from playwright.sync_api import sync_playwright

    executable = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        raise BenchError("Debian's chromium is needed (apt-get install chromium)")
    responses: list[dict] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": args.width, "height": args.height}, is_mobile=True,
                                      has_touch=True, device_scale_factor=args.scale, locale="zh-CN")
        page = context.new_page()

        def finished(request):
            sizes = request.sizes()
            responses.append({"url": request.url, "kind": kind_of(request.resource_type),
                              "bytes": sizes["responseBodySize"] + sizes["responseHeadersSize"]})

        page.on("requestfinished", finished)
        answer = page.goto(base + "/", wait_until="networkidle")
        if answer is None or answer.status != 200:  # an error page would weigh little and pass
            raise SystemExit(f"/ answered {answer.status if answer else 'nothing'}, not 200")
        facts = page.evaluate(PAGE_FACTS)
        browser.close()
    return summarise(responses, facts)


def summarise(responses: list[dict], facts: dict) -> dict:
    """Bytes per kind, the target's total (everything but images below the fold), and the checks."""
    above = set(facts["above_fold_images"])
    by_kind: dict[str, int] = {}
    for response in responses:
        by_kind[response["kind"]] = by_kind.get(response["kind"], 0) + response["bytes"]
    lower_images = sum(r["bytes"] for r in responses if r["kind"] == "image" and r["url"] not in above)
    everything = sum(by_kind.values())
    total = everything - lower_images
    return {
        "requests": len(responses),
        "kb_by_kind": {kind: round(size / KB, 1) for kind, size in sorted(by_kind.items())},
        "above_fold_images": len(above),
        "images_fetched_for_lower_down_kb": round(lower_images / KB, 1),
        "everything_fetched_kb": round(everything / KB, 1),
        "total_kb": round(total / KB, 1),
        "css_kb": round(by_kind.get("css", 0) / KB, 1),
        "blocking_scripts": facts["blocking_scripts"],
        "largest": sorted(responses, key=lambda r: -r["bytes"])[:5],
    }


def benchmark(args: argparse.Namespace, tmp: Path) -> dict:
    env = bench_env(tmp, args.database_url)
    run_flask(env, "db", "upgrade")
    run_flask(env, "seed-demo", "--sales", "80")
    port = free_port()
    with open(tmp / "gunicorn.log", "w") as log:
        server = start_server(env, 1, port, log)
        try:
            wait_until_up(server, f"http://{HOST}:{port}")
            result = measure(f"http://{HOST}:{port}", args)
        finally:
            stop_server(server)
    return {"database": "postgresql" if args.database_url else "sqlite", "width": args.width,
            "scale": args.scale, **result}


def verdicts(result: dict) -> list[str]:
    """One PASS/MISS line per target."""
    lines = [f"{name.replace('_kb', '')} {result[name]} KB (target <= {limit} KB): "
             f"{'PASS' if result[name] <= limit else 'MISS'}" for name, limit in TARGETS.items()]
    blocking = result["blocking_scripts"]
    lines.append(f"render-blocking scripts: {len(blocking)} {'PASS' if not blocking else 'MISS ' + str(blocking)}")
    return lines


def main(argv=None) -> int:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bangfu-bench-") as tmp:
        try:
            result = benchmark(args, Path(tmp))
        except BenchError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
    print(json.dumps(result, ensure_ascii=False, indent=2))
    for line in verdicts(result):
        print(line)
    print(f"saved {save_results('pageweight', result).name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
