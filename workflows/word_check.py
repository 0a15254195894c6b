"""错敏词检查: finds sensitive words and common typos in the text of a page.

`check_text({"标题": "…", "正文·第1块段落": "<p>…</p>"})` returns a CheckResult whose `.blocking` hits
stop submitting for review and publishing, and whose `.warnings` are shown but let content through.
`page_text_fields(page_or_cleaned_data)` collects the texts of an ArticlePage or ContentPage.

The word list comes from the SensitiveWord table, cached for a minute and dropped from the cache whenever
a word is saved or deleted (the receivers below are connected when this module is imported).
"""

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.html import strip_tags

from workflows.word_models import SensitiveWord

CACHE_KEY = "workflows:sensitive-words:v1"
CACHE_SECONDS = 60
CONTEXT_CHARS = 10

# Removed before matching, so "一国 两治" or "一国&nbsp;两治" is still found. Line breaks are kept:
# they separate paragraphs, and a word must not be pieced together across two paragraphs.
IGNORED_CHARS = re.compile(r"[ \t\u00a0\u2000-\u200d\u2060\u3000\ufeff]")
BLOCK_TAGS = re.compile(
    r"<\s*/?\s*(p|div|br|hr|h[1-6]|li|ul|ol|table|thead|tbody|tr|td|th|blockquote|pre)\b[^>]*>",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Hit:
    word: str
    field: str  # the label of the field where the word was found, e.g. "标题", "正文·第2块图片说明"
    context: str  # the word with up to CONTEXT_CHARS characters either side
    replacement: str = ""
    severity: str = SensitiveWord.Severity.WARN
    note: str = ""
    count: int = 1  # how often the word occurs in this field

    @property
    def blocking(self):
        return self.severity == SensitiveWord.Severity.BLOCK

    def describe(self):
        """One line for messages: “一国两治”（标题：“…坚持一国两治方针…”），建议改为“一国两制”。"""
        text = f"“{self.word}”（{self.field}：“{self.context}”"
        if self.count > 1:
            text += f"，共 {self.count} 处"
        text += "）"
        if self.replacement:
            text += f"，建议改为“{self.replacement}”"
        return text + "。"


@dataclass
class CheckResult:
    blocking: list[Hit] = field(default_factory=list)
    warnings: list[Hit] = field(default_factory=list)

    @property
    def hits(self):
        return self.blocking + self.warnings

    def __bool__(self):
        return bool(self.blocking or self.warnings)


def load_words():
    """[(word, severity, replacement, note)], longest words first, from the cache or the database."""
    words = cache.get(CACHE_KEY)
    if words is None:
        words = [
            (word.strip(), severity, replacement, note)
            for word, severity, replacement, note in SensitiveWord.objects.values_list(
                "word", "severity", "replacement", "note"
            )
            if word.strip()
        ]
        words.sort(key=lambda item: (-len(item[0]), item[0]))
        cache.set(CACHE_KEY, words, CACHE_SECONDS)
    return words


def clear_word_cache():
    cache.delete(CACHE_KEY)


@receiver(post_save, sender=SensitiveWord, dispatch_uid="workflows.sensitive_word_saved")
@receiver(post_delete, sender=SensitiveWord, dispatch_uid="workflows.sensitive_word_deleted")
def _sensitive_word_changed(sender, **kwargs):
    clear_word_cache()
    # A request that read the list while this transaction was open may have cached the old one.
    transaction.on_commit(clear_word_cache)


def plain_text(value):
    """Text of an HTML fragment (rich text), tags removed, entities decoded, one line per block."""
    if not value:
        return ""
    value = str(value)
    if "<" in value:
        value = strip_tags(BLOCK_TAGS.sub("\n", value))
    return html.unescape(value)


def _compact(text):
    """The text without ignored characters, lower-cased, and for every kept character its index in text."""
    kept, positions = [], []
    for index, char in enumerate(text):
        if not IGNORED_CHARS.match(char):
            kept.append(char.lower())
            positions.append(index)
    return "".join(kept), positions


def _context(text, start, end):
    before = text[max(0, start - CONTEXT_CHARS) : start]
    after = text[end : end + CONTEXT_CHARS]
    snippet = before + text[start:end] + after
    snippet = re.sub(r"\s+", " ", snippet).strip()
    prefix = "…" if start > CONTEXT_CHARS else ""
    suffix = "…" if end + CONTEXT_CHARS < len(text) else ""
    return f"{prefix}{snippet}{suffix}"


def check_text(fields: dict[str, str], words=None) -> "CheckResult":
    """Look for every listed word in every field (label → text or rich-text HTML).

    Each word is reported once per field, with the context of its first occurrence and a count.
    """
    words = load_words() if words is None else words
    result = CheckResult()
    for label, value in fields.items():
        text = plain_text(value)
        if not text.strip():
            continue
        compact, positions = _compact(text)
        for word, severity, replacement, note in words:
            key = IGNORED_CHARS.sub("", word).lower()
            start = compact.find(key) if key else -1
            if start < 0:
                continue
            count = compact.count(key)
            original_start = positions[start]
            original_end = positions[start + len(key) - 1] + 1
            hit = Hit(
                word=word,
                field=label,
                context=_context(text, original_start, original_end),
                replacement=replacement,
                severity=severity,
                note=note,
                count=count,
            )
            (result.blocking if hit.blocking else result.warnings).append(hit)
    return result


# --- Page texts ---------------------------------------------------------------------------------

PAGE_FIELDS = [
    ("title", "标题"),
    ("subtitle", "副标题"),
    ("summary", "摘要"),
    ("seo_title", "SEO 标题"),
    ("search_description", "搜索描述"),
]
BODY_FIELD = ("body", "正文")
STRUCT_TEXTS = {
    "image": [("caption", "图片说明"), ("alt_text", "图片替代文本")],
    "attachment": [("title", "附件名称")],
    "media": [("caption", "音视频标题"), ("transcript", "音视频文字实录")],
}


def _get(source, name):
    if isinstance(source, Mapping):
        return source.get(name)
    return getattr(source, name, None)


def _raw_blocks(stream):
    """The blocks of a StreamField value as JSON-ish dicts {"type": …, "value": …}."""
    if stream is None:
        return []
    raw = getattr(stream, "raw_data", None)
    if raw is not None:
        return list(raw)
    blocks = []
    for item in stream:
        if isinstance(item, Mapping):
            blocks.append(item)
        elif isinstance(item, (tuple, list)) and len(item) >= 2:
            blocks.append({"type": item[0], "value": item[1]})
    return blocks


def _table_text(value):
    rows = (value or {}).get("data") or []
    lines = [(value or {}).get("table_caption") or ""]
    for row in rows:
        lines.append("\n".join(str(cell) for cell in (row or []) if cell not in (None, "")))
    return "\n".join(line for line in lines if line)


def body_text_fields(stream, label="正文"):
    """{label: text} for every text in a body StreamField (BodyBlock)."""
    fields = {}
    for number, block in enumerate(_raw_blocks(stream), start=1):
        block_type, value = block.get("type"), block.get("value")
        prefix = f"{label}·第{number}块"
        if block_type == "paragraph":
            fields[f"{prefix}段落"] = getattr(value, "source", value) or ""
        elif block_type == "table":
            fields[f"{prefix}表格"] = _table_text(value if isinstance(value, Mapping) else {})
        elif block_type in STRUCT_TEXTS and isinstance(value, Mapping):
            for name, what in STRUCT_TEXTS[block_type]:
                fields[f"{prefix}{what}"] = value.get(name) or ""
    return {key: text for key, text in fields.items() if text}


def page_text_fields(page_or_form_cleaned_data):
    """{label: text} for an ArticlePage / ContentPage, or for a page form's cleaned_data:
    title, subtitle, summary, SEO title and search description, and every text in the body."""
    source = page_or_form_cleaned_data
    fields = {}
    for name, label in PAGE_FIELDS:
        value = _get(source, name)
        if value:
            fields[label] = str(value)
    name, label = BODY_FIELD
    fields.update(body_text_fields(_get(source, name), label))
    return fields


def check_page(page_or_form_cleaned_data):
    return check_text(page_text_fields(page_or_form_cleaned_data))
