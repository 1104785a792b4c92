"""Every write of participation: consultations and their draft, inputs, supports,
co-signatures, official responses and the "answered" rule. Keyword-only, atomic, one history
event each (``plantrack.history.services.record``); the rules live here so that pages, the
CLI and tests meet the same ones.

Decisions (issue 13):
- Inputs are taken only while the consultation is open; an input is edited by its author
  until the consultation closes (the earlier text kept as an ``InputRevision``; a stale
  ``version`` refused).
- Official responses are published by the plan's managers (site administrators for a
  consultation without a plan) once the consultation has closed. One response may answer
  several inputs (bulk); an input answered once is not answered again.
- The answered rule: every comment and proposal — hidden ones too (a moderated input was
  still sent and is still owed an answer; "out of scope" is one) — must have a published
  response before ``consultation_mark_answered``. Replies are discussion and need none
  (they may still be answered).
- Double submits: an input sent with a form token is stored once per author and token
  (database constraint); the repeat returns the first one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import formats, timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from plantrack.history.services import record
from plantrack.lib import ratelimit
from plantrack.organisations.models import Organisation
from plantrack.plans.importers import limits as import_limits
from plantrack.plans.importers import sandbox
from plantrack.plans.importers.document import Document
from plantrack.plans.importers.document import Paragraph as DocParagraph
from plantrack.plans.importers.mapping import text_language
from plantrack.plans.importers.reader import read_document_bytes
from plantrack.plans.models import Item, Plan

from . import permissions as perms
from .attachments import attachment_check
from .models import (
    Consultation,
    Cosignature,
    Input,
    InputRevision,
    Paragraph,
    Response,
    ResponseItemLink,
    ResponseParagraphLink,
    Section,
    Support,
)

MAX_BODY_CHARS = 10_000
MAX_TITLE_CHARS = 300
MAX_PARAGRAPHS = 2_000
MAX_PARAGRAPH_CHARS = 20_000
CONSULTATION_FIELDS = (
    "title_mn",
    "title_en",
    "summary_mn",
    "summary_en",
    "subject",
    "eligibility",
    "opens_at",
    "closes_at",
    "answers_due",
)


def _event(obj: Any, action: str, *, by: Any, consultation: Consultation, **extra: Any) -> None:
    if isinstance(obj, Input):
        # Named by number, never by its words: the history is public and append-only, and
        # a moderator may hide the input later (personal data).
        extra.setdefault("label", f"{consultation.slug} #{obj.pk}")
    record(obj, action, by=by, plan_id=consultation.plan_id, **extra)


# Consultations -----------------------------------------------------------------------


def check_dates(opens_at: dt.datetime, closes_at: dt.datetime, answers_due: dt.date) -> None:
    errors: dict[str, list[str]] = {}
    if opens_at >= closes_at:
        errors["closes_at"] = [_("The consultation must close after it opens.")]
    elif answers_due < timezone.localdate(closes_at):
        errors["answers_due"] = [
            _("The promised answer date cannot be before the consultation closes.")
        ]
    if errors:
        raise ValidationError(errors)


def _check_texts(values: dict[str, Any]) -> None:
    if not (values.get("title_mn") or "").strip() and not (values.get("title_en") or "").strip():
        raise ValidationError({"title_mn": [_("Give a title in Mongolian or English.")]})


def _unique_slug(base: str) -> str:
    base = slugify(base)[:80] or "consultation"
    slug, n = base, 2
    while Consultation.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def consultation_create(
    *,
    by: Any,
    plan: Plan | None,
    title_mn: str = "",
    title_en: str = "",
    summary_mn: str = "",
    summary_en: str = "",
    subject: str = Consultation.Subject.TEXT,
    eligibility: str = Consultation.Eligibility.ACCOUNTS,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    answers_due: dt.date,
    slug: str = "",
) -> Consultation:
    """A consultation on ``plan`` (its managers) or on a text (``plan`` None: site
    administrators and plan managers)."""
    if not perms.can_create_consultation(by, plan):
        raise PermissionDenied(_("Only this plan's managers may open a consultation on it."))
    values = {"title_mn": title_mn.strip(), "title_en": title_en.strip()}
    _check_texts(values)
    check_dates(opens_at, closes_at, answers_due)
    if subject not in Consultation.Subject.values:
        raise ValidationError({"subject": [_("Choose what is consulted on.")]})
    if eligibility not in Consultation.Eligibility.values:
        raise ValidationError({"eligibility": [_("Choose who may take part.")]})
    consultation = Consultation.objects.create(
        plan=plan,
        slug=_unique_slug(slug or title_en or title_mn),
        title_mn=values["title_mn"],
        title_en=values["title_en"],
        summary_mn=summary_mn.strip(),
        summary_en=summary_en.strip(),
        subject=subject,
        eligibility=eligibility,
        opens_at=opens_at,
        closes_at=closes_at,
        answers_due=answers_due,
        created_by=by,
    )
    _event(consultation, "created", by=by, consultation=consultation)
    return consultation


@transaction.atomic
def consultation_update(
    *, consultation: Consultation, by: Any, version: int | None = None, **fields: Any
) -> Consultation:
    """Change a consultation's texts, eligibility and dates; a stale ``version`` is refused."""
    if not perms.can_manage_consultation(by, consultation):
        raise PermissionDenied(_("Only this plan's managers may change the consultation."))
    unknown = set(fields) - set(CONSULTATION_FIELDS)
    if unknown:
        raise TypeError(f"unknown consultation fields: {sorted(unknown)}")
    before = {name: getattr(consultation, name) for name in fields}
    for name, value in fields.items():
        setattr(consultation, name, value.strip() if isinstance(value, str) else value)
    _check_texts({"title_mn": consultation.title_mn, "title_en": consultation.title_en})
    check_dates(consultation.opens_at, consultation.closes_at, consultation.answers_due)
    _check_date_moves(consultation, before)
    changed = {
        name: [_plain(before[name]), _plain(getattr(consultation, name))]
        for name in fields
        if before[name] != getattr(consultation, name)
    }
    if not changed:
        return consultation
    expected = consultation.version if version is None else version
    updated = Consultation.objects.filter(pk=consultation.pk, version=expected).update(
        version=F("version") + 1, **{name: getattr(consultation, name) for name in changed}
    )
    if not updated:
        raise ValidationError(
            _("Someone changed this consultation meanwhile; open it again and redo your change.")
        )
    consultation.version = expected + 1
    _event(consultation, "changed", by=by, consultation=consultation, changes=changed)
    return consultation


