"""Pieces the citizen's forms share: the letter box (`forms`), the service hall (`services`) and
依申请公开 (`disclosure`).

Text is kept exactly as typed (templates escape it on output); only control characters, which
no one types on purpose and which can disguise text in staff screens, are refused. Phone numbers
and the one-time submission token are checked the same way everywhere, and a workflow's
ValidationError is put back on the form the citizen sent.
"""

import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError

MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")
TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
# Direction overrides and isolates (category Cf) make "abc\u202etxt.exe" read differently.
BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
PHONE_ERROR = "联系电话格式不正确：请填写 11 位手机号码，或带区号的固定电话（如 0532-88888888）。"
TOKEN_ERROR = "表单已失效，请刷新页面后重新填写。"


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


def text_field(label, max_length, min_length=None, required=True, multiline=False, **kwargs):
    """A PlainTextField whose messages name the field and count the characters."""
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
    checked by `home.uploads.check_uploads` in the form using the field."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        return [item for item in (data if isinstance(data, list | tuple) else [data]) if item]


def phone_field():
    """The contact phone of a submission (checked by SubmissionFormMixin.clean_phone)."""
    return forms.CharField(
        label="联系电话",
        max_length=20,
        help_text="手机号码或带区号的固定电话，如 13800000000 或 0532-88888888。",
        error_messages={"required": "请填写联系电话。", "max_length": "联系电话格式不正确。"},
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )


def email_field(help_text):
    """An optional e-mail address; `help_text` says what it is used for on this form."""
    return forms.EmailField(
        label="电子邮箱",
        required=False,
        max_length=254,
        help_text=help_text,
        error_messages={"invalid": "请输入有效的电子邮箱地址。", "max_length": "电子邮箱地址过长。"},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


def token_field():
    """The hidden one-time submission token (checked by SubmissionFormMixin.clean_token)."""
    return forms.CharField(widget=forms.HiddenInput, error_messages={"required": TOKEN_ERROR})


class SubmissionFormMixin:
    """A citizen's submission (a letter, an application, a disclosure request) with a
    `phone_field()` and a `token_field()`: the phone is normalised and must be a mobile or a
    landline number; the token must look like one `new_submission_token()` makes."""

    def clean_phone(self):
        phone = normalise_phone(self.cleaned_data["phone"])
        if not (MOBILE.match(phone) or LANDLINE.match(phone)):
            raise ValidationError(PHONE_ERROR, code="invalid")
        return phone

    def clean_token(self):
        token = self.cleaned_data["token"]
        if not TOKEN.match(token):
            raise ValidationError(TOKEN_ERROR, code="invalid")
        return token


def code_input():
    """A text input for a number or code typed character by character (an ID number, a receipt
    number, a query code): no autocompletion, capitals, no spelling correction."""
    return forms.TextInput(
        attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
    )


class CredentialsFormMixin:
    """The credentials of a citizen's case (its number and a secret), typed in the query form and
    then carried hidden (always by POST, never in a URL) by every action of the status page,
    which checks them again. `credential_fields` names them; an action form sets
    `hide_credentials`. Forms with the same field names share a page, so `id_prefix` gives each
    its own ids (`<id_prefix>_<field>`)."""

    credential_fields = ()
    hide_credentials = False
    id_prefix = ""

    def __init__(self, *args, **kwargs):
        if self.id_prefix:
            kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)
        if self.hide_credentials:
            for name in self.credential_fields:
                self.fields[name].widget = forms.HiddenInput()


def add_workflow_errors(form, error):
    """Put a workflow ValidationError on the form: on its field where the form has one, else
    with the form's own (non-field) errors."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
