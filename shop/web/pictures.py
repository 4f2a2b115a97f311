"""The <picture> markup of a stored photo, written in Python: a page of product cards draws 24 of them, and as a
Jinja macro they took twice as long as the rest of the cards (see templates/_macros/catalog.html, picture)."""
from __future__ import annotations

from markupsafe import Markup, escape

from shop.core.images import Picture


def picture_tag(pic: Picture, prefix: str, sizes: str, alt: str = "", lazy: bool = True,
                large: bool = False) -> Markup:
    """A WebP <source> (when the photo has WebPs) and the JPEG <img>, each with the thumbnail and the full size in
    srcset; `large` starts from the full size (a gallery); width and height give the browser the shape before the
    file arrives; `lazy` false for pictures above the fold."""
    # Only the alt text comes from people: the names are the shop's own (hex and an extension, see
    # storage.valid_name), the prefix is a route's URL and the sizes are the templates' own.
    width, height = (pic.width, pic.height) if large else pic.thumb_size
    source = f'<source type="image/webp" srcset="{pic.srcset(prefix, True)}" sizes="{sizes}">' if pic.webp else ""
    loading = ' loading="lazy"' if lazy else ""
    return Markup(f'<picture>{source}<img src="{prefix}{pic.filename if large else pic.thumb_filename}" '
                  f'srcset="{pic.srcset(prefix)}" sizes="{sizes}" width="{width}" height="{height}" '
                  f'alt="{escape(alt)}"{loading} decoding="async"></picture>')
