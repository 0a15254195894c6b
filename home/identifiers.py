"""The resident ID number (居民身份证号码, GB 11643-1999): one check for every form and importer.

18 characters: a six-digit region code, the birth date (YYYYMMDD), a three-digit sequence and an
ISO 7064 MOD 11-2 check character (a digit or X). `resident_id_error` says in Chinese what is
wrong with a number, or returns None; `validate_resident_id` is the same check as a Django
validator (ValidationError codes: length, format, birth_date, check_digit).

The messages never repeat the number itself: they are shown next to the field and may be logged.
"""

import re
import unicodedata
from datetime import date

from django.core.exceptions import ValidationError

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_DIGITS = "10X98765432"
RESIDENT_ID = re.compile(r"^\d{17}[\dX]$")


def normalise_code(value):
    """Full-width characters and spaces from a Chinese input method are fine; letters in capitals."""
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", value or "")).upper()


def resident_id_check_digit(first17):
    """The check character (0-9 or X) of the first 17 digits of a resident ID number."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_DIGITS[total % 11]


def _problem(value):
    """(code, message) for what is wrong with `value`, or None when it is a valid number."""
    value = value or ""
    if len(value) != 18:
        return "length", f"居民身份证号码应为 18 位（现有 {len(value)} 位），请核对。"
    if not RESIDENT_ID.match(value):
        return "format", "居民身份证号码前 17 位应为数字，最后一位为数字或字母 X。"
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        born = None
    if born is None or born.year < 1900 or born > date.today():
        return "birth_date", "居民身份证号码中的出生日期不正确，请核对。"
    if resident_id_check_digit(value[:17]) != value[17]:
        return "check_digit", "居民身份证号码校验位不正确，请逐位核对后重新输入。"
    return None


def resident_id_error(value):
    """None for a valid resident ID number (already normalised: see `normalise_code`), else what
    is wrong with it, in Chinese."""
    problem = _problem(value)
    return problem[1] if problem else None


def is_resident_id(value):
    return _problem(value) is None


def validate_resident_id(value):
    """Django validator form of `resident_id_error`."""
    problem = _problem(value)
    if problem:
        code, message = problem
        raise ValidationError(message, code=code)
