"""Letter boxes and other interaction pages are listed on the column and the unit home that hold them."""

import pytest

from forms import workflow
from home.models import Organisation
from tests.conftest import host
from tests.factories.letters import letter_world, write_letter

pytestmark = pytest.mark.django_db


def test_the_interaction_column_lists_its_boxes_and_latest_masked_replies(client):
    world = letter_world()
    letter, _code = write_letter(world.mayor, title="关于王建国家门口路灯不亮的问题")
    jyj = Organisation.objects.get(label="jyj")
    workflow.perform(letter, "accept", world.dispatcher)
    workflow.perform(letter, "assign", world.dispatcher, note="请办理", unit=jyj)
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    workflow.perform(
        letter, "submit_reply", users.get(username="jyj_editor"), reply="您好，路灯已于昨日修复，特此答复。"
    )
    workflow.perform(letter, "approve_reply", users.get(username="jyj_admin"))

    response = client.get("/zmhd/", HTTP_HOST=host("www"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "市长信箱" in html and "网上信访" in html
    assert "15日内受理" in html  # the 信访 clock in calendar days, from the box's rule
    assert "最新答复" in html and "关于王**家门口路灯不亮的问题" in html
    assert "王建国" not in html


def test_a_unit_home_page_shows_its_own_letter_box(client):
    letter_world()
    html = client.get("/", HTTP_HOST=host("jyj")).content.decode()
    assert "局长信箱" in html and "/jzxx/" in html
    assert "市长信箱" not in html
