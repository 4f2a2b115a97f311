"""Containers and packaging for the demo photos (see demo_art.py): bowls, baskets, plates, boards, jars, bottles,
tins, cans, stand-up bags, cartons, gift boxes, sacks and cups. None carries writing: a pack shows colour, a band
and a leaf emblem, never a name."""
from __future__ import annotations

import random

from demo_art import colorize, ellipse_mask, noise, outline, solid, streaks, tone
from PIL import Image, ImageDraw, ImageFilter

WHITE = (246, 243, 236)


def _cylinder_shading(w: int, h: int, color, gloss: float = 0.5) -> Image.Image:
    """An RGB strip shaded like a standing cylinder lit from the left."""
    row = Image.new("RGB", (w, 1))
    for i in range(w):
        t = i / max(1, w - 1)
        light = 0.62 + 0.5 * max(0.0, 1 - abs(t - 0.28) / 0.45) - 0.28 * t
        spec = gloss * 230 * max(0.0, 1 - abs(t - 0.2) / 0.05)
        row.putpixel((i, 0), tuple(min(255, round(c * light + spec)) for c in color))
    return row.resize((w, h))


def emblem(d: ImageDraw.ImageDraw, cx: float, cy: float, r: float, color, leaf=(70, 130, 60)) -> None:
    """A round seal with two leaves: the packs' only decoration (no writing)."""
    d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=WHITE, outline=color, width=max(2, round(r / 10)))
    d.ellipse((cx - r * .42, cy - r * .62, cx + r * .08, cy + r * .18), fill=leaf)
    d.ellipse((cx - r * .08, cy - r * .38, cx + r * .48, cy + r * .42), fill=tone(leaf, 1.2))
    d.line((cx - r * .3, cy + r * .6, cx + r * .1, cy - r * .2), fill=tone(leaf, .7), width=max(2, round(r / 12)))