def _check_date_moves(consultation: Consultation, before: dict[str, Any]) -> None:
    """Dates that may no longer move: the opening once inputs came in (not to later than
    now), the opening and closing once an official answer is published or the consultation
    is marked answered (answers were given to what was sent until then), and a promised
    answer date that has passed (its overdue inputs are counted in public)."""

    def moved(name: str) -> bool:
        return name in before and before[name] != getattr(consultation, name)

    errors: dict[str, list[str]] = {}
    answered = (
        consultation.answered_at is not None
        or Response.objects.filter(consultation=consultation, published_at__isnull=False).exists()
    )
    if answered:
        for name in ("opens_at", "closes_at"):
            if moved(name):
                errors[name] = [
                    _("Official answers are published: the opening and closing can no longer move.")
                ]
    elif (
        moved("opens_at")
        and consultation.opens_at > timezone.now()
        and consultation.inputs.exists()
    ):
        errors["opens_at"] = [
            _("The consultation has inputs already: it cannot open later than now.")
        ]
    if moved("answers_due") and before["answers_due"] < timezone.localdate():
        errors["answers_due"] = [
            _(
                "The promised answer date has passed and the overdue inputs are counted in "
                "public: it can no longer be moved."
            )
        ]
    if errors:
        raise ValidationError(errors)


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date | dt.datetime) else value


# The draft text ----------------------------------------------------------------------


def _refuse_redraft(consultation: Consultation) -> None:
    if consultation.inputs.exists():
        raise ValidationError(
            _("This consultation has inputs already; its draft text can no longer be replaced.")
        )


