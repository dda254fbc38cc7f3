"""The inherent-risk tier of a vendor: what it will handle and reach, before any
control is looked at. A rule anyone can read; the vendor page prints the reasons.

Tier 1 (high) when any of:
  - sensitive personal data (要配慮個人情報)
  - payment card data
  - My Number (特定個人情報): its own law, its own breach reports
  - personal data of more than 10,000 people
  - personal data of more than 1,000 people *and* access to our internal systems
Tier 2 (medium) when any of:
  - personal data (any volume)
  - our confidential information on the vendor's own IT
  - access to our internal systems
  - an outage of the vendor would stop our business

Tier 3 (low) otherwise.

When a leak must be reported to the PPC (APPI Art. 26, 施行規則 第7条) is a separate
question from the tier, and the reasons say which case applies: sensitive data (1号),
data whose misuse may cause financial loss such as card numbers (2号) and a leak
caused with malicious intent (3号) are reportable from a single person; only the
person-count case (4号) has a threshold, and it is *more than* 1,000 people
(1,000 is not over it, 1,001 is).
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

# APPI Enforcement Rules Art. 7(iv): reportable when the people affected number
# *more than* this.
REPORTABLE_PEOPLE_THRESHOLD = 1_000

# The stored codes predate the "more than 1,000" wording; each band's upper bound is
# inclusive (lt_1k is "1,000 or fewer", 1k_10k is "1,001–10,000", ...).
VOLUME_NONE = "none"
VOLUME_UNDER_1K = "lt_1k"
VOLUME_1K_10K = "1k_10k"
VOLUME_10K_100K = "10k_100k"
VOLUME_OVER_100K = "gt_100k"
VOLUME_CHOICES = [
    (VOLUME_NONE, _("No personal records")),
    (VOLUME_UNDER_1K, _("1,000 people or fewer")),
    (VOLUME_1K_10K, _("1,001–10,000 people")),
    (VOLUME_10K_100K, _("10,001–100,000 people")),
    (VOLUME_OVER_100K, _("More than 100,000 people")),
]
OVER_1K = {VOLUME_1K_10K, VOLUME_10K_100K, VOLUME_OVER_100K}
OVER_10K = {VOLUME_10K_100K, VOLUME_OVER_100K}

TIER_CHOICES = [(1, _("Tier 1 (high)")), (2, _("Tier 2 (medium)")), (3, _("Tier 3 (low)"))]


def volume_for_count(people: int) -> str:
    """The band a head count falls in (bands end at 1,000, 10,000 and 100,000 inclusive)."""
    if people <= 0:
        return VOLUME_NONE
    if people <= 1_000:
        return VOLUME_UNDER_1K
    if people <= 10_000:
        return VOLUME_1K_10K
    if people <= 100_000:
        return VOLUME_10K_100K
    return VOLUME_OVER_100K


def count_is_reportable(people: int) -> bool:
    """The person-count case of 施行規則 第7条第4号: more than 1,000 people."""
    return people > REPORTABLE_PEOPLE_THRESHOLD


@dataclass(frozen=True)
class Intake:
    personal_data: bool = False
    sensitive_data: bool = False
    payment_cards: bool = False
    my_number: bool = False
    record_volume: str = VOLUME_NONE
    confidential_on_vendor_it: bool = False
    internal_system_access: bool = False
    business_critical: bool = False


@dataclass(frozen=True)
class TierResult:
    tier: int
    reasons: tuple[str, ...]


def inherent_tier(intake: Intake) -> TierResult:
    personal = (
        intake.personal_data or intake.sensitive_data or intake.payment_cards or intake.my_number
    )
    volume = intake.record_volume if personal else VOLUME_NONE
    tier1 = [
        (
            intake.sensitive_data,
            _(
                "handles sensitive personal data (要配慮個人情報): a leak is reportable to the "
                "PPC even for one person (APPI Enforcement Rules Art. 7(i))"
            ),
        ),
        (
            intake.payment_cards,
            _(
                "handles payment card data, whose misuse may cause financial loss: a leak is "
                "reportable even for one person (Art. 7(ii))"
            ),
        ),
        (
            intake.my_number,
            _(
                "handles My Number (特定個人情報): the My Number Act's own rules on "
                "subcontracting and breach reports apply"
            ),
        ),
        (volume in OVER_10K, _("personal data of more than 10,000 people")),
        (
            volume in OVER_1K and intake.internal_system_access,
            _("personal data of more than 1,000 people and access to our internal systems"),
        ),
    ]
    reasons = [str(text) for hit, text in tier1 if hit]
    if volume in OVER_1K:
        reasons.append(str(_over_1k_reason()))
    if any(hit for hit, _text in tier1):
        return TierResult(1, tuple(reasons))
    tier2 = [
        (
            personal,
            _(
                "handles personal data (a leak caused with malicious intent, such as an "
                "attack, is reportable even for one person: Art. 7(iii))"
            ),
        ),
        (volume in OVER_1K, _over_1k_reason()),
        (intake.confidential_on_vendor_it, _("keeps our confidential information on its own IT")),
        (intake.internal_system_access, _("has access to our internal systems")),
        (intake.business_critical, _("an outage would stop our business")),
    ]
    reasons = tuple(str(text) for hit, text in tier2 if hit)
    if reasons:
        return TierResult(2, reasons)
    return TierResult(3, (str(_("no personal data, confidential information or system access")),))


def _over_1k_reason():
    return _(
        "more than 1,000 people: a leak of their data is reportable whatever the data (Art. 7(iv))"
    )
