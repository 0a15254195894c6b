"""What the two personal lookups (公积金查询, 交通违法查询) share.

* `identifier_hash(feed, value)`: the keyed hash under which an ID number, or a plate with the last
  six characters of its VIN, is stored by the importers and looked up by the views. Keyed with
  SECRET_KEY: a bare hash of an ID number is reversed by trying every birth date and sequence.
  (Rotating SECRET_KEY therefore makes the stored records unreachable until the next full import.)
* The rate limits, all counted in the cache before the database is touched:
  every lookup per address; wrong passwords (and unknown ID numbers, which the page answers the
  same way) per ID number, after which the ID is locked for the hour; lookups that find nothing
  per plate, so the VIN tail of somebody else's plate cannot be guessed.
* `log_attempt`: every lookup in `LookupAttempt`, with the hash, never the ID or the plate.
* Plate numbers and VINs: normalising what citizens type and checking it, with Chinese messages.
"""

import re
import unicodedata

from django.http import HttpResponseRedirect
from django.utils.cache import add_never_cache_headers
from django.utils.crypto import salted_hmac

from convenience.models.feeds import LookupAttempt
from home import ratelimit

HOUR = 3600

# --- hashing -------------------------------------------------------------------------------------


def identifier_hash(feed, value):
    """The hex SHA-256 HMAC (keyed with SECRET_KEY) of a normalised identifier of one feed."""
    return salted_hmac(f"convenience.personal.{feed}", str(value), algorithm="sha256").hexdigest()


def vehicle_key(plate, vin_tail):
    """The identifier of a vehicle in the traffic feed: normalised plate and VIN tail."""
    return f"{plate}|{vin_tail}"


# --- rate limits ---------------------------------------------------------------------------------

# Lookups per address and hour (each personal lookup counts separately).
LOOKUPS_PER_IP = 30
# Wrong passwords or unknown ID numbers per ID number and hour; then locked for the hour.
FUND_FAILURES_PER_ID = 5
# Lookups that found nothing per plate and hour (any VIN tail); then refused for the hour.
TRAFFIC_MISSES_PER_PLATE = 10

IP_LIMITED_MESSAGE = "查询过于频繁，请一小时后再试。"
FUND_LOCKED_MESSAGE = "该身份证号码查询失败次数过多，已暂停查询，请一小时后再试。"
TRAFFIC_LIMITED_MESSAGE = "该号牌号码一小时内未查到记录的次数过多，已暂停查询，请一小时后再试。"


def allow_ip(feed, ip):
    """Count one lookup from `ip`; False once the hour's allowance is used up."""
    return ratelimit.hit(f"{feed}-lookup-ip", ip or "-", LOOKUPS_PER_IP, HOUR)


def first_refusal_of_hour(feed, ip):
    """True only for the first refused lookup of an address in the hour: a robot hammering the
    page is logged once per hour, not once per request."""
    return ratelimit.hit(f"{feed}-limited-log", ip or "-", 1, HOUR)


def fund_locked(id_hash):
    return ratelimit.is_limited("fund-failures", id_hash, FUND_FAILURES_PER_ID, HOUR)


def count_fund_failure(id_hash):
    ratelimit.hit("fund-failures", id_hash, FUND_FAILURES_PER_ID, HOUR)


def plate_hash(plate):
    return identifier_hash("traffic-plate", plate)


def traffic_limited(plate):
    return ratelimit.is_limited("traffic-misses", plate_hash(plate), TRAFFIC_MISSES_PER_PLATE, HOUR)


def count_traffic_miss(plate):
    ratelimit.hit("traffic-misses", plate_hash(plate), TRAFFIC_MISSES_PER_PLATE, HOUR)


def retry_after():
    return ratelimit.retry_after(HOUR)


# --- the log ---------------------------------------------------------------------------------------


def log_attempt(feed, hashed, ip, outcome):
    """Record one lookup: which feed, the identifier's hash (may be empty when the request was
    refused before one was known), the address and the outcome (a LookupAttempt.Outcome)."""
    return LookupAttempt.objects.create(
        feed=feed, identifier_hash=hashed or "", ip=ip or None, outcome=outcome
    )


# --- plate numbers and VINs ----------------------------------------------------------------------

# The one-character abbreviations of the 31 provinces, autonomous regions and municipalities.
PROVINCES = "京津沪渝冀晋蒙辽吉黑苏浙皖闽赣鲁豫鄂湘粤桂琼川贵云藏陕甘青宁新"
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # no I or O
PLATE_CHARS = PLATE_LETTERS + "0123456789"
PLATE_SUFFIXES = "挂学警"
PLATE_SEPARATORS = re.compile(r"[\s·•・．.\-－]")
# Ordinary: province + letter + 5 (the last may be 挂/学/警); new-energy: province + letter + 6.
PLATE = re.compile(
    rf"^[{PROVINCES}][{PLATE_LETTERS}](?:[{PLATE_CHARS}]{{4}}[{PLATE_CHARS}{PLATE_SUFFIXES}]|[{PLATE_CHARS}]{{6}})$"
)
PLATE_EXAMPLE = "如 鲁B12345，新能源汽车如 鲁BD12345"

VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"  # no I, O or Q
VIN_TAIL = re.compile(rf"^[{VIN_CHARS}]{{6}}$")
VIN = re.compile(rf"^[{VIN_CHARS}]{{17}}$")
VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
VIN_VALUES = {
    **{str(digit): digit for digit in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}


def normalise_plate(value):
    """鲁b·12345, ＂鲁Ｂ 12345＂ → 鲁B12345: full-width to half-width, capitals, no separators."""
    return PLATE_SEPARATORS.sub("", unicodedata.normalize("NFKC", value or "")).upper()


def plate_error(plate):
    """None for a well-formed (normalised) plate number, else what is wrong with it."""
    if not plate:
        return "请填写号牌号码。"
    if plate[0] not in PROVINCES:
        return f"号牌号码的第一个字应为省、自治区、直辖市的简称（{PLATE_EXAMPLE}）。"
    if len(plate) < 2 or plate[1] not in PLATE_LETTERS:
        return f"号牌号码的第二位应为发牌机关代号，是字母（不含 I、O），{PLATE_EXAMPLE}。"
    if len(plate) not in (7, 8):
        return f"号牌号码应为 7 位（新能源汽车 8 位），现有 {len(plate)} 位，{PLATE_EXAMPLE}。"
    if not PLATE.match(plate):
        return "号牌号码第三位起应为数字或字母（不含 I、O），只有最后一位可以是“挂”“学”“警”。"
    return None


def mask_plate(plate):
    """鲁B12D3K → 鲁B·***3K: the province and authority letter, and the last two characters."""
    if len(plate) <= 4:
        return plate[:2] + "·" + "*" * max(len(plate) - 2, 0)
    return f"{plate[:2]}·{'*' * (len(plate) - 4)}{plate[-2:]}"


def normalise_vin(value):
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", value or "")).upper()


def vin_tail_error(tail):
    """None for well-formed last six characters of a VIN, else what is wrong with them."""
    if not tail:
        return "请填写车辆识别代号（车架号）的后六位。"
    if len(tail) != 6:
        return f"请填写车辆识别代号的后六位（现有 {len(tail)} 位）。"
    if not VIN_TAIL.match(tail):
        return "车辆识别代号只含数字和字母，不含字母 I、O、Q，请核对行驶证上的号码。"
    return None


def vin_check_digit(vin):
    """The check character (position 9) of a 17-character VIN (GB 16735, as ISO 3779 / FMVSS 115)."""
    total = sum(VIN_VALUES[char] * weight for char, weight in zip(vin, VIN_WEIGHTS, strict=True))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def vin_error(vin):
    """None for a valid full VIN, else what is wrong with it."""
    if len(vin) != 17:
        return f"车辆识别代号应为 17 位（现有 {len(vin)} 位）。"
    if not VIN.match(vin):
        return "车辆识别代号只能包含数字和字母（不含 I、O、Q）。"
    if vin_check_digit(vin) != vin[8]:
        return "车辆识别代号第 9 位校验位不正确。"
    return None


# --- the views' common steps ---------------------------------------------------------------------


def no_store(response):
    """A personal answer is never cached (by the browser or a proxy) nor indexed."""
    add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def refuse_address(request, feed):
    """The 429 page when the address has used up its lookups for the hour, else None. Counts the
    lookup; only the first refusal of the hour is logged (see `first_refusal_of_hour`)."""
    ip = ratelimit.client_ip(request)
    if allow_ip(feed, ip):
        return None
    if first_refusal_of_hour(feed, ip):
        log_attempt(feed, "", ip, LookupAttempt.Outcome.LIMITED)
    response = ratelimit.too_many_requests(request, IP_LIMITED_MESSAGE, retry_after=retry_after())
    return no_store(response)


def renderer(page, request, template):
    """`render(form, status=200, **context)`: the lookup's `template` with `form` and `context`,
    through `page.render_lookup` (which adds the freshness and the never-cache headers)."""

    def render(form, status=200, **context):
        return page.render_lookup(request, template, {"form": form, **context}, status=status)

    return render


def read_form(request, feed, form_class, render):
    """The steps every personal lookup starts with. Returns `(form, None)` for a POST from an
    address with lookups left whose form is valid; otherwise `(None, response)`: the empty form for
    any other method (nothing is read from the query string), the 429 page of `refuse_address`, or
    the form with its errors (status 400). `render` is the lookup's `renderer`. A GET with a query
    string is sent on to the bare address (see below)."""
    if request.method != "POST":
        if request.META.get("QUERY_STRING"):
            # Nothing is read from the query string, and nothing of it is kept: an ID number or a
            # plate typed into the address goes no further (the page's links, its requests' Referer).
            return None, no_store(HttpResponseRedirect(request.path))
        return None, render(form_class())
    refused = refuse_address(request, feed)
    if refused is not None:
        return None, refused
    form = form_class(request.POST)
    if not form.is_valid():
        return None, render(form, status=400)
    return form, None


def refuse_identifier(feed, hashed, ip, outcome, form, render, message):
    """The 429 answer for an identifier locked or paused for the hour (a fund ID after too many
    failures, a plate after too many misses): the lookup is logged with `outcome`, the form comes
    back with a new captcha, `message` and a Retry-After header."""
    log_attempt(feed, hashed, ip, outcome)
    form.refresh_captcha()
    response = render(form, status=429, error=message)
    response["Retry-After"] = str(retry_after())
    return response
