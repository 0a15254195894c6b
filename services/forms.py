"""The applicant's forms of the service hall: apply online, query an application, and (once the
query is verified) hand in 补正 materials, withdraw, rate.

Identity numbers are checked here the way the national systems check them (the resident ID's
check digit, GB 11643; the unified social credit code's, GB 32100), so a typing slip is caught
while the applicant is still at the form rather than days later at the window.
"""

import re

from django import forms
from django.core.exceptions import ValidationError

from home import identifiers, uploads
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
from services.models import Application

MB = uploads.MB
# Per material slot: a scanned document is often several pages, one image each.
MAX_FILES_PER_SLOT = 5
MAX_FILE_SIZE = 10 * MB
MAX_SLOT_TOTAL = 20 * MB
MAX_TOTAL = 50 * MB
ALLOWED_KINDS = ("pdf", "jpeg", "png", "docx", "xlsx", "doc", "xls")
FILE_LABELS = "、".join(dict.fromkeys(uploads.ALLOWED_KINDS[kind][1] for kind in ALLOWED_KINDS))
MATERIAL_HELP = (
    f"可上传 {MAX_FILES_PER_SLOT} 个文件（可多选），每个不超过 {MAX_FILE_SIZE // MB} MB；"
    f"支持 {FILE_LABELS} 格式，可用手机拍照上传。"
)

# The resident ID check lives in home.identifiers; these names stay for existing imports.
ID_WEIGHTS = identifiers.ID_WEIGHTS
ID_CHECK = identifiers.ID_CHECK_DIGITS
RESIDENT_ID = identifiers.RESIDENT_ID
resident_id_check_digit = identifiers.resident_id_check_digit
validate_resident_id = identifiers.validate_resident_id
normalise_code = identifiers.normalise_code
CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
CREDIT_CODE = re.compile(rf"^[{CREDIT_CHARS}]{{2}}\d{{6}}[{CREDIT_CHARS}]{{10}}$")
RECEIPT = re.compile(r"^[A-Z0-9]{6,24}$")
ID_TAIL = re.compile(r"^[0-9A-Z]{6}$")


def credit_code_check_char(first17):
    total = sum(
        CREDIT_CHARS.index(char) * weight for char, weight in zip(first17, CREDIT_WEIGHTS, strict=True)
    )
    return CREDIT_CHARS[(31 - total % 31) % 31]


def validate_credit_code(value):
    if len(value) != 18:
        raise ValidationError(f"统一社会信用代码应为 18 位（现有 {len(value)} 位），请核对。", code="length")
    if not CREDIT_CODE.match(value):
        raise ValidationError(
            "统一社会信用代码格式不正确：由数字和大写字母组成（不含 I、O、S、V、Z），第 3 至 8 位为数字。",
            code="format",
        )
    if credit_code_check_char(value[:17]) != value[17]:
        raise ValidationError("统一社会信用代码校验位不正确，请逐位核对后重新输入。", code="check_digit")


def material_field_name(material):
    return f"material_{material.pk}"


class MaterialFieldsMixin:
    """One multiple-file input per material slot of the item; `checked_materials` holds the
    files that passed `check_uploads`, as {ServiceMaterial pk: [CheckedUpload]}."""

    def add_material_fields(self, materials, mark_required):
        self.materials = list(materials)
        for material in self.materials:
            self.fields[material_field_name(material)] = MultipleFileField(
                label=material.name,
                required=mark_required and material.required,
                help_text=material.notes,
            )
        self.checked_materials = {}

    def material_fields(self):
        """(material, bound field) pairs, in the guide's order, for the template."""
        return [(material, self[material_field_name(material)]) for material in self.materials]

    def clean_materials(self, require):
        missing = []
        total = 0
        for material in self.materials:
            name = material_field_name(material)
            files = self.cleaned_data.get(name) or []
            if not files:
                if require and material.required:
                    missing.append(material.name)
                    self.add_error(name, "请上传此材料。")
                continue
            try:
                checked = uploads.check_uploads(
                    files,
                    max_count=MAX_FILES_PER_SLOT,
                    max_size=MAX_FILE_SIZE,
                    max_total=MAX_SLOT_TOTAL,
                    allowed=ALLOWED_KINDS,
                )
            except ValidationError as error:
                self.add_error(name, error)
                continue
            total += sum(upload.size for upload in checked)
            self.checked_materials[material.pk] = checked
        if missing:
            self.add_error(None, f"请上传必须提交的材料：{'、'.join(missing)}。")
        if total > MAX_TOTAL:
            self.add_error(None, f"全部材料合计不能超过 {MAX_TOTAL // MB} MB，请压缩或减少页数后重新上传。")


