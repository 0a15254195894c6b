"""convenience.personal: the keyed identifier hash, plate and VIN checks, the rate-limit rules and
the lookup log shared by 公积金查询 and 交通违法查询."""

import hashlib

import pytest

from convenience import personal
from convenience.models.feeds import LookupAttempt
from convenience.personal import (
    identifier_hash,
    mask_plate,
    normalise_plate,
    normalise_vin,
    plate_error,
    vin_check_digit,
    vin_error,
    vin_tail_error,
)

pytestmark = pytest.mark.django_db(databases=["default"])


# --- the hash ------------------------------------------------------------------------------------


def test_identifier_hash_is_a_keyed_sha256_per_feed(settings):
    value = "370282198805061229"
    digest = identifier_hash("fund", value)
    assert len(digest) == 64 and int(digest, 16) >= 0
    assert identifier_hash("fund", value) == digest
    assert identifier_hash("traffic", value) != digest
    assert value not in digest
    assert digest != hashlib.sha256(value.encode()).hexdigest()  # keyed, not a bare hash
    settings.SECRET_KEY = "another-secret-key-for-this-test"
    assert identifier_hash("fund", value) != digest


def test_vehicle_key_joins_plate_and_vin_tail():
    assert identifier_hash("traffic", personal.vehicle_key("鲁B7K2M9", "106358")) != identifier_hash(
        "traffic", personal.vehicle_key("鲁B7K2M9", "106359")
    )


# --- plates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "plate"),
    [
        ("鲁B12345", "鲁B12345"),
        ("鲁b·7k2m9", "鲁B7K2M9"),
        (" 鲁 B 12345 ", "鲁B12345"),
        ("鲁Ｂ１２３４５", "鲁B12345"),  # full-width from a Chinese input method
        ("鲁BD12345", "鲁BD12345"),  # small new-energy
        ("鲁B12345D", "鲁B12345D"),  # large new-energy
        ("鲁B1234学", "鲁B1234学"),
        ("鲁B6753挂", "鲁B6753挂"),
        ("鲁B0123警", "鲁B0123警"),
        ("京A-88888", "京A88888"),
        ("新Q•12345", "新Q12345"),
    ],
)
def test_good_plates_are_normalised_and_accepted(typed, plate):
    assert normalise_plate(typed) == plate
    assert plate_error(plate) is None


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("", "请填写号牌号码"),
        ("B12345", "第一个字应为省、自治区、直辖市的简称"),
        ("港B12345", "第一个字应为省"),
        ("鲁O12345", "第二位应为发牌机关代号"),
        ("鲁I12345", "第二位应为发牌机关代号"),
        ("鲁812345", "第二位应为发牌机关代号"),
        ("鲁B1234", "应为 7 位（新能源汽车 8 位），现有 6 位"),
        ("鲁B1234567", "现有 9 位"),
        ("鲁B12O45", "不含 I、O"),
        ("鲁B12学45", "只有最后一位可以是“挂”“学”“警”"),
        ("鲁B12345挂", "只有最后一位"),
    ],
)
def test_bad_plates_get_a_clear_message(typed, words):
    message = plate_error(normalise_plate(typed))
    assert message and words in message


def test_the_31_provinces_are_all_there():
    assert len(personal.PROVINCES) == len(set(personal.PROVINCES)) == 31
    for abbreviation in "鲁京沪粤川藏琼新":
        assert plate_error(f"{abbreviation}A12345") is None


@pytest.mark.parametrize(
    ("plate", "masked"),
    [("鲁B12D3K", "鲁B·***3K"), ("鲁BD12345", "鲁B·****45"), ("鲁B1234学", "鲁B·***4学")],
)
def test_plates_are_masked_to_their_first_and_last_two(plate, masked):
    assert mask_plate(plate) == masked


# --- VINs ---------------------------------------------------------------------------------------


def test_vin_check_digit_position_nine():
    assert vin_check_digit("1M8GDM9AXKP042788") == "X"  # the textbook example
    assert vin_error("1M8GDM9AXKP042788") is None
    assert vin_error("11111111111111111") is None
    assert vin_error("LSVAM4181P2106358") is None  # the sample feed's
    assert "校验位不正确" in vin_error("LSVAM4182P2106358")


@pytest.mark.parametrize(
    ("vin", "words"),
    [
        ("LSVAM4181P210635", "应为 17 位（现有 16 位）"),
        ("LSVAM4181P210635O", "不含 I、O、Q"),
        ("", "现有 0 位"),
    ],
)
def test_bad_vins(vin, words):
    assert words in vin_error(vin)


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("", "请填写"),
        ("10635", "现有 5 位"),
        ("1063588", "现有 7 位"),
        ("10635O", "不含字母 I、O、Q"),
        ("1O6358", "I、O、Q"),
    ],
)
def test_bad_vin_tails(typed, words):
    assert words in vin_tail_error(normalise_vin(typed))


def test_vin_tail_is_normalised():
    assert normalise_vin(" ab１２３4 ") == "AB1234"
    assert vin_tail_error("AB1234") is None


# --- rate limits and the log ------------------------------------------------------------------------


def test_address_allowance():
    for _ in range(personal.LOOKUPS_PER_IP):
        assert personal.allow_ip("fund", "203.0.113.5")
    assert not personal.allow_ip("fund", "203.0.113.5")
    assert personal.allow_ip("traffic", "203.0.113.5")  # each lookup counts separately
    assert personal.allow_ip("fund", "203.0.113.6")


def test_fund_lock_after_five_failures_per_id():
    id_hash = identifier_hash("fund", "370282198805061229")
    for _ in range(personal.FUND_FAILURES_PER_ID - 1):
        personal.count_fund_failure(id_hash)
    assert not personal.fund_locked(id_hash)
    personal.count_fund_failure(id_hash)
    assert personal.fund_locked(id_hash)
    assert not personal.fund_locked(identifier_hash("fund", "370282196503120044"))


def test_traffic_misses_are_counted_per_plate_whatever_the_vin_tail():
    for _ in range(personal.TRAFFIC_MISSES_PER_PLATE):
        assert not personal.traffic_limited("鲁B7K2M9")
        personal.count_traffic_miss("鲁B7K2M9")
    assert personal.traffic_limited("鲁B7K2M9")
    assert not personal.traffic_limited("鲁B5N73Q")


def test_first_refusal_of_the_hour_only():
    assert personal.first_refusal_of_hour("fund", "203.0.113.5")
    assert not personal.first_refusal_of_hour("fund", "203.0.113.5")


def test_log_attempt_keeps_the_hash_and_address_only():
    digest = identifier_hash("fund", "370282198805061229")
    attempt = personal.log_attempt("fund", digest, "203.0.113.5", LookupAttempt.Outcome.WRONG_PASSWORD)
    attempt.refresh_from_db()
    assert (attempt.feed, attempt.identifier_hash, attempt.ip) == ("fund", digest, "203.0.113.5")
    assert personal.log_attempt("traffic", "", "", LookupAttempt.Outcome.LIMITED).ip is None
