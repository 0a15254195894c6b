"""空气质量指数 (AQI) after HJ 633-2012 《环境空气质量指数（AQI）技术规定（试行）》.

Each pollutant's sub-index (IAQI) is the linear interpolation of its concentration on the
breakpoint table; the AQI is the largest IAQI. Hourly (real-time) practice is followed:

- PM2.5 and PM10 have no 1-hour breakpoints; their hourly concentration is read on the 24-hour table.
- SO2, NO2, CO and O3 use their 1-hour tables. SO2 above 800 μg/m³ is not read on the 1-hour table
  (the standard stops there); it is read on the 24-hour table instead.
- Concentrations beyond the last breakpoint are reported as 500.
- Sub-indices and the AQI are rounded up to whole numbers ("全部进位取整数").
- The primary pollutant(s) are those whose IAQI equals the AQI, named only when the AQI is above 50.

Concentrations are μg/m³, CO mg/m³.
"""

import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

IAQI_STEPS = (0, 50, 100, 150, 200, 300, 400, 500)

# Breakpoints (concentration limits) matching IAQI_STEPS.
BREAKPOINTS = {
    "so2_24h": (0, 50, 150, 475, 800, 1600, 2100, 2620),
    "so2_1h": (0, 150, 500, 650, 800),  # above 800: use so2_24h
    "no2_24h": (0, 40, 80, 180, 280, 565, 750, 940),
    "no2_1h": (0, 100, 200, 700, 1200, 2340, 3090, 3840),
    "pm10_24h": (0, 50, 150, 250, 350, 420, 500, 600),
    "co_24h": (0, 2, 4, 14, 24, 36, 48, 60),
    "co_1h": (0, 5, 10, 35, 60, 90, 120, 150),
    "o3_1h": (0, 160, 200, 300, 400, 800, 1000, 1200),
    "o3_8h": (0, 100, 160, 215, 265, 800),  # above 800: use o3_1h
    "pm25_24h": (0, 35, 75, 115, 150, 250, 350, 500),
}

# The table each hourly reading is read on.
HOURLY_TABLE = {
    "pm25": "pm25_24h",
    "pm10": "pm10_24h",
    "o3": "o3_1h",
    "no2": "no2_1h",
    "so2": "so2_1h",
    "co": "co_1h",
}


@dataclass(frozen=True)
class Pollutant:
    code: str
    label: str  # as printed: PM2.5, O₃ …
    name: str  # 细颗粒物 …
    unit: str


POLLUTANTS = (
    Pollutant("pm25", "PM2.5", "细颗粒物", "μg/m³"),
    Pollutant("pm10", "PM10", "可吸入颗粒物", "μg/m³"),
    Pollutant("o3", "O₃", "臭氧", "μg/m³"),
    Pollutant("no2", "NO₂", "二氧化氮", "μg/m³"),
    Pollutant("so2", "SO₂", "二氧化硫", "μg/m³"),
    Pollutant("co", "CO", "一氧化碳", "mg/m³"),
)
POLLUTANT_BY_CODE = {pollutant.code: pollutant for pollutant in POLLUTANTS}
PRIMARY_MAX_LENGTH = 20  # AirReading.primary_pollutant


def _fraction(value):
    if isinstance(value, float):
        value = Decimal(str(value))
    return Fraction(value)


def interpolate(table, concentration):
    """The sub-index of `concentration` on the breakpoint `table` (a BREAKPOINTS key), rounded up;
    500 beyond the last breakpoint; None when the table stops before the value (so2_1h, o3_8h)."""
    limits = BREAKPOINTS[table]
    value = _fraction(concentration)
    if value < 0:
        raise ValueError("concentration below zero")
    for index in range(1, len(limits)):
        low, high = limits[index - 1], limits[index]
        if value <= high:
            iaqi_low, iaqi_high = IAQI_STEPS[index - 1], IAQI_STEPS[index]
            return math.ceil(Fraction(iaqi_high - iaqi_low, high - low) * (value - low) + iaqi_low)
    if len(limits) < len(IAQI_STEPS):
        return None
    return IAQI_STEPS[-1]


def iaqi(code, concentration):
    """The hourly sub-index of one pollutant; None for a missing concentration."""
    if concentration is None:
        return None
    table = HOURLY_TABLE[code]
    result = interpolate(table, concentration)
    if result is None and code == "so2":
        result = interpolate("so2_24h", concentration)
    return result