def _item_text(item: Item, lang: str) -> str:
    title = getattr(item, f"title_{lang}") or ""
    body = getattr(item, f"body_{lang}", "") or ""
    return "\n\n".join(part for part in (f"{item.code} {title}".strip(), body) if part.strip())


@transaction.atomic
def consultation_draft_from_items(
    *, consultation: Consultation, by: Any, root: Item
) -> list[Section]:
    """The draft from a subtree of the consultation's plan: the root and each of its parts
    with parts of their own become chapters; every item a paragraph linked to it."""
    if not perms.can_manage_consultation(by, consultation):
        raise PermissionDenied(_("Only this plan's managers may change the consultation."))
    if consultation.plan_id is None or root.plan_id != consultation.plan_id:
        raise ValidationError({"root": [_("Choose an item of the consultation's plan.")]})
    _refuse_redraft(consultation)
    items = list(
        Item.objects.filter(plan_id=root.plan_id, path__startswith=root.path, retired_at=None)
        .order_by("path")
        .only("pk", "code", "path", "parent_id", "title_mn", "title_en", "body_mn", "body_en")
    )
    if len(items) > MAX_PARAGRAPHS:
        raise ValidationError(
            {"root": [_("Choose a smaller part: at most %(n)s items.") % {"n": MAX_PARAGRAPHS}]}
        )
    parents = {item.parent_id for item in items}
    used: set[str] = set()

    def anchor(prefix: str, code: str, n: int) -> str:
        base = f"{prefix}-{slugify(code.replace('.', '-'))[:50] or n}"
        found, k = base, 2
        while found in used:
            found, k = f"{base}-{k}", k + 1
        used.add(found)
        return found

    consultation.sections.all().delete()
    sections: list[Section] = []
    paragraphs: list[Paragraph] = []
    current: Section | None = None
    for item in items:
        if item.pk == root.pk or (item.pk in parents and item.parent_id == root.pk):
            current = Section(
                consultation=consultation,
                position=len(sections),
                anchor=anchor("ch", item.code, len(sections) + 1),
                title_mn=f"{item.code} {item.title_mn}".strip() if item.title_mn else "",
                title_en=f"{item.code} {item.title_en}".strip() if item.title_en else "",
                item=item,
            )
            sections.append(current)
        assert current is not None
        paragraphs.append(
            Paragraph(
                section=current,
                consultation=consultation,
                position=len(paragraphs),
                anchor=anchor("p", item.code, len(paragraphs) + 1),
                text_mn=_item_text(item, "mn") if item.title_mn else "",
                text_en=_item_text(item, "en") if item.title_en else "",
                item=item,
            )
        )
    Section.objects.bulk_create(sections)
    Paragraph.objects.bulk_create(paragraphs)
    Consultation.objects.filter(pk=consultation.pk).update(source_item=root, source_name="")
    consultation.source_item = root
    _event(
        consultation,
        "changed",
        by=by,
        consultation=consultation,
        item_id=root.pk,
        changes={"draft": [None, f"{root.code}: {len(sections)} / {len(paragraphs)}"]},
        reason=_("Draft taken from the plan's items"),
    )
    return sections


def _read_document(data: bytes, limits: import_limits.Limits) -> Document:
    return read_document_bytes(data, limits)


def _blocks_to_draft(document: Document) -> list[tuple[str, list[str]]]:
    """Chapters (title, paragraphs) from a document's blocks: a heading opens a chapter."""
    chapters: list[tuple[str, list[str]]] = []
    for block in document.blocks:
        if isinstance(block, DocParagraph):
            text = block.text.strip()
            if not text or block.role in ("contents", "footnote"):
                continue
            if block.heading is not None:
                chapters.append((text, []))
                continue
        else:
            text = "\n".join(" | ".join(c.strip() for c in row) for row in block.rows).strip()
            if not text:
                continue
        if not chapters:
            chapters.append(("", []))
        chapters[-1][1].append(text)
    return [(title, texts) for title, texts in chapters if texts or title]


