"""Run in a fresh interpreter by tests/unit/test_image_memory.py: store uploads as a web worker would, report memory.

    python -m tests.image_memory_probe SMALL_FILE BIG_FILE COPIES

stores SMALL_FILE once (imports and first use), then COPIES of BIG_FILE at once from as many threads, each as a
product photo (with its WebPs, the most an upload makes), and prints one JSON line (MB): this process's peak
above its baseline, what it still holds above that baseline afterwards, and the largest peak of any child
process; plus the outcome of each upload.
"""
from __future__ import annotations

import json
import resource
import sys
import tempfile
import threading
from pathlib import Path

from shop.core.images import ImageRejected, store_image


def status_mb(field: str) -> float:
    """VmRSS (resident memory now) or VmHWM (its high-water mark) of this process image.

    Not ru_maxrss for this process: Linux carries that over from the parent (here pytest) across exec."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


def children_peak_mb() -> float:
    """The largest peak of any child, in MB (Linux: KB). An upper bound: a child's figure includes this
    process's own peak when it was started (carried over across exec), about 40 MB here."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def main(small: str, big: str, copies: int) -> None:
    folder = tempfile.mkdtemp()
    store_image(Path(small).read_bytes(), folder, webp=True)
    data = Path(big).read_bytes()
    baseline = status_mb("VmRSS")
    outcomes: list[str] = []

    def upload() -> None:
        try:
            store_image(data, folder, webp=True)
            outcomes.append("stored")
        except ImageRejected as exc:
            outcomes.append(exc.reason)

    threads = [threading.Thread(target=upload) for _ in range(copies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(json.dumps({"peak_above_baseline": status_mb("VmHWM") - baseline,
                      "after_above_baseline": status_mb("VmRSS") - baseline,
                      "child_peak": children_peak_mb(), "outcomes": outcomes}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
