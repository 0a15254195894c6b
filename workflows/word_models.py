"""The 错敏词 list: sensitive words and common typos checked when content is submitted or published.

Imported by workflows/models.py so Django registers the model in the workflows app.
"""

from django.db import models


class SensitiveWord(models.Model):
    class Severity(models.TextChoices):
        BLOCK = "block", "禁止（阻止提交和发布）"
        WARN = "warn", "提示（允许提交）"

    word = models.CharField("词语", max_length=50, unique=True)
    severity = models.CharField("处理方式", max_length=8, choices=Severity.choices, default=Severity.WARN)
    replacement = models.CharField("建议改为", max_length=50, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)
    created_at = models.DateTimeField("添加时间", auto_now_add=True)

    class Meta:
        verbose_name = "错敏词"
        verbose_name_plural = "错敏词库"
        ordering = ["word"]

    def __str__(self):
        if self.replacement:
            return f"{self.word} → {self.replacement}"
        return self.word

    def save(self, *args, **kwargs):
        self.word = (self.word or "").strip()
        self.replacement = (self.replacement or "").strip()
        super().save(*args, **kwargs)
