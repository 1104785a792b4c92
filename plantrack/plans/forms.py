from __future__ import annotations

import datetime
import html
from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.conf import settings
from django.forms.utils import flatatt
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from plantrack.lib.bilingual import language_order
from plantrack.organisations.models import Organisation

from .importers.limits import size_text
from .models import Item, Plan, Responsibility, Status
from .validation import MAX_WEIGHT, MAX_YEAR, MIN_YEAR


class PlanForm(forms.ModelForm):
    # The version the editor saw; plan_update refuses the save if the plan changed since.
    # (A form sent without it is refused in clean(), with a message rather than a field error.)
    version = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=1, max_value=2**31 - 1
    )

    class Meta:
        model = Plan
        fields = [
            "title_mn",
            "title_en",
            "short_name",
            "short_title_mn",
            "short_title_en",
            "issuer_mn",
            "issuer",
            "adopted_on",
            "start_year",
            "end_year",
            "description_mn",
            "description_en",
            "position",
        ]
        widgets = {
            "adopted_on": forms.DateInput(attrs={"type": "date"}),
            "description_mn": forms.Textarea(attrs={"rows": 6}),
            "description_en": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["version"] = self.instance.version
        # Left empty (or by a client that predates it), the plan keeps its place in lists.
        self.fields["position"].required = False

    def clean_position(self) -> int:
        position = self.cleaned_data.get("position")
        return self.instance.position if position is None else position

    def clean(self) -> dict:
        data = super().clean() or {}
        if not data.get("title_mn") and not data.get("title_en"):
            self.add_error(None, _("Give the plan a title in Mongolian or English."))
        if self.is_bound and data.get("version") is None:
            self.add_error(
                None,
                _(
                    "This page is out of date (it does not say which version you edited). "
                    "Reload it and make your change again."
                ),
            )
        start, end = data.get("start_year"), data.get("end_year")
        if start and end and end < start:
            self.add_error("end_year", _("The last year cannot be before the first year."))
        return data


# The item forms' text boxes: titles of a few lines, bodies of a paragraph or two.
ITEM_TEXT_WIDGETS = {
    "title_mn": forms.Textarea(attrs={"rows": 3}),
    "title_en": forms.Textarea(attrs={"rows": 3}),
    "body_mn": forms.Textarea(attrs={"rows": 5}),
    "body_en": forms.Textarea(attrs={"rows": 5}),
}
WEIGHT_HELP = _("How much this item counts in its parent's average (default 1).")


class ItemForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Shown in the item's public history. Required when you change the status or "
            "progress of an item whose reported progress was approved."
        ),
    )

    class Meta:
        model = Item
        fields = [
            "label_mn",
            "label_en",
            "title_mn",
            "title_en",
            "body_mn",
            "body_en",
            "start_year",
            "end_year",
            "status",
            "progress",
            "weight",
        ]
        widgets = ITEM_TEXT_WIDGETS
        help_texts = {
            "progress": _("0 to 100. Parents show the average of their children."),
            "weight": WEIGHT_HELP,
        }

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        if not self.instance.is_tracked:
            # Only activities and recommendations carry their own status and progress.
            for name in ("status", "progress"):
                del self.fields[name]
        # The browser shows the same ranges the model validators enforce.
        for name in ("start_year", "end_year"):
            self.fields[name].widget.attrs.update(min=MIN_YEAR, max=MAX_YEAR)
        self.fields["weight"].widget.attrs.update(min=0, max=int(MAX_WEIGHT))
        if not self.is_bound:
            self.initial["version"] = self.instance.version

    def clean(self) -> dict:
        data = super().clean() or {}
        if not data.get("title_mn") and not data.get("title_en"):
            self.add_error(None, _("Give the item a title in Mongolian or English."))
        start, end = data.get("start_year"), data.get("end_year")
        if start and end and end < start:
            self.add_error("end_year", _("The last year cannot be before the first year."))
        if data.get("status") == Status.COMPLETED and data.get("progress") not in (None, 100):
            self.add_error("progress", _("A completed item is at 100 %. Change one of the two."))
        return data


class ResponsibilityForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.order_by("name_en", "name_mn")
    )
    role = forms.ChoiceField(label=_("Role"), choices=Responsibility.Role.choices)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Plan document"),
        help_text=_("Text or Markdown (UTF-8), CSV or XLSX in the plan template, DOCX or PDF."),
    )
    slug = forms.SlugField(
        label=_("Short name for the web address"),
        required=False,
        help_text=_("Leave empty to use the one in the document. Reuse a name to update a plan."),
    )

    def clean_file(self):  # type: ignore[no-untyped-def]
        upload = self.cleaned_data["file"]
        limit = settings.PLANTRACK_MAX_IMPORT_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _(
                    "The file is %(size)s; the limit is %(limit)s. Remove images or split "
                    "the plan, or save it as CSV or plain text, and upload it again."
                ),
                code="too_large",
                params={"size": size_text(upload.size), "limit": size_text(limit)},
            )
        return upload


class LangSelect(forms.Select):
    """A select whose options may carry a ``lang`` attribute (``option_langs``: value -> code),
    for names shown in the other language than the page's (WCAG 3.1.2)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.option_langs: dict[str, str] = {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):  # type: ignore[no-untyped-def]
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        lang = self.option_langs.get(str(value))
        if lang:
            option["attrs"] = {**option["attrs"], "lang": lang}
        return option


class ActivityFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *Status.choices]
    )
    organisation = forms.ChoiceField(label=_("Organisation"), required=False, widget=LangSelect)
    within = forms.ChoiceField(label=_("Part of the plan"), required=False, widget=LangSelect)

    def __init__(self, *args, organisations=(), branches=(), **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        organisation_field = self.fields["organisation"]
        within_field = self.fields["within"]
        assert isinstance(organisation_field, forms.ChoiceField)
        assert isinstance(within_field, forms.ChoiceField)
        organisation_field.choices = [("", _("Any organisation"))] + [
            (org.slug, org.name) for org in organisations
        ]
        within_field.choices = [("", _("Whole plan"))] + [
            (item.code, f"{item.code} {item.label or item.title}"[:90]) for item in branches
        ]
        # Names and headings shown in the other language are marked as such.
        page = language_order()[0]
        org_langs = {org.slug: org.name_lang for org in organisations}
        branch_langs = {
            item.code: item.label_lang if item.label else item.title_lang for item in branches
        }
        for field, langs in ((organisation_field, org_langs), (within_field, branch_langs)):
            widget = cast(LangSelect, field.widget)
            widget.option_langs = {k: v for k, v in langs.items() if v != page}


# -- The import preview: what each level is, which column holds what, the plan's details --

# The roles a table column can have (see ``importers.outline.COLUMN_WORDS``).
COLUMN_ROLES = (
    ("code", _("Code")),
    ("title", _("Title")),
    ("description", _("Description")),
    ("indicators", _("Indicators")),
    ("organisations", _("Responsible organisations")),
    ("deadline", _("Deadline or period")),
)
# A document with more levels than this shows the first ones only (each is one <select>).
MAX_MAPPING_LEVELS = 40
PLAN_FIELDS = ("title", "title_mn", "short_name", "issuer", "adopted_on", "start_year", "end_year")


def level_kind_choices() -> list[tuple[str, object]]:
    from .importers.mapping import LEVEL_KINDS

    labels = dict(Item.Kind.choices)
    labels["indicator"] = _("Indicator of the item above")
    labels["skip"] = _("Leave out (with everything under it)")
    return [(kind, labels[kind]) for kind in LEVEL_KINDS]


class ImportMappingForm(forms.Form):
    """The choices a preview is read again with; ``mapping()`` turns them into mapping data.

    Fields: ``level_N`` per level read (in order), ``column_ROLE`` per role for a table,
    and the plan's details. Everything posted is checked here, so a bad value is an
    error on its field, never a failed import.
    """

    title = forms.CharField(label=_("Title (English)"), max_length=400, required=False)
    title_mn = forms.CharField(label=_("Title (Mongolian)"), max_length=400, required=False)
    short_name = forms.CharField(
        label=_("Short name"),
        max_length=120,
        required=False,
        help_text=_("Letters, digits and hyphens; it names the plan's web address."),
    )
    issuer = forms.CharField(label=_("Issued by"), max_length=300, required=False)
    adopted_on = forms.DateField(
        label=_("Adoption date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Like 2020-05-13."),
    )
    start_year = forms.IntegerField(
        label=_("First year"), required=False, min_value=MIN_YEAR, max_value=MAX_YEAR
    )
    end_year = forms.IntegerField(
        label=_("Last year"), required=False, min_value=MIN_YEAR, max_value=MAX_YEAR
    )

    def __init__(  # type: ignore[no-untyped-def]
        self,
        *args,
        levels: list[dict] = (),  # type: ignore[assignment]
        headers: list[str] = (),  # type: ignore[assignment]
        table: bool = False,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.levels = list(levels)[:MAX_MAPPING_LEVELS]
        self.table = table and bool(headers)
        self.headers = list(headers)
        kinds = level_kind_choices()
        for index, level in enumerate(self.levels):
            example = str(level.get("example", ""))
            self.fields[f"level_{index}"] = forms.ChoiceField(
                label=_("Level %(number)s") % {"number": index + 1},
                choices=kinds,
                help_text=_("%(count)s read, such as “%(example)s”")
                % {"count": level.get("count", 0), "example": example[:60]},
            )
            self.initial.setdefault(f"level_{index}", level.get("kind", "activity"))
        if self.table:
            columns = [("", _("None"))] + [
                (str(i), _("Column %(number)s: %(header)s") % {"number": i + 1, "header": h})
                for i, h in enumerate(self.headers)
            ]
            for role, label in COLUMN_ROLES:
                self.fields[f"column_{role}"] = forms.ChoiceField(
                    label=label, choices=columns, required=role == "code"
                )
        for name in PLAN_FIELDS:  # plan details last, as the page shows them
            self.fields[name] = self.fields.pop(name)

    def level_fields(self) -> list[forms.BoundField]:
        return [self[f"level_{i}"] for i in range(len(self.levels))]

    def column_fields(self) -> list[forms.BoundField]:
        return [self[f"column_{role}"] for role, _label in COLUMN_ROLES] if self.table else []

    def plan_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in PLAN_FIELDS]

    def clean_short_name(self) -> str:
        from .services import import_slug

        value = self.cleaned_data.get("short_name", "").strip()
        if value and not import_slug(value):
            raise forms.ValidationError(
                _("The short name needs letters or digits, such as nap-2024."), code="slug"
            )
        return value

    def clean(self) -> dict:
        data = super().clean() or {}
        start, end = data.get("start_year"), data.get("end_year")
        if start and end and end < start:
            self.add_error("end_year", _("The last year cannot be before the first year."))
        used: dict[str, str] = {}
        for role, label in COLUMN_ROLES if self.table else ():
            column = data.get(f"column_{role}")
            if not column:
                continue
            if column in used:
                self.add_error(
                    f"column_{role}",
                    _("Column %(number)s is already chosen for “%(other)s”; choose another.")
                    % {"number": int(column) + 1, "other": used[column]},
                )
            used[column] = str(label)
        return data

    def mapping(self, base: dict, shown: dict) -> dict:
        """The mapping data: ``base`` (what the preview was read with) with these choices.

        A plan detail goes into the mapping when the person changed it from what the
        page showed (``shown``), or when ``base`` already held it; details left as read
        stay out, so the next version of the document gives its own.
        """
        data = self.cleaned_data
        mapping = {k: v for k, v in base.items() if k not in ("levels", "levels_by_depth")}
        mapping["levels"] = {
            str(level["key"]): data[f"level_{i}"] for i, level in enumerate(self.levels)
        }
        if self.table:
            mapping["columns"] = {
                role: int(data[f"column_{role}"])
                for role, _label in COLUMN_ROLES
                if data.get(f"column_{role}")
            }
            mapping["source"] = "table"
        plan = dict(base.get("plan", {}) or {})
        for name in PLAN_FIELDS:
            value = data.get(name)
            if value is None:
                text = ""
            elif isinstance(value, datetime.date):
                text = value.isoformat()
            else:
                text = str(value)
            key = {"adopted_on": "adopted"}.get(name, name)
            if name in ("start_year", "end_year"):
                continue
            if text != str(shown.get(name) or "") or key in plan:
                if text:
                    plan[key] = text
                else:
                    plan.pop(key, None)
        years = [data.get("start_year"), data.get("end_year")]
        shown_years = [shown.get("start_year"), shown.get("end_year")]
        if years != shown_years or "period" in plan:
            if any(years):
                plan["period"] = years
            else:
                plan.pop("period", None)
        mapping["plan"] = plan
        if not plan:
            mapping.pop("plan")
        return mapping


class ImportConfirmForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)
    draft = forms.BooleanField(
        label=_("Save as a draft"),
        required=False,
        help_text=_(
            "A draft is seen only by the plan's managers and the site administrators "
            "until a manager publishes it."
        ),
    )
    replace_source = forms.BooleanField(
        label=_("Yes, update this plan from a different document"), required=False
    )


# -- Adding, moving, retiring single items (views_manage.py, tree.py) ----------------------


class ItemAddForm(forms.ModelForm):
    class Meta:
        model = Item
        fields = [
            "code",
            "kind",
            "label_mn",
            "label_en",
            "title_mn",
            "title_en",
            "body_mn",
            "body_en",
            "start_year",
            "end_year",
            "weight",
        ]
        widgets = ITEM_TEXT_WIDGETS
        help_texts = {
            "code": _("Unique in the plan; it is part of the item's web address, e.g. 2.3.1."),
            "weight": WEIGHT_HELP,
        }

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        for name in ("start_year", "end_year"):
            self.fields[name].widget.attrs.update(min=MIN_YEAR, max=MAX_YEAR)
        self.fields["weight"].widget.attrs.update(min=0, max=int(MAX_WEIGHT))

    def clean(self) -> dict:
        data = super().clean() or {}
        if not data.get("title_mn") and not data.get("title_en"):
            self.add_error("title_mn", _("Give the item a title in Mongolian or English."))
        return data


def _choice_label(item: Item) -> str:
    indent = "\u2003" * (item.depth - 1)  # em spaces show the level without any script
    return f"{indent}{item.code} {item.label or item.title}"[:120]


def _parent_choices(parents: Iterable[Item]) -> list[tuple[str, str]]:
    return [(ItemMoveForm.TOP, str(_("Top level of the plan")))] + [
        (item.code, _choice_label(item)) for item in parents
    ]


class ItemParentForm(forms.Form):
    """Step one of a move (GET): the parent whose places the move form then offers."""

    parent = forms.ChoiceField(label=_("New parent"), required=False)

    def __init__(self, *args, parents=(), **kwargs) -> None:  # type: ignore[no-untyped-def]
        kwargs.setdefault("auto_id", "choose_%s")  # the move form below has its own id_parent
        super().__init__(*args, **kwargs)
        field = self.fields["parent"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = _parent_choices(parents)


class ItemMoveForm(forms.Form):
    """Step two of a move (POST): the parent chosen in step one, and a place under it."""

    TOP = ""
    version = forms.IntegerField(widget=forms.HiddenInput)
    parent = forms.ChoiceField(label=_("New parent"), required=False, widget=forms.HiddenInput)
    position = forms.ChoiceField(
        label=_("Place among its parts"),
        error_messages={
            "invalid_choice": _(
                "That place is not under the parent you chose; choose first, last or one of "
                "its parts."
            )
        },
    )

    def __init__(  # type: ignore[no-untyped-def]
        self, *args, parents=(), siblings=(), **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        parent_field = self.fields["parent"]
        position_field = self.fields["position"]
        assert isinstance(parent_field, forms.ChoiceField)
        assert isinstance(position_field, forms.ChoiceField)
        parent_field.choices = _parent_choices(parents)
        position_field.choices = [
            ("first", _("First")),
            *[
                (f"after:{item.code}", _("After %(item)s") % {"item": _choice_label(item).strip()})
                for item in siblings
            ],
            ("last", _("Last")),
        ]


class ItemRetireForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Why is it retired?"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Shown on the item's page. The item and every part below it leave the plan's tree "
            "and counts; they keep their pages and history and can be restored."
        ),
    )


class PlanRetireForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Why is the plan retired?"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            'Shown on the plan\'s page, e.g. "Replaced by the 2026–2030 programme". The plan '
            "keeps its pages and history, leaves the list of current plans, and takes no more "
            "progress reports. It can be restored."
        ),
    )


class ItemRestoreForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class QuickSelect(forms.Select):
    """A select rendered in one pass: the search page's plan list has hundreds of options,
    and a template per option would cost more than the search itself."""

    def render(self, name, value, attrs=None, renderer=None):  # type: ignore[no-untyped-def]
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        chosen = "" if value is None else str(value)
        options = "".join(
            f'<option value="{html.escape(str(key))}"'
            f"{' selected' if str(key) == chosen else ''}>{html.escape(str(label))}</option>"
            for key, label in self.choices
        )
        # Every value and label is escaped above; the attributes by flatatt.
        return mark_safe(f"<select{flatatt(final)}>{options}</select>")


class SearchForm(forms.Form):
    """The search page's words and filters (a GET form: every field may be left empty)."""

    KIND_CHOICES = (
        ("", _("Everything")),
        ("item", _("Plan items")),
        ("plan", _("Plans")),
        ("organisation", _("Organisations")),
    )

    q = forms.CharField(
        label=_("Words to find in plans, in Mongolian or English"), required=False, strip=True
    )
    kind = forms.ChoiceField(
        label=_("Show"), required=False, choices=KIND_CHOICES, widget=QuickSelect
    )
    plan = forms.ChoiceField(label=_("Plan"), required=False, widget=QuickSelect)
    organisation = forms.ChoiceField(label=_("Organisation"), required=False, widget=QuickSelect)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *Status.choices],
        widget=QuickSelect,
    )

    def __init__(self, *args, plans=(), organisations=(), **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        plan_field = self.fields["plan"]
        organisation_field = self.fields["organisation"]
        assert isinstance(plan_field, forms.ChoiceField)
        assert isinstance(organisation_field, forms.ChoiceField)
        # (slug, name) pairs: the offered plans and organisations (see the selectors).
        plan_field.choices = [("", _("Any plan"))] + [(s, t[:90]) for s, t in plans]
        organisation_field.choices = [("", _("Any organisation"))] + [
            (s, n[:90]) for s, n in organisations
        ]

    def filters(self) -> dict[str, object]:
        """The valid filters as ``search_items`` takes them (an invalid one is left out)."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        plan_slug, org_slug = data.get("plan") or "", data.get("organisation") or ""
        return {
            "kind": data.get("kind") or "",
            "plan": Plan.objects.filter(slug=plan_slug).first() if plan_slug else None,
            "organisation": Organisation.objects.filter(slug=org_slug).first()
            if org_slug
            else None,
            "status": data.get("status") or "",
        }


# -- A language version of a plan (views_language.py, language_import.py) ------------------


class LanguageImportForm(ImportForm):
    """The upload of another language's version of a plan already imported."""

    language = forms.ChoiceField(
        label=_("The file's language"),
        required=False,
        initial="",
        choices=[
            ("", _("Read it from the text")),
            ("mn", _("Mongolian")),
            ("en", _("English")),
        ],
        widget=forms.RadioSelect,
        help_text=_("Items are matched by code; their texts in this language are filled in."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["slug"]  # the plan is the page's


class LanguageConfirmForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)
