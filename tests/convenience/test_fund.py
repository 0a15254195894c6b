"""公积金查询: the importer over real HTTP (the sample feed, bad records, plain passwords refused, an
unreachable or slow feed, changed fields, duplicates, the previous data kept, no plain personal
data stored anywhere) and the page (validation, the same answer for a wrong password and an
unknown ID, the lock after five failures, the address limit, the masked result, the headers that
keep it out of caches and search engines, a bounded number of queries)."""

import json
from datetime import date, timedelta
from functools import cache

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.cache import cache as django_cache
from django.utils import timezone

from convenience import personal
from convenience.importers import sample_feed
from convenience.models import Feed, ImportRun
from convenience.models.feeds import LookupAttempt
from convenience.models.fund import FundAccount, FundDeposit
from convenience.services import import_sample, run_import
from home.identifiers import resident_id_check_digit
from tests.convenience import personal_helpers as helpers
from tests.convenience.personal_helpers import assert_private, html, rejected_reasons
from tests.factories.convenience import configure_feed

pytestmark = pytest.mark.django_db

S = ImportRun.Status
O = LookupAttempt.Outcome  # noqa: E741
SAMPLE = sample_feed("fund").read_bytes()
SAMPLE_DOC = json.loads(SAMPLE)
# Two people of the sample feed (demo password 135790), and a valid number that has no account.
WANG = "370282198503140263"  # 王海燕, 即墨市人民医院, a loan being repaid
LIU = "37028219960205033X"  # 刘子涵, with a 补缴 among the deposits
NOBODY = "370282196503120044"
PASSWORD = "135790"
IP = "203.0.113.7"
upload, get, post, page, loaded = helpers.for_lookup("fund", "fund.json", IP)


@cache
def pbkdf2(password, salt="testsalt2026", iterations=100_000):
    return PBKDF2PasswordHasher().encode(password, salt, iterations=iterations)


def person_id(birth="19910101", sequence=12):
    body = f"370282{birth}{sequence:03d}"
    return body + resident_id_check_digit(body)


def record(id_number=None, **overrides):
    data = {
        "id_number": id_number or person_id(),
        "name": "韩冬梅",
        "password_hash": pbkdf2(PASSWORD),
        "account_no": "1602820109999",
        "employer": "即墨市环秀街道办事处",
        "status": "正常缴存",
        "balance": "20512.40",
        "monthly_contribution": "1248.00",
        "paid_up_to": "2026-11",
        "deposits": [
            {"month": "2026-11", "amount": "1248.00", "kind": "汇缴"},
            {"month": "2026-10", "amount": "1248.00", "kind": "汇缴"},
        ],
        "loan": None,
    }
    data.update(overrides)
    return data


def feed(*records, generated_at="2026-11-28T02:30:00+08:00"):
    return json.dumps({"generated_at": generated_at, "records": list(records)}, ensure_ascii=False)


def snapshot():
    accounts = sorted(FundAccount.objects.values_list("id_hash", "balance", "status", "password_hash"))
    deposits = sorted(FundDeposit.objects.values_list("account__id_hash", "month", "amount", "kind"))
    return accounts, deposits


def plain_values():
    """Every ID number, name and password hash's plain password the sample feed holds."""
    values = set()
    for item in SAMPLE_DOC["records"]:
        values.update([item["id_number"], item["id_number"][:17], item["name"], item["name"][1:]])
    return values | {PASSWORD}


def stored_text():
    """Everything stored about the fund: the accounts, deposits, import logs and lookup log."""
    rows = [
        *FundAccount.objects.values(),
        *FundDeposit.objects.values(),
        *ImportRun.objects.filter(feed="fund").values(),
        *LookupAttempt.objects.values(),
    ]
    return json.dumps(rows, ensure_ascii=False, default=str)


def account(id_number):
    return FundAccount.objects.get(id_hash=personal.identifier_hash("fund", id_number))


