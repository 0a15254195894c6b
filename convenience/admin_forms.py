"""The upload form of 便民服务数据: one feed file (CSV or JSON, as the feed's importer reads it).

The form only checks that the file can be a feed at all (present, not empty, not too large, the
right kind, text rather than binary); the rows themselves are checked by the import, which reports
every rejected row in its log.
"""

import os

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from convenience import services
from convenience.importers.base import FeedRefused

FORMAT_NAMES = {"csv": "CSV", "json": "JSON"}
# How much of the file is looked at for NUL bytes: a binary file shows them at once.
SNIFF_BYTES = 8192


def size_text(size):
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):g} MB"
    if size >= 1024:
        return f"{size / 1024:g} KB"
    return f"{size} 字节"


class FeedUploadForm(forms.Form):
    file = forms.FileField(
        label="数据文件",
        error_messages={
            "required": "请选择要上传的数据文件。",
            "empty": "上传的文件是空的。",
            "invalid": "没有收到文件，请重新选择后上传。",
            "missing": "没有收到文件，请重新选择后上传。",
        },
    )

    def __init__(self, *args, feed_format="csv", **kwargs):
        super().__init__(*args, **kwargs)
        self.feed_format = feed_format
        self.extension = f".{feed_format}"
        self.max_bytes = settings.CONVENIENCE_MAX_FEED_BYTES
        self.fields["file"].help_text = (
            f"{FORMAT_NAMES[feed_format]} 文件（{self.extension}），UTF-8 或 GBK 编码，"
            f"不超过 {size_text(self.max_bytes)}。"
        )
        self.fields["file"].widget.attrs.update({"accept": self.extension})

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = os.path.basename(upload.name or "")
        if os.path.splitext(name)[1].lower() != self.extension:
            raise ValidationError(
                f"该数据项只接受 {FORMAT_NAMES[self.feed_format]} 文件（扩展名 {self.extension}）。"
            )
        if upload.size > self.max_bytes:
            raise ValidationError(f"文件超过 {size_text(self.max_bytes)} 上限，未导入。")
        upload.seek(0)
        content = upload.read(self.max_bytes + 1)
        if len(content) > self.max_bytes:
            raise ValidationError(f"文件超过 {size_text(self.max_bytes)} 上限，未导入。")
        if not content.strip():
            raise ValidationError("上传的文件是空的。")
        if b"\x00" in content[:SNIFF_BYTES]:
            raise ValidationError("文件不是文本文件（CSV 或 JSON），可能是表格软件的原始文件或图片。")
        try:
            services.decode(content)
        except FeedRefused as error:
            raise ValidationError(str(error)) from None
        self.cleaned_data["content"] = content
        self.cleaned_data["file_name"] = name
        return upload
