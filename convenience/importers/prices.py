"""每日菜价: the markets' daily retail prices, one CSV row per day, market and item.

    date,market,item,category,unit,price
    2026-11-28,鹤山路农贸市场,大白菜,蔬菜,元/斤,0.95

Markets and items are created by name the first time they appear; an item's category and unit
follow the feed. Prices are added and updated by (item, market, date), never withdrawn: the feed
reports the days it covers, not every price there is. The prices describe the market morning,
so the data time is the latest day at 09:00 Beijing time.
"""

from datetime import datetime, time
from decimal import Decimal

from django.utils import timezone

from convenience.importers.base import Importer, RowRejected, a_date, aware, choice, decimal, text
from convenience.models.feeds import FeedKey
from convenience.models.prices import Market, PriceRecord, ProduceItem

CATEGORIES = ("蔬菜", "肉类", "禽蛋", "蛋奶", "水产", "粮油", "水果", "调料")
UNITS = ("元/斤", "元/公斤", "元/500克", "元/个", "元/只", "元/升", "元/袋", "元/桶", "元/瓶", "元/盒")
MIN_PRICE, MAX_PRICE = Decimal("0.01"), Decimal("9999")
MARKET_DAY_TIME = time(9, 0)  # markets report their morning prices by 9 o'clock


class PricesImporter(Importer):
    key = FeedKey.PRICES
    format = "csv"
    columns = ("date", "market", "item", "category", "unit", "price")
    date_fields = ("date",)

    def __init__(self):
        # An item's category and unit as first seen in this batch: a later row giving the same
        # item another unit would mix 元/斤 and 元/公斤 in one series, so it is refused.
        self._item_kinds = {}

    def clean(self, row):
        data = row.data
        day = a_date(data, "date", "日期")
        if day > timezone.localdate():
            raise RowRejected("日期晚于今天，菜价只能是已经发生的。")
        market = text(data, "market", "市场名称", Market._meta.get_field("name").max_length)
        item = text(data, "item", "品名", ProduceItem._meta.get_field("name").max_length)
        category = choice(data, "category", "类别", {name: name for name in CATEGORIES})
        unit = choice(data, "unit", "计价单位", {name: name for name in UNITS})
        price = decimal(data, "price", "价格", minimum=MIN_PRICE, maximum=MAX_PRICE)
        first = self._item_kinds.setdefault(item, (category, unit, row.label))
        if first[:2] != (category, unit):
            raise RowRejected(f"品名“{item}”的类别或计价单位与{first[2]}（{first[0]}，{first[1]}）不一致。")
        return {
            "date": day,
            "market": market,
            "item": item,
            "category": category,
            "unit": unit,
            "price": price,
        }

    def natural_key(self, cleaned):
        return (cleaned["item"], cleaned["market"], cleaned["date"])

    def apply(self, accepted, complete):
        markets = self._markets({row["market"] for row in accepted})
        items = self._items(accepted)
        PriceRecord.objects.bulk_create(
            [
                PriceRecord(
                    item=items[row["item"]],
                    market=markets[row["market"]],
                    date=row["date"],
                    price=row["price"],
                )
                for row in accepted
            ],
            batch_size=500,
            update_conflicts=True,
            unique_fields=["item", "market", "date"],
            update_fields=["price"],
        )

    @staticmethod
    def _markets(names):
        existing = set(Market.objects.filter(name__in=names).values_list("name", flat=True))
        if names - existing:
            Market.objects.bulk_create([Market(name=name) for name in sorted(names - existing)])
        return {market.name: market for market in Market.objects.filter(name__in=names)}

    @staticmethod
    def _items(accepted):
        # Category and unit of each item (all rows of an item agree, see `clean`); new items are
        # listed after the known ones, in the order the feed first gives them.
        kinds = {}
        for row in accepted:
            kinds.setdefault(row["item"], (row["category"], row["unit"]))
        known = {item.name: item for item in ProduceItem.objects.filter(name__in=kinds)}
        changed = []
        for name, item in known.items():
            if (item.category, item.unit) != kinds[name]:
                item.category, item.unit = kinds[name]
                changed.append(item)
        if changed:
            ProduceItem.objects.bulk_update(changed, ["category", "unit"])
        new_names = [name for name in kinds if name not in known]
        if new_names:
            last = (
                ProduceItem.objects.order_by("-sort_order").values_list("sort_order", flat=True).first() or 0
            )
            ProduceItem.objects.bulk_create(
                [
                    ProduceItem(name=name, category=kinds[name][0], unit=kinds[name][1], sort_order=last + n)
                    for n, name in enumerate(new_names, 1)
                ]
            )
            known = {item.name: item for item in ProduceItem.objects.filter(name__in=kinds)}
        return known

    def data_as_of(self, accepted, declared):
        latest = max(row["date"] for row in accepted)
        return aware(datetime.combine(latest, MARKET_DAY_TIME))
