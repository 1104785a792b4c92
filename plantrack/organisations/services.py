"""Writes to the organisation registry: profiles, verification and memberships.

Views check the rules first; the services check them again where it is cheap, so a
caller that skips the view (a command, the API) cannot skip the rule.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from plantrack.accounts.models import User
from plantrack.accounts.permissions import is_site_admin
from plantrack.history.services import diff, record
from plantrack.lib.retirement import set_retired
from plantrack.lib.rules import require
from plantrack.plans.validation import clean_reason

from . import permissions
from .matching import OrganisationIndex
from .models import Membership, Organisation, Region, Soum
from .permissions import kinds_allowed
from .public_bodies import PublicBody, public_bodies

# Kinds an organisation may give itself; agencies are added by administrators or the importer.
SELF_REGISTER_KINDS = permissions.SELF_REGISTER_KINDS
# Paths under /organisations/ that an organisation's slug must not take.
RESERVED_SLUGS = frozenset({"register", "review", "invitations"})
PROFILE_FIELDS = (
    "name_mn",
    "name_en",
    "acronym",
    "acronym_mn",
    "kind",
    "registration_number",
    "region",
    "soum",
    "setting",
    "contact_email",
    "contact_phone",
    "website",
    "description_mn",
    "description_en",
)
PROFILE_LISTS = ("fields", "target_groups")
# Changing one of these sends a self-registered organisation back to verification.
# Changing any of these sends a self-registered organisation back for verification: they are
# what imports and readers recognise it by.
IDENTITY_FIELDS = ("name_mn", "name_en", "acronym", "acronym_mn", "registration_number", "kind")

# Mongolian Cyrillic to Latin for slugs, after the national standard MNS 5217:2012, simplified.
_LATIN = str.maketrans(
    {
        "а": "a",
        "б": "b",
        "в": "v",
        "г": "g",
        "д": "d",
        "е": "ye",
        "ё": "yo",
        "ж": "j",
        "з": "z",
        "и": "i",
        "й": "i",
        "к": "k",
        "л": "l",
        "м": "m",
        "н": "n",
        "о": "o",
        "ө": "o",
        "п": "p",
        "р": "r",
        "с": "s",
        "т": "t",
        "у": "u",
        "ү": "u",
        "ф": "f",
        "х": "kh",
        "ц": "ts",
        "ч": "ch",
        "ш": "sh",
        "щ": "sh",
        "ъ": "",
        "ы": "y",
        "ь": "i",
        "э": "e",
        "ю": "yu",
        "я": "ya",
    }
)


def latin(text: str) -> str:
    """Mongolian Cyrillic written in Latin letters, for slugs."""
    return text.lower().translate(_LATIN)


def _unique_slug(base: str) -> str:
    base = (slugify(latin(base)) or "organisation")[:100].strip("-") or "organisation"
    slug, n = base, 1
    while slug in RESERVED_SLUGS or Organisation.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def organisation_get_or_create(
    *,
    name: str,
    acronym: str = "",
    kind: str = "",
    index: OrganisationIndex | None = None,
    created_by_import: bool = False,
    public: bool = True,
) -> Organisation:
    """One body is one organisation: match by acronym, then by English or Mongolian name.

    Only trusted organisations match (see ``matching``): an unverified self-registered
    one with the same name gets a separate organisation, never the import's items.
    Pass an ``index`` to match many names with one query; new organisations join it.
    ``created_by_import`` marks a new one as added by a plan import: unverified until a site
    administrator verifies it (``organisation_verify``). ``public=False`` (a draft plan's
    import) keeps its history event private until a published plan names it.
    """
    name = " ".join(name.split())
    index = index if index is not None else OrganisationIndex.load()
    found = index.match(name=name, acronym=acronym)
    if found is not None:
        return Organisation.objects.get(pk=found)
    if kind not in Organisation.Kind.values:
        kind = Organisation.Kind.OTHER
    is_cyrillic = any("\u0400" <= ch <= "\u04ff" for ch in name)
    organisation = Organisation(
        slug=_unique_slug(acronym or name),
        acronym=acronym,
        kind=kind,
        created_by_import=created_by_import,
        **({"name_mn": name} if is_cyrillic else {"name_en": name}),
    )
    # A known public body gets its other names and acronyms from the fixture at once.
    body = public_bodies().find((name, acronym))
    if body is not None:
        _fill_from_body(organisation, body)
    organisation.full_clean()
    organisation.save()
    record(organisation, "created", changes=diff({}, _profile(organisation)), public=public)
    index.add(
        organisation.pk,
        name_en=organisation.name_en,
        name_mn=organisation.name_mn,
        acronym=organisation.acronym,
        acronym_mn=organisation.acronym_mn,
    )
    return organisation


def _fill_from_body(organisation: Organisation, body: PublicBody) -> list[str]:
    """Fill the organisation's empty names and acronyms from its public body entry; never
    overwrite what is there. Returns the fields filled."""
    filled = []
    for field, value in (
        ("name_en", body.name_en),
        ("name_mn", body.name_mn),
        ("acronym", body.acronym_en),
        ("acronym_mn", body.acronym_mn),
    ):
        if value and not getattr(organisation, field):
            setattr(organisation, field, value)
            filled.append(field)
    return filled


@transaction.atomic
def public_bodies_apply() -> list[Organisation]:
    """Give every organisation that is a known public body (found by any of its names, or its
    Cyrillic acronym) the names and acronyms it lacks, from ``data/public_bodies.json``.
    Self-registered organisations are left alone: their names are their own to give. Each
    change is a history event; running it again changes nothing. Returns the changed ones."""
    bodies = public_bodies()
    changed = []
    for organisation in Organisation.objects.filter(self_registered=False).order_by("pk"):
        body = bodies.find((organisation.name_en, organisation.name_mn, organisation.acronym_mn))
        if body is None:
            continue
        before = _profile(organisation)
        filled = _fill_from_body(organisation, body)
        if not filled:
            continue
        organisation.full_clean()
        organisation.version = F("version") + 1
        organisation.save(update_fields=[*filled, "version", "updated_at"])
        organisation.refresh_from_db(fields=["version"])
        record(
            organisation,
            "changed",
            changes=diff(before, _profile(organisation)),
            reason=f"public_bodies.json {bodies.version}",
        )
        changed.append(organisation)
    return changed


# -- Places ---------------------------------------------------------------------------------

# Words written around a soum's name that do not name it ("Даланзадгад сум", "Arvaikheer soum").
_PLACE_WORDS = frozenset(
    {"сум", "сумын", "сумд", "soum", "sum", "sumu", "хот", "хотын", "city", "town", "төв"}
)


def place_key(text: str) -> str:
    """A soum's name as compared: without words like "soum", in Latin letters, with case,
    accents, hyphens, doubled letters and the usual romanisation variants set aside, so
    "Даланзадгад сум", "Dalanzadgad soum" and "dalanzadgad" are one."""
    words = [w for w in re.split(r"[\s,.;:()\"'«»“”]+", text.casefold()) if w]
    words = [w for w in words if w not in _PLACE_WORDS]
    plain = unicodedata.normalize("NFKD", latin("".join(words)))
    plain = re.sub(r"[^a-z0-9]", "", "".join(ch for ch in plain if not unicodedata.combining(ch)))
    for variant, common in (("kh", "h"), ("zh", "j"), ("y", "i"), ("u", "o")):
        plain = plain.replace(variant, common)
    return re.sub(r"(.)\1+", r"\1", plain)


def _soums_named(key: str) -> list[Soum]:
    return [
        soum
        for soum in Soum.objects.select_related("aimag")
        if key in (place_key(soum.name_mn), place_key(soum.name_en))
    ]


def place_check(*, region: Region | None, soum: str) -> None:
    """Refuse a soum or khoroo that is not in the chosen aimag or district, by the managed
    list of soums (``Soum``, each with its aimag): a ``ValidationError`` on ``soum``.

    In an aimag the soum must be one of its soums (an aimag with no soums listed takes any);
    a district of Ulaanbaatar is divided into numbered khoroos, so the field names a number;
    a body working across the whole country has no soum."""
    soum = " ".join((soum or "").split())
    if not soum:
        return
    if region is None:
        raise ValidationError(
            {"soum": _("Choose the aimag or district that this soum or khoroo is in.")},
            code="no_region",
        )
    if region.kind == Region.Kind.NATIONAL:
        raise ValidationError(
            {
                "soum": _(
                    "An organisation that works across the whole country has no soum or "
                    "khoroo: leave this empty, or choose the aimag or district it works in."
                )
            },
            code="national",
        )
    key = place_key(soum)
    if region.kind == Region.Kind.CAPITAL_DISTRICT:
        if any(ch.isdigit() for ch in soum):
            return
        aimags = sorted({s.aimag.name for s in _soums_named(key)}) if key else []
        if aimags:
            message = _(
                "%(soum)s is a soum of %(aimags)s, not a khoroo of %(district)s. Choose the "
                "aimag it is in, or give the khoroo by its number, for example 3-р хороо."
            ) % {"soum": soum, "aimags": ", ".join(aimags), "district": region.name}
        else:
            message = _(
                "%(district)s is divided into numbered khoroos: give the khoroo by its "
                "number, for example 3-р хороо."
            ) % {"district": region.name}
        raise ValidationError({"soum": message}, code="not_a_khoroo")
    listed = list(region.soums.all())
    if not listed or any(key in (place_key(s.name_mn), place_key(s.name_en)) for s in listed):
        return
    elsewhere = sorted({s.aimag.name for s in _soums_named(key)}) if key else []
    if elsewhere:
        message = _(
            "%(soum)s is in %(aimags)s, not in %(region)s. Choose the aimag it is in, or one "
            "of the soums of %(region)s."
        ) % {"soum": soum, "aimags": ", ".join(elsewhere), "region": region.name}
    else:
        message = _("%(region)s has no soum called %(soum)s. Its soums are: %(soums)s.") % {
            "region": region.name,
            "soum": soum,
            "soums": ", ".join(s.name for s in listed),
        }
    raise ValidationError({"soum": message}, code="wrong_soum")


# -- Profiles ------------------------------------------------------------------------------


def _profile(organisation: Organisation) -> dict[str, Any]:
    """The public profile fields with a value, for history events."""
    public = ("name_mn", "name_en", "acronym", "acronym_mn", "kind", "region", "website")
    return {name: getattr(organisation, name) for name in public if getattr(organisation, name)}


def _record_membership(membership: Membership, action: str, by: User, **extra: Any) -> None:
    # Memberships are about people: kept out of public history pages, and the person is
    # named by id only (subject_user), never in the hashed text.
    record(
        membership,
        action,
        by=by,
        organisation=membership.organisation_id,
        label=str(membership.organisation),
        subject_user_id=membership.user_id,
        public=False,
        **extra,
    )


def _apply_profile(organisation: Organisation, data: Mapping[str, Any]) -> None:
    for name in PROFILE_FIELDS:
        if name in data:
            value = data[name]
            setattr(organisation, name, "" if value is None and name != "region" else value)


def _apply_lists(organisation: Organisation, data: Mapping[str, Any]) -> None:
    for name in PROFILE_LISTS:
        if name in data:
            getattr(organisation, name).set(data[name] or [])


def _duplicate_name_error() -> ValidationError:
    return ValidationError(
        _(
            "An organisation with this name is already in the registry. "
            "Find it in the directory and ask to join it instead."
        ),
        code="duplicate_name",
    )


def name_taken(organisation: Organisation) -> bool:
    organisation.set_name_keys()
    match = Q()
    for key in (organisation.name_en_key, organisation.name_mn_key):
        if key:
            match |= Q(name_en_key=key) | Q(name_mn_key=key)
    if not match:
        return False
    others = Organisation.objects.filter(match)
    if organisation.pk:
        others = others.exclude(pk=organisation.pk)
    return others.exists()


def _insert(organisation: Organisation) -> None:
    """Insert a new organisation; a name registered meanwhile is a clear refusal, a slug taken
    meanwhile is retried with the next free one."""
    for _attempt in range(5):
        try:
            with transaction.atomic():
                organisation.save()
            return
        except IntegrityError as exc:
            if name_taken(organisation):
                raise _duplicate_name_error() from exc
            organisation.pk = None
            organisation.slug = _unique_slug(organisation.name_en or organisation.name_mn)
    raise ValidationError(_("The registry is busy. Send the form again."), code="busy")


@transaction.atomic
def organisation_register(*, by: User, data: Mapping[str, Any]) -> Organisation:
    """A person registers their organisation; it stays unverified, and they administer it."""
    require(by, "organisations.register")
    if data.get("kind") not in SELF_REGISTER_KINDS:
        raise ValidationError(
            {"kind": _("Agencies and international bodies are added by the site administrators.")}
        )
    organisation = Organisation(self_registered=True)
    _apply_profile(organisation, data)
    place_check(region=organisation.region, soum=organisation.soum)
    organisation.slug = _unique_slug(organisation.name_en or organisation.name_mn)
    if name_taken(organisation):
        raise _duplicate_name_error()
    organisation.full_clean()
    _insert(organisation)
    _apply_lists(organisation, data)
    now = timezone.now()
    membership = Membership(
        user=by,
        organisation=organisation,
        role=Membership.Role.ADMIN,
        state=Membership.State.ACTIVE,
        decided_by=by,
        decided_at=now,
    )
    membership.full_clean()
    membership.save()
    record(
        organisation,
        "registered",
        by=by,
        organisation=organisation,
        changes=diff({}, _profile(organisation)),
    )
    return organisation


def _stale_error(what: str) -> ValidationError:
    return ValidationError(
        _(
            "Someone else saved this %(what)s while you were editing it. "
            "Reload the page to see their changes, then make yours again."
        )
        % {"what": what},
        code="stale",
    )


@transaction.atomic
def organisation_update(
    *, organisation: Organisation, by: User, data: Mapping[str, Any], version: int | None
) -> Organisation:
    """Save a profile seen at ``version``; refused if someone saved it meanwhile (None, from
    a caller that saw no version, saves unchecked).

    Only site administrators give an organisation an agency or international kind; its own
    administrators keep its current kind or choose a self-registration kind. A
    self-registered organisation that changes its name, registration number or kind goes
    back to the site administrators for verification."""
    require(by, "organisations.change", organisation)
    current = Organisation.objects.get(pk=organisation.pk)
    site_admin = is_site_admin(by)
    if current.is_rejected and not site_admin:
        raise ValidationError(
            _(
                "This registration was rejected, so its profile can no longer be changed. "
                "Write to the site administrators if you think this is a mistake."
            ),
            code="rejected",
        )
    resubmitted = current.is_returned and not site_admin
    if "kind" in data and data["kind"] not in kinds_allowed(by, current):
        raise ValidationError(
            {"kind": _("Agencies and international bodies are added by the site administrators.")}
        )
    before = {name: getattr(current, name) for name in IDENTITY_FIELDS}
    shown_before = {name: getattr(current, name) for name in (*PROFILE_FIELDS, "verified_at")}
    place_before = (current.region_id, current.soum)
    _apply_profile(current, data)
    if (current.region_id, current.soum) != place_before:
        # Checked when either changes, so a profile saved before the list keeps saving.
        place_check(region=current.region, soum=current.soum)
    changed = any(getattr(current, name) != before[name] for name in IDENTITY_FIELDS)
    if changed and current.self_registered and not site_admin:
        current.verified_at = None
        current.verified_by = None
    if resubmitted:
        # The applicant fixed what the note asked: back in the queue for verification.
        current.review_state = ""
    if name_taken(current):
        raise _duplicate_name_error()
    current.full_clean()
    fields = [
        *PROFILE_FIELDS,
        "verified_at",
        "verified_by",
        "review_state",
        "name_en_key",
        "name_mn_key",
    ]
    try:
        with transaction.atomic():
            stored = Organisation.objects.filter(pk=current.pk)
            if version is not None:
                stored = stored.filter(version=version)
            updated = stored.update(
                **{name: getattr(current, name) for name in fields},
                version=F("version") + 1,
                updated_at=timezone.now(),
            )
    except IntegrityError as exc:
        raise _duplicate_name_error() from exc
    if not updated:
        raise _stale_error(_("organisation"))
    _apply_lists(current, data)
    current.refresh_from_db()
    changes = diff(shown_before, {name: getattr(current, name) for name in shown_before})
    # Contact details are the organisation's own business; the history says they changed.
    for name in ("contact_email", "contact_phone", "registration_number"):
        if name in changes:
            changes[name] = ["…", "…"]
    if changes:
        record(current, "changed", by=by, changes=changes)
    if resubmitted:
        record(
            current,
            "resubmitted",
            by=by,
            changes={"review_state": ["returned", None]},
            public=False,
        )
    return current


@transaction.atomic
def organisation_verify(*, organisation: Organisation, by: User) -> Organisation:
    """Verify; a registration returned or rejected earlier is verified all the same (the
    administrator changed their mind), and its open decision is closed."""
    require(by, "organisations.verify", organisation)
    before = organisation.verified_at
    organisation.verified_at = timezone.now()
    organisation.verified_by = by
    organisation.review_state = ""
    organisation.review_note = ""
    organisation.save(
        update_fields=["verified_at", "verified_by", "review_state", "review_note", "updated_at"]
    )
    record(
        organisation,
        "verified",
        by=by,
        changes=diff({"verified_at": before}, {"verified_at": organisation.verified_at}),
    )
    return organisation


# Longest note or reason kept (it is mailed and shown to the applicant).
REVIEW_NOTE_MAX = 2000


def _decide_registration(
    *, organisation: Organisation, by: User, text: str, state: str, base_url: str
) -> Organisation:
    require(by, "organisations.verify", organisation)
    text = (text or "").strip()
    if not text:
        message = (
            _(
                "Write a note for the applicant: what to fix before the registration can be "
                "verified."
            )
            if state == Organisation.ReviewState.RETURNED
            else _("Write the reason for the rejection: it is sent to the applicant.")
        )
        raise ValidationError({"reason": message}, code="required")
    if len(text) > REVIEW_NOTE_MAX:
        raise ValidationError(
            {
                "reason": _("Keep it to %(limit)d characters; it has %(count)d.")
                % {"limit": REVIEW_NOTE_MAX, "count": len(text)}
            },
            code="max_length",
        )
    current = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if not current.self_registered:
        raise ValidationError(
            _(
                "Only a registration sent by an applicant can be returned or rejected; this "
                "organisation was added by the administrators or an import."
            ),
            code="not_a_registration",
        )
    if current.verified_at is not None:
        raise ValidationError(
            _("This organisation is verified. Mark it as not verified first."), code="verified"
        )
    if current.review_state:
        raise ValidationError(
            _("This registration has already been returned; it waits for the applicant.")
            if current.is_returned
            else _("This registration has already been rejected."),
            code="decided",
        )
    Organisation.objects.filter(pk=current.pk).update(
        review_state=state,
        review_note=text,
        version=F("version") + 1,  # a profile form open elsewhere is now stale
        updated_at=timezone.now(),
    )
    current.refresh_from_db()
    action = "returned" if state == Organisation.ReviewState.RETURNED else "rejected"
    # The note is between the administrators and the applicant: kept off public pages.
    record(
        current,
        action,
        by=by,
        reason=text,
        changes={"review_state": [None, state]},
        public=False,
    )
    recipients = [
        m.user
        for m in current.memberships.filter(
            state=Membership.State.ACTIVE, role=Membership.Role.ADMIN, user__is_active=True
        ).select_related("user")
    ]
    transaction.on_commit(lambda: _send_decision(current, recipients, base_url))
    return current


@transaction.atomic
def organisation_return(
    *, organisation: Organisation, by: User, note: str, base_url: str = ""
) -> Organisation:
    """Send a registration back to its applicant with a note of what to fix; they edit the
    profile and it comes back for verification (``organisation_update``). Site
    administrators only; recorded in the history and mailed to the organisation's
    administrators (``base_url``, e.g. https://plantrack.mn, makes the mailed link whole)."""
    return _decide_registration(
        organisation=organisation,
        by=by,
        text=note,
        state=Organisation.ReviewState.RETURNED,
        base_url=base_url,
    )


@transaction.atomic
def organisation_reject(
    *, organisation: Organisation, by: User, reason: str, base_url: str = ""
) -> Organisation:
    """Reject a registration with a reason, finally: it leaves the directory and its
    administrators can no longer change it (a site administrator may still verify it).
    Recorded in the history and mailed to the organisation's administrators."""
    return _decide_registration(
        organisation=organisation,
        by=by,
        text=reason,
        state=Organisation.ReviewState.REJECTED,
        base_url=base_url,
    )


def applicant_language(user: User) -> str:
    """The language to write to a person in: theirs if the account keeps one, else
    Mongolian, the site's default."""
    stored = getattr(user, "language", "") or ""
    return stored if stored in dict(settings.LANGUAGES) else "mn"


def _send_decision(organisation: Organisation, recipients: list[User], base_url: str) -> None:
    template = f"organisations/email/{organisation.review_state}"
    for user in recipients:
        with translation.override(applicant_language(user)):
            path = reverse(
                "organisations:edit" if organisation.is_returned else "organisations:detail",
                args=[organisation.slug],
            )
            context = {
                "organisation": organisation,
                "user": user,
                "note": organisation.review_note,
                "url": f"{base_url}{path}",
            }
            subject = render_to_string(f"{template}_subject.txt", context).strip()
            body = render_to_string(f"{template}.txt", context)
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])


