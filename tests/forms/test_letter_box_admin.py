"""Editors configure a letter box in the page editor: letter types as tick boxes, 信访 rules enforced."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from wagtail.models import Page
from wagtail.test.utils.form_data import rich_text

from forms.models import LetterBoxPage
from home.blocks import RICH_TEXT_FEATURES
from home.models import Organisation

pytestmark = pytest.mark.django_db


def _post(client, parent, **fields):
    data = {
        "title": "局长信箱",
        "slug": "jzxx-test",
        "box_kind": "director",
        "intro": rich_text("<p>局长信箱由本局直接办理。</p>", features=RICH_TEXT_FEATURES),
        "notice": "请如实反映问题。",
        "letter_types": ["consult", "complaint"],
        "public_listing": "on",
        "action-publish": "publish",
    }
    data.update(fields)
    url = reverse("wagtailadmin_pages:add", args=("forms", "letterboxpage", parent.pk))
    return client.post(url, data)


def test_a_unit_reviewer_adds_a_letter_box_with_chosen_types(client):
    jyj = Organisation.objects.get(label="jyj")
    client.force_login(get_user_model().objects.get(username="jyj_admin"))
    response = _post(client, jyj.site.root_page)
    assert response.status_code == 302, response.content.decode()[:2000]
    box = LetterBoxPage.objects.get(slug="jzxx-test")
    assert box.letter_types == "consult,complaint"
    assert box.type_choices() == [("consult", "咨询"), ("complaint", "投诉")]
    edit = client.get(reverse("wagtailadmin_pages:edit", args=(box.pk,)))
    ticked = set(
        re.findall(r'<input[^>]*name="letter_types"[^>]*value="(\w+)"[^>]*checked', edit.content.decode())
    )
    assert ticked == {"consult", "complaint"}


def test_a_petition_box_cannot_count_working_days(client):
    jyj = Organisation.objects.get(label="jyj")
    client.force_login(get_user_model().objects.get(username="jyj_admin"))
    response = _post(client, jyj.site.root_page, box_kind="petition", day_basis="workday")
    assert response.status_code == 200
    assert "网上信访按《信访工作条例》以自然日计算时限" in response.content.decode()
    assert not LetterBoxPage.objects.filter(slug="jzxx-test").exists()


def test_another_units_user_cannot_add_a_box_to_this_site(client):
    jyj = Organisation.objects.get(label="jyj")
    client.force_login(get_user_model().objects.get(username="gaj_admin"))
    response = _post(client, jyj.site.root_page)
    assert response.status_code in (302, 403)
    assert not LetterBoxPage.objects.filter(slug="jzxx-test").exists()
    assert Page.objects.filter(slug="jzxx-test").count() == 0
