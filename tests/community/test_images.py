"""Uploaded photos: only real images are kept, re-encoded, stripped and size-limited."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.template import Context, Template
from PIL import Image as PILImage

from community.images import check_upload, store_upload
from tests.images import image_bytes, upload
from tests.signing_in import sign_in

pytestmark = pytest.mark.django_db


def test_a_photo_is_stored_as_web_renditions_without_its_gps_data(media):
    original = image_bytes(2000, 1500, gps=True)
    assert b"TestCam" in original
    image = store_upload(upload(data=original), alt="社区长廊")
    assert [r[0] for r in image.renditions] == [400, 800, 1200]
    assert (image.width, image.height) == (1200, 900)
    for _width, _height, name in image.renditions:
        data = default_storage.open(name).read()
        assert b"TestCam" not in data
        with PILImage.open(io.BytesIO(data)) as stored:
            assert stored.format == "WEBP"
            assert not stored.getexif()
    assert image.key.hex in image.renditions[0][2]


def test_a_small_photo_is_not_enlarged(media):
    image = store_upload(upload(data=image_bytes(300, 200, image_format="PNG"), name="a.png"))
    assert image.renditions == [[300, 200, image.renditions[0][2]]]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "文件是空的"),
        (b"this is a text file, not a photo\n" * 10, "不是完整的照片"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "不是完整的照片"),
        (b"<!doctype html><html><script>alert(1)</script></html>", "不是完整的照片"),
        (image_bytes(400, 300)[:600], "不是完整的照片"),
        (image_bytes(40, 30, image_format="GIF"), "只能上传 JPG、PNG 或 WebP"),
        (image_bytes(40, 30, image_format="BMP"), "只能上传 JPG、PNG 或 WebP"),
    ],
    ids=["empty", "text-renamed-jpg", "svg", "html", "truncated", "gif", "bmp"],
)
def test_anything_but_a_real_photo_is_refused_with_a_message(data, message):
    with pytest.raises(ValidationError) as refused:
        check_upload(upload(name="photo.jpg", data=data))
    assert message in refused.value.messages[0]


def test_a_photo_over_the_size_limit_is_refused(settings):
    settings.UPLOAD_MAX_BYTES = 50_000
    with pytest.raises(ValidationError) as refused:
        check_upload(upload(data=image_bytes(1200, 900) + b"\0" * 60_000))
    assert "照片太大了" in refused.value.messages[0]


def test_a_photo_with_too_many_pixels_is_refused_before_it_is_decoded():
    # 10000 x 5000 pixels of one colour: small as PNG, 150 MB once decoded.
    large = image_bytes(10_000, 5_000, image_format="PNG", color=(0, 0, 0))
    assert len(large) < 1_000_000
    with pytest.raises(ValidationError) as refused:
        check_upload(upload(name="large.png", data=large))
    assert "像素太多" in refused.value.messages[0]


def png_header_only(width, height):
    """A PNG that claims huge dimensions: the shape of a decompression bomb, without the bytes."""
    import struct
    import zlib

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64))


def test_a_decompression_bomb_is_refused_with_a_message():
    with pytest.raises(ValidationError) as refused:
        check_upload(upload(name="bomb.png", data=png_header_only(60_000, 60_000)))
    assert "像素太多" in refused.value.messages[0]


def test_a_polyglot_is_neutralised_by_re_encoding(media):
    polyglot = image_bytes(800, 600) + b"<script>alert(document.cookie)</script>"
    image = store_upload(upload(data=polyglot))
    for _width, _height, name in image.renditions:
        assert b"<script>" not in default_storage.open(name).read()


def test_the_image_tag_writes_srcset_size_alt_and_lazy_loading(media):
    image = store_upload(upload(data=image_bytes(1600, 1200)), alt="邻里节合影")
    html = Template('{% load images %}{% image picture sizes="50vw" %}').render(Context({"picture": image}))
    assert 'alt="邻里节合影"' in html
    assert 'width="1200" height="900"' in html
    assert 'loading="lazy"' in html
    assert " 400w, " in html and " 1200w" in html
    assert 'sizes="50vw"' in html


def test_an_upload_is_not_stored_past_the_size_limit(settings):
    """The first upload handler stops passing chunks on once a file is too big."""
    import contextlib

    from django.core.files.uploadhandler import MemoryFileUploadHandler, StopFutureHandlers
    from django.test import RequestFactory

    from community.uploads import OversizedUpload, SizeLimitUploadHandler

    settings.UPLOAD_MAX_BYTES = 100_000
    request = RequestFactory().post("/")
    limiter, memory = SizeLimitUploadHandler(request), MemoryFileUploadHandler(request)
    memory.activated = True
    limiter.new_file("photo", "big.jpg", "image/jpeg", 1_000_000)
    with contextlib.suppress(StopFutureHandlers):  # the memory handler claims the file
        memory.new_file("photo", "big.jpg", "image/jpeg", 1_000_000)
    stored = 0
    for start in range(0, 1_000_000, 64 * 1024):
        chunk = b"\xff" * 64 * 1024
        chunk = limiter.receive_data_chunk(chunk, start)
        if chunk is not None:
            memory.receive_data_chunk(chunk, start)
            stored += len(chunk)
    assert stored <= 100_000 + 64 * 1024
    placeholder = limiter.file_complete(1_000_000)
    assert isinstance(placeholder, OversizedUpload) and placeholder.size > 100_000
    with pytest.raises(ValidationError) as refused:
        check_upload(placeholder)
    assert "照片太大了" in refused.value.messages[0]


def test_a_huge_upload_through_a_form_gets_the_size_message(client, settings, media):
    from tests.factories import StaffFactory

    settings.UPLOAD_MAX_BYTES = 200_000
    sign_in(client, StaffFactory(groups=["编辑"]))
    big = image_bytes(1200, 900) + b"\0" * 3_000_000
    response = client.post("/news/editor/photos/", {"photo": upload(data=big), "alt": "说明"})
    assert response.status_code == 200
    assert "照片太大了" in response.text


def test_a_private_photo_is_served_only_to_whom_its_feature_allows(client, settings, tmp_path):
    from community import images
    from tests.factories import UserFactory

    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    allowed = UserFactory()
    image = store_upload(upload(data=image_bytes(800, 600)), private=True)
    url = image.url(400)
    assert url == f"/photos/{image.key.hex}/400.webp"
    assert not (settings.MEDIA_ROOT / image.renditions[0][2]).exists() if settings.MEDIA_ROOT else True

    check = images.register_photo_access(lambda user, photo: photo.pk == image.pk and user.pk == allowed.pk)
    try:
        assert client.get(url).status_code == 404
        sign_in(client, UserFactory())
        assert client.get(url).status_code == 404
        sign_in(client, allowed)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/webp"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "private" in response["Cache-Control"]
    finally:
        images._photo_access_checks.remove(check)


def test_photos_use_only_the_storage_api_so_that_object_storage_can_hold_them(client, settings):
    """No file system path is needed: with storages that have none (like S3), photos are stored, linked and served."""
    from community import images
    from tests.factories import UserFactory

    in_memory = {"BACKEND": "django.core.files.storage.InMemoryStorage"}
    settings.STORAGES = {**settings.STORAGES, "default": in_memory, "private": in_memory}
    settings.MEDIA_URL = "https://media.shequ.example.cn/"
    public = store_upload(upload(data=image_bytes(800, 600)), alt="社区长廊")
    assert public.url(400) == f"https://media.shequ.example.cn/{public.renditions[0][2]}"
    assert default_storage.exists(public.renditions[0][2])

    owner = UserFactory()
    private = store_upload(upload(data=image_bytes(800, 600)), private=True)
    assert images.private_storage().exists(private.renditions[0][2])
    assert not default_storage.exists(private.renditions[0][2])
    check = images.register_photo_access(lambda user, photo: photo.pk == private.pk and user.pk == owner.pk)
    try:
        sign_in(client, owner)
        response = client.get(private.url(400))
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"RIFF")
    finally:
        images._photo_access_checks.remove(check)


@pytest.mark.django_db
@pytest.mark.parametrize("image_format", ["PNG", "JPEG"])
def test_a_large_photo_is_decoded_once_and_shrunk_before_the_renditions(media, monkeypatch, image_format):
    """Checking a form's upload and storing it decode the file once (the time: scripts, not this test)."""
    from PIL import ImageFile

    decodes = []
    real_load = ImageFile.ImageFile.load

    def counting_load(self):
        if self.tile:  # pixels still to decode
            decodes.append(self.size)
        return real_load(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", counting_load)
    photo = upload(name=f"big.{image_format.lower()}", width=5000, height=3000, image_format=image_format)
    check_upload(photo)  # the form's clean
    image = store_upload(photo)  # the save
    assert len(decodes) == 1
    if image_format == "JPEG":
        assert decodes[0] == (5000, 3000)  # the file's size; the decoder itself works at a fraction of it
    assert [r[0] for r in image.renditions] == [400, 800, 1200]
    assert image.renditions[-1][1] == 720
