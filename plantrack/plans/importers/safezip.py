"""ZIP containers (XLSX, DOCX, ODT) from untrusted files, opened within the limits.

``open_archive`` refuses, before anything is decompressed, an archive that is
damaged, has too many parts, or whose parts *declare* sizes or compression ratios
over the limits. ``SafeArchive.check`` then decompresses every part as a stream,
counting the bytes that actually come out (declared sizes can lie) and passing
each XML part through ``safexml.check``. Only after that do the office libraries
(openpyxl, python-docx) see the bytes; a reader that wants a part itself uses
``SafeArchive.read`` or ``SafeArchive.xml``, which apply the same caps.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile
import zlib
from collections.abc import Iterator

from django.utils.translation import gettext as _

from . import safexml
from .base import ImportRefused
from .limits import Limits, count_text, size_text

XML_SUFFIXES = (".xml", ".rels", ".vml")
_CHUNK = 1024 * 1024
# What zipfile and zlib raise for damaged, truncated, encrypted or exotic archives.
DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError)


def damaged(exc: BaseException) -> ImportRefused:
    return ImportRefused(
        _(
            "the file is a ZIP archive (like XLSX or DOCX) but it is damaged (%(reason)s); "
            "open it in Excel, Word or LibreOffice, save it again and upload the new file"
        )
        % {"reason": str(exc) or type(exc).__name__}
    )


def _too_big(part: str, size: int, limit: int, *, at_least: bool = False) -> ImportRefused:
    if at_least:
        return ImportRefused(
            _("the part %(part)s expands to more than %(limit)s; the limit is %(limit)s")
            % {"part": part, "limit": size_text(limit)}
        )
    return ImportRefused(
        _("the part %(part)s expands to %(size)s; the limit is %(limit)s")
        % {"part": part, "size": size_text(size), "limit": size_text(limit)}
    )


def _too_big_in_all(size: int, limit: int, *, at_least: bool = False) -> ImportRefused:
    params = {"size": size_text(size), "limit": size_text(limit)}
    if at_least:
        return ImportRefused(
            _("the parts of this file expand to more than %(limit)s in all; the limit is %(limit)s")
            % params
        )
    return ImportRefused(
        _("the parts of this file expand to %(size)s in all; the limit is %(limit)s") % params
    )


class SafeArchive:
    def __init__(self, archive: zipfile.ZipFile, limits: Limits) -> None:
        self.archive = archive
        self.limits = limits

    def names(self) -> list[str]:
        return self.archive.namelist()

    def __contains__(self, name: str) -> bool:
        return name in self.archive.NameToInfo

    def _chunks(self, info: zipfile.ZipInfo, budget: list[int]) -> Iterator[bytes]:
        """The decompressed bytes of one part, refusing once a cap is passed."""
        limits, seen = self.limits, 0
        try:
            with self.archive.open(info) as stream:
                while chunk := stream.read(_CHUNK):
                    seen += len(chunk)
                    budget[0] += len(chunk)
                    if seen > limits.max_member_bytes:
                        raise _too_big(info.filename, seen, limits.max_member_bytes, at_least=True)
                    if budget[0] > limits.max_total_bytes:
                        raise _too_big_in_all(budget[0], limits.max_total_bytes, at_least=True)
                    yield chunk
        except DAMAGED as exc:
            raise damaged(exc) from exc

    def check(self) -> None:
        """Decompress every part once, counting real bytes and checking every XML part."""
        budget = [0]
        for info in self.archive.infolist():
            chunks = self._chunks(info, budget)
            if info.filename.lower().endswith(XML_SUFFIXES):
                safexml.check(chunks, info.filename, self.limits)
            else:
                for _chunk in chunks:
                    pass

    def read(self, name: str) -> bytes:
        try:
            info = self.archive.getinfo(name)
        except KeyError as exc:
            raise ImportRefused(
                _("the file has no part named %(part)s; it is damaged or of another kind")
                % {"part": name}
            ) from exc
        return b"".join(self._chunks(info, [0]))

    def xml(self, name: str) -> ET.Element:
        return safexml.parse(self.read(name), name, self.limits)


def open_archive(data: bytes, limits: Limits) -> SafeArchive:
    """Open ``data`` as a ZIP archive and check what its directory declares."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except DAMAGED as exc:
        raise damaged(exc) from exc
    if len(infos) > limits.max_zip_members:
        raise ImportRefused(
            _("the file holds %(count)s parts; the limit is %(limit)s")
            % {"count": count_text(len(infos)), "limit": count_text(limits.max_zip_members)}
        )
    total = 0
    for info in infos:
        size = info.file_size
        total += size
        if size > limits.max_member_bytes:
            raise _too_big(info.filename, size, limits.max_member_bytes)
        ratio = size / max(info.compress_size, 1)
        if size > limits.ratio_floor_bytes and ratio > limits.max_compression_ratio:
            raise ImportRefused(
                _(
                    "the part %(part)s is compressed %(ratio)s to 1, as in a ZIP bomb; "
                    "the limit is %(limit)s to 1"
                )
                % {
                    "part": info.filename,
                    "ratio": count_text(int(ratio)),
                    "limit": count_text(limits.max_compression_ratio),
                }
            )
    if total > limits.max_total_bytes:
        raise _too_big_in_all(total, limits.max_total_bytes)
    return SafeArchive(archive, limits)
