"""Certificate states at the edges of each scheme's cycle. No database."""

from datetime import date

import pytest

from vendors import certificates as c


def status(kind="pmark", valid_until=date(2024, 12, 1), today=date(2024, 1, 1), **kw):
    return c.certificate_status(kind=kind, valid_until=valid_until, today=today, **kw)


def test_the_pmark_window_matches_jipdecs_example():
    # JIPDEC: validity ending 2024-12-01 -> renewal filed 2024-04-02 to 2024-08-01.
    assert c.pmark_renewal_window(date(2024, 12, 1)) == (date(2024, 4, 2), date(2024, 8, 1))


def test_month_arithmetic_clips_to_the_end_of_the_month():
    assert c.add_months(date(2025, 10, 31), -8) == date(2025, 2, 28)
    assert c.add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)


@pytest.mark.parametrize(
    ("today", "open_"),
    [
        (date(2024, 4, 1), False),
        (date(2024, 4, 2), True),
        (date(2024, 8, 1), True),
        (date(2024, 8, 2), False),
    ],
)
def test_the_pmark_renewal_window_badge_at_its_edges(today, open_):
    badges = status(today=today).badges
    assert (c.RENEWAL_WINDOW_OPEN in badges) is open_


def test_the_window_badge_goes_once_the_renewal_is_filed():
    assert status(today=date(2024, 5, 1), renewal_applied_on=date(2024, 4, 20)).badges == ()


@pytest.mark.parametrize(
    ("applied", "state"),
    [
        (None, c.EXPIRED),
        (date(2024, 8, 1), c.UNDER_RENEWAL),  # last day of the window
        (date(2024, 8, 2), c.EXPIRED),  # one day late
    ],
)
def test_a_pmark_renewed_in_time_stays_valid_while_reviewed(applied, state):
    result = status(today=date(2024, 12, 2), renewal_applied_on=applied)
    assert result.state == state
    assert result.usable is (state == c.UNDER_RENEWAL)


def test_only_the_privacy_mark_is_kept_valid_by_a_pending_renewal():
    result = status(kind="iso27001", today=date(2024, 12, 2), renewal_applied_on=date(2024, 5, 1))
    assert result.state == c.EXPIRED


@pytest.mark.parametrize(
    ("today", "state"),
    [
        (date(2024, 9, 1), c.VALID),  # 91 days left
        (date(2024, 9, 2), c.EXPIRING),  # 90 days left: the warning stays
        (date(2024, 12, 1), c.EXPIRING),  # last valid day
        (date(2024, 12, 2), c.EXPIRED),
    ],
)
def test_the_90_day_warning_at_its_edges(today, state):
    assert status(kind="soc2", today=today).state == state


@pytest.mark.parametrize(
    ("today", "overdue"),
    [(date(2025, 5, 10), False), (date(2025, 5, 11), True)],
)
def test_isms_surveillance_is_overdue_thirteen_months_after_the_last_audit(today, overdue):
    result = status(
        kind="iso27001",
        valid_until=date(2026, 12, 31),
        today=today,
        last_surveillance_on=date(2024, 4, 10),
    )
    assert (c.SURVEILLANCE_OVERDUE in result.badges) is overdue


def test_without_a_recorded_audit_surveillance_counts_from_the_start_of_validity():
    result = status(
        kind="iso27001",
        valid_until=date(2026, 12, 31),
        valid_from=date(2024, 1, 1),
        today=date(2025, 2, 2),
    )
    assert c.SURVEILLANCE_OVERDUE in result.badges


@pytest.mark.parametrize(
    ("today", "state"),
    [(date(2025, 10, 31), c.VALID), (date(2025, 11, 1), c.OLD_EDITION)],
)
def test_iso27001_2013_lapsed_after_the_transition(today, state):
    result = status(
        kind="iso27001", valid_until=date(2027, 1, 1), today=today, edition="iso27001_2013"
    )
    assert result.state == state
    assert result.usable is (state == c.VALID)


def test_the_2022_edition_is_unaffected_by_the_transition():
    result = status(
        kind="iso27001",
        valid_until=date(2027, 1, 1),
        today=date(2026, 1, 1),
        edition="iso27001_2022",
    )
    assert result.state == c.VALID


@pytest.mark.parametrize(
    ("kind", "number", "ok"),
    [
        ("pmark", "10820123", True),
        ("pmark", "10820123(05)", True),
        ("pmark", "1082012", False),
        ("pmark", "10820123(5)", False),
        ("pmark", "JQA-IM1234", False),
        ("iso27001", "IS 123456", True),
        ("iso27001", "JQA-IM1234", True),
        ("iso27001", "ISMS", False),
        ("iso27001", "<script>", False),
        ("soc2", "anything at all", True),
        ("pmark", "", True),
    ],
)
def test_registration_numbers_follow_their_schemes_format(kind, number, ok):
    normalized = c.normalize_registration_number(number)
    assert c.registration_number_ok(kind, normalized) is ok


def test_full_width_numbers_are_normalised_first():
    assert c.normalize_registration_number("１０８２０１２３（０５）") == "10820123(05)"