def consultation_draft_import(
    *, consultation: Consultation, by: Any, data: bytes, name: str
) -> list[Section]:
    """The draft from a Markdown/TXT/DOCX/ODT/PDF file, read by the plan importers' general
    reader in their sandbox and within their limits: headings become chapters, the text
    under them paragraphs. A refusal is a ValidationError keyed ``file``."""
    if not perms.can_manage_consultation(by, consultation):
        raise PermissionDenied(_("Only this plan's managers may change the consultation."))
    limits = import_limits.current()
    try:
        import_limits.check_upload_size(len(data), limits)
    except Exception as exc:
        raise ValidationError({"file": [str(exc)]}) from exc
    outcome = sandbox.run(partial(_read_document), data, limits)  # type: ignore[arg-type]
    if outcome.refusal or outcome.plan is None:
        raise ValidationError(
            {
                "file": [
                    _("“%(name)s” could not be read: %(reason)s.")
                    % {"name": name, "reason": outcome.refusal or _("no text found")}
                ]
            }
        )
    document: Any = outcome.plan
    chapters = _blocks_to_draft(document)
    count = sum(len(texts) for _t, texts in chapters)
    if not count:
        raise ValidationError({"file": [_("“%(name)s” holds no paragraphs.") % {"name": name}]})
    if count > MAX_PARAGRAPHS:
        raise ValidationError(
            {"file": [_("A draft holds at most %(n)s paragraphs.") % {"n": MAX_PARAGRAPHS}]}
        )
    longest = max(len(text) for _t, texts in chapters for text in texts)
    if longest > MAX_PARAGRAPH_CHARS:
        raise ValidationError(
            {
                "file": [
                    _(
                        "“%(name)s” has a paragraph of %(found)s characters; a draft paragraph "
                        "holds at most %(n)s. Separate the paragraphs with empty lines or "
                        "headings (a text with an empty line after every line is read as one "
                        "paragraph)."
                    )
                    % {"name": name, "found": longest, "n": MAX_PARAGRAPH_CHARS}
                ]
            }
        )
    return _store_draft(consultation=consultation, by=by, chapters=chapters, name=name)


@transaction.atomic
def _store_draft(
    *, consultation: Consultation, by: Any, chapters: list[tuple[str, list[str]]], name: str
) -> list[Section]:
    _refuse_redraft(consultation)
    sample = " ".join(title for title, _texts in chapters) + " ".join(
        text for _title, texts in chapters[:3] for text in texts[:5]
    )
    lang = text_language([], sample)
    consultation.sections.all().delete()
    sections: list[Section] = []
    paragraphs: list[Paragraph] = []
    for number, (title, texts) in enumerate(chapters, start=1):
        section = Section(
            consultation=consultation,
            position=number - 1,
            anchor=f"ch-{number}",
            **{f"title_{lang}": title[:2000] or _("Chapter %(n)s") % {"n": number}},
        )
        sections.append(section)
        for index, text in enumerate(texts, start=1):
            paragraphs.append(
                Paragraph(
                    section=section,
                    consultation=consultation,
                    position=len(paragraphs),
                    anchor=f"p-{number}-{index}",
                    **{f"text_{lang}": text},
                )
            )
    Section.objects.bulk_create(sections)
    Paragraph.objects.bulk_create(paragraphs)
    Consultation.objects.filter(pk=consultation.pk).update(source_item=None, source_name=name[:200])
    consultation.source_name = name[:200]
    _event(
        consultation,
        "changed",
        by=by,
        consultation=consultation,
        changes={"draft": [None, f"{name[:100]}: {len(sections)} / {len(paragraphs)}"]},
        reason=_("Draft imported from a document"),
    )
    return sections


# Inputs ------------------------------------------------------------------------------


def _require_open(consultation: Consultation) -> None:
    if not consultation.is_open:
        raise ValidationError(
            _("This consultation is not open for input (it is %(phase)s).")
            % {"phase": consultation.phase_label.lower()}
        )


