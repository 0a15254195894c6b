"""The applicant's forms of 依申请公开: the request itself, the query, 补正 and withdrawal.

The form checks what a form can check (identity numbers, the fields each applicant type and
acquisition method needs) so the applicant sees every problem at once; `disclosure.workflow`
remains the authority and its ValidationErrors are put back on these fields by the views.
"""

import re

from django import forms

from disclosure.models import DisclosureRequest
from home import identifiers
from home.captcha import CaptchaFormMixin
from home.models import Organisation
from home.public_forms import (
    CredentialsFormMixin,
    SubmissionFormMixin,
    code_input,
    email_field,
    phone_field,
    text_field,
    token_field,
)

R = DisclosureRequest
PERSON = R.ApplicantKind.PERSON
ORGANISATION = "organisation"
APPLICANT_TYPES = [(PERSON, "自然人"), (ORGANISATION, "法人或其他组织")]
ORGANISATION_KINDS = [(value, label) for value, label in R.ApplicantKind.choices if value != PERSON]

# GB 11643 (resident ID numbers): the one check in home.identifiers; the names stay for imports.
RESIDENT_ID = identifiers.RESIDENT_ID
ID_WEIGHTS = identifiers.ID_WEIGHTS
ID_CHECK_DIGITS = identifiers.ID_CHECK_DIGITS
resident_id_error = identifiers.resident_id_error
normalise_code = identifiers.normalise_code
# GB 32100: 18 characters of digits and capital letters without I, O, S, V and Z.
USCC = re.compile(r"^[0-9A-HJ-NP-RTUW-Y]{18}$")


def uscc_error(value):
    if not USCC.match(value):
        return "统一社会信用代码应为 18 位数字或大写字母（不含 I、O、S、V、Z），请核对。"
    return None


def _choice(label, choices, required=True, **kwargs):
    return forms.ChoiceField(
        label=label,
        choices=choices,
        required=required,
        widget=forms.RadioSelect,
        error_messages={"required": f"请选择{label}。", "invalid_choice": f"请选择{label}。"},
        **kwargs,
    )


class DisclosureRequestForm(SubmissionFormMixin, CaptchaFormMixin, forms.Form):
    """政府信息公开申请表. `pick_unit`: the applicant chooses the agency (the portal's catalogue)."""

    organisation = forms.ModelChoiceField(
        label="受理机关",
        queryset=Organisation.objects.none(),
        empty_label="请选择受理机关",
        help_text="请选择制作或保存所需政府信息的部门或镇街。",
        error_messages={"required": "请选择受理机关。", "invalid_choice": "请选择受理机关。"},
    )
    applicant_type = _choice("申请人类型", APPLICANT_TYPES)
    organisation_kind = _choice(
        "组织类型", ORGANISATION_KINDS, required=False, help_text="申请人为法人或其他组织时选择。"
    )
    name = text_field(
        "姓名/名称",
        100,
        help_text="自然人填写姓名；法人或其他组织填写单位全称。",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    id_number = forms.CharField(
        label="身份证号码/统一社会信用代码",
        max_length=30,
        help_text="自然人填写 18 位居民身份证号码；法人或其他组织填写 18 位统一社会信用代码。",
        error_messages={"required": "请填写身份证号码或统一社会信用代码。", "max_length": "证件号码过长。"},
        widget=code_input(),
    )
    contact_name = text_field(
        "联系人",
        30,
        required=False,
        help_text="法人或其他组织申请时必填。",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = phone_field()
    email = email_field("选择“电子邮件”获取方式时必填。")
    address = text_field(
        "通信地址",
        200,
        required=False,
        help_text="选择“邮寄”获取方式时必填，请写明邮政编码。",
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    description = text_field(
        "所需信息的名称、文号或便于查询的其他特征性描述",
        2000,
        min_length=10,
        multiline=True,
        help_text="10 至 2000 字。请尽量写明信息的名称、文号、制作机关和大致时间。",
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    delivery = _choice("信息的提供形式", R.Delivery.choices)
    acquisition = _choice("获取信息的方式", R.Acquisition.choices)
    token = token_field()

    def __init__(self, *args, pick_unit=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.pick_unit = pick_unit
        if pick_unit:
            self.fields["organisation"].queryset = Organisation.objects.filter(
                kind__in=[Organisation.Kind.DEPARTMENT, Organisation.Kind.TOWN]
            ).order_by("sort_order", "pk")
        else:
            del self.fields["organisation"]

    def clean_id_number(self):
        return normalise_code(self.cleaned_data["id_number"])

    def clean(self):
        data = super().clean()
        applicant_type = data.get("applicant_type")
        id_number = data.get("id_number")
        if applicant_type == ORGANISATION:
            if not data.get("organisation_kind") and "organisation_kind" not in self.errors:
                self.add_error("organisation_kind", "请选择组织类型。")
            if not data.get("contact_name") and "contact_name" not in self.errors:
                self.add_error("contact_name", "法人或其他组织申请，请填写联系人。")
            if id_number and (error := uscc_error(id_number)):
                self.add_error("id_number", error)
        elif applicant_type == PERSON and id_number and (error := resident_id_error(id_number)):
            self.add_error("id_number", error)
        acquisition = data.get("acquisition")
        if acquisition == R.Acquisition.POST and not data.get("address") and "address" not in self.errors:
            self.add_error("address", "选择邮寄的，请填写通信地址。")
        if acquisition == R.Acquisition.EMAIL and not data.get("email") and "email" not in self.errors:
            self.add_error("email", "选择电子邮件获取的，请填写电子邮箱。")
        return data

    @property
    def applicant_kind(self):
        """The annual report's applicant column: 自然人, or the organisation's kind."""
        if self.cleaned_data.get("applicant_type") == PERSON:
            return PERSON
        return self.cleaned_data.get("organisation_kind") or ""


class RequestCredentialsForm(CredentialsFormMixin, forms.Form):
    """申请编号 and 查询码: typed in the query form, carried hidden (always by POST, never in a
    URL) by the 补正 and withdrawal forms and checked again each time."""

    credential_fields = ("receipt_number", "code")

    receipt_number = forms.CharField(
        label="申请编号",
        max_length=24,
        error_messages={"required": "请填写申请编号。", "max_length": "申请编号不正确。"},
        widget=code_input(),
    )
    code = forms.CharField(
        label="查询码",
        max_length=12,
        error_messages={"required": "请填写查询码。", "max_length": "查询码不正确。"},
        widget=code_input(),
    )

    def clean_receipt_number(self):
        return normalise_code(self.cleaned_data["receipt_number"])

    def clean_code(self):
        return normalise_code(self.cleaned_data["code"])


class RequestQueryForm(RequestCredentialsForm):
    id_prefix = "query"


class _HiddenCredentialsForm(RequestCredentialsForm):
    hide_credentials = True


class ClarifyForm(_HiddenCredentialsForm):
    id_prefix = "clarify"

    note = text_field(
        "补正内容",
        2000,
        min_length=5,
        multiline=True,
        help_text="请按照补正告知的要求，补充说明所需信息的名称、文号或其他特征。提交后答复期限重新计算。",
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class WithdrawForm(_HiddenCredentialsForm):
    id_prefix = "withdraw"

    confirm = forms.BooleanField(
        label="我确认撤回本次政府信息公开申请",
        error_messages={"required": "请勾选确认后再撤回申请。"},
    )
