"""Side-by-side comparison: who may use it, how many vendors, what the rows say,
the CSV (BOM, Japanese, no formulas) and a query count independent of the registry."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from assessments import services
from questionnaires.checklists import install_default_checklist
from tests.factories import answer_everything, approved_assessment, make_vendor
from vendors.models import Certification, Vendor

FORMULA_NAME = '=HYPERLINK("http://x")'
ENGAGEMENT = "電話代行 2027"


def certify(vendor, kind, days):
    Certification.objects.create(
        vendor=vendor, kind=kind, valid_until=timezone.localdate() + timedelta(days=days)
    )


@pytest.fixture
def candidates(staff, manager, db):
    """Three phone-answering candidates: a strong one, one that failed a critical item,
    and one (with a name that looks like a formula) still being assessed."""
    install_default_checklist()
    strong = make_vendor(staff, "株式会社さくらコール", tier=2, engagement=ENGAGEMENT)
    approved_assessment(strong, staff, manager, {"INC-01": 12, "SUB-01": "no"})
    certify(strong, Certification.Kind.ISO27001, 400)

    weak = make_vendor(staff, "みどり電話秘書株式会社", tier=2, engagement=ENGAGEMENT)
    approved_assessment(
        weak,
        staff,
        manager,
        {"CON-01": "no", "INC-01": 48, "SUB-01": "yes", "SUB-02": "yes", "PHY-05": "no"},
    )
    certify(weak, Certification.Kind.PMARK, 30)

    odd = make_vendor(staff, FORMULA_NAME, tier=1, engagement=ENGAGEMENT)
    answer_everything(
        services.start_assessment(odd, user=staff, reviewer=manager),
        staff,
        {"INC-01": 96, "SUB-01": "no", "POL-01": "partial"},
    )
    certify(odd, Certification.Kind.PMARK, -5)
    return [strong, weak, odd]


def url(*vendors, **params):
    query = "&".join(f"v={v.pk if hasattr(v, 'pk') else v}" for v in vendors)
    extra = "&".join(f"{k}={val}" for k, val in params.items())
    return reverse("assessments:compare") + "?" + "&".join(q for q in (query, extra) if q)


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.mark.parametrize(
    ("who", "status"),
    [("manager", 200), ("admin_user", 200), ("staff", 403), ("other_staff", 403), (None, 302)],
)
def test_access(client, request, candidates, who, status):
    if who:
        client.force_login(request.getfixturevalue(who))
    response = client.get(url(*candidates))
    assert response.status_code == status
    if status == 200:
        assert len(response.context["columns"]) == 3
    if who is None:
        assert response["Location"].startswith(reverse("login"))
    csv_response = client.get(url(*candidates, format="csv"))
    assert csv_response.status_code == status


@pytest.mark.parametrize("count", [1, 6])
def test_too_few_or_too_many_vendors_is_a_clear_error(manager_client, candidates, staff, count):
    extra = [make_vendor(staff, f"株式会社予備{n}") for n in range(3)]
    chosen = (candidates + extra)[:count]
    response = manager_client.get(url(*chosen))
    assert response.status_code == 200
    assert response.context["columns"] is None
    assert "Choose between 2 and 5 vendors you may see." in response.content.decode()


@pytest.mark.parametrize("unseen", ["missing", "archived"])
def test_a_vendor_the_user_cannot_see_is_ignored(manager_client, candidates, unseen):
    if unseen == "archived":
        Vendor.objects.filter(pk=candidates[1].pk).update(archived_at=timezone.now())
        other = candidates[1].pk
    else:
        other = Vendor.objects.order_by("-pk").first().pk + 1000
    response = manager_client.get(url(candidates[0], other))
    assert response.context["columns"] is None
    assert [v.pk for v in response.context["selected"]] == [candidates[0].pk]
    html = response.content.decode()
    assert "Choose between 2 and 5" in html
    assert candidates[1].name not in html.split('id="id_q"')[0]  # not offered as selected


@pytest.mark.parametrize("junk", ["²", "0" * 6000, "9" * 30, "-3", "1e3"])
def test_ids_that_are_not_plain_ids_are_ignored(manager_client, candidates, junk):
    """Found by fuzzing: "²" passes isdigit() and 6,000 digits overflow int()."""
    response = manager_client.get(url(candidates[0], candidates[1]) + f"&v={junk}")
    assert response.status_code == 200
    assert [v.pk for v in response.context["selected"]] == [c.pk for c in candidates[:2]]


def test_no_selection_shows_the_picker_and_the_engagement_link(manager_client, candidates):
    response = manager_client.get(reverse("assessments:compare"))
    assert response.context["error"] is None
    html = response.content.decode()
    link = "&amp;".join(f"v={v.pk}" for v in sorted(candidates, key=lambda v: v.name_kana))
    assert f'href="?{link}"' in html
    assert f"{ENGAGEMENT} (3)" in html
    for vendor in candidates:
        assert f'name="v" value="{vendor.pk}"' in html


def rows_by_label(response):
    return {row.label: row for row in response.context["rows"]}


def test_columns_follow_the_order_chosen(manager_client, candidates):
    strong, weak, odd = candidates
    response = manager_client.get(url(odd, strong, weak))
    names = [c["vendor"].name for c in response.context["columns"]]
    assert names == [odd.name, strong.name, weak.name]


def test_rows_compare_scores_ratings_knockouts_certifications_and_contracts(
    manager_client, candidates
):
    strong, weak, odd = candidates
    response = manager_client.get(url(strong, weak, odd))
    assert response.status_code == 200
    rows = rows_by_label(response)
    strong_a, weak_a = (v.assessments.get() for v in (strong, weak))

    overall = rows["Overall score"]
    assert overall.cells[:2] == [f"{strong_a.score:.1f}", f"{weak_a.score:.1f}"]
    assert overall.best == {0}
    assert rows["Rating"].cells[:2] == [strong_a.rating, "D"]
    assert rows["Residual risk"].cells[:2] == ["Low", "High"]  # tier 2 x A, tier 2 x D
    assert rows["Assessment status"].cells == ["Approved", "Approved", "In progress"]
    assert rows["Knockouts"].cells == ["None", "INC-01, CON-01", "INC-01"]
    assert rows["Inherent tier"].cells == ["2", "2", "1"]

    sections = [r for r in response.context["rows"] if r.group == "Score by section"]
    assert len(sections) == 11
    scope, physical = sections[0], next(r for r in sections if r.label == "Physical safeguards")
    assert scope.cells == ["—", "—", "—"]  # the scope section is not scored
    assert all(cell != "—" for cell in physical.cells)

    certs = {r.label: r.cells for r in response.context["rows"] if r.group == "Certifications"}
    assert certs["ISO/IEC 27001"][0].startswith("Valid (")
    assert certs["ISO/IEC 27001"][1:] == ["—", "—"]
    pmark = certs["Privacy Mark (JIS Q 15001)"]
    assert pmark[0] == "—"
    assert pmark[1].startswith("Expiring within 90 days (")
    assert pmark[2].startswith("Expired (")

    contract = {
        r.label.split()[0]: r.cells for r in response.context["rows"] if r.group == "Contract terms"
    }
    assert contract["CON-01"] == ["Yes", "No", "Yes"]
    assert contract["INC-01"] == ["12 hours", "48 hours", "96 hours"]
    assert contract["SUB-01"] == ["No", "Yes", "No"]
    assert contract["SUB-02"] == ["Not applicable", "Yes", "Not applicable"]
    assert contract["CON-02"] == ["Yes", "Yes", "Yes"]


ROW = re.compile(r'<tr([^>]*)>\s*<th scope="row"[^>]*>(.*?)</th>(.*?)</tr>', re.S)


def test_only_what_matters_is_highlighted(manager_client, candidates):
    response = manager_client.get(url(*candidates))
    html = response.content.decode()
    trs = {label.strip(): (attrs, cells) for attrs, label, cells in ROW.findall(html)}
    rows = response.context["rows"]
    assert len(trs) == len(rows)
    marked = {label for label, (attrs, _) in trs.items() if 'data-highlighted="true"' in attrs}
    assert marked == {r.label for r in rows if r.highlighted}
    # Failed critical items: the knockouts and the contract terms behind them.
    by_label = rows_by_label(response)
    assert by_label["Knockouts"].alerts == {1, 2}
    con01 = next(r for r in rows if r.label.startswith("CON-01"))
    inc01 = next(r for r in rows if r.label.startswith("INC-01"))
    assert con01.alerts == {1} and inc01.alerts == {1, 2}
    assert "cell-alert" in trs[con01.label][1]
    # Scores: only those more than the margin below the best of their row.
    for row in rows:
        if row.margin is not None:
            known = [r for r in row.ranks if r is not None]
            expected = {i for i, r in enumerate(row.ranks) if r is not None and max(known) - r > 10}
            assert row.gaps == expected - row.alerts, row.label
    # Differences that are not a weakness stand out no more: tier, rating, status, certificates.
    for label in ("Inherent tier", "Rating", "Assessment status", "Residual risk"):
        assert label not in marked
    assert not any(r.label in marked for r in rows if r.group == "Certifications")
    assert len(marked) < len(rows) / 2


def test_the_best_value_of_every_row_is_bold(manager_client, candidates):
    response = manager_client.get(url(*candidates))
    html = response.content.decode()
    trs = {label.strip(): cells for _attrs, label, cells in ROW.findall(html)}
    rows = response.context["rows"]
    by_label = rows_by_label(response)
    assert by_label["Overall score"].best == {0}
    assert by_label["Rating"].best == {0}
    assert by_label["Residual risk"].best == {0}
    assert by_label["Knockouts"].best == {0}
    assert by_label["Inherent tier"].best == {0, 1}  # tier 2 is less sensitive than tier 1
    inc01 = next(r for r in rows if r.label.startswith("INC-01"))
    assert inc01.best == {0}  # the shortest reporting deadline: 12 hours
    con01 = next(r for r in rows if r.label.startswith("CON-01"))
    assert con01.best == {0, 2}
    con02 = next(r for r in rows if r.label.startswith("CON-02"))
    assert con02.best == set()  # all the same: nothing stands out
    iso = by_label["ISO/IEC 27001"]
    assert iso.best == {0}
    # The page prints the best values in bold, and says so to screen readers.
    assert trs[inc01.label].count("<strong>") == 1
    assert "<strong>12 hours</strong>" in trs[inc01.label]
    assert "(best)" in trs[inc01.label]
    assert "<strong>" not in trs[con02.label]


def test_highlights_and_best_values_follow_the_chosen_order(manager_client, candidates):
    strong, weak, odd = candidates
    response = manager_client.get(url(odd, strong, weak))
    rows = rows_by_label(response)
    assert rows["Knockouts"].alerts == {0, 2}
    assert rows["Knockouts"].best == {1}
    assert rows["Overall score"].best == {1}
    inc01 = next(r for r in response.context["rows"] if r.label.startswith("INC-01"))
    assert inc01.cells == ["96 hours", "12 hours", "48 hours"]
    assert inc01.best == {1} and inc01.alerts == {0, 2}
    table = list(
        csv.reader(
            io.StringIO(
                manager_client.get(url(odd, strong, weak, format="csv")).content.decode("utf-8-sig")
            )
        )
    )
    assert table[0][2:] == ["'" + FORMULA_NAME, strong.name, weak.name]


def test_csv_has_a_bom_japanese_names_and_no_formulas(manager_client, candidates):
    strong, weak, odd = candidates
    response = manager_client.get(url(strong, weak, odd, format="csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="vendor-comparison-')
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert table[0] == ["Group", "Item", strong.name, weak.name, "'" + FORMULA_NAME]
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in table for cell in row[2:])
    by_label = {row[1]: row[2:] for row in table[1:]}
    assert by_label["Rating"][1] == "D"
    assert by_label["Knockouts"] == ["None", "INC-01, CON-01", "INC-01"]
    # Two rows about the vendors first, then one per row of the page.
    assert len(table) == 3 + len(manager_client.get(url(*candidates)).context["rows"])


def test_csv_gives_corporate_numbers_assessment_dates_and_numbers_as_numbers(
    manager_client, candidates
):
    strong, weak, odd = candidates
    Vendor.objects.filter(pk=strong.pk).update(corporate_number="1010001000006")
    response = manager_client.get(url(strong, weak, odd, format="csv"))
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    by_label = {row[1]: row[2:] for row in table[1:]}
    assert table[1] == ["Vendor", "Corporate number", "1010001000006", "", ""]
    strong_a, weak_a, odd_a = (v.assessments.get() for v in candidates)
    day = lambda when: timezone.localtime(when).date().isoformat()  # noqa: E731
    assert by_label["Assessment date"] == [
        day(strong_a.approved_at),
        day(weak_a.approved_at),
        day(odd_a.created_at),  # not approved yet: the day it started
    ]
    # Hours as a number column with the unit in the row's label.
    hours = next(v for k, v in by_label.items() if k.startswith("INC-01"))
    label = next(k for k in by_label if k.startswith("INC-01"))
    assert label.endswith("(hours)")
    assert [float(h) for h in hours] == [12, 48, 96]
    assert [float(v) for v in by_label["Completeness (%)"]] == [100, 100, 100]
    assert float(by_label["Overall score"][0]) == pytest.approx(strong_a.score)


def test_csv_in_japanese(client, manager, candidates):
    client.force_login(manager)
    response = client.get(url(*candidates, format="csv"))
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    assert "株式会社さくらコール" in text
    assert "みどり電話秘書株式会社" in text
    header = next(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert header[-1] == "'" + FORMULA_NAME


def test_query_count_is_the_same_for_5_and_50_vendors(
    manager_client, candidates, staff, django_assert_num_queries
):
    def grow(to):
        for n in range(Vendor.objects.count(), to):
            # Engagements with two vendors each, so the picker offers more of them.
            make_vendor(staff, f"株式会社{n:03d}", engagement=f"案件{n // 2:02d}")

    grow(5)
    with django_assert_num_queries(COMPARE_QUERIES):
        small = manager_client.get(url(*candidates))
    grow(50)
    with django_assert_num_queries(COMPARE_QUERIES):
        large = manager_client.get(url(*candidates))
    assert len(small.context["engagement_links"]) < len(large.context["engagement_links"])
    assert [r.cells for r in small.context["rows"]] == [r.cells for r in large.context["rows"]]


# session, user, OTP device, 2 x permissions, groups; the selected vendors, the compared
# vendors and their certifications, assessments, scoring policy, sections, items, answers;
# engagements and their vendors; the candidates; the session save (3).
COMPARE_QUERIES = 20
