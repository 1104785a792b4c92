from __future__ import annotations

import re
from typing import Any

from django import forms
from django.conf import settings
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from plantrack.lib import once
from plantrack.organisations.models import Organisation
from plantrack.plans.importers.limits import size_text

from . import limits
from .models import AssessmentIndicator, Change, Framework, Rating, ScaleLevel
from .parsed import ParsedSource

NOT_ASSESSED = "na"
_URL = re.compile(r"https?://\S+")


class FrameworkForm(forms.ModelForm):
    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Framework
        fields = [
            "title_en",
            "title_mn",
            "description_en",
            "description_mn",
            "guidance_en",
            "guidance_mn",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 4})
            for name in ("description_en", "description_mn", "guidance_en", "guidance_mn")
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound and self.instance.pk:
            self.initial["seen_version"] = self.instance.version


class RoundForm(forms.Form):
    """A new draft round; the organisations offered are those the person may assess for."""

    subject = forms.CharField(
        label=_("Subject"),
        max_length=limits.MAX_SUBJECT_CHARS,
        help_text=_("What is assessed: a country, an agency or a plan, e.g. “Mongolia”."),
    )
    year = forms.IntegerField(label=_("Year"), min_value=1900, max_value=2200)
    assessed_on = forms.DateField(
        label=_("Assessment date"),
        required=False,
        help_text=_("Optional. Written as YYYY-MM-DD."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    assessing_organisation: forms.ModelChoiceField[Organisation] = forms.ModelChoiceField(
        label=_("Assessing organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("The organisation in whose name the round is made, if it is registered here."),
    )
    assessing_body = forms.CharField(
        label=_("Assessing body"),
        max_length=300,
        required=False,
        help_text=_("Its name as it should be shown, when it is not a registered organisation."),
    )
    official = forms.TypedChoiceField(
        label=_("Kind of assessment"),
        choices=[("1", _("Official")), ("0", _("Civil-society (shadow)"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        initial="1",
    )
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        max_length=limits.MAX_TEXT_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assessing_organisation"].queryset = organisations  # type: ignore[attr-defined]
        once.add_token(self)


class CorrectionForm(forms.Form):
    reason = forms.CharField(
        label=_("What the correction changes, and why"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ReturnForm(forms.Form):
    note = forms.CharField(
        label=_("What the team should change"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def sources_text(sources: list[Any]) -> str:
    """Sources as the form shows them: one a line, the link after the text."""
    lines = []
    for s in sources:
        mark = f"[{s.marker}] " if s.marker else ""
        lines.append(" ".join(filter(None, (mark + s.text, s.url))).strip())
    return "\n".join(lines)


def parse_sources(text: str) -> list[ParsedSource]:
    """One source a line: its text, with a web address anywhere in it taken as its link."""
    sources = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        marker = ""
        found = re.match(r"^\[([^\]]{1,20})\]\s*", line)
        if found:
            marker, line = found.group(1), line[found.end() :]
        url = _URL.search(line)
        link = url.group(0).rstrip(".,;)") if url else ""
        words = (line[: url.start()] + line[url.end() :]).strip() if url else line
        sources.append(ParsedSource(text=words, url=link, marker=marker))
    return sources


class RatingForm(forms.Form):
    """One indicator of the rating form; ``prefix`` names it (``i<indicator id>``)."""

    level = forms.ChoiceField(label=_("Level"), required=False, widget=forms.RadioSelect)
    justification = forms.CharField(
        label=_("Justification"),
        required=False,
        max_length=limits.MAX_TEXT_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required for every rating: what earns this level, with evidence."),
    )
    change = forms.ChoiceField(
        label=_("Change since the previous round, as you judge it"),
        required=False,
        choices=[("", _("Not stated")), *Change.choices],
    )
    sources = forms.CharField(
        label=_("Sources"),
        required=False,
        max_length=limits.MAX_TEXT_CHARS,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One a line: a citation, with its web address if it has one."),
    )
    # When the stored rating was last saved as the page showed it ("" for none): a second
    # tab's or a colleague's change since is not overwritten (``services.rating_set``).
    seen = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        indicator: AssessmentIndicator,
        levels: list[ScaleLevel],
        rating: Rating | None,
        sources: list[Any],
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("prefix", f"i{indicator.pk}")
        if rating is not None:
            kwargs.setdefault(
                "initial",
                {
                    "level": NOT_ASSESSED if rating.not_assessed else str(rating.level_id),
                    "justification": rating.justification,
                    "change": rating.change_stated,
                    "sources": sources_text(sources),
                    "seen": rating.updated_at.isoformat(),
                },
            )
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        self.rating = rating
        self.levels = {str(level.pk): level for level in levels}
        self.fields["level"].choices = [  # type: ignore[attr-defined]
            *((str(level.pk), level.label) for level in levels),
            (NOT_ASSESSED, _("Not assessed")),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        level = data.get("level")
        if level and level != NOT_ASSESSED and not (data.get("justification") or "").strip():
            self.add_error(
                "justification",
                _("Say why this indicator earns the level: a justification is required."),
            )
        if not level and ((data.get("justification") or "").strip() or data.get("change")):
            self.add_error("level", _("Choose a level, or “Not assessed”, for the text you wrote."))
        return data

    @property
    def chosen_level(self) -> ScaleLevel | None:
        return self.levels.get(self.cleaned_data.get("level") or "")

    @property
    def wants_saving(self) -> bool:
        """A level is chosen and something differs from the stored rating (``seen`` alone
        does not count: the same page posted twice saves once)."""
        changed = [name for name in self.changed_data if name != "seen"]
        return bool(self.cleaned_data.get("level")) and bool(changed)


class CompareForm(forms.Form):
    a = forms.IntegerField(min_value=1, max_value=2**31 - 1)
    b = forms.IntegerField(min_value=1, max_value=2**31 - 1)


class LinkForm(forms.Form):
    """An assessment indicator (framework and code, in its latest version) to link."""

    framework = forms.ModelChoiceField(
        label=_("Framework"), queryset=Framework.objects.order_by("title_en", "title_mn")
    )
    code = forms.CharField(
        label=_("Indicator code"),
        max_length=limits.MAX_CODE_CHARS,
        help_text=_("As the framework page shows it, e.g. 2.3."),
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        framework, code = data.get("framework"), (data.get("code") or "").strip()
        if framework is not None and code:
            from .selectors import latest_version

            indicator = AssessmentIndicator.objects.filter(
                version=latest_version(framework), code=code
            ).first()
            if indicator is None:
                self.add_error("code", _("This framework has no indicator with that code."))
            data["indicator"] = indicator
        return data


# -- The upload of an assessment file, its preview and confirmation -------------------------

OFFICIAL_CHOICES = [
    ("", _("As the document says")),
    ("official", _("Official assessment")),
    ("shadow", _("Civil-society (shadow) assessment")),
]


class ImportIdentityForm(forms.Form):
    """What the person importing knows better than the document: the reader's hints. Left
    empty, each is read from the file; given, it wins over the file."""

    framework_title = forms.CharField(
        label=_("Framework title"),
        max_length=300,
        required=False,
        help_text=_(
            "The name of the indicator framework, e.g. the index or methodology. Leave empty to "
            "use the document's."
        ),
    )
    official = forms.ChoiceField(
        label=_("Official or civil-society"),
        choices=OFFICIAL_CHOICES,
        required=False,
    )
    subject = forms.CharField(
        label=_("Subject"),
        max_length=limits.MAX_SUBJECT_CHARS,
        required=False,
        help_text=_("What is assessed, e.g. “Mongolia”. Leave empty to use the document's."),
    )
    year = forms.IntegerField(
        label=_("Year"),
        min_value=1900,
        max_value=2200,
        required=False,
        help_text=_("The year assessed. Leave empty to use the document's."),
    )
    assessing_body = forms.CharField(
        label=_("Assessing body"),
        max_length=300,
        required=False,
        help_text=_("Who assessed. Leave empty to use the document's."),
    )

    def hints(self) -> dict[str, Any]:
        """The reader's hints: only what was given."""
        data = self.cleaned_data
        hints: dict[str, Any] = {
            name: data[name].strip()
            for name in ("subject", "assessing_body", "framework_title")
            if (data.get(name) or "").strip()
        }
        if data.get("year"):
            hints["year"] = data["year"]
        if data.get("official"):
            hints["official"] = data["official"] == "official"
        return hints


class ImportUploadForm(ImportIdentityForm):
    file = forms.FileField(
        label=_("Assessment file"),
        help_text=_(
            "The assessment template (CSV or XLSX), or a scorecard as text, Markdown, DOCX, "
            "ODT or PDF."
        ),
    )
    field_order = ["file", "official", "subject", "year", "assessing_body", "framework_title"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit = size_text(settings.PLANTRACK_MAX_IMPORT_BYTES)
        self.fields["file"].help_text = format_lazy(
            "{} {}", self.fields["file"].help_text, _("At most %(limit)s.") % {"limit": limit}
        )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        limit = settings.PLANTRACK_MAX_IMPORT_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _(
                    "The file is %(size)s; the limit is %(limit)s. Save the assessment without "
                    "images, or as CSV or plain text, and upload it again."
                ),
                code="too_large",
                params={"size": size_text(upload.size), "limit": size_text(limit)},
            )
        return upload


class ImportConfirmForm(forms.Form):
    AFTER_CHOICES = [
        ("draft", _("Keep it as a draft: check and rate it on the site, then submit it")),
        (
            "submit",
            _("Submit it for publication: a second assessor or a plan manager publishes it"),
        ),
    ]

    token = forms.CharField(widget=forms.HiddenInput)
    after = forms.ChoiceField(
        label=_("After the import"),
        choices=AFTER_CHOICES,
        initial="draft",
        widget=forms.RadioSelect,
    )
