#!/usr/bin/env python3
"""Draw the demo products' photos into shop/demo/images/: <sku>.jpg, <sku>-2.jpg and <sku>-3.jpg for each row of
PRODUCTS in shop/demo/data.py (read with ``ast``: the ``shop`` package is never imported).

Each product gets three pictures of the produce itself, with no name or spec written in them: a main picture (the
produce in a bowl, basket or on a board, or its pack), a close-up, and a third view. Products of one kind differ by
surface, container and arrangement, so no two main pictures look alike. The pictures are lit and shaded solids drawn
with Pillow alone (tools/demo_art.py, demo_produce.py, demo_props.py); the only randomness is seeded with the SKU,
so the output is the same every time.

    python tools/make_demo_images.py [--out DIR] [--only SKU,...]
"""
from __future__ import annotations

import argparse
import ast
import random
import sys
from functools import partial
from pathlib import Path

import demo_art as art
import demo_produce as produce
import demo_props as props
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
DATA, OUT = ROOT / "shop" / "demo" / "data.py", ROOT / "shop" / "demo" / "images"
S, SIZE = 960, 640  # drawn at S, saved at SIZE
MAX_BYTES = 30_000  # 96 pictures stay under 3 MB
KRAFT, LINEN, RED_CLOTH = (196, 156, 108), (226, 216, 198), (176, 36, 34)


def load_skus(path: Path = DATA) -> list[str]:
    """The SKU of every PRODUCTS row, read from the module's AST."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "PRODUCTS" for t in node.targets):
            return [row.elts[1].value for row in node.value.elts]
    sys.exit(f"{path}: no PRODUCTS assignment found")


# -- stages -------------------------------------------------------------------------------------------------------

def stage(rng: random.Random, surface: str, color=None, flat: bool = False) -> Image.Image:
    """A surface to photograph on: a table seen at an angle against a wall, or seen from above (flat)."""
    makers = {"wood": art.wood, "cloth": art.cloth, "stone": art.stone, "bamboo": art.bamboo_mat}
    texture = makers[surface]((S, S), rng, **({"color": color} if color else {}))
    return texture if flat else art.table_scene(texture, horizon=rng.uniform(0.24, 0.34))


def develop(canvas: Image.Image, flat: bool, close: bool = False) -> Image.Image:
    """Light, lens and size: a warm pool of light from the upper left, a shallow focus, a soft vignette."""
    canvas = art.glow(canvas, S * 0.28, S * 0.2, S * 0.55, strength=0.28)
    if close:
        canvas = art.depth_of_field(canvas, 0.16, 0.88, 6)
    elif not flat:
        canvas = art.depth_of_field(canvas, 0.36, 0.97, 7)
    return art.vignette(canvas, 0.3).resize((SIZE, SIZE), Image.LANCZOS)


def put(canvas: Image.Image, sprite: Image.Image, x: float, y: float, angle: float = 0, scale: float = 1,
        shadow: float = 0.5) -> None:
    """Stand a sprite centred on (x, y) with its shadow."""
    if shadow:
        art.drop_shadow(canvas, sprite, x, y, angle=angle, scale=scale, strength=shadow)
    art.place(canvas, sprite, x, y, angle=angle, scale=scale)


def scatter(canvas, rng, pieces, count, box, angle=180, scale=(0.9, 1.1), shadow=0.5) -> None:
    """Lay `count` pieces at random inside box (x0, y0, x1, y1), back to front."""
    spots = sorted((rng.uniform(box[1], box[3]), rng.uniform(box[0], box[2])) for _ in range(count))
    for k, (y, x) in enumerate(spots):
        put(canvas, pieces[k % len(pieces)], x, y, rng.uniform(-angle, angle), rng.uniform(*scale), shadow)


def filled(container, contents: Image.Image, canvas, x: float, y: float) -> None:
    """A bowl or basket (inside, front, rim) at (x, y) with `contents` heaped in it."""
    inside, front, rim = container
    top = y - front.height / 2
    art.drop_shadow(canvas, front, x, y, strength=0.6)
    art.place(canvas, inside, x, y)
    art.place(canvas, contents, x, top + rim - contents.height / 2 + contents.height * 0.3)
    art.place(canvas, front, x, y)


# -- views --------------------------------------------------------------------------------------------------------

def heap_view(rng, piece, surface, color=None, holder="porcelain", extra=None, loose=5) -> Image.Image:
    """The produce heaped in a bowl or basket on a table, a few pieces loose in front."""
    canvas = stage(rng, surface, color)
    pieces = [piece(rng) for _ in range(5)]
    width = 660
    container = props.basket(width, rng) if holder == "basket" else props.bowl(width, holder, rng)
    heap = produce.heap(rng, round(width * .84), round(width * .5), lambda r: pieces[r.randrange(5)],
                        round(130 * (150 / max(pieces[0].size)) ** 1.5))
    if extra:
        extra(canvas, rng)
    filled(container, heap, canvas, S * .5, S * .62)
    scatter(canvas, rng, pieces, loose, (S * .16, S * .86, S * .84, S * .94))
    return develop(canvas, flat=False)


def close_view(rng, piece, surface, color=None, count=14, scale=2.2, cut=None) -> Image.Image:
    """A close-up from above: large pieces filling the frame, the edges out of focus."""
    canvas = stage(rng, surface, color, flat=True)
    pieces = [piece(rng, scale) for _ in range(4)]
    scatter(canvas, rng, pieces, round(count * 1.4), (-S * .04, -S * .04, S * 1.04, S * 1.04), shadow=0.55)
    if cut:
        put(canvas, cut(rng, scale), S * .58, S * .56, rng.uniform(-20, 20))
    return develop(canvas, flat=True, close=True)


def pack_view(rng, pack: Image.Image, piece, surface, color=None, loose=6, side=None) -> Image.Image:
    """The product's pack standing on a table, some of the produce in front of it."""
    canvas = stage(rng, surface, color)
    scale = min(1.25, S * .66 / pack.height, S * .66 / pack.width)
    put(canvas, pack, S * .46, S * .52, scale=scale, shadow=0.6)
    if side is not None:
        put(canvas, side, S * .78, S * .7, shadow=0.55)
    if piece is not None:
        pieces = [piece(rng) for _ in range(4)]
        scatter(canvas, rng, pieces, loose, (S * .16, S * .82, S * .7, S * .92))
    return develop(canvas, flat=False)


