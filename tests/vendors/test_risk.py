"""The inherent-risk tier rule, one Intake per row. No database."""

import pytest
from django.utils import translation

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
    (
        "10,000 people exactly (10k-100k band)",
        Intake(personal_data=True, record_volume=K10_100K),
        1,
    ),
    ("over 100,000 people", Intake(personal_data=True, record_volume=GT100K), 1),
    (
        "1,000 people and internal access",
        Intake(personal_data=True, record_volume=K1_10K, internal_system_access=True),
        1,
    ),
    (
        "over 100,000 people and internal access",
        Intake(personal_data=True, record_volume=GT100K, internal_system_access=True),
        1,
    ),
    # The 1,000 / 10,000 edges
    ("1,000-10,000 people without access", Intake(personal_data=True, record_volume=K1_10K), 2),
    (
        "under 1,000 people with internal access",
        Intake(personal_data=True, record_volume=LT1K, internal_system_access=True),
        2,
    ),
    ("under 1,000 people", Intake(personal_data=True, record_volume=LT1K), 2),
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
    assert len(result.reasons) == 4


def test_it_names_the_appi_reporting_threshold_at_1000_people():
    with translation.override("en"):
        reasons = inherent_tier(Intake(personal_data=True, record_volume=K1_10K)).reasons
        assert any("APPI" in r for r in reasons)
        reasons = inherent_tier(Intake(personal_data=True, record_volume=LT1K)).reasons
    assert not any("APPI" in r for r in reasons)


def test_tier_three_gives_its_reason():
    with translation.override("en"):
        assert inherent_tier(Intake()).reasons == (
            "no personal data, confidential information or system access",
        )
