"""每日菜价: one price per item, market and day."""

from django.db import models


class Market(models.Model):
    name = models.CharField("市场", max_length=60, unique=True)

    class Meta:
        verbose_name = "农贸市场"
        verbose_name_plural = "农贸市场"
        ordering = ["name"]

    def __str__(self):
        return self.name


class ProduceItem(models.Model):
    name = models.CharField("品名", max_length=30, unique=True)
    category = models.CharField("类别", max_length=20)  # 蔬菜, 肉类, 水产, 粮油, 蛋奶, 水果
    unit = models.CharField("计价单位", max_length=10, default="元/斤")
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "品种"
        verbose_name_plural = "品种"
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class PriceRecord(models.Model):
    item = models.ForeignKey(ProduceItem, on_delete=models.CASCADE, related_name="prices")
    market = models.ForeignKey(Market, on_delete=models.CASCADE, related_name="prices")
    date = models.DateField("日期", db_index=True)
    price = models.DecimalField("零售价", max_digits=8, decimal_places=2)

    class Meta:
        verbose_name = "价格"
        verbose_name_plural = "价格"
        constraints = [
            models.UniqueConstraint(fields=["item", "market", "date"], name="price_item_market_date_unique")
        ]

    def __str__(self):
        return f"{self.item_id}@{self.market_id} {self.date} {self.price}"
