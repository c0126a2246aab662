"""An upload handler that stops storing a file once it is larger than any photo we accept.

Django's settings do not cap the size of an uploaded file: the default
handlers keep everything (in memory or a temporary file). This handler runs
first; past UPLOAD_MAX_BYTES it swallows the rest of the file instead of
passing it on, and hands Django an empty placeholder that still knows how big
the file was, so that the form can say "照片太大了" instead of failing.
"""

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler


class OversizedUpload(UploadedFile):
    """What remains of a file that was too big: its name and size, no content."""

    def __init__(self, name, content_type, size):
        import io

        super().__init__(io.BytesIO(b""), name, content_type, size)


class SizeLimitUploadHandler(FileUploadHandler):
    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0
        self.oversized = False

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.UPLOAD_MAX_BYTES:
            self.oversized = True
        # None stops later handlers from storing this chunk.
        return None if self.oversized else raw_data

    def file_complete(self, file_size):
        if self.oversized:
            return OversizedUpload(self.file_name, self.content_type, self.received)
        return None  # let the next handler hand over the file it stored
