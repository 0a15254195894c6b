"""The forms of the personal lookups (公积金查询, 交通违法查询). Both carry the captcha; what they
check is the form of the input only (a check digit, a plate pattern), never the database."""

from django import forms
from django.core.exceptions import ValidationError

from convenience import personal
from home.captcha import CaptchaFormMixin
from home.identifiers import normalise_code, resident_id_error

CODE_ATTRS = {"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}


def code_field(label, max_length, help_text, required, too_long):
    """A field for a code read off a document (ID number, plate, VIN tail): no autocompletion nor
    spell check, capitals on phones, and Chinese messages when it is empty or too long."""
    return forms.CharField(
        label=label,
        max_length=max_length,
        help_text=help_text,
        error_messages={"required": required, "max_length": too_long},
        widget=forms.TextInput(attrs=CODE_ATTRS),
    )


def checked(value, normalise, error_of):
    """`value` normalised, or a ValidationError with the message `error_of` finds."""
    value = normalise(value)
    if error := error_of(value):
        raise ValidationError(error, code="invalid")
    return value


class FundLookupForm(CaptchaFormMixin, forms.Form):
    id_number = code_field(
        "身份证号码",
        30,
        "18 位居民身份证号码，末位的 X 不区分大小写。",
        required="请填写身份证号码。",
        too_long="身份证号码应为 18 位。",
    )
    password = forms.CharField(
        label="查询密码",
        max_length=32,
        strip=False,
        help_text="公积金个人账户查询密码，可在缴存单位或公积金服务窗口设置、重置。",
        error_messages={"required": "请填写查询密码。", "max_length": "查询密码不正确。"},
        # Never written back into the page: a form that comes back keeps everything but this.
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}, render_value=False),
    )

    def clean_id_number(self):
        return checked(self.cleaned_data["id_number"], normalise_code, resident_id_error)


class TrafficLookupForm(CaptchaFormMixin, forms.Form):
    plate = code_field(
        "号牌号码",
        16,
        "省份简称加字母和数字，如 鲁B12345；新能源汽车如 鲁BD12345。",
        required="请填写号牌号码。",
        too_long="号牌号码过长，请核对。",
    )
    vin_tail = code_field(
        "车辆识别代号后六位",
        12,
        "行驶证上“车辆识别代号”（车架号）的最后六位。",
        required="请填写车辆识别代号的后六位。",
        too_long="请只填写后六位。",
    )

    def clean_plate(self):
        return checked(self.cleaned_data["plate"], personal.normalise_plate, personal.plate_error)

    def clean_vin_tail(self):
        return checked(self.cleaned_data["vin_tail"], personal.normalise_vin, personal.vin_tail_error)