class ApplicationForm(MaterialFieldsMixin, SubmissionFormMixin, CaptchaFormMixin, forms.Form):
    applicant_type = forms.ChoiceField(
        label="申请人类型",
        widget=forms.RadioSelect,
        error_messages={"required": "请选择申请人类型。", "invalid_choice": "本事项不受理该类申请人。"},
    )
    applicant_name = text_field(
        "申请人",
        100,
        help_text="个人填写姓名；法人填写单位全称（与营业执照或登记证书一致）。",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    id_number = forms.CharField(
        label="证件号码",
        max_length=30,
        help_text="个人填写 18 位居民身份证号码；法人填写 18 位统一社会信用代码。查询办理进度时需要其后六位。",
        error_messages={"required": "请填写证件号码。", "max_length": "证件号码不正确，请核对。"},
        widget=code_input(),
    )
    contact_name = text_field(
        "联系人",
        30,
        required=False,
        help_text="法人申请必填：经办人姓名。",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = phone_field()
    email = email_field("可选。")
    notes = text_field(
        "申请说明",
        1000,
        required=False,
        multiline=True,
        help_text="可选，1000 字以内。",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    token = token_field()

    def __init__(self, *args, item, materials, **kwargs):
        super().__init__(*args, **kwargs)
        self.item = item
        choices = []
        if item.for_individuals:
            choices.append((Application.ApplicantType.INDIVIDUAL, "个人"))
        if item.for_legal_persons:
            choices.append((Application.ApplicantType.LEGAL_PERSON, "法人（企业、单位、社会组织）"))
        self.fields["applicant_type"].choices = choices
        if len(choices) == 1 and not self.is_bound:
            self.initial.setdefault("applicant_type", choices[0][0])
        self.add_material_fields(materials, mark_required=True)
        # The captcha last: it is the final thing filled in before sending.
        for name in ("captcha_id", "captcha"):
            self.fields[name] = self.fields.pop(name)

    def clean_id_number(self):
        return normalise_code(self.cleaned_data["id_number"])

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("applicant_type")
        id_number = cleaned.get("id_number")
        if kind and id_number:
            validate = (
                validate_credit_code
                if kind == Application.ApplicantType.LEGAL_PERSON
                else validate_resident_id
            )
            try:
                validate(id_number)
            except ValidationError as error:
                self.add_error("id_number", error)
        if kind == Application.ApplicantType.LEGAL_PERSON and not cleaned.get("contact_name"):
            self.add_error("contact_name", "法人申请请填写联系人（经办人）姓名。")
        self.clean_materials(require=True)
        return cleaned


class CredentialsForm(CredentialsFormMixin, forms.Form):
    """An application's receipt number and the last six characters of the applicant's ID: typed
    in the query form, then carried hidden (always by POST, never in a URL) by every action of the
    status page and checked again each time."""

    credential_fields = ("receipt_number", "id_tail")

    receipt_number = forms.CharField(
        label="受理编号",
        max_length=24,
        error_messages={"required": "请填写受理编号。", "max_length": "受理编号不正确。"},
        widget=code_input(),
    )
    id_tail = forms.CharField(
        label="证件号码后六位",
        max_length=12,
        help_text="身份证号码或统一社会信用代码的最后六位，字母不区分大小写。",
        error_messages={"required": "请填写证件号码后六位。", "max_length": "请填写证件号码的后六位。"},
        widget=code_input(),
    )

    def clean_receipt_number(self):
        value = normalise_code(self.cleaned_data["receipt_number"])
        if not RECEIPT.match(value):
            raise ValidationError("受理编号由字母和数字组成，如 SQ20261128000123，请核对。", code="invalid")
        return value

    def clean_id_tail(self):
        value = normalise_code(self.cleaned_data["id_tail"])
        if not ID_TAIL.match(value):
            raise ValidationError("请填写证件号码的最后六位（数字或字母）。", code="invalid")
        return value


class QueryForm(CredentialsForm):
    id_prefix = "query"


class _VerifiedActionForm(CredentialsForm):
    """A status-page action: the credentials ride along hidden."""

    hide_credentials = True
    id_prefix = "action"


class ResubmitForm(MaterialFieldsMixin, _VerifiedActionForm):
    id_prefix = "resubmit"

    note = text_field(
        "补正说明",
        500,
        required=False,
        multiline=True,
        help_text="可选，500 字以内。",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, materials, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_material_fields(materials, mark_required=False)

    def clean(self):
        cleaned = super().clean()
        self.clean_materials(require=False)
        if not self.checked_materials and not any(
            material_field_name(m) in self._errors for m in self.materials
        ):
            self.add_error(None, "请按补正告知上传补正材料（至少一个文件）。")
        return cleaned


class WithdrawForm(_VerifiedActionForm):
    id_prefix = "withdraw"

    confirm = forms.BooleanField(
        label="我确认撤回本申请（撤回后不能恢复，如需办理须重新申请）",
        error_messages={"required": "请勾选确认后再撤回。"},
    )
    note = text_field(
        "撤回原因",
        200,
        required=False,
        help_text="可选。",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class RatingForm(_VerifiedActionForm):
    id_prefix = "rate"

    rating = forms.TypedChoiceField(
        label="满意度",
        choices=Application.Rating.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择满意度。", "invalid_choice": "请选择满意度。"},
    )
    comment = text_field(
        "评价意见",
        500,
        required=False,
        multiline=True,
        help_text="可选，500 字以内。",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
