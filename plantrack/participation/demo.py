"""The demo's consultations (issue 13), written through the participation services:

- an answered one on a revision of Vision 2050 objective 7.3 (its first stage's expected
  results as the draft): citizens' comments, a proposal by a disability federation
  co-signed by two other organisations, a reply, supports, an input hidden by a moderator
  for personal data; every input answered (accepted, partly, not accepted, noted, out of
  scope; one bulk answer), the changed items and paragraphs linked; marked answered and
  closed with its final report;
- an open one on the DICE roadmap's second area, with a few inputs and supports.

Deterministic: fixed texts and people, dates relative to today. The services stamp
inputs and answers with the moment they run; the demo then moves those stamps back into
the consultation's open and answering periods (as if it had happened over weeks), so the
statistics show real days to answer. Running the demo again adds nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from plantrack.accounts.models import User
from plantrack.accounts.permissions import MODERATORS
from plantrack.notices.models import Notice
from plantrack.organisations.models import Membership, Organisation
from plantrack.plans.models import Item, Plan

from . import services
from .models import Consultation, Input, Paragraph, Response
from .moderation import flag_create, input_hide

VISION_SLUG = "vision-2050-7-3-revision"
DICE_SLUG = "dice-digital-skills-consultation"
DEMO_PASSWORD = "plantrack-demo-2050"
S = Response.Status


@dataclass
class DemoConsultations:
    answered: Consultation
    open: Consultation
    inputs: int
    responses: int


def _person(email: str, name: str, organisation: Organisation | None = None) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, DEMO_PASSWORD, display_name=name)
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
    if organisation is not None:
        Membership.objects.update_or_create(
            user=user, organisation=organisation, defaults={"role": "member", "state": "active"}
        )
    return user


def _paragraph(consultation: Consultation, code: str) -> Paragraph:
    return Paragraph.objects.get(consultation=consultation, item__code=code)


def _at(days: float, hour: int = 10) -> dt.datetime:
    """``days`` from today (negative: ago) at ``hour`` in the site's time zone."""
    today = timezone.localdate() + dt.timedelta(days=int(days))
    return timezone.make_aware(dt.datetime(today.year, today.month, today.day, hour))


def _stamp(entry: Input, days: float, hour: int = 10) -> None:
    Input.objects.filter(pk=entry.pk).update(created_at=_at(days, hour))


@transaction.atomic
def participation_demo() -> DemoConsultations | None:
    """Build both consultations once; None when they exist already."""
    if Consultation.objects.filter(slug__in=[VISION_SLUG, DICE_SLUG]).exists():
        return None
    manager = User.objects.get(email="manager@plantrack.local")
    moderator = User.objects.filter(groups__name=MODERATORS).order_by("pk").first()
    orgs = {o.slug: o for o in Organisation.objects.filter(slug__in=ORGANISATIONS)}
    people = {
        "citizen": _person("citizen@plantrack.local", "Жишээ иргэн"),
        "saraa": _person("saraa@plantrack.local", "Сараа"),
        "bat": _person("bat@plantrack.local", "Бат"),
        "cso": _person("cso@plantrack.local", "Жишээ ТББ-ын гишүүн"),
        "herder": _person("herder@plantrack.local", "Дорж", orgs["malchin-negdel"]),
        "nomin": _person("nomin@plantrack.local", "Номин", orgs["nomin-womens-rights-centre"]),
    }
    answered = _vision(manager, moderator, people, orgs)
    opened = _dice(manager, people, orgs)
    # The demo's story happened in the past: its notices stay on the site, unmailed.
    Notice.objects.filter(emailed_at__isnull=True, kind__startswith="participation.").update(
        emailed_at=timezone.now()
    )
    return DemoConsultations(
        answered=answered,
        open=opened,
        inputs=Input.objects.filter(consultation__in=[answered, opened]).count(),
        responses=Response.objects.filter(consultation=answered).count(),
    )


ORGANISATIONS = ("disability-federation", "malchin-negdel", "nomin-womens-rights-centre")


