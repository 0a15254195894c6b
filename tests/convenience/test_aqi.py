"""AQI after HJ 633-2012: sub-indices worked out by hand at and between breakpoints, the primary
pollutant, the level bands, their colours and the contrast of their text."""

from decimal import Decimal
from pathlib import Path

import pytest

from convenience import aqi

CSS = Path(__file__).resolve().parents[2] / "static" / "css" / "convenience-air.css"


@pytest.mark.parametrize(
    "code, concentration, expected",
    [
        # PM2.5 on the 24-hour table: 0 35 75 115 150 250 350 500
        ("pm25", 0, 0),
        ("pm25", 35, 50),
        ("pm25", 36, 52),  # 50 + 50/40 × 1 = 51.25, rounded up
        ("pm25", 55, 75),  # 50 + 50/40 × 20 = 75 exactly
        ("pm25", 75, 100),
        ("pm25", 76, 102),  # 100 + 1.25 = 101.25
        ("pm25", 115, 150),
        ("pm25", 150, 200),
        ("pm25", 200, 250),  # 200 + 100/100 × 50
        ("pm25", 250, 300),
        ("pm25", 350, 400),
        ("pm25", 500, 500),
        ("pm25", 900, 500),  # beyond the table: reported as 500
        # PM10: 0 50 150 250 350 420 500 600
        ("pm10", 50, 50),
        ("pm10", 100, 75),  # 50 + 50/100 × 50
        ("pm10", 151, 101),  # 100 + 0.5 = 100.5
        ("pm10", 420, 300),
        ("pm10", 600, 500),
        # SO2 1-hour: 0 150 500 650 800; above 800 the 24-hour table (800 1600 …)
        ("so2", 150, 50),
        ("so2", 325, 75),  # 50 + 50/350 × 175
        ("so2", 500, 100),
        ("so2", 650, 150),
        ("so2", 800, 200),
        ("so2", 801, 201),  # 24-hour table: 200 + 100/800 × 1 = 200.125
        ("so2", 1600, 300),
        ("so2", 2620, 500),
        # NO2 1-hour: 0 100 200 700 1200 2340 3090 3840
        ("no2", 50, 25),
        ("no2", 100, 50),
        ("no2", 150, 75),
        ("no2", 200, 100),
        ("no2", 1200, 200),
        ("no2", 3840, 500),
        # CO 1-hour (mg/m³): 0 5 10 35 60 90 120 150
        ("co", Decimal("0.5"), 5),
        ("co", Decimal("0.33"), 4),  # 3.3
        ("co", 5, 50),
        ("co", Decimal("7.5"), 75),
        ("co", 10, 100),
        ("co", 35, 150),
        ("co", 150, 500),
        # O3 1-hour: 0 160 200 300 400 800 1000 1200
        ("o3", 80, 25),
        ("o3", 160, 50),
        ("o3", 161, 52),  # 50 + 50/40 = 51.25
        ("o3", 180, 75),
        ("o3", 200, 100),
        ("o3", 400, 200),
        ("o3", 1200, 500),
    ],
)
def test_sub_index_by_hand(code, concentration, expected):
    assert aqi.iaqi(code, concentration) == expected


def test_missing_and_negative_concentrations():
    assert aqi.iaqi("pm25", None) is None
    assert aqi.compute({}) is None
    assert aqi.compute({"pm25": None, "o3": None}) is None
    with pytest.raises(ValueError):
        aqi.iaqi("pm25", -1)


def test_tables_that_stop_early_do_not_guess():
    assert aqi.interpolate("so2_1h", 801) is None
    assert aqi.interpolate("o3_8h", 801) is None
    assert aqi.interpolate("o3_8h", 160) == 100


def test_aqi_is_the_largest_sub_index_and_names_the_primary_pollutant():
    result = aqi.compute({"pm25": 36, "pm10": 40, "o3": 100, "no2": 30, "so2": 8, "co": Decimal("0.6")})
    assert result.iaqis == {"pm25": 52, "pm10": 40, "o3": 32, "no2": 15, "so2": 3, "co": 6}
    assert result.aqi == 52
    assert result.primary == ("pm25",)
    assert result.level.name == "良"


def test_ties_name_every_primary_pollutant():
    result = aqi.compute({"pm25": 75, "pm10": 150, "o3": 60})
    assert result.aqi == 100
    assert result.primary == ("pm25", "pm10")
    assert aqi.primary_text(result.primary) == "PM2.5、PM10"


def test_no_primary_pollutant_when_air_is_good():
    result = aqi.compute({"pm25": 35, "pm10": 50, "o3": 160})
    assert result.aqi == 50
    assert result.primary == ()


def test_missing_pollutants_are_left_out():
    result = aqi.compute({"pm25": 20, "o3": None, "no2": 220})
    assert set(result.iaqis) == {"pm25", "no2"}
    assert result.aqi == aqi.iaqi("no2", 220) == 102  # 100 + 50/500 × 20
    assert result.primary == ("no2",)


def test_primary_text_never_exceeds_the_stored_field():
    codes = tuple(pollutant.code for pollutant in aqi.POLLUTANTS)
    text = aqi.primary_text(codes)
    assert len(text) <= aqi.PRIMARY_MAX_LENGTH
    assert text.startswith("PM2.5、PM10、O₃")
    assert not text.endswith("、")


@pytest.mark.parametrize(
    "value, grade, name",
    [
        (0, "一级", "优"),
        (50, "一级", "优"),
        (51, "二级", "良"),
        (100, "二级", "良"),
        (101, "三级", "轻度污染"),
        (150, "三级", "轻度污染"),
        (151, "四级", "中度污染"),
        (200, "四级", "中度污染"),
        (201, "五级", "重度污染"),
        (300, "五级", "重度污染"),
        (301, "六级", "严重污染"),
        (500, "六级", "严重污染"),
    ],
)
def test_level_bands(value, grade, name):
    level = aqi.level_of(value)
    assert (level.grade, level.name) == (grade, name)


def test_official_colours_in_the_model_and_the_style_sheet():
    colours = [level.colour for level in aqi.LEVELS]
    assert colours == ["#00e400", "#ffff00", "#ff7e00", "#ff0000", "#99004c", "#7e0023"]
    css = CSS.read_text()
    for level in aqi.LEVELS:
        assert f".{level.css} {{ background: {level.colour}; color: {level.text_colour[:4]}" in css


def _luminance(colour):
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


@pytest.mark.parametrize("level", aqi.LEVELS, ids=lambda level: level.name)
def test_text_on_each_level_colour_is_readable(level):
    light, dark = sorted((_luminance(level.colour), _luminance(level.text_colour)), reverse=True)
    assert (light + 0.05) / (dark + 0.05) >= 4.5


def test_every_level_has_advice_in_chinese():
    for level in aqi.LEVELS:
        assert level.health and level.advice
        assert level.range_text
    assert aqi.LEVELS[-1].range_text == "301 以上"
