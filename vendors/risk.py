"""The inherent-risk tier of a vendor: what it will handle and reach, before any
control is looked at. A rule anyone can read; the vendor page prints the reasons.

Tier 1 (high) when any of:
  - sensitive personal data (要配慮個人情報)
  - payment card data
  - personal data of 10,000 people or more
  - personal data of 1,000 people or more *and* access to our internal systems
Tier 2 (medium) when any of:
  - personal data (any volume; 1,000 people or more makes a leak reportable under APPI)
  - our confidential information on the vendor's own IT
  - access to our internal systems
  - an outage of the vendor would stop our business
Tier 3 (low) otherwise.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

# Residual risk (inherent tier × rating, assessments.scoring): stored on vendors and
# assessments; the labels read in the audit log and the reports.
RESIDUAL_RISK_CHOICES = [
    ("critical", _("Critical")),
    ("high", _("High")),
    ("medium", _("Medium")),
    ("low", _("Low")),
]

VOLUME_NONE = "none"
VOLUME_UNDER_1K = "lt_1k"
VOLUME_1K_10K = "1k_10k"
VOLUME_10K_100K = "10k_100k"
VOLUME_OVER_100K = "gt_100k"
VOLUME_CHOICES = [
    (VOLUME_NONE, _("No personal records")),
    (VOLUME_UNDER_1K, _("Under 1,000 people")),
    (VOLUME_1K_10K, _("1,000–10,000 people")),
    (VOLUME_10K_100K, _("10,000–100,000 people")),
    (VOLUME_OVER_100K, _("More than 100,000 people")),
]
AT_LEAST_1K = {VOLUME_1K_10K, VOLUME_10K_100K, VOLUME_OVER_100K}
AT_LEAST_10K = {VOLUME_10K_100K, VOLUME_OVER_100K}

TIER_CHOICES = [(1, _("Tier 1 (high)")), (2, _("Tier 2 (medium)")), (3, _("Tier 3 (low)"))]


@dataclass(frozen=True)
class Intake:
    personal_data: bool = False
    sensitive_data: bool = False
    payment_cards: bool = False
    record_volume: str = VOLUME_NONE
    confidential_on_vendor_it: bool = False
    internal_system_access: bool = False
    business_critical: bool = False


@dataclass(frozen=True)
class TierResult:
    tier: int
    reasons: tuple[str, ...]


def inherent_tier(intake: Intake) -> TierResult:
    personal = intake.personal_data or intake.sensitive_data or intake.payment_cards
    volume = intake.record_volume if personal else VOLUME_NONE
    tier1 = [
        (intake.sensitive_data, _("handles sensitive personal data (要配慮個人情報)")),
        (intake.payment_cards, _("handles payment card data")),
        (volume in AT_LEAST_10K, _("personal data of 10,000 people or more")),
        (
            volume in AT_LEAST_1K and intake.internal_system_access,
            _("personal data of 1,000 people or more and access to our internal systems"),
        ),
    ]
    reasons = tuple(str(text) for hit, text in tier1 if hit)
    if reasons:
        return TierResult(1, reasons)
    tier2 = [
        (personal, _("handles personal data")),
        (volume in AT_LEAST_1K, _("1,000 people or more: a leak must be reported under APPI")),
        (intake.confidential_on_vendor_it, _("keeps our confidential information on its own IT")),
        (intake.internal_system_access, _("has access to our internal systems")),
        (intake.business_critical, _("an outage would stop our business")),
    ]
    reasons = tuple(str(text) for hit, text in tier2 if hit)
    if reasons:
        return TierResult(2, reasons)
    return TierResult(3, (str(_("no personal data, confidential information or system access")),))
