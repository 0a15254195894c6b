"""Site-group search: one row per searchable public item, segmented Chinese text, editor-maintained
synonyms and promoted results, and query/click logs for analytics.

Every public, live thing a citizen may search for (articles, syndicated items, published letters,
service guides, disclosure documents, convenience pages…) is turned into a `SearchDocument` by
`search/indexing.py`; only that module writes these rows. Text is stored masked (personal data
never enters the index) and pre-segmented (`search/segment.py`), so the database backends can
match Chinese words inside longer runs of characters.
"""

from django.db import models
from django.utils import timezone


class SearchDocument(models.Model):
    class Kind(models.TextChoices):
        ARTICLE = "article", "信息"
        POLICY = "policy", "政策文件"
        SERVICE = "service", "办事指南"
        INTERACTION = "interaction", "政民互动"
        DISCLOSURE = "disclosure", "公开目录"
        CONVENIENCE = "convenience", "便民服务"

    # What the row stands for: "<app_label>.<model>:<pk>", unique.
    source = models.CharField(max_length=80, unique=True)
    kind = models.CharField("类型", max_length=12, choices=Kind.choices, db_index=True)
    site = models.ForeignKey(
        "wagtailcore.Site", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    organisation = models.ForeignKey(
        "home.Organisation", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField("标题", max_length=255)
    body = models.TextField("正文（已遮蔽个人信息）", blank=True)
    url = models.CharField("地址", max_length=500)
    date = models.DateTimeField("日期", null=True, blank=True, db_index=True)
    # Segmented text: words separated by spaces (jieba search mode + pinyin of dictionary terms).
    title_terms = models.TextField(blank=True)
    body_terms = models.TextField(blank=True)
    boost = models.FloatField("权重", default=1.0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "搜索索引条目"
        verbose_name_plural = "搜索索引条目"
        indexes = [models.Index(fields=["kind", "site"]), models.Index(fields=["organisation", "kind"])]

    def __str__(self):
        return self.title


class Synonym(models.Model):
    """社保 = 社会保险 = 社会保障: any of the words finds the others."""

    words = models.CharField(
        "同义词组", max_length=300, unique=True, help_text="用空格或逗号分隔，如：社保 社会保险 社会保障"
    )
    enabled = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "同义词"
        verbose_name_plural = "同义词"
        ordering = ["words"]

    def __str__(self):
        return self.words

    def word_list(self):
        import re

        return [word for word in re.split(r"[\s,，、;；]+", self.words) if word]


class Promotion(models.Model):
    """A result editors put on top for a query (推荐结果)."""

    query = models.CharField("搜索词", max_length=100, db_index=True)
    title = models.CharField("标题", max_length=200)
    url = models.CharField("链接", max_length=500)
    description = models.CharField("说明", max_length=300, blank=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)
    starts_at = models.DateTimeField("开始时间", null=True, blank=True)
    ends_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        verbose_name = "推荐结果"
        verbose_name_plural = "推荐结果"
        ordering = ["query", "sort_order", "pk"]

    def __str__(self):
        return f"{self.query} → {self.title}"


class QueryLog(models.Model):
    """One search as typed (normalised), for hot searches and analytics."""

    query = models.CharField(max_length=100, db_index=True)
    site = models.ForeignKey(
        "wagtailcore.Site", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    scope = models.CharField(max_length=8, default="group")
    results = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "搜索记录"
        verbose_name_plural = "搜索记录"

    def __str__(self):
        return self.query


class ClickLog(models.Model):
    """A click on a result (position in the list), to compute click-through per query."""

    query_log = models.ForeignKey(QueryLog, on_delete=models.CASCADE, related_name="clicks")
    url = models.CharField(max_length=500)
    position = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "点击记录"
        verbose_name_plural = "点击记录"

    def __str__(self):
        return self.url