# --- the importer ------------------------------------------------------------------------------------


def test_the_sample_feed_over_http(group, feed_server, settings):
    run = helpers.import_over_http("fund", "fund.json", SAMPLE, feed_server, settings)
    assert run.rows_total == run.rows_accepted == 12 == FundAccount.objects.count()
    wang = account(WANG)
    assert (wang.name_masked, wang.id_masked) == ("王**", "370282********0263")
    assert wang.employer == "即墨市人民医院" and wang.status == FundAccount.Status.NORMAL
    assert str(wang.balance) == "86432.18" and str(wang.monthly_contribution) == "2640.00"
    assert wang.paid_up_to == date(2026, 11, 1) and wang.deposits.count() == 15
    assert wang.loan_status == FundAccount.LoanStatus.REPAYING and wang.loan_end == date(2044, 5, 20)
    assert FundAccount.objects.filter(status=FundAccount.Status.SEALED).count() == 1
    assert FundAccount.objects.filter(status=FundAccount.Status.CLOSED).count() == 1
    assert account(LIU).deposits.filter(kind="补缴").count() == 1
    # The feed's own time is the data's time.
    assert Feed.objects.get(key="fund").data_as_of.isoformat() == "2026-11-27T18:30:00+00:00"


def test_no_plain_id_name_or_password_is_stored_anywhere(group, feed_server, settings):
    configure_feed(settings, "fund", feed_server.serve("/fund.json", SAMPLE))
    run_import("fund")
    bad = record(person_id(sequence=22)[:17] + "0")  # a wrong check digit
    upload(feed(record(), bad, record(person_id(sequence=24), password=PASSWORD)))
    text = stored_text()
    for value in plain_values() | {bad["id_number"], "韩冬梅", person_id(sequence=24)}:
        assert value not in text, value
    assert all(
        value.startswith("pbkdf2_sha256$100000$")
        for value in FundAccount.objects.values_list("password_hash", flat=True)
    )


def test_the_demo_moves_months_by_whole_months(group):
    # To the last day of a January, 22 months back (an extract from the future is refused).
    run = import_sample("fund", shift_to=date(2025, 1, 31))
    assert run.status == S.APPLIED, run.message
    wang = account(WANG)
    assert wang.paid_up_to == date(2025, 1, 1)
    assert wang.deposits.first().month == date(2025, 1, 1) and wang.deposits.last().month == date(2023, 11, 1)
    assert wang.loan_end == date(2042, 7, 20)
    assert account(LIU).deposits.filter(kind="补缴").get().month == date(2024, 5, 1)


def test_the_sample_is_current_when_loaded_for_the_demo(loaded):
    today = timezone.localdate()
    assert account(WANG).paid_up_to == today.replace(day=1)
    # The extract was made at 02:30, 9½ hours before the moment the sample describes.
    as_of = Feed.objects.get(key="fund").data_as_of
    assert abs(as_of - (timezone.now() - timedelta(hours=9, minutes=30))) < timedelta(minutes=65)


def test_a_partly_bad_feed_applies_the_good_records_and_says_why(group, feed_server, settings):
    good = [record(person_id(sequence=n), account_no=f"16028201{n:05d}") for n in range(30, 44, 2)]
    bad = [
        record(person_id(sequence=41)[:17] + ("0" if person_id(sequence=41)[17] != "0" else "1")),  # 8
        record(person_id(sequence=43), password=PASSWORD),  # 9: a plain password alongside
        record(person_id(sequence=45), password_hash="md5$salt$0123456789abcdef"),  # 10
        record(person_id(sequence=47), password_hash=pbkdf2(PASSWORD, iterations=1000)),  # 11
        record(person_id(sequence=49), status="冻结"),  # 12
        record(person_id(sequence=51), deposits=[{"month": "2026-13", "amount": "1"}]),  # 13
    ]
    configure_feed(settings, "fund", feed_server.serve("/partly.json", feed(*good, *bad)))
    run = run_import("fund")
    assert run.status == S.PARTIAL and run.rows_accepted == 7 and run.rows_rejected == 6
    reasons = rejected_reasons(run)
    assert "校验位不正确" in reasons["第 8 条"]
    assert "不接受明文密码" in reasons["第 9 条"]
    assert "不是 PBKDF2 格式" in reasons["第 10 条"]
    assert "迭代次数低于 100000" in reasons["第 11 条"]
    assert "账户状态“冻结”不在允许的取值" in reasons["第 12 条"]
    assert reasons["第 13 条"].startswith("第 1 条缴存记录：缴存年月应为“年-月”格式")
    assert FundAccount.objects.count() == 7


