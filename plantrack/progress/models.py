from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from plantrack.lib.bilingual import pick


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
