"""Fixtures of the progress tests (the workflow's live in _workflow.py)."""

from ._workflow import (  # noqa: F401 (fixtures)
    bob_of_dice,
    dora,
    indicators,
    notices,
    period,
    recomputed,
    rex,
)
