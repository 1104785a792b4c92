"""Indicator writes: define, change, retire or delete an indicator, set its targets, and
turn a plan's text-only indicators into measured ones in one step.

Every write checks its permission itself (a plan's managers and the site administrators),
runs in one transaction and records its history event there. Values already reported fix
some things (``indicator_checks.check_reported_limits``): an indicator with measurements
keeps its kind, its dimensions and its scale's levels, and is retired, never deleted."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from plantrack.history.services import Action, Entry, append, diff, entry_for, record
from plantrack.lib.retirement import set_retired
from plantrack.lib.rules import has
from plantrack.plans.events import item_label
from plantrack.plans.models import Item, Plan
from plantrack.plans.validation import clean_reason

from .actuals import indicator_actuals_recompute
from .indicator_checks import (
    FIELDS,
    MAX_SETUP_ROWS,
    MAX_TARGETS,
    RECOMPUTE_FIELDS,
    SETUP_KINDS,
    check_figure,
    check_for_kind,
    check_reported_limits,
    chosen_dimensions,
    clean_indicator,
    snapshot,
)
from .models import Indicator, IndicatorTarget, Measurement, ReportingPeriod


def can_manage_indicators(user: Any, item: Item) -> bool:
    return user is not None and has(user, "plans.change_plan", item.plan)


def _require_manager(by: Any, plan: Plan) -> None:
    if by is None or not has(by, "plans.change_plan", plan):
        raise PermissionDenied(_("Only this plan's managers may change its indicators."))


def _require_live(item: Item) -> None:
    if item.retired_at is not None or item.plan.retired_at is not None:
        raise ValidationError(
            _(
                "Item %(code)s or its plan is retired, so its indicators cannot be changed. "
                "Restore it first."
            )
            % {"code": item.code},
            code="retired",
        )


def _stale(indicator: Indicator) -> ValidationError:
    return ValidationError(
        _(
            "Someone else saved indicator “%(title)s” while you were editing it. "
            "Reload the page to see their changes, then make yours again."
        )
        % {"title": indicator.title[:80]},
        code="stale",
    )


def _record(
    indicator: Indicator, action: str, *, by: Any, changes: dict[str, Any], reason: str = ""
) -> None:
    item = indicator.item
    record(
        indicator,
        action,
        by=by,
        label=f"{item_label(item)} · {indicator.title}"[:300],
        plan_id=item.plan_id,
        item_id=item.pk,
        changes=changes,
        reason=reason,
    )


# -- Indicators --------------------------------------------------------------------------------


@transaction.atomic
def indicator_create(
    *, item: Item, by: Any, values: Mapping[str, Any], dimensions: Iterable[Any] = ()
) -> Indicator:
    """Add an indicator to an item, measured unless ``values`` say otherwise."""
    _require_manager(by, item.plan)
    _require_live(item)
    indicator = Indicator(item=item, measured=True)
    clean_indicator(indicator, values)
    chosen = chosen_dimensions(dimensions) or []
    last = Indicator.objects.filter(item=item).aggregate(last=Max("position"))["last"] or 0
    indicator.position = last + 1
    indicator.save()
    indicator.dimensions.set(chosen)
    after = {k: v for k, v in snapshot(indicator, chosen).items() if v not in (None, "", False)}
    _record(indicator, Action.CREATED, by=by, changes=diff({}, after))
    return indicator


@transaction.atomic
def indicator_update(
    *,
    indicator: Indicator,
    by: Any,
    version: int,
    values: Mapping[str, Any],
    dimensions: Iterable[Any] | None = None,
) -> Indicator:
    """Save an edit; refuse it if someone saved the indicator since ``version``. ``dimensions``
    None leaves them as they are."""
    stored = Indicator.objects.select_related("item__plan").get(pk=indicator.pk)
    _require_manager(by, stored.item.plan)
    _require_live(stored.item)
    if stored.retired_at is not None:
        raise ValidationError(
            _("This indicator is retired; restore it to change it."), code="retired"
        )
    old_dimensions = list(stored.dimensions.all())
    before = snapshot(stored, old_dimensions)
    chosen = chosen_dimensions(dimensions)
    clean_indicator(stored, values)
    check_reported_limits(stored, before, chosen)
    new_dimensions = old_dimensions if chosen is None else chosen
    changes = diff(before, snapshot(stored, new_dimensions))
    saved = Indicator.objects.filter(pk=stored.pk, version=version).update(
        **{name: getattr(stored, name) for name in FIELDS},
        version=version + 1,
        updated_at=timezone.now(),
    )
    if not saved:
        raise _stale(stored)
    stored.version = version + 1
    if chosen is not None:
        stored.dimensions.set(chosen)
    if changes:
        _record(stored, Action.CHANGED, by=by, changes=changes)
        # The kind, the dimensions' order or cumulation decide how figures add up.
        if RECOMPUTE_FIELDS & set(changes):
            indicator_actuals_recompute(indicator_ids=[stored.pk])
    return stored


@transaction.atomic
def indicator_delete(*, indicator: Indicator, by: Any) -> None:
    """Delete an indicator nothing was reported for (a mistake); one with measurements, even
    unapproved ones, is retired instead, so no reported value disappears."""
    stored = Indicator.objects.select_related("item__plan").get(pk=indicator.pk)
    _require_manager(by, stored.item.plan)
    if Measurement.objects.filter(indicator=stored).exists():
        raise ValidationError(
            _(
                "Values were reported for this indicator, so it cannot be deleted. "
                "Retire it instead."
            ),
            code="has_measurements",
        )
    before = {
        k: v
        for k, v in snapshot(stored, stored.dimensions.all()).items()
        if v not in (None, "", False)
    }
    _record(stored, Action.REMOVED, by=by, changes=diff(before, {}))
    stored.delete()


@transaction.atomic
def indicator_retire(
    *, indicator: Indicator, by: Any, reason: str, version: int | None
) -> Indicator:
    """Retire an indicator that is no longer measured: its page, figures and history stay,
    shown as retired with the reason; it takes no more values."""
    reason = clean_reason(reason)
    stored = _for_retirement(indicator, by, version)
    if stored.retired_at is not None:
        raise ValidationError(_("This indicator is already retired."), code="retired")
    return set_retired(stored, reason=reason, by=by, **_event_target(stored))  # type: ignore[no-any-return]


@transaction.atomic
def indicator_restore(*, indicator: Indicator, by: Any, version: int | None) -> Indicator:
    stored = _for_retirement(indicator, by, version)
    if stored.retired_at is None:
        raise ValidationError(_("This indicator is not retired."), code="not_retired")
    return set_retired(stored, reason=None, by=by, **_event_target(stored))  # type: ignore[no-any-return]


def _for_retirement(indicator: Indicator, by: Any, version: int | None) -> Indicator:
    stored = Indicator.objects.select_for_update().select_related("item__plan").get(pk=indicator.pk)
    _require_manager(by, stored.item.plan)
    if version is not None and stored.version != version:
        raise _stale(stored)
    return stored


def _event_target(indicator: Indicator) -> dict[str, Any]:
    item = indicator.item
    return {
        "label": f"{item_label(item)} · {indicator.title}"[:300],
        "plan_id": item.plan_id,
        "item_id": item.pk,
    }


# -- Targets -------------------------------------------------------------------------------------


@transaction.atomic
def indicator_targets_set(
    *, indicator: Indicator, by: Any, targets: Mapping[int, Any], version: int | None = None
) -> Indicator:
    """Set the targets of the given periods ({period id: value, or None to remove}); periods
    not named keep theirs. The periods must be the plan's."""
    stored = Indicator.objects.select_for_update().select_related("item__plan").get(pk=indicator.pk)
    _require_manager(by, stored.item.plan)
    _require_live(stored.item)
    if version is not None and stored.version != version:
        raise _stale(stored)
    if not stored.takes_measurements:
        raise ValidationError(
            _("Set this indicator up for measurement before giving it targets."),
            code="not_measured",
        )
    if len(targets) > MAX_TARGETS:
        raise ValidationError(
            _("%(count)s periods were sent; the limit is %(limit)s.")
            % {"count": len(targets), "limit": MAX_TARGETS}
        )
    periods = {
        p.pk: p
        for p in ReportingPeriod.objects.filter(plan_id=stored.item.plan_id, pk__in=list(targets))
    }
    errors: dict[str, list[str]] = {}
    wanted: dict[int, float | None] = {}
    for period_id, raw in targets.items():
        field = f"period_{period_id}"
        if period_id not in periods:
            errors[field] = [_("That reporting period is not in this plan.")]
            continue
        try:
            value = check_figure(raw, field)
            check_for_kind(stored, value, field)
        except ValidationError as exc:
            errors.update(exc.message_dict)
            continue
        wanted[period_id] = value
    if errors:
        raise ValidationError(errors)
    existing = {
        t.period_id: t
        for t in IndicatorTarget.objects.filter(indicator=stored, period_id__in=list(wanted))
    }
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for period_id, value in wanted.items():
        target = existing.get(period_id)
        old = target.value if target else None
        if old == value:
            continue
        label = periods[period_id].label
        before[label], after[label] = _number(old), _number(value)
        if value is None:
            target.delete()  # type: ignore[union-attr]
        elif target is None:
            IndicatorTarget.objects.create(indicator=stored, period_id=period_id, value=value)
        else:
            target.value = value
            target.save(update_fields=["value"])
    if not after:
        return stored
    Indicator.objects.filter(pk=stored.pk).update(
        version=stored.version + 1, updated_at=timezone.now()
    )
    stored.version += 1
    _record(stored, Action.CHANGED, by=by, changes={"targets": [before, after]})
    return stored


