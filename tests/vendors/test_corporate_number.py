import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext

from tests.factories import VendorFactory
from vendors.corporate_number import (
    check_digit,
    is_valid_corporate_number,
    normalize_corporate_number,
    validate_corporate_number,
)
from vendors.forms import VendorForm

# Published numbers: the National Tax Agency itself, and two listed companies.
REAL_NUMBERS = ["7000012050002", "1180301018771", "5010401067252"]


@pytest.mark.parametrize("number", REAL_NUMBERS)
def test_it_accepts_real_corporate_numbers(number):
    assert is_valid_corporate_number(number)
    assert check_digit(number[1:]) == int(number[0])
    validate_corporate_number(number)  # does not raise


@pytest.mark.parametrize("number", REAL_NUMBERS)
def test_it_refuses_every_other_check_digit(number):
    for digit in "0123456789":
        if digit != number[0]:
            assert not is_valid_corporate_number(digit + number[1:])


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("8000012050002", "corporate_number_check_digit"),
        ("1180301018772", "corporate_number_check_digit"),  # a typo in the last digit
        ("118030101877", "corporate_number_length"),  # 12 digits
        ("11803010187711", "corporate_number_length"),  # 14 digits
        ("11803O1018771", "corporate_number_length"),  # a letter O for a zero
        ("１１８０３０１０１８７７１", "corporate_number_length"),  # full-width, not normalised
    ],
)
def test_it_refuses_malformed_numbers_with_a_reason(value, code):
    with pytest.raises(ValidationError) as error:
        validate_corporate_number(value)
    assert error.value.code == code


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("１１８０３０１０１８７７１", "1180301018771"),
        ("1-1803-0101-8771", "1180301018771"),
        ("1 1803 0101 8771", "1180301018771"),
        ("１－１８０３－０１０１－８７７１", "1180301018771"),
        ("1ー1803ー0101ー8771", "1180301018771"),
        ("1180301018771", "1180301018771"),
    ],
)
def test_normalize_accepts_the_ways_people_type_it(typed, normalised):
    assert normalize_corporate_number(typed) == normalised
    assert is_valid_corporate_number(normalize_corporate_number(typed))


def vendor_form(number, **extra):
    return VendorForm(
        data={
            "name": "株式会社サンプル",
            "record_volume": "none",
            "corporate_number": number,
            **extra,
        }
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "typed", ["1-1803-0101-8771", "１１８０３０１０１８７７１", "1180301018771"]
)
def test_vendor_form_stores_the_normalised_number(typed):
    form = vendor_form(typed)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["corporate_number"] == "1180301018771"
    assert form.instance.corporate_number == "1180301018771"


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["ja", "en"])
def test_vendor_form_rejects_a_bad_check_digit_in_the_users_language(language):
    with translation.override(language):
        form = vendor_form("1-1803-0101-8772")
        assert not form.is_valid()
        expected = gettext("This corporate number's check digit is wrong; please check for a typo.")
        assert form.errors["corporate_number"] == [expected]


@pytest.mark.django_db
def test_vendor_form_rejects_a_number_another_vendor_has(staff):
    VendorFactory(owner=staff, corporate_number="5010401067252")
    form = vendor_form("5-0104-0106-7252")
    assert not form.is_valid()
    assert form.errors["corporate_number"] == [
        gettext("Another vendor already has this corporate number.")
    ]


@pytest.mark.django_db
def test_vendor_form_allows_no_corporate_number():
    form = vendor_form("")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["corporate_number"] == ""
