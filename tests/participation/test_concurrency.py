"""Two managers answering the same input at the same moment: one response is published, the
other is told the input is already answered. Real concurrent transactions need PostgreSQL
(row locks); on SQLite the writers are serialised by ``BEGIN IMMEDIATE`` and the service
tests cover the rule."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import translation

from plantrack.accounts.models import User
from plantrack.participation import services
from plantrack.participation.models import Input, Response

from . import e_world as w

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent transactions need PostgreSQL"
)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_managers_answering_one_input_publish_one_response():
    admins = [
        User.objects.create_superuser(f"r{n}@example.org", "pw-root-1", display_name=f"R{n}")
        for n in range(2)
    ]
    consultation = w.consultation("race")
    author = w.user("author")
    the_input = Input.objects.create(consultation=consultation, author=author, body="Mine")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def answer(by: User) -> None:
        try:
            translation.activate("en")  # a thread's language is its own
            barrier.wait()
            services.response_publish(
                inputs=[Input.objects.get(pk=the_input.pk)],
                by=by,
                status="noted",
                explanation_en=f"Answered by {by.display_name}",
                responding_body_name="Ministry",
            )
            outcomes.append("published")
        except ValidationError as exc:
            outcomes.append(" ".join(exc.messages))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=answer, args=(a,)) for a in admins]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes)[1] == "published" and "Already answered" in sorted(outcomes)[0]
    assert Response.objects.count() == 1
    assert Input.objects.get(pk=the_input.pk).response_id == Response.objects.get().pk
