"""The small forms of the letter handling page: one per workflow action, plus the statistics range.

These forms only collect what `forms.workflow.perform` needs. Whether a reason is required, which
unit may receive a letter, whether a reply is long enough — all that is decided by the workflow,
which raises ValidationError; the view puts those messages back on the form. The `required`
attribute in the HTML is taken from the transition table so the browser can help early.
"""

from datetime import date

from django import forms
from django.utils import timezone

from forms.workflow import TRANSITIONS
from home.models import Organisation


def handling_units():
    """Units a letter can be handed to: departments and towns that have staff groups."""
    return Organisation.objects.filter(
        kind__in=[Organisation.Kind.DEPARTMENT, Organisation.Kind.TOWN], editor_group__isnull=False
    ).order_by("kind", "sort_order", "pk")


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.get_kind_display()}）"


class LetterActionForm(forms.Form):
    """Base: an optional or required note, labelled per action."""

    action = None
    note_label = "说明"
    submit_label = "确定"
    button_class = "button"

    note = forms.CharField(
        label="说明", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3, "cols": 60})
    )

    def __init__(self, *args, letter=None, **kwargs):
        kwargs.setdefault("auto_id", f"id_{self.action}_%s")
        super().__init__(*args, **kwargs)
        self.letter = letter
        if "note" in self.fields:
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

    def perform_kwargs(self):
        """Keyword arguments for workflow.perform (besides letter, action and user)."""
        return {"note": self.cleaned_data.get("note", "")}


class AcceptForm(LetterActionForm):
    action = "accept"
    note_label = "受理意见（可不填）"
    submit_label = "受理"


class RejectForm(LetterActionForm):
    action = "reject"
    note_label = "不予受理的理由（来信人可见）"
    submit_label = "不予受理"
    button_class = "button no"


class MergeForm(LetterActionForm):
    action = "merge"
    note_label = "说明（可不填）"
    submit_label = "合并"
    button_class = "button button-secondary"

    target_number = forms.CharField(label="合并到信件编号", max_length=20)

    field_order = ["target_number", "note"]

    def perform_kwargs(self):
        return {**super().perform_kwargs(), "target_number": self.cleaned_data["target_number"]}


class AssignForm(LetterActionForm):
    action = "assign"
    note_label = "转办意见（可不填）"
    submit_label = "转办"

    unit = UnitChoiceField(label="承办单位", queryset=Organisation.objects.none(), empty_label="请选择")

    field_order = ["unit", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = handling_units()

    def perform_kwargs(self):
        return {**super().perform_kwargs(), "unit": self.cleaned_data["unit"]}


class ForwardForm(LetterActionForm):
    action = "forward"
    note_label = "交办说明（可不填）"
    submit_label = "交办"
    button_class = "button button-secondary"

    unit = UnitChoiceField(
        label="交办下级单位",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="（不交其他单位）",
    )
    section = forms.CharField(
        label="或本单位承办科室", max_length=60, required=False, help_text="交本单位科室办理时填写科室名称。"
    )

    field_order = ["unit", "section", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        units = handling_units()
        if self.letter is not None and self.letter.unit_id:
            units = units.exclude(pk=self.letter.unit_id)
        self.fields["unit"].queryset = units

    def perform_kwargs(self):
        return {
            **super().perform_kwargs(),
            "unit": self.cleaned_data.get("unit"),
            "section": self.cleaned_data.get("section", ""),
        }


class ReturnForm(LetterActionForm):
    action = "return"
    note_label = "退回理由（如：不属于本单位职责）"
    submit_label = "退回受理员"
    button_class = "button no"


class RequestExtensionForm(LetterActionForm):
    action = "request_extension"
    note_label = "延期理由"
    submit_label = "申请延期"
    button_class = "button button-secondary"


class ApproveExtensionForm(LetterActionForm):
    action = "approve_extension"
    note_label = "审批意见（可不填）"
    submit_label = "批准延期"


class RefuseExtensionForm(LetterActionForm):
    action = "refuse_extension"
    note_label = "不批准的理由"
    submit_label = "不批准延期"
    button_class = "button no"


class ReplyForm(LetterActionForm):
    """The reply editor: “保存草稿” posts to save_draft, “提交审核” to submit_reply."""

    action = "submit_reply"
    note_label = "送审说明（可不填）"
    submit_label = "提交审核"

    reply = forms.CharField(
        label="答复内容",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 12, "cols": 80}),
        help_text="答复将在审核通过后发送给来信人；来信人同意公开的，个人信息隐去后公开。",
    )

    field_order = ["reply", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.letter is not None and not self.is_bound:
            self.initial.setdefault("reply", self.letter.reply)

    def perform_kwargs(self):
        return {**super().perform_kwargs(), "reply": self.cleaned_data.get("reply", "")}


class ApproveReplyForm(LetterActionForm):
    action = "approve_reply"
    note_label = "审核意见（可不填）"
    submit_label = "审核通过并答复来信人"


class RejectReplyForm(LetterActionForm):
    action = "reject_reply"
    note_label = "退回修改的意见"
    submit_label = "退回修改"
    button_class = "button no"


class PublishForm(LetterActionForm):
    action = "publish"
    note_label = "说明（可不填）"
    submit_label = "公开"


class UnpublishForm(LetterActionForm):
    action = "unpublish"
    note_label = "取消公开的理由"
    submit_label = "取消公开"
    button_class = "button no"


class ChaseForm(LetterActionForm):
    action = "chase"
    note_label = "催办意见（可不填）"
    submit_label = "催办"
    button_class = "button button-secondary"


class SuperviseForm(LetterActionForm):
    action = "supervise"
    note_label = "督办意见（可不填）"
    submit_label = "列为督办件"
    button_class = "button button-secondary"


ACTION_FORMS = {
    form.action: form
    for form in (
        AcceptForm,
        RejectForm,
        MergeForm,
        AssignForm,
        ForwardForm,
        ReturnForm,
        RequestExtensionForm,
        ApproveExtensionForm,
        RefuseExtensionForm,
        ReplyForm,
        ApproveReplyForm,
        RejectReplyForm,
        PublishForm,
        UnpublishForm,
        ChaseForm,
        SuperviseForm,
    )
}
# Saving a draft is not a transition (no history row) but shares the reply editor.
SAVE_DRAFT = "save_draft"


class StatisticsRangeForm(forms.Form):
    """来信统计: the date range of receipt, this year by default."""

    start = forms.DateField(
        label="来信日期从", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        label="至", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, data=None, **kwargs):
        today = timezone.localdate()
        # An empty query string means the default range, not an error.
        if data is not None and not any(data.get(name) for name in ("start", "end")):
            data = None
        super().__init__(data, initial={"start": date(today.year, 1, 1), "end": today}, **kwargs)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            raise forms.ValidationError("开始日期不能晚于结束日期。")
        return cleaned

    def date_range(self):
        """(start, end) to use: the defaults fill whatever was left empty."""
        if not self.is_bound:
            return self.initial["start"], self.initial["end"]
        return (
            self.cleaned_data.get("start") or self.initial["start"],
            self.cleaned_data.get("end") or self.initial["end"],
        )
