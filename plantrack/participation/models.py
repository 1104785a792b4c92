"""Participation (issue 13): consultations on a draft, inputs on it, and an official answer to each.

- ``Consultation``: a draft put to the public (a plan, a revision, some items or any text), who may
  take part, when it opens and closes and the date answers are promised by. Its phase is computed
  from the dates: upcoming → open → closed → answered → reported (``phase``; the queryset's
  ``in_phase``).
- ``Section`` (chapter) → ``Paragraph``: the draft text, each paragraph with an anchor unique in
  its consultation, and the plan item it was taken from.
- ``Input``: a comment (on a paragraph or the whole draft), a proposal or a reply (one level deep);
  by a person, optionally on behalf of a verified organisation; edited until the consultation
  closes (``InputRevision`` keeps each earlier text); ``Support`` (one per person) and
  ``Cosignature`` (one per organisation).
- ``Response``: the official answer (status, explanation, responding body, date, links to the items
  and paragraphs it changed); one response may answer several inputs (``Input.response``).
- ``Flag``, ``ModerationAction``, ``Block``: transparent moderation (hidden inputs keep a
  placeholder with the published reason). ``Follow``: a person following a consultation, plan or
  item.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plantrack.lib.bilingual import pick


class Phase(models.TextChoices):
    UPCOMING = "upcoming", _("Upcoming")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    ANSWERED = "answered", _("Answered")
    REPORTED = "reported", _("Closed with a final report")


class ConsultationQuerySet(models.QuerySet["Consultation"]):
    def in_phase(self, phase: str, *, now: dt.datetime | None = None) -> ConsultationQuerySet:
        """The consultations in one phase; "answered" includes those with a final report."""
        now = now or timezone.now()
        if phase == Phase.UPCOMING:
            return self.filter(opens_at__gt=now, answered_at__isnull=True)
        if phase == Phase.OPEN:
            return self.filter(opens_at__lte=now, closes_at__gt=now, answered_at__isnull=True)
        if phase == Phase.CLOSED:
            return self.filter(closes_at__lte=now, answered_at__isnull=True)
        if phase == Phase.ANSWERED:
            return self.filter(answered_at__isnull=False)
        if phase == Phase.REPORTED:
            return self.filter(final_report_at__isnull=False)
        return self.none()


class Consultation(models.Model):
    class Subject(models.TextChoices):
        PLAN = "plan", _("A new plan")
        REVISION = "revision", _("A revision of a plan")
        ITEMS = "items", _("Some items of a plan")
        TEXT = "text", _("A text (a draft law, a roadmap)")

    class Eligibility(models.TextChoices):
        ACCOUNTS = "accounts", _("Anyone with an account")
        VERIFIED_ORGANISATIONS = "verified_organisations", _("Only verified organisations")

    plan = models.ForeignKey(
        "plans.Plan",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consultations",
        verbose_name=_("plan"),
    )
    slug = models.SlugField(_("address"), max_length=100, unique=True)
    title_mn = models.CharField(_("title (Mongolian)"), max_length=300, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    summary_mn = models.TextField(_("summary (Mongolian)"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    subject = models.CharField(
        _("what is consulted on"), max_length=20, choices=Subject.choices, default=Subject.TEXT
    )
    eligibility = models.CharField(
        _("who may take part"),
        max_length=30,
        choices=Eligibility.choices,
        default=Eligibility.ACCOUNTS,
    )
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    answers_due = models.DateField(_("answers promised by"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    final_report_at = models.DateTimeField(_("final report"), null=True, blank=True)
    # The item a consultation "from the plan's items" started from (the root of the subtree).
    source_item = models.ForeignKey(
        "plans.Item", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The uploaded draft's file name, when the text was imported from a document.
    source_name = models.CharField(_("source file"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    objects = ConsultationQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_at", "slug"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_at__lt=models.F("closes_at")),
                name="consultation_opens_before_close",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return pick(self, "title")

    @property
    def summary(self) -> str:
        return pick(self, "summary")

    def phase_at(self, now: dt.datetime) -> str:
        if self.final_report_at is not None:
            return Phase.REPORTED
        if self.answered_at is not None:
            return Phase.ANSWERED
        if now < self.opens_at:
            return Phase.UPCOMING
        if now < self.closes_at:
            return Phase.OPEN
        return Phase.CLOSED

    @property
    def phase(self) -> str:
        return self.phase_at(timezone.now())

    @property
    def phase_label(self) -> str:
        return str(Phase(self.phase).label)

    @property
    def is_open(self) -> bool:
        return self.phase == Phase.OPEN

    @property
    def has_closed(self) -> bool:
        """Closed for input: the closing time has passed (whatever came after)."""
        return timezone.now() >= self.closes_at

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("participation:consultation", args=[self.slug])


class Section(models.Model):
    """A chapter of the draft."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="sections"
    )
    position = models.PositiveIntegerField(default=0)
    anchor = models.SlugField(max_length=60)
    title_mn = models.TextField(_("title (Mongolian)"), blank=True)
    title_en = models.TextField(_("title (English)"), blank=True)
    item = models.ForeignKey(
        "plans.Item", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["consultation", "position"]
        verbose_name = _("chapter")
        verbose_name_plural = _("chapters")
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "anchor"], name="participation_section_anchor_unique"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return pick(self, "title")