def _require_raised_while_open(consultation: Consultation, raised_at: dt.datetime) -> None:
    if consultation.answered_at is not None:
        raise ValidationError(
            _("This consultation has been answered; no more inputs can be recorded in it.")
        )
    if not consultation.opens_at <= raised_at < consultation.closes_at:
        raise ValidationError(
            _(
                "An input raised at a meeting counts if the meeting took place while the "
                "consultation was open (%(opens)s – %(closes)s)."
            )
            % {
                "opens": formats.date_format(timezone.localtime(consultation.opens_at)),
                "closes": formats.date_format(timezone.localtime(consultation.closes_at)),
            }
        )


def _require_participant(consultation: Consultation, by: Any) -> None:
    if not perms.can_take_part(by, consultation):
        if perms.is_blocked(by):
            raise PermissionDenied(_("Your account is blocked from taking part."))
        raise PermissionDenied(_("Sign in to take part."))


def _check_organisation(consultation: Consultation, by: Any, organisation: Organisation | None):
    if organisation is None:
        if consultation.eligibility == Consultation.Eligibility.VERIFIED_ORGANISATIONS:
            raise ValidationError(
                {
                    "organisation": [
                        _(
                            "Only verified organisations take part in this consultation: "
                            "choose the organisation you write for."
                        )
                    ]
                }
            )
        return
    if organisation.pk not in perms.organisations_for(by):
        raise ValidationError(
            {
                "organisation": [
                    _(
                        "You may write on behalf of a verified organisation only if you are "
                        "one of its active members."
                    )
                ]
            }
        )


def _clean_text(title: str, body: str, *, kind: str, has_file: bool) -> tuple[str, str]:
    title, body = title.strip(), body.strip()
    errors: dict[str, list[str]] = {}
    if kind == Input.Kind.PROPOSAL and not title:
        errors["title"] = [_("Give the proposal a title.")]
    if len(title) > MAX_TITLE_CHARS:
        errors["title"] = [_("The title is longer than %(n)s characters.") % {"n": MAX_TITLE_CHARS}]
    if not body and not has_file:
        errors["body"] = [_("Write your input, or attach a recording or a document.")]
    if len(body) > MAX_BODY_CHARS:
        errors["body"] = [
            _("The text is longer than %(n)s characters; shorten it or attach a document.")
            % {"n": MAX_BODY_CHARS}
        ]
    if errors:
        raise ValidationError(errors)
    return title, body


def rate_take(action: str, *, user: Any, ip: str = "") -> None:
    """Count one participation ``action`` ("input", "support" or "flag") by ``user`` from
    ``ip``; raises ``plantrack.lib.ratelimit.RateLimited`` (views answer 429) past the caps
    in ``settings.PLANTRACK_RATE_LIMITS``."""
    words = {"input": _("inputs"), "support": _("supports"), "flag": _("flags")}
    ratelimit.take(f"participation.{action}", what=words.get(action, action), user=user, ip=ip)


