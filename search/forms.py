"""Query clean-up shared by the search page and the admin, the site-group URL check that keeps the
click redirect and 推荐结果 from pointing outside the group, and the editors' admin forms."""

import re
import unicodedata
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.http import url_has_allowed_host_and_scheme
from wagtail.admin.forms import WagtailAdminModelForm

MAX_QUERY = 100
SYNONYM_SPLIT = re.compile(r"[\s,，、;；]+")


def clean_query(text):
    """The query as searched: compatibility forms folded (全角 ＡＢＣ１２３ → ABC123), control and
    format characters dropped, runs of spaces collapsed, at most MAX_QUERY characters."""
    text = unicodedata.normalize("NFKC", str(text or ""))
    text = "".join(
        " " if ch.isspace() else ch for ch in text if unicodedata.category(ch)[0] != "C" or ch.isspace()
    )
    return " ".join(text.split())[:MAX_QUERY].strip()


def normalise_query(text):
    """The query as logged and as matched against 推荐结果: `clean_query`, ASCII lower-cased
    (Chinese has no case; other scripts are left alone)."""
    return "".join(ch.lower() if ch.isascii() else ch for ch in clean_query(text))


def has_words(text):
    """True when the query holds something searchable: a Han character, a letter or a digit."""
    return any(ch.isalnum() for ch in text)


def _group_host(host):
    domain = settings.PORTAL_DOMAIN.lower().rstrip(".")
    host = host.lower().rstrip(".")
    if host == domain or host.endswith("." + domain):
        return True
    from wagtail.models import Site

    return Site.objects.filter(hostname=host).exists()


def is_group_url(url):
    """True for a path on the current site ("/jmyw/…") or an http(s) address on a host of the site
    group (<label>.<PORTAL_DOMAIN> or a Site's hostname). Everything else — other hosts,
    "//evil.example", backslashes, javascript: and other schemes, user info — is refused."""
    if not isinstance(url, str) or not url or len(url) > 500:
        return False
    if "\\" in url or any(unicodedata.category(ch)[0] == "C" or ch.isspace() for ch in url):
        return False
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError:
        return False
    if not parts.scheme and not parts.netloc:
        return url.startswith("/") and not url.startswith("//") and url_has_allowed_host_and_scheme(url, None)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        return False
    if not _group_host(parts.hostname):
        return False
    return url_has_allowed_host_and_scheme(url, allowed_hosts={parts.netloc})


# --- Admin forms ----------------------------------------------------------------------------------


class SynonymForm(WagtailAdminModelForm):
    """A group of at least two different words, stored one space apart."""

    def clean_words(self):
        words = []
        for word in SYNONYM_SPLIT.split(self.cleaned_data.get("words", "")):
            word = normalise_query(word)
            if word and word not in words:
                words.append(word)
        if len(words) < 2:
            raise ValidationError("请至少填写两个不同的词语，用空格或逗号分隔，如：社保 社会保险。")
        text = " ".join(words)
        if len(text) > 300:
            raise ValidationError("同义词组过长，请拆成几组。")
        return text


class PromotionForm(WagtailAdminModelForm):
    """The query is stored as the search page normalises it, so 「 GongJiJin 」 matches gongjijin;
    the link must stay inside the site group."""

    def clean_query(self):
        query = normalise_query(self.cleaned_data.get("query", ""))
        if not has_words(query):
            raise ValidationError("请填写搜索词（汉字、字母或数字）。")
        return query

    def clean_url(self):
        url = (self.cleaned_data.get("url") or "").strip()
        if not is_group_url(url):
            raise ValidationError(
                f"只能链接到本站群的页面：填写以 / 开头的站内路径（如 /bsfw/），"
                f"或 http(s)://*.{settings.PORTAL_DOMAIN} 的完整地址。"
            )
        return url

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", "结束时间须晚于开始时间。")
        return cleaned


class AnalyticsRangeForm(forms.Form):
    days = forms.TypedChoiceField(
        label="统计时段",
        choices=[(7, "最近 7 天"), (30, "最近 30 天"), (90, "最近 90 天"), (365, "最近一年")],
        coerce=int,
        initial=30,
    )
