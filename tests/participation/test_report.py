"""The consultation report: who took part, what changed and why, every input with its
response — counted from the data, in a fixed number of queries."""

from __future__ import annotations

import pytest

from plantrack.organisations.models import Organisation, Region, TargetGroup
from plantrack.participation.models import Cosignature, Input, Response, ResponseItemLink
from plantrack.participation.report import consultation_report

from . import e_world as w

S = Response.Status


@pytest.fixture
def world(vision, activity):  # type: ignore[no-untyped-def]
    c = w.consultation("rev", plan=vision)
    region = Region.objects.create(
        slug="r-darkhan", name_en="Darkhan-Uul", name_mn="Дархан-Уул", kind="aimag"
    )
    youth = TargetGroup.objects.create(slug="tg-youth", name_en="Youth", name_mn="Залуучууд")
    women = TargetGroup.objects.create(slug="tg-women", name_en="Women", name_mn="Эмэгтэйчүүд")
    cso = Organisation.objects.create(
        slug="cso-a", name_en="Open Society A", kind="cso", region=region
    )
    cso.target_groups.set([youth, women])
    other = Organisation.objects.create(slug="cso-b", name_en="Rural Voices B", kind="cso")
    other.target_groups.set([youth])
    ann, ben, cat = w.user("ann"), w.user("ben"), w.user("cat")
    i1 = w.add_input(c, ann, created="2026-01-10")  # a citizen
    i2 = w.add_input(
        c, ben, created="2026-01-11", organisation=cso, kind=Input.Kind.PROPOSAL, title="Add X"
    )
    Cosignature.objects.create(input=i2, organisation=other, signed_by=cat)
    w.add_input(c, cat, created="2026-01-12", kind=Input.Kind.REPLY, parent=i1)  # a reply
    i4 = w.add_input(
        c, ann, created="2026-01-13", hidden_at=w.at("2026-01-14"), hidden_reason="personal data"
    )
    changed = w.answer([i2], S.PARTLY_ACCEPTED, published="2026-02-10")
    ResponseItemLink.objects.create(response=changed, item=activity)
    w.answer([i1, i4], S.NOTED, published="2026-02-11")
    return c, cso, other


def test_who_took_part_by_kind_organisation_region_and_target_group(world):
    c, cso, other = world
    part = consultation_report(consultation=c, now=w.at("2026-03-02")).participation
    # 4 inputs: 2 comments (i1, i4), 1 proposal (i2), 1 reply; authors Ann, Ben, Cat = 3.
    assert (part.inputs, part.comments, part.proposals, part.replies) == (4, 2, 1, 1)
    assert part.people == 3
    # Citizens: Ann (i1, i4) and Cat (the reply) wrote for themselves; Ben only for his CSO.
    assert part.citizens == 2 and part.for_organisations == 1
    assert [(r.organisation, r.submitted, r.cosigned) for r in part.organisations] == [
        (cso, 1, 0),
        (other, 0, 1),
    ]
    # Regions: only A gives one; target groups: youth (A, B) = 2, women (A) = 1.
    assert part.regions == [("Дархан-Уул", 1)] and part.no_region == 1
    assert part.target_groups == [("Залуучууд", 2), ("Эмэгтэйчүүд", 1)]


def test_what_changed_and_every_input_with_its_response(world, activity):
    c, _, _ = world
    report = consultation_report(consultation=c, now=w.at("2026-03-02"))
    # Only the partly accepted response changed the draft (it links 7.3.8).
    assert len(report.changes) == 1
    change = report.changes[0]
    assert change.response.status == S.PARTLY_ACCEPTED
    assert [link.item for link in change.response.item_links.all()] == [activity]
    assert [i.title for i in change.inputs] == ["Add X"]
    # Entries: the 3 comments and proposals in order, the reply under its parent, the
    # hidden one kept (its placeholder is the template's) with its response.
    assert [e.kind for e in report.entries] == ["comment", "proposal", "comment"]
    assert [r.kind for r in report.entries[0].reply_list] == ["reply"]
    assert report.entries[2].is_hidden and report.entries[2].shown_response.status == S.NOTED
    assert report.stats.answered == 3 and not report.final


def test_a_draft_response_is_not_in_the_report(world):
    c, _, _ = world
    i5 = w.add_input(c, None, created="2026-01-20")
    w.answer([i5], S.ACCEPTED, published=None)
    report = consultation_report(consultation=c)
    assert report.entries[-1].shown_response is None
    assert len(report.changes) == 1


def test_the_report_reads_in_a_fixed_number_of_queries(world, django_assert_num_queries):
    c, cso, other = world
    with django_assert_num_queries(17):
        consultation_report(consultation=c)
    with django_assert_num_queries(18):  # the page adds its count
        consultation_report(consultation=c, page_number=1)
    people = [w.user(f"p{n}") for n in range(130)]
    for n, person in enumerate(people):
        entry = w.add_input(c, person, organisation=cso if n % 2 else None)
        Cosignature.objects.create(input=entry, organisation=other)
    with django_assert_num_queries(17):
        report = consultation_report(consultation=c)
    assert report.participation.inputs == 134 and len(report.entries) == 133
    with django_assert_num_queries(18):
        page = consultation_report(consultation=c, page_number=2)
    assert len(page.entries) == 33 and page.page is not None and page.page.number == 2