class Paragraph(models.Model):
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="paragraphs")
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="paragraphs"
    )
    position = models.PositiveIntegerField(default=0)
    anchor = models.SlugField(max_length=60)
    text_mn = models.TextField(_("text (Mongolian)"), blank=True)
    text_en = models.TextField(_("text (English)"), blank=True)
    item = models.ForeignKey(
        "plans.Item",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consultation_paragraphs",
    )

    class Meta:
        ordering = ["consultation", "position"]
        verbose_name = _("paragraph")
        verbose_name_plural = _("paragraphs")
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "anchor"], name="participation_paragraph_anchor_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.anchor}: {self.text[:60]}"

    @property
    def text(self) -> str:
        return pick(self, "text")


def attachment_path(instance: Input, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1] if "." in filename else "bin"
    return f"participation/{instance.consultation_id}/{instance.attachment_sha256}.{ext}"


class Input(models.Model):
    class Kind(models.TextChoices):
        COMMENT = "comment", _("Comment")
        PROPOSAL = "proposal", _("Proposal")
        REPLY = "reply", _("Reply")

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="inputs")
    paragraph = models.ForeignKey(
        Paragraph, null=True, blank=True, on_delete=models.CASCADE, related_name="inputs"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.COMMENT)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="participation_inputs",
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="participation_inputs",
        verbose_name=_("on behalf of"),
    )
    item = models.ForeignKey(
        "plans.Item",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="participation_inputs",
        verbose_name=_("plan item concerned"),
    )
    title = models.CharField(_("title"), max_length=300, blank=True)
    body = models.TextField(_("text"), blank=True)
    # An audio or document file (for people who cannot type), checked by content.
    attachment = models.FileField(upload_to=attachment_path, blank=True, max_length=200)
    attachment_name = models.CharField(_("file name"), max_length=200, blank=True)
    attachment_type = models.CharField(max_length=100, blank=True)
    attachment_size = models.PositiveBigIntegerField(default=0)
    attachment_sha256 = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    response = models.ForeignKey(
        "Response", null=True, blank=True, on_delete=models.SET_NULL, related_name="inputs"
    )
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_reason = models.CharField(_("reason"), max_length=300, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Offline input recorded from a meeting (the meetings issue fills it).
    meeting_label = models.CharField(_("meeting"), max_length=300, blank=True)
    # The double-submit token the input was stored under (unique per author).
    submit_token = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["consultation", "created_at", "pk"]
        verbose_name = _("input")
        verbose_name_plural = _("inputs")
        indexes = [
            models.Index(fields=["consultation", "paragraph"], name="participation_input_para"),
            models.Index(fields=["consultation", "response"], name="participation_input_resp"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "submit_token"],
                condition=~Q(submit_token=""),
                name="participation_input_once",
            ),
            models.CheckConstraint(
                condition=Q(kind="reply", parent__isnull=False)
                | (~Q(kind="reply") & Q(parent__isnull=True)),
                name="participation_input_reply_has_parent",
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.body[:60]

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("participation:input", args=[self.consultation.slug, self.pk])


class InputRevision(models.Model):
    """An earlier text of an input, kept when it was edited."""

    input = models.ForeignKey(Input, on_delete=models.CASCADE, related_name="revisions")
    title = models.CharField(max_length=300, blank=True)
    body = models.TextField(blank=True)
    edited_at = models.DateTimeField(auto_now_add=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["input", "edited_at", "pk"]
        verbose_name = _("earlier text of an input")
        verbose_name_plural = _("earlier texts of inputs")

    def __str__(self) -> str:
        return f"{self.input_id} @ {self.edited_at:%Y-%m-%d %H:%M}"


class Support(models.Model):
    input = models.ForeignKey(Input, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="participation_supports"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["input", "created_at"]
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [
            models.UniqueConstraint(fields=["input", "user"], name="participation_support_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.input_id}"


class Cosignature(models.Model):
    input = models.ForeignKey(Input, on_delete=models.CASCADE, related_name="cosignatures")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["input", "created_at"]
        verbose_name = _("co-signature")
        verbose_name_plural = _("co-signatures")
        constraints = [
            models.UniqueConstraint(
                fields=["input", "organisation"], name="participation_cosign_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} → {self.input_id}"


class Response(models.Model):
    """The official answer to one input or to several similar ones."""

    class Status(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        PARTLY_ACCEPTED = "partly_accepted", _("Partly accepted")
        NOT_ACCEPTED = "not_accepted", _("Not accepted")
        NOTED = "noted", _("Noted")
        OUT_OF_SCOPE = "out_of_scope", _("Out of scope")

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="responses"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    explanation_mn = models.TextField(_("explanation (Mongolian)"), blank=True)
    explanation_en = models.TextField(_("explanation (English)"), blank=True)
    responding_body = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="participation_responses",
        verbose_name=_("responding body"),
    )
    responding_body_name = models.CharField(_("responding body (name)"), max_length=300, blank=True)
    responded_on = models.DateField(_("date of the response"))
    published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    items = models.ManyToManyField(  # type: ignore[var-annotated]
        "plans.Item", through="ResponseItemLink", related_name="participation_responses"
    )
    paragraphs = models.ManyToManyField(  # type: ignore[var-annotated]
        Paragraph, through="ResponseParagraphLink", related_name="responses"
    )

    class Meta:
        ordering = ["consultation", "-responded_on", "pk"]
        verbose_name = _("official response")
        verbose_name_plural = _("official responses")
        constraints = [
            models.CheckConstraint(
                condition=~Q(explanation_mn="") | ~Q(explanation_en=""),
                name="participation_response_explained",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()}: {self.explanation[:60]}"

    @property
    def explanation(self) -> str:
        return pick(self, "explanation")

    @property
    def body_name(self) -> str:
        if self.responding_body_id is not None:
            return self.responding_body.name  # type: ignore[union-attr]
        return self.responding_body_name


class ResponseItemLink(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="item_links")
    item = models.ForeignKey("plans.Item", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "item"], name="participation_resp_item")
        ]

    def __str__(self) -> str:
        return f"{self.response_id} → item {self.item_id}"


class ResponseParagraphLink(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="paragraph_links")
    paragraph = models.ForeignKey(Paragraph, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["response", "paragraph"], name="participation_resp_paragraph"
            )
        ]

    def __str__(self) -> str:
        return f"{self.response_id} → paragraph {self.paragraph_id}"


class Flag(models.Model):
    class Reason(models.TextChoices):
        PERSONAL_DATA = "personal_data", _("Personal data")
        OFFENSIVE = "offensive", _("Offensive or abusive")
        SPAM = "spam", _("Spam or advertising")
        OFF_TOPIC = "off_topic", _("Off topic")
        OTHER = "other", _("Other")

    input = models.ForeignKey(Input, on_delete=models.CASCADE, related_name="flags")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="participation_flags"
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    text = models.CharField(_("details"), max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("flag")
        verbose_name_plural = _("flags")

    def __str__(self) -> str:
        return f"{self.reason} on {self.input_id}"


class ModerationAction(models.Model):
    class Action(models.TextChoices):
        HIDE = "hide", _("Hidden")
        RESTORE = "restore", _("Restored")

    input = models.ForeignKey(Input, on_delete=models.CASCADE, related_name="moderation_actions")
    action = models.CharField(max_length=10, choices=Action.choices)
    reason = models.CharField(_("reason (published)"), max_length=300)
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("moderation action")
        verbose_name_plural = _("moderation actions")

    def __str__(self) -> str:
        return f"{self.action} {self.input_id}: {self.reason}"


class Follow(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="participation_follows"
    )
    consultation = models.ForeignKey(
        Consultation, null=True, blank=True, on_delete=models.CASCADE, related_name="follows"
    )
    plan = models.ForeignKey(
        "plans.Plan", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    item = models.ForeignKey(
        "plans.Item", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(consultation__isnull=False, plan__isnull=True, item__isnull=True)
                    | Q(consultation__isnull=True, plan__isnull=False, item__isnull=True)
                    | Q(consultation__isnull=True, plan__isnull=True, item__isnull=False)
                ),
                name="participation_follow_one_target",
            ),
            models.UniqueConstraint(
                fields=["user", "consultation"],
                condition=Q(consultation__isnull=False),
                name="participation_follow_consultation_once",
            ),
            models.UniqueConstraint(
                fields=["user", "plan"],
                condition=Q(plan__isnull=False),
                name="participation_follow_plan_once",
            ),
            models.UniqueConstraint(
                fields=["user", "item"],
                condition=Q(item__isnull=False),
                name="participation_follow_item_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.consultation_id or self.plan_id or self.item_id}"


class Block(models.Model):
    """A person blocked from taking part, until lifted."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="participation_blocks"
    )
    reason = models.CharField(_("reason"), max_length=300)
    blocked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("block")
        verbose_name_plural = _("blocks")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.reason}"
