"""Surveys: questions with options, responses and their answers.

A ``Survey`` (optionally about a plan) is a draft until its managers open it, then open,
then closed; it takes answers only while open and between its dates. Its ``Question``s
come in seven kinds. Choices, yes/no and matrix rows and columns are ``Option``s (yes/no
gets its two options when the question is made, so conditions work the same for all).
A question may be shown only when an earlier question's answer includes an option.

A ``SurveyResponse`` is one person's (or, when the survey allows it, one browser's) set of
``Answer``s: one row per chosen option, per matrix cell, per scale value or per text.
Answers carry their survey so the results page counts them with one ``GROUP BY``.
Free text (text questions and "other, please say") is shown publicly only once a
manager has marked it shown; hidden texts are counted with their reason, never shown.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plantrack.lib.bilingual import pick


class Survey(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    plan = models.ForeignKey(
        "plans.Plan",
        verbose_name=_("plan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="surveys",
    )
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    title_mn = models.CharField(_("title (Mongolian)"), max_length=300, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    intro_mn = models.TextField(_("introduction (Mongolian)"), blank=True)
    intro_en = models.TextField(_("introduction (English)"), blank=True)
    opens_at = models.DateTimeField(_("opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default="draft")
    anonymous = models.BooleanField(_("anonymous answers allowed"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Kept by the submit service (an F() update), so lists need not count responses.
    response_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__isnull=True)
                | Q(opens_at__isnull=True)
                | Q(closes_at__gt=models.F("opens_at")),
                name="survey_closes_after_it_opens",
                violation_error_message=_("The survey must close after it opens."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return pick(self, "title") or self.slug

    @property
    def intro(self) -> str:
        return pick(self, "intro")

    def accepting(self, now: object = None) -> bool:
        """Open, and between its dates."""
        now = now or timezone.now()
        return (
            self.state == self.State.OPEN
            and (self.opens_at is None or self.opens_at <= now)  # type: ignore[operator]
            and (self.closes_at is None or now < self.closes_at)  # type: ignore[operator]
        )

    def phase(self) -> str:
        """What the page says: draft, upcoming, open or closed (dates included)."""
        now = timezone.now()
        if self.state == self.State.DRAFT:
            return "draft"
        if self.state == self.State.CLOSED or (self.closes_at and self.closes_at <= now):
            return "closed"
        if self.opens_at and now < self.opens_at:
            return "upcoming"
        return "open"


class Question(models.Model):
    class Kind(models.TextChoices):
        SHORT_TEXT = "short_text", _("short text")
        LONG_TEXT = "long_text", _("long text")
        SINGLE = "single", _("single choice")
        MULTIPLE = "multiple", _("multiple choice")
        SCALE = "scale", _("scale 1–5")
        MATRIX = "matrix", _("matrix")
        YES_NO = "yes_no", _("yes or no")

    TEXT_KINDS = (Kind.SHORT_TEXT, Kind.LONG_TEXT)
    CHOICE_KINDS = (Kind.SINGLE, Kind.MULTIPLE, Kind.YES_NO)

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    text_mn = models.CharField(_("question (Mongolian)"), max_length=500, blank=True)
    text_en = models.CharField(_("question (English)"), max_length=500, blank=True)
    help_mn = models.CharField(_("help (Mongolian)"), max_length=500, blank=True)
    help_en = models.CharField(_("help (English)"), max_length=500, blank=True)
    required = models.BooleanField(_("required"), default=False)
    other = models.BooleanField(_("offers “other, please say”"), default=False)
    # Shown only when the answer to an earlier question includes this option.
    condition = models.ForeignKey(
        "Option",
        verbose_name=_("shown only when the answer includes"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="dependants",
    )

    class Meta:
        ordering = ["survey", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "position"], name="question_position_unique")
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return pick(self, "text")

    @property
    def help(self) -> str:
        return pick(self, "help")

    @property
    def is_text(self) -> bool:
        return self.kind in self.TEXT_KINDS


class Option(models.Model):
    class Role(models.TextChoices):
        CHOICE = "choice", _("choice")
        ROW = "row", _("matrix row")
        COLUMN = "column", _("matrix column")

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    role = models.CharField(max_length=8, choices=Role.choices, default="choice")
    position = models.PositiveIntegerField(default=0)
    label_mn = models.CharField(_("label (Mongolian)"), max_length=300, blank=True)
    label_en = models.CharField(_("label (English)"), max_length=300, blank=True)

    class Meta:
        ordering = ["question", "role", "position", "pk"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return pick(self, "label")


class SurveyResponse(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_responses",
    )
    # The per-browser guard of an anonymous response (the signed cookie's value).
    guard = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "user"],
                condition=Q(user__isnull=False),
                name="one_response_per_account",
            ),
            models.UniqueConstraint(
                fields=["survey", "guard"], condition=~Q(guard=""), name="one_response_per_browser"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey.slug} #{self.pk}"


class Answer(models.Model):
    class TextState(models.TextChoices):
        NONE = "", _("not free text")
        PENDING = "pending", _("waiting for moderation")
        SHOWN = "shown", _("shown")
        HIDDEN = "hidden", _("hidden")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    # A chosen option; for a matrix the column chosen in ``row``.
    option = models.ForeignKey(
        Option, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    row = models.ForeignKey(
        Option, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    number = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)
    text_state = models.CharField(max_length=8, choices=TextState.choices, blank=True, default="")
    moderation_reason = models.CharField(max_length=300, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        indexes = [
            models.Index(fields=["survey", "question", "option", "row"], name="answer_counts"),
            models.Index(fields=["question", "text_state"], name="answer_texts"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(number__isnull=True) | Q(number__gte=1, number__lte=5),
                name="answer_scale_1_to_5",
            ),
            models.CheckConstraint(
                condition=~Q(text_state="hidden") | ~Q(moderation_reason=""),
                name="hidden_answer_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.response_id}/{self.question_id}"


class Tally(models.Model):
    """A stored count behind the results page, kept by the submit and moderation services
    (``tallies.py``), so the page reads a few rows whatever the number of responses.

    ``key`` is ``answered`` (responses that answered the question), ``o<option>`` (a choice),
    ``o<column>r<row>`` (a matrix cell), ``n<value>`` (a scale value), ``other`` (an "other,
    please say" answer) or ``t<state>`` (free-text answers by moderation state)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="tallies")
    key = models.CharField(max_length=40)
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["question", "key"], name="tally_unique"),
        ]
        indexes = [models.Index(fields=["survey"], name="tally_survey")]

    def __str__(self) -> str:
        return f"{self.question_id}:{self.key}={self.count}"
