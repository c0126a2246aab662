"""Checking photos in the browser without racing their download."""


def image_loaded(image):
    """Whether the photo arrives and decodes to real pixels: waits for it (scrolled into view, as a lazy
    image only loads there) instead of reading ``naturalWidth`` while it may still be on its way."""
    image.scroll_into_view_if_needed()
    return image.evaluate("img => img.decode().then(() => img.naturalWidth > 0, () => false)")
