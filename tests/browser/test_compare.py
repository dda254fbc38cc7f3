"""A manager compares three phone-answering candidates and downloads the CSV."""

import pytest
from django.urls import reverse

from assessments import services
from questionnaires.checklists import install_default_checklist
from tests.factories import answer_like_demo, approve, make_vendor, submit

from .conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ENGAGEMENT = "電話代行 2027"
# name, tier, (quality, breach-report hours, subcontracts), as seed_demo plans them
CANDIDATES = [
    ("株式会社さくらコール", 2, (0.92, 12, False)),
    ("みどり電話秘書株式会社", 2, (0.7, 48, True)),
    ("あおぞらテレサポート株式会社", 1, (0.45, 96, True)),
]


@pytest.fixture
def candidates(staff, manager):
    install_default_checklist()
    vendors = []
    for name, tier, (quality, hours, subcontracts) in CANDIDATES:
        vendor = make_vendor(staff, name, tier=tier, engagement=ENGAGEMENT)
        assessment = services.start_assessment(vendor, user=staff, reviewer=manager)
        answer_like_demo(
            assessment, staff, quality=quality, hours=hours, subcontracts=subcontracts, seed=name
        )
        submit(assessment, staff)
        approve(assessment, manager)
        vendors.append(vendor)
    make_vendor(staff, "株式会社ほかの案件", engagement="印刷 2027")
    return vendors


def test_manager_compares_three_candidates_and_downloads_the_csv(page, candidates, manager):
    log_in(page, "bob")
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto(reverse("assessments:compare"))
    for vendor in candidates:
        page.check(f"#v{vendor.pk}")
    page.click("[data-testid=compare]")
    page.wait_for_selector("table.compare-table")

    headers = page.locator("table.compare-table thead th").all_inner_texts()
    for name, _, _ in CANDIDATES:
        assert any(h.startswith(name) for h in headers)
    # Only what matters is highlighted; the best value of the rows is bold.
    rows = page.locator("table.compare-table tbody tr:has(th[scope=row])").count()
    highlighted = page.locator("table.compare-table tr[data-highlighted]").count()
    assert 1 <= highlighted < rows / 2
    assert page.locator("table.compare-table td.best-cell strong").count() >= 5
    # Sakura answers the breach report within 12 hours, Aozora within 96.
    contract_row = page.locator("th[scope=row]", has_text="INC-01 ")
    inc01 = page.locator("table.compare-table tbody tr", has=contract_row).inner_text()
    assert "12" in inc01 and "48" in inc01 and "96" in inc01
    screenshot(page, "compare-three-candidates")
    page.set_viewport_size({"width": 390, "height": 800})
    screenshot(page, "compare-three-candidates-390")
    page.set_viewport_size({"width": 1280, "height": 800})

    with page.expect_download() as download:
        page.click("[data-testid=csv]")
    path = download.value.path()
    assert download.value.suggested_filename.startswith("vendor-comparison-")
    data = open(path, "rb").read()  # noqa: SIM115 - Playwright owns the temporary file
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8")
    for name, _, _ in CANDIDATES:
        assert name in text
    assert "株式会社ほかの案件" not in text

    # The engagement link picks the same three.
    page.goto(reverse("assessments:compare"))
    page.click(f"text={ENGAGEMENT} (3)")
    page.wait_for_selector("table.compare-table")
    assert page.locator("table.compare-table thead th").count() == 1 + len(CANDIDATES)
