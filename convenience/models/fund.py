"""住房公积金 accounts as the fund centre's feed delivers them, stored without plain personal data.

The ID number is kept only as a keyed hash (the lookup key) and in masked form; the name only
masked; the query password only as the centre's PBKDF2 hash, never in plain text.
"""

from django.db import models


class FundAccount(models.Model):
    class Status(models.TextChoices):
        NORMAL = "normal", "正常缴存"
        SEALED = "sealed", "封存"
        CLOSED = "closed", "销户"

    class LoanStatus(models.TextChoices):
        NONE = "none", "无贷款"
        REPAYING = "repaying", "正常还款"
        OVERDUE = "overdue", "逾期"
        SETTLED = "settled", "已结清"

    id_hash = models.CharField("身份证号摘要", max_length=64, unique=True)
    id_masked = models.CharField("身份证号（脱敏）", max_length=18)
    name_masked = models.CharField("姓名（脱敏）", max_length=20)
    password_hash = models.CharField("查询密码（哈希）", max_length=200)
    account_no = models.CharField("个人账号", max_length=20)
    employer = models.CharField("缴存单位", max_length=100)
    status = models.CharField("账户状态", max_length=8, choices=Status.choices)
    balance = models.DecimalField("账户余额（元）", max_digits=12, decimal_places=2)
    monthly_contribution = models.DecimalField("月缴存额（元）", max_digits=10, decimal_places=2)
    paid_up_to = models.DateField("缴至年月", null=True, blank=True)
    loan_status = models.CharField("贷款状态", max_length=8, choices=LoanStatus.choices)
    loan_balance = models.DecimalField(
        "贷款余额（元）", max_digits=12, decimal_places=2, null=True, blank=True
    )
    loan_monthly_repayment = models.DecimalField(
        "月还款额（元）", max_digits=10, decimal_places=2, null=True, blank=True
    )
    loan_end = models.DateField("贷款到期日", null=True, blank=True)
    updated_at = models.DateTimeField("数据时间")

    class Meta:
        verbose_name = "公积金账户"
        verbose_name_plural = "公积金账户"

    def __str__(self):
        return f"{self.name_masked} {self.account_no[-4:]}"


class FundDeposit(models.Model):
    """One monthly deposit (汇缴); the page shows the last 12."""

    account = models.ForeignKey(FundAccount, on_delete=models.CASCADE, related_name="deposits")
    month = models.DateField("缴存年月")  # the first day of the month
    amount = models.DecimalField("金额（元）", max_digits=10, decimal_places=2)
    kind = models.CharField("业务类型", max_length=20, default="汇缴")

    class Meta:
        verbose_name = "缴存记录"
        verbose_name_plural = "缴存记录"
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(fields=["account", "month", "kind"], name="fund_deposit_unique")
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.amount}"
