"""适老化 mode: larger text, higher contrast, wider spacing; remembered in a cookie."""

ELDER_MODE_COOKIE = "elder_mode"
ELDER_MODE_MAX_AGE = 365 * 24 * 3600


def elder_mode_enabled(request):
    return request.COOKIES.get(ELDER_MODE_COOKIE) == "1"
