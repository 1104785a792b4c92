"""Notices: what the site tells a person about something that happened to them (a report
to review, a report approved or returned), shown on their notices page and emailed once.

A notice keeps the *parameters* of its text, not the text: it is written in the reader's
language when shown, and in the recipient's language when emailed (``kinds.py``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notice(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    # A registered kind (``kinds.py``), e.g. "progress.submitted".
    kind = models.CharField(_("kind"), max_length=60)
    # What it is about, as a label and an id ("progress.progressupdate", 12) rather than a
    # foreign key, so that any app can send notices without this app knowing its models.
    subject_type = models.CharField(max_length=60)
    subject_id = models.PositiveBigIntegerField()
    params = models.JSONField(default=dict, blank=True)
    # A site path in the language it was made in; shown in the reader's (translate_url).
    url = models.CharField(max_length=500, blank=True)
    # One notice per recipient and transition: the same event never notifies twice.
    key = models.CharField(max_length=200)
    created_at = models.DateTimeField(_("when"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="notice_once_per_recipient")
        ]
        indexes = [
            models.Index(
                fields=["recipient"], condition=Q(read_at__isnull=True), name="notice_unread"
            ),
            models.Index(fields=["recipient", "-created_at"], name="notice_recipient_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id} ({self.key})"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
