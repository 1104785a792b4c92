"""Mongolian text for the seed plans, kept as data beside them (``seeds/<seed>.mn.json``).

Each file gives the plan's Mongolian issuer, short titles and description, which of them
are official (``states``), and Mongolian titles for the plan's items by code: working
translations written for the demo, stored with the state ``unofficial`` in the item's
``translations`` so that pages label them. ``plantrack demo`` applies them after the
import. Only empty fields are filled: an official text imported later, or a manager's
edit, is never overwritten, and running it again changes nothing. Every change is a
history event (one per item, one for the plan).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.db import transaction

from plantrack.history.models import Action, ActorKind
from plantrack.history.services import Entry, append, diff
from plantrack.lib.bilingual import OFFICIAL, TRANSLATION_STATES, UNOFFICIAL

from .events import item_label
from .models import Item, Plan
from .seedfiles import seed_path

PLAN_TEXT = ("short_title_en", "short_title_mn", "issuer_mn", "description_en", "description_mn")


def translations_path(seed: str | Path) -> Path:
    """``seeds/000_x.txt`` -> ``seeds/000_x.mn.json``."""
    path = seed_path(seed)
    return path.with_name(f"{path.stem}.mn.json")


def seed_translations(seed: str | Path) -> dict[str, Any] | None:
    path = translations_path(seed)
    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else None


def _states(old: dict[str, str], fields: list[str], states: dict[str, str]) -> dict[str, str]:
    new = dict(old)
    for field in fields:
        state = states.get(field, OFFICIAL)
        if state == OFFICIAL or state not in TRANSLATION_STATES:
            new.pop(field, None)
        else:
            new[field] = state
    return new


@transaction.atomic
def seed_translations_apply(*, plan: Plan, seed: str | Path) -> int:
    """Fill the plan's and its items' empty Mongolian texts from the seed's ``.mn.json``;
    returns how many items got a title."""
    data = seed_translations(seed)
    if data is None:
        return 0
    version = str(data.get("version", ""))
    reason = f"{translations_path(seed).name} {version}".strip()
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    entries: list[Entry] = []
    titles = data.get("items") or {}
    changed: list[Item] = []
    for item in Item.objects.filter(plan=plan, code__in=list(titles)).order_by("path"):
        title = str(titles[item.code]).strip()
        if item.title_mn or not title:
            continue
        before = {"title_mn": item.title_mn, "translations": dict(item.translations)}
        item.title_mn = title
        item.translations = {**item.translations, "title_mn": UNOFFICIAL}
        item.version += 1
        changed.append(item)
        entries.append(
            Entry(
                action=Action.CHANGED,
                object_type="plans.item",
                object_id=str(item.pk),
                label=item_label(item),
                plan_id=plan.pk,
                item_id=item.pk,
                changes=diff(
                    before, {"title_mn": item.title_mn, "translations": item.translations}
                ),
                reason=reason,
            )
        )
    Item.objects.bulk_update(changed, ["title_mn", "translations", "version"], batch_size=500)

    values = data.get("plan") or {}
    states = data.get("states") or {}
    before = {name: getattr(plan, name) for name in (*PLAN_TEXT, "translations")}
    filled = [n for n in PLAN_TEXT if values.get(n) and not getattr(plan, n)]
    for name in filled:
        setattr(plan, name, str(values[name]))
    # Says whether the Mongolian title the import brought (from the mapping) is official.
    stated = [*filled, *(n for n in ("title_mn",) if n in states and getattr(plan, n))]
    plan.translations = _states(plan.translations, stated, states)
    after = {name: getattr(plan, name) for name in (*PLAN_TEXT, "translations")}
    if after != before:
        plan.full_clean()
        plan.version += 1
        plan.save(update_fields=[*PLAN_TEXT, "translations", "version", "updated_at"])
        entries.append(
            Entry(
                action=Action.CHANGED,
                object_type="plans.plan",
                object_id=str(plan.pk),
                label=plan.short_name,
                plan_id=plan.pk,
                changes=diff(before, after),
                reason=reason,
            )
        )
    if entries:
        append(entries, by=None, kind=ActorKind.SYSTEM)
    return len(changed)