@dataclass(frozen=True)
class AqiResult:
    aqi: int
    iaqis: dict  # code → IAQI (only the pollutants measured)
    primary: tuple  # codes, empty when AQI ≤ 50

    @property
    def level(self):
        return level_of(self.aqi)


def compute(concentrations):
    """AQI of one hour from {code: concentration or None}; None when nothing was measured."""
    iaqis = {}
    for pollutant in POLLUTANTS:
        value = iaqi(pollutant.code, concentrations.get(pollutant.code))
        if value is not None:
            iaqis[pollutant.code] = value
    if not iaqis:
        return None
    aqi = max(iaqis.values())
    primary = tuple(code for code, value in iaqis.items() if value == aqi) if aqi > 50 else ()
    return AqiResult(aqi, iaqis, primary)


def primary_text(codes, max_length=PRIMARY_MAX_LENGTH):
    """ "PM2.5、O₃": as many whole names as fit the stored field (a tie of five or six is theory)."""
    text = ""
    for code in codes:
        candidate = f"{text}、{POLLUTANT_BY_CODE[code].label}" if text else POLLUTANT_BY_CODE[code].label
        if len(candidate) > max_length:
            break
        text = candidate
    return text


# --- levels: HJ 633-2012 table 2, the colours of its appendix; advice in our own words ---------


@dataclass(frozen=True)
class Level:
    number: int  # 1 … 6
    grade: str  # 一级
    name: str  # 优
    low: int
    high: int  # None for the open top band
    colour: str
    text_colour: str  # contrast with `colour` of at least 4.5:1
    health: str
    advice: str

    @property
    def css(self):
        return f"aqi-{self.number}"

    @property
    def range_text(self):
        return f"{self.low}–{self.high}" if self.high is not None else f"{self.low} 以上"


LEVELS = (
    Level(
        1,
        "一级",
        "优",
        0,
        50,
        "#00e400",
        "#000000",
        "空气清新，基本没有污染，对健康没有影响。",
        "各类人群都可以照常进行户外活动，适合开窗通风。",
    ),
    Level(
        2,
        "二级",
        "良",
        51,
        100,
        "#ffff00",
        "#000000",
        "空气质量总体可以接受，少数对某些污染物特别敏感的人可能会感到轻微不适。",
        "极少数特别敏感的人（如哮喘患者）宜适当减少长时间的户外剧烈运动，其他人可正常活动。",
    ),
    Level(
        3,
        "三级",
        "轻度污染",
        101,
        150,
        "#ff7e00",
        "#000000",
        "易感人群的症状可能轻度加重，健康人群也可能出现鼻、咽喉等部位的刺激感。",
        "儿童、老年人以及心脏病、呼吸系统疾病患者应减少长时间、高强度的户外活动；"
        "一般人群适量减少户外剧烈运动。",
    ),
    Level(
        4,
        "四级",
        "中度污染",
        151,
        200,
        "#ff0000",
        "#000000",
        "易感人群的症状会进一步加重，健康人群的心脏和呼吸系统也可能受到影响。",
        "儿童、老年人和心脏病、呼吸系统疾病患者避免长时间、高强度的户外活动；"
        "一般人群减少户外运动，外出可佩戴口罩。",
    ),
    Level(
        5,
        "五级",
        "重度污染",
        201,
        300,
        "#99004c",
        "#ffffff",
        "心脏病和肺病患者症状明显加重、运动耐受力下降，健康人群也会普遍出现不适症状。",
        "儿童、老年人和心脏病、肺病患者留在室内，停止户外活动；一般人群减少户外活动，"
        "外出佩戴防护口罩，关闭门窗。",
    ),
    Level(
        6,
        "六级",
        "严重污染",
        301,
        None,
        "#7e0023",
        "#ffffff",
        "健康人群运动耐受力明显降低，症状明显，部分人可能提前出现某些疾病。",
        "儿童、老年人和病人留在室内，避免体力消耗；一般人群避免户外活动，确需外出时做好防护。",
    ),
)


def level_of(aqi):
    """The level of an AQI value (a whole number ≥ 0)."""
    for level in LEVELS:
        if level.high is None or aqi <= level.high:
            return level
    return LEVELS[-1]