@transaction.atomic
def organisation_unverify(*, organisation: Organisation, by: User) -> Organisation:
    require(by, "organisations.verify", organisation)
    before = organisation.verified_at
    organisation.verified_at = None
    organisation.verified_by = None
    organisation.save(update_fields=["verified_at", "verified_by", "updated_at"])
    record(organisation, "unverified", by=by, changes=diff({"verified_at": before}, {}))
    return organisation


@transaction.atomic
def _fresh_for_retirement(organisation: Organisation, version: int | None) -> Organisation:
    current = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if version is not None and current.version != version:
        raise ValidationError(
            _(
                "Someone else changed %(name)s while you were looking at it. Reload the page "
                "to see their changes, then try again."
            )
            % {"name": current.name},
            code="stale",
        )
    return current


def organisation_retire(
    *, organisation: Organisation, reason: str, by: User, version: int | None = None
) -> Organisation:
    """Retire an organisation that closed, merged or should not be listed: it keeps its page
    and history, is shown as retired and reports no more. Imports still find it by its name
    (it is the same body), so a plan that names it shows it as retired."""
    require(by, "organisations.retire", organisation)
    reason = clean_reason(reason)
    current = _fresh_for_retirement(organisation, version)
    if current.retired_at is not None:
        raise ValidationError(
            _("%(name)s is already retired.") % {"name": current.name}, code="retired"
        )
    return set_retired(current, reason=reason, by=by)


