"""An upload handler that never stores more of a file than the import limit.

Django writes an upload bigger than ``FILE_UPLOAD_MAX_MEMORY_SIZE`` to a temporary
file as it arrives; a 1 GB upload would fill the disk before the form could refuse
it. This handler keeps at most ``PLANTRACK_MAX_IMPORT_BYTES + 1`` bytes and counts
the rest, so the file's ``size`` is the real size and the import form can say
"the file is 50 MB; the limit is 10 MB" (the extra byte tells a file over the
limit from one exactly at it).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import TemporaryFileUploadHandler


class CappedUploadHandler(TemporaryFileUploadHandler):
    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.kept = 0
        self.cap = settings.PLANTRACK_MAX_IMPORT_BYTES + 1

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        room = self.cap - self.kept
        if room > 0:
            self.file.write(raw_data[:room])
            self.kept += min(room, len(raw_data))
        return None
