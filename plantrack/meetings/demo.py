"""The demo's meetings (issue 13, item 6), written through the meeting services:

- a feedback session on digital skills in Ikhtamir soum, Arkhangai, by the demo CSO (the
  disability federation), a week from today, linked to the open DICE consultation when the
  participation demo made one (else to the DICE plan), with three registrations and their
  accessibility needs;
- a meeting held three days ago in Tsetserleg with published minutes and the inputs raised
  there recorded into that consultation (one named with consent, two from the meeting).

Deterministic: fixed texts and people, dates relative to today. Running it again adds
nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from plantrack.accounts.models import User
from plantrack.organisations.models import Organisation, Region, Soum
from plantrack.participation.models import Consultation
from plantrack.plans.models import Plan

from . import services
from .models import Meeting

DICE_PLAN = "dice-inclusive-digitalization-roadmap"
# The open consultation on the DICE roadmap that the participation demo makes.
DICE_CONSULTATION = "dice-digital-skills-consultation"
DEMO_CSO = "disability-federation"
FEEDBACK_TITLE_EN = "Feedback session: digital skills in Ikhtamir soum"


@dataclass
class DemoMeetings:
    upcoming: Meeting
    held: Meeting
    registrations: int
    inputs: int


def _at(days: int, hour: int) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour))


def _soum(aimag: Region, name_mn: str) -> Soum | None:
    return aimag.soums.filter(name_mn=name_mn).first() or aimag.soums.order_by("pk").first()


@transaction.atomic
def meetings_demo() -> DemoMeetings | None:
    """Build both meetings once; None when they exist already (or the demo's accounts and
    organisation are missing)."""
    if Meeting.objects.filter(title_en=FEEDBACK_TITLE_EN).exists():
        return None
    organiser = User.objects.filter(email="cso@plantrack.local").first()
    organisation = Organisation.objects.filter(slug=DEMO_CSO).first()
    if organiser is None or organisation is None:
        return None
    consultation = Consultation.objects.filter(slug=DICE_CONSULTATION).first()
    plan = None if consultation is not None else Plan.objects.filter(slug=DICE_PLAN).first()
    aimag = Region.objects.get(slug="arkhangai")
    upcoming = services.meeting_create(
        by=organiser,
        organisation=organisation,
        consultation=consultation,
        plan=plan,
        title_en=FEEDBACK_TITLE_EN,
        title_mn="Санал сонсох уулзалт: Ихтамир сумын иргэдийн дижитал ур чадвар",
        agenda_en=(
            "1. What the DICE roadmap plans for digital skills in rural soums\n"
            "2. Your experience: e-services, mobile coverage, help at the soum office\n"
            "3. What should change — recorded and answered in the consultation"
        ),
        agenda_mn=(
            "1. DICE замын зураг хөдөөгийн сумдад дижитал ур чадварын талаар юу төлөвлөж буй\n"
            "2. Таны туршлага: цахим үйлчилгээ, гар утасны сүлжээ, сумын тусламж\n"
            "3. Юу өөрчлөгдөх ёстой вэ — зөвлөлдөх үйл явцад бүртгэж, хариулна"
        ),
        format=Meeting.Format.BOTH,
        place="Сумын соёлын төв / Soum cultural centre",
        region=aimag,
        soum=_soum(aimag, "Ихтамир"),
        online_link="https://meet.example.org/ikhtamir-dice",
        starts_at=_at(7, 14),
        ends_at=_at(7, 16),
        capacity=40,
    )
    needs = {
        "citizen@plantrack.local": (["sign_language", "step_free"], ""),
        "reporter@plantrack.local": (["large_print"], ""),
        "assessor@plantrack.local": (["hearing_loop", "other"], "Agenda in Braille"),
    }
    registered = 0
    for email, (chosen, other) in needs.items():
        person = User.objects.filter(email=email).first()
        if person is not None:
            services.registration_create(
                meeting=upcoming, by=person, needs=chosen, needs_other=other
            )
            registered += 1
    held = services.meeting_create(
        by=organiser,
        organisation=organisation,
        consultation=consultation,
        plan=plan,
        title_en="Public hearing on e-services for people with disabilities, Tsetserleg",
        title_mn="Хөгжлийн бэрхшээлтэй иргэдэд зориулсан цахим үйлчилгээний сонсгол, Цэцэрлэг",
        agenda_en="1. The roadmap's accessibility commitments\n2. Questions and proposals",
        agenda_mn="1. Замын зургийн хүртээмжийн амлалтууд\n2. Асуулт, санал",
        format=Meeting.Format.IN_PERSON,
        place="Аймгийн Засаг даргын тамгын газар, 2 давхар / Governor's office, 2nd floor",
        region=aimag,
        soum=_soum(aimag, "Эрдэнэбулган"),
        starts_at=_at(-3, 10),
        ends_at=_at(-3, 12),
    )
    held = services.meeting_minutes_publish(
        meeting=held,
        by=organiser,
        minutes_en=(
            "23 people took part, 6 of them wheelchair users; sign-language interpretation was "
            "provided. Participants asked for screen-reader testing of the e-Mongolia services "
            "and for help desks at soum offices. Three inputs were recorded into the "
            "consultation and will be answered there."
        ),
        minutes_mn=(
            "23 хүн оролцож, тэдний 6 нь тэргэнцэртэй; дохионы хэлний орчуулга хийв. Оролцогчид "
            "э-Монгол үйлчилгээг дэлгэц уншигчаар турших, сумын тамгын газарт туслах ширээ "
            "ажиллуулахыг хүссэн. Гурван саналыг зөвлөлдөх үйл явцад бүртгэж, тэнд хариулна."
        ),
    )
    inputs = 0
    if consultation is not None and consultation.is_open:
        raised = [
            ("Test every e-Mongolia service with screen readers before launch.", "Б. Оюун", True),
            ("Open a help desk for e-services at each soum office.", "", False),
            ("Mobile coverage in the soum is too weak for the e-services.", "", False),
        ]
        for body, name, consent in raised:
            services.meeting_input_record(
                meeting=held, by=organiser, body=body, attributed_to_name=name, consent=consent
            )
            inputs += 1
    return DemoMeetings(upcoming=upcoming, held=held, registrations=registered, inputs=inputs)