def board_view(rng, piece, surface, color=None, count=3, angle=12, plate=False) -> Image.Image:
    """Large pieces laid on a chopping board or a plate."""
    canvas = stage(rng, surface, color)
    base = props.plate(840) if plate else props.board(880, 420, rng)
    put(canvas, base, S * .5, S * .66, shadow=0.5)
    pieces = [piece(rng, 1.3) for _ in range(count)]
    for k, p in enumerate(pieces):
        put(canvas, p, S * (.5 + (k - (count - 1) / 2) * (.56 / max(1, count - 1) if count > 1 else 0)),
            S * (.6 + .03 * (k % 2)), rng.uniform(-angle, angle), shadow=0.45)
    return develop(canvas, flat=False)


def drinks_view(rng, drink, liquid, piece, surface, color=None, glass=True) -> Image.Image:
    """A pack with a cup or glass of what it makes, and a few of the raw produce."""
    canvas = stage(rng, surface, color)
    put(canvas, drink, S * .38, S * .5, scale=min(1.25, S * .64 / drink.height), shadow=0.6)
    put(canvas, props.cup(270, liquid, glass), S * .74, S * .66, shadow=0.5)
    if piece is not None:
        scatter(canvas, rng, [piece(rng) for _ in range(3)], 5, (S * .14, S * .84, S * .86, S * .93))
    return develop(canvas, flat=False)