@transaction.atomic
def organisation_restore(
    *, organisation: Organisation, by: User, version: int | None = None
) -> Organisation:
    require(by, "organisations.retire", organisation)
    current = _fresh_for_retirement(organisation, version)
    if current.retired_at is None:
        raise ValidationError(
            _("%(name)s is not retired.") % {"name": current.name}, code="not_retired"
        )
    return set_retired(current, reason=None, by=by)


# -- Memberships ---------------------------------------------------------------------------


def _is_last_admin(membership: Membership) -> bool:
    if membership.state != Membership.State.ACTIVE or membership.role != Membership.Role.ADMIN:
        return False
    others = (
        Membership.objects.select_for_update()
        .filter(
            organisation_id=membership.organisation_id,
            state=Membership.State.ACTIVE,
            role=Membership.Role.ADMIN,
        )
        .exclude(pk=membership.pk)
    )
    return not others.exists()


def leaves_no_admin(
    *,
    organisation: Organisation,
    changed: Mapping[int, tuple[str, str] | None],
    added: Iterable[tuple[str, str]] = (),
) -> bool:
    """Would these changes leave an organisation that has an administrator without one?

    ``changed`` maps membership ids to their new (role, state), or None when removed;
    ``added`` lists the (role, state) of new memberships. For doors that change several
    memberships at once (Django admin)."""
    admin = (Membership.Role.ADMIN, Membership.State.ACTIVE)
    current = {
        m.pk: (m.role, m.state)
        for m in Membership.objects.select_for_update().filter(organisation=organisation)
    }
    if admin not in current.values():
        return False
    after = {**current, **changed}
    return admin not in after.values() and admin not in set(added)


