"""错敏词检查 in the page editor: a mixin for WagtailAdminPageForm subclasses.

    class ArticlePageForm(SensitiveWordFormMixin, WagtailAdminPageForm): ...

Saving a draft is never stopped. Submitting for review, resubmitting, publishing (or scheduling) and
approving in a workflow are refused while the content holds a blocking word; warning words are kept on
`form.sensitive_word_warnings` (the after_create_page / after_edit_page hooks in word_hooks.py show them).
"""

# POST keys of the editor's buttons that send content on its way to the public.
CHECKED_ACTIONS = ("action-submit", "action-publish", "action-restart-workflow", "action-workflow-action")
# Workflow actions that send content back rather than forward are not checked: a reviewer must be able
# to return an article *because* of its wording.
UNCHECKED_WORKFLOW_ACTIONS = ("reject",)


def check_requested(data):
    """Whether the editor's POST data asks to submit, publish or approve (not just to save a draft)."""
    if not any(data.get(key) for key in CHECKED_ACTIONS):
        return False
    only_workflow_action = not any(data.get(key) for key in CHECKED_ACTIONS[:-1])
    if only_workflow_action and data.get("workflow-action-name") in UNCHECKED_WORKFLOW_ACTIONS:
        return False
    return True


class SensitiveWordFormMixin:
    sensitive_word_warnings = ()

    def clean(self):
        cleaned_data = super().clean()
        self.sensitive_word_warnings = []
        if not check_requested(self.data):
            return cleaned_data
        from workflows.word_check import check_page

        result = check_page(cleaned_data)
        self.sensitive_word_warnings = result.warnings
        if result.blocking:
            self.add_error(
                None,
                f"内容中有 {sum(hit.count for hit in result.blocking)} 处禁止使用的错敏词，不能提交审核或发布，"
                "请修改后再提交（仍可保存草稿）：",
            )
            for hit in result.blocking:
                message = hit.describe()
                if hit.note:
                    message += f"说明：{hit.note.rstrip('。')}。"
                self.add_error(None, message)
        return cleaned_data
