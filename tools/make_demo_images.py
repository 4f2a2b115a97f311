#!/usr/bin/env python3
"""Draw one illustrative product image per demo product into shop/demo/images/<sku>.jpg.

Standalone: PRODUCTS is read from shop/demo/data.py with ``ast`` (the ``shop`` package is never
imported).  Each card is drawn with Pillow primitives at twice the output size and downsampled for
anti-aliasing; the illustration is chosen by keywords in the product name, drawn on its own layer
and scaled to fit.  The CJK font is found with fc-match at runtime.  The output is deterministic:
the only randomness is seeded with the SKU.

    python tools/make_demo_images.py [--out DIR]
"""
from __future__ import annotations

import argparse
import ast
import functools
import math
import random
import subprocess
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

ROOT = Path(__file__).resolve().parents[1]
DATA, OUT = ROOT / "shop" / "demo" / "data.py", ROOT / "shop" / "demo" / "images"
SIZE, W = 800, 1600  # output size, and the 2x canvas everything is drawn on
CX, BASE = W // 2, 1110  # the illustration is centred on CX and stands on BASE
MAX_BYTES = 90_000
PALETTES = {  # category slug: (gradient top, gradient bottom, accent)
    "nuts-dried-fruit": ((250, 232, 214), (214, 160, 120), (142, 59, 34)),
    "grain-oil": ((253, 243, 212), (232, 196, 118), (160, 108, 20)),
    "tea": ((232, 244, 226), (150, 196, 146), (47, 107, 58)),
    "meat": ((248, 226, 218), (192, 98, 82), (122, 31, 26)),
    "dairy": ((253, 251, 245), (196, 218, 240), (58, 110, 165)),
    "fresh": ((255, 243, 222), (246, 196, 120), (63, 128, 52)),
    "mountain": ((236, 240, 222), (168, 170, 128), (96, 78, 40)),
}
GREEN, WHITE = (76, 140, 64), (252, 250, 244)


