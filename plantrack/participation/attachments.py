"""An input's attachment: a document (the evidence kinds, checked by ``progress/evidence.py``)
or an audio recording (MP3, OGG, WAV, M4A, read from the bytes here), for people who would
rather speak or send a file than type. Hostile until checked, like evidence: the kind comes
from the content, the name's extension must agree, the size cap is named in the refusal."""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from plantrack.plans.importers.limits import size_text
from plantrack.progress import evidence
from plantrack.progress.evidence import CheckedFile, Kind

FIELD = "attachment"
AUDIO_KINDS = {
    "mp3": Kind("MP3", "audio/mpeg", (".mp3",)),
    "ogg": Kind("OGG", "audio/ogg", (".ogg", ".oga", ".opus")),
    "wav": Kind("WAV", "audio/wav", (".wav",)),
    "m4a": Kind("M4A", "audio/mp4", (".m4a", ".mp4", ".aac")),
}
AUDIO_TEXT = "MP3, OGG, WAV, M4A"


def audio_max_bytes() -> int:
    cap = int(getattr(settings, "PLANTRACK_AUDIO_MAX_BYTES", 10 * 1024 * 1024))
    return min(cap, settings.PLANTRACK_MAX_IMPORT_BYTES)


def audio_kind(data: bytes) -> str | None:
    """The audio kind of ``data`` from its first bytes, or None."""
    if data.startswith(b"ID3") or (
        len(data) > 1 and data[0] == 0xFF and (data[1] & 0xE0) == 0xE0 and data[1] != 0xFF
    ):
        return "mp3"
    if data.startswith(b"OggS"):
        return "ogg"
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        return "wav"
    if data[4:8] == b"ftyp" and data[8:12] in (b"M4A ", b"M4B ", b"mp42", b"isom", b"mp41"):
        return "m4a"
    return None


def _refuse(message: str) -> ValidationError:
    return ValidationError({FIELD: [message]})


def attachment_check(file: Any) -> CheckedFile:
    """One file checked by name, size and content; a ValidationError keyed ``attachment``."""
    name = str(getattr(file, "name", "") or "")
    if hasattr(file, "seek"):
        file.seek(0)
    head = file.read(16)
    if hasattr(file, "seek"):
        file.seek(0)
    kind_name = audio_kind(bytes(head))
    if kind_name is None:
        # A document: exactly the evidence rules (name, size cap, kind by content).
        try:
            return evidence.evidence_check(file)
        except ValidationError as exc:
            messages = [m for ms in exc.message_dict.values() for m in ms]
            raise ValidationError(
                {
                    FIELD: [
                        *messages,
                        _("Audio recordings are accepted too: %(kinds)s.") % {"kinds": AUDIO_TEXT},
                    ]
                }
            ) from exc
    try:
        evidence._check_name(name)
    except ValidationError as exc:
        raise _refuse(exc.message_dict[evidence.FILES][0]) from exc
    cap = audio_max_bytes()
    declared = getattr(file, "size", None)
    data = b"" if isinstance(declared, int) and declared > cap else bytes(file.read(cap + 1))
    if not data or len(data) > cap:
        raise _refuse(
            _(
                "The recording “%(name)s” is larger than the limit of %(limit)s per audio "
                "file. Record a shorter message or save it at a lower quality."
            )
            % {"name": name, "limit": size_text(cap)}
        )
    kind = AUDIO_KINDS[kind_name]
    extension = ("." + name.rsplit(".", 1)[1].lower()) if "." in name else ""
    if extension not in kind.extensions:
        raise _refuse(
            _(
                "“%(name)s” is named as %(extension)s but its content is %(kind)s audio. "
                "Name it with %(expected)s."
            )
            % {
                "name": name,
                "extension": extension or "—",
                "kind": kind.label,
                "expected": kind.extensions[0],
            }
        )
    return CheckedFile(name=name, data=data, kind=kind, sha256=hashlib.sha256(data).hexdigest())


def is_audio(content_type: str) -> bool:
    return content_type.startswith("audio/")
