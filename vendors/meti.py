"""The METI supply-chain security level (サプライチェーン強化に向けたセキュリティ対策評価制度)
a vendor must meet, and whether the level it declares falls short.

The scheme's interim report (中間取りまとめ, April 2025) decides the level with three
questions about the vendor; any "yes" asks for ★4, otherwise ★3:
  1. our important confidential information is handled on the vendor's IT
  2. the vendor stopping would delay our business beyond what we can accept
  3. the vendor's environment can reach our internal systems
★3 is a self-assessment against about 25 requirements; ★4 (about 44) is evaluated by a
third party. IPA's SECURITY ACTION ★1/★2 are self-declarations below both.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

STAR3 = 3
STAR4 = 4
REQUIRED_LEVEL_CHOICES = [(STAR3, _("★3 (Basic)")), (STAR4, _("★4 (Standard)"))]


class DeclaredLevel(models.TextChoices):
    NONE = "", _("None declared")
    SECURITY_ACTION_1 = "sa1", _("IPA SECURITY ACTION ★1 (self-declared)")
    SECURITY_ACTION_2 = "sa2", _("IPA SECURITY ACTION ★2 (self-declared)")
    STAR3_SELF = "star3_self", _("★3 (self-assessed)")
    STAR4_SELF = "star4_self", _("★4 requirements, self-assessed only")
    STAR4_ASSESSED = "star4_assessed", _("★4 (third-party assessed)")


# What each declaration proves on the ★3/★4 scale. ★4 needs a third party: a ★4
# self-assessment proves no more than ★3 (whose requirements ★4 contains).
PROVEN_LEVEL = {
    DeclaredLevel.NONE: 0,
    DeclaredLevel.SECURITY_ACTION_1: 1,
    DeclaredLevel.SECURITY_ACTION_2: 2,
    DeclaredLevel.STAR3_SELF: STAR3,
    DeclaredLevel.STAR4_SELF: STAR3,
    DeclaredLevel.STAR4_ASSESSED: STAR4,
}


@dataclass(frozen=True)
class MetiQuestions:
    confidential_on_vendor_it: bool = False
    business_critical: bool = False
    internal_system_access: bool = False


@dataclass(frozen=True)
class MetiResult:
    required: int
    reasons: tuple[str, ...]
    declared: str
    short: bool


def required_level(questions: MetiQuestions, declared: str = "") -> MetiResult:
    answers = [
        (
            questions.confidential_on_vendor_it,
            _("our important confidential information is handled on the vendor's IT"),
        ),
        (
            questions.business_critical,
            _("the vendor stopping would delay our business beyond what we can accept"),
        ),
        (
            questions.internal_system_access,
            _("the vendor's environment can reach our internal systems"),
        ),
    ]
    reasons = tuple(str(text) for hit, text in answers if hit)
    if reasons:
        level = STAR4
    else:
        level = STAR3
        reasons = (str(_("none of the three questions applies: ★3 is the baseline")),)
    declared = declared if declared in DeclaredLevel.values else DeclaredLevel.NONE
    return MetiResult(level, reasons, declared, PROVEN_LEVEL[DeclaredLevel(declared)] < level)