def load_products(path: Path = DATA) -> list[tuple[str, str, str, str]]:
    """(sku, name, category slug, spec) of every PRODUCTS row, read from the module's AST."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "PRODUCTS" for t in node.targets):
            rows = []
            for row in node.value.elts:
                fields = tuple(getattr(row.elts[i], "value", None) for i in (1, 2, 3, 5))
                if not all(isinstance(f, str) for f in fields):
                    sys.exit(f"{path}:{row.lineno}: expected string sku, name, category and spec")
                rows.append(fields)
            return rows
    sys.exit(f"{path}: no PRODUCTS assignment found")


@functools.lru_cache(maxsize=None)
def font_file() -> tuple[str, int]:
    """Noto Sans CJK SC Bold (or whatever fontconfig offers for it, if it covers Chinese)."""
    cmd = ["fc-match", "-f", "%{file}\n%{index}\n%{lang}", "Noto Sans CJK SC:style=Bold"]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True).stdout
    except OSError as exc:
        sys.exit(f"error: cannot run fc-match ({exc}); install fontconfig and fonts-noto-cjk")
    file, index, langs = (out.split("\n") + ["", ""])[:3]
    if not file or "zh-cn" not in langs.split("|"):
        sys.exit(f"error: no CJK font found (fc-match offered {file or 'nothing'!r}); install fonts-noto-cjk")
    return file, int(index or 0)


@functools.lru_cache(maxsize=None)
def font(size: int) -> ImageFont.FreeTypeFont:
    file, index = font_file()
    return ImageFont.truetype(file, size, index=index)


def shade(color, factor):
    return tuple(max(0, min(255, round(v * factor))) for v in color[:3])


def sprite(w, h):
    im = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    return im, ImageDraw.Draw(im)


def place(img, spr, cx, cy, angle=0.0):
    """Composite an RGBA sprite centred on (cx, cy), turned counter-clockwise by angle degrees."""
    if angle:
        spr = spr.convert("RGBa").rotate(angle, resample=Image.BICUBIC, expand=True).convert("RGBA")
    img.alpha_composite(spr, (round(cx - spr.width / 2), round(cy - spr.height / 2)))


def shaded(img, mask, x, y, color, strength=1.0):
    """Fill an L mask placed at (x, y) with colour lit from the upper left, like a cylinder."""
    row = Image.new("RGB", (mask.width, 1))
    for i in range(mask.width):
        t = i / max(1, mask.width - 1)  # 0 at the left edge, 1 at the right; the highlight is at 0.3
        light = 0.32 * math.exp(-((t - 0.3) / 0.2) ** 2) - 0.12 * t - 0.14
        row.putpixel((i, 0), shade(color, 1 + strength * light))
    img.paste(row.resize(mask.size), (x, y), mask)


def cylinder(img, x0, y0, x1, y1, color, top=None):
    """A standing cylinder whose top ellipse is centred on y0 and bottom ellipse on y1."""
    e = (x1 - x0) // 4
    mask = Image.new("L", (x1 - x0, y1 - y0 + e // 2), 0)
    ImageDraw.Draw(mask).rectangle((0, 0, x1 - x0, y1 - y0), fill=255)
    ImageDraw.Draw(mask).ellipse((0, y1 - y0 - e // 2, x1 - x0 - 1, y1 - y0 + e // 2 - 1), fill=255)
    shaded(img, mask, x0, y0, color)
    if top is not False:
        ImageDraw.Draw(img).ellipse((x0, y0 - e // 2, x1, y0 + e // 2), fill=top or shade(color, 1.12))


def ball(w, h, dark, mid, light):
    """A glossy oval sprite: dark rim, body, highlight at the upper left."""
    im, d = sprite(w, h)
    d.ellipse((0, 0, w - 1, h - 1), fill=dark)
    d.ellipse((w * .05, h * .04, w * .95, h * .95), fill=mid)
    d.ellipse((w * .2, h * .14, w * .4, h * .36), fill=light)
    return im, d


def leaf(length, width, color=GREEN):
    im, d = sprite(length, width)
    half = [(length * i / 24, width / 2 * (1 - math.sin(math.pi * i / 24) ** 0.8)) for i in range(25)]
    d.polygon(half + [(x, width - y) for x, y in reversed(half)], fill=color)
    d.line((6, width / 2, length - 10, width / 2), fill=shade(color, 0.72), width=max(3, width // 16))
    return im


def pile(img, make, rng, rows=(4, 3, 2), dx=200, dy=150, angle=25):
    """Stack sprites from make() in rows, bottom row first."""
    for r, count in enumerate(rows):
        for c in range(count):
            x, y = CX + (c - (count - 1) / 2) * dx, BASE - 150 - r * dy
            place(img, make(), x + rng.uniform(-12, 12), y + rng.uniform(-8, 8), rng.uniform(-angle, angle))


def jujubes(img, name, cat, rng):
    def one():
        im, d = ball(170, 230, (112, 16, 20), (160, 28, 30), (222, 110, 100))
        for k in range(3):
            d.arc((40 + k * 20, 90 + k * 18, 170, 240), 200, 270, fill=(122, 18, 22), width=5)
        return im
    pile(img, one, rng, rows=(5, 4, 3), dx=170, dy=150, angle=70)


def walnuts(img, name, cat, rng):
    def one():
        if "仁" in name:  # a shelled kernel: two pale, wrinkled lobes
            im, d = sprite(250, 220)
            lobes = ((70, 60), (180, 60), (64, 110), (186, 110), (72, 160), (178, 160))
            for grow, color in ((6, (170, 120, 64)), (0, (216, 174, 116))):  # a wavy outline, then the body
                for x, y in lobes:
                    d.ellipse((x - 62 - grow, y - 54 - grow, x + 62 + grow, y + 54 + grow), fill=color)
            for x, y in lobes:
                d.arc((x - 34, y - 26, x + 34, y + 26), 200 if x < 125 else -20, 340 if x < 125 else 160,
                      fill=(184, 136, 80), width=6)
            d.line((125, 14, 125, 206), fill=(150, 100, 50), width=10)
            return im
        im, d = ball(240, 240, (128, 84, 44), (178, 128, 76), (212, 170, 118))
        for k in range(6):
            a = rng.uniform(0, 360)
            d.arc((30 + k * 8, 30 + k * 10, 210 - k * 6, 210 - k * 8), a, a + 70, fill=(132, 88, 48), width=6)
        d.line((120, 6, 120, 234), fill=(108, 70, 36), width=8)
        return im
    pile(img, one, rng, rows=(4, 3, 2), dx=215, dy=175, angle=40)


def chestnuts(img, name, cat, rng):
    def one():
        if "仁" in name:  # peeled kernels: golden and wrinkled
            im, d = ball(220, 180, (200, 146, 50), (226, 178, 76), (244, 210, 130))
            d.arc((20, 30, 200, 190), 200, 320, fill=(186, 130, 40), width=8)
            d.arc((70, 10, 190, 160), 100, 190, fill=(196, 140, 50), width=7)
            return im
        im, d = sprite(220, 220)
        d.polygon([(46, 90), (110, 4), (174, 90)], fill=(88, 42, 20))
        d.ellipse((10, 50, 210, 215), fill=(88, 42, 20))
        d.ellipse((22, 58, 198, 200), fill=(128, 62, 28))
        d.chord((10, 50, 210, 215), 25, 155, fill=(212, 184, 136))
        d.ellipse((50, 78, 96, 118), fill=(176, 104, 60))
        return im
    pile(img, one, rng, rows=(4, 3, 2), dx=200, dy=160, angle=20)


def oranges(img, name, cat, rng):
    def one():
        im, d = ball(280, 280, (226, 112, 16), (246, 146, 34), (255, 196, 110))
        for _ in range(40):
            x, y = rng.uniform(40, 240), rng.uniform(40, 240)
            d.ellipse((x - 3, y - 3, x + 3, y + 3), fill=(230, 126, 24))
        d.regular_polygon((140, 22, 16), 5, fill=(84, 110, 40))
        return im
    pile(img, one, rng, rows=(3, 2), dx=290, dy=210, angle=20)
    place(img, leaf(230, 100), CX + 110, BASE - 520, 35)
    place(img, leaf(200, 90), CX - 20, BASE - 540, 130)


def passion_fruit(img, name, cat, rng):
    def one():
        im, d = ball(260, 260, (70, 28, 70), (108, 44, 104), (170, 110, 170))
        for _ in range(30):
            x, y = rng.uniform(40, 220), rng.uniform(40, 220)
            d.ellipse((x - 4, y - 4, x + 4, y + 4), fill=(150, 96, 146))
        return im
    pile(img, one, rng, rows=(3, 2), dx=270, dy=200, angle=30)
    half, d = sprite(300, 300)  # a cut fruit in front shows the yellow pulp and black seeds
    for inset, color in ((0, (90, 36, 88)), (16, (250, 240, 220)), (34, (236, 182, 36))):
        d.ellipse((inset, inset, 299 - inset, 299 - inset), fill=color)
    for _ in range(26):
        x, y = rng.uniform(70, 230), rng.uniform(70, 230)
        d.ellipse((x - 9, y - 11, x + 9, y + 11), fill=(40, 26, 16))
    place(img, half, CX + 330, BASE - 130)


def turnips(img, name, cat, rng):
    for x, y, r in ((CX - 200, BASE - 300, 180), (CX + 90, BASE - 250, 230)):
        for k, a in enumerate((-40, -15, 10, 35)):
            place(img, leaf(380, 120, shade(GREEN, 0.9 + 0.08 * k)), x + a * 3, y - r - 150, 90 - a * 1.5)
        d = ImageDraw.Draw(img)
        d.polygon([(x - 20, y + r - 20), (x + 20, y + r - 20), (x + 4, y + r + 90)], fill=(226, 214, 200))
        d.ellipse((x - r, y - r, x + r, y + r), fill=(150, 70, 140))  # purple shoulders over a white root
        d.chord((x - r, y - r, x + r, y + r), 0, 180, fill=(242, 236, 228))
        d.ellipse((x - r, y - r * 0.4, x + r, y + r * 0.4), fill=(242, 236, 228))
        d.ellipse((x - r * 0.6, y - r * 0.05, x - r * 0.3, y + r * 0.45), fill=(255, 253, 250))


def tea_can(img, name, cat, rng):
    color = (150, 40, 35) if "红" in name else (196, 146, 36) if "黄" in name else (46, 120, 76)
    for x, a in ((CX - 330, 150), (CX + 330, 30), (CX + 260, -20)):
        place(img, leaf(260, 110), x, BASE - 40, a)
    cylinder(img, CX - 200, 470, CX + 200, 1060, color)
    cylinder(img, CX - 210, 330, CX + 210, 480, (214, 178, 86))
    d = ImageDraw.Draw(img)
    d.ellipse((CX - 130, 620, CX + 130, 880), fill=WHITE)
    d.ellipse((CX - 112, 638, CX + 112, 862), outline=color, width=6)
    d.text((CX, 750), "茶", font=font(150), fill=color, anchor="mm")


def rice_sack(img, name, cat, rng):
    grain = (96, 40, 72) if "紫" in name else (222, 200, 150) if "青稞" in name else (250, 247, 238)
    sack, d = (230, 212, 168), ImageDraw.Draw(img)
    d.polygon([(CX - 150, 460), (CX - 250, 300), (CX - 120, 340), (CX - 40, 290), (CX + 60, 335),
               (CX + 160, 285), (CX + 250, 310), (CX + 150, 460)], fill=shade(sack, 0.88))
    mask = Image.new("L", (560, 640), 0)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, 559, 639), radius=150, fill=255)
    shaded(img, mask, CX - 280, 440, sack, strength=0.5)
    d.rounded_rectangle((CX - 170, 430, CX + 170, 472), radius=20, fill=(150, 104, 56))
    d.rounded_rectangle((CX - 170, 600, CX + 170, 900), radius=30, fill=PALETTES["grain-oil"][2])
    d.line([(CX - 40, 870), (CX - 10, 760), (CX + 40, 640)], fill=WHITE, width=8, joint="curve")
    seed, sd = sprite(30, 56)
    sd.ellipse((0, 0, 29, 55), fill=WHITE)
    for k in range(5):  # an ear of rice on the sack's label
        for side in (-1, 1):
            place(img, seed, CX - 30 + k * 16 + side * 30, 840 - k * 48, -side * 35 - 20)
    for k in range(12):
        d.line((CX - 240 + k * 42, 1020, CX - 220 + k * 42, 1020), fill=(170, 140, 90), width=6)
    bx, by = CX + 330, BASE - 150  # a bowl heaped with the grain, in front of the sack
    d.pieslice((bx - 220, by - 130, bx + 220, by + 130), 180, 360, fill=grain)
    for _ in range(40):
        u, v = rng.uniform(-0.85, 0.85), rng.uniform(0.15, 0.85)
        x, y = bx + 200 * u, by - 120 * v * math.sqrt(1 - u * u)
        d.ellipse((x - 12, y - 6, x + 12, y + 6), fill=shade(grain, 0.9))
    d.chord((bx - 240, by - 130, bx + 240, by + 130), 0, 180, fill=(236, 240, 246))
    d.arc((bx - 240, by - 110, bx + 240, by + 100), 20, 160, fill=(70, 110, 170), width=12)


def oil_bottle(img, name, cat, rng):
    place(img, leaf(240, 100), CX + 260, BASE - 60, 20)
    place(img, leaf(220, 96), CX - 260, BASE - 50, 160)
    mask = Image.new("L", (320, 820), 0)
    md = ImageDraw.Draw(mask)
    md.rectangle((110, 0, 210, 200), fill=255)
    md.polygon([(110, 130), (210, 130), (319, 300), (0, 300)], fill=255)
    md.rounded_rectangle((0, 260, 319, 819), radius=70, fill=255)
    shaded(img, mask, CX - 160, 290, (214, 226, 200))
    shaded(img, mask.crop((0, 300, 320, 820)).resize((288, 500)), CX - 144, 600, (226, 168, 36))
    d = ImageDraw.Draw(img)
    d.rounded_rectangle((CX - 62, 230, CX + 62, 310), radius=14, fill=(40, 110, 60))
    d.rounded_rectangle((CX - 120, 720, CX + 120, 960), radius=24, fill=WHITE)
    for k in range(5):  # a camellia flower
        x, y = CX + 28 * math.cos(k * 1.2566), 810 + 28 * math.sin(k * 1.2566)
        d.ellipse((x - 26, y - 26, x + 26, y + 26), fill=(255, 255, 255), outline=(216, 216, 210), width=3)
    d.ellipse((CX - 14, 796, CX + 14, 824), fill=(240, 190, 40))
    d.text((CX, 910), "茶油", font=font(44), fill=(40, 110, 60), anchor="mm")


def honey_jar(img, name, cat, rng):
    mask = Image.new("L", (440, 560), 0)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, 439, 559), radius=120, fill=255)
    shaded(img, mask, CX - 220, 510, (224, 142, 20))
    d = ImageDraw.Draw(img)
    d.rounded_rectangle((CX - 170, 450, CX + 170, 530), radius=20, fill=(150, 72, 32))
    hem = [(CX - 240 + k * 40, 540 + (22 if k % 2 else 0)) for k in range(13)]
    d.polygon([(CX - 180, 380), (CX + 180, 380)] + hem[::-1], fill=(200, 46, 40))
    for k in range(-4, 5):
        d.line((CX + k * 44, 384, CX + k * 56, 548), fill=(240, 226, 214), width=10)
    d.rounded_rectangle((CX - 180, 500, CX + 180, 520), radius=10, fill=(232, 206, 150))
    for hx, hy in ((0, 0), (-62, 36), (62, 36), (0, 72)):
        d.regular_polygon((CX + hx, 740 + hy, 44), 6, fill=(252, 222, 120), outline=(170, 100, 20), width=5)
    d.text((CX, 930), "蜂蜜", font=font(70), fill=(250, 240, 210), anchor="mm")


def milk_can(img, name, cat, rng):
    cylinder(img, CX - 230, 430, CX + 230, 1060, (248, 246, 238))
    cylinder(img, CX - 236, 360, CX + 236, 440, (200, 204, 210))
    d = ImageDraw.Draw(img)
    d.rectangle((CX - 230, 640, CX + 230, 900), fill=PALETTES["dairy"][2])
    camel, c = sprite(300, 240)  # side view, facing right
    for box in ((40, 90, 210, 160), (62, 42, 122, 112), (122, 42, 182, 112), (242, 26, 298, 58)):
        c.ellipse(box, fill=WHITE)
    c.polygon([(190, 105), (222, 92), (250, 40), (272, 46), (234, 134)], fill=WHITE)
    for x in (56, 82, 168, 192):
        c.rounded_rectangle((x, 130, x + 14, 236), radius=6, fill=WHITE)
    place(img, camel.resize((150, 120)), CX - 110, 745)
    d.text((CX + 80, 745), "驼乳粉", font=font(60), fill=WHITE, anchor="mm")
    d.text((CX, 850), "CAMEL MILK POWDER", font=font(30), fill=(210, 226, 242), anchor="mm")


def juice_cans(img, name, cat, rng):
    for x, y in ((CX - 300, 560), (CX - 20, 560), (CX - 160, 680)):
        cylinder(img, x, y, x + 240, y + 400, (238, 132, 24), top=(210, 214, 220))
        cylinder(img, x, y + 140, x + 240, y + 260, (252, 240, 214), top=False)
        ImageDraw.Draw(img).text((x + 120, y + 225), "沙棘", font=font(64), fill=(200, 90, 10), anchor="mm")
    d = ImageDraw.Draw(img)
    d.line((CX + 260, BASE - 30, CX + 380, 560), fill=(120, 90, 60), width=14)
    for k in range(5):
        place(img, leaf(200, 44, (128, 156, 120)), CX + 300 + k * 18, 640 + k * 90, 60 if k % 2 else 120)
    for _ in range(38):
        t = rng.uniform(0.15, 0.95)
        x, y = CX + 260 + 120 * t + rng.uniform(-40, 40), BASE - 30 - (BASE - 590) * t + rng.uniform(-30, 30)
        d.ellipse((x - 20, y - 20, x + 20, y + 20), fill=(246, 150, 20), outline=(214, 110, 10), width=3)


def mushrooms(img, name, cat, rng):
    d = ImageDraw.Draw(img)
    for x, y, r in ((CX - 220, BASE - 240, 190), (CX + 230, BASE - 210, 170), (CX, BASE - 330, 240)):
        d.rounded_rectangle((x - r * 0.25, y, x + r * 0.25, y + r * 1.1), radius=20, fill=(236, 222, 192))
        d.ellipse((x - r, y - 24, x + r, y + 30), fill=(214, 190, 146))
        d.pieslice((x - r, y - r * 0.9, x + r, y + r * 0.9), 180, 360, fill=(122, 72, 38))
        d.ellipse((x - r * 0.7, y - r * 0.75, x - r * 0.2, y - r * 0.4), fill=(150, 94, 56))
        for _ in range(10):  # the pale cracks of a dried shiitake cap
            a, rr = rng.uniform(math.pi * 1.1, math.pi * 1.9), rng.uniform(0.3, 0.75) * r
            px, py = x + rr * math.cos(a), y + 0.8 * rr * math.sin(a)
            d.line((px - 14, py, px + 14, py + rng.uniform(-8, 8)), fill=(236, 214, 176), width=6)


def black_fungus(img, name, cat, rng):
    d = ImageDraw.Draw(img)  # a shallow bamboo basket heaped with dried fungus
    d.ellipse((CX - 420, BASE - 300, CX + 420, BASE - 80), fill=(170, 130, 70))
    for _ in range(20):  # each piece: a cluster of dark lobes with paler, curled upper edges
        piece, p = sprite(260, 200)
        for _ in range(5):
            x, y, r = rng.uniform(70, 190), rng.uniform(70, 130), rng.uniform(45, 65)
            p.ellipse((x - r, y - 0.75 * r, x + r, y + 0.75 * r), fill=(38, 28, 28))
            p.arc((x - 0.85 * r, y - 0.6 * r, x + 0.85 * r, y + 0.6 * r), 200, 320, (96, 80, 74), 5)
        x, y = CX + rng.uniform(-320, 320), BASE - 240 + rng.uniform(-60, 10)
        place(img, piece, x, y, rng.uniform(-40, 40))
    d.chord((CX - 420, BASE - 420, CX + 420, BASE), 0, 180, fill=(196, 154, 90))
    for k in range(1, 6):
        d.arc((CX - 420 + k * 12, BASE - 420 + k * 16, CX + 420 - k * 12, BASE - k * 16), 10, 170,
              fill=(160, 120, 60), width=5)


def meat(img, name, cat, rng):
    d = ImageDraw.Draw(img)  # everything sits on a wooden chopping board
    d.rounded_rectangle((CX - 460, BASE - 330, CX + 460, BASE), radius=60, fill=(176, 126, 76))
    d.rounded_rectangle((CX - 460, BASE - 350, CX + 460, BASE - 30), radius=60, fill=(222, 176, 120))
    if "腊肉" in name:  # two smoked slabs: rind, amber fat and dark lean in layers
        for x, a in ((CX - 90, 8), (CX + 120, -6)):
            im, s = sprite(440, 300)
            fat, lean = (226, 176, 110), (124, 36, 22)
            for y, c in ((0, (72, 32, 16)), (36, fat), (110, lean), (190, fat), (220, shade(lean, 0.88))):
                s.rounded_rectangle((0, y, 439, 299), radius=30, fill=c)
            place(img, im, x, BASE - 330, a)
    elif "驼肉" in name:  # two steaks in a vacuum pack
        for x, a in ((CX - 110, 10), (CX + 120, -8)):
            im, s = ball(420, 300, (236, 220, 208), (176, 40, 44), (200, 70, 70))
            for k in range(4):
                s.arc((60 + k * 30, 60 + k * 20, 380 - k * 20, 260 - k * 10), 200 + k * 30, 300 + k * 30,
                      fill=(232, 170, 170), width=6)
            place(img, im, x, BASE - 320, a)
        film, f = sprite(W, W)
        f.rounded_rectangle((CX - 360, BASE - 560, CX + 360, BASE - 110), radius=60, fill=(255, 255, 255, 60),
                            outline=(255, 255, 255, 200), width=10)
        img.alpha_composite(film)
    else:  # sausages with flecks of fat, or jerky strips
        sausage = "香肠" in name
        for k in range(5 if sausage else 6):
            im, s = sprite(120, 520)
            rim, body = ((120, 22, 22), (156, 34, 30)) if sausage else ((96, 34, 24), (128, 48, 30))
            s.rounded_rectangle((0, 0, 119, 519), radius=60 if sausage else 28, fill=rim)
            s.rounded_rectangle((12, 12, 107, 507), radius=50 if sausage else 22, fill=body)
            for _ in range(16 if sausage else 28 if "辣" in name else 0):  # fat, or chilli flakes
                x, y = rng.uniform(30, 90), rng.uniform(50, 470)
                s.ellipse((x - 6, y - 5, x + 6, y + 5), fill=(232, 190, 160) if sausage else (226, 44, 20))
            for y in () if sausage else range(40, 480, 34):  # the grain of the meat
                s.line((24, y, 96, y + 10), fill=rim, width=4)
            x, a = (CX - 300 + k * 150, 35) if sausage else (CX - 300 + k * 120, 18 - k * 7)
            place(img, im, x, BASE - 400, a)


def gift_box(img, name, cat, rng):
    color, ribbon = ((58, 110, 165), WHITE) if cat == "dairy" else ((180, 32, 34), (232, 190, 80))
    d, left, right, top, bottom = ImageDraw.Draw(img), CX - 320, CX + 240, 600, BASE  # the front face
    d.rectangle((left, top, right, bottom), fill=color)
    d.polygon([(right, top), (right + 130, top - 90), (right + 130, bottom - 90), (right, bottom)],
              fill=shade(color, .7))
    d.polygon([(left, top), (left + 130, top - 90), (right + 130, top - 90), (right, top)],
              fill=shade(color, 1.2))
    d.rectangle((CX - 80, top, CX - 20, bottom), fill=ribbon)  # the ribbon around the front, top and side
    d.polygon([(CX - 80, top), (CX - 20, top), (CX + 110, top - 90), (CX + 50, top - 90)],
              fill=shade(ribbon, .95))
    d.polygon([(left + 65, top - 45), (right + 65, top - 45), (right + 65, top - 20), (left + 65, top - 20)],
              fill=shade(ribbon, .95))
    d.polygon([(right + 50, top - 35), (right + 90, top - 62), (right + 90, bottom - 62),
               (right + 50, bottom - 35)], fill=shade(ribbon, .8))
    for a in (20, 160):  # the bow: two loops and a knot
        loop, s = sprite(240, 130)
        s.ellipse((0, 0, 239, 129), fill=ribbon)
        s.ellipse((40, 34, 200, 96), fill=shade(ribbon, .75))
        place(img, loop, CX + 15 + 105 * math.cos(math.radians(a)), top - 70, a - 180)
    d.ellipse((CX - 35, top - 100, CX + 65, top - 30), fill=shade(ribbon, .9))
    d.text((CX + 110, 850), "礼", font=font(170), fill=ribbon, anchor="mm")


KINDS = [  # the first match wins, so the more specific keywords come first (茶油礼盒 is a gift box)
    (("礼盒",), gift_box), (("沙棘",), juice_cans), (("蜂蜜",), honey_jar), (("奶粉",), milk_can),
    (("木耳",), black_fungus), (("香菇",), mushrooms), (("肉干", "腊肉", "香肠", "驼肉"), meat),
    (("红枣",), jujubes), (("核桃",), walnuts), (("栗",), chestnuts), (("百香果",), passion_fruit),
    (("柑", "橙"), oranges), (("恰玛古",), turnips), (("油",), oil_bottle), (("茶",), tea_can),
    (("米", "糯", "青稞", "薏仁"), rice_sack),
]


def draw_card(sku, name, cat, spec):
    top, bottom, accent = PALETTES.get(cat, PALETTES["mountain"])
    img = Image.composite(Image.new("RGB", (W, W), bottom), Image.new("RGB", (W, W), top),
                          Image.linear_gradient("L").resize((W, W)))
    glow = Image.new("L", (160, 160), 0)  # a soft light behind the product
    ImageDraw.Draw(glow).ellipse((20, 4, 140, 124), fill=150)
    img.paste((255, 255, 255), mask=glow.filter(ImageFilter.GaussianBlur(18)).resize((W, W), Image.BILINEAR))
    layer = Image.new("RGBA", (W, W), (0, 0, 0, 0))
    illustrate = next((fn for keys, fn in KINDS if any(k in name for k in keys)), gift_box)
    illustrate(layer, name, cat, random.Random(sku))
    art = layer.crop(layer.getbbox())
    scale = min(1200 / art.width, 860 / art.height, 1.6)
    art = art.resize((round(art.width * scale), round(art.height * scale)), Image.LANCZOS)
    shadow(img, (CX - art.width * 0.46, BASE - 34, CX + art.width * 0.46, BASE + 34), 90)
    img.paste(art, (CX - art.width // 2, BASE + 6 - art.height), art)
    shadow(img, (110, 1214, W - 110, 1530), 60)
    d = ImageDraw.Draw(img)
    d.rounded_rectangle((100, 1190, W - 100, 1510), radius=56, fill=(255, 255, 255))
    size = 124
    while d.textlength(name, font=font(size)) > W - 320 and size > 60:
        size -= 4
    d.text((CX, 1300), name, font=font(size), fill=(40, 34, 30), anchor="mm")
    d.text((CX, 1434), spec, font=font(60), fill=accent, anchor="mm")
    return img.resize((SIZE, SIZE), Image.LANCZOS)


def shadow(img, box, alpha):
    mask = Image.new("L", img.size, 0)
    ImageDraw.Draw(mask).rounded_rectangle(box, radius=(box[3] - box[1]) // 2, fill=alpha)
    img.paste((50, 30, 20), mask=mask.filter(ImageFilter.GaussianBlur(26)))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help="output directory (default: %(default)s)")
    args = parser.parse_args(argv)
    font_file()  # fail early if there is no CJK font
    args.out.mkdir(parents=True, exist_ok=True)
    for sku, name, cat, spec in load_products():
        img, path = draw_card(sku, name, cat, spec), args.out / f"{sku.lower()}.jpg"
        for quality in (82, 78, 74, 70):  # keep each file under MAX_BYTES
            img.save(path, "JPEG", quality=quality, optimize=True, progressive=True)
            if path.stat().st_size <= MAX_BYTES:
                break
        print(f"{path.name:16} {path.stat().st_size / 1024:5.1f} KB  {name}")


if __name__ == "__main__":
    main()
