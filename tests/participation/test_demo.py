"""The demo's consultations: an answered one with a final report on Vision 2050, an open one
on the DICE roadmap — built through the services, once."""

from __future__ import annotations

from plantrack.notices.models import Notice
from plantrack.participation.demo import participation_demo
from plantrack.participation.models import Consultation, Cosignature, Input, Phase
from plantrack.participation.services import needs_response
from plantrack.participation.statistics import consultation_stats
from plantrack.plans.demo import demo_accounts


def test_the_demo_builds_an_answered_and_an_open_consultation_once(vision, dice, client):
    demo_accounts()
    built = participation_demo()
    assert built is not None
    answered, opened = built.answered, built.open
    assert answered.phase == Phase.REPORTED and opened.phase == Phase.OPEN
    assert answered.plan == vision and opened.plan == dice
    # Every comment and proposal answered; a co-signed proposal; a hidden input kept.
    assert not needs_response(answered).exists()
    assert Cosignature.objects.filter(input__consultation=answered).count() == 2
    hidden = Input.objects.get(consultation=answered, hidden_at__isnull=False)
    assert hidden.hidden_reason.startswith("personal data")
    stats = consultation_stats(consultation=answered)
    assert (stats.received, stats.answered, stats.overdue) == (7, 7, 0)
    assert stats.median_days is not None and stats.median_days > 10
    assert Input.objects.filter(consultation=opened).count() == 3
    # Its notices are on the site but not mailed.
    assert not Notice.objects.filter(
        kind__startswith="participation.", emailed_at__isnull=True
    ).exists()
    # Again: nothing new.
    assert participation_demo() is None
    assert Consultation.objects.count() == 2
    for path in ("", "report/", "moderation/"):
        assert client.get(f"/en/consultations/{answered.slug}/{path}").status_code == 200
    assert client.get(f"/en/consultations/{answered.slug}/report.pdf").status_code == 200
