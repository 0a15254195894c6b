"""A 办事指南 with missing elements can be saved as a draft, but not sent for review, published or
approved: the national inspection vetoes incomplete guides (services/page_forms.py and the
publish_blockers hook of the unit review task)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from wagtail.test.utils.form_data import rich_text

from home.blocks import RICH_TEXT_FEATURES
from services.models import ServiceItemPage
from services.workflow import missing_guide_elements
from tests.factories.services import GUIDE, add_item, services_column
from tests.factories.site_group import group_fixture

pytestmark = pytest.mark.django_db

RICH_FIELDS = ("legal_basis", "conditions", "procedure")


def inline(prefix, rows):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for number, row in enumerate(rows):
        data.update({f"{prefix}-{number}-{key}": value for key, value in row.items()})
        data.update({f"{prefix}-{number}-id": "", f"{prefix}-{number}-ORDER": str(number + 1)})
    return data


def material_row(name, required=True):
    row = {"name": name, "form": "original", "copies": "1", "notes": "", "blank_form": "", "sample": ""}
    if required:
        row["required"] = "on"
    return row


def guide_form_data(organisation, title, slug, materials=("户口簿", "出生医学证明"), fees=(), **overrides):
    """A ServiceItemPage editor POST: a complete guide unless `overrides` empty some element."""
    values = {**GUIDE, "basic_code": "370282-9001", "organisation": organisation.pk, **overrides}
    data = {"title": title, "slug": slug, "for_individuals": "on", "accepts_online": "on"}
    for name, value in values.items():
        if name in RICH_FIELDS:
            data[name] = rich_text(value, features=RICH_TEXT_FEATURES) if value else rich_text("")
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is None:
            data[name] = ""
        else:
            data[name] = str(value)
    data.update(inline("materials", [material_row(name) for name in materials]))
    data.update(
        inline(
            "fees",
            [{"name": name, "standard": "每证 10 元", "basis": "鲁价费发〔2018〕10号"} for name in fees],
        )
    )
    return data


@pytest.fixture
def g(db):
    return group_fixture()


def add_url(g):
    return reverse(
        "wagtailadmin_pages:add", args=("services", "serviceitempage", services_column(g["jyj"]).pk)
    )


def messages_of(response):
    from django.contrib.messages import get_messages

    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_form_data_builds_a_complete_guide(client, g):
    """The helper itself: a 管理员 publishes the guide it builds (also: (e) a complete guide publishes)."""
    client.force_login(g["users"]["jyj_admin"])
    data = guide_form_data(g["jyj"], "完整的办事指南", "complete-guide", **{"action-publish": "1"})
    response = client.post(add_url(g), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    page = ServiceItemPage.objects.get(slug="complete-guide")
    assert page.live
    assert missing_guide_elements(page) == []
    assert [m.name for m in page.materials.all()] == ["户口簿", "出生医学证明"]


def test_an_editor_cannot_submit_an_incomplete_guide_for_review(client, g):
    client.force_login(g["users"]["jyj_editor"])
    data = guide_form_data(
        g["jyj"],
        "要素不全的指南",
        "incomplete-submit",
        materials=(),
        conditions="",
        complaint_phone="",
        **{"action-submit": "1"},
    )
    response = client.post(add_url(g), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "办事指南要素不全" in html
    for label in ("受理条件", "监督投诉电话", "申请材料"):
        assert label in html
    assert "可以先保存草稿" in html
    assert not ServiceItemPage.objects.filter(slug="incomplete-submit").exists()


def test_an_editor_cannot_submit_when_a_charged_item_has_no_fee(client, g):
    client.force_login(g["users"]["jyj_editor"])
    data = guide_form_data(
        g["jyj"], "收费但无收费项目", "charged-no-fee", charged=True, **{"action-submit": "1"}
    )
    response = client.post(add_url(g), data)
    assert response.status_code == 200
    assert "收费项目及依据" in response.content.decode()
    assert not ServiceItemPage.objects.filter(slug="charged-no-fee").exists()
    # With a fee row it goes to review.
    data = guide_form_data(
        g["jyj"],
        "收费且有收费项目",
        "charged-with-fee",
        charged=True,
        fees=("工本费",),
        **{"action-submit": "1"},
    )
    response = client.post(add_url(g), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    page = ServiceItemPage.objects.get(slug="charged-with-fee")
    assert not page.live and page.current_workflow_state is not None


def test_a_complete_guide_is_submitted_for_review_by_the_editor(client, g):
    client.force_login(g["users"]["jyj_editor"])
    data = guide_form_data(g["jyj"], "完整并提交审核", "complete-submit", **{"action-submit": "1"})
    response = client.post(add_url(g), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    page = ServiceItemPage.objects.get(slug="complete-submit")
    assert not page.live
    assert page.current_workflow_state.requested_by == g["users"]["jyj_editor"]


def test_saving_a_draft_of_an_incomplete_guide_is_allowed(client, g):
    client.force_login(g["users"]["jyj_editor"])
    data = guide_form_data(
        g["jyj"], "草稿指南", "incomplete-draft", materials=(), procedure="", legal_days=""
    )
    response = client.post(add_url(g), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    page = ServiceItemPage.objects.get(slug="incomplete-draft")
    assert not page.live and page.current_workflow_state is None
    draft = page.get_latest_revision_as_object()
    assert {"办理流程", "法定办结时限", "申请材料"} <= set(missing_guide_elements(draft))


def test_an_admin_cannot_publish_an_incomplete_guide(client, g):
    client.force_login(g["users"]["jyj_admin"])
    data = guide_form_data(
        g["jyj"], "管理员发布不全的指南", "incomplete-publish", result_name="", **{"action-publish": "1"}
    )
    response = client.post(add_url(g), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "办事指南要素不全" in html and "办理结果" in html
    assert not ServiceItemPage.objects.filter(slug="incomplete-publish").exists()


def test_an_admin_cannot_publish_an_edit_that_deletes_every_material(client, g):
    item = add_item(title="已发布的指南", slug="published-guide")
    [first, second, third] = item.materials.all()
    client.force_login(g["users"]["jyj_admin"])
    data = guide_form_data(g["jyj"], item.title, item.slug, materials=(), **{"action-publish": "1"})
    rows = [first, second, third]
    data.update(
        {
            "materials-TOTAL_FORMS": "3",
            "materials-INITIAL_FORMS": "3",
            "basic_code": item.basic_code,
        }
    )
    for number, material in enumerate(rows):
        data.update(
            {
                f"materials-{number}-id": str(material.pk),
                f"materials-{number}-name": material.name,
                f"materials-{number}-form": "original",
                f"materials-{number}-copies": "1",
                f"materials-{number}-ORDER": str(number + 1),
                f"materials-{number}-DELETE": "on",
            }
        )
    response = client.post(reverse("wagtailadmin_pages:edit", args=[item.pk]), data)
    assert response.status_code == 200
    assert "申请材料" in response.content.decode() and "办事指南要素不全" in response.content.decode()
    assert ServiceItemPage.objects.get(pk=item.pk).materials.count() == 3


def _submitted_incomplete(g):
    """A live guide whose latest revision lost its 受理条件, sent for review by the 信息员."""
    editor = g["users"]["jyj_editor"]
    item = add_item(title="审核时要素不全的指南", slug="review-incomplete")
    item.conditions = ""
    revision = item.save_revision(user=editor)
    item.get_workflow().start(item, editor)
    item.refresh_from_db()
    return item, revision


def test_approving_an_incomplete_guide_in_the_review_workflow_is_refused(g):
    item, _revision = _submitted_incomplete(g)
    reviewer = g["users"]["jyj_admin"]
    task_state = item.current_workflow_task_state
    with pytest.raises(PermissionDenied) as refused:
        task_state.task.specific.on_action(task_state, reviewer, "approve")
    assert "办事指南要素不全" in str(refused.value) and "受理条件" in str(refused.value)
    item.refresh_from_db()
    assert item.current_workflow_state.status == "in_progress"
    assert ServiceItemPage.objects.get(pk=item.pk).conditions  # the live version is untouched


def test_approving_an_incomplete_guide_in_the_page_editor_is_refused(client, g):
    item, _revision = _submitted_incomplete(g)
    client.force_login(g["users"]["jyj_admin"])
    data = guide_form_data(g["jyj"], item.title, item.slug, conditions="", basic_code=item.basic_code)
    approve = {**data, "action-workflow-action": "1", "workflow-action-name": "approve"}
    response = client.post(reverse("wagtailadmin_pages:edit", args=[item.pk]), approve)
    assert response.status_code == 200
    assert "办事指南要素不全" in response.content.decode()
    item.refresh_from_db()
    assert item.current_workflow_state.status == "in_progress"
    # Sending it back is always possible.
    reject = {**data, "action-workflow-action": "1", "workflow-action-name": "reject"}
    assert client.post(reverse("wagtailadmin_pages:edit", args=[item.pk]), reject).status_code == 302
    item.refresh_from_db()
    assert item.current_workflow_state.status == "needs_changes"


def test_a_complete_guide_is_approved_and_published_in_the_review_workflow(g):
    editor, reviewer = g["users"]["jyj_editor"], g["users"]["jyj_admin"]
    item = add_item(title="审核通过的指南", slug="review-complete")
    item.office_hours = "工作日 8:30-17:30"
    item.save_revision(user=editor)
    item.get_workflow().start(item, editor)
    item.refresh_from_db()
    task_state = item.current_workflow_task_state
    task_state.task.specific.on_action(task_state, reviewer, "approve")
    assert ServiceItemPage.objects.get(pk=item.pk).office_hours == "工作日 8:30-17:30"


def test_the_submitter_cannot_restart_the_review_with_an_incomplete_guide(client, g):
    """After 退回修改 the submitter sees “重新开始审核” (action-restart-workflow) besides
    “重新提交”: it sends the edited guide to review exactly like action-submit."""
    editor, reviewer = g["users"]["jyj_editor"], g["users"]["jyj_admin"]
    client.force_login(editor)
    data = guide_form_data(g["jyj"], "退回后又被改坏的指南", "restart-incomplete", **{"action-submit": "1"})
    assert client.post(add_url(g), data).status_code == 302
    page = ServiceItemPage.objects.get(slug="restart-incomplete")
    task_state = page.current_workflow_task_state
    task_state.task.specific.on_action(task_state, reviewer, "reject", comment="请核对办理时间。")
    state_before = ServiceItemPage.objects.get(pk=page.pk).current_workflow_state
    assert state_before.status == "needs_changes"
    revision_before = page.latest_revision_id
    edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    assert "action-restart-workflow" in client.get(edit_url).content.decode()
    data = guide_form_data(g["jyj"], page.title, page.slug, location="", **{"action-restart-workflow": "1"})
    response = client.post(edit_url, data)
    assert response.status_code == 200
    assert "办事指南要素不全" in response.content.decode() and "办理地点" in response.content.decode()
    page = ServiceItemPage.objects.get(pk=page.pk)
    assert page.latest_revision_id == revision_before
    assert page.current_workflow_state.pk == state_before.pk
    assert page.current_workflow_state.status == "needs_changes"
    # Complete, the restart goes through.
    data = guide_form_data(g["jyj"], page.title, page.slug, **{"action-restart-workflow": "1"})
    assert client.post(edit_url, data).status_code == 302
    restarted = ServiceItemPage.objects.get(pk=page.pk).current_workflow_state
    assert restarted.pk != state_before.pk and restarted.status == "in_progress"


def test_bulk_publishing_an_incomplete_guide_is_refused(client, g):
    column = services_column(g["jyj"])
    drafts = {}
    for slug, conditions in (("bulk-incomplete", ""), ("bulk-complete", GUIDE["conditions"])):
        draft = ServiceItemPage(
            title=f"批量发布{slug}",
            slug=slug,
            live=False,
            basic_code="370282-8001",
            organisation=g["jyj"],
            **{**GUIDE, "conditions": conditions},
        )
        draft.materials = [ServiceItemPage.materials.rel.related_model(name="申请表", sort_order=0)]
        column.add_child(instance=draft)
        draft.save_revision()
        drafts[slug] = draft
    client.force_login(g["users"]["jyj_admin"])
    url = "/admin/bulk/wagtailcore/page/publish/"
    both = f"{url}?id={drafts['bulk-incomplete'].pk}&id={drafts['bulk-complete'].pk}"
    response = client.post(both, {})
    assert response.status_code == 302
    [error] = [m for m in messages_of(response) if "办事指南要素不全" in m]
    assert "批量发布bulk-incomplete" in error and "受理条件" in error and "bulk-complete" not in error
    assert not ServiceItemPage.objects.filter(slug__in=drafts, live=True).exists()
    assert client.post(f"{url}?id={drafts['bulk-complete'].pk}", {}).status_code == 302
    assert ServiceItemPage.objects.get(slug="bulk-complete").live
