"""The fast encodings of the history (``canonical_fast``, the event template, the row reader
of ``verify``) give byte for byte what the general encoder and the RFC 8785 reference give."""

from __future__ import annotations

import datetime
import hashlib
import json
from typing import Any

import pytest
import rfc8785
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plantrack.history.canonical import NotCanonical, canonical, canonical_fast, plain, utc_text
from plantrack.history.chain import (
    APPEND_FIELDS,
    NAMES,
    SELECTED_COLUMNS,
    TEMPLATE,
    RowReader,
    entry_template,
)
from plantrack.history.models import Event
from plantrack.history.services import Entry, append, append_many, content_of, event_hash
from plantrack.history.verify import _chunks, verify_all

# The messages are checked in English; the Mongolian ones in test_chain.py.
pytestmark = pytest.mark.usefixtures("english")

FAST = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
DB = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

valid_text = st.text(alphabet=st.characters(exclude_categories=["Cs"]))
# Keys and values reaching past U+FFFF, where code point and UTF-16 order part.
astral_text = st.text(
    alphabet=st.sampled_from(["a", "é", "\ufb01", "\uffff", "\U0001f600", "\U00010000", '"'])
)
# What a database keeps: PostgreSQL refuses NUL in text and in JSON.
stored_text = st.text(alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="\x00"))
integers = st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1)


def _values(text: st.SearchStrategy[str]) -> st.SearchStrategy[Any]:
    return st.recursive(
        st.none() | st.booleans() | integers | text | astral_text,
        lambda inner: (
            st.lists(inner, max_size=4) | st.dictionaries(text | astral_text, inner, max_size=4)
        ),
        max_leaves=20,
    )


values = _values(valid_text)


@FAST
@given(values)
def test_canonical_fast_matches_the_general_encoder_and_the_reference(value):  # type: ignore[no-untyped-def]
    assert canonical_fast(value) == canonical(value) == rfc8785.dumps(value)


@FAST
@given(values)
def test_canonical_fast_reads_back_stored_json_the_same(value):  # type: ignore[no-untyped-def]
    # What verify does with a stored changes column: parse the text, encode it again.
    stored = json.dumps(value)
    assert canonical_fast(json.loads(stored)) == rfc8785.dumps(value)


@pytest.mark.parametrize(
    "value",
    [1.5, 2**60, -(2**53), 1e100, float("nan"), "\ud800", {"a": [0.1]}, {"\ud800": 1}],
)
def test_canonical_fast_refuses_what_the_general_encoder_refuses(value):  # type: ignore[no-untyped-def]
    with pytest.raises(NotCanonical):
        canonical(value)
    with pytest.raises(NotCanonical):
        canonical_fast(value)


def test_canonical_fast_takes_the_general_path_for_numbers_inside_strings():  # type: ignore[no-untyped-def]
    data = {"x": "ratio:1.5", "y": [",1234567890123456"], "z": 2**53 - 1}
    assert canonical_fast(data) == rfc8785.dumps(data)


ids = st.none() | st.integers(min_value=1, max_value=2**53 - 1)
moments = st.datetimes(
    min_value=datetime.datetime(2000, 1, 1), max_value=datetime.datetime(2100, 1, 1)
)
contents = st.fixed_dictionaries(
    {
        "seq": st.integers(min_value=1, max_value=2**53 - 1),
        "at": moments,
        "actor_kind": st.sampled_from(["user", "system", "import"]),
        "actor": ids,
        "actor_organisation": ids,
        "object_type": valid_text,
        "object_id": valid_text,
        "object_label": valid_text | astral_text,
        "plan": ids,
        "item": ids,
        "subject_user": ids,
        "action": valid_text,
        "changes": st.dictionaries(valid_text | astral_text, values, max_size=4),
        "reason": valid_text,
        "public": st.booleans(),
        "previous_hash": st.text(alphabet="0123456789abcdef", min_size=64, max_size=64),
    }
)


def _general(content: dict[str, Any]) -> bytes:
    data = dict(content)
    data["at"] = utc_text(content["at"].replace(tzinfo=datetime.UTC))
    return canonical(data)


@FAST
@given(contents)
def test_the_event_template_gives_the_canonical_bytes(content):  # type: ignore[no-untyped-def]
    expected = _general(content)
    assert expected == rfc8785.dumps(json.loads(expected))
    data = dict(content)
    data["at"] = utc_text(content["at"].replace(tzinfo=datetime.UTC))
    fields = {name: canonical_fast(data[name]).decode() for name in NAMES}
    assert (TEMPLATE % tuple(fields[name] for name in NAMES)).encode() == expected
    partial = entry_template(
        {name: text for name, text in fields.items() if name not in APPEND_FIELDS}
    )
    assert (partial % tuple(fields[name] for name in APPEND_FIELDS)).encode() == expected


