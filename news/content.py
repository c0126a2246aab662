"""An article body as residents get it: sanitised HTML, photos drawn from our renditions, plain text.

``prepare_body`` is the one function every path uses (the admin, the demo
loader, bulk seeding): it cleans whatever HTML arrives against an allow-list
with nh3, keeps only photos stored by the portal, and rewrites each of them
with width, height, srcset and lazy loading.
"""

import html
import re

import nh3

from community.models import Image

ALLOWED_TAGS = {
    "p",
    "br",
    "h2",
    "h3",
    "h4",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "s",
    "a",
    "ul",
    "ol",
    "li",
    "blockquote",
    "hr",
    "figure",
    "figcaption",
    "img",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height", "srcset", "sizes", "loading", "decoding", "data-file"},
    "ol": {"start"},
    "figure": {"class"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
BODY_IMAGE_SIZES = "(min-width: 900px) 760px, 100vw"

_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes=URL_SCHEMES,
    link_rel="noopener noreferrer",
    strip_comments=True,
)
_IMG_RE = re.compile(r"<img\b[^>]*>")
_ATTR_RE = re.compile(r'([\w-]+)="([^"]*)"')
# Our renditions are named images/<2 hex>/<32 hex key>-<width>.webp.
_KEY_RE = re.compile(r"/images/[0-9a-f]{2}/([0-9a-f]{32})-\d+\.webp$")


def _image_tag(image, alt):
    return (
        f'<img src="{html.escape(image.url(800))}" srcset="{html.escape(image.srcset)}" '
        f'sizes="{BODY_IMAGE_SIZES}" width="{image.width}" height="{image.height}" '
        f'alt="{html.escape(alt, quote=True)}" loading="lazy" decoding="async">'
    )


def _rewrite_images(clean_html):
    """Redraw our photos from their Image records; drop any photo from elsewhere."""
    tags = _IMG_RE.findall(clean_html)
    if not tags:
        return clean_html
    keys = {}
    for tag in tags:
        attrs = dict(_ATTR_RE.findall(tag))
        match = _KEY_RE.search(html.unescape(attrs.get("src", "")))
        if match:
            keys[tag] = (match.group(1), html.unescape(attrs.get("alt", "")))
    images = {image.key.hex: image for image in Image.objects.filter(key__in=[key for key, _alt in keys.values()])}

    def replace(match):
        tag = match.group(0)
        key, alt = keys.get(tag, (None, ""))
        image = images.get(key)
        if image is None:
            return ""  # not ours: the portal loads nothing from outside
        return _image_tag(image, alt or image.alt)

    return _IMG_RE.sub(replace, clean_html)


def sanitize_body(raw_html: str) -> str:
    """The allow-listed, image-rewritten HTML of an article body."""
    cleaned = _cleaner.clean(raw_html or "")
    cleaned = _rewrite_images(cleaned)
    # Figures whose photo was dropped, and paragraphs the editor left empty.
    cleaned = re.sub(r"<figure[^>]*>\s*(<figcaption>.*?</figcaption>)?\s*</figure>", "", cleaned, flags=re.S)
    cleaned = re.sub(r"<p>(\s|<br>)*</p>", "", cleaned)
    return cleaned.strip()


def plain_text(body_html: str) -> str:
    """The words of a body without tags, for search and descriptions."""
    text = re.sub(r"<(br|/p|/h[2-4]|/li|/blockquote|/figcaption)\s*/?>", "\n", body_html or "")
    text = nh3.clean(text, tags=set())
    return re.sub(r"[ \t]+", " ", html.unescape(text)).strip()
