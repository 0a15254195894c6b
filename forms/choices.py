"""Choices shared by the models and the admin forms of letters."""

from django.db import models


class LetterType(models.TextChoices):
    CONSULT = "consult", "咨询"
    COMPLAINT = "complaint", "投诉"
    SUGGESTION = "suggestion", "建议"
    HELP = "help", "求助"
    OTHER = "other", "其他"


class DayBasis(models.TextChoices):
    WORKDAY = "workday", "工作日"
    CALENDAR = "calendar", "自然日"