def last_admin_error() -> ValidationError:
    return _last_admin_error()


def _last_admin_error() -> ValidationError:
    return ValidationError(
        _(
            "An organisation needs at least one administrator. "
            "Make another member its administrator first."
        ),
        code="last_admin",
    )


def _save(membership: Membership, *, version: int | None = None) -> Membership:
    """Save a membership and bump its version; with ``version`` (what the deciding page
    showed), refuse if someone changed it since."""
    membership.full_clean()
    if membership.pk is None:
        membership.save()
        return membership
    stored = Membership.objects.filter(pk=membership.pk)
    if version is not None:
        stored = stored.filter(version=version)
    fields = ["role", "state", "invited_by", "decided_by", "decided_at"]
    if not stored.update(
        **{name: getattr(membership, name) for name in fields}, version=F("version") + 1
    ):
        raise _stale_error(_("membership"))
    membership.refresh_from_db(fields=["version"])
    return membership


def _existing_membership_error(existing: Membership) -> ValidationError:
    messages = {
        Membership.State.ACTIVE: _("You are already a member of this organisation."),
        Membership.State.REQUESTED: _(
            "You have already asked to join; the organisation's administrators will decide."
        ),
        Membership.State.INVITED: _(
            "You have been invited to this organisation: accept the invitation instead."
        ),
        Membership.State.DECLINED: _(
            "Your earlier request or invitation was declined. "
            "Contact the organisation to be invited again."
        ),
    }
    return ValidationError(messages[Membership.State(existing.state)], code="exists")


