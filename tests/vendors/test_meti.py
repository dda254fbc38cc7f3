"""The METI ★3/★4 rule, one row per combination of the three questions. No database."""

import itertools

import pytest
from django.utils import translation

from vendors import meti
from vendors.meti import DeclaredLevel, MetiQuestions, required_level

THREE = list(itertools.product([False, True], repeat=3))


@pytest.mark.parametrize(("confidential", "critical", "access"), THREE)
def test_any_yes_asks_for_star_four(confidential, critical, access):
    result = required_level(MetiQuestions(confidential, critical, access))
    expected = meti.STAR4 if (confidential or critical or access) else meti.STAR3
    assert result.required == expected
    assert len(result.reasons) == max(1, confidential + critical + access)


def test_the_reasons_name_the_answers_that_set_the_level():
    with translation.override("en"):
        result = required_level(MetiQuestions(business_critical=True))
    assert result.reasons == (
        "the vendor stopping would delay our business beyond what we can accept",
    )


ROWS = [
    # (required, declared, falls short)
    (meti.STAR3, DeclaredLevel.NONE, True),
    (meti.STAR3, DeclaredLevel.SECURITY_ACTION_1, True),
    (meti.STAR3, DeclaredLevel.SECURITY_ACTION_2, True),
    (meti.STAR3, DeclaredLevel.STAR3_SELF, False),
    (meti.STAR3, DeclaredLevel.STAR4_SELF, False),
    (meti.STAR3, DeclaredLevel.STAR4_ASSESSED, False),
    (meti.STAR4, DeclaredLevel.SECURITY_ACTION_2, True),
    (meti.STAR4, DeclaredLevel.STAR3_SELF, True),
    (meti.STAR4, DeclaredLevel.STAR4_SELF, True),  # ★4 needs a third party
    (meti.STAR4, DeclaredLevel.STAR4_ASSESSED, False),
]


@pytest.mark.parametrize(("required", "declared", "short"), ROWS)
def test_a_declared_level_falls_short_of_a_higher_requirement(required, declared, short):
    questions = MetiQuestions(internal_system_access=required == meti.STAR4)
    result = required_level(questions, declared)
    assert result.required == required
    assert result.short is short


def test_an_unknown_declaration_counts_as_none():
    assert required_level(MetiQuestions(), "gold").short is True
