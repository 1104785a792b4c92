"""Indicator actuals: the roll-up of approved measurements, stored in ``IndicatorActual``.

Filled in by the indicators work of issue 11 (see the module docstring of models.py)."""

from __future__ import annotations

from collections.abc import Iterable


def indicator_actuals_recompute(*, indicator_ids: Iterable[int]) -> None:
    """Recompute and store the actuals of these indicators from their approved measurements.
    Called inside the approving transaction."""
    raise NotImplementedError("issue 11: actuals")
