"""CSV downloads: cells that a spreadsheet would run as formulas are neutralised, and the
file is UTF-8 with a BOM so that Excel opens Japanese correctly."""

import csv
import io

import pytest

from core.csvexport import csv_response, neutralize


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=SUM(A1:A2)", "'=SUM(A1:A2)"),
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+81 3 1234 5678", "'+81 3 1234 5678"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("株式会社さくらコール", "株式会社さくらコール"),
        ("Sakura Call = good", "Sakura Call = good"),
        ("a-b", "a-b"),
        (" =1", " =1"),
        ("", ""),
        (None, ""),
        (95.3, "95.3"),
        (-2, "'-2"),
    ],
)
def test_neutralize(value, expected):
    assert neutralize(value) == expected


def test_csv_response_is_utf8_with_bom_and_neutralised():
    response = csv_response(
        "comparison.csv",
        ["項目", "=cmd"],
        [["評価", "@A1"], ["概要", None]],
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="comparison.csv"'
    assert response["Cache-Control"] == "private, no-store"
    assert response.content.startswith("\ufeff".encode())
    text = response.content.decode("utf-8-sig")
    assert text.endswith("\r\n")
    assert list(csv.reader(io.StringIO(text))) == [
        ["項目", "'=cmd"],
        ["評価", "'@A1"],
        ["概要", ""],
    ]
