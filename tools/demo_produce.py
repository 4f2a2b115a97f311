"""The demo's produce and its containers, as lit RGBA sprites (see demo_art.py): jujubes, walnuts, chestnuts,
citrus, passion fruit, turnips, grains, tea, meat, mushrooms, fungus, berries; bowls, baskets, jars, bottles,
tins, bags, boxes and cups. Sizes are in pixels of the 960-pixel canvas."""
from __future__ import annotations

import math
import random

from demo_art import colorize, ellipse_mask, noise, outline, solid, streaks, tone
from PIL import Image, ImageChops, ImageDraw, ImageFilter


def _ellipses(size, boxes) -> Image.Image:
    """A mask made of several ellipses (x0, y0, x1, y1 as shares of the size)."""
    w, h = size
    return outline((w, h), lambda d, s: [d.ellipse((x0 * w * s, y0 * h * s, x1 * w * s, y1 * h * s), fill=255)
                                         for x0, y0, x1, y1 in boxes])


def _mottle(size, rng, dark, light, grain=12.0) -> Image.Image:
    return colorize(noise(size, rng, grain), dark, light)


# -- produce ------------------------------------------------------------------------------------------------------

def jujube(rng: random.Random, n: float = 1.0) -> Image.Image:
    """A dried red jujube: glossy, deep red, finely wrinkled along its length."""
    w, h = round(80 * n), round(128 * n)
    wrinkles = Image.blend(streaks((h, w), rng, 3, 12).rotate(90, expand=True), noise((w, h), rng, 10), 0.5)
    color = _mottle((w, h), rng, (110, 16, 18), (176, 40, 34))
    return solid(ellipse_mask(w, h), color, rounding=0.6, bump=wrinkles, bump_amount=0.05, gloss=0.6,
                 shininess=40, ambient=0.45)


def walnut(rng: random.Random, n: float = 1.0) -> Image.Image:
    """A walnut in its thin shell: tan, deeply pitted, with a seam."""
    w, h = round(128 * n), round(138 * n)
    mask = ellipse_mask(w, h)
    pits = Image.blend(noise((w, h), rng, 9), noise((w, h), rng, 18), 0.5)
    seam = outline((w, h), lambda d, s: d.line((w * s / 2, 0, w * s / 2 + 4 * s, h * s), fill=255, width=5 * s))
    bump = ImageChops.add(pits, seam, scale=1.2)
    color = _mottle((w, h), rng, (150, 104, 60), (212, 168, 112), 18)
    return solid(mask, color, rounding=0.6, bump=bump, bump_amount=0.16, gloss=0.18, ambient=0.5)


def walnut_kernel(rng: random.Random, n: float = 1.0) -> Image.Image:
    """A shelled walnut half: two pale, brain-like lobes with a darker skin in the folds."""
    w, h = round(130 * n), round(108 * n)
    mask = _ellipses((w, h), [(0, .05, .56, .95), (.44, .05, 1, .95), (.12, 0, .88, .6), (.1, .4, .9, 1)])
    folds = Image.blend(noise((w, h), rng, 10), noise((w, h), rng, 18), 0.4)
    color = colorize(folds, (150, 98, 48), (232, 196, 140), (204, 160, 100))
    return solid(mask, color, rounding=0.4, bump=folds, bump_amount=0.2, gloss=0.15, ambient=0.55)


def chestnut(rng: random.Random, n: float = 1.0, peeled: bool = False) -> Image.Image:
    """A chestnut: glossy dark brown with a pointed tip and a pale base; peeled, a golden wrinkled kernel."""
    w, h = round(118 * n), round(112 * n)
    if peeled:
        mask = _ellipses((w, h), [(0, .12, 1, .95), (.12, 0, .8, .7)])
        wrinkles = Image.blend(noise((w, h), rng, 10), noise((w, h), rng, 18), 0.5)
        color = colorize(wrinkles, (176, 118, 30), (240, 200, 110))
        return solid(mask, color, rounding=0.5, bump=wrinkles, bump_amount=0.12, gloss=0.3, ambient=0.55)
    mask = outline((w, h), lambda d, s: (d.ellipse((0, h * .18 * s, w * s, h * s), fill=255),
                                         d.polygon([(w * .22 * s, h * .4 * s), (w * .5 * s, 0),
                                                    (w * .78 * s, h * .4 * s)], fill=255)))
    color = Image.new("RGB", (w, h), (96, 44, 20))
    ImageDraw.Draw(color).rectangle((0, h * .8, w, h), fill=(198, 160, 112))
    color = color.filter(ImageFilter.GaussianBlur(4))
    streak = streaks((h, w), rng, 2, 10).rotate(90, expand=True)
    return solid(mask, color, rounding=0.55, bump=streak, bump_amount=0.12, gloss=0.6, shininess=44)


