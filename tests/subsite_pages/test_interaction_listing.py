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


def test_a_guide_column_lists_its_guides_and_a_disclosure_column_its_newest_documents(client):
    from datetime import date

    from disclosure.models import DisclosureDocumentPage
    from subsite_pages.models import ColumnPage
    from tests.factories.services import add_item

    add_item(title="小学一年级新生入学登记")
    jyj = Organisation.objects.get(label="jyj")
    zwgk = ColumnPage.objects.child_of(jyj.site.root_page).get(slug="zwgk")
    document = DisclosureDocumentPage(
        title="即墨市教育局2026年部门预算公开",
        slug="bmys2026",
        organisation=jyj,
        written_date=date(2026, 2, 1),
        publish_date=date(2026, 2, 3),
        theme="czjr",
        genre="czyjs",
        keywords="预算",
    )
    zwgk.add_child(instance=document)
    document.save_revision().publish()
    document.refresh_from_db()

    guides = client.get("/bszn/", HTTP_HOST=host("jyj")).content.decode()
    assert "小学一年级新生入学登记" in guides and "暂无信息" not in guides
    documents = client.get("/zwgk/", HTTP_HOST=host("jyj")).content.decode()
    assert "即墨市教育局2026年部门预算公开" in documents and document.index_number in documents