def _vision(
    manager: User, moderator: User | None, people: dict[str, User], orgs: dict[str, Organisation]
) -> Consultation:
    plan = Plan.objects.get(slug="vision-2050-goal-7")
    now = timezone.now()
    consultation = services.consultation_create(
        by=manager,
        plan=plan,
        slug=VISION_SLUG,
        title_en="Revision of Vision 2050 objective 7.3, first stage",
        title_mn="“Алсын хараа 2050”-ийн 7.3 зорилтын эхний үе шатны шинэчлэл",
        summary_en=(
            "The expected results of the first stage of objective 7.3 (law enforcement, "
            "organised crime, disaster protection) are being revised. Tell us what is "
            "missing, what should change and who is left out."
        ),
        summary_mn=(
            "7.3 зорилтын эхний үе шатны хүлээгдэж буй үр дүнг (хууль сахиулах, зохион "
            "байгуулалттай гэмт хэрэг, гамшгаас хамгаалах) шинэчилж байна. Юу дутуу, юуг "
            "өөрчлөх, хэн орхигдож байгааг бидэнд хэлнэ үү."
        ),
        subject=Consultation.Subject.REVISION,
        opens_at=now - dt.timedelta(days=75),
        closes_at=now + dt.timedelta(days=1),
        answers_due=timezone.localdate() + dt.timedelta(days=30),
    )
    root = Item.objects.get(plan=plan, code="7.3.I")
    services.consultation_draft_from_items(consultation=consultation, by=manager, root=root)
    p1, p2, p3 = (_paragraph(consultation, f"7.3.I.{n}") for n in (1, 2, 3))
    federation = orgs["disability-federation"]

    def say(who: str, body: str, **extra: object) -> Input:
        return services.input_create(consultation=consultation, by=people[who], body=body, **extra)  # type: ignore[arg-type]

    c1 = say(
        "citizen",
        "Capacity building should include training officers to communicate with people "
        "with disabilities and with people who do not speak Mongolian.",
        paragraph=p1,
    )
    c2 = say(
        "saraa",
        "Хил дамнасан гэмт хэрэгтэй тэмцэх хууль эрх зүйн орчинд хүний наймааны хохирогчийг "
        "хамгаалах заалт тусгах хэрэгтэй.",
        paragraph=p2,
    )
    c3 = say(
        "herder",
        "Local disaster protection must reach herders in remote soums: early warning by "
        "radio and SMS, not only online.",
        paragraph=p3,
    )
    proposal = services.input_create(
        consultation=consultation,
        by=people["cso"],
        kind=Input.Kind.PROPOSAL,
        title="Step-free access to detention and police facilities",
        body=(
            "Every renovated or new detention facility and police station should meet the "
            "accessibility standard (step-free entrance, accessible toilets, sign-language "
            "interpretation on request). We propose adding this to activity 7.3.3."
        ),
        organisation=federation,
        item=Item.objects.get(plan=plan, code="7.3.3"),
    )
    services.cosign_add(
        input=proposal, organisation=orgs["nomin-womens-rights-centre"], by=people["nomin"]
    )
    services.cosign_add(input=proposal, organisation=orgs["malchin-negdel"], by=people["herder"])
    c5 = say(
        "nomin",
        "Women's shelters should be named as partners in the disaster protection structure.",
        paragraph=p3,
        organisation=orgs["nomin-womens-rights-centre"],
    )
    c6 = say(
        "bat",
        "Early warning in soums also needs a siren, not only SMS.",
        paragraph=p3,
    )
    c7 = say(
        "bat",
        "My neighbour is a police officer, call him on 9911 2233 about this.",
        paragraph=p1,
    )
    reply = services.input_create(
        consultation=consultation,
        by=people["saraa"],
        kind=Input.Kind.REPLY,
        parent=c1,
        body="Agreed — and information in easy-to-read form.",
    )
    for who, entry in (("saraa", proposal), ("bat", proposal), ("citizen", c3), ("saraa", c3)):
        services.support_add(input=entry, by=people[who])
    flag_create(input=c7, reason="personal_data", text="A phone number", by=people["citizen"])
    if moderator is not None:
        input_hide(input=c7, reason="personal data (a phone number)", by=moderator)
    for entry, days in (
        (c1, -70),
        (c2, -66),
        (c3, -60),
        (proposal, -58),
        (c5, -55),
        (c6, -52),
        (c7, -50),
        (reply, -49),
    ):
        _stamp(entry, days)
    # Closed 45 days ago; answers were promised 15 days after that.
    services.consultation_update(
        consultation=consultation,
        by=manager,
        closes_at=_at(-45, 0),
        answers_due=timezone.localdate() - dt.timedelta(days=30),
    )
    npa = Organisation.objects.filter(acronym="NPA").first()
    ministry = "Ministry of Justice and Home Affairs"
    emergency = "National Emergency Management Agency"
    answers = [
        (
            [proposal],
            S.PARTLY_ACCEPTED,
            "Activity 7.3.3 now requires step-free access in new detention facilities; "
            "existing ones are adapted when renovated. Sign-language interpretation is "
            "handled under 7.3.I.1.",
            "7.3.3 арга хэмжээнд шинээр барих цагдан хоригдох байрыг хүртээмжтэй байлгах "
            "шаардлага нэмэв; одоо байгааг засварлахдаа тохируулна.",
            npa,
            "",
            ["7.3.3"],
            [p1],
            -36,
        ),
        (
            [c1],
            S.ACCEPTED,
            "Training in communication with people with disabilities and interpretation is "
            "added to expected result 7.3.I.1.",
            "Хөгжлийн бэрхшээлтэй иргэдтэй харилцах сургалтыг 7.3.I.1-д нэмэв.",
            None,
            ministry,
            ["7.3.I.1"],
            [p1],
            -40,
        ),
        (
            [c3, c6],  # one answer to two similar inputs
            S.ACCEPTED,
            "Early warning by radio, SMS and sirens in every soum is added to 7.3.I.3.",
            "Сум бүрт радио, мессеж, дохиогоор урьдчилан сэрэмжлүүлэхийг 7.3.I.3-д нэмэв.",
            None,
            emergency,
            ["7.3.I.3"],
            [p3],
            -33,
        ),
        (
            [c2],
            S.NOT_ACCEPTED,
            "Victim protection is already required by the Law on Combating Human "
            "Trafficking; the plan refers to it instead of repeating it.",
            "Хохирогчийг хамгаалах нь Хүний наймаатай тэмцэх тухай хуульд тусгагдсан тул "
            "төлөвлөгөөнд давтахгүй.",
            None,
            ministry,
            [],
            [],
            -28,
        ),
        (
            [c5],
            S.NOTED,
            "Shelters will be consulted when the local disaster protection structures are "
            "set up in 2027.",
            "Орон нутгийн гамшгаас хамгаалах бүтцийг 2027 онд байгуулахад хамгаалах байрнуудтай "
            "зөвлөлдөнө.",
            None,
            emergency,
            [],
            [],
            -20,
        ),
        (
            [c7],
            S.OUT_OF_SCOPE,
            "The input named a person and a phone number and was hidden; it asked for no "
            "change to the draft.",
            "Хувь хүний утасны дугаар агуулсан тул нуусан; төсөлд өөрчлөлт санал болгоогүй.",
            None,
            ministry,
            [],
            [],
            -20,
        ),
    ]
    for inputs, status, text_en, text_mn, body, body_name, codes, paragraphs, days in answers:
        response = services.response_publish(
            inputs=inputs,
            by=manager,
            status=status,
            explanation_en=text_en,
            explanation_mn=text_mn,
            responding_body=body,
            responding_body_name=body_name,
            responded_on=timezone.localdate() + dt.timedelta(days=days),
            items=list(Item.objects.filter(plan=plan, code__in=codes)),
            paragraphs=paragraphs,
        )
        Response.objects.filter(pk=response.pk).update(published_at=_at(days, 15))
    services.consultation_mark_answered(consultation=consultation, by=manager)
    services.consultation_close_with_report(consultation=consultation, by=manager)
    Consultation.objects.filter(pk=consultation.pk).update(
        answered_at=_at(-19, 16), final_report_at=_at(-18, 11)
    )
    consultation.refresh_from_db()
    return consultation


