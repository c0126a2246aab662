"""Image files for tests, drawn with Pillow on the fly."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def image_bytes(width=1600, height=1000, image_format="JPEG", color=(200, 60, 40), gps=False):
    picture = Image.new("RGB", (width, height), color)
    buffer = io.BytesIO()
    options = {}
    if gps and image_format == "JPEG":
        exif = Image.Exif()
        exif[0x010F] = "TestCam"  # Make
        exif[0x8825] = {1: "N", 2: (30.0, 12.0, 0.0), 3: "E", 4: (115.0, 2.0, 0.0)}  # GPS IFD
        options["exif"] = exif.tobytes()
    picture.save(buffer, image_format, **options)
    return buffer.getvalue()


def upload(name="photo.jpg", data=None, content_type="image/jpeg", **kwargs):
    return SimpleUploadedFile(name, image_bytes(**kwargs) if data is None else data, content_type=content_type)
