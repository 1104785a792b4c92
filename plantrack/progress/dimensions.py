"""The disaggregation dimensions (sex, age group, …) and their values: a site-wide list that
site administrators keep (through the admin, which calls these services)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from plantrack.accounts.permissions import is_site_admin
from plantrack.history.services import Action, diff, record
from plantrack.lib.rules import require, rule

from .actuals import indicator_actuals_recompute
from .models import Dimension, DimensionValue, Indicator, Measurement


@rule("progress.manage_dimensions")
def can_manage_dimensions(user: Any, obj: Any = None) -> bool:
    """Disaggregation dimensions are a site-wide list: site administrators keep it."""
    return is_site_admin(user)


DIMENSION_FIELDS = ("slug", "name_en", "name_mn", "position")


@transaction.atomic
def dimension_save(
    *, dimension: Dimension | DimensionValue, by: Any, values: Mapping[str, Any]
) -> Dimension | DimensionValue:
    """Create or change a disaggregation dimension (or a value of one). A slug, once
    reports use it, stays: exports and imports name values by it."""
    require(by, "progress.manage_dimensions")
    creating = dimension.pk is None
    model = type(dimension)
    before = (
        {}
        if creating
        else model.objects.filter(pk=dimension.pk).values(*DIMENSION_FIELDS).first() or {}
    )
    for name in DIMENSION_FIELDS:
        if name in values:
            setattr(dimension, name, values[name])
    if not creating and dimension.slug != before.get("slug") and _in_use(dimension):
        raise ValidationError(
            {"slug": _("Reports already use this one, so its short name (slug) stays.")}
        )
    try:
        dimension.full_clean()
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from None
    dimension.save()
    after = {name: getattr(dimension, name) for name in DIMENSION_FIELDS}
    changes = diff(before, after)
    if changes:
        record(dimension, Action.CREATED if creating else Action.CHANGED, by=by, changes=changes)
    if isinstance(dimension, Dimension) and not creating and "position" in changes:
        # The first dimension with values makes a period's total when no total is given.
        users = Indicator.dimensions.through.objects.filter(dimension_id=dimension.pk)
        indicator_actuals_recompute(indicator_ids=users.values_list("indicator_id", flat=True))
    return dimension


def _in_use(dimension: Dimension | DimensionValue) -> bool:
    if isinstance(dimension, DimensionValue):
        return Measurement.objects.filter(dimension_value=dimension).exists()
    return (
        Measurement.objects.filter(dimension_value__dimension=dimension).exists()
        or dimension.indicators.exists()
    )


def dimension_deletable(dimension: Dimension | DimensionValue) -> bool:
    return not _in_use(dimension)


@transaction.atomic
def dimension_delete(*, dimension: Dimension | DimensionValue, by: Any) -> None:
    """Delete a dimension (with its values) or a value that no report and no indicator uses."""
    require(by, "progress.manage_dimensions")
    if _in_use(dimension):
        raise ValidationError(
            _("Reports or indicators use “%(name)s”, so it cannot be deleted.")
            % {"name": dimension.name},
            code="in_use",
        )
    before = {name: getattr(dimension, name) for name in DIMENSION_FIELDS}
    record(dimension, Action.REMOVED, by=by, changes=diff(before, {}))
    dimension.delete()
