"""The citizen's forms of a letter box: write a letter, query it, rate the reply, comment.

Text is kept exactly as typed (templates escape it on output); only control characters, which
no one types on purpose and which can disguise text in staff screens, are refused. The pieces the
service hall and 依申请公开 forms share with these live in `home.public_forms`.
"""

import unicodedata

from django import forms

from forms.models import Letter
from home import uploads
from home.captcha import CaptchaFormMixin
from home.public_forms import (
    CredentialsFormMixin,
    MultipleFileField,
    SubmissionFormMixin,
    code_input,
    email_field,
    phone_field,
    text_field,
    token_field,
)

MAX_ATTACHMENTS = 3
ATTACHMENT_HELP = (
    f"可选，最多 {MAX_ATTACHMENTS} 个，每个不超过 10 MB、合计不超过 20 MB；"
    "支持 "
    + "、".join(dict.fromkeys(uploads.ALLOWED_KINDS[k][1] for k in uploads.DEFAULT_ALLOWED))
    + " 格式。"
)


class LetterForm(SubmissionFormMixin, CaptchaFormMixin, forms.Form):
    letter_type = forms.ChoiceField(
        label="信件类型",
        widget=forms.RadioSelect,
        error_messages={"required": "请选择信件类型。", "invalid_choice": "请选择本信箱受理的信件类型。"},
    )
    title = text_field("标题", 60, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    content = text_field(
        "内容",
        3000,
        min_length=10,
        multiline=True,
        help_text="10 至 3000 字。请写明事情经过、地点和您的诉求。",
        widget=forms.Textarea(attrs={"rows": 10}),
    )
    name = text_field("姓名", 30, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    phone = phone_field()
    email = email_field("可选；填写后将收到来信回执和答复通知。")
    address = text_field(
        "联系地址", 100, required=False, widget=forms.TextInput(attrs={"autocomplete": "street-address"})
    )
    attachments = MultipleFileField(label="附件", required=False, help_text=ATTACHMENT_HELP)
    consent_publish = forms.BooleanField(label="同意公开（公开时隐去您的个人信息）", required=False)
    token = token_field()

    def __init__(self, *args, box, **kwargs):
        super().__init__(*args, **kwargs)
        self.box = box
        self.fields["letter_type"].choices = box.type_choices()
        self.checked_attachments = []

    def clean_attachments(self):
        files = self.cleaned_data.get("attachments") or []
        self.checked_attachments = uploads.check_uploads(files, max_count=MAX_ATTACHMENTS)
        return files


class LetterCredentialsForm(CredentialsFormMixin, forms.Form):
    """A letter's number and query code: typed in the query form, carried hidden (always by POST,
    never in a URL) by the rating and comment forms and checked again each time."""

    credential_fields = ("number", "code")

    number = forms.CharField(
        label="信件编号",
        max_length=20,
        error_messages={"required": "请填写信件编号。", "max_length": "信件编号不正确。"},
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    code = forms.CharField(
        label="查询码",
        max_length=12,
        error_messages={"required": "请填写查询码。", "max_length": "查询码不正确。"},
        widget=code_input(),
    )

    def clean_number(self):
        return unicodedata.normalize("NFKC", self.cleaned_data["number"]).strip()

    def clean_code(self):
        return unicodedata.normalize("NFKC", self.cleaned_data["code"]).strip().upper()


class QueryForm(LetterCredentialsForm):
    id_prefix = "query"


class _HiddenCredentialsForm(LetterCredentialsForm):
    hide_credentials = True


class RatingForm(_HiddenCredentialsForm):
    # Own ids: the rating and comment forms share a page and field names.
    id_prefix = "rate"

    rating = forms.TypedChoiceField(
        label="满意度",
        choices=Letter.Rating.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择满意度。", "invalid_choice": "请选择满意度。"},
    )
    comment = text_field(
        "评论",
        500,
        required=False,
        multiline=True,
        help_text="可选，500 字以内；评论将在审核后显示。",
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class CommentForm(_HiddenCredentialsForm):
    id_prefix = "comment"

    comment = text_field(
        "评论",
        500,
        multiline=True,
        help_text="500 字以内；评论将在审核后显示。",
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class LetterFilterForm(forms.Form):
    """Filters of the public list; invalid values are ignored rather than refused."""

    type = forms.ChoiceField(label="类型", required=False)
    q = forms.CharField(label="标题关键词", required=False, max_length=50)

    def __init__(self, *args, box, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [("", "全部类型"), *box.type_choices()]