# -- the products -------------------------------------------------------------------------------------------------

def leaves(canvas, rng, color=(70, 128, 58)):
    for x, y, a in ((S * .18, S * .48, 150), (S * .82, S * .5, 30)):
        put(canvas, produce.leaf(rng, 230, 96, color), x, y, a, shadow=0.3)


def _grain(color, round_=False):
    return lambda rng, n=1.0: produce.grain(rng, color, 1.6 * n, round_)


def _tea(color):
    return lambda rng, n=1.0: produce.tea_leaf(rng, color, 1.4 * n)


def _window(rng, piece, count=40):
    return produce.heap(rng, 300, 160, lambda r: piece(r, .7), count)


# The table of pictures: the produce and its colours, then SKU -> three callables(rng), main picture first.
p = produce
jujube, walnut, kernel = p.jujube, p.walnut, p.walnut_kernel
chestnut, peeled = p.chestnut, partial(p.chestnut, peeled=True)
orange = partial(p.citrus, color=(246, 128, 20))
mandarin = partial(p.citrus, color=(252, 146, 24), flat=0.82)
rice, sticky, purple = _grain((250, 248, 240)), _grain((246, 244, 236), True), _grain((84, 34, 70))
barley, pearl = _grain((206, 178, 130), True), _grain((240, 234, 220), True)
green, black, yellow = _tea((66, 104, 48)), _tea((52, 34, 26)), _tea((150, 150, 70))
powder = _grain((250, 248, 242), True)
seed = partial(p.berry, color=(86, 52, 34))
spicy = partial(p.jerky, spicy=True)
milk, sea = (248, 246, 240), (244, 148, 30)
small_turnip = lambda rng, n=1.0: p.turnip(rng, .55 * n)  # noqa: E731
walnut_pile = lambda rng, n=1.0: p.heap(rng, round(560 * n), round(240 * n), walnut, 16)  # noqa: E731
shiitake_side = lambda rng, n=1.0: p.shiitake(rng, 1.1 * n, top=False)  # noqa: E731
SCENES = {
    "KP-TN-300": [lambda r: drinks_view(r, props.tin(300, 420, (236, 238, 242), (66, 110, 170)), milk, None,
                                        "cloth"),
                  lambda r: heap_view(r, powder, "stone", holder="black", loose=0),
                  lambda r: pack_view(r, props.tin(300, 420, (236, 238, 242), (66, 110, 170)), None, "wood",
                                      (200, 150, 100), side=props.cup(220, milk))],
    "KP-TN-BOX": [lambda r: pack_view(r, props.carton(520, 380, (58, 110, 170), r, gift=True, ribbon=props.WHITE),
                                      None, "cloth", LINEN, side=props.pouch(150, 220, (236, 240, 246), r)),
                  lambda r: close_view(r, lambda rr, n: props.pouch(round(120 * n), round(176 * n),
                                                                    (236, 240, 246), rr), "cloth", LINEN, 7, 1.2),
                  lambda r: drinks_view(r, props.carton(380, 280, (58, 110, 170), r, gift=True,
                                                        ribbon=props.WHITE), milk, None, "wood")],
    "KP-TR-1": [lambda r: board_view(r, p.steak, "stone", count=2),
                lambda r: close_view(r, p.steak, "wood", (150, 100, 64), 4, 1.4),
                lambda r: board_view(r, p.steak, "wood", (110, 72, 44), count=2, plate=True)],
    "KP-HZ-1": [lambda r: heap_view(r, jujube, "wood", (112, 70, 42), "porcelain"),
                lambda r: close_view(r, jujube, "wood", (150, 104, 66)),
                lambda r: pack_view(r, props.pouch(320, 440, KRAFT, r, _window(r, jujube)), jujube, "cloth")],
    "KP-HZ-5": [lambda r: pack_view(r, props.carton(500, 360, KRAFT, r), jujube, "wood", (176, 128, 84), 8,
                                    side=None),
                lambda r: close_view(r, jujube, "cloth", RED_CLOTH, 18),
                lambda r: heap_view(r, jujube, "bamboo", holder="basket")],
    "KP-QMG-5": [lambda r: board_view(r, p.turnip, "wood", (120, 80, 50), count=3, angle=8),
                 lambda r: close_view(r, p.turnip, "cloth", LINEN, 3, 1.5),
                 lambda r: heap_view(r, small_turnip, "stone", holder="basket", loose=2)],
    "WS-HT-25": [lambda r: heap_view(r, walnut, "cloth", LINEN, "basket"),
                 lambda r: close_view(r, walnut, "wood", (120, 80, 50), 12, 1.9, cut=lambda rr, n: kernel(rr, n)),
                 lambda r: pack_view(r, props.carton(480, 340, KRAFT, r), walnut, "wood", (150, 100, 64))],
    "WS-HTR-500": [lambda r: heap_view(r, kernel, "wood", (90, 60, 40), "celadon"),
                   lambda r: close_view(r, kernel, "stone", None, 12, 2.0),
                   lambda r: pack_view(r, props.pouch(320, 440, (84, 130, 80), r, _window(r, kernel)), kernel,
                                       "cloth")],
    "WS-SJ-12": [lambda r: pack_view(r, props.can(220, 380, sea, r), p.berry, "wood", (160, 110, 70), 10,
                                     side=props.can(200, 340, sea, r)),
                 lambda r: close_view(r, p.berry, "cloth", LINEN, 40, 2.2),
                 lambda r: drinks_view(r, props.can(220, 380, sea, r), sea, p.berry, "stone")],
    "WSU-DM-5": [lambda r: pack_view(r, props.sack(420, 500, r, _window(r, rice, 300)), None, "wood",
                                     (150, 100, 64), side=None),
                 lambda r: heap_view(r, rice, "bamboo", holder="porcelain", loose=0),
                 lambda r: pack_view(r, props.pouch(340, 460, (236, 234, 226), r, _window(r, rice, 300)), None,
                                     "cloth", LINEN)],
    "WSU-HT-1": [lambda r: board_view(r, walnut_pile, "stone", count=1),
                 lambda r: close_view(r, walnut, "cloth", LINEN, 10, 2.3),
                 lambda r: pack_view(r, props.pouch(320, 440, KRAFT, r, _window(r, walnut, 14)), walnut, "wood",
                                     (90, 60, 40))],
    "CJ-XZ-500": [lambda r: board_view(r, p.cured_pork, "wood", (90, 60, 40), count=2),
                  lambda r: close_view(r, p.cured_pork, "stone", None, 3, 1.3),
                  lambda r: board_view(r, p.cured_pork, "cloth", LINEN, count=1, plate=True)],
    "CJ-XC-500": [lambda r: board_view(r, p.sausage, "stone", count=4, angle=6),
                  lambda r: close_view(r, p.sausage, "wood", (150, 100, 64), 6, 1.2),
                  lambda r: board_view(r, p.sausage, "cloth", RED_CLOTH, count=3, plate=True)],
    "CJ-XHN-25": [lambda r: heap_view(r, sticky, "bamboo", holder="black", loose=0),
                  lambda r: heap_view(r, sticky, "wood", (110, 72, 44), "wood", loose=0),
                  lambda r: pack_view(r, props.sack(420, 500, r, _window(r, sticky, 300)), None, "cloth", LINEN)],
    "CJ-PG-5": [lambda r: heap_view(r, mandarin, "cloth", LINEN, "basket", extra=leaves, loose=2),
                lambda r: close_view(r, mandarin, "wood", (120, 80, 50), 7, 1.6),
                lambda r: pack_view(r, props.carton(500, 340, (236, 140, 40), r), mandarin, "wood",
                                    (160, 110, 70), 3)],
    "RJ-BXG-3": [lambda r: pack_view(r, produce.heap(r, 520, 300, p.passion_fruit, 9), None, "wood",
                                     (110, 72, 44), side=p.passion_fruit(r, cut=True)),
                 lambda r: close_view(r, p.passion_fruit, "stone", None, 6, 1.7,
                                      cut=lambda rr, n: p.passion_fruit(rr, n, cut=True)),
                 lambda r: heap_view(r, p.passion_fruit, "cloth", LINEN, "basket", loose=2)],
    "RJ-QC-5": [lambda r: heap_view(r, orange, "wood", (150, 100, 64), "porcelain", extra=leaves, loose=2),
                lambda r: close_view(r, orange, "cloth", LINEN, 5, 1.5),
                lambda r: pack_view(r, props.carton(500, 340, (60, 120, 70), r), orange, "stone", None, 3)],
    "TZ-CY-1": [lambda r: pack_view(r, props.bottle(220, 520, (226, 170, 40)), seed, "wood", (150, 100, 64), 8),
                lambda r: close_view(r, seed, "wood", (180, 130, 90), 40, 2.0),
                lambda r: pack_view(r, props.bottle(220, 520, (226, 170, 40)), None, "cloth", LINEN,
                                    side=props.plate(300))],
    "TZ-CY-GIFT": [lambda r: pack_view(r, props.carton(520, 380, (176, 34, 36), r, gift=True), None, "wood",
                                       (110, 72, 44), side=props.bottle(150, 360, (226, 170, 40))),
                   lambda r: pack_view(r, props.bottle(200, 480, (226, 170, 40)), None, "cloth", RED_CLOTH,
                                       side=props.bottle(180, 430, (226, 170, 40))),
                   lambda r: close_view(r, seed, "cloth", RED_CLOTH, 30, 2.2)],
    "QL-LC-250": [lambda r: drinks_view(r, props.tin(300, 420, (46, 120, 76)), (196, 200, 90), green, "bamboo"),
                  lambda r: close_view(r, green, "stone", None, 160, 1.8),
                  lambda r: heap_view(r, green, "wood", (150, 100, 64), "porcelain", loose=6)],
    "QL-HC-250": [lambda r: drinks_view(r, props.tin(300, 420, (150, 40, 35)), (168, 56, 26), black, "wood",
                                        (110, 72, 44), glass=False),
                  lambda r: close_view(r, black, "cloth", LINEN, 160, 1.8),
                  lambda r: heap_view(r, black, "stone", holder="celadon", loose=6)],
    "QL-YR-1": [lambda r: heap_view(r, pearl, "cloth", LINEN, "celadon", loose=0),
                lambda r: heap_view(r, pearl, "wood", (90, 60, 40), "black", loose=0),
                lambda r: pack_view(r, props.pouch(320, 440, (236, 226, 200), r, _window(r, pearl, 260)), None,
                                    "bamboo")],
    "WM-BL-25": [lambda r: heap_view(r, chestnut, "wood", (176, 128, 84), "basket"),
                 lambda r: close_view(r, chestnut, "cloth", LINEN, 12, 2.0),
                 lambda r: pack_view(r, props.carton(480, 340, KRAFT, r), chestnut, "stone", None)],
    "WM-BLR-500": [lambda r: heap_view(r, peeled, "stone", holder="porcelain"),
                   lambda r: close_view(r, peeled, "wood", (120, 80, 50), 12, 2.0),
                   lambda r: pack_view(r, props.pouch(320, 440, (196, 52, 40), r, _window(r, peeled)), peeled,
                                       "cloth", LINEN)],
    "WM-ZNM-25": [lambda r: heap_view(r, purple, "cloth", LINEN, "wood", loose=0),
                  lambda r: heap_view(r, purple, "stone", holder="porcelain", loose=0),
                  lambda r: pack_view(r, props.sack(420, 500, r, _window(r, purple, 300)), None, "bamboo")],
    "LT-MNRG-250": [lambda r: board_view(r, p.jerky, "stone", count=4, angle=20),
                    lambda r: close_view(r, p.jerky, "wood", (150, 100, 64), 7, 1.3),
                    lambda r: pack_view(r, props.pouch(320, 440, (70, 60, 52), r, _window(r, p.jerky, 8)),
                                        p.jerky, "cloth", LINEN, 3)],
    "LT-MNRG-LA": [lambda r: board_view(r, spicy, "cloth", RED_CLOTH, count=4, angle=25, plate=True),
                   lambda r: close_view(r, spicy, "stone", None, 7, 1.3),
                   lambda r: pack_view(r, props.pouch(320, 440, (190, 40, 30), r, _window(r, spicy, 8)), spicy,
                                       "wood", (110, 72, 44), 3)],
    "LT-QK-1": [lambda r: heap_view(r, barley, "wood", (110, 72, 44), "wood", loose=0),
                lambda r: heap_view(r, barley, "cloth", LINEN, "porcelain", loose=0),
                lambda r: pack_view(r, props.sack(420, 500, r, _window(r, barley, 300)), None, "stone")],
    "WC-HC-100": [lambda r: drinks_view(r, props.tin(280, 400, (200, 160, 50)), (214, 178, 70), yellow, "cloth",
                                        LINEN),
                  lambda r: close_view(r, yellow, "wood", (120, 80, 50), 160, 1.8),
                  lambda r: heap_view(r, yellow, "bamboo", holder="black", loose=6)],
    "WC-FM-500": [lambda r: pack_view(r, props.jar(300, 420, (214, 132, 20), r), None, "wood", (150, 100, 64),
                                      side=props.jar(200, 280, (214, 132, 20), r, lid=(60, 110, 170))),
                  lambda r: pack_view(r, props.jar(340, 470, (214, 132, 20), r, lid=(60, 110, 170)), None,
                                      "cloth", LINEN),
                  lambda r: pack_view(r, props.jar(300, 420, (226, 150, 30), r), None, "stone",
                                      side=props.plate(260))],
    "WC-MR-250": [lambda r: heap_view(r, p.fungus, "cloth", LINEN, "basket"),
                  lambda r: close_view(r, p.fungus, "wood", (176, 128, 84), 12, 1.5),
                  lambda r: heap_view(r, p.fungus, "stone", holder="porcelain")],
    "WC-XG-250": [lambda r: close_view(r, p.shiitake, "bamboo", None, 9, 1.1),
                  lambda r: heap_view(r, partial(shiitake_side, n=.7), "wood", (110, 72, 44),
                                      "basket", loose=3),
                  lambda r: board_view(r, shiitake_side, "cloth", LINEN, count=3)],
}


def save(img: Image.Image, path: Path) -> None:
    """JPEG, as small as a good picture allows (under MAX_BYTES when it can be)."""
    for quality in (80, 76, 72, 68, 64, 60, 56):
        img.save(path, "JPEG", quality=quality, optimize=True, progressive=True)
        if path.stat().st_size <= MAX_BYTES:
            break


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help="output directory (default: %(default)s)")
    parser.add_argument("--only", default="", help="comma-separated SKUs to draw (default: all)")
    args = parser.parse_args(argv)
    only = {s for s in args.only.split(",") if s}
    args.out.mkdir(parents=True, exist_ok=True)
    for sku in load_skus():
        if only and sku not in only:
            continue
        if sku not in SCENES:
            sys.exit(f"no pictures are defined for {sku}: add it to SCENES")
        for n, draw in enumerate(SCENES[sku], start=1):
            path = args.out / (f"{sku.lower()}.jpg" if n == 1 else f"{sku.lower()}-{n}.jpg")
            save(draw(random.Random(f"{sku}-{n}")), path)
            print(f"{path.name:20} {path.stat().st_size / 1024:5.1f} KB")


if __name__ == "__main__":
    main()
