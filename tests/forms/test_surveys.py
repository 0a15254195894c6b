"""Surveys (在线调查): captcha and period, one answer per client, results after the close only."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from wagtail.contrib.forms.models import FormSubmission

from forms.campaigns import ChoiceCount, survey_results
from forms.models import SurveyFormField, SurveyPage
from home.captcha import new_challenge
from tests.conftest import host
from tests.forms.test_campaigns import zmhd

pytestmark = pytest.mark.django_db

_slugs = {"n": 0}


def make_survey(starts=-1, ends=10, **fields):
    _slugs["n"] += 1
    now = timezone.now()
    page = SurveyPage(
        title=fields.pop("title", "2026年城市公共服务满意度调查"),
        slug=f"survey-{_slugs['n']}",
        starts_at=now + timedelta(days=starts),
        ends_at=now + timedelta(days=ends),
        **fields,
    )
    zmhd().add_child(instance=page)
    questions = [
        ("您对公交服务是否满意", "radio", "满意\n一般\n不满意", True),
        ("您最关心哪些方面", "checkboxes", "交通,教育,医疗", True),
        ("您的年龄段", "dropdown", "30岁以下,30至60岁,60岁以上", False),
        ("其他意见", "multiline", "", False),
    ]
    for order, (label, field_type, choices, required) in enumerate(questions):
        SurveyFormField.objects.create(
            page=page,
            label=label,
            field_type=field_type,
            choices=choices,
            required=required,
            sort_order=order,
        )
    return SurveyPage.objects.get(pk=page.pk)


def field_names(page):
    return [field.clean_name for field in page.get_form_fields()]


def answers(page, satisfaction="满意", concerns=("交通",), age="", other=""):
    radio, checkboxes, dropdown, text = field_names(page)
    return {radio: satisfaction, checkboxes: list(concerns), dropdown: age, text: other}


def form_post(page, **kwargs):
    return {
        **answers(page, **kwargs),
        "form_token": page.new_form_token(),
        "captcha_id": new_challenge(),
        "captcha": "2345",
    }


def url_of(page):
    return page.get_url_parts()[2]


def submit(client, page, data=None, ip="10.3.3.3"):
    return client.post(url_of(page), data or form_post(page), HTTP_HOST=host("www"), REMOTE_ADDR=ip)


def store(page, **kwargs):
    return FormSubmission.objects.create(page=page, form_data=answers(page, **kwargs))


def close(page):
    SurveyPage.objects.filter(pk=page.pk).update(ends_at=timezone.now() - timedelta(minutes=1))


def test_an_answer_is_stored_with_only_the_questions_in_form_data(client, group):
    page = make_survey()
    html = client.get(url_of(page), HTTP_HOST=host("www")).content.decode()
    assert "调查进行中" in html and 'name="captcha"' in html and "您最关心哪些方面" in html
    assert 'name="contact_name"' not in html  # a survey asks for no contact
    response = submit(client, page, form_post(page, concerns=("交通", "医疗"), age="60岁以上"))
    assert response.status_code == 200
    assert "提交成功" in response.content.decode()
    submission = FormSubmission.objects.get(page=page)
    assert set(submission.form_data) == set(field_names(page))
    assert submission.form_data[field_names(page)[1]] == ["交通", "医疗"]


def test_a_wrong_captcha_or_a_missing_answer_is_400_and_stores_nothing(client, group):
    page = make_survey()
    response = submit(client, page, form_post(page, other="保留的文字意见") | {"captcha": "0000"})
    assert response.status_code == 400
    assert "验证码不正确" in response.content.decode() and "保留的文字意见" in response.content.decode()
    response = submit(client, page, form_post(page, satisfaction=""))
    assert response.status_code == 400
    assert not FormSubmission.objects.filter(page=page).exists()


@pytest.mark.parametrize("starts, ends, text", [(-10, -1, "调查已结束"), (3, 10, "调查未开始")])
def test_outside_its_period_a_survey_takes_no_answers(client, group, starts, ends, text):
    page = make_survey(starts=starts, ends=ends)
    html = client.get(url_of(page), HTTP_HOST=host("www")).content.decode()
    assert text in html and 'name="captcha"' not in html
    response = submit(client, page)
    assert response.status_code == 403 and text in response.content.decode()
    assert not FormSubmission.objects.filter(page=page).exists()


def test_one_answer_per_browser(client, group):
    page = make_survey()
    response = submit(client, page)
    assert response.status_code == 200
    assert f"survey_{page.pk}_answered" in response.cookies
    html = client.get(url_of(page), HTTP_HOST=host("www")).content.decode()
    assert "您已参与本次调查" in html and 'name="captcha"' not in html
    again = submit(client, page)
    assert again.status_code == 403 and "每人限答一次" in again.content.decode()
    assert FormSubmission.objects.filter(page=page).count() == 1
    # A forged cookie (not signed by us) does not count as an answer.
    client.cookies[f"survey_{page.pk}_answered"] = "1"
    assert 'name="captcha"' in client.get(url_of(page), HTTP_HOST=host("www")).content.decode()


def test_at_most_five_answers_a_day_from_one_address(client, group):
    page = make_survey()
    for _ in range(5):
        client.cookies.clear()  # someone clearing cookies between answers
        assert submit(client, page, ip="10.4.4.4").status_code == 200
    client.cookies.clear()
    assert submit(client, page, ip="10.4.4.4").status_code == 429
    assert FormSubmission.objects.filter(page=page).count() == 5
    client.cookies.clear()
    assert submit(client, page, ip="10.4.4.5").status_code == 200


def test_the_same_answer_sheet_sent_twice_is_stored_once(client, group):
    page = make_survey()
    data = form_post(page)
    assert submit(client, page, data).status_code == 200
    client.cookies.clear()  # a double click: the browser has not yet seen the first answer's cookie
    again = submit(client, page, data)
    assert again.status_code == 200 and "无需重复提交" in again.content.decode()
    assert FormSubmission.objects.filter(page=page).count() == 1


def test_results_count_choices_in_python_with_percentages(group):
    page = make_survey()
    store(page, satisfaction="满意", concerns=("交通", "教育"), other="希望增加班次")
    store(page, satisfaction="满意", concerns=("交通",))
    store(page, satisfaction="一般", concerns=("医疗",), age="60岁以上", other="站台需要遮阳棚")
    radio, checkboxes, dropdown, text = survey_results(page)
    assert radio.label == "您对公交服务是否满意" and radio.field_type == "radio" and radio.total == 3
    assert radio.choices == [
        ChoiceCount("满意", 2, 66.7),
        ChoiceCount("一般", 1, 33.3),
        ChoiceCount("不满意", 0, 0.0),
    ]
    assert [tuple(row) for row in checkboxes.choices] == [
        ("交通", 2, 66.7),
        ("教育", 1, 33.3),
        ("医疗", 1, 33.3),
    ]
    # Only those who answered count: one person gave an age.
    assert dropdown.total == 1 and dropdown.choices[2] == ChoiceCount("60岁以上", 1, 100.0)
    assert text.field_type == "multiline" and text.total == 2 and text.choices == []


def test_results_are_hidden_while_open_and_published_with_svg_after_the_close(client, group):
    page = make_survey()
    store(page, satisfaction="满意", concerns=("交通", "教育"), other="私人的文字意见")
    store(page, satisfaction="满意", concerns=("交通",))
    store(page, satisfaction="一般", concerns=("医疗",))
    html = client.get(url_of(page), HTTP_HOST=host("www")).content.decode()
    assert "调查结果将于调查截止" in html
    assert "调查结果</h2>" not in html and "<svg" not in html and "66.7%" not in html

    close(page)
    html = client.get(url_of(page), HTTP_HOST=host("www")).content.decode()
    assert "调查结果</h2>" in html
    assert re.search(r"共有 <strong>3</strong> 人参与", html)
    assert '<th scope="row">满意</th><td>2</td><td>66.7%</td>' in html
    assert '<th scope="row">不满意</th><td>0</td><td>0%</td>' in html
    assert html.count("<svg") == 3  # one chart per choice question
    assert 'role="img"' in html and "满意 66.7%" in html
    assert "共收到 1 份回答" in html and "私人的文字意见" not in html
    assert "<script" not in html


def test_results_stay_unpublished_when_the_survey_says_so(client, group):
    page = make_survey(show_results=False)
    store(page)
    close(page)
    html = client.get(url_of(page), HTTP_HOST=host("www")).content.decode()
    assert "调查已结束" in html and "不在网上公布" in html and "<svg" not in html
