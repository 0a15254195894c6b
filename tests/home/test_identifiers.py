"""home.identifiers: the one resident ID (GB 11643) check, and the old names that now use it."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from home import identifiers
from home.identifiers import (
    is_resident_id,
    normalise_code,
    resident_id_check_digit,
    resident_id_error,
    validate_resident_id,
)

VALID = ["370282198805061229", "370282196503120044", "11010519491231002X", "37028219960205033X"]


def test_check_digit_follows_iso_7064_mod_11_2():
    # The standard's own example, whose check character is X.
    assert resident_id_check_digit("11010519491231002") == "X"
    for number in VALID:
        assert resident_id_check_digit(number[:17]) == number[17]


@pytest.mark.parametrize("number", VALID)
def test_valid_numbers_pass(number):
    assert resident_id_error(number) is None
    assert is_resident_id(number)
    validate_resident_id(number)


@pytest.mark.parametrize(
    ("number", "code", "words"),
    [
        ("370282198805061226", "check_digit", "校验位不正确"),
        ("37028219880506122", "length", "应为 18 位（现有 17 位）"),
        ("", "length", "应为 18 位（现有 0 位）"),
        ("3702821988050612A9", "format", "前 17 位应为数字"),
        ("370282198813061220", "birth_date", "出生日期不正确"),
        ("370282180001011234", "birth_date", "出生日期不正确"),
    ],
)
def test_wrong_numbers_say_what_is_wrong_without_repeating_the_number(number, code, words):
    message = resident_id_error(number)
    assert words in message
    assert message.startswith("居民身份证号码")
    if number:
        assert number not in message
    with pytest.raises(ValidationError) as raised:
        validate_resident_id(number)
    assert raised.value.code == code


def test_a_birth_date_in_the_future_is_refused():
    tomorrow = date.today() + timedelta(days=1)
    body = f"370282{tomorrow:%Y%m%d}123"
    assert "出生日期不正确" in resident_id_error(body + resident_id_check_digit(body))


def test_normalise_accepts_full_width_spaces_and_a_small_x():
    assert normalise_code(" １１０１０５ 19491231002x ") == "11010519491231002X"
    assert resident_id_error(normalise_code("11010519491231002x")) is None


def test_the_former_copies_are_the_same_functions():
    from disclosure import forms as disclosure_forms
    from services import forms as service_forms
    from services.demo import build

    assert service_forms.resident_id_check_digit is identifiers.resident_id_check_digit
    assert service_forms.validate_resident_id is identifiers.validate_resident_id
    assert disclosure_forms.resident_id_error is identifiers.resident_id_error
    assert build.id_check is identifiers.resident_id_check_digit
    assert build.id_check("11010519491231002") == "X"
