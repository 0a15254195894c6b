"""住房公积金 accounts from the fund centre's nightly extract (JSON).

    {"generated_at": "2026-11-28T02:30:00+08:00",
     "records": [{"id_number": "…", "name": "…", "password_hash": "pbkdf2_sha256$…",
                  "account_no": "…", "employer": "…", "status": "正常缴存" | "封存" | "销户",
                  "balance": 12345.67, "monthly_contribution": 1234.00, "paid_up_to": "2026-11",
                  "deposits": [{"month": "2026-11", "amount": 1234.00, "kind": "汇缴"}, …],
                  "loan": null | {"status": "正常还款", "balance": …, "monthly_repayment": …,
                                  "end_date": "2041-06-20"}}, …]}

The ID number is stored only as the keyed hash the page looks it up by and in masked form, the
name only masked, the query password only as the centre's PBKDF2 hash: a record carrying a plain
password is refused. An account is updated in place (found by its ID hash) and its deposits are
replaced by the feed's; accounts missing from an extract stay as they were (not a snapshot).
"""

import re
from datetime import date

from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.utils import timezone

from convenience.importers.base import (
    FeedRefused,
    Importer,
    RowRejected,
    choice,
    decimal,
    in_range,
    text,
)
from convenience.models.feeds import FeedKey
from convenience.models.fund import FundAccount, FundDeposit
from convenience.personal import identifier_hash
from home.identifiers import normalise_code, resident_id_error
from home.masking import mask_identifier, mask_name

STATUSES = {label: value for value, label in FundAccount.Status.choices}
LOAN_STATUSES = {label: value for value, label in FundAccount.LoanStatus.choices}
ACCOUNT_NO = re.compile(r"^\d{6,20}$")
MONTH = re.compile(r"^(\d{4})-(\d{2})$", re.ASCII)
ITERATIONS = re.compile(r"[0-9]{1,9}")  # ASCII digits only: int() takes "١٠٠" too
PLAIN_PASSWORD_FIELDS = ("password", "query_password", "plain_password")
PLAIN_PASSWORD_REASON = (
    "记录含明文查询密码：不接受明文密码，请由公积金中心提供 PBKDF2 哈希（password_hash）。"
)
# The centre's hashes must be Django PBKDF2 strings with at least this many iterations.
PASSWORD_HASHER = PBKDF2PasswordHasher()
MIN_ITERATIONS = 100_000
MAX_ITERATIONS = 10_000_000  # a hash that takes seconds to check would make the page a DoS target
MAX_DEPOSITS = 600  # fifty years of monthly deposits
CHUNK = 500  # rows per query


def month_of(value, label):
    """ "2026-11" → date(2026, 11, 1)."""
    match = MONTH.match(str(value or "").strip())
    if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1950:
        raise RowRejected(f"{label}应为“年-月”格式，如 2026-11。")
    return in_range(date(int(match.group(1)), int(match.group(2)), 1), label)