def input_create(
    *,
    consultation: Consultation,
    by: Any,
    kind: str = Input.Kind.COMMENT,
    body: str = "",
    title: str = "",
    paragraph: Paragraph | None = None,
    parent: Input | None = None,
    organisation: Organisation | None = None,
    item: Item | None = None,
    attachment: Any = None,
    token: str = "",
    ip: str = "",
    raised_at: dt.datetime | None = None,
) -> Input:
    """A comment (on ``paragraph`` or the whole draft), a proposal (title, body, the plan
    item it concerns) or a reply to ``parent`` (one level deep), while the consultation is
    open. A repeat with the same ``token`` returns the input stored the first time.

    ``raised_at``: an input raised offline (at a meeting) and recorded by its organiser: it
    counts when it was raised while the consultation was open, even if it has closed since,
    until the consultation is marked answered; the organiser's recording is not rate-limited."""
    if token and getattr(by, "pk", None):
        first = Input.objects.filter(author=by, submit_token=token).first()
        if first is not None:
            return first
    _require_participant(consultation, by)
    if raised_at is None:
        _require_open(consultation)
    else:
        _require_raised_while_open(consultation, raised_at)
    if kind not in Input.Kind.values:
        raise ValidationError({"kind": [_("Choose a comment, a proposal or a reply.")]})
    if paragraph is not None and paragraph.consultation_id != consultation.pk:
        raise ValidationError({"paragraph": [_("That paragraph is not in this consultation.")]})
    if kind == Input.Kind.REPLY:
        if parent is None or parent.consultation_id != consultation.pk:
            raise ValidationError({"parent": [_("Reply to an input of this consultation.")]})
        if parent.parent_id is not None:
            raise ValidationError({"parent": [_("Replies go one level deep: reply to the input.")]})
        if parent.is_hidden:
            raise ValidationError({"parent": [_("This input was hidden by a moderator.")]})
        paragraph = parent.paragraph
    elif parent is not None:
        raise ValidationError({"parent": [_("Only a reply answers another input.")]})
    if kind == Input.Kind.PROPOSAL:
        if item is not None and item.plan_id != consultation.plan_id:
            raise ValidationError({"item": [_("Choose an item of the consultation's plan.")]})
    else:
        item = None
    _check_organisation(consultation, by, organisation)
    title, body = _clean_text(title, body, kind=kind, has_file=attachment is not None)
    checked = attachment_check(attachment) if attachment is not None else None
    if raised_at is None:
        rate_take("input", user=by, ip=ip)
    try:
        with transaction.atomic():
            created = Input(
                consultation=consultation,
                paragraph=paragraph,
                kind=kind,
                parent=parent,
                author=by,
                organisation=organisation,
                item=item,
                title=title,
                body=body,
                submit_token=token[:64],
            )
            if checked is not None:
                created.attachment_name = checked.name
                created.attachment_type = checked.kind.content_type
                created.attachment_size = len(checked.data)
                created.attachment_sha256 = checked.sha256
                created.attachment.save(
                    f"{checked.sha256}{checked.extension}", ContentFile(checked.data), save=False
                )
            created.save()
            _event(
                created,
                "created",
                by=by,
                consultation=consultation,
                organisation=organisation,
                item_id=item.pk if item else (paragraph.item_id if paragraph else None),
                changes={"kind": [None, kind], "consultation": [None, consultation.slug]},
            )
    except IntegrityError:
        first = Input.objects.filter(author=by, submit_token=token).first() if token else None
        if first is None:
            raise
        return first
    return created


@transaction.atomic
def input_edit(*, input: Input, by: Any, version: int, title: str = "", body: str = "") -> Input:
    """The author changes their input until the consultation closes; the earlier text is
    kept; a stale ``version`` is refused."""
    consultation = input.consultation
    if input.author_id != getattr(by, "pk", None):
        raise PermissionDenied(_("Only the input's author may edit it."))
    if perms.is_blocked(by):
        raise PermissionDenied(_("Your account is blocked from taking part."))
    if input.is_hidden or Input.objects.filter(pk=input.pk, hidden_at__isnull=False).exists():
        raise ValidationError(
            _("A moderator hid this input: it can no longer be edited, only restored by them.")
        )
    if not perms.can_edit_input(by, input):
        raise ValidationError(_("The consultation has closed: inputs can no longer be edited."))
    title, body = _clean_text(title, body, kind=input.kind, has_file=bool(input.attachment))
    if title == input.title and body == input.body:
        return input
    now = timezone.now()
    updated = Input.objects.filter(pk=input.pk, version=version).update(
        title=title, body=body, edited_at=now, version=F("version") + 1
    )
    if not updated:
        raise ValidationError(
            _("This input was changed meanwhile (in another window?); open it again.")
        )
    InputRevision.objects.create(input=input, title=input.title, body=input.body, edited_by=by)
    # The texts stay out of the (public, append-only) history: a moderator may hide the
    # input later, and its earlier text is kept in ``InputRevision``, shown with the input.
    changes = {
        "version": [version, version + 1],
        "characters": [len(input.title) + len(input.body), len(title) + len(body)],
    }
    input.title, input.body, input.edited_at, input.version = title, body, now, version + 1
    _event(input, "changed", by=by, consultation=consultation, changes=changes)
    return input


