"""What one upload costs in memory: measured in a fresh interpreter, for the worker and for the decoding child."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.image_files import write_png

ROOT = Path(__file__).resolve().parents[2]
BUDGET_MB = 150


def measure(tmp_path: Path, big: Path, copies: int = 1) -> dict:
    small = write_png(tmp_path / "small.png", 64, 48)
    done = subprocess.run([sys.executable, "-m", "tests.image_memory_probe", str(small), str(big), str(copies)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def made_by_pillow(path: Path, script: str) -> Path:
    """Encode a large test image in a separate process, so that this one never holds its pixels."""
    code = f"from PIL import Image\nim = Image.linear_gradient('L').resize((4000, 4000))\n{script}\n"
    subprocess.run([sys.executable, "-c", code, str(path)], check=True, timeout=300)
    return path


@pytest.fixture(scope="module")
def rgba_16mp(tmp_path_factory) -> Path:
    """4000 x 4000 RGBA: the most memory a PNG within the limit (16 megapixels) needs to decode."""
    return write_png(tmp_path_factory.mktemp("png") / "16mp.png", 4000, 4000, rgba=True)


def test_one_16_megapixel_png_stays_within_budget_and_the_worker_keeps_nothing(tmp_path, rgba_16mp):
    report = measure(tmp_path, rgba_16mp)
    assert report["outcomes"] == ["stored"]
    assert report["peak_above_baseline"] < BUDGET_MB, report
    assert 0 < report["child_peak"] < BUDGET_MB, report
    assert report["after_above_baseline"] < 10, report


def test_four_at_once_stay_within_budget_each(tmp_path, rgba_16mp):
    report = measure(tmp_path, rgba_16mp, copies=4)
    assert report["outcomes"] == ["stored"] * 4
    assert report["peak_above_baseline"] < BUDGET_MB, report
    assert 0 < report["child_peak"] < BUDGET_MB, report
    assert report["after_above_baseline"] < 10, report


@pytest.mark.parametrize("name, script", [
    # Progressive JPEG keeps every DCT coefficient of the image until the last scan: its worst case.
    ("progressive-444.jpg", "Image.merge('RGB', (im, im.rotate(90), im)).save("
                            "__import__('sys').argv[1], quality=95, subsampling=0, progressive=True)"),
    # 2666 x 2000 is just within a WebP's share (a third of 16 megapixels).
    ("limit.webp", "Image.merge('RGBA', (im, im, im, im)).resize((2666, 2000)).save("
                   "__import__('sys').argv[1], quality=80)"),
])
def test_the_costliest_formats_stay_within_budget(tmp_path, name, script):
    report = measure(tmp_path, made_by_pillow(tmp_path / name, script))
    assert report["outcomes"] == ["stored"]
    assert report["peak_above_baseline"] < BUDGET_MB, report
    assert 0 < report["child_peak"] < BUDGET_MB, report


def test_a_36_megapixel_png_of_a_few_kb_is_refused_from_its_header(tmp_path):
    """The issue's example: 6000 x 6000 in a small file; its pixels are never decoded."""
    big = write_png(tmp_path / "6000.png", 6000, 6000)
    assert big.stat().st_size < 1024 * 1024
    report = measure(tmp_path, big)
    assert report["outcomes"] == ["the image has too many pixels"]
    assert report["peak_above_baseline"] < 20 and report["child_peak"] < 60, report