@transaction.atomic
def membership_request(*, organisation: Organisation, user: User) -> Membership:
    """Ask to join; the organisation's administrators approve or decline."""
    existing = Membership.objects.filter(user=user, organisation=organisation).first()
    if existing is None:
        try:
            require(user, "organisations.join", organisation)
        except PermissionDenied:
            # A request sent at the same moment may have landed since the first look.
            existing = Membership.objects.filter(user=user, organisation=organisation).first()
            if existing is None:
                raise
    if existing is not None:
        raise _existing_membership_error(existing)
    membership = Membership(
        user=user,
        organisation=organisation,
        role=Membership.Role.MEMBER,
        state=Membership.State.REQUESTED,
    )
    membership.full_clean(validate_constraints=False)
    try:
        # A request sent twice at once: the second meets the one-per-person constraint.
        with transaction.atomic():
            membership.save()
    except IntegrityError as exc:
        raise ValidationError(
            _("You have already asked to join; the organisation's administrators will decide."),
            code="exists",
        ) from exc
    _record_membership(membership, "requested", user, changes={"state": [None, "requested"]})
    return membership


@transaction.atomic
def membership_decide(
    *, membership: Membership, by: User, approve: bool, version: int | None = None
) -> Membership:
    require(by, "organisations.change", membership.organisation)
    if membership.state != Membership.State.REQUESTED:
        raise ValidationError(_("This request has already been decided."), code="decided")
    membership.state = Membership.State.ACTIVE if approve else Membership.State.DECLINED
    membership.decided_by = by
    membership.decided_at = timezone.now()
    _save(membership, version=version)
    changes = {"state": ["requested", membership.state]}
    _record_membership(membership, "approved" if approve else "declined", by, changes=changes)
    return membership


