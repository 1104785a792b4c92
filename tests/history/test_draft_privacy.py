"""A draft plan is not public, and neither is what its import wrote: its events show hashes
only in the public proofs, and organisations it alone names stay out of the registry,
until the plan is published."""

from __future__ import annotations

import json

from django.test import Client

from plantrack.accounts.models import User
from plantrack.history.models import Event, Head
from plantrack.organisations.models import Organisation
from plantrack.plans.importers.detect import parse_bytes
from plantrack.plans.services import plan_import, plan_publish

CSV = """# title: Quiet draft plan
# short_name: quiet-draft
code,parent_code,kind,title,organisations
1,,objective,Hidden objective,Bureau of Quiet Affairs (BQA) [lead]
"""


def _import_draft(by: User):  # type: ignore[no-untyped-def]
    start = Head.objects.get(pk=1).seq
    result = plan_import(parsed=parse_bytes(CSV.encode()), by=by, draft=True)
    return result.plan, list(Event.objects.filter(seq__gt=start).order_by("seq"))


def _proof(seq: int) -> dict:  # type: ignore[type-arg]
    return json.loads(Client().get(f"/en/transparency/events/{seq}/proof.json").content)


def test_a_drafts_events_show_hashes_only_until_it_is_published(db, alice, history_key):  # type: ignore[no-untyped-def]
    from plantrack.history.checkpoints import checkpoint_create

    plan, events = _import_draft(alice)
    checkpoint_create()
    item_event = next(e for e in events if e.object_type == "plans.item")
    proof = _proof(item_event.seq)
    assert "content" not in proof["event"] and proof["event"]["hash"] == item_event.hash
    assert "Hidden objective" not in json.dumps(proof)
    plan_publish(plan=plan, by=alice)
    assert _proof(item_event.seq)["event"]["content"]["object_label"].endswith("Hidden objective")


def test_organisations_only_a_draft_names_stay_out_of_the_registry(db, alice):  # type: ignore[no-untyped-def]
    plan, events = _import_draft(alice)
    added = Organisation.objects.get(acronym="BQA")
    assert added.created_by_import and added.verified_at is None
    created = next(e for e in events if e.object_type == "organisations.organisation")
    assert created.public is False
    anonymous = Client()
    assert anonymous.get(f"/en/organisations/{added.slug}/").status_code == 404
    assert "Bureau of Quiet Affairs" not in anonymous.get("/en/organisations/").content.decode()
    root = User.objects.create_superuser("root@example.org", "pw-root-12345", display_name="R")
    admin = Client()
    admin.force_login(root)
    assert admin.get(f"/en/organisations/{added.slug}/").status_code in (200, 302)
    plan_publish(plan=plan, by=alice)
    assert anonymous.get(f"/en/organisations/{added.slug}/").status_code == 200
    assert "Bureau of Quiet Affairs" in anonymous.get("/en/organisations/").content.decode()


def test_an_organisation_only_a_draft_names_has_no_public_history_page(db, alice):  # type: ignore[no-untyped-def]
    plan, events = _import_draft(alice)
    added = Organisation.objects.get(acronym="BQA")
    url = f"/en/organisations/{added.slug}/history/"
    assert Client().get(url).status_code == 404
    root = User.objects.create_superuser("root@example.org", "pw-root-12345", display_name="R")
    admin = Client()
    admin.force_login(root)
    response = admin.get(url)
    assert response.status_code in (200, 302)  # a site administrator (after the second step)
    plan_publish(plan=plan, by=alice)
    html = Client().get(url).content.decode()
    # Published now, but the event the draft's import wrote stays as it was: not public.
    created = next(e for e in events if e.object_type == "organisations.organisation")
    assert f'id="event-{created.seq}"' not in html