def test_a_feed_of_plain_passwords_is_refused_whole(loaded):
    plain = record()
    plain.pop("password_hash")
    plain["password"] = PASSWORD
    helpers.assert_refused_keeping_data(
        snapshot, lambda: upload(feed(plain)), "不接受明文密码", "原有数据保持不变"
    )
    assert PASSWORD not in stored_text()


def test_an_unreachable_feed_keeps_the_previous_data(loaded, feed_server, settings):
    helpers.assert_unreachable_feed_keeps_data("fund", "json", loaded, feed_server, settings, snapshot)


def test_a_feed_that_times_out_keeps_the_previous_data(loaded, feed_server, settings, short_timeout):
    helpers.assert_slow_feed_keeps_data("fund", "json", SAMPLE, feed_server, settings, snapshot)


def test_renamed_fields_refuse_the_whole_batch(loaded, feed_server, settings):
    renamed = SAMPLE.decode().replace('"id_number"', '"sfzh"')
    configure_feed(settings, "fund", feed_server.serve("/renamed.json", renamed))
    helpers.assert_refused_keeping_data(snapshot, lambda: run_import("fund"), "缺少字段 id_number")


def test_mostly_bad_records_are_refused_whole(loaded):
    bad = feed(
        record(), record(person_id(sequence=60), balance="-1"), record(person_id(sequence=62), name="")
    )
    helpers.assert_refused_keeping_data(snapshot, lambda: upload(bad), "超过 50%")


def test_duplicates_identical_are_ignored_conflicting_are_both_refused(group):
    first, same = record(person_id(sequence=70)), record(person_id(sequence=70))
    one, other = record(person_id(sequence=72)), record(person_id(sequence=72), balance="1.00")
    others = [record(person_id(sequence=n)) for n in (74, 76, 78, 80)]
    run = upload(feed(first, same, one, other, *others))
    assert run.status == S.PARTIAL and run.rows_accepted == 5
    reasons = rejected_reasons(run)
    assert "与第 1 条完全重复" in reasons["第 2 条"]
    assert "内容不同，两行均未导入" in reasons["第 4 条"] and "内容不同" in reasons["第 3 条"]
    assert not FundAccount.objects.filter(
        id_hash=personal.identifier_hash("fund", person_id(sequence=72))
    ).exists()


def test_an_update_replaces_the_account_and_its_deposits_and_keeps_the_others(loaded):
    update = record(
        WANG,
        name="王海燕",
        balance="89072.18",
        deposits=[{"month": "2026-12", "amount": "2640.00", "kind": "汇缴"}],
        loan={"status": "已结清", "balance": "0", "monthly_repayment": "0", "end_date": "2026-12-20"},
    )
    run = upload(feed(update))
    assert run.status == S.APPLIED
    wang = account(WANG)
    assert str(wang.balance) == "89072.18" and list(wang.deposits.values_list("month", flat=True)) == [
        date(2026, 12, 1)
    ]
    assert wang.loan_status == FundAccount.LoanStatus.SETTLED
    assert FundAccount.objects.count() == 12  # not a snapshot: the others stay
    assert account(LIU).deposits.count() == 16


# --- the page -----------------------------------------------------------------------------------------


