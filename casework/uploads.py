"""The upload handler of the project (settings.FILE_UPLOAD_HANDLERS, after Django's in-memory one): like Django's
temporary-file handler, but it stops writing a file to disk once it passes JEJARING_ATTACHMENT_MAX_MB. The file still
arrives with its true size, so the form refuses it with the size message; the disk never holds more than the limit
of it, however large a file is sent. (A reverse proxy should bound the whole request too.)"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import TemporaryFileUploadHandler


class LimitedTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.written = 0
        self.over = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if self.over:
            return None
        limit = int(settings.JEJARING_ATTACHMENT_MAX_MB) * 1024 * 1024
        if self.written + len(raw_data) > limit:
            self.over = True
            self.file.seek(0)
            self.file.truncate()  # what was written is of no use: the file is refused
            return None
        self.written += len(raw_data)
        self.file.write(raw_data)
        return None
