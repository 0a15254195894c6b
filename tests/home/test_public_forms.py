"""What the citizen's forms of the letter box, the service hall and 依申请公开 share
(`home.public_forms`, `home.public_routes`, `templates/includes/form_errors.html` and
`templates/includes/form_field.html`)."""

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.template.loader import render_to_string

from home.public_forms import (
    PHONE_ERROR,
    TOKEN_ERROR,
    CredentialsFormMixin,
    MultipleFileField,
    PlainTextField,
    SubmissionFormMixin,
    add_workflow_errors,
    code_input,
    email_field,
    normalise_phone,
    phone_field,
    text_field,
    token_field,
)
from home.public_routes import PublicRoutesMixin

TOKEN = "a" * 32


class SubmissionForm(SubmissionFormMixin, forms.Form):
    title = text_field("标题", 10, min_length=2)
    content = text_field("内容", 100, required=False, multiline=True)
    kind = forms.ChoiceField(label="类型", choices=[("a", "甲"), ("b", "乙")], widget=forms.RadioSelect)
    phone = phone_field()
    email = email_field("可选。")
    token = token_field()


def submission(**values):
    return SubmissionForm({"title": "路灯", "kind": "a", "phone": "13800000000", "token": TOKEN, **values})


def test_add_workflow_errors_puts_each_error_on_its_field_or_on_the_form():
    form = submission()
    assert form.is_valid()
    add_workflow_errors(form, ValidationError({"title": "标题已被使用。", "box": "信箱已关闭。"}))
    assert form.errors["title"] == ["标题已被使用。"]
    # A field the form does not have: with the form's own errors, not lost.
    assert form.non_field_errors() == ["信箱已关闭。"]
    assert "box" not in form.errors

    form = submission()
    assert form.is_valid()
    add_workflow_errors(form, ValidationError("该信箱暂停受理。"))
    assert form.non_field_errors() == ["该信箱暂停受理。"]


def test_phone_is_normalised_and_checked():
    assert normalise_phone(" １３８ 0000 0000 ") == "13800000000"
    form = submission(phone="138 0000 0000")
    assert form.is_valid()
    assert form.cleaned_data["phone"] == "13800000000"
    assert submission(phone="0532-88888888").is_valid()
    form = submission(phone="12345")
    assert not form.is_valid()
    assert form.errors["phone"] == [PHONE_ERROR]


def test_token_must_look_like_a_submission_token():
    form = submission(token="short")
    assert not form.is_valid()
    assert form.errors["token"] == [TOKEN_ERROR]
    form = submission(token="")
    assert form.errors["token"] == [TOKEN_ERROR]


def test_text_fields_refuse_control_characters_and_count_characters():
    assert isinstance(SubmissionForm.base_fields["title"], PlainTextField)
    assert submission(title="路\u202e灯").errors["title"] == ["含有不可见的控制字符，请删除后重新输入。"]
    assert submission(title="路").errors["title"] == ["标题不能少于 2 个字（现有 1 个字）。"]
    assert submission(title="路" * 11).errors["title"] == ["标题不能超过 10 个字（现有 11 个字）。"]
    assert submission(title="").errors["title"] == ["请填写标题。"]
    form = submission(content="第一行\r\n第二行\t")
    assert form.is_valid()
    assert form.cleaned_data["content"] == "第一行\n第二行"


def test_multiple_file_field_cleans_to_a_list():
    field = MultipleFileField(required=False)
    assert field.clean(None) == []
    assert field.clean(["a", "", "b"]) == ["a", "b"]


def test_error_summary_links_each_error_to_its_field():
    form = submission(title="", kind="", phone="1", token="")
    form.is_valid()
    html = render_to_string("includes/form_errors.html", {"form": form})
    assert '<div class="letter-alert error-summary" role="alert" tabindex="-1">' in html
    assert "<h2>提交未成功，请按提示修改后重新提交：</h2>" in html
    assert '<a href="#id_title">标题：请填写标题。</a>' in html
    # A radio group's first input carries the id.
    assert '<a href="#id_kind_0">类型：' in html
    assert f"<li>{TOKEN_ERROR}</li>" in html

    html = render_to_string(
        "includes/form_errors.html",
        {
            "form": form,
            "heading": "请填写以下内容：",
            "alert_class": "svc-alert",
            "files_lost": True,
            "files_lost_text": "请重新选择附件。",
        },
    )
    assert '<div class="svc-alert error-summary"' in html
    assert "<h2>请填写以下内容：</h2>" in html
    assert "<p>请重新选择附件。</p>" in html
    # Without the app's own wording nothing is said about files.
    html = render_to_string("includes/form_errors.html", {"form": form, "files_lost": True})
    assert "<p>" not in html
    assert render_to_string("includes/form_errors.html", {"form": submission()}).strip() == ""


