"""The offline image captcha: drawn by us, checked once, and kind to the user when it fails."""

import io

import pytest
from django import forms
from django.core.cache import cache
from django.http import QueryDict
from django.template.loader import render_to_string
from django.urls import reverse
from PIL import Image

from home import captcha
from home.captcha import CaptchaFormMixin, new_challenge, render_png, verify


class LetterForm(CaptchaFormMixin, forms.Form):
    name = forms.CharField(label="姓名")
    content = forms.CharField(label="内容", widget=forms.Textarea)


def answer_of(challenge_id):
    return cache.get(f"captcha:{challenge_id}")


def post(challenge_id, answer, **values):
    data = QueryDict(mutable=True)
    data.update({"name": "张三", "content": "村口路灯坏了。", **values})
    data.update({"captcha_id": challenge_id, "captcha": answer})
    data._mutable = False  # as request.POST is
    return data


def test_challenge_answers_are_four_unambiguous_characters():
    for _ in range(20):
        answer = answer_of(new_challenge())
        assert len(answer) == 4
        assert set(answer) <= set(captcha.ALPHABET)
    assert not set("01ILOQ") & set(captcha.ALPHABET)


def test_image_is_a_png_pillow_can_decode():
    png = render_png(new_challenge())
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert image.size == (160, 60)
    image.load()
    # Not blank: the glyphs are dark on a light background.
    assert min(image.convert("L").getdata()) < 100


def test_unknown_or_malformed_ids_have_no_image():
    assert render_png("no-such-challenge") is None
    assert render_png("") is None
    assert render_png("../../etc/passwd") is None


def test_right_answer_passes_ignoring_case_and_spaces():
    challenge_id = new_challenge()
    answer = answer_of(challenge_id)
    assert verify(challenge_id, f" {answer[:2].lower()} {answer[2:]} ")


def test_full_width_input_from_a_chinese_input_method_is_accepted(settings):
    settings.CAPTCHA_TEST_ANSWER = "AB23"
    assert verify(new_challenge(), "ａｂ２３")


def test_every_attempt_uses_the_challenge_up():
    challenge_id = new_challenge()
    answer = answer_of(challenge_id)
    assert verify(challenge_id, answer)
    assert not verify(challenge_id, answer)  # no replay

    challenge_id = new_challenge()
    answer = answer_of(challenge_id)
    assert not verify(challenge_id, "WRONG")
    assert not verify(challenge_id, answer)  # no second guess
    assert render_png(challenge_id) is None


def test_unknown_and_expired_challenges_fail():
    assert not verify("no-such-challenge", "ABCD")
    assert not verify("", "")
    challenge_id = new_challenge()
    answer = answer_of(challenge_id)
    cache.delete(f"captcha:{challenge_id}")  # what the ten-minute timeout does
    assert not verify(challenge_id, answer)


def test_test_answer_setting_fixes_the_answer(settings):
    settings.CAPTCHA_TEST_ANSWER = "test"
    challenge_id = new_challenge()
    assert answer_of(challenge_id) == "TEST"
    assert verify(challenge_id, "test")


def test_image_view_serves_png_and_is_never_cached(client):
    challenge_id = new_challenge()
    response = client.get(f"/captcha/{challenge_id}.png")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "no-store"
    assert Image.open(io.BytesIO(response.content)).format == "PNG"
    assert reverse("captcha_image", args=[challenge_id]) == f"/captcha/{challenge_id}.png"


@pytest.mark.django_db  # the redirects middleware looks up every 404
def test_image_view_404s_for_unknown_ids(client):
    response = client.get("/captcha/no-such-challenge.png")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/plain")


def test_unbound_form_issues_a_challenge_and_puts_the_captcha_last():
    form = LetterForm()
    challenge_id = form.initial["captcha_id"]
    assert answer_of(challenge_id)
    assert form.captcha_image_url == f"/captcha/{challenge_id}.png"
    assert list(form.fields)[-2:] == ["captcha_id", "captcha"]
    assert LetterForm().initial["captcha_id"] != challenge_id


def test_shared_initial_dict_is_not_changed():
    shared = {"name": "张三"}
    LetterForm(initial=shared)
    assert shared == {"name": "张三"}


def test_form_with_the_right_answer_is_valid(settings):
    settings.CAPTCHA_TEST_ANSWER = "AB23"
    challenge_id = LetterForm().initial["captcha_id"]
    form = LetterForm(post(challenge_id, "ab23"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["name"] == "张三"


def test_wrong_answer_keeps_other_values_and_shows_a_new_image():
    challenge_id = LetterForm().initial["captcha_id"]
    form = LetterForm(post(challenge_id, "WRONG"))
    assert not form.is_valid()
    assert form.errors["captcha"] == ["验证码不正确或已过期，请重新输入。"]
    assert list(form.errors) == ["captcha"]

    new_id = form["captcha_id"].value()
    assert new_id != challenge_id and answer_of(new_id)
    assert form.captcha_image_url == f"/captcha/{new_id}.png"
    assert form["captcha"].value() == ""
    assert form["name"].value() == "张三"
    assert form["content"].value() == "村口路灯坏了。"

    # The re-rendered form answers the new challenge.
    resubmitted = LetterForm(post(new_id, answer_of(new_id)))
    assert resubmitted.is_valid(), resubmitted.errors


def test_other_errors_also_bring_a_new_challenge():
    # The right answer was used up by the check, so the form cannot show the old image again.
    challenge_id = LetterForm().initial["captcha_id"]
    form = LetterForm(post(challenge_id, answer_of(challenge_id), name=""))
    assert not form.is_valid()
    assert list(form.errors) == ["name"]
    assert answer_of(challenge_id) is None
    assert form["captcha_id"].value() != challenge_id
    assert form["content"].value() == "村口路灯坏了。"


def test_missing_answer_or_challenge():
    form = LetterForm(post(LetterForm().initial["captcha_id"], ""))
    assert form.errors["captcha"] == ["请输入验证码。"]
    form = LetterForm({"name": "张三", "content": "内容", "captcha": "ABCD"})
    assert form.errors["captcha"] == ["验证码不正确或已过期，请重新输入。"]
    assert answer_of(form["captcha_id"].value())


def test_prefixed_form():
    challenge_id = LetterForm(prefix="letter").initial["captcha_id"]
    data = {"letter-name": "张三", "letter-content": "内容", "letter-captcha_id": challenge_id}
    data["letter-captcha"] = answer_of(challenge_id)
    assert LetterForm(data, prefix="letter").is_valid()


def test_a_subclass_clean_without_super_cannot_switch_the_check_off():
    class CarelessForm(LetterForm):
        def clean(self):
            return self.cleaned_data

    challenge_id = CarelessForm().initial["captcha_id"]
    assert not CarelessForm(post(challenge_id, "WRONG")).is_valid()


def test_include_renders_an_accessible_field():
    form = LetterForm(post(LetterForm().initial["captcha_id"], "WRONG"))
    form.is_valid()
    html = render_to_string("includes/captcha_field.html", {"form": form})
    assert f'src="{form.captcha_image_url}"' in html
    assert 'alt="验证码图片，看不清可刷新页面换一张"' in html
    assert '<label for="id_captcha">验证码</label>' in html
    assert 'autocomplete="off"' in html
    assert 'aria-describedby="id_captcha_helptext id_captcha_error"' in html
    assert 'role="alert">验证码不正确或已过期，请重新输入。</p>' in html
    assert f'name="captcha_id" value="{form["captcha_id"].value()}"' in html

    html = render_to_string("includes/captcha_field.html", {"form": LetterForm()})
    assert 'role="alert"' not in html
