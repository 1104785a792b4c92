from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from plantrack.lib.bilingual import pick
from plantrack.plans.models import Status


class Indicator(models.Model):
    """A measure of an item's progress; values and targets arrive with the progress issue."""

    class Kind(models.TextChoices):
        QUANTITATIVE = "quantitative", _("Quantitative")
        QUALITATIVE = "qualitative", _("Qualitative")
        YES_NO = "yes_no", _("Yes / no")

    item = models.ForeignKey("plans.Item", on_delete=models.CASCADE, related_name="indicators")
    position = models.PositiveIntegerField(default=0)
    title_en = models.TextField(_("indicator (English)"), blank=True)
    title_mn = models.TextField(_("indicator (Mongolian)"), blank=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind.choices, default=Kind.QUANTITATIVE
    )
    unit = models.CharField(_("unit"), max_length=60, blank=True)

    class Meta:
        ordering = ["item", "position"]
        constraints = [
            models.UniqueConstraint(fields=["item", "position"], name="indicator_position_unique")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return pick(self, "title")


class ProgressUpdate(models.Model):
    """A reporter's account of an item's status and progress, public once approved."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned")

    item = models.ForeignKey("plans.Item", on_delete=models.CASCADE, related_name="updates")
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="progress_updates",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="progress_updates",
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    progress = models.FloatField(
        _("progress (%)"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    note = models.TextField(_("what was done"), max_length=4000)
    state = models.CharField(max_length=20, choices=State.choices, default=State.SUBMITTED)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_note = models.TextField(_("note to the reporter"), blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        indexes = [models.Index(fields=["item", "state", "-created_at"], name="update_item_state")]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.status} {self.progress} ({self.state})"
