from django.conf import settings
from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme

from home.accessibility import ELDER_MODE_COOKIE, ELDER_MODE_MAX_AGE


def toggle_elder_mode(request):
    """Switch 适老化 mode on or off with a plain link (no JavaScript) and go back where we were."""
    next_url = request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    # One switch for the whole group: the cookie is shared by every <unit>.<PORTAL_DOMAIN> site.
    hostname = request.get_host().split(":")[0]
    domain = settings.PORTAL_DOMAIN
    cookie_domain = f".{domain}" if hostname == domain or hostname.endswith(f".{domain}") else None
    if request.GET.get("on") == "1":
        response.set_cookie(
            ELDER_MODE_COOKIE,
            "1",
            max_age=ELDER_MODE_MAX_AGE,
            domain=cookie_domain,
            samesite="Lax",
            httponly=True,
        )
    else:
        response.delete_cookie(ELDER_MODE_COOKIE, domain=cookie_domain, samesite="Lax")
    return response