def citrus(rng: random.Random, n: float = 1.0, color=(242, 140, 28), flat: float = 1.0) -> Image.Image:
    """An orange or a mandarin: dimpled peel, a glossy sheen, the stem scar on top."""
    w, h = round(200 * n), round(200 * n * flat)
    pores = noise((w, h), rng, 3)
    skin = _mottle((w, h), rng, tone(color, 0.97), tone(color, 1.05), 24)
    ImageDraw.Draw(skin).ellipse((w * .46, h * .05, w * .54, h * .1), fill=(96, 104, 40))
    return solid(ellipse_mask(w, h), skin, rounding=0.7, bump=pores, bump_amount=0.008, gloss=0.3, shininess=18,
                 ambient=0.52, rim=0.35)


def passion_fruit(rng: random.Random, n: float = 1.0, cut: bool = False) -> Image.Image:
    """A purple passion fruit, or one cut in half to show the yellow pulp and black seeds."""
    w, h = round(170 * n), round(160 * n)
    if not cut:
        skin = colorize(noise((w, h), rng, 6), (62, 22, 56), (128, 72, 120), (92, 36, 86))
        return solid(ellipse_mask(w, h), skin, rounding=0.7, bump=noise((w, h), rng, 8), bump_amount=0.04,
                     gloss=0.4, shininess=26)
    face = Image.new("RGB", (w, h), (86, 32, 80))
    d = ImageDraw.Draw(face)
    d.ellipse((6, 6, w - 6, h - 6), fill=(246, 236, 214))
    d.ellipse((18, 18, w - 18, h - 18), fill=(232, 170, 30))
    for _ in range(round(46 * n * n)):
        x, y = rng.uniform(.25, .75) * w, rng.uniform(.25, .75) * h
        d.ellipse((x - 5 * n, y - 7 * n, x + 5 * n, y + 7 * n), fill=(34, 22, 14))
    pulp = noise((w, h), rng, 3)
    return solid(ellipse_mask(w, h), face, rounding=0.15, depth=0.6, bump=pulp, bump_amount=0.25, gloss=0.6,
                 shininess=18, ambient=0.55)


