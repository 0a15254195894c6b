"""公积金查询: a citizen's housing-fund account, found by ID number and query password.

POST only, the answer on the same response (never in a URL), never cached nor indexed
(`render_lookup` adds the headers). The address's allowance and the ID's failure lock are
checked in the cache before the database is read. A wrong password and an unknown ID number
get the same answer, the same status and (through a dummy hash check) about the same time, and
both count towards the ID's lock, so the page does not tell who has an account. Every lookup is
logged in LookupAttempt by the ID's hash.
"""

from functools import cache

from django.contrib.auth.hashers import PBKDF2PasswordHasher

from convenience import personal
from convenience.forms_personal import FundLookupForm
from convenience.importers.fund import MIN_ITERATIONS
from convenience.models.feeds import FeedKey, LookupAttempt
from convenience.models.fund import FundAccount
from home import ratelimit

TEMPLATE = "convenience/fund.html"
FAILED_MESSAGE = "身份证号码或查询密码不正确。"
DEPOSITS_SHOWN = 12
Outcome = LookupAttempt.Outcome
HASHER = PBKDF2PasswordHasher()


@cache
def dummy_hash():
    """Checked against when the ID number is unknown, so that answer takes as long as a wrong
    password (the centre's hashes use at least MIN_ITERATIONS)."""
    return HASHER.encode("not-a-password", "convenienceFundDummy", iterations=MIN_ITERATIONS)


def mask_account_no(value):
    """1602820100351 → 1602*****0351."""
    if len(value) <= 8:
        return "*" * (len(value) - 4) + value[-4:]
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def password_matches(password, encoded):
    """The centre's hashes are PBKDF2 whatever the site's own PASSWORD_HASHERS are."""
    try:
        return HASHER.verify(password, encoded)
    except (ValueError, AssertionError):
        return False


def index(page, request):
    render = personal.renderer(page, request, TEMPLATE)
    form, response = personal.read_form(request, FeedKey.FUND, FundLookupForm, render)
    if response is not None:
        return response
    id_hash = personal.identifier_hash(FeedKey.FUND, form.cleaned_data["id_number"])
    ip = ratelimit.client_ip(request)
    if personal.fund_locked(id_hash):
        return personal.refuse_identifier(
            FeedKey.FUND, id_hash, ip, Outcome.LOCKED, form, render, personal.FUND_LOCKED_MESSAGE
        )
    account = FundAccount.objects.filter(id_hash=id_hash).first()
    password = form.cleaned_data["password"]
    if account is None:
        password_matches(password, dummy_hash())
        outcome = Outcome.NOT_FOUND
    elif not password_matches(password, account.password_hash):
        outcome = Outcome.WRONG_PASSWORD
    else:
        outcome = Outcome.FOUND
    personal.log_attempt(FeedKey.FUND, id_hash, ip, outcome)
    if outcome != Outcome.FOUND:
        personal.count_fund_failure(id_hash)
        form.refresh_captcha()
        return render(form, error=FAILED_MESSAGE)
    # The answer is shown with a new, empty form: the full ID number is not written back.
    return render(
        FundLookupForm(),
        account=account,
        account_no_masked=mask_account_no(account.account_no),
        deposits=list(account.deposits.all()[:DEPOSITS_SHOWN]),
        deposits_shown=DEPOSITS_SHOWN,
    )