def support_add(*, input: Input, by: Any, ip: str = "") -> Support:
    """One support per person, not for one's own input, while the consultation is open."""
    consultation = input.consultation
    _require_participant(consultation, by)
    _require_open(consultation)
    if input.author_id == by.pk:
        raise ValidationError(_("You cannot support your own input."))
    if input.is_hidden:
        raise ValidationError(_("This input was hidden by a moderator."))
    existing = Support.objects.filter(input=input, user=by).first()
    if existing is not None:
        return existing
    rate_take("support", user=by, ip=ip)
    try:
        with transaction.atomic():
            support = Support.objects.create(input=input, user=by)
            _event(support, "added", by=by, consultation=consultation, public=False)
    except IntegrityError:
        return Support.objects.get(input=input, user=by)
    return support


@transaction.atomic
def support_withdraw(*, input: Input, by: Any) -> bool:
    """Withdraw one's support while the consultation is open."""
    _require_open(input.consultation)
    support = Support.objects.filter(input=input, user=by).first()
    if support is None:
        return False
    _event(support, "removed", by=by, consultation=input.consultation, public=False)
    support.delete()
    return True


def cosign_add(*, input: Input, organisation: Organisation, by: Any) -> Cosignature:
    """A verified organisation co-signs another's input, by one of its active members,
    while the consultation is open."""
    consultation = input.consultation
    _require_participant(consultation, by)
    _require_open(consultation)
    if organisation.pk not in perms.organisations_for(by):
        raise PermissionDenied(
            _("Only an active member of a verified organisation may co-sign for it.")
        )
    if input.organisation_id == organisation.pk:
        raise ValidationError(_("This input was sent on behalf of that organisation already."))
    if input.kind == Input.Kind.REPLY or input.is_hidden:
        raise ValidationError(_("Only a visible comment or proposal can be co-signed."))
    existing = Cosignature.objects.filter(input=input, organisation=organisation).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            signature = Cosignature.objects.create(
                input=input, organisation=organisation, signed_by=by
            )
            _event(signature, "added", by=by, consultation=consultation, organisation=organisation)
    except IntegrityError:
        return Cosignature.objects.get(input=input, organisation=organisation)
    return signature


# Official responses ------------------------------------------------------------------


def needs_response(consultation: Consultation) -> Any:
    """The inputs the answered rule counts: every comment and proposal (hidden ones too)
    without a published response."""
    return consultation.inputs.exclude(kind=Input.Kind.REPLY).filter(
        response__published_at__isnull=True
    )


