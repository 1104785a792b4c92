"""Background work of the notices, run by django-tasks' database worker
(``plantrack db_worker``): the email of each notice, enqueued after the transaction that
created it commits."""

from __future__ import annotations

from django_tasks import task

from .services import notice_email_send


@task()
def send_notice_email(notice_id: int) -> bool:
    """Email one notice in its recipient's language; never twice (see ``notice_email_send``)."""
    return notice_email_send(notice_id=notice_id)