def _dice(manager: User, people: dict[str, User], orgs: dict[str, Organisation]) -> Consultation:
    plan = Plan.objects.get(slug="dice-inclusive-digitalization-roadmap")
    now = timezone.now()
    consultation = services.consultation_create(
        by=manager,
        plan=plan,
        slug=DICE_SLUG,
        title_en="DICE roadmap: digital skills of civil society organisations",
        title_mn="DICE замын зураг: иргэний нийгмийн байгууллагуудын цахим ур чадвар",
        summary_en=(
            "How should the roadmap build the digital skills of civil society organisations, "
            "in Ulaanbaatar and in rural areas? Comment on the activities or propose new ones."
        ),
        summary_mn=(
            "Замын зураг нь Улаанбаатар болон орон нутгийн иргэний нийгмийн байгууллагуудын "
            "цахим ур чадварыг хэрхэн дээшлүүлэх вэ? Арга хэмжээнүүдэд санал бичих эсвэл "
            "шинээр санал болгоно уу."
        ),
        subject=Consultation.Subject.ITEMS,
        opens_at=now - dt.timedelta(days=5),
        closes_at=now + dt.timedelta(days=25),
        answers_due=timezone.localdate() + dt.timedelta(days=55),
    )
    root = Item.objects.get(plan=plan, code="2")
    services.consultation_draft_from_items(consultation=consultation, by=manager, root=root)
    first = Paragraph.objects.filter(consultation=consultation).order_by("position")[1]
    a = services.input_create(
        consultation=consultation,
        by=people["herder"],
        body="Training for rural CSOs should be held in the aimag centres, with travel costs "
        "covered, and repeated online for those who cannot come.",
        paragraph=first,
    )
    b = services.input_create(
        consultation=consultation,
        by=people["cso"],
        kind=Input.Kind.PROPOSAL,
        title="Accessible formats for every training material",
        body="Every manual and video produced under area 2 should come in easy-to-read, "
        "large-print and sign-language versions.",
        organisation=orgs["disability-federation"],
    )
    c = services.input_create(
        consultation=consultation,
        by=people["saraa"],
        body="Цахим гарын авлагыг гар утсан дээр уншихад тохиромжтой болгох хэрэгтэй.",
    )
    services.support_add(input=b, by=people["saraa"])
    services.support_add(input=a, by=people["citizen"])
    for entry, days in ((a, -4), (b, -3), (c, -1)):
        _stamp(entry, days)
    return consultation
