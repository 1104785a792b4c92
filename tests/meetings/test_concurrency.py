"""Two people taking the last place at the same moment: one gets it, the other is told the
meeting is full. Real concurrent transactions need PostgreSQL (row locks); on SQLite the
writers are serialised by ``BEGIN IMMEDIATE`` and the service tests cover the rule."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import translation

from plantrack.accounts.models import User
from plantrack.meetings import services
from plantrack.meetings.models import Meeting, Registration
from plantrack.organisations.models import Region

from .conftest import values

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent transactions need PostgreSQL"
)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_registrations_for_the_last_place_leave_one_out():
    site_admin = User.objects.create_superuser("root@example.org", "pw-root-1", display_name="R")
    aimag = Region.objects.filter(kind="aimag").order_by("pk").first()
    meeting = services.meeting_create(by=site_admin, **values(aimag, capacity=1))
    people = [
        User.objects.create_user(f"p{n}@example.org", "pw-meet-1234", display_name=f"P{n}")
        for n in range(2)
    ]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def take(person: User) -> None:
        try:
            translation.activate("en")  # a thread's language is its own
            barrier.wait()
            services.registration_create(meeting=Meeting.objects.get(pk=meeting.pk), by=person)
            outcomes.append("registered")
        except ValidationError as exc:
            outcomes.append(exc.messages[0])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=take, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes)[1] == "registered" and "full" in sorted(outcomes)[0]
    assert Registration.objects.filter(meeting=meeting, cancelled_at__isnull=True).count() == 1