def tin(w: int, h: int, color, band=(214, 176, 84)) -> Image.Image:
    """A lidded tin (tea, milk powder): coloured body, a gold lid and band, an emblem."""
    lid = round(h * .2)
    e = round(w * .16)
    sprite = Image.new("RGBA", (w, h + e), (0, 0, 0, 0))
    body = _cylinder_shading(w, h - lid, color).convert("RGBA")
    ImageDraw.Draw(body).rectangle((0, round((h - lid) * .72), w, round((h - lid) * .78)), fill=band)
    body = Image.composite(body, Image.new("RGBA", body.size, (0, 0, 0, 0)),
                           outline(body.size, lambda d, s: d.rounded_rectangle((0, -20 * s, w * s, (h - lid) * s),
                                                                               radius=e * s // 2, fill=255)))
    sprite.alpha_composite(body, (0, lid + e // 2))
    cap = _cylinder_shading(w, lid, band, gloss=0.7).convert("RGBA")
    sprite.alpha_composite(cap, (0, e // 2))
    d = ImageDraw.Draw(sprite)
    d.ellipse((0, 0, w - 1, e), fill=tone(band, 1.15))
    d.line((0, lid + e // 2, w, lid + e // 2), fill=tone(band, .6), width=2)
    emblem(d, w * .5, lid + e / 2 + (h - lid) * .4, w * .2, tone(color, .8))
    return sprite


def can(w: int, h: int, color, rng: random.Random) -> Image.Image:
    """A drinks can: coloured with a pale band and an emblem."""
    e = round(w * .18)
    sprite = tin(w, h, color, band=(228, 228, 232))
    d = ImageDraw.Draw(sprite)
    d.ellipse((w * .3, e * .2, w * .7, e * .8), outline=(160, 160, 168), width=3)
    return sprite


def bowl(w: int, style: str, rng: random.Random) -> tuple[Image.Image, Image.Image, int]:
    """A bowl seen from slightly above: (inside, front, y of the rim's middle). Put the contents between the two."""
    h = round(w * .52)
    rim = round(w * .24)
    inside = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    colors = {"porcelain": (244, 242, 236), "celadon": (176, 204, 180), "wood": (160, 104, 60), "black": (44, 40, 38)}
    color = colors[style]
    texture = colorize(streaks((w, h), rng, 30, 2), tone(color, .8), tone(color, 1.1)) if style == "wood" \
        else Image.new("RGB", (w, h), color)
    ImageDraw.Draw(inside).ellipse((0, 0, w - 1, rim), fill=tone(color, .72) + (255,))
    front_mask = outline((w, h), lambda d, s: (d.chord((0, -h * s * .9, w * s, h * s * .98), 0, 180, fill=255),
                                               d.rectangle((w * .32 * s, h * .86 * s, w * .68 * s, h * s), fill=255)))
    front_mask.paste(0, (0, 0, w, rim // 2))  # the far half of the rim is behind the contents
    front = solid(front_mask, texture, rounding=0.5, gloss=0.5 if style != "wood" else 0.15, shininess=30, ambient=0.5)
    d = ImageDraw.Draw(front)
    d.arc((0, 0, w - 1, rim), 0, 180, fill=tone(color, 1.1) + (255,), width=max(3, w // 90))
    return inside, front, rim // 2


def basket(w: int, rng: random.Random) -> tuple[Image.Image, Image.Image, int]:
    """A shallow bamboo basket: (inside, front, y of the rim's middle)."""
    h = round(w * .42)
    rim = round(w * .26)
    weave = Image.blend(streaks((w, h), rng, 1.5, 14).rotate(0), streaks((h, w), rng, 1.5, 14).rotate(90, expand=True)
                        .resize((w, h)), 0.5)
    texture = colorize(weave, (150, 110, 60), (226, 190, 128))
    inside = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    inside.paste(texture.convert("RGBA"), (0, 0), outline((w, h), lambda d, s: d.ellipse((0, 0, w * s, rim * s),
                                                                                         fill=200)))
    front_mask = outline((w, h), lambda d, s: d.chord((w * .02 * s, -h * s * .7, w * .98 * s, h * s), 0, 180,
                                                      fill=255))
    front_mask.paste(0, (0, 0, w, rim // 2))  # the far half of the rim is behind the contents
    front = solid(front_mask, texture, rounding=0.3, bump=weave, bump_amount=0.25, gloss=0.1, ambient=0.5)
    ImageDraw.Draw(front).arc((0, 0, w - 1, rim), 0, 180, fill=(128, 90, 46, 255), width=max(4, w // 60))
    return inside, front, rim // 2


def plate(w: int, color=WHITE) -> Image.Image:
    """A round plate seen from above at an angle."""
    h = round(w * .42)
    p = solid(ellipse_mask(w, h), color, rounding=0.12, gloss=0.4, ambient=0.6)
    ImageDraw.Draw(p).ellipse((w * .12, h * .12, w * .88, h * .88), outline=tone(color, .88) + (255,),
                              width=max(2, w // 120))
    return p


def board(w: int, h: int, rng: random.Random) -> Image.Image:
    """A wooden chopping board, seen at an angle."""
    texture = colorize(streaks((w, h), rng, 40, 2.5), (170, 120, 70), (230, 190, 136))
    mask = outline((w, h), lambda d, s: d.rounded_rectangle((0, 0, w * s, h * s), radius=h * s // 5, fill=255))
    b = solid(mask, texture, rounding=0.06, gloss=0.1, ambient=0.55)
    edge = Image.new("RGBA", (w, round(h * .08)), (120, 78, 40, 255))
    out = Image.new("RGBA", (w, h + edge.height), (0, 0, 0, 0))
    out.alpha_composite(edge, (0, h - edge.height // 2 - 8))
    out.alpha_composite(b, (0, 0))
    return out


def jar(w: int, h: int, fill, rng: random.Random, lid=(196, 44, 40)) -> Image.Image:
    """A glass jar full of honey (or anything `fill` coloured), a cloth tied over its lid."""
    sprite = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    neck = round(h * .16)
    body_mask = outline((w, h - neck), lambda d, s: d.rounded_rectangle((0, 0, w * s, (h - neck) * s),
                                                                        radius=w * s // 4, fill=255))
    honey = colorize(Image.linear_gradient("L").resize((w, h - neck)), tone(fill, 1.25), tone(fill, .62))
    glass = solid(body_mask, honey, rounding=0.3, gloss=0.9, shininess=60, ambient=0.7, rim=0.25)
    d = ImageDraw.Draw(glass)
    d.rounded_rectangle((w * .14, h * .08, w * .22, (h - neck) * .8), radius=8, fill=(255, 255, 255, 110))
    sprite.alpha_composite(glass, (0, neck))
    cloth = Image.new("RGB", (w + 20, neck * 2), lid)
    cd = ImageDraw.Draw(cloth)
    for x in range(0, w + 20, max(8, w // 10)):
        cd.rectangle((x, 0, x + max(4, w // 20), neck * 2), fill=tone(lid, 1.25))
    cap_mask = outline(cloth.size, lambda d2, s: d2.polygon(
        [(w * .08 * s, 0), (w * .92 * s, 0), ((w + 20) * s, neck * 1.9 * s), (0, neck * 1.9 * s)], fill=255))
    cap = solid(cap_mask, cloth, rounding=0.2, gloss=0.1, ambient=0.6)
    sprite.alpha_composite(cap.crop((10, 0, w + 10, neck * 2)), (0, 0))
    ImageDraw.Draw(sprite).line((w * .06, neck * 1.25, w * .94, neck * 1.25), fill=(236, 210, 150, 255), width=5)
    return sprite


def bottle(w: int, h: int, fill, cork=(176, 132, 84)) -> Image.Image:
    """A clear glass bottle of golden oil with a cork."""
    def shape(d, s):
        d.rounded_rectangle((w * .36 * s, 0, w * .64 * s, h * .3 * s), radius=6 * s, fill=255)
        d.polygon([(w * .36 * s, h * .22 * s), (w * .64 * s, h * .22 * s), (w * s, h * .42 * s), (0, h * .42 * s)],
                  fill=255)
        d.rounded_rectangle((0, h * .38 * s, w * s, h * s), radius=w * .18 * s, fill=255)
    mask = outline((w, h), shape)
    oil = colorize(Image.linear_gradient("L").resize((w, h)), tone(fill, 1.3), tone(fill, .7))
    ImageDraw.Draw(oil).rectangle((0, 0, w, h * .32), fill=(226, 232, 220))
    glass = solid(mask, oil, rounding=0.35, gloss=0.9, shininess=60, ambient=0.7, rim=0.2)
    d = ImageDraw.Draw(glass)
    d.rounded_rectangle((w * .12, h * .45, w * .2, h * .92), radius=8, fill=(255, 255, 255, 120))
    d.rounded_rectangle((w * .15, h * .58, w * .85, h * .82), radius=10, fill=WHITE + (255,))
    emblem(d, w * .5, h * .7, h * .09, (60, 120, 70))
    d.rounded_rectangle((w * .38, -4, w * .62, h * .07), radius=6, fill=cork + (255,))
    return glass


def pouch(w: int, h: int, color, rng: random.Random, window: Image.Image | None = None) -> Image.Image:
    """A stand-up bag (kraft paper or coloured film) with a zip, a clear window and an emblem."""
    paper = colorize(Image.blend(noise((w, h), rng, 2), streaks((w, h), rng, 20, 2), 0.5), tone(color, .86),
                     tone(color, 1.08))
    d = ImageDraw.Draw(paper)
    if window is not None:
        win = window.resize((round(w * .56), round(h * .3)))
        paper.paste(win.convert("RGB"), (round(w * .22), round(h * .22)))
        d.rounded_rectangle((w * .22, h * .22, w * .78, h * .52), radius=w // 14, outline=tone(color, .7), width=3)
    d.rectangle((0, h * .62, w, h * .66), fill=tone(color, .6))
    emblem(d, w * .5, h * .78, w * .12, tone(color, .55))
    d.line((w * .06, h * .1, w * .94, h * .1), fill=tone(color, .7), width=3)
    mask = outline((w, h), lambda dd, s: dd.polygon([(0, 0), (w * s, 0), (w * .97 * s, h * s), (w * .03 * s, h * s)],
                                                    fill=255))
    bag = solid(mask, paper, rounding=0.22, bump=noise((w, h), rng, 40), bump_amount=0.4, gloss=0.25, ambient=0.55)
    teeth = ImageDraw.Draw(bag)
    for x in range(0, w, 10):
        teeth.polygon([(x, 0), (x + 5, 6), (x + 10, 0)], fill=(0, 0, 0, 0))
    return bag


def carton(w: int, h: int, color, rng: random.Random, gift: bool = False, ribbon=(232, 190, 80)) -> Image.Image:
    """A box in three-quarter view: front, top and side faces; a gift box gets a ribbon and a bow."""
    depth = round(w * .28)
    sprite = Image.new("RGBA", (w + depth, h + depth), (0, 0, 0, 0))
    d = ImageDraw.Draw(sprite)
    fx, fy = 0, depth
    front = [(fx, fy), (fx + w, fy), (fx + w, fy + h), (fx, fy + h)]
    top = [(fx, fy), (fx + depth, 0), (fx + w + depth, 0), (fx + w, fy)]
    side = [(fx + w, fy), (fx + w + depth, 0), (fx + w + depth, h), (fx + w, fy + h)]
    d.polygon(front, fill=color)
    d.polygon(top, fill=tone(color, 1.22))
    d.polygon(side, fill=tone(color, .68))
    grain = colorize(noise(sprite.size, rng, 2), (0, 0, 0), (255, 255, 255)).convert("L")
    shade = Image.new("RGBA", sprite.size, (0, 0, 0, 0))
    shade.putalpha(grain.point(lambda v: round(abs(v - 128) * .12)))
    sprite.alpha_composite(Image.composite(shade, Image.new("RGBA", sprite.size, (0, 0, 0, 0)), sprite.getchannel("A")))
    if gift:
        band = max(10, w // 12)
        cx = fx + w * .45
        d.rectangle((cx - band / 2, fy, cx + band / 2, fy + h), fill=ribbon)
        d.polygon([(cx - band / 2, fy), (cx + band / 2, fy), (cx + band / 2 + depth, 0), (cx - band / 2 + depth, 0)],
                  fill=tone(ribbon, 1.1))
        d.polygon([(fx + w, fy + h * .45), (fx + w + depth, h * .45 - depth * 0 + 0), (fx + w + depth, h * .45 + band),
                   (fx + w, fy + h * .45 + band)], fill=tone(ribbon, .8))
        for dx in (-1, 1):
            d.ellipse((cx + depth / 2 + dx * band * 2.2 - band * 2, depth / 2 - band * 1.6,
                       cx + depth / 2 + dx * band * 2.2 + band * 2, depth / 2 + band * .6), fill=tone(ribbon, 1.05),
                      outline=tone(ribbon, .75), width=3)
        d.ellipse((cx + depth / 2 - band, depth / 2 - band, cx + depth / 2 + band, depth / 2 + band * .6),
                  fill=tone(ribbon, .9))
    else:
        emblem(d, fx + w * .5, fy + h * .48, min(w, h) * .2, tone(color, .6))
        d.rectangle((fx, fy + h * .82, fx + w, fy + h * .88), fill=tone(color, .75))
    return sprite.filter(ImageFilter.SMOOTH)


def sack(w: int, h: int, rng: random.Random, contents: Image.Image | None = None) -> Image.Image:
    """A burlap sack, its mouth rolled open to show what is inside."""
    weave = Image.blend(streaks((w, h), rng, 1.3, 7), streaks((h, w), rng, 1.3, 7).rotate(90, expand=True)
                        .resize((w, h)), 0.5)
    cloth = colorize(weave, (150, 118, 74), (222, 194, 140))
    mask = outline((w, h), lambda d, s: (d.rounded_rectangle((0, h * .12 * s, w * s, h * s), radius=w * .28 * s,
                                                             fill=255),
                                         d.ellipse((-w * .04 * s, 0, w * 1.04 * s, h * .3 * s), fill=255)))
    body = solid(mask, cloth, rounding=0.4, bump=weave, bump_amount=0.25, gloss=0.05, ambient=0.5)
    d = ImageDraw.Draw(body)
    d.ellipse((w * .04, h * .03, w * .96, h * .25), fill=(92, 70, 44, 255))
    if contents is not None:
        inner = contents.resize((round(w * .86), round(h * .2)))
        body.alpha_composite(inner, (round(w * .07), round(h * .03)))
    d.arc((-w * .04, 0, w * 1.04, h * .3), 0, 180, fill=(200, 170, 120, 255), width=max(6, w // 30))
    return body


def cup(w: int, liquid, glass: bool = True) -> Image.Image:
    """A cup of tea or milk: a clear glass showing the liquid, or a white porcelain cup."""
    h = round(w * 1.05)
    e = round(w * .22)
    sprite = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    depth = h - e // 2
    mask = outline((w, depth), lambda d, s: d.polygon([(0, 0), (w * s, 0), (w * .86 * s, depth * s),
                                                       (w * .14 * s, depth * s)], fill=255))
    if glass:
        fill = colorize(Image.linear_gradient("L").resize(mask.size), tone(liquid, 1.2), tone(liquid, .7))
        ImageDraw.Draw(fill).rectangle((0, 0, w, mask.size[1] * .18), fill=(236, 240, 236))
        body = solid(mask, fill, rounding=0.3, gloss=0.9, shininess=60, ambient=0.72, rim=0.2)
        ImageDraw.Draw(body).rounded_rectangle((w * .12, h * .12, w * .18, h * .7), radius=5,
                                               fill=(255, 255, 255, 110))
    else:
        body = solid(mask, WHITE, rounding=0.4, gloss=0.6, shininess=40, ambient=0.55)
    sprite.alpha_composite(body, (0, e // 2))
    d = ImageDraw.Draw(sprite)
    d.ellipse((0, 0, w - 1, e), fill=(236, 236, 230, 255))
    d.ellipse((w * .05, e * .12 + (e * .3 if glass else 0), w * .95, e * .92), fill=tone(liquid, .95) + (255,))
    return sprite