def test_field_include_marks_required_optional_and_conditional_fields():
    form = submission(title="", kind="")
    form.is_valid()
    html = render_to_string("includes/form_field.html", {"field": form["title"]})
    assert '<label for="id_title">标题<span class="required">（必填）</span></label>' in html
    assert '<p class="field-error" id="id_title_error">请填写标题。</p>' in html

    html = render_to_string("includes/form_field.html", {"field": form["kind"], "choice_class": "gk-choices"})
    assert '<fieldset class="form-field choice-field gk-choices has-error"' in html
    assert '<legend>类型<span class="required">（必填）</span></legend>' in html

    html = render_to_string(
        "includes/form_field.html",
        {"field": form["email"], "required_note": "选择电子邮件时必填", "note": "备注"},
    )
    assert '<span class="required">（选择电子邮件时必填）</span>' in html
    assert '<p class="help" id="id_email_helptext">可选。</p>' in html
    assert '<p class="field-note">备注</p>' in html

    html = render_to_string(
        "includes/form_field.html",
        {"field": form["content"], "optional": True, "label": "说明", "extra_help": "另附说明"},
    )
    assert '<label for="id_content">说明<span class="optional">（选填）</span></label>' in html
    assert '<p class="help">另附说明</p>' in html

    assert (
        render_to_string("includes/form_field.html", {"field": form["token"]})
        .strip()
        .startswith('<input type="hidden" name="token"')
    )


class CaseCredentials(CredentialsFormMixin, forms.Form):
    credential_fields = ("number", "code")

    number = forms.CharField(widget=code_input())
    code = forms.CharField(widget=code_input())


class CaseQuery(CaseCredentials):
    id_prefix = "query"


class CaseAction(CaseCredentials):
    hide_credentials = True
    id_prefix = "rate"

    note = forms.CharField(required=False)


def test_credentials_are_typed_in_the_query_and_carried_hidden_by_actions():
    plain = CaseCredentials()
    assert plain["number"].auto_id == "id_number"
    assert plain.fields["code"].widget.attrs == {
        "autocomplete": "off",
        "autocapitalize": "characters",
        "spellcheck": "false",
    }
    query = CaseQuery()
    assert query["number"].auto_id == "query_number"
    assert not query["number"].is_hidden

    action = CaseAction(initial={"number": "202601010001", "code": "ABCD2345"})
    assert action["number"].auto_id == "rate_number"
    assert action["number"].is_hidden and action["code"].is_hidden
    assert not action["note"].is_hidden
    # The class's own widgets stay as they were: hiding is per form.
    assert not CaseAction.base_fields["number"].widget.is_hidden
    assert CaseAction(auto_id="own_%s")["code"].auto_id == "own_code"
    bound = CaseAction({"number": "1", "code": "2"})
    assert bound.is_valid()


class RoutesPage(PublicRoutesMixin):
    """Just enough of a page for the mixin."""

    url = "/box/"

    def get_url(self, request=None):
        return None

    def reverse_subpage(self, name, args=None, kwargs=None):
        return "".join(f"{part}/" for part in (name, *(args or ())))

    def render(self, request, template=None, context_overrides=None):
        return HttpResponse(f"{template} {sorted(context_overrides)}")


def test_public_routes_render_with_a_status_and_keep_private_pages_out_of_caches():
    page = RoutesPage()
    assert page.subpage_url(None, "query") == "/box/query/"
    assert page.subpage_url(None, "download", "abc") == "/box/download/abc/"

    response = page._render(None, "forms/letter_list.html", {"page_obj": None}, status=400)
    assert response.status_code == 400
    assert response.content.decode() == "forms/letter_list.html ['page_obj']"
    assert "no-store" not in response.get("Cache-Control", "")
    response = page._render(None, "forms/letter_status.html", private=True)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_every_public_page_uses_the_shared_routes():
    from disclosure.models import DisclosureCataloguePage
    from forms.models import LetterBoxPage
    from services.models import ServiceHallPage, ServiceItemPage

    for page_class in (LetterBoxPage, ServiceHallPage, ServiceItemPage, DisclosureCataloguePage):
        assert page_class._render is PublicRoutesMixin._render
