from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from plantrack.lib.bilingual import pick


class Organisation(models.Model):
    """A body that acts on plans: an agency, a CSO, an international partner …"""

    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("Government agency")
        LAW_ENFORCEMENT = "law_enforcement", _("Law-enforcement agency")
        CSO = "cso", _("Civil society organisation")
        INTERNATIONAL = "international", _("International organisation")
        PRIVATE = "private", _("Private sector")
        ACADEMIA = "academia", _("Academia")
        PARLIAMENT = "parliament", _("Parliament")
        OTHER = "other", _("Other")

    slug = models.SlugField(max_length=120, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    name_mn = models.CharField(_("name (Mongolian)"), max_length=300, blank=True)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_mn = models.TextField(_("description (Mongolian)"), blank=True)
    website = models.URLField(_("website"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name_en", "name_mn"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(name_en="", name_mn=""),
                name="organisation_has_a_name",
                violation_error_message=_("Give the organisation a name in Mongolian or English."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return pick(self, "name")

    @property
    def description(self) -> str:
        return pick(self, "description")

    def get_absolute_url(self) -> str:
        return reverse("organisations:detail", args=[self.slug])
