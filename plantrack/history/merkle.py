"""Merkle trees as in Certificate Transparency (RFC 9162, section 2.1): the root over a
checkpoint's events and each event's inclusion proof. Leaves are the events' hashes."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence


def _leaf(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def _node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than ``n`` (n > 1)."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def _root(leaves: Sequence[bytes]) -> bytes:
    # Bottom-up over the same shape as RFC 9162's recursive definition.
    if not leaves:
        return hashlib.sha256(b"").digest()
    level = [_leaf(leaf) for leaf in leaves]
    return _fold(level)


def _fold(hashes: list[bytes]) -> bytes:
    if len(hashes) == 1:
        return hashes[0]
    k = _split(len(hashes))
    return _node(_fold(hashes[:k]), _fold(hashes[k:]))


def root(leaves: Sequence[str]) -> str:
    """The tree head of hex-encoded leaves, hex-encoded."""
    return _root([bytes.fromhex(leaf) for leaf in leaves]).hex()


def inclusion_proof(leaves: Sequence[str], index: int) -> list[str]:
    """The audit path of leaf ``index`` (0-based), hex-encoded, from the leaf upwards."""
    hashes = [_leaf(bytes.fromhex(leaf)) for leaf in leaves]
    return [h.hex() for h in _path(index, hashes)]


def _path(m: int, hashes: list[bytes]) -> list[bytes]:
    if len(hashes) <= 1:
        return []
    k = _split(len(hashes))
    if m < k:
        return [*_path(m, hashes[:k]), _fold(hashes[k:])]
    return [*_path(m - k, hashes[k:]), _fold(hashes[:k])]


def verify_inclusion(leaf: str, index: int, size: int, proof: Sequence[str], root_hex: str) -> bool:
    """RFC 9162 section 2.1.3.2: does ``leaf`` sit at ``index`` of the tree with this root?"""
    if not 0 <= index < size:
        return False
    fn, sn = index, size - 1
    r = _leaf(bytes.fromhex(leaf))
    for step in proof:
        p = bytes.fromhex(step)
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = _node(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = _node(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r.hex() == root_hex
