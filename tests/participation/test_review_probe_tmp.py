import pytest
from django.test import Client
from plantrack.participation import services
from plantrack.participation.models import Input
from tests.participation.conftest import make_closed

GARBAGE = [
    {},
    {"body": "x" * 200000, "title": "t" * 5000, "kind": "zzz", "organisation": "-1", "item": "nope",
     "inputs": ["-5", "abc", "99999999999999999999"], "status": "bogus", "version": "-3",
     "reason": "other", "text": "", "paragraphs": "zz", "items": "9.9.9", "responded_on": "2026-99-99",
     "responding_body": "999999999999999999999", "report": "1", "page": "-1", "user_id": "x"},
    {"version": "99999999999999999999999", "organisation": "99999999999999999999999", "inputs": "0"},
]


def urls(c, i):
    s = c.slug
    base = f"/mn/consultations/{s}"
    return [
        "/mn/consultations/?phase=zzz&page=-1&plan=abc", "/mn/consultations/new/",
        f"{base}/", f"{base}/edit/", f"{base}/draft/", f"{base}/respond/?input=abc&page=x",
        f"{base}/answered/", f"{base}/send/", f"{base}/p/zzz/", f"{base}/p/{c.paragraphs.first().anchor}/",
        f"{base}/inputs/{i.pk}/", f"{base}/inputs/{i.pk}/edit/", f"{base}/inputs/{i.pk}/reply/",
        f"{base}/inputs/{i.pk}/support/", f"{base}/inputs/{i.pk}/cosign/", f"{base}/inputs/{i.pk}/file/",
        f"{base}/inputs/{i.pk}/flag/", f"{base}/inputs/{i.pk}/hide/", f"{base}/inputs/{i.pk}/restore/",
        f"{base}/report/", f"{base}/report.pdf", f"{base}/moderation/",
        "/mn/consultations/moderation/?page=zz", "/mn/consultations/statistics/?plan=zz&body=zz",
        "/mn/consultations/follow/", "/mn/my/inputs/?page=zz",
        f"/mn/consultations/moderation/people/{i.author_id}/block/",
    ]


@pytest.mark.parametrize("who", ["anon", "bob", "dana", "alice", "admin"])
@pytest.mark.parametrize("closed", [False, True])
def test_probe(who, closed, consultation, bob, dana, alice, site_admin, sign_in, cso):
    i = services.input_create(consultation=consultation, by=bob, body="hello")
    if closed:
        make_closed(consultation)
    c = Client(raise_request_exception=False)
    user = {"anon": None, "bob": bob, "dana": dana, "alice": alice, "admin": site_admin}[who]
    if user:
        sign_in(c, user)
    bad = []
    for u in urls(consultation, i):
        for method in ("get", "post"):
            for data in (GARBAGE if method == "post" else [{}]):
                r = getattr(c, method)(u, data)
                if r.status_code >= 500:
                    bad.append((method, u, r.status_code, sorted(data)[:3]))
    assert not bad, bad