@transaction.atomic
def response_publish(
    *,
    inputs: Sequence[Input],
    by: Any,
    status: str,
    explanation_mn: str = "",
    explanation_en: str = "",
    responding_body: Organisation | None = None,
    responding_body_name: str = "",
    responded_on: dt.date | None = None,
    items: Iterable[Item] = (),
    paragraphs: Iterable[Paragraph] = (),
) -> Response:
    """One official response to one input or to several (bulk, each still listed with it),
    published now, and its notices. Only after the consultation closed, by its plan's
    managers (site administrators)."""
    if not inputs:
        raise ValidationError({"inputs": [_("Choose at least one input to answer.")]})
    consultation = inputs[0].consultation
    if not perms.can_respond(by, consultation):
        raise PermissionDenied(_("Only the plan's managers may answer its consultation."))
    errors: dict[str, list[str]] = {}
    if any(i.consultation_id != consultation.pk for i in inputs):
        errors["inputs"] = [_("Every input answered together must be in the same consultation.")]
    if not consultation.has_closed:
        errors["inputs"] = [_("Inputs are answered once the consultation has closed.")]
    pks = [i.pk for i in inputs]
    # Lock the inputs so two managers answering at once cannot both succeed: on PostgreSQL
    # the second waits and then finds them answered; SQLite lets one writer in at a time.
    list(Input.objects.select_for_update().filter(pk__in=pks).order_by("pk").values_list("pk"))
    answered = list(
        Input.objects.filter(pk__in=pks, response__published_at__isnull=False).values_list(
            "pk", flat=True
        )
    )
    if answered:
        errors["inputs"] = [
            _("Already answered: input %(ids)s.") % {"ids": ", ".join(f"#{pk}" for pk in answered)}
        ]
    if status not in Response.Status.values:
        errors["status"] = [_("Choose the response's status.")]
    if not explanation_mn.strip() and not explanation_en.strip():
        errors["explanation_mn"] = [
            _("Explain the response (in Mongolian or English); every status needs a reason.")
        ]
    if responded_on is not None and responded_on > timezone.localdate():
        errors["responded_on"] = [_("The response's date cannot be in the future.")]
    if responding_body is None and not responding_body_name.strip():
        errors["responding_body"] = [_("Name the body that responds.")]
    items, paragraphs = list(items), list(paragraphs)
    if any(item.plan_id != consultation.plan_id for item in items):
        errors["items"] = [_("Link only items of the consultation's plan.")]
    if any(p.consultation_id != consultation.pk for p in paragraphs):
        errors["paragraphs"] = [_("Link only paragraphs of this consultation.")]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    response = Response.objects.create(
        consultation=consultation,
        status=status,
        explanation_mn=explanation_mn.strip(),
        explanation_en=explanation_en.strip(),
        responding_body=responding_body,
        responding_body_name=responding_body_name.strip()[:300],
        responded_on=responded_on or timezone.localdate(now),
        published_at=now,
        created_by=by,
    )
    ResponseItemLink.objects.bulk_create(
        [
            ResponseItemLink(response=response, item=item)
            for item in {i.pk: i for i in items}.values()
        ]
    )
    ResponseParagraphLink.objects.bulk_create(
        [
            ResponseParagraphLink(response=response, paragraph=p)
            for p in {p.pk: p for p in paragraphs}.values()
        ]
    )
    Input.objects.filter(pk__in=pks).update(response=response)
    for i in inputs:
        i.response = response
    _event(
        response,
        "published",
        by=by,
        consultation=consultation,
        item_id=items[0].pk if len(items) == 1 else None,
        changes={
            "status": [None, status],
            "inputs": [None, pks],
            "items": [None, [item.code for item in items]],
            "paragraphs": [None, [p.anchor for p in paragraphs]],
        },
    )
    from .notify import response_notify

    response_notify(response=response, inputs=list(inputs), by=by)
    return response


@transaction.atomic
def consultation_mark_answered(*, consultation: Consultation, by: Any) -> Consultation:
    """Mark a closed consultation answered; refused while any comment or proposal lacks a
    published response, naming how many."""
    if not perms.can_respond(by, consultation):
        raise PermissionDenied(_("Only the plan's managers may answer its consultation."))
    if not consultation.has_closed:
        raise ValidationError(_("The consultation has not closed yet."))
    if consultation.answered_at is not None:
        return consultation
    missing = needs_response(consultation).count()
    if missing:
        raise ValidationError(
            _(
                "%(n)s input(s) still have no published response; answer every input before "
                "marking the consultation answered."
            )
            % {"n": missing}
        )
    now = timezone.now()
    Consultation.objects.filter(pk=consultation.pk).update(answered_at=now)
    consultation.answered_at = now
    _event(
        consultation,
        "changed",
        by=by,
        consultation=consultation,
        changes={"answered_at": [None, now.isoformat()]},
        reason=_("Every input answered"),
    )
    return consultation


@transaction.atomic
def consultation_close_with_report(*, consultation: Consultation, by: Any) -> Consultation:
    """Close an answered consultation with its final report (``final_report_at``)."""
    if not perms.can_respond(by, consultation):
        raise PermissionDenied(_("Only the plan's managers may answer its consultation."))
    if consultation.answered_at is None:
        raise ValidationError(_("Mark the consultation answered before its final report."))
    if consultation.final_report_at is not None:
        return consultation
    now = timezone.now()
    Consultation.objects.filter(pk=consultation.pk).update(final_report_at=now)
    consultation.final_report_at = now
    _event(
        consultation,
        "published",
        by=by,
        consultation=consultation,
        changes={"final_report_at": [None, now.isoformat()]},
        reason=_("Final report"),
    )
    return consultation
