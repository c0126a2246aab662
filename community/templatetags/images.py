from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def image(picture, sizes="100vw", css_class="", width=800, alt=None, eager=False):
    """An <img> for an Image: src, srcset, sizes, intrinsic width/height, alt, lazy loading.

    ``width`` picks the rendition for ``src`` (older browsers); ``alt`` overrides
    the image's own description; ``eager`` for the one picture above the fold.
    """
    if not picture:
        return ""
    return format_html(
        '<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}" class="{}" loading="{}"'
        ' decoding="async">',
        picture.url(width),
        picture.srcset,
        sizes,
        picture.width,
        picture.height,
        picture.alt if alt is None else alt,
        css_class,
        "eager" if eager else "lazy",
    )
