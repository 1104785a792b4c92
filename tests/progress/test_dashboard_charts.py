"""The SVG charts: escaped, described in words, readable without colour, and sound at the
edges (no data, zero, 100 %, gaps)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from plantrack.lib.charts import (
    DESC_ROWS,
    STYLES,
    Bar,
    Series,
    bar_chart,
    line_chart,
    number,
)

# The charts' own sentences ("No data yet.", "3 more rows …") are read in English.
pytestmark = pytest.mark.usefixtures("english")

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>alert("x")</script> & <b onmouseover=1>'


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def _texts(root: ET.Element) -> list[str]:
    return [el.text or "" for el in root.iter(f"{SVG}text")]


def _luminance(hex_colour: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def _contrast_on_white(hex_colour: str) -> float:
    return 1.05 / (_luminance(hex_colour) + 0.05)


def test_a_bar_chart_is_an_image_with_a_title_and_a_description_of_its_figures():
    chart = bar_chart(
        chart_id="c1",
        title="Progress per objective",
        bars=[Bar("7.1 Defence", 40, "40 %"), Bar("7.2 Borders", None, "no progress reported")],
        columns=["Objective", "Progress"],
    )
    root = _parse(chart.svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "c1-t c1-d"
    assert root.find(f"{SVG}title").text == "Progress per objective"  # type: ignore[union-attr]
    desc = root.find(f"{SVG}desc").text  # type: ignore[union-attr]
    assert desc == "7.1 Defence: 40 %; 7.2 Borders: no progress reported."
    # Every bar has its label and figure as visible text, not colour alone
    assert {"7.1 Defence", "40 %", "7.2 Borders", "no progress reported"} <= set(_texts(root))
    # And the table holds the same figures
    assert [(row.head, list(row.cells)) for row in chart.table.rows] == [
        ("7.1 Defence", ["40 %"]),
        ("7.2 Borders", ["no progress reported"]),
    ]
    assert chart.table.caption == "Progress per objective"


def test_every_text_in_a_chart_is_escaped():
    chart = bar_chart(chart_id='x"><script>', title=HOSTILE, bars=[Bar(HOSTILE, 10, HOSTILE)])
    svg = str(chart.svg)
    assert "<script>" not in svg and "<b " not in svg
    assert "&lt;script&gt;" in svg
    root = _parse(svg)  # still one well-formed SVG element
    assert root.find(f"{SVG}title").text == HOSTILE  # type: ignore[union-attr]
    assert chart.id == "x---script-"
    line = line_chart(
        chart_id="l",
        title=HOSTILE,
        labels=[HOSTILE, "2026 Q2"],
        series=[Series(HOSTILE, [1, 2]), Series("t", [2, 3], "target", [HOSTILE, "3"])],
        unit=HOSTILE,
    )
    assert "<script>" not in str(line.svg)
    assert _parse(line.svg).find(f"{SVG}title").text == HOSTILE  # type: ignore[union-attr]


def test_no_data_draws_a_sentence_and_an_empty_table():
    chart = bar_chart(chart_id="e", title="Statuses", bars=[], empty="Nothing reported yet.")
    root = _parse(chart.svg)
    assert root.find(f"{SVG}desc").text == "Nothing reported yet."  # type: ignore[union-attr]
    assert _texts(root) == ["Nothing reported yet."]
    assert list(chart.table.rows) == []
    line = line_chart(chart_id="l", title="T", labels=["2026 Q1"], series=[Series("A", [None])])
    assert _parse(line.svg).find(f"{SVG}desc").text == "No data yet."  # type: ignore[union-attr]
    assert list(line.table.rows) == []


def test_zero_and_a_hundred_percent_draw_no_bar_and_a_full_bar():
    chart = bar_chart(
        chart_id="z", title="t", bars=[Bar("none", 0, "0 %"), Bar("all", 100, "100 %")]
    )
    root = _parse(chart.svg)
    fills = [r for r in root.iter(f"{SVG}rect") if r.get("fill") != "#fff"]
    # One filled bar only (zero draws none), as long as the 100 % track
    tracks = [r for r in root.iter(f"{SVG}rect") if r.get("fill") == "#fff"]
    assert len(fills) == 1 and len(tracks) == 2
    assert float(fills[0].get("width", 0)) == float(tracks[0].get("width", 0))
    # Values beyond the axis are held to it
    over = _parse(bar_chart(chart_id="o", title="t", bars=[Bar("x", 250, "250 %")]).svg)
    widths = [float(r.get("width", 0)) for r in over.iter(f"{SVG}rect")]
    assert widths[0] == widths[1]


def test_a_count_chart_with_a_zero_total_divides_by_nothing():
    chart = bar_chart(chart_id="s", title="t", bars=[Bar("Delayed", 0, "0")], maximum=0)
    assert "Delayed" in _texts(_parse(chart.svg))


def test_status_colours_contrast_at_least_three_to_one_and_some_are_patterned():
    for colour, _pattern in STYLES.values():
        assert _contrast_on_white(colour) >= 3
    chart = bar_chart(
        chart_id="p",
        title="t",
        bars=[Bar("Delayed", 3, "3", style="delayed"), Bar("Done", 2, "2", style="completed")],
        maximum=5,
    )
    root = _parse(chart.svg)
    assert root.find(f"{SVG}defs/{SVG}pattern").get("id") == "p-delayed"  # type: ignore[union-attr]
    assert any(r.get("fill") == "url(#p-delayed)" for r in root.iter(f"{SVG}rect"))


def test_a_long_list_is_summarised_and_says_the_rest_is_in_the_table():
    bars = [Bar(f"Row {n}", n, f"{n} %") for n in range(DESC_ROWS + 3)]
    chart = bar_chart(chart_id="long", title="t", bars=bars)
    desc = _parse(chart.svg).find(f"{SVG}desc").text or ""  # type: ignore[union-attr]
    assert desc.startswith("Row 0: 0 %; Row 1: 1 %")
    assert f"Row {DESC_ROWS}:" not in desc
    assert "3 more rows are in the table." in desc
    assert len(chart.table.rows) == DESC_ROWS + 3


def test_a_line_chart_draws_actuals_solid_and_targets_dashed_with_gaps_for_missing_values():
    chart = line_chart(
        chart_id="ind",
        title="People trained",
        labels=["2026 Q1", "2026 Q2", "2026 Q3"],
        series=[Series("Actual", [10, None, 40]), Series("Target", [20, 40, 60], "target")],
        columns=["Period", "Actual", "Target"],
        unit="people",
    )
    root = _parse(chart.svg)
    desc = root.find(f"{SVG}desc").text  # type: ignore[union-attr]
    assert desc == (
        "2026 Q1: Actual 10, Target 20; 2026 Q2: Actual —, Target 40; 2026 Q3: Actual 40, "
        "Target 60."
    )
    paths = [p for p in root.iter(f"{SVG}path") if p.get("fill") == "none"]
    dashed = [p for p in paths if p.get("stroke-dasharray")]
    solid = [p for p in paths if not p.get("stroke-dasharray")]
    # The target is one dashed line; the actual's gap leaves no solid line of two points
    assert len(dashed) == 1 and solid == []
    assert len(list(root.iter(f"{SVG}circle"))) == 2 + 1  # two actual points and the legend
    assert {"10", "40", "Actual", "Target", "people", "2026 Q1"} <= set(_texts(root))
    assert [(r.head, list(r.cells)) for r in chart.table.rows] == [
        ("2026 Q1", ["10", "20"]),
        ("2026 Q2", ["—", "40"]),
        ("2026 Q3", ["40", "60"]),
    ]


def test_a_line_chart_takes_one_period_zero_values_and_negative_values():
    one = line_chart(chart_id="a", title="t", labels=["2026"], series=[Series("A", [0])])
    assert "0" in _texts(_parse(one.svg))
    negative = line_chart(chart_id="n", title="t", labels=["a", "b"], series=[Series("A", [-5, 5])])
    assert {"-5", "5"} <= set(_texts(_parse(negative.svg)))


def test_numbers_are_written_for_people():
    assert [number(v) for v in (3.0, 2.5, 1234567.0, 0.333333, None)] == [
        "3",
        "2.5",
        "1,234,567",
        "0.33",
        "—",
    ]
