"""The small forms of the application (办件) handling page: one per workflow action, plus the
statistics range.

These forms only collect what `services.workflow.perform` needs. Whether a reason is required,
who a step may be routed to and which due dates are allowed is decided by the workflow, which
raises ValidationError; the view puts those messages back on the form. The `required` attribute
in the HTML comes from the transition table so that the browser can help early.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from forms.admin_forms import StatisticsRangeForm
from home.uploads import MB, check_uploads
from services.workflow import TRANSITIONS, assignable_users

# Suggestions for the post (岗位) a step is routed to; any other text is allowed.
POST_SUGGESTIONS = ("审核岗", "审批岗", "现场勘验岗")
RESULT_MAX_SIZE = 20 * MB


class ApplicationActionForm(forms.Form):
    """Base: an optional or required note, labelled per action."""

    action = None
    note_label = "说明"
    submit_label = "确定"
    button_class = "button"

    note = forms.CharField(
        label="说明", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3, "cols": 60})
    )

    def __init__(self, *args, application=None, **kwargs):
        kwargs.setdefault("auto_id", f"id_{self.action}_%s")
        super().__init__(*args, **kwargs)
        self.application = application
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

    @property
    def multipart(self):
        return any(isinstance(field.field, forms.FileField) for field in self)

    def perform_kwargs(self):
        """Keyword arguments for workflow.perform (besides application, action and user)."""
        return {"note": self.cleaned_data.get("note", "")}


class MaterialChecklist(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple


class RequestSupplementForm(ApplicationActionForm):
    """一次性告知: tick the materials to correct; the ticks and the text make one notice."""

    action = "request_supplement"
    note_label = "补正要求（申请人可见，可补充具体说明）"
    submit_label = "一次性告知补正"
    button_class = "button button-secondary"

    missing = MaterialChecklist(label="需补正的材料", required=False)

    field_order = ["missing", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The note is composed from ticks and text: neither alone is required in the browser.
        self.fields["note"].widget.attrs.pop("required", None)
        self.fields["note"].widget.attrs.pop("aria-required", None)
        self.fields["note"].help_text = "勾选的材料会列在告知书开头；请一次性说明全部需补正的内容。"
        choices = []
        if self.application is not None:
            uploaded = set(self.application.materials.values_list("material_id", flat=True))
            for material in self.application.item.materials.all():
                label = material.name
                if material.pk not in uploaded:
                    label += "（未上传）"
                choices.append((str(material.pk), label))
        self.fields["missing"].choices = choices

    def composed_note(self):
        ticked = set(self.cleaned_data.get("missing", []))
        # In the guide's order, whatever order the browser sent the ticks in.
        picked = [
            label.removesuffix("（未上传）") for pk, label in self.fields["missing"].choices if pk in ticked
        ]
        text = self.cleaned_data.get("note", "").strip()
        if not picked:
            return text
        lines = ["请补正以下材料："] + [f"{number}. {name}" for number, name in enumerate(picked, 1)]
        if text:
            lines.append(text)
        return "\n".join(lines)

    def perform_kwargs(self):
        return {"note": self.composed_note()}


class RejectForm(ApplicationActionForm):
    action = "reject"
    note_label = "不予受理的理由（申请人可见）"
    submit_label = "不予受理"
    button_class = "button no"


class AcceptForm(ApplicationActionForm):
    action = "accept"
    note_label = "受理意见（可不填）"
    submit_label = "受理"


class AssigneeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        name = obj.get_full_name().strip()
        return f"{name}（{obj.get_username()}）" if name else obj.get_username()


class RouteForm(ApplicationActionForm):
    action = "route"
    note_label = "流转意见（可不填）"
    submit_label = "流转"

    assignee = AssigneeChoiceField(
        label="下一经办人",
        queryset=None,
        empty_label="请选择",
        error_messages={"invalid_choice": "请选择本部门的经办人。", "required": "请选择下一经办人。"},
    )
    post = forms.CharField(
        label="承办岗位",
        max_length=40,
        error_messages={"required": "请填写承办岗位，如“审核岗”“审批岗”。"},
    )
    due = forms.DateField(
        label="本环节期限",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="不填则为承诺办结日期；应在今天和承诺办结日期之间。",
        error_messages={"invalid": "请填写正确的日期（如 2026-01-05）。"},
    )

    field_order = ["assignee", "post", "due", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        application = self.application
        organisation = application.organisation if application is not None else None
        queryset = assignable_users(organisation) if organisation is not None else None
        if queryset is None:
            from django.contrib.auth import get_user_model

            queryset = get_user_model().objects.none()
        self.fields["assignee"].queryset = queryset
        self.fields["post"].widget.attrs["list"] = f"{self.auto_id % 'post'}_suggestions"
        self.post_suggestions = POST_SUGGESTIONS
        self.fields["due"].widget.attrs["min"] = timezone.localdate().isoformat()
        if application is not None and application.promised_due:
            self.fields["due"].initial = application.promised_due
            self.fields["due"].widget.attrs["max"] = application.promised_due.isoformat()

    @property
    def datalist_id(self):
        return self.fields["post"].widget.attrs["list"]

    def perform_kwargs(self):
        return {
            **super().perform_kwargs(),
            "assignee": self.cleaned_data["assignee"],
            "post": self.cleaned_data["post"],
            "due": self.cleaned_data.get("due"),
        }


class DecisionForm(ApplicationActionForm):
    """准予 / 不予准予: the decision text and, optionally, the signed result document (PDF)."""

    result_file = forms.FileField(
        label="结果文书（PDF，可不上传）",
        required=False,
        help_text="只能上传 PDF 文件，不超过 20 MB。",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,application/pdf"}),
    )

    field_order = ["note", "result_file"]

    def clean_result_file(self):
        upload = self.cleaned_data.get("result_file")
        if not upload:
            return None
        try:
            [checked] = check_uploads([upload], max_count=1, max_size=RESULT_MAX_SIZE, allowed=("pdf",))
        except ValidationError as error:
            raise ValidationError(error.messages) from None
        return checked

    def perform_kwargs(self):
        checked = self.cleaned_data.get("result_file")
        kwargs = super().perform_kwargs()
        if checked is not None:
            kwargs["result_file"] = checked.file
        return kwargs


class ApproveForm(DecisionForm):
    action = "approve"
    note_label = "决定意见（申请人可见）"
    submit_label = "准予"


class DenyForm(DecisionForm):
    action = "deny"
    note_label = "不予准予的理由（申请人可见）"
    submit_label = "不予准予"
    button_class = "button no"


class CloseForm(ApplicationActionForm):
    action = "close"
    note_label = "办结说明（如结果送达方式，可不填）"
    submit_label = "办结"


ACTION_FORMS = {
    form.action: form
    for form in (
        RequestSupplementForm,
        RejectForm,
        AcceptForm,
        RouteForm,
        ApproveForm,
        DenyForm,
        CloseForm,
    )
}


class ServiceStatisticsRangeForm(StatisticsRangeForm):
    """办件统计: applications submitted in this range (this year by default)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["start"].label = "提交日期从"
