"""Fill a demo data folder with assessments for the browser tests (run in a subprocess:
``python -m tests.browser.assessment_seed``, with PLANTRACK_DATA_DIR set).

The demo rounds from generated scorecards (``assessments_demo``), a draft round of the
demo assessor, and a link from an indicator to a Vision 2050 activity. Running it again
changes nothing."""

from __future__ import annotations

import json

import django


def main() -> None:
    django.setup()
    from plantrack.accounts.models import User
    from plantrack.assessments.demo import assessments_demo
    from plantrack.assessments.generate import sample_assessment
    from plantrack.assessments.models import AssessmentIndicator, Round
    from plantrack.assessments.services import indicator_link_add, round_create
    from plantrack.plans.models import Item

    official = sample_assessment(reported={"2022": 58, "2019": 60}, not_assessed=("4.2",))
    framework_only = sample_assessment(title="Security sector self-assessment")
    framework_only.round = None
    framework_only.areas[5].indicators[0].kind = "checklist"
    demo = assessments_demo(official=official, self_assessment=framework_only)
    assert demo.official is not None
    assessor = User.objects.get(email="assessor@plantrack.local")
    draft = Round.objects.filter(created_by=assessor).first()
    if draft is None:
        draft = round_create(
            by=assessor,
            framework=demo.official.version.framework,
            subject="Mongolia",
            year=2025,
            assessing_body="Demo review team",
        )
    manager = User.objects.get(email="manager@plantrack.local")
    item = Item.objects.get(plan__slug="vision-2050-goal-7", code="7.1.1")
    indicator = AssessmentIndicator.objects.get(version=demo.official.version, code="2.3")
    indicator_link_add(indicator=indicator, item=item, by=manager, note="Civilian control")
    framework = demo.official.version.framework.slug
    print(  # the paths the browser tests open, after the language prefix
        json.dumps(
            {
                "framework": f"assessments/frameworks/{framework}/",
                "round": f"assessments/rounds/{demo.official.pk}/",
                "draft": f"assessments/rounds/{draft.pk}/",
                "rate": f"assessments/rounds/{draft.pk}/rate/",
                "compare": f"assessments/compare/?a={demo.official.pk}&b={demo.shadow.pk}",  # type: ignore[union-attr]
                "subject": f"assessments/subjects/{demo.official.subject_key}/",
                "new-round": f"assessments/frameworks/{framework}/new-round/",
                "framework-edit": f"assessments/frameworks/{framework}/edit/",
                "self-assessment": f"assessments/rounds/{demo.self_assessment.pk}/",  # type: ignore[union-attr]
            }
        )
    )


if __name__ == "__main__":
    main()
