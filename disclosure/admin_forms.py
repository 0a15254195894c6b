"""The small forms of the 政务公开 admin: one per request action, the report's choice of year and
unit, and the annual report's manually entered figures.

The action forms only collect what `disclosure.workflow.perform` needs; whether a reason is long
enough, which result codes exist and how far a deadline may be extended is decided by the
workflow, which raises ValidationError; the view puts those messages back on the form.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from disclosure.models import AnnualReportFigures
from disclosure.report import CASE_KEYS, CASE_LABELS, case_figures
from disclosure.workflow import MAX_EXTENSION_WORKDAYS, RESULTS, TRANSITIONS
from home.uploads import MB, check_uploads

ANSWER_DOCUMENT_MAX_SIZE = 20 * MB
FIRST_REPORT_YEAR = 2008  # 《政府信息公开条例》 took effect on 2008-05-01


def report_years():
    return list(range(timezone.localdate().year, FIRST_REPORT_YEAR - 1, -1))


class RequestActionForm(forms.Form):
    """Base: an optional or required note, labelled per action."""

    action = None
    note_label = "说明"
    submit_label = "确定"
    button_class = "button"

    note = forms.CharField(
        label="说明", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3, "cols": 60})
    )

    def __init__(self, *args, disclosure_request=None, **kwargs):
        kwargs.setdefault("auto_id", f"id_{self.action}_%s")
        super().__init__(*args, **kwargs)
        self.disclosure_request = disclosure_request
        self.fields["note"].label = self.note_label
        if self.needs_note:
            self.fields["note"].widget.attrs["required"] = "required"
            self.fields["note"].widget.attrs["aria-required"] = "true"

    @property
    def needs_note(self):
        transition = TRANSITIONS.get(self.action)
        return bool(transition and transition.needs_note)

    @property
    def title(self):
        transition = TRANSITIONS.get(self.action)
        return transition.label if transition else self.submit_label

    @property
    def multipart(self):
        return any(isinstance(field.field, forms.FileField) for field in self)

    def perform_kwargs(self):
        """Keyword arguments for workflow.perform (besides request, action and user)."""
        return {"note": self.cleaned_data.get("note", "")}


class RequestClarificationForm(RequestActionForm):
    action = "request_clarification"
    note_label = "需要补正的内容（一次性告知申请人）"
    submit_label = "告知补正"
    button_class = "button button-secondary"


class CloseUnclarifiedForm(RequestActionForm):
    action = "close_unclarified"
    note_label = "告知申请人的说明（可不填）"
    submit_label = "逾期未补正，不再处理"
    button_class = "button no"


class StartConsultationForm(RequestActionForm):
    action = "start_consultation"
    note_label = "征求意见的第三方及事项（征求意见期间不计入答复期限）"
    submit_label = "开始征求第三方意见"
    button_class = "button button-secondary"


class EndConsultationForm(RequestActionForm):
    action = "end_consultation"
    note_label = "第三方意见（可不填）"
    submit_label = "意见已返回，恢复计时"
    button_class = "button button-secondary"


class ExtendForm(RequestActionForm):
    action = "extend"
    note_label = "延期理由（将告知申请人）"
    submit_label = "延长答复期限"
    button_class = "button button-secondary"

    days = forms.IntegerField(
        label="延长（工作日）",
        min_value=1,
        max_value=MAX_EXTENSION_WORKDAYS,
        initial=MAX_EXTENSION_WORKDAYS,
        help_text=f"经本单位负责人同意可延长一次，最长 {MAX_EXTENSION_WORKDAYS} 个工作日。",
        error_messages={
            "required": "请填写延长的工作日数。",
            "invalid": "请填写整数。",
            "min_value": f"延长期限应为 1 至 {MAX_EXTENSION_WORKDAYS} 个工作日。",
            "max_value": f"延长期限应为 1 至 {MAX_EXTENSION_WORKDAYS} 个工作日。",
        },
    )

    field_order = ["days", "note"]

    def perform_kwargs(self):
        return {**super().perform_kwargs(), "days": self.cleaned_data["days"]}


def result_choices():
    """The answer types grouped as rows of the annual report: 不予公开（理由）…"""
    groups = []
    for code, (kind, reason) in RESULTS.items():
        if not reason:
            groups.append((code, kind))
            continue
        if not groups or not isinstance(groups[-1][1], list) or groups[-1][0] != f"{kind}（理由）":
            groups.append((f"{kind}（理由）", []))
        groups[-1][1].append((code, f"{kind}：{reason}"))
    return [("", "请选择办理结果")] + groups


class AnswerForm(RequestActionForm):
    action = "answer"
    note_label = "答复内容（除予以公开外，须写明理由和依据）"
    submit_label = "答复申请人"

    result = forms.ChoiceField(
        label="办理结果", choices=result_choices, error_messages={"required": "请选择办理结果。"}
    )
    document = forms.FileField(
        label="答复书（PDF，可不上传）",
        required=False,
        help_text="只能上传 PDF 文件，不超过 20 MB。",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,application/pdf"}),
    )

    field_order = ["result", "note", "document"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].widget.attrs.update({"rows": 8, "required": "required", "aria-required": "true"})
        self.fields["result"].error_messages["invalid_choice"] = "请选择办理结果。"

    def clean_document(self):
        upload = self.cleaned_data.get("document")
        if not upload:
            return None
        try:
            [checked] = check_uploads(
                [upload], max_count=1, max_size=ANSWER_DOCUMENT_MAX_SIZE, allowed=("pdf",)
            )
        except ValidationError as error:
            raise ValidationError(error.messages) from None
        return checked

    def perform_kwargs(self):
        kwargs = {**super().perform_kwargs(), "result": self.cleaned_data["result"]}
        checked = self.cleaned_data.get("document")
        if checked is not None:
            kwargs["document"] = checked.file
        return kwargs


ACTION_FORMS = {
    form.action: form
    for form in (
        RequestClarificationForm,
        CloseUnclarifiedForm,
        StartConsultationForm,
        EndConsultationForm,
        ExtendForm,
        AnswerForm,
    )
}


# --- Annual report -------------------------------------------------------------------------------

WHOLE = "all"


class ReportChoiceForm(forms.Form):
    """年度报告: which year, and which unit (or 全市汇总 for supervisors)."""

    year = forms.TypedChoiceField(
        label="年度", coerce=int, error_messages={"invalid_choice": "请选择正确的年度。"}
    )
    unit = forms.ChoiceField(label="单位", error_messages={"invalid_choice": "请选择正确的单位。"})

    def __init__(self, data=None, *, units, whole_allowed, **kwargs):
        today = timezone.localdate()
        if data is not None and not any(data.get(name) for name in ("year", "unit")):
            data = None
        units = list(units)
        unit_choices = ([(WHOLE, "全市汇总（全部单位）")] if whole_allowed else []) + [
            (str(unit.pk), unit.name) for unit in units
        ]
        initial = {"year": today.year, "unit": unit_choices[0][0] if unit_choices else ""}
        if data is not None:
            data = data.copy()
            for name, value in initial.items():
                if not data.get(name):
                    data[name] = value
        super().__init__(data, initial=initial, **kwargs)
        self.fields["year"].choices = [(year, f"{year}年") for year in report_years()]
        self.fields["unit"].choices = unit_choices

    def choice(self):
        """(year, unit value) to use: the defaults when nothing was chosen."""
        if not self.is_bound:
            return self.initial["year"], self.initial["unit"]
        return self.cleaned_data["year"], self.cleaned_data["unit"]


class FiguresForm(forms.ModelForm):
    """年报补充数据 of one unit and year; 复议 and 诉讼 as one number per result, 总计 computed."""

    class Meta:
        model = AnnualReportFigures
        fields = ["penalties", "enforcement", "fees_amount", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 6, "cols": 80})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for prefix, label, attribute in (
            ("review", "行政复议", "reviews"),
            ("lawsuit", "行政诉讼", "lawsuits"),
        ):
            stored = case_figures(getattr(self.instance, attribute))
            for key, key_label in zip(CASE_KEYS[:-1], CASE_LABELS[:-1], strict=True):
                self.fields[f"{prefix}_{key}"] = forms.IntegerField(
                    label=f"{label}：{key_label}",
                    min_value=0,
                    initial=stored[key],
                    error_messages={"min_value": "请填写不小于 0 的整数。", "invalid": "请填写整数。"},
                )
        self.fields["fees_amount"].min_value = 0
        self.fields["fees_amount"].widget.attrs["min"] = "0"
        for name in ("penalties", "enforcement", "fees_amount"):
            self.fields[name].error_messages.update(
                {"invalid": "请填写数字。", "required": "请填写数字（没有请填 0）。"}
            )

    def case_fields(self, prefix):
        return [self[f"{prefix}_{key}"] for key in CASE_KEYS[:-1]]

    def review_fields(self):
        return self.case_fields("review")

    def lawsuit_fields(self):
        return self.case_fields("lawsuit")

    def clean_fees_amount(self):
        value = self.cleaned_data.get("fees_amount")
        if value is not None and value < 0:
            raise ValidationError("收费金额不能为负数。")
        return value

    def save(self, commit=True):
        for prefix, attribute in (("review", "reviews"), ("lawsuit", "lawsuits")):
            figures = {key: self.cleaned_data[f"{prefix}_{key}"] for key in CASE_KEYS[:-1]}
            figures["总计"] = sum(figures.values())
            setattr(self.instance, attribute, figures)
        return super().save(commit=commit)
