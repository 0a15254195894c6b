"""每日菜价: the latest day's prices, item by market, with the change on the day before; and one
item's 30-day trend. Every page runs a fixed number of queries, whatever the number of items,
markets or days."""

import re
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.http import Http404
from django.utils import timezone

from convenience.importers.prices import CATEGORIES
from convenience.models.prices import Market, PriceRecord, ProduceItem
from home.dates import cn_date

TREND_DAYS = 30
CENT = Decimal("0.01")
PK = re.compile(r"[0-9]{1,9}")


def _average(prices):
    prices = [price for price in prices if price is not None]
    if not prices:
        return None
    return (sum(prices) / len(prices)).quantize(CENT, ROUND_HALF_UP)


def _change(today, before, since):
    """How a price moved: the visible "↑0.20" and the words a screen reader says instead."""
    if today is None:
        return None
    if before is None:
        return {"direction": "none", "mark": "—", "words": f"{since}无价格"}
    difference = today - before
    if difference > 0:
        return {"direction": "up", "mark": f"↑{difference:.2f}", "words": f"比{since}上涨{difference:.2f}元"}
    if difference < 0:
        return {
            "direction": "down",
            "mark": f"↓{-difference:.2f}",
            "words": f"比{since}下跌{-difference:.2f}元",
        }
    return {"direction": "flat", "mark": "持平", "words": f"与{since}持平"}


def _category_order(name):
    return (CATEGORIES.index(name) if name in CATEGORIES else len(CATEGORIES), name)


def index(page, request):
    items = list(ProduceItem.objects.all())
    categories = sorted({item.category for item in items}, key=_category_order)
    category = request.GET.get("category", "").strip()
    context = {"categories": categories, "category": category}
    if category and categories and category not in categories:  # no data at all: "暂无", 200
        context.update(
            category="",
            category_error=f"没有“{category[:20]}”这一类别，请从列表中选择。",
        )
        return page.render_lookup(request, "convenience/prices.html", context, status=400)

    dates = list(PriceRecord.objects.order_by("-date").values_list("date", flat=True).distinct()[:2])
    if not dates:
        return page.render_lookup(request, "convenience/prices.html", context)
    latest = dates[0]
    previous = dates[1] if len(dates) > 1 else None
    since = (
        "前一日" if previous == latest - timedelta(days=1) else (cn_date(previous) if previous else "前一日")
    )

    shown = [item for item in items if not category or item.category == category]
    records = PriceRecord.objects.filter(date__in=dates, item__in=[item.pk for item in shown])
    prices = {}  # (item pk, market pk, date) → price
    market_ids = set()
    for item_id, market_id, day, price in records.values_list("item_id", "market_id", "date", "price"):
        prices[(item_id, market_id, day)] = price
        if day == latest:
            market_ids.add(market_id)
    markets = list(Market.objects.filter(pk__in=market_ids))

    rows = []
    for item in shown:
        today = [prices.get((item.pk, market.pk, latest)) for market in markets]
        if all(price is None for price in today):
            continue
        cells = []
        for market, price in zip(markets, today, strict=True):
            before = prices.get((item.pk, market.pk, previous))
            cells.append({"market": market, "price": price, "change": _change(price, before, since)})
        average = _average(today)
        average_before = _average([prices.get((item.pk, market.pk, previous)) for market in markets])
        rows.append(
            {
                "item": item,
                "url": page.subpage_url(request, "item", item.pk),
                "cells": cells,
                "average": average,
                "average_change": _change(average, average_before, since),
            }
        )
    context.update(
        latest=latest,
        previous=previous,
        since=since,
        not_today=latest != timezone.localdate(),
        today=timezone.localdate(),
        markets=markets,
        rows=rows,
    )
    return page.render_lookup(request, "convenience/prices.html", context)


def subpage(page, request, name, arg):
    if name != "item" or not arg or not PK.fullmatch(arg):
        raise Http404
    item = ProduceItem.objects.filter(pk=int(arg)).first()
    if item is None:
        raise Http404
    context = {"item": item, "subtitle": f"{item.name}价格走势"}
    latest = PriceRecord.objects.filter(item=item).order_by("-date").values_list("date", flat=True).first()
    if latest is None:
        return page.render_lookup(request, "convenience/prices_item.html", context)
    first = latest - timedelta(days=TREND_DAYS - 1)
    prices = {}  # date → {market pk: price}
    for market_id, day, price in PriceRecord.objects.filter(
        item=item, date__gte=first, date__lte=latest
    ).values_list("market_id", "date", "price"):
        prices.setdefault(day, {})[market_id] = price
    markets = list(Market.objects.filter(pk__in={m for by_market in prices.values() for m in by_market}))

    days = [first + timedelta(days=n) for n in range(TREND_DAYS)]
    averages = {day: _average(prices[day].values()) for day in prices}
    points = [(f"{day.month}/{day.day}", averages.get(day)) for day in days]
    table = [
        {
            "date": day,
            "cells": [prices[day].get(market.pk) for market in markets],
            "average": averages[day],
        }
        for day in reversed(days)
        if day in prices
    ]
    known = [(day, averages[day]) for day in days if day in averages]
    low = min(known, key=lambda pair: pair[1])
    high = max(known, key=lambda pair: pair[1])
    summary = (
        f"{item.name}近{TREND_DAYS}天各市场日均价走势（{item.unit}）："
        f"最低{low[1]}（{cn_date(low[0])}），最高{high[1]}（{cn_date(high[0])}），"
        f"最新{known[-1][1]}（{cn_date(known[-1][0])}）。"
    )
    context.update(
        latest=latest,
        first=first,
        markets=markets,
        points=points,
        table=table,
        summary=summary,
        chart_title=f"近{TREND_DAYS}天各市场日均价（{item.unit}）",
        latest_average=known[-1][1],
        low=low,
        high=high,
        change=_change(known[-1][1], known[0][1], cn_date(known[0][0])) if len(known) > 1 else None,
        not_today=latest != timezone.localdate(),
    )
    return page.render_lookup(request, "convenience/prices_item.html", context)
