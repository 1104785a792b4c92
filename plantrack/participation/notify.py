"""Who is told when an official response is published, and what they read (issue 13).

The input's author, the people who co-signed it for their organisations, and its supporters:
one notice each per response (a person who wrote one answered input and supported another
is told once), in the page's language on the site and in their own language by email
(``plantrack.notices``). Nobody is told of their own action."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from plantrack.accounts.models import User
from plantrack.notices.kinds import Text, bilingual, notice_kind
from plantrack.notices.services import notices_send

from .models import Cosignature, Input, Response, Support


def response_notify(*, response: Response, inputs: list[Input], by: Any) -> None:
    consultation = response.consultation
    key = f"participation.response:{response.pk}"
    params = {
        "consultation_en": consultation.title_en,
        "consultation_mn": consultation.title_mn,
        "status": response.status,
        "count": len(inputs),
    }
    pks = [i.pk for i in inputs]
    by_pk = getattr(by, "pk", None)
    signers: dict[int, list[int]] = {}
    for input_id, user_id in Cosignature.objects.filter(input_id__in=pks).values_list(
        "input_id", "signed_by_id"
    ):
        if user_id is not None:
            signers.setdefault(input_id, []).append(user_id)
    supporters: dict[int, list[int]] = {}
    for input_id, user_id in Support.objects.filter(input_id__in=pks).values_list(
        "input_id", "user_id"
    ):
        supporters.setdefault(input_id, []).append(user_id)
    wanted = {i.author_id for i in inputs} | {
        u for ids in (*signers.values(), *supporters.values()) for u in ids
    }
    wanted.discard(None)
    wanted.discard(by_pk)
    people = User.objects.in_bulk([pk for pk in wanted if pk is not None])
    # Authors first, then co-signers, then supporters: the key lets each person in once,
    # with the link to the input that concerns them most.
    for role in ("author", "cosigner", "supporter"):
        for input in inputs:
            if role == "author":
                ids = [input.author_id]
            elif role == "cosigner":
                ids = list(signers.get(input.pk, []))
            else:
                ids = list(supporters.get(input.pk, []))
            recipients = [people.get(pk) for pk in ids if pk is not None and pk != by_pk]
            if not any(recipients):
                continue
            notices_send(
                recipients=recipients,
                kind=f"participation.response.{role}",
                subject=input,
                params={**params, "input": input.pk},
                url=input.get_absolute_url(),
                key=key,
            )


def _words(params: dict[str, Any]) -> dict[str, str]:
    status = str(Response.Status(params["status"]).label) if params.get("status") else ""
    return {
        "consultation": bilingual(params, "consultation"),
        "status": status.lower(),
        "input": str(params.get("input", "")),
    }


@notice_kind("participation.response.author")
def _to_author(params: dict[str, Any]) -> Text:
    words = _words(params)
    return Text(
        title=_("Your input was answered: %(status)s") % words,
        body=_(
            "Your input #%(input)s to the consultation “%(consultation)s” has an official "
            "response: %(status)s. Open it to read the explanation and what changed."
        )
        % words,
    )


@notice_kind("participation.response.cosigner")
def _to_cosigner(params: dict[str, Any]) -> Text:
    words = _words(params)
    return Text(
        title=_("An input you co-signed was answered: %(status)s") % words,
        body=_(
            "Input #%(input)s to the consultation “%(consultation)s”, which you co-signed for "
            "your organisation, has an official response: %(status)s."
        )
        % words,
    )


@notice_kind("participation.response.supporter")
def _to_supporter(params: dict[str, Any]) -> Text:
    words = _words(params)
    return Text(
        title=_("An input you supported was answered: %(status)s") % words,
        body=_(
            "Input #%(input)s to the consultation “%(consultation)s”, which you supported, has "
            "an official response: %(status)s."
        )
        % words,
    )
