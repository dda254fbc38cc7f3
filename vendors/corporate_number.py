"""Japanese corporate numbers (法人番号): 13 digits, the first a check digit.

The National Tax Agency's rule: with the 12 base digits P1..P12 counted from the
right, Q_n = 1 for odd n and 2 for even n, the check digit is
9 - (Σ P_n × Q_n mod 9).
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def check_digit(base: str) -> int:
    """The check digit of a 12-digit base number."""
    total = sum(int(d) * (1 if n % 2 else 2) for n, d in enumerate(reversed(base), start=1))
    return 9 - total % 9


def is_valid_corporate_number(value: str) -> bool:
    return (
        len(value) == 13
        and value.isascii()
        and value.isdigit()
        and int(value[0]) == check_digit(value[1:])
    )


def normalize_corporate_number(value: str) -> str:
    """Accept the common ways people type it: full-width digits, hyphens, spaces."""
    table = str.maketrans("０１２３４５６７８９", "0123456789", " -‐－ー　")
    return value.translate(table)


def validate_corporate_number(value: str) -> None:
    if not (len(value) == 13 and value.isascii() and value.isdigit()):
        raise ValidationError(
            _("A corporate number has exactly 13 digits."), code="corporate_number_length"
        )
    if not is_valid_corporate_number(value):
        raise ValidationError(
            _("This corporate number's check digit is wrong; please check for a typo."),
            code="corporate_number_check_digit",
        )