def leaf(rng: random.Random, length: int, width: int, color=(72, 128, 58)) -> Image.Image:
    """A leaf pointing right, with a midrib."""
    def draw(d, s):
        half = [(length * s * i / 24, width * s / 2 * (1 - math.sin(math.pi * i / 24) ** 0.8)) for i in range(25)]
        d.polygon(half + [(x, width * s - y) for x, y in reversed(half)], fill=255)
    mask = outline((length, width), draw)
    veins = streaks((length, width), rng, 6, 1.5)
    ImageDraw.Draw(veins).line((4, width / 2, length - 6, width / 2), fill=255, width=max(2, width // 14))
    return solid(mask, _mottle((length, width), rng, tone(color, 0.8), tone(color, 1.15)), rounding=0.3,
                 bump=veins, bump_amount=0.15, gloss=0.35, shininess=20, ambient=0.45)


def turnip(rng: random.Random, n: float = 1.0) -> Image.Image:
    """恰玛古: a round root, purple at the shoulder and white below, with a tuft of leaves."""
    w, h = round(250 * n), round(330 * n)
    sprite = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    for angle in (-28, -8, 12, 30):
        blade = leaf(rng, round(150 * n), round(52 * n), (70, 132, 60)).rotate(90 + angle, expand=True)
        sprite.alpha_composite(blade, (round(w / 2 - blade.width / 2 + angle * n * 1.6), 0))
    rw, rh = round(230 * n), round(210 * n)
    ramp = Image.linear_gradient("L").resize((rw, rh)).point(lambda v: max(0, min(255, (v - 70) * 3)))
    skin = colorize(ramp, (132, 52, 122), (252, 250, 246), (206, 140, 190))
    root = solid(_ellipses((rw, rh), [(0, 0, 1, .92), (.42, .6, .58, 1)]), skin, rounding=0.65, gloss=0.35,
                 bump=noise((rw, rh), rng, 10), bump_amount=0.01, ambient=0.6, rim=0.3)
    sprite.alpha_composite(root, (round((w - rw) / 2), h - rh))
    return sprite


def grain(rng: random.Random, color, n: float = 1.0, round_: bool = False) -> Image.Image:
    """One grain of rice, barley or pearl barley."""
    w, h = (round(14 * n), round(13 * n)) if round_ else (round(11 * n), round(20 * n))
    return solid(ellipse_mask(w, h), _mottle((w, h), rng, tone(color, 0.94), tone(color, 1.04), 4), rounding=0.8,
                 gloss=0.5, shininess=24, ambient=0.62, rim=0.3)


def heap(rng: random.Random, width: int, height: int, piece, count: int) -> Image.Image:
    """A mound of small pieces (grains, tea leaves, powder specks) filling a half-ellipse."""
    sprite = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    pieces = [piece(rng) for _ in range(6)]
    for k in range(count):
        u = rng.uniform(-1, 1)
        top = height * (1 - max(0.0, 1 - u * u) ** 0.7)
        x, y = width / 2 + u * width / 2 * 0.94, rng.uniform(top, height)
        p = pieces[k % 6].rotate(rng.uniform(0, 360), expand=True)
        sprite.alpha_composite(p, (round(x - p.width / 2), round(y - p.height / 2)))
    return sprite


def tea_leaf(rng: random.Random, color, n: float = 1.0) -> Image.Image:
    """A rolled, twisted dry tea leaf."""
    w, h = round(52 * n), round(20 * n)
    bend = rng.uniform(-0.3, 0.3)
    mask = outline((w, h), lambda d, s: d.line([(2 * s, h * s / 2), (w * s / 2, h * s * (0.5 + bend)),
                                                (w * s - 2 * s, h * s / 2)], fill=255, width=round(h * .7 * s),
                                               joint="curve"))
    return solid(mask, _mottle((w, h), rng, tone(color, 0.75), tone(color, 1.2), 3), rounding=0.8, gloss=0.3,
                 bump=streaks((w, h), rng, 4, 2), bump_amount=0.12, ambient=0.5)


def sausage(rng: random.Random, n: float = 1.0) -> Image.Image:
    """A Chinese sausage: dark red, glossy, flecked with fat."""
    w, h = round(420 * n), round(74 * n)
    color = _mottle((w, h), rng, (120, 24, 22), (160, 44, 36), 10)
    d = ImageDraw.Draw(color)
    for _ in range(round(40 * n)):
        x, y = rng.uniform(.05, .95) * w, rng.uniform(.2, .8) * h
        d.ellipse((x - 5 * n, y - 3 * n, x + 5 * n, y + 3 * n), fill=(228, 180, 150))
    mask = outline((w, h), lambda d, s: d.rounded_rectangle((0, 0, w * s, h * s), radius=h * s / 2, fill=255))
    return solid(mask, color.filter(ImageFilter.GaussianBlur(1.2)), rounding=0.9, bump=noise((w, h), rng, 10),
                 bump_amount=0.05, gloss=0.55, shininess=30)


def cured_pork(rng: random.Random, n: float = 1.0) -> Image.Image:
    """A slab of smoked bacon (腊肉): amber rind, layers of translucent fat and dark lean."""
    w, h = round(380 * n), round(200 * n)
    layers = Image.new("RGB", (w, h))
    d = ImageDraw.Draw(layers)
    y, bands = 0, [((92, 44, 18), .14), ((226, 178, 110), .2), ((128, 40, 24), .28), ((222, 170, 104), .14),
                   ((110, 34, 22), .24)]
    for color, share in bands:
        d.rectangle((0, y, w, y + share * h + 2), fill=color)
        y += share * h
    layers = layers.filter(ImageFilter.GaussianBlur(3))
    layers = Image.blend(layers, _mottle((w, h), rng, (70, 30, 14), (200, 150, 90), 8), 0.18)
    mask = outline((w, h), lambda d, s: d.rounded_rectangle((0, 0, w * s, h * s), radius=26 * s, fill=255))
    return solid(mask, layers, rounding=0.25, bump=noise((w, h), rng, 12), bump_amount=0.05, gloss=0.5,
                 shininess=26)


def jerky(rng: random.Random, n: float = 1.0, spicy: bool = False) -> Image.Image:
    """A strip of air-dried yak jerky: dark, fibrous; dusted with chilli when spicy."""
    w, h = round(300 * n), round(64 * n)
    color = _mottle((w, h), rng, (70, 30, 18), (132, 62, 36), 6)
    if spicy:
        d = ImageDraw.Draw(color)
        for _ in range(round(60 * n)):
            x, y = rng.uniform(0, w), rng.uniform(0, h)
            d.ellipse((x - 3 * n, y - 2 * n, x + 3 * n, y + 2 * n), fill=(214, 52, 24))
    jag = [rng.uniform(-.08, .08) for _ in range(6)]
    mask = outline((w, h), lambda d, s: d.polygon(
        [(k * w * s / 5, (jag[k] + .02) * h * s) for k in range(6)]
        + [(k * w * s / 5, (1 - jag[5 - k] - .02) * h * s) for k in range(5, -1, -1)], fill=255))
    return solid(mask, color, rounding=0.5, bump=streaks((w, h), rng, 12, 3), bump_amount=0.06, gloss=0.3,
                 ambient=0.45)


def steak(rng: random.Random, n: float = 1.0) -> Image.Image:
    """A cut of red meat with fine white marbling."""
    w, h = round(300 * n), round(210 * n)
    marbling = noise((w, h), rng, 9).point(lambda v: 255 if 120 < v < 132 else 0).filter(ImageFilter.GaussianBlur(1))
    lean = _mottle((w, h), rng, (140, 26, 30), (196, 56, 56), 10)
    color = Image.composite(Image.new("RGB", (w, h), (240, 214, 200)), lean, marbling)
    mask = _ellipses((w, h), [(0, .1, .8, 1), (.2, 0, 1, .85)])
    return solid(mask, color, rounding=0.3, bump=noise((w, h), rng, 8), bump_amount=0.04, gloss=0.5, shininess=20)


def shiitake(rng: random.Random, n: float = 1.0, top: bool = True) -> Image.Image:
    """A dried shiitake cap, brown with pale cracks (seen from above), or from the side with its stem."""
    w = round(170 * n)
    cracks = noise((w, w), rng, 8).point(lambda v: 255 if 124 < v < 134 else 0).filter(ImageFilter.GaussianBlur(1.5))
    brown = _mottle((w, w), rng, (92, 52, 28), (140, 88, 50), 10)
    cap = Image.composite(Image.new("RGB", (w, w), (226, 200, 156)), brown, cracks)
    if top:
        return solid(ellipse_mask(w, w), cap, rounding=0.7, bump=cracks, bump_amount=-0.1, gloss=0.15, ambient=0.45)
    h = round(w * .9)
    sprite = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    stem = solid(ellipse_mask(round(w * .26), round(h * .6)), (222, 200, 160), rounding=0.8, gloss=0.1)
    sprite.alpha_composite(stem, (round(w * .37), round(h * .38)))
    dome = solid(_ellipses((w, round(h * .6)), [(0, .2, 1, 1.2), (.1, 0, .9, 1)]).crop((0, 0, w, round(h * .6))),
                 cap.resize((w, round(h * .6))), rounding=0.5, gloss=0.15)
    sprite.alpha_composite(dome, (0, 0))
    return sprite


def fungus(rng: random.Random, n: float = 1.0) -> Image.Image:
    """A dried black fungus: crinkled, near-black, with paler curled edges."""
    w, h = round(170 * n), round(130 * n)
    mask = _ellipses((w, h), [(rng.uniform(0, .4), rng.uniform(0, .4), rng.uniform(.6, 1), rng.uniform(.6, 1))
                              for _ in range(5)])
    crinkle = Image.blend(noise((w, h), rng, 8), noise((w, h), rng, 16), 0.5)
    return solid(mask, _mottle((w, h), rng, (22, 18, 18), (78, 66, 62), 6), rounding=0.2, bump=crinkle,
                 bump_amount=0.25, gloss=0.5, shininess=16, ambient=0.55)


def berry(rng: random.Random, n: float = 1.0, color=(240, 138, 20)) -> Image.Image:
    """A small glossy berry (sea buckthorn)."""
    w = round(34 * n)
    return solid(ellipse_mask(w, round(w * 1.12)), _mottle((w, round(w * 1.12)), rng, tone(color, .9), color, 5),
                 rounding=0.9, gloss=0.7, shininess=40, ambient=0.5)
