"""The inherent-risk tier rule, one Intake per row. No database."""

import pytest
from django.utils import translation
from hypothesis import example, given
from hypothesis import strategies as st

from vendors import risk
from vendors.risk import Intake, inherent_tier

NONE, LT1K, K1_10K, K10_100K, GT100K = (
    risk.VOLUME_NONE,
    risk.VOLUME_UNDER_1K,
    risk.VOLUME_1K_10K,
    risk.VOLUME_10K_100K,
    risk.VOLUME_OVER_100K,
)

ROWS = [
    # Tier 1, each rule line alone
    ("sensitive data alone", Intake(sensitive_data=True), 1),
    ("payment cards alone", Intake(payment_cards=True), 1),
    ("My Number alone", Intake(my_number=True), 1),
    (
        "10,001 to 100,000 people",
        Intake(personal_data=True, record_volume=K10_100K),
        1,
    ),
    ("over 100,000 people", Intake(personal_data=True, record_volume=GT100K), 1),
    (
        "1,001 to 10,000 people and internal access",
        Intake(personal_data=True, record_volume=K1_10K, internal_system_access=True),
        1,
    ),
    (
        "over 100,000 people and internal access",
        Intake(personal_data=True, record_volume=GT100K, internal_system_access=True),
        1,
    ),
    # The 1,000 / 10,000 edges
    ("1,001-10,000 people without access", Intake(personal_data=True, record_volume=K1_10K), 2),
    (
        "1,000 people or fewer with internal access",
        Intake(personal_data=True, record_volume=LT1K, internal_system_access=True),
        2,
    ),
    ("1,000 people or fewer", Intake(personal_data=True, record_volume=LT1K), 2),
    # Tier 2, each rule line alone
    ("personal data of unknown volume", Intake(personal_data=True), 2),
    ("confidential information on vendor IT", Intake(confidential_on_vendor_it=True), 2),
    ("internal system access", Intake(internal_system_access=True), 2),
    ("business critical", Intake(business_critical=True), 2),
    # A volume without any personal data counts for nothing
    ("volume ticked but no personal data", Intake(record_volume=GT100K), 3),
    (
        "volume and access but no personal data",
        Intake(record_volume=K10_100K, internal_system_access=True),
        2,
    ),
    # Tier 3
    ("nothing at all", Intake(), 3),
]


@pytest.mark.parametrize(("intake", "tier"), [r[1:] for r in ROWS], ids=[r[0] for r in ROWS])
def test_tier_rule(intake, tier):
    result = inherent_tier(intake)
    assert result.tier == tier
    assert result.reasons  # the vendor page always explains the tier


def test_it_lists_every_tier_one_reason_that_applies():
    result = inherent_tier(
        Intake(
            personal_data=True,
            sensitive_data=True,
            payment_cards=True,
            record_volume=GT100K,
            internal_system_access=True,
        )
    )
    assert result.tier == 1
    # sensitive, cards, more than 10,000, more than 1,000 with access, and the APPI note
    assert len(result.reasons) == 5


def reportable_by_count(reasons):
    return any("more than 1,000 people: a leak" in r for r in reasons)


@given(st.integers(min_value=1, max_value=2_000_000))
@example(1000)
@example(1001)
def test_the_person_count_case_starts_above_1000_people(people):
    """規則7条4号: more than 1,000. 1,000 is not over the threshold; 1,001 is."""
    intake = Intake(personal_data=True, record_volume=risk.volume_for_count(people))
    with translation.override("en"):
        reasons = inherent_tier(intake).reasons
    assert risk.count_is_reportable(people) == (people > 1000)
    assert reportable_by_count(reasons) == (people > 1000)


@pytest.mark.parametrize(
    ("people", "band"),
    [
        (0, NONE),
        (1, LT1K),
        (1000, LT1K),
        (1001, K1_10K),
        (10000, K1_10K),
        (10001, K10_100K),
        (100000, K10_100K),
        (100001, GT100K),
    ],
)
def test_head_counts_fall_in_bands_whose_upper_bound_is_inclusive(people, band):
    assert risk.volume_for_count(people) == band


@pytest.mark.parametrize(
    ("intake", "article"),
    [
        (Intake(sensitive_data=True), "7(i)"),
        (Intake(payment_cards=True), "7(ii)"),
        (Intake(personal_data=True), "7(iii)"),
    ],
    ids=["sensitive", "financial loss", "malicious intent"],
)
def test_the_single_person_cases_say_they_need_no_head_count(intake, article):
    with translation.override("en"):
        reasons = inherent_tier(intake).reasons
    assert any(article in r and "one person" in r for r in reasons)
    assert not reportable_by_count(reasons)


def test_tier_three_gives_its_reason():
    with translation.override("en"):
        assert inherent_tier(Intake()).reasons == (
            "no personal data, confidential information or system access",
        )
