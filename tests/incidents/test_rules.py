"""The reportability rule as a table over the facts, and its boundaries property-based."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from incidents import rules
from incidents.rules import Facts, classify

TABLE = [
    # facts, reportable, cases, final report days
    (Facts(people=1_000), False, (), None),
    (Facts(people=1_001), True, (rules.APPI_OVER_1000,), 30),
    (Facts(people=None), False, (), None),
    (Facts(people=None, people_may_exceed=True), True, (rules.APPI_OVER_1000,), 30),
    (Facts(people=1, sensitive_data=True), True, (rules.APPI_SENSITIVE,), 30),
    (Facts(people=1, financial_damage=True), True, (rules.APPI_FINANCIAL,), 30),
    (Facts(people=1, malicious=True), True, (rules.APPI_MALICIOUS,), 60),
    (
        Facts(people=5_000, sensitive_data=True, malicious=True),
        True,
        (rules.APPI_SENSITIVE, rules.APPI_MALICIOUS, rules.APPI_OVER_1000),
        60,
    ),
    (Facts(people=50_000, sensitive_data=True, encrypted=True), False, (), None),
    (Facts(people=100, my_number=True), False, (), None),
    (Facts(people=101, my_number=True), True, (rules.MY_NUMBER_OVER_100,), 30),
    (
        Facts(people=3, my_number=True, malicious=True),
        True,
        (rules.APPI_MALICIOUS, rules.MY_NUMBER_MALICIOUS),
        60,
    ),
]


@pytest.mark.parametrize(("facts", "reportable", "cases", "days"), TABLE)
def test_the_classification_follows_the_table(facts, reportable, cases, days):
    result = classify(facts)
    assert (result.reportable, result.cases, result.final_report_days) == (reportable, cases, days)


def test_the_reasons_name_the_facts_that_decided_it():
    result = classify(Facts(people=1_001, malicious=True))
    text = " ".join(result.reasons)
    assert "1,001" in text and "第7条第4号" in text and "第7条第3号" in text
    assert "委託元" in result.who_reports and "ただし書" in result.who_reports
    quiet = classify(Facts(people=1_000))
    assert "1,000" in " ".join(quiet.reasons) and not quiet.reportable


@given(st.integers(min_value=0, max_value=10_000_000))
def test_the_count_alone_is_reportable_only_above_1000(people):
    assert classify(Facts(people=people)).reportable is (people > 1_000)


@given(st.integers(min_value=1, max_value=1_000))
def test_one_person_with_sensitive_data_is_reportable_whatever_the_count(people):
    assert classify(Facts(people=people, sensitive_data=True)).reportable


@given(
    st.integers(min_value=0, max_value=100_000),
    st.booleans(),
    st.booleans(),
    st.booleans(),
    st.booleans(),
)
def test_advanced_encryption_takes_every_case_away(people, sensitive, financial, malicious, mn):
    facts = Facts(
        people=people,
        sensitive_data=sensitive,
        financial_damage=financial,
        malicious=malicious,
        my_number=mn,
        encrypted=True,
    )
    assert not classify(facts).reportable


@given(st.integers(min_value=0, max_value=100_000), st.booleans(), st.booleans())
def test_sixty_days_exactly_when_malicious(people, sensitive, malicious):
    result = classify(Facts(people=people, sensitive_data=sensitive, malicious=malicious))
    if malicious:
        assert result.final_report_days == 60
    elif result.reportable:
        assert result.final_report_days == 30


def test_facts_changing_after_the_first_report_change_the_classification():
    first = classify(Facts(people=800))
    grown = classify(Facts(people=1_200))
    worse = classify(Facts(people=1_200, malicious=True))
    assert not first.reportable
    assert grown.reportable and grown.final_report_days == 30
    assert worse.final_report_days == 60