# -- The one-step set-up of text-only indicators ------------------------------------------------


def _number(value: float | None) -> float | int | None:
    """5.0 as 5, for the history's text."""
    return int(value) if value is not None and value.is_integer() else value


@dataclass(frozen=True)
class SetupRow:
    """One row of the "set up indicators" table: how to measure a text-only indicator."""

    indicator_id: int
    version: int
    kind: str
    unit: str = ""
    direction: str = Indicator.Direction.INCREASE
    cumulative: bool = False
    end_target: Any = None


def text_only_indicators(plan: Plan) -> Any:
    """The plan's live indicators that are text only (imported from a document, not yet set
    up), in plan order."""
    return (
        Indicator.objects.filter(
            item__plan=plan, measured=False, retired_at__isnull=True, item__retired_at__isnull=True
        )
        .select_related("item")
        .order_by("item__path", "position")
    )


@transaction.atomic
def indicators_setup(*, plan: Plan, by: Any, rows: Sequence[SetupRow]) -> list[Indicator]:
    """Turn text-only indicators of ``plan`` into measured ones, all or none: each row gives
    the kind, unit, direction, cumulation and end target. A refusal names every wrong row
    (``ValidationError`` keyed by indicator id) and saves nothing.

    One history event per indicator set up, so that each item's history shows its own."""
    _require_manager(by, plan)
    if plan.retired_at is not None:
        raise ValidationError(_("This plan is retired; restore it to set up its indicators."))
    if len(rows) > MAX_SETUP_ROWS:
        raise ValidationError(
            _("%(count)s rows were sent; the limit is %(limit)s. Save them in parts.")
            % {"count": len(rows), "limit": MAX_SETUP_ROWS}
        )
    found = {
        i.pk: i
        for i in text_only_indicators(plan)
        .select_for_update(of=("self",))
        .filter(pk__in=[r.indicator_id for r in rows])
    }
    errors: dict[str, list[str]] = {}
    changed: list[Indicator] = []
    for row in rows:
        indicator = found.get(row.indicator_id)
        key = str(row.indicator_id)
        if indicator is None:
            errors[key] = [
                _("This indicator is not a text-only indicator of this plan (any more).")
            ]
            continue
        if indicator.version != row.version:
            errors[key] = [_stale(indicator).messages[0]]
            continue
        if row.kind not in SETUP_KINDS:
            errors[key] = [
                _(
                    "Choose quantitative, percentage or yes/no; a qualitative scale is set "
                    "on the indicator's own page."
                )
            ]
            continue
        values = {
            "measured": True,
            "kind": row.kind,
            "unit": row.unit,
            "direction": row.direction,
            "cumulative": row.cumulative,
            "end_target": row.end_target,
        }
        try:
            clean_indicator(indicator, values)
        except ValidationError as exc:
            errors[key] = [
                f"{_label(field)}: {message}"
                for field, messages in exc.message_dict.items()
                for message in messages
            ]
            continue
        changed.append(indicator)
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    for indicator in changed:
        indicator.version += 1
        indicator.updated_at = now
    Indicator.objects.bulk_update(
        changed,
        [
            "measured",
            "kind",
            "unit",
            "direction",
            "cumulative",
            "end_target",
            "version",
            "updated_at",
        ],
    )
    entries = [_setup_entry(indicator) for indicator in changed]
    append(entries, by=by)
    return changed


def _label(field: str) -> str:
    try:
        return str(Indicator._meta.get_field(field).verbose_name)  # type: ignore[union-attr]
    except FieldDoesNotExist:  # NON_FIELD_ERRORS
        return _("indicator")


def _setup_entry(indicator: Indicator) -> Entry:
    after = {
        "measured": True,
        "kind": indicator.kind,
        "unit": indicator.unit,
        "direction": indicator.direction,
        "cumulative": indicator.cumulative,
        "end_target": indicator.end_target,
    }
    before = {
        "measured": False,
        "kind": None,
        "unit": "",
        "direction": None,
        "cumulative": None,
        "end_target": None,
    }
    return entry_for(
        indicator,
        Action.CHANGED,
        changes=diff(before, after),
        **_event_target(indicator),
    )
