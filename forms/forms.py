"""The citizen's forms of a letter box: write a letter, query it, rate the reply, comment.

Text is kept exactly as typed (templates escape it on output); only control characters, which
no one types on purpose and which can disguise text in staff screens, are refused.
"""

import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError

from forms.models import Letter
from home import uploads
from home.captcha import CaptchaFormMixin

MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")
TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
# Direction overrides and isolates (category Cf) make "abc\u202etxt.exe" read differently.
BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
MAX_ATTACHMENTS = 3
ATTACHMENT_HELP = (
    f"可选，最多 {MAX_ATTACHMENTS} 个，每个不超过 10 MB、合计不超过 20 MB；"
    "支持 "
    + "、".join(dict.fromkeys(uploads.ALLOWED_KINDS[k][1] for k in uploads.DEFAULT_ALLOWED))
    + " 格式。"
)


def normalise_phone(value):
    """Full-width digits and spaces from a Chinese input method are fine: 138 5321 2345 is
    13853212345. Also the key of the per-phone rate limit, so spelling cannot dodge it."""
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", value or ""))


def _has_control_characters(value, allowed=""):
    return any(
        (unicodedata.category(char) == "Cc" and char not in allowed) or char in BIDI_CONTROLS
        for char in value
    )


class PlainTextField(forms.CharField):
    """A CharField that refuses control characters; multi-line text keeps its line breaks,
    normalised to \\n before the length is checked (a browser sends \\r\\n)."""

    def __init__(self, *args, multiline=False, **kwargs):
        self.multiline = multiline
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if self.multiline:
            value = value.replace("\r\n", "\n").replace("\r", "\n")
        return value

    def validate(self, value):
        super().validate(value)
        if value and _has_control_characters(value, allowed="\n\t" if self.multiline else ""):
            raise ValidationError("含有不可见的控制字符，请删除后重新输入。", code="control")


def _text(label, max_length, min_length=None, required=True, multiline=False, **kwargs):
    messages = {
        "required": f"请填写{label}。",
        "max_length": f"{label}不能超过 {max_length} 个字（现有 %(show_value)d 个字）。",
    }
    if min_length:
        messages["min_length"] = f"{label}不能少于 {min_length} 个字（现有 %(show_value)d 个字）。"
    return PlainTextField(
        label=label,
        max_length=max_length,
        min_length=min_length,
        required=required,
        multiline=multiline,
        error_messages=messages,
        **kwargs,
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django 5 pattern); cleans to a list. What the files contain is
    checked by `home.uploads.check_uploads` in the form's `clean_attachments`."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        return [item for item in (data if isinstance(data, list | tuple) else [data]) if item]


class LetterForm(CaptchaFormMixin, forms.Form):
    letter_type = forms.ChoiceField(
        label="信件类型",
        widget=forms.RadioSelect,
        error_messages={"required": "请选择信件类型。", "invalid_choice": "请选择本信箱受理的信件类型。"},
    )
    title = _text("标题", 60, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    content = _text(
        "内容",
        3000,
        min_length=10,
        multiline=True,
        help_text="10 至 3000 字。请写明事情经过、地点和您的诉求。",
        widget=forms.Textarea(attrs={"rows": 10}),
    )
    name = _text("姓名", 30, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    phone = forms.CharField(
        label="联系电话",
        max_length=20,
        help_text="手机号码或带区号的固定电话，如 13800000000 或 0532-88888888。",
        error_messages={"required": "请填写联系电话。", "max_length": "联系电话格式不正确。"},
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    email = forms.EmailField(
        label="电子邮箱",
        required=False,
        max_length=254,
        help_text="可选；填写后将收到来信回执和答复通知。",
        error_messages={"invalid": "请输入有效的电子邮箱地址。", "max_length": "电子邮箱地址过长。"},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    address = _text(
        "联系地址", 100, required=False, widget=forms.TextInput(attrs={"autocomplete": "street-address"})
    )
    attachments = MultipleFileField(label="附件", required=False, help_text=ATTACHMENT_HELP)
    consent_publish = forms.BooleanField(label="同意公开（公开时隐去您的个人信息）", required=False)
    token = forms.CharField(
        widget=forms.HiddenInput,
        error_messages={"required": "表单已失效，请刷新页面后重新填写。"},
    )

    def __init__(self, *args, box, **kwargs):
        super().__init__(*args, **kwargs)
        self.box = box
        self.fields["letter_type"].choices = box.type_choices()
        self.checked_attachments = []

    def clean_phone(self):
        phone = normalise_phone(self.cleaned_data["phone"])
        if not (MOBILE.match(phone) or LANDLINE.match(phone)):
            raise ValidationError(
                "联系电话格式不正确：请填写 11 位手机号码，或带区号的固定电话（如 0532-88888888）。",
                code="invalid",
            )
        return phone

    def clean_token(self):
        token = self.cleaned_data["token"]
        if not TOKEN.match(token):
            raise ValidationError("表单已失效，请刷新页面后重新填写。", code="invalid")
        return token

    def clean_attachments(self):
        files = self.cleaned_data.get("attachments") or []
        self.checked_attachments = uploads.check_uploads(files, max_count=MAX_ATTACHMENTS)
        return files


class LetterCredentialsForm(forms.Form):
    """A letter's number and query code: typed in the query form, carried hidden (always by POST,
    never in a URL) by the rating and comment forms and checked again each time."""

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
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )

    def clean_number(self):
        return unicodedata.normalize("NFKC", self.cleaned_data["number"]).strip()

    def clean_code(self):
        return unicodedata.normalize("NFKC", self.cleaned_data["code"]).strip().upper()


class QueryForm(LetterCredentialsForm):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "query_%s")
        super().__init__(*args, **kwargs)


class _HiddenCredentialsForm(LetterCredentialsForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("number", "code"):
            self.fields[name].widget = forms.HiddenInput()


class RatingForm(_HiddenCredentialsForm):
    # Own ids: the rating and comment forms share a page and field names.
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "rate_%s")
        super().__init__(*args, **kwargs)

    rating = forms.TypedChoiceField(
        label="满意度",
        choices=Letter.Rating.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择满意度。", "invalid_choice": "请选择满意度。"},
    )
    comment = _text(
        "评论",
        500,
        required=False,
        multiline=True,
        help_text="可选，500 字以内；评论将在审核后显示。",
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class CommentForm(_HiddenCredentialsForm):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "comment_%s")
        super().__init__(*args, **kwargs)

    comment = _text(
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
