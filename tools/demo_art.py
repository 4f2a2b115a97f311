"""Drawing kit for the demo photos made by tools/make_demo_images.py: lit solids, surfaces, shadows and props,
drawn with Pillow alone.

Every solid is shaded the same way: its outline is blurred into a height field, the slope of that field gives a
surface normal, and a light from the upper left gives it diffuse shading, a soft rim and a glossy highlight; noise
added to the height field gives skins, shells and fibres their texture. Randomness comes from the `random.Random`
passed in, so the same seed draws the same picture.
"""
from __future__ import annotations

import math
import random

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageMath, ImageOps

_LEN = math.sqrt(0.55 ** 2 + 0.65 ** 2 + 0.52 ** 2)
LIGHT = (-0.55 / _LEN, -0.65 / _LEN, 0.52 / _LEN)  # towards the light: upper left, in front
_HALF = (LIGHT[0], LIGHT[1], LIGHT[2] + 1)
_HLEN = math.sqrt(sum(v * v for v in _HALF))
HALF = tuple(v / _HLEN for v in _HALF)  # Blinn's half vector for a viewer straight ahead


def calc(expression, **images) -> Image.Image:
    """Pixel arithmetic on 'F' images: expression(args) with args holding the images and ImageMath's helpers."""
    return ImageMath.lambda_eval(expression, **images)


def outline(size, draw, supersample: int = 3) -> Image.Image:
    """An anti-aliased 'L' mask: draw(ImageDraw, scale) paints white at `supersample` times the size."""
    w, h = size
    big = Image.new("L", (w * supersample, h * supersample), 0)
    draw(ImageDraw.Draw(big), supersample)
    return big.resize((w, h), Image.LANCZOS)


def ellipse_mask(w: int, h: int) -> Image.Image:
    return outline((w, h), lambda d, s: d.ellipse((s, s, w * s - s, h * s - s), fill=255))


def noise(size, rng: random.Random, grain: float = 1.0) -> Image.Image:
    """Smooth 'L' noise around 128: random pixels at 1/grain of the size, enlarged smoothly."""
    w, h = size
    sw, sh = max(2, round(w / grain)), max(2, round(h / grain))
    small = Image.frombytes("L", (sw, sh), rng.randbytes(sw * sh))
    if grain > 1:
        small = small.filter(ImageFilter.GaussianBlur(0.6))
    big = small.resize((w, h), Image.BICUBIC)
    return ImageOps.autocontrast(big, cutoff=1) if grain > 1 else big


def streaks(size, rng: random.Random, along: float, across: float) -> Image.Image:
    """Noise stretched into fibres or grain running left to right (`along` long, `across` thick)."""
    w, h = size
    small = noise((w, h), rng, 1).resize((max(2, round(w / along)), max(2, round(h / across))), Image.BOX)
    return ImageOps.autocontrast(small, cutoff=1).resize((w, h), Image.BICUBIC)


def colorize(gray: Image.Image, dark, light, mid=None) -> Image.Image:
    """Map an 'L' image onto a colour ramp."""
    return ImageOps.colorize(gray, black=dark, white=light, mid=mid)


def soften(image: Image.Image, radius: float) -> Image.Image:
    """Blur an 'F' image by about `radius` pixels in floating point (Pillow's blur filters are 8-bit, and an 8-bit
    height field shades as contour lines): three passes of a box filter built by repeated doubling."""
    steps = max(1, round(math.log2(max(2.0, radius * 1.2))))
    pad = 3 * 2 ** steps
    w, h = image.size
    padded = Image.new("F", (w + 2 * pad, h + 2 * pad), 0)
    padded.paste(image, (pad, pad))
    for _ in range(3):
        for dx, dy in ((1, 0), (0, 1)):
            for n in range(steps):
                shifted = ImageChops.offset(padded, dx << n, dy << n)
                padded = calc(lambda a: (a["p"] + a["q"]) / 2, p=padded, q=shifted)
    back = round(3 * (2 ** steps - 1) / 2)
    return ImageChops.offset(padded, -back, -back).crop((pad, pad, pad + w, pad + h))


