"""The history's canonical JSON is RFC 8785: checked against the reference package."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import rfc8785
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plantrack.history.canonical import NotCanonical, canonical, plain

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1)
    | st.text(alphabet=st.characters(exclude_categories=["Cs"]))
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.text(alphabet=st.characters(exclude_categories=["Cs"])), inner, max_size=4
        )
    ),
    max_leaves=20,
)


@settings(suppress_health_check=[HealthCheck.too_slow])  # generation slows on a loaded machine
@given(values)
def test_canonical_json_matches_the_rfc_8785_reference(value):  # type: ignore[no-untyped-def]
    assert canonical(value) == rfc8785.dumps(value)


def test_keys_are_sorted_by_utf16_code_units():  # type: ignore[no-untyped-def]
    # U+1F600 (a surrogate pair, D83D …) sorts before U+FB01 in UTF-16, after it in code points.
    data = {"\ufb01": 1, "\U0001f600": 2}
    assert canonical(data) == rfc8785.dumps(data)
    assert canonical(data).index("\U0001f600".encode()) < canonical(data).index("\ufb01".encode())


@pytest.mark.parametrize("value", [1.5, 2**60, "\ud800"])
def test_values_without_a_canonical_form_are_refused(value):  # type: ignore[no-untyped-def]
    with pytest.raises(NotCanonical):
        canonical({"x": value})


def test_plain_turns_floats_decimals_and_dates_into_strings():  # type: ignore[no-untyped-def]
    moment = datetime.datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=datetime.UTC)
    assert plain({"a": 40.0, "b": Decimal("1.50"), "c": moment, "d": (1, 2)}) == {
        "a": "40",
        "b": "1.50",
        "c": "2026-01-02T03:04:05.678+00:00",
        "d": [1, 2],
    }
