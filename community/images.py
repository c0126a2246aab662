"""Uploaded photos: verified, re-encoded into web renditions, metadata stripped.

Every photo the portal accepts (article covers and inline images, team logos,
wish and problem-report photos …) passes through ``check_upload`` (in a form's
clean) and ``store_upload`` (when the object is saved). Nothing of the uploaded
file is kept: each rendition is drawn anew by Pillow from the decoded pixels,
which drops EXIF/GPS data and anything hidden in the file (polyglots), and is
stored under a random name.
"""

import io
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage, storages
from django.utils.translation import gettext as _
from PIL import Image as PILImage
from PIL import ImageOps, UnidentifiedImageError

from community.models import Image

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
RENDITION_WIDTHS = (400, 800, 1200)
RENDITION_FORMAT = "WEBP"
RENDITION_QUALITY = 80


def _max_bytes():
    return settings.UPLOAD_MAX_BYTES


def _max_pixels():
    return settings.UPLOAD_MAX_PIXELS


def check_upload(upload):
    """Refuse anything but a real, reasonably sized JPEG, PNG or WebP photo.

    Raises ValidationError with a message for the person who uploaded it.
    Returns the upload, rewound, for ``store_upload``.
    """
    size = getattr(upload, "size", None) or 0
    if size == 0:
        raise ValidationError(_("文件是空的，请重新选择照片。"), code="empty")
    if size > _max_bytes():
        raise ValidationError(
            _("照片太大了：最大 %(limit)s MB，这张有 %(size).1f MB。请换一张或压缩后再传。")
            % {"limit": _max_bytes() // (1024 * 1024), "size": size / (1024 * 1024)},
            code="too_big",
        )
    try:
        upload.seek(0)
        with PILImage.open(upload) as probe:
            image_format = probe.format
            width, height = probe.size
            if image_format not in ACCEPTED_FORMATS:
                raise ValidationError(_("只能上传 JPG、PNG 或 WebP 格式的照片。"), code="format")
            if width * height > _max_pixels():
                raise ValidationError(
                    _("照片像素太多（%(mp)d 万像素），最多 %(limit)d 万像素。")
                    % {"mp": width * height // 10_000, "limit": _max_pixels() // 10_000},
                    code="pixels",
                )
            probe.verify()
        # verify() does not decode the pixels; decoding (once, kept for store_upload) catches truncated files.
        _decoded(upload)
    except ValidationError:
        raise
    except PILImage.DecompressionBombError:
        raise ValidationError(_("照片像素太多，无法处理。请换一张普通照片。"), code="pixels") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(
            _("这个文件不是完整的照片，无法打开。请上传 JPG、PNG 或 WebP 格式的照片。"), code="invalid"
        ) from None
    upload.seek(0)
    return upload


# The renditions are drawn from a copy at most this many times the largest rendition's width: a 40-megapixel
# photo is decoded (JPEG: at a fraction of its size, while decoding) and shrunk once, not resized three times.
WORKING_FACTOR = 2


def _decoded(upload):
    """The upload's pixels, upright and shrunk to a working size, decoded once and kept on the upload."""
    kept = getattr(upload, "_decoded_picture", None)
    if kept is not None:
        return kept
    working = RENDITION_WIDTHS[-1] * WORKING_FACTOR
    upload.seek(0)
    with PILImage.open(upload) as picture:
        # JPEG only: decode at 1/2, 1/4 or 1/8 scale, keeping the shorter side at least a working width.
        scale = min(1.0, working / min(picture.size))
        picture.draft("RGB", (round(picture.width * scale), round(picture.height * scale)))
        picture.load()
        upright = ImageOps.exif_transpose(picture)
    if upright.mode not in ("RGB", "RGBA"):
        upright = upright.convert("RGBA" if "A" in upright.getbands() or "transparency" in upright.info else "RGB")
    factor = upright.width // working
    shrunk = upright.reduce(factor) if factor >= 2 else upright
    upload._decoded_picture = shrunk
    return shrunk


def _renditions_of(picture):
    """(width, height, bytes) for each rendition width not larger than the picture (RGB or RGBA)."""
    widths = [w for w in RENDITION_WIDTHS if w < picture.width] + [min(picture.width, RENDITION_WIDTHS[-1])]
    results = []
    for width in sorted(set(widths)):
        height = max(1, round(picture.height * width / picture.width))
        resized = picture if width == picture.width else picture.resize((width, height), PILImage.Resampling.LANCZOS)
        buffer = io.BytesIO()
        resized.save(buffer, RENDITION_FORMAT, quality=RENDITION_QUALITY, method=4)
        results.append((width, height, buffer.getvalue()))
    return results


def private_storage():
    """Photos that are not public (yet), served only through a view that checks who asks.

    In the "private" storage when one is configured (a bucket of their own,
    PRIVATE_MEDIA_S3_BUCKET), else in the PRIVATE_MEDIA_ROOT folder, outside MEDIA_ROOT.
    """
    if "private" in settings.STORAGES:
        return storages["private"]
    return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT)


def storage_for(image):
    return private_storage() if image.private else default_storage


# Functions (user, image) -> True / False / None that say whether a user may see a private photo;
# each app that stores private photos registers one (None: "not one of mine").
_photo_access_checks = []


def register_photo_access(check):
    _photo_access_checks.append(check)
    return check


def may_view_photo(user, image):
    return not image.private or any(check(user, image) for check in _photo_access_checks)


def store_upload(upload, *, alt="", uploaded_by=None, private=False):
    """Re-encode a checked upload into renditions and record it as an Image.

    ``private`` photos (a wish under review, a problem report) are stored outside
    the public media folder and served by ``community.views.private_photo``.
    """
    check_upload(upload)  # decodes the upload once (or not at all when a form's clean did)
    key = uuid.uuid4()
    storage = private_storage() if private else default_storage
    renditions = []
    for width, height, data in _renditions_of(_decoded(upload)):
        name = storage.save(f"images/{key.hex[:2]}/{key.hex}-{width}.webp", ContentFile(data))
        renditions.append([width, height, name])
    largest = renditions[-1]
    return Image.objects.create(
        key=key,
        alt=alt[:120],
        width=largest[0],
        height=largest[1],
        renditions=renditions,
        private=private,
        uploaded_by=uploaded_by if getattr(uploaded_by, "pk", None) else None,
    )
