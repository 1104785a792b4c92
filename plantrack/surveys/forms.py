from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from plantrack.plans.models import Plan

from .models import Option, Question, Survey
from .services import OptionText

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
RESERVED_SLUGS = {"new"}


class SurveyForm(forms.ModelForm):
    plan: forms.ModelChoiceField[Plan] = forms.ModelChoiceField(
        queryset=Plan.objects.none(),
        required=False,
        label=_("Plan"),
        help_text=_("Optional: the plan this survey is about. Its managers manage the survey."),
    )

    class Meta:
        model = Survey
        fields = [
            "plan",
            "slug",
            "title_mn",
            "title_en",
            "intro_mn",
            "intro_en",
            "opens_at",
            "closes_at",
            "anonymous",
        ]
        widgets = {
            "intro_mn": forms.Textarea(attrs={"rows": 4}),
            "intro_en": forms.Textarea(attrs={"rows": 4}),
            "opens_at": DATETIME,
            "closes_at": DATETIME,
        }
        help_texts = {
            "slug": _("Letters, digits and hyphens; part of the survey's address."),
            "opens_at": _("Optional. Before this time an open survey takes no answers."),
            "closes_at": _("Optional. From this time the survey takes no answers."),
            "anonymous": _(
                "Visitors without an account may answer, once per browser, with a limit per "
                "network address."
            ),
        }

    def __init__(self, *args: Any, plans: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans if plans is not None else Plan.objects.none()  # type: ignore[attr-defined]

    def clean_slug(self) -> str:
        slug = str(self.cleaned_data["slug"])
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError(_("This short name is reserved; choose another."))
        return slug


def _lines(text: str, role: str) -> list[OptionText]:
    """One option a line, "Mongolian | English" (or one text, taken as Mongolian)."""
    found = []
    for line in text.splitlines():
        if not line.strip():
            continue
        mn, _bar, en = line.partition("|")
        found.append(OptionText(role, mn.strip()[:300], en.strip()[:300]))
    return found


def _unlines(options: list[Option], role: str) -> str:
    return "\n".join(
        f"{o.label_mn} | {o.label_en}" if o.label_en else o.label_mn
        for o in options
        if o.role == role
    )


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of question"), choices=Question.Kind.choices)
    text_mn = forms.CharField(label=_("Question (Mongolian)"), max_length=500, required=False)
    text_en = forms.CharField(label=_("Question (English)"), max_length=500, required=False)
    help_mn = forms.CharField(label=_("Help (Mongolian)"), max_length=500, required=False)
    help_en = forms.CharField(label=_("Help (English)"), max_length=500, required=False)
    required = forms.BooleanField(label=_("An answer is required"), required=False)
    other = forms.BooleanField(
        label=_("Offer “other, please say” (choice questions)"), required=False
    )
    choices = forms.CharField(
        label=_("Options (choice questions)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One option a line, written “Mongolian | English”."),
    )
    rows = forms.CharField(
        label=_("Matrix rows"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One row a line, written “Mongolian | English”."),
    )
    columns = forms.CharField(
        label=_("Matrix columns (the scale shared by every row)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One column a line, written “Mongolian | English”."),
    )
    condition: forms.ModelChoiceField[Option] = forms.ModelChoiceField(
        queryset=Option.objects.none(),
        required=False,
        label=_("Show only when an earlier answer includes"),
        help_text=_("Optional. Otherwise the question is always shown."),
    )

    def __init__(
        self, *args: Any, survey: Survey, question: Question | None = None, **kwargs: Any
    ) -> None:
        if question is not None and not args and "initial" not in kwargs:
            options = list(question.options.all())
            kwargs["initial"] = {
                "kind": question.kind,
                "text_mn": question.text_mn,
                "text_en": question.text_en,
                "help_mn": question.help_mn,
                "help_en": question.help_en,
                "required": question.required,
                "other": question.other,
                "condition": question.condition_id,
                "choices": _unlines(options, Option.Role.CHOICE)
                if question.kind != Question.Kind.YES_NO
                else "",
                "rows": _unlines(options, Option.Role.ROW),
                "columns": _unlines(options, Option.Role.COLUMN),
            }
        super().__init__(*args, **kwargs)
        earlier = Option.objects.filter(
            question__survey=survey,
            role=Option.Role.CHOICE,
            question__kind__in=Question.CHOICE_KINDS,
        ).select_related("question")
        if question is not None:
            earlier = earlier.filter(question__position__lt=question.position)
        field = self.fields["condition"]
        field.queryset = earlier.order_by("question__position", "position")  # type: ignore[attr-defined]
        field.label_from_instance = lambda o: f"Q{o.question.position}: {o.label}"  # type: ignore[attr-defined]

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        names = ("kind", "text_mn", "text_en", "help_mn", "help_en", "required", "other")
        return {**{name: data[name] for name in names}, "condition": data["condition"]}

    def options(self) -> list[OptionText]:
        data = self.cleaned_data
        kind = data["kind"]
        if kind == Question.Kind.MATRIX:
            return [
                *_lines(data["rows"], Option.Role.ROW),
                *_lines(data["columns"], Option.Role.COLUMN),
            ]
        return _lines(data["choices"], Option.Role.CHOICE)


class StateForm(forms.Form):
    state = forms.ChoiceField(choices=[("open", "open"), ("closed", "closed")])


class ModerateForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("shown", _("Show on the results page")), ("hidden", _("Hide"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason (required to hide)"),
        max_length=300,
        required=False,
        help_text=_("Said publicly with the count of hidden answers, e.g. “personal data”."),
    )