def solid(mask: Image.Image, color, *, rounding: float = 0.35, depth: float = 1.0, bump: Image.Image | None = None,
          bump_amount: float = 0.0, gloss: float = 0.3, shininess: float = 30, ambient: float = 0.35,
          rim: float = 0.45) -> Image.Image:
    """Shade the shape in `mask` as a rounded solid lit from the upper left; RGBA with the mask as alpha.

    color: an RGB tuple or an RGB image of the mask's size (a texture). rounding: how far in from the edge the
    shape keeps rising, as a share of its smaller side. bump: 'L' noise around 128 pressed into the surface."""
    w, h = mask.size
    radius = max(1.5, rounding * min(w, h) / 2)
    height = soften(mask.convert("F"), radius)
    if bump is not None:
        height = calc(lambda a: a["h"] + (a["b"] - 128) * bump_amount * a["m"] / 255,
                      h=height, b=bump.convert("F"), m=mask.convert("F"))
    k = depth * radius / 128
    sx = calc(lambda a: (a["r"] - a["l"]) * k, l=ImageChops.offset(height, 1, 0), r=ImageChops.offset(height, -1, 0))
    sy = calc(lambda a: (a["d"] - a["u"]) * k, u=ImageChops.offset(height, 0, 1), d=ImageChops.offset(height, 0, -1))
    norm = calc(lambda a: (a["x"] * a["x"] + a["y"] * a["y"] + 1) ** 0.5, x=sx, y=sy)
    lx, ly, lz = LIGHT
    hx, hy, hz = HALF
    diffuse = calc(lambda a: a["max"]((-a["x"] * lx - a["y"] * ly + lz) / a["n"], 0), x=sx, y=sy, n=norm)
    facing = calc(lambda a: a["max"]((-a["x"] * hx - a["y"] * hy + hz) / a["n"], 0), x=sx, y=sy, n=norm)
    spec = calc(lambda a: a["f"] ** shininess * (255 * gloss), f=facing)
    edge = calc(lambda a: (1 - rim) + rim * (a["max"](a["h"], 0) / 255) ** 0.5, h=height)
    light = calc(lambda a: (ambient + (1 - ambient) * a["d"] * 1.25) * a["e"], d=diffuse, e=edge)
    base = color if isinstance(color, Image.Image) else Image.new("RGB", (w, h), color)
    bands = [calc(lambda a: a["c"] * a["l"] + a["s"], c=band.convert("F"), l=light, s=spec).convert("L")
             for band in base.split()]
    return Image.merge("RGBA", (*bands, mask))


def place(canvas: Image.Image, sprite: Image.Image, cx: float, cy: float, angle: float = 0, scale: float = 1) -> None:
    """Composite an RGBA sprite centred on (cx, cy), turned by `angle` degrees and scaled."""
    if scale != 1:
        sprite = sprite.resize((max(1, round(sprite.width * scale)), max(1, round(sprite.height * scale))),
                               Image.LANCZOS)
    if angle:
        sprite = sprite.rotate(angle, resample=Image.BICUBIC, expand=True)
    canvas.alpha_composite(sprite, (round(cx - sprite.width / 2), round(cy - sprite.height / 2)))


