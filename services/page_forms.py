"""The service guide editor refuses to publish (or send for review) a guide with missing elements."""

from django.core.exceptions import ValidationError
from wagtail.admin.forms import WagtailAdminPageForm


class ServiceItemPageForm(WagtailAdminPageForm):
    # Every editor button that publishes or sends the guide for review: 发布, 提交审核, 重新开始审核
    # (restart-workflow, offered to the submitter after 退回修改) and 审核通过.
    SENDING_ACTIONS = ("action-publish", "action-submit", "action-restart-workflow")

    def _is_publishing(self):
        data = self.data
        approving = data.get("action-workflow-action") and data.get("workflow-action-name") == "approve"
        return bool(approving or any(data.get(name) for name in self.SENDING_ACTIONS))

    def clean(self):
        cleaned = super().clean()
        if not self._is_publishing():
            return cleaned  # drafts may be incomplete
        from services.workflow import missing_guide_elements

        def kept(name):
            formset = self.formsets.get(name)
            if formset is None or not formset.is_valid():
                return None
            return [
                form.cleaned_data
                for form in formset.forms
                if form.cleaned_data and not form.cleaned_data.get("DELETE")
            ]

        page = self.instance
        for field, value in cleaned.items():
            if hasattr(page, field) and field not in ("themes", "life_events"):
                setattr(page, field, value)
        missing = missing_guide_elements(page, materials=kept("materials"), fees=kept("fees"))
        if missing:
            raise ValidationError(
                f"办事指南要素不全，不能发布或提交审核：请填写{'、'.join(missing)}。可以先保存草稿。",
                code="incomplete_guide",
            )
        return cleaned
