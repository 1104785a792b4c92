"""The demo's survey (issue 13): citizens' digital needs, on the DICE roadmap, with a few
hundred generated responses, all through the services (a fixed seed: the same demo every
time). Some written answers are shown, one hidden with a reason, the rest wait."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from plantrack.plans.models import Plan

from . import services
from .models import Answer, Option, Question, Survey
from .services import OptionText

DEMO_PLAN = "dice-inclusive-digitalization-roadmap"
DEMO_SLUG = "digital-needs-2026"
DEMO_RESPONSES = 300


def _o(*pairs: tuple[str, str], role: str = "choice") -> list[OptionText]:
    return [OptionText(role, mn, en) for mn, en in pairs]


# (kind, Mongolian, English, required, other, options, condition: (question index, option index))
QUESTIONS: list[tuple[str, str, str, bool, bool, list[OptionText], tuple[int, int] | None]] = [
    (
        "single",
        "Та интернэтэд голчлон юугаар холбогддог вэ?",
        "How do you mostly connect to the internet?",
        True,
        True,
        _o(
            ("Гар утас", "Mobile phone"),
            ("Гэрийн интернэт", "Home broadband"),
            ("Ажил эсвэл сургууль", "Work or school"),
            ("Нийтийн Wi-Fi", "Public Wi-Fi"),
        ),
        None,
    ),
    (
        "multiple",
        "Ямар төрийн үйлчилгээг онлайнаар авдаг вэ?",
        "Which public services do you use online?",
        False,
        True,
        _o(
            ("E-Mongolia лавлагаа", "E-Mongolia certificates"),
            ("Татвар", "Taxes"),
            ("Эрүүл мэнд", "Health"),
            ("Нийгмийн даатгал", "Social insurance"),
            ("Газрын бүртгэл", "Land registration"),
        ),
        None,
    ),
    (
        "scale",
        "Онлайн үйлчилгээг ашиглахад хэр хялбар вэ?",
        "How easy are online services to use?",
        True,
        False,
        [],
        None,
    ),
    (
        "yes_no",
        "Сүүлийн нэг жилд онлайн үйлчилгээ авахад бэрхшээл тулгарсан уу?",
        "Did you have trouble using an online service in the past year?",
        False,
        False,
        [],
        None,
    ),
    (
        "long_text",
        "Ямар бэрхшээл тулгарсан бэ?",
        "What trouble did you have?",
        True,
        False,
        [],
        (3, 0),
    ),
    (
        "matrix",
        "Дараах зүйлсийг үнэлнэ үү",
        "Rate the following",
        False,
        False,
        [
            *_o(
                ("Интернэтийн хурд", "Internet speed"),
                ("Үнэ", "Price"),
                ("Хувийн мэдээллийн хамгаалалт", "Protection of personal data"),
                role="row",
            ),
            *_o(("Муу", "Poor"), ("Дунд", "Fair"), ("Сайн", "Good"), role="column"),
        ],
        None,
    ),
    (
        "short_text",
        "Та аль аймаг, дүүрэгт амьдардаг вэ?",
        "Which aimag or district do you live in?",
        False,
        False,
        [],
        None,
    ),
]
TROUBLES = (
    ("Сүлжээ тасарсаар байсан.", "The connection kept dropping."),
    ("Нэвтрэх код ирээгүй.", "The sign-in code never arrived."),
    ("Маягт гар утсан дээр ажиллахгүй байсан.", "The form did not work on my phone."),
    ("Хаана дарахаа ойлгоогүй.", "I could not tell where to click."),
)
PLACES = ("Улаанбаатар", "Дархан-Уул", "Орхон", "Ховд", "Дорнод", "Sükhbaatar district")


@dataclass
class DemoSurvey:
    survey: Survey
    responses: int


def _data(rng: random.Random, questions: list[Question]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for q in questions:
        options = list(q.options.all())
        key = f"q-{q.pk}"
        choices = [o for o in options if o.role == Option.Role.CHOICE]
        if q.kind == "single":
            if rng.random() < 0.07:
                data[key], data[key + "-other"] = "other", rng.choice(("Хөршийн Wi-Fi", "Library"))
            else:
                data[key] = str(rng.choices(choices, weights=(6, 3, 2, 1))[0].pk)
        elif q.kind == "multiple" and rng.random() < 0.9:
            data[key] = [str(o.pk) for o in rng.sample(choices, rng.randint(1, 3))]
        elif q.kind == "scale":
            data[key] = str(rng.choices((1, 2, 3, 4, 5), weights=(1, 2, 4, 3, 2))[0])
        elif q.kind == "yes_no":
            data[key] = str(choices[0 if rng.random() < 0.45 else 1].pk)
        elif q.kind == "long_text":
            data[key] = rng.choice(TROUBLES)[rng.randint(0, 1)]
        elif q.kind == "matrix":
            columns = [o for o in options if o.role == Option.Role.COLUMN]
            for row in (o for o in options if o.role == Option.Role.ROW):
                data[f"{key}-r{row.pk}"] = str(rng.choice(columns).pk)
        elif q.kind == "short_text" and rng.random() < 0.6:
            data[key] = rng.choice(PLACES)
    return data


@transaction.atomic
def survey_demo(*, by: Any, responses: int = DEMO_RESPONSES, seed: int = 2026) -> DemoSurvey | None:
    """The survey once (running the demo again adds nothing)."""
    plan = Plan.objects.filter(slug=DEMO_PLAN).first()
    if plan is None or Survey.objects.filter(slug=DEMO_SLUG).exists():
        return None
    survey = services.survey_create(
        by=by,
        plan=plan,
        slug=DEMO_SLUG,
        title_mn="Иргэдийн цахим хэрэгцээ 2026",
        title_en="Citizens' digital needs 2026",
        intro_mn=(
            "Энэхүү судалгаа нь Цахим хөгжлийн замын зургийг хэрэгжүүлэхэд иргэдийн "
            "хэрэгцээг тодорхойлоход зориулагдсан. Хариулт нэргүй байна."
        ),
        intro_en=(
            "This survey finds out what citizens need from the inclusive digitalization "
            "roadmap. Answers are anonymous."
        ),
        anonymous=True,
    )
    made: list[Question] = []
    for kind, text_mn, text_en, required, other, options, condition in QUESTIONS:
        when = None
        if condition is not None:
            when = made[condition[0]].options.order_by("position")[condition[1]]
        values = {
            "kind": kind,
            "text_mn": text_mn,
            "text_en": text_en,
            "required": required,
            "other": other,
            "condition": when,
        }
        made.append(services.question_save(survey=survey, by=by, values=values, options=options))
    services.survey_set_state(survey=survey, by=by, state="open")
    questions = list(survey.questions.prefetch_related("options").order_by("position"))
    rng = random.Random(seed)
    for n in range(responses):
        services.response_submit(
            survey=survey,
            data=_data(rng, questions),
            guard=f"demo-{n}",
            address=f"demo-{n}",
        )
    texts = list(Answer.objects.filter(survey=survey, text_state="pending").order_by("pk"))
    for n, answer in enumerate(texts[: len(texts) * 2 // 3]):
        hide = n == 5
        services.answer_moderate(
            answer=answer, by=by, shown=not hide, reason="personal data" if hide else ""
        )
    survey.refresh_from_db()
    return DemoSurvey(survey=survey, responses=survey.response_count)