def add_months(value, months):
    """A date `months` later (earlier when negative), the day kept where the month allows."""
    index = value.year * 12 + value.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for day in (value.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise ValueError(value)


def shift_month_text(value, months):
    """ "2026-11" moved by whole months, or an ISO date moved by whole months; else unchanged."""
    text_value = str(value or "")
    try:
        if MONTH.match(text_value):
            moved = add_months(date(int(text_value[:4]), int(text_value[5:7]), 1), months)
            return f"{moved:%Y-%m}"
        if len(text_value) == 10:
            return add_months(date.fromisoformat(text_value), months).isoformat()
    except ValueError:
        pass
    return value


def password_hash(data):
    """The centre's hash of the query password, checked to be a Django PBKDF2-SHA256 string.

    Checked with the PBKDF2 hasher itself rather than `identify_hasher`, which only knows the
    site's own PASSWORD_HASHERS (Argon2 in one deployment, MD5 in the tests): the centre's hashes
    are PBKDF2 whatever the site uses for its staff.
    """
    value = str(data.get("password_hash") or "").strip()
    if not value:
        raise RowRejected("缺少查询密码哈希（password_hash）。")
    if len(value) > FundAccount._meta.get_field("password_hash").max_length:
        raise RowRejected("查询密码哈希过长。")
    parts = value.split("$")
    if (
        len(parts) != 4
        or parts[0] != PASSWORD_HASHER.algorithm
        or not ITERATIONS.fullmatch(parts[1])
        or not parts[2]
        or not parts[3]
        or "$" in parts[2]
    ):
        raise RowRejected("查询密码哈希不是 PBKDF2 格式（应为 pbkdf2_sha256$迭代次数$盐$哈希）。")
    iterations = int(parts[1])
    if iterations < MIN_ITERATIONS:
        raise RowRejected(f"查询密码哈希的迭代次数低于 {MIN_ITERATIONS}，不安全，未导入。")
    if iterations > MAX_ITERATIONS:
        raise RowRejected(f"查询密码哈希的迭代次数高于 {MAX_ITERATIONS}，会拖慢查询，未导入。")
    return value


class FundImporter(Importer):
    key = FeedKey.FUND
    format = "json"
    columns = (
        "id_number",
        "name",
        "password_hash",
        "account_no",
        "employer",
        "status",
        "balance",
        "monthly_contribution",
        "paid_up_to",
        "deposits",
    )
    snapshot = False

    def __init__(self):
        self.declared = None

    def records(self, payload):
        items = payload.get("records") if isinstance(payload, dict) else payload
        if isinstance(items, list):
            records = [item for item in items if isinstance(item, dict)]
            if any(field in item for item in records for field in PLAIN_PASSWORD_FIELDS) and not any(
                "password_hash" in item for item in records
            ):
                raise FeedRefused(f"{PLAIN_PASSWORD_REASON}整批未导入，原有数据保持不变。")
        return super().records(payload)

    def declared_time(self, payload):
        self.declared = super().declared_time(payload)
        return self.declared

    def clean(self, row):
        data = row.data
        if any(field in data for field in PLAIN_PASSWORD_FIELDS):
            raise RowRejected(PLAIN_PASSWORD_REASON)
        id_number = normalise_code(str(data.get("id_number") or ""))
        if not id_number:
            raise RowRejected("缺少身份证号码。")
        if error := resident_id_error(id_number):
            raise RowRejected(f"身份证号码不正确：{error}")
        name = text(data, "name", "姓名", 20)
        account_no = text(data, "account_no", "个人账号", 20)
        if not ACCOUNT_NO.match(account_no):
            raise RowRejected("个人账号应为 6 至 20 位数字。")
        status = choice(data, "status", "账户状态", STATUSES)
        loan = self.clean_loan(data.get("loan"))
        return {
            "id_hash": identifier_hash(FeedKey.FUND, id_number),
            "id_masked": mask_identifier(id_number),
            "name_masked": mask_name(name),
            "password_hash": password_hash(data),
            "account_no": account_no,
            "employer": text(data, "employer", "缴存单位", 100),
            "status": status,
            "balance": decimal(data, "balance", "账户余额", minimum=0, maximum=9_999_999_999),
            "monthly_contribution": decimal(
                data, "monthly_contribution", "月缴存额", minimum=0, maximum=99_999_999
            ),
            "paid_up_to": (
                month_of(data["paid_up_to"], "缴至年月")
                if str(data.get("paid_up_to") or "").strip()
                else None
            ),
            **loan,
            "deposits": self.clean_deposits(data.get("deposits")),
        }

    def clean_deposits(self, deposits):
        if deposits is None:
            return []
        if not isinstance(deposits, list):
            raise RowRejected("缴存记录（deposits）应为列表。")
        if len(deposits) > MAX_DEPOSITS:
            raise RowRejected(f"缴存记录超过 {MAX_DEPOSITS} 条。")
        cleaned, seen = [], set()
        for number, item in enumerate(deposits, 1):
            if not isinstance(item, dict):
                raise RowRejected(f"第 {number} 条缴存记录格式不正确。")
            try:
                month = month_of(item.get("month"), "缴存年月")
                amount = decimal(item, "amount", "缴存金额", minimum=-99_999_999, maximum=99_999_999)
                kind = text(item, "kind", "业务类型", 20, required=False) or "汇缴"
            except RowRejected as error:
                raise RowRejected(f"第 {number} 条缴存记录：{error}") from None
            if (month, kind) in seen:
                raise RowRejected(f"第 {number} 条缴存记录与前面的记录重复（{month:%Y-%m} {kind}）。")
            seen.add((month, kind))
            cleaned.append({"month": month, "amount": amount, "kind": kind})
        return cleaned

    def clean_loan(self, loan):
        none = {"loan_status": FundAccount.LoanStatus.NONE, "loan_balance": None}
        none.update(loan_monthly_repayment=None, loan_end=None)
        if loan is None:
            return none
        if not isinstance(loan, dict):
            raise RowRejected("贷款信息（loan）应为对象或 null。")
        status = choice(loan, "status", "贷款状态", LOAN_STATUSES)
        if status == FundAccount.LoanStatus.NONE:
            return none
        active = status in (FundAccount.LoanStatus.REPAYING, FundAccount.LoanStatus.OVERDUE)
        end = str(loan.get("end_date") or "").strip()
        try:
            loan_end = in_range(date.fromisoformat(end), "贷款到期日") if end else None
        except ValueError:
            raise RowRejected("贷款到期日应为“年-月-日”格式，如 2041-06-20。") from None
        if active and loan_end is None:
            raise RowRejected("缺少贷款到期日。")
        return {
            "loan_status": status,
            "loan_balance": decimal(
                loan, "balance", "贷款余额", minimum=0, maximum=9_999_999_999, required=active
            ),
            "loan_monthly_repayment": decimal(
                loan, "monthly_repayment", "月还款额", minimum=0, maximum=99_999_999, required=active
            ),
            "loan_end": loan_end,
        }

    def natural_key(self, cleaned):
        return cleaned["id_hash"]

    def apply(self, accepted, complete):
        """Accounts are upserted by their ID hash (a row per 500 accounts, not per account: a
        bulk update of thousands of accounts takes SQLite many seconds); their deposits replaced."""
        updated_at = self.declared or timezone.now()
        fields = [name for name in accepted[0] if name not in ("id_hash", "deposits")]
        FundAccount.objects.bulk_create(
            [
                FundAccount(
                    id_hash=record["id_hash"], updated_at=updated_at, **{n: record[n] for n in fields}
                )
                for record in accepted
            ],
            batch_size=CHUNK,
            update_conflicts=True,
            unique_fields=["id_hash"],
            update_fields=[*fields, "updated_at"],
        )
        hashes = [record["id_hash"] for record in accepted]
        ids = {}
        for start in range(0, len(hashes), CHUNK):
            chunk = hashes[start : start + CHUNK]
            ids.update(FundAccount.objects.filter(id_hash__in=chunk).values_list("id_hash", "pk"))
        account_ids = list(ids.values())
        for start in range(0, len(account_ids), CHUNK):
            FundDeposit.objects.filter(account_id__in=account_ids[start : start + CHUNK]).delete()
        FundDeposit.objects.bulk_create(
            [
                FundDeposit(account_id=ids[record["id_hash"]], **deposit)
                for record in accepted
                for deposit in record["deposits"]
            ],
            batch_size=1000,
        )

    # --- the demo's date shift: months move by whole months ------------------------------------

    def shift(self, payload, rows, delta):
        months = self._months(delta)
        super().shift(payload, rows, delta)
        for row in rows:
            data = row.data
            if data.get("paid_up_to"):
                data["paid_up_to"] = shift_month_text(data["paid_up_to"], months)
            for deposit in data.get("deposits") or []:
                if isinstance(deposit, dict) and deposit.get("month"):
                    deposit["month"] = shift_month_text(deposit["month"], months)
            loan = data.get("loan")
            if isinstance(loan, dict) and loan.get("end_date"):
                loan["end_date"] = shift_month_text(loan["end_date"], months)

    @staticmethod
    def _months(delta):
        """Whole months between the sample's moment (2026-11-28 noon, Beijing) and that moment
        moved by `delta`: the demo loaded on any day of January moves November to January."""
        from convenience.services import SAMPLE_FEED_MOMENT

        end = SAMPLE_FEED_MOMENT + delta
        return (end.year - SAMPLE_FEED_MOMENT.year) * 12 + end.month - SAMPLE_FEED_MOMENT.month