def drop_shadow(canvas: Image.Image, sprite: Image.Image, cx: float, cy: float, *, angle: float = 0,
                scale: float = 1, reach: float = 0.06, blur: float = 0.05, strength: float = 0.55) -> None:
    """Darken the canvas under where a sprite will stand: a soft shadow cast down and to the right."""
    alpha = sprite.getchannel("A")
    if scale != 1:
        alpha = alpha.resize((max(1, round(alpha.width * scale)), max(1, round(alpha.height * scale))))
    if angle:
        alpha = alpha.rotate(angle, resample=Image.BICUBIC, expand=True)
    size = max(alpha.size)
    pad = round(size * (reach + 3 * blur)) + 4
    shade = Image.new("L", (alpha.width + 2 * pad, alpha.height + 2 * pad), 0)
    shift = round(size * reach)
    shade.paste(alpha, (pad + shift // 2, pad + shift))
    shade = shade.filter(ImageFilter.GaussianBlur(max(1, size * blur))).point(lambda v: round(v * strength))
    x, y = round(cx - alpha.width / 2) - pad, round(cy - alpha.height / 2) - pad
    layer = Image.new("L", canvas.size, 0)
    layer.paste(shade, (x, y))
    darkened = ImageChops.multiply(canvas, Image.new("RGBA", canvas.size, (40, 26, 18, 255)))
    canvas.paste(Image.composite(darkened, canvas, layer), (0, 0))


def vignette(canvas: Image.Image, strength: float = 0.35) -> Image.Image:
    """Darken the corners a little and warm the light, as a lens and a window would."""
    w, h = canvas.size
    ring = Image.radial_gradient("L").resize((w, h), Image.BICUBIC).point(lambda v: round(min(255, v * 0.9) * strength))
    dark = Image.new("RGB", (w, h), (30, 20, 12))
    return Image.composite(dark, canvas.convert("RGB"), ring)


def glow(canvas: Image.Image, cx: float, cy: float, radius: float, color=(255, 246, 226), strength: float = 0.5):
    """A soft pool of light (screened over the canvas)."""
    w, h = canvas.size
    spot = Image.new("L", (w, h), 0)
    ImageDraw.Draw(spot).ellipse((cx - radius, cy - radius, cx + radius, cy + radius), fill=round(255 * strength))
    spot = spot.filter(ImageFilter.GaussianBlur(radius / 2))
    light = Image.composite(Image.new("RGB", (w, h), color), Image.new("RGB", (w, h), (0, 0, 0)), spot)
    return ImageChops.screen(canvas.convert("RGB"), light).convert("RGBA")


def depth_of_field(canvas: Image.Image, sharp_from: float, sharp_to: float, blur: float) -> Image.Image:
    """Blur what lies above `sharp_from` (the far table and the wall) and below `sharp_to`, as a short lens does."""
    w, h = canvas.size
    soft = canvas.filter(ImageFilter.GaussianBlur(blur))
    ramp = Image.new("L", (1, h))
    for y in range(h):
        t = y / h
        far = max(0.0, (sharp_from - t) / max(sharp_from, 1e-6))
        near = max(0.0, (t - sharp_to) / max(1 - sharp_to, 1e-6))
        ramp.putpixel((0, y), round(255 * min(1.0, max(far, near) * 1.6)))
    return Image.composite(soft, canvas, ramp.resize((w, h)))


def tone(color, factor: float):
    """A colour made lighter (factor > 1) or darker."""
    return tuple(max(0, min(255, round(v * factor))) for v in color[:3])


# -- surfaces -----------------------------------------------------------------------------------------------------

def wood(size, rng: random.Random, color=(128, 84, 50), planks: int = 4) -> Image.Image:
    """Planks running left to right, with long grain, broad figure and a seam between planks."""
    w, h = size
    grain = Image.blend(streaks((w, h), rng, 120, 2.5), streaks((w, h), rng, 40, 18), 0.45)
    board = colorize(grain, tone(color, 0.55), tone(color, 1.4), color)
    d = ImageDraw.Draw(board, "RGBA")  # on an RGB image, RGBA fills blend
    seam = max(2, h // 300)
    edges = [0] + [round(k * h / planks + rng.uniform(-h / 40, h / 40)) for k in range(1, planks)] + [h]
    for top, bottom in zip(edges, edges[1:]):
        d.rectangle((0, top, w, bottom), fill=(0, 0, 0, round(rng.uniform(0, 30))))
        if top:
            d.line((0, top, w, top), fill=tone(color, 0.35) + (255,), width=seam)
            d.line((0, top + seam, w, top + seam), fill=tone(color, 1.3) + (160,), width=1)
    return board.convert("RGBA")


def cloth(size, rng: random.Random, color=(232, 222, 204), weave: float = 3.0) -> Image.Image:
    """Linen or cotton: a fine weave with soft folds."""
    w, h = size
    threads = Image.blend(streaks((w, h), rng, 30, weave), streaks((w, h), rng, 30, weave).rotate(90), 0.5)
    folds = noise((w, h), rng, max(w, h) / 6)
    gray = Image.blend(ImageOps.autocontrast(threads, cutoff=2), folds, 0.55)
    return colorize(gray, tone(color, 0.72), tone(color, 1.08), color).convert("RGBA")


def stone(size, rng: random.Random, color=(70, 74, 78)) -> Image.Image:
    """Slate or dark stone: mottled and matte."""
    w, h = size
    gray = Image.blend(noise((w, h), rng, 3), noise((w, h), rng, max(w, h) / 10), 0.6)
    return colorize(gray, tone(color, 0.7), tone(color, 1.35), color).convert("RGBA")


def bamboo_mat(size, rng: random.Random, color=(206, 170, 110)) -> Image.Image:
    """Strips of split bamboo tied across."""
    w, h = size
    mat = colorize(streaks((w, h), rng, 200, 1.5), tone(color, 0.75), tone(color, 1.15), color).convert("RGBA")
    d = ImageDraw.Draw(mat)
    strip = max(6, h // 36)
    for y in range(0, h, strip):
        d.line((0, y, w, y), fill=tone(color, 0.55) + (255,), width=2)
    for x in range(w // 6, w, w // 3):
        d.line((x, 0, x, h), fill=tone(color, 0.5) + (255,), width=max(3, w // 200))
    return mat


def table_scene(surface: Image.Image, wall=(236, 226, 210), horizon: float = 0.3) -> Image.Image:
    """A tabletop seen at an angle, its far edge at `horizon` of the height, against a softly lit wall."""
    w, h = surface.size
    top = round(h * horizon)
    wide = Image.new("RGBA", (w * 3, h))  # mirrored copies, so the far edge can be wider than the picture
    for k, tile in enumerate((ImageOps.mirror(surface), surface, ImageOps.mirror(surface))):
        wide.paste(tile, (k * w, 0))
    quad = (0.45 * w, 0, w, h, 2 * w, h, 2.55 * w, 0)  # upper left, lower left, lower right, upper right
    table = wide.transform((w, h - top), Image.QUAD, quad, Image.BICUBIC)
    canvas = Image.new("RGBA", (w, h), wall + (255,))
    backdrop = Image.linear_gradient("L").resize((w, top)).point(lambda v: round(v * 0.4))
    canvas.paste(Image.new("RGBA", (w, top), tone(wall, 0.78) + (255,)), (0, 0), backdrop)
    far = Image.linear_gradient("L").rotate(180).resize((w, h - top)).point(lambda v: round(v * 0.45))
    table.paste(Image.new("RGBA", table.size, (20, 14, 10, 255)), (0, 0), far)
    canvas.paste(table, (0, top))
    return canvas