def _send_invitation(membership: Membership, invitations_url: str) -> None:
    context = {"membership": membership, "url": invitations_url}
    subject = render_to_string("organisations/email/invitation_subject.txt", context).strip()
    body = render_to_string("organisations/email/invitation.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [membership.user.email])


@transaction.atomic
def membership_invite(
    *,
    organisation: Organisation,
    email: str,
    role: str,
    by: User,
    invitations_url: str = "",
    ip: str = "",
) -> Membership | None:
    """Invite an existing account by its email address.

    Returns None when no account has that address; the caller shows the same message
    either way, so the form does not reveal who has an account. With ``invitations_url``
    the invited person is told by email where to accept. Invitations count against the
    same mail limits as sign-up and password reset, and only verified organisations send
    them (an unregistered stranger could otherwise probe addresses and send mail in any
    name they chose).
    """
    from plantrack.accounts.services import mail_quota_take

    require(by, "organisations.change", organisation)
    if role not in Membership.Role.values:
        raise ValidationError({"role": _("Choose a role.")})
    if organisation.self_registered and organisation.verified_at is None:
        raise ValidationError(
            _(
                "Your organisation can invite people once a site administrator has verified "
                "it. Until then, ask them to find it in the directory and request to join."
            ),
            code="unverified",
        )
    mail_quota_take(email=email, ip=ip)
    user = User.objects.filter(
        email__iexact=email.strip(), is_active=True, deleted_at__isnull=True
    ).first()
    if user is None:
        return None
    membership = Membership.objects.filter(user=user, organisation=organisation).first()
    if membership is not None and membership.state == Membership.State.ACTIVE:
        return membership
    if membership is not None and membership.state == Membership.State.REQUESTED:
        # They asked, and an administrator now invites them: both sides agree.
        membership.state = Membership.State.ACTIVE
        membership.role = role
        membership.decided_by = by
        membership.decided_at = timezone.now()
        _save(membership)
        changes = {"state": ["requested", "active"], "role": [None, role]}
        _record_membership(membership, "approved", by, changes=changes)
        return membership
    previous = membership.state if membership is not None else None
    if membership is None:
        membership = Membership(user=user, organisation=organisation)
    membership.state = Membership.State.INVITED
    membership.role = role
    membership.invited_by = by
    membership.decided_by = None
    membership.decided_at = None
    _save(membership)
    changes = {"state": [previous, "invited"], "role": [None, role]}
    _record_membership(membership, "invited", by, changes=changes)
    if invitations_url:
        transaction.on_commit(lambda: _send_invitation(membership, invitations_url))
    return membership


@transaction.atomic
def membership_respond(*, membership: Membership, user: User, accept: bool) -> Membership:
    """The invited person accepts or declines their invitation."""
    if membership.user_id != user.pk:
        raise PermissionDenied("Only the invited person answers an invitation.")
    if membership.state != Membership.State.INVITED:
        raise ValidationError(_("This invitation has already been answered."), code="answered")
    membership.state = Membership.State.ACTIVE if accept else Membership.State.DECLINED
    membership.decided_by = user
    membership.decided_at = timezone.now()
    _save(membership)
    changes = {"state": ["invited", membership.state]}
    _record_membership(membership, "accepted" if accept else "declined", user, changes=changes)
    return membership


@transaction.atomic
def membership_set_role(
    *, membership: Membership, role: str, by: User, version: int | None = None
) -> Membership:
    require(by, "organisations.change", membership.organisation)
    if role not in Membership.Role.values:
        raise ValidationError({"role": _("Choose a role.")})
    if membership.state not in (Membership.State.ACTIVE, Membership.State.INVITED):
        raise ValidationError(_("Only members and invited people have a role."), code="state")
    if role != Membership.Role.ADMIN and _is_last_admin(membership):
        raise _last_admin_error()
    before = membership.role
    membership.role = role
    _save(membership, version=version)
    if before != role:
        _record_membership(membership, "role_changed", by, changes={"role": [before, role]})
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, by: User) -> None:
    """Remove a member, withdraw an invitation or request; a member may remove themselves."""
    if membership.user_id != by.pk:
        require(by, "organisations.change", membership.organisation)
    if _is_last_admin(membership):
        raise _last_admin_error()
    changes = {"state": [membership.state, None], "role": [membership.role, None]}
    _record_membership(membership, "removed", by, changes=changes)
    membership.delete()