def test_the_form(page, loaded, client):
    response = get(client, page)
    assert response.status_code == 200
    text = html(response)
    assert 'method="post"' in text and 'name="id_number"' in text and 'type="password"' in text
    assert 'name="captcha"' in text and "数据更新于" in text
    assert_private(response)


def test_a_silent_feed_is_said_to_be_so(page, loaded, client):
    Feed.objects.filter(key="fund").update(data_as_of=timezone.now() - timedelta(days=5))
    response = post(client, page, id_number=WANG, password=PASSWORD)
    text = html(response)
    assert "数据已超过3 天未更新" in text and 'class="bm-freshness bm-stale"' in text
    assert "王**" in text  # the account is still shown, under the warning


def test_nothing_comes_from_the_query_string(page, loaded, client):
    response = get(client, page, {"id_number": WANG, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == helpers.path(page)  # query dropped
    assert_private(response)
    response = client.get(response["Location"], HTTP_HOST=page.get_site().hostname)
    text = html(response)
    assert response.status_code == 200 and WANG not in text and "账户余额" not in text
    assert not LookupAttempt.objects.exists()


def test_the_right_password_shows_the_masked_account(page, loaded, client):
    response = post(client, page, id_number=WANG.lower(), password=PASSWORD)
    assert response.status_code == 200
    text = html(response)
    assert "王**" in text and "370282********0263" in text and "1602*****0351" in text
    assert "王海燕" not in text and WANG not in text and "1602820100351" not in text and PASSWORD not in text
    assert "即墨市人民医院" in text and "86432.18" in text and "2640.00" in text
    assert text.count('<tr><th scope="row">') == 12  # the last 12 of 15 deposits
    assert "2026年11月" in text or timezone.localdate().strftime("%Y年") in text
    assert "正常还款" in text and "412350.66" in text
    assert_private(response)
    attempt = LookupAttempt.objects.get()
    assert (attempt.feed, attempt.outcome, attempt.ip) == ("fund", O.FOUND, IP)
    assert attempt.identifier_hash == personal.identifier_hash("fund", WANG)


def test_an_account_without_loan_or_deposits(page, group, client):
    upload(feed(record(deposits=[], status="封存", paid_up_to="")))
    text = html(post(client, page, id_number=person_id(), password=PASSWORD))
    assert "韩**" in text and "封存" in text and "暂无缴存记录" in text and "无公积金贷款" in text


@pytest.mark.parametrize(
    ("id_number", "words"),
    [
        ("370282198503140264", "校验位不正确"),
        ("37028219850314026", "应为 18 位（现有 17 位）"),
        ("", "请填写身份证号码"),
    ],
)
def test_a_malformed_id_number_is_refused_and_kept_but_not_the_password(
    page, loaded, client, id_number, words
):
    response = post(client, page, id_number=id_number, password="secret99")
    assert response.status_code == 400
    text = html(response)
    assert words in text and 'role="alert"' in text
    assert f'value="{id_number}"' in text if id_number else True
    assert "secret99" not in text
    assert not LookupAttempt.objects.exists()
    assert_private(response)


def test_a_wrong_captcha_is_refused(page, loaded, client):
    response = post(client, page, id_number=WANG, password=PASSWORD, captcha="0000")
    assert response.status_code == 400 and "验证码不正确" in html(response)
    assert not LookupAttempt.objects.exists()


def test_wrong_password_and_unknown_id_get_the_same_answer(page, loaded, client):
    wrong = post(client, page, id_number=WANG, password="000000")
    unknown = post(client, page, id_number=NOBODY, password=PASSWORD)
    assert wrong.status_code == unknown.status_code == 200
    for response in (wrong, unknown):
        text = html(response)
        assert "身份证号码或查询密码不正确" in text and "账户余额" not in text
        assert "000000" not in text
    outcomes = sorted(LookupAttempt.objects.values_list("outcome", flat=True))
    assert outcomes == sorted([O.WRONG_PASSWORD, O.NOT_FOUND])


@pytest.mark.parametrize("id_number", [WANG, NOBODY])
def test_five_failures_lock_the_id_for_the_hour_even_with_the_right_password(page, loaded, client, id_number):
    for _ in range(5):
        assert "身份证号码或查询密码不正确" in html(
            post(client, page, id_number=id_number, password="999999")
        )
    locked = post(client, page, id_number=id_number, password=PASSWORD)
    helpers.assert_paused(locked, "查询失败次数过多", "账户余额", O.LOCKED)
    assert LookupAttempt.objects.exclude(outcome=O.LOCKED).count() == 5
    # Another person's lookup is not affected.
    assert "账户余额" in html(post(client, page, id_number=LIU, password=PASSWORD))


def test_the_address_limit(page, loaded, client):
    malformed, query = {"id_number": "1", "password": "x"}, {"id_number": WANG, "password": PASSWORD}
    helpers.assert_the_address_limit(client, page, malformed, query, IP, "203.0.113.8")


def test_the_lookup_runs_a_bounded_number_of_queries(page, loaded, client, django_assert_max_num_queries):
    post(client, page, id_number=WANG, password=PASSWORD)  # warm the site and page caches
    with django_assert_max_num_queries(20) as few:
        post(client, page, id_number=WANG, password=PASSWORD)
    small = len(few)
    months = [f"{year}-{month:02d}" for year in range(2020, 2027) for month in range(1, 13)]
    upload(feed(record(WANG, deposits=[{"month": m, "amount": "100.00"} for m in months])))
    assert account(WANG).deposits.count() == 84
    django_cache.clear()
    post(client, page, id_number=WANG, password=PASSWORD)
    with django_assert_max_num_queries(small):
        response = post(client, page, id_number=WANG, password=PASSWORD)
    assert html(response).count('<tr><th scope="row">') == 12


def test_results_are_never_indexed_by_the_site_search(page, loaded, client):
    post(client, page, id_number=WANG, password=PASSWORD)
    shown = ("王**", "86432.18", "86,432.18", "即墨市人民医院", "370282********0263")
    helpers.assert_kept_out_of_site_search(page, [FundAccount, FundDeposit], account(WANG), shown)


# --- review: hostile values ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "pbkdf2_sha256$²$salt$hash",
        "pbkdf2_sha256$١٠٠٠٠٠$salt$hash",
        "pbkdf2_sha256$" + "9" * 5000 + "$salt$hash",
    ],
)
def test_a_password_hash_with_odd_digits_is_one_refused_row(value):
    run = upload(feed(record(person_id(sequence=1)), record(person_id(sequence=2), password_hash=value)))
    assert run.status == S.PARTIAL, run.message
    assert "密码哈希" in rejected_reasons(run)["第 2 条"]
    assert FundAccount.objects.count() == 1


@pytest.mark.parametrize("end", ["0001-01-01", "1899-12-31", "9999-12-31"])
def test_a_loan_end_out_of_range_is_one_refused_row(end):
    loan = {"status": "正常还款", "balance": "100000.00", "monthly_repayment": "900.00", "end_date": end}
    run = upload(feed(record(person_id(sequence=1)), record(person_id(sequence=2), loan=loan)))
    assert run.status == S.PARTIAL, run.message
    assert "贷款到期日" in rejected_reasons(run)["第 2 条"]
    assert FundAccount.objects.count() == 1


@pytest.mark.parametrize(
    "generated", ["0001-01-01T00:00:00", "9999-12-31T23:59:00", "future", "1899-12-31T08:00:00+08:00"]
)
def test_a_generated_at_out_of_range_refuses_the_batch(generated):
    if generated == "future":
        generated = (timezone.now() + timedelta(days=2)).isoformat()
    run = upload(feed(record(), generated_at=generated))
    assert run.status == S.REFUSED and "生成时间" in run.message, run.message
    assert not FundAccount.objects.exists()
