"""Admin editing forms of the interaction pages."""

from django import forms
from wagtail.admin.forms import WagtailAdminPageForm

from forms.choices import LetterType


class LetterBoxPageForm(WagtailAdminPageForm):
    """Letter types as tick boxes; the model keeps them as a comma-separated list of codes."""

    letter_types = forms.MultipleChoiceField(
        label="可选信件类型",
        choices=LetterType.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少选择一种信件类型。"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        stored = self.initial.get("letter_types") or ",".join(LetterType.values)
        if isinstance(stored, str):
            self.initial["letter_types"] = [code for code in stored.split(",") if code]

    def clean_letter_types(self):
        chosen = self.cleaned_data["letter_types"]
        return ",".join(code for code in LetterType.values if code in chosen)
