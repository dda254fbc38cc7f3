"""The section score chart: a standalone SVG that is valid, escaped and stable."""

import xml.etree.ElementTree as ET

from hypothesis import given, settings
from hypothesis import strategies as st

from assessments.charts import section_chart_svg, wrap_label

SVG = "{http://www.w3.org/2000/svg}"
ROWS = [("アクセス制御", 92.5), ("インシデント対応", 71.0), ("委託先管理", 55.0), ("教育", 40.0)]
ROWS += [("物理的対策", 12.3), ("未回答", None)]


def parse(svg):
    return ET.fromstring(svg)  # noqa: S314 - our own output, not untrusted XML


def bars(root):
    return [rect for rect in root.iter(f"{SVG}rect") if rect.get("class") == "bar"]


def texts(root):
    return ["".join(el.itertext()) for el in root.iter(f"{SVG}text")]


def test_it_draws_a_standalone_accessible_svg():
    root = parse(section_chart_svg(ROWS, title="セクション別スコア"))
    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox") == f"0 0 640 {root.get('height')}"
    assert root.get("role") == "img"
    assert root.get("aria-label") == "セクション別スコア"
    assert root.find(f"{SVG}title").text == "セクション別スコア"
    assert "Noto Sans CJK JP" in root.get("font-family")


def test_it_draws_one_bar_per_row_coloured_by_band():
    root = parse(section_chart_svg(ROWS))
    found = bars(root)
    assert len(found) == len(ROWS) == len(list(root.iter(f"{SVG}rect")))
    assert [bar.get("fill") for bar in found] == [
        "#2e7d32",  # >= 85 green
        "#00897b",  # >= 70 teal
        "#f9a825",  # >= 55 amber
        "#ef6c00",  # >= 40 orange
        "#c62828",  # below 40 red
        "none",  # no score, no bar
    ]
    widths = [float(bar.get("width")) for bar in found]
    assert widths[0] > widths[1] > widths[2] > widths[3] > widths[4] > widths[5] == 0


def test_it_prints_scores_and_a_dash_for_no_score():
    shown = texts(parse(section_chart_svg(ROWS)))
    for value in ("92.5", "71.0", "55.0", "40.0", "12.3", "—"):
        assert value in shown
    for label, _ in ROWS:
        assert label in shown


def test_it_draws_grid_lines_at_quarters():
    root = parse(section_chart_svg(ROWS, width=500))
    grid = [line for line in root.iter(f"{SVG}line") if line.get("class") == "grid"]
    xs = [float(line.get("x1")) for line in grid]
    assert len(xs) == 5 and xs == sorted(xs)
    assert {"0", "25", "50", "75", "100"} <= set(texts(root))
    full = section_chart_svg([("A", 100)], width=500)
    bar = bars(parse(full))[0]
    assert float(bar.get("x")) == xs[0]
    assert float(bar.get("x")) + float(bar.get("width")) == xs[-1]


def test_it_escapes_labels_and_title():
    label = '<script>alert("x")</script> & 株式会社'
    svg = section_chart_svg([(label, 50.0)], title='<img src=x onerror="alert(1)">')
    assert "<script" not in svg and "<img" not in svg
    root = parse(svg)
    assert root.get("aria-label") == '<img src=x onerror="alert(1)">'
    assert list(root.iter(f"{SVG}script")) == []
    titles = [el.text for el in root.iter(f"{SVG}title")]
    assert f"{label}: 50.0" in titles  # the full label survives as a tooltip


def test_it_survives_control_characters_and_odd_scores():
    rows = [("bell\x07tab\there", 50.0), ("nan", float("nan")), ("over", 140.0), ("under", -5)]
    root = parse(section_chart_svg(rows))
    assert [float(bar.get("width")) for bar in bars(root)][1:] == [
        0,
        388,
        0,
    ]  # 640 wide: the plot is 388
    assert "—" in texts(root)


def test_it_is_deterministic():
    assert section_chart_svg(ROWS, title="t") == section_chart_svg(list(ROWS), title="t")


def test_it_handles_no_rows():
    root = parse(section_chart_svg([]))
    assert bars(root) == []


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.text(max_size=40), st.one_of(st.none(), st.floats(0, 100))),
        max_size=6,
    ),
    st.text(max_size=30),
)
def test_any_labels_give_valid_svg(rows, title):
    svg = section_chart_svg(rows, title=title)
    assert len(bars(parse(svg))) == len(rows)
    assert svg == section_chart_svg(rows, title=title)


def test_long_english_labels_wrap_instead_of_being_cut():
    label = "Physical security and the handling of paper records"
    svg = section_chart_svg([(label, 70.0), ("Contracts", 90.0)])
    root = parse(svg)
    lines = [t.text for t in root.iter(f"{SVG}tspan")]
    # Every word is printed, on more than one line, and none of them is cut.
    assert " ".join(lines[:-1]) == label
    assert len(lines) == 3  # two lines for the long label, one for "Contracts"
    assert "…" not in svg.split("<title>", 2)[2]
    # The rows grow with their lines: the second bar starts below the wrapped label.
    tops = [float(r.get("y")) for r in bars(root)]
    assert tops[1] - tops[0] > 28


def test_japanese_labels_wrap_between_characters_and_stop_at_three_lines():
    lines = wrap_label("委託先の情報セキュリティ管理体制と従業員教育および再委託先の監督" * 2, 180)
    assert len(lines) == 3
    assert lines[-1].endswith("…")
    assert all(len(line) <= 15 for line in lines)
    assert wrap_label("Contracts", 180) == ["Contracts"]
    assert len(wrap_label("Supercalifragilisticexpialidocious" * 3, 100)) == 3
