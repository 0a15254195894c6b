"""The forms of the personal lookups (公积金查询, 交通违法查询). Both carry the captcha; what they
check is the form of the input only (a check digit, a plate pattern), never the database."""

from django import forms
from django.core.exceptions import ValidationError

from convenience import personal
from home.captcha import CaptchaFormMixin
from home.identifiers import normalise_code, resident_id_error

CODE_ATTRS = {"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}


class FundLookupForm(CaptchaFormMixin, forms.Form):
    id_number = forms.CharField(
        label="身份证号码",
        max_length=30,
        help_text="18 位居民身份证号码，末位的 X 不区分大小写。",
        error_messages={"required": "请填写身份证号码。", "max_length": "身份证号码应为 18 位。"},
        widget=forms.TextInput(attrs=CODE_ATTRS),
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
        value = normalise_code(self.cleaned_data["id_number"])
        if error := resident_id_error(value):
            raise ValidationError(error, code="invalid")
        return value


class TrafficLookupForm(CaptchaFormMixin, forms.Form):
    plate = forms.CharField(
        label="号牌号码",
        max_length=16,
        help_text="省份简称加字母和数字，如 鲁B12345；新能源汽车如 鲁BD12345。",
        error_messages={"required": "请填写号牌号码。", "max_length": "号牌号码过长，请核对。"},
        widget=forms.TextInput(attrs=CODE_ATTRS),
    )
    vin_tail = forms.CharField(
        label="车辆识别代号后六位",
        max_length=12,
        help_text="行驶证上“车辆识别代号”（车架号）的最后六位。",
        error_messages={"required": "请填写车辆识别代号的后六位。", "max_length": "请只填写后六位。"},
        widget=forms.TextInput(attrs=CODE_ATTRS),
    )

    def clean_plate(self):
        value = personal.normalise_plate(self.cleaned_data["plate"])
        if error := personal.plate_error(value):
            raise ValidationError(error, code="invalid")
        return value

    def clean_vin_tail(self):
        value = personal.normalise_vin(self.cleaned_data["vin_tail"])
        if error := personal.vin_tail_error(value):
            raise ValidationError(error, code="invalid")
        return value
