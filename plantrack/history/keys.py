"""The Ed25519 key that signs checkpoints.

``PLANTRACK_HISTORY_KEY`` holds the raw 32-byte private key, base64-encoded
(``plantrack history keygen`` prints a new one). Outside production, when it is not set, a
key is generated on first use and kept in the data folder (``history_key``) so that the
demo can sign; in production a missing key is an error.
"""

from __future__ import annotations

import base64
import contextlib
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings

ENV = "PLANTRACK_HISTORY_KEY"
# Public keys (base64, separated by commas or spaces) of keys the site signed with before a
# rotation: checkpoints they signed stay trusted.
PREVIOUS_ENV = "PLANTRACK_HISTORY_PREVIOUS_KEYS"
KEY_FILE = "history_key"


class KeyMissing(Exception):
    def __init__(self, detail: str = "") -> None:
        super().__init__(
            f"No signing key: set {ENV} to a base64-encoded raw Ed25519 private key "
            f"(make one with `plantrack history keygen`). {detail}".strip()
        )


def new_key_text() -> str:
    raw = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    return base64.b64encode(raw).decode()


def _key_file() -> Path:
    return Path(settings.DATA_DIR) / KEY_FILE


def _key_text(*, create: bool) -> str | None:
    configured = os.environ.get(ENV, "").strip()
    if configured:
        return configured
    if getattr(settings, "PRODUCTION", False):
        return None
    path = _key_file()
    if not path.exists():
        if not create:
            return None
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(new_key_text())
        path.chmod(0o600)
    return path.read_text().strip()


def private_key(*, create: bool = True) -> Ed25519PrivateKey:
    text = _key_text(create=create)
    if not text:
        raise KeyMissing()
    try:
        raw = base64.b64decode(text, validate=True)
        return Ed25519PrivateKey.from_private_bytes(raw)
    except ValueError as exc:
        raise KeyMissing(f"The value given is not one ({exc}).") from exc


def public_text(key: Ed25519PrivateKey) -> str:
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def trusted_public_keys() -> set[str] | None:
    """The public keys whose checkpoints this site trusts: its signing key's and the previous
    ones (``PLANTRACK_HISTORY_PREVIOUS_KEYS``); None when no key is known here at all, and so
    nothing can be judged. A checkpoint signed with any other key was not made by this site,
    however valid its signature: someone who rewrote the history could re-sign it."""
    trusted = set(os.environ.get(PREVIOUS_ENV, "").replace(",", " ").split())
    with contextlib.suppress(KeyMissing):
        trusted.add(public_text(private_key(create=False)))
    return trusted or None


def key_trusted(public: str) -> bool:
    trusted = trusted_public_keys()
    return trusted is None or public in trusted


def sign(key: Ed25519PrivateKey, message: bytes) -> str:
    return base64.b64encode(key.sign(message)).decode()


def signature_valid(public: str, signature: str, message: bytes) -> bool:
    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public, validate=True))
        key.verify(base64.b64decode(signature, validate=True), message)
    except (InvalidSignature, ValueError):
        return False
    return True
