"""The append-only history: one Event per change of a public record, hash-chained.

Events are never updated or deleted: database triggers refuse it (see the migration).
The people involved are stored by id only; their names live in the accounts table, so
erasing a person shows "deleted user" without touching a hashed row. Links to plans,
items, users and organisations carry no database constraint: deleting those rows must
never cascade into the history.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


class ActorKind(models.TextChoices):
    USER = "user", _("person")
    SYSTEM = "system", _("system")
    IMPORT = "import", _("import")


class Action(models.TextChoices):
    IMPORTED = "imported", _("imported")
    REIMPORTED = "reimported", _("imported again")
    CREATED = "created", _("created")
    CHANGED = "changed", _("changed")
    PROGRESS_SET = "progress_set", _("status or progress set")
    RETIRED = "retired", _("retired")
    RESTORED = "restored", _("restored")
    MOVED = "moved", _("moved")
    PUBLISHED = "published", _("published")
    ADDED = "added", _("added")
    REMOVED = "removed", _("removed")
    SUBMITTED = "submitted", _("submitted")
    APPROVED = "approved", _("approved")
    RETURNED = "returned", _("returned")
    REJECTED = "rejected", _("rejected")
    RESUBMITTED = "resubmitted", _("sent again")
    REGISTERED = "registered", _("registered")
    VERIFIED = "verified", _("verified")
    UNVERIFIED = "unverified", _("returned for verification")
    REQUESTED = "requested", _("asked to join")
    INVITED = "invited", _("invited")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")
    ROLE_CHANGED = "role_changed", _("role changed")
    ROLES_CHANGED = "roles_changed", _("roles changed")
    ERASED = "erased", _("personal data erased")


def _loose(model: str, **extra: object) -> models.ForeignKey:  # type: ignore[type-arg]
    return models.ForeignKey(
        model,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        **extra,  # type: ignore[arg-type]
    )


class Event(models.Model):
    seq = models.PositiveBigIntegerField(_("number"), unique=True)
    at = models.DateTimeField(_("time"))
    actor_kind = models.CharField(max_length=10, choices=ActorKind.choices)
    actor = _loose("accounts.User")
    actor_organisation = _loose("organisations.Organisation")
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=40)
    object_label = models.CharField(max_length=300, blank=True)
    plan = _loose("plans.Plan")
    item = _loose("plans.Item")
    # The person an event is about (a membership), shown by name only while they have one.
    subject_user = _loose("accounts.User")
    action = models.CharField(max_length=20, choices=Action.choices)
    changes = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True)
    public = models.BooleanField(default=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-seq"]
        indexes = [
            models.Index(fields=["plan", "-seq"], name="history_event_plan"),
            models.Index(fields=["item", "-seq"], name="history_event_item"),
            models.Index(fields=["object_type", "object_id", "-seq"], name="history_event_object"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.object_type}:{self.object_id} {self.action}"


class Head(models.Model):
    """One row: the last event's number and hash. Locked by every append, so two
    transactions cannot both extend the chain from the same event."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)

    def __str__(self) -> str:
        return f"head {self.seq}"


class Checkpoint(models.Model):
    """A signed head: the chain up to ``seq`` and the Merkle root of the events after the
    previous checkpoint, signed with the site's Ed25519 key."""

    seq = models.PositiveBigIntegerField(unique=True)
    first_seq = models.PositiveBigIntegerField()
    head_hash = models.CharField(max_length=64)
    merkle_root = models.CharField(max_length=64)
    signed_at = models.DateTimeField()
    public_key = models.CharField(max_length=64)
    signature = models.CharField(max_length=128)

    class Meta:
        ordering = ["-seq"]

    def __str__(self) -> str:
        return f"checkpoint {self.first_seq}–{self.seq}"