@FAST
@given(contents)
def test_the_row_reader_gives_the_canonical_bytes(content):  # type: ignore[no-untyped-def]
    # A row as SQLite's driver answers it: a naive UTC time, the changes as JSON text, 0/1.
    raw = dict(content, changes=json.dumps(content["changes"]), public=int(content["public"]))
    row = (*(raw[name] for name in NAMES), "hash")
    assert RowReader(connection).content(row) == _general(content)
    # As PostgreSQL's: an aware time, a boolean.
    aware = dict(raw, at=content["at"].replace(tzinfo=datetime.UTC), public=content["public"])
    row = (*(aware[name] for name in NAMES), "hash")
    assert RowReader(connection).content(row) == _general(content)


def test_the_row_reader_refuses_an_id_it_cannot_encode():  # type: ignore[no-untyped-def]
    content = {name: None for name in NAMES}
    content.update(
        at=datetime.datetime(2026, 1, 1),
        changes="{}",
        public=True,
        seq=1,
        **{name: "x" for name in ("action", "actor_kind", "object_id", "object_label")},
        **{name: "x" for name in ("object_type", "previous_hash", "reason")},
    )
    content["item"] = 2**60
    with pytest.raises(NotCanonical):
        RowReader(connection).content((*(content[name] for name in NAMES), "hash"))


entries = st.builds(
    Entry,
    action=st.sampled_from(["changed", "created", "retired"]),
    object_type=st.sampled_from(["plans.item", "plans.plan"]),
    object_id=stored_text.map(lambda text: text[:50]),
    label=st.text(alphabet=st.characters(exclude_categories=["Cs", "Cc"]), max_size=320),
    plan_id=ids.filter(lambda pk: pk is None or pk < 2**63),
    item_id=ids,
    changes=st.dictionaries(stored_text | astral_text, _values(stored_text), max_size=3),
    reason=stored_text,
    public=st.booleans(),
)


@DB
@given(st.lists(entries, min_size=1, max_size=4), st.booleans())
@pytest.mark.django_db
def test_appended_events_hash_as_the_general_encoder_and_the_reference_do(batch, many):  # type: ignore[no-untyped-def]
    with transaction.atomic():
        if many:
            append_many([entry.prepare() for entry in batch])
        else:
            append(batch)
        stored = list(Event.objects.order_by("-seq")[: len(batch)])
        for event in stored:
            content = content_of(vars(event))
            assert event.hash == event_hash(event)
            assert event.hash == hashlib.sha256(rfc8785.dumps(content)).hexdigest()
        # The rows as verify reads them (the driver's values, no Django fields).
        first = min(event.seq for event in stored)
        raw = [
            row for rows in _chunks() for row in rows if row[SELECTED_COLUMNS.index("seq")] >= first
        ]
        reader = RowReader(connection)
        for event, row in zip(sorted(stored, key=lambda e: e.seq), raw, strict=True):
            assert hashlib.sha256(reader.content(row)).hexdigest() == event.hash
        assert verify_all().problem is None
        transaction.set_rollback(True)


def test_ids_given_after_prepare_are_hashed(vision):  # type: ignore[no-untyped-def]
    # An import prepares its new items' entries before the items have ids.
    entry = Entry(action="created", object_type="plans.item", object_id="None", changes={"a": [1]})
    entry.prepare()
    entry.object_id, entry.item_id, entry.plan_id = "7", 7, vision.pk
    with transaction.atomic():
        append_many([entry])
    event = Event.objects.order_by("-seq").first()
    assert event is not None and (event.object_id, event.item_id, event.plan_id) == (
        "7",
        7,
        vision.pk,
    )
    assert event.changes == plain(entry.changes) == {"a": [1]}
    assert event.hash == hashlib.sha256(rfc8785.dumps(content_of(vars(event)))).hexdigest()


def test_verify_names_an_event_whose_changes_have_no_canonical_form(vision):  # type: ignore[no-untyped-def]
    from .conftest import add_events, triggers_dropped

    events = add_events(vision, 3)
    with triggers_dropped(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE history_event SET changes = %s WHERE seq = %s",
            ['{"progress": [1.5, 2]}', events[1].seq],
        )
        problem = verify_all().problem
    assert problem is not None and problem.seq == events[1].seq and "altered" in problem.message
