"""Level 1: the unit's editor submits, the unit's reviewer approves (publishes) or rejects."""

import pytest
from django.core.exceptions import PermissionDenied
from wagtail.models import Workflow

from subsite_pages.models import ArticlePage
from tests.factories.site_group import column

pytestmark = pytest.mark.django_db


def draft_by(user, organisation, title="教育局信息员起草的稿件"):
    gzdt = column(organisation, "gzdt")
    article = ArticlePage(title=title, slug=f"draft-{abs(hash(title)) % 10**8}", live=False, owner=user)
    gzdt.add_child(instance=article)
    revision = article.save_revision(user=user)
    return article, revision


def submit(article, user):
    workflow = article.get_workflow()
    return workflow.start(article, user)


def actions(article, user):
    task = article.current_workflow_task
    return [name for name, _label, _modal in task.specific.get_actions(article, user)]


def test_every_unit_tree_uses_one_shared_review_workflow(group):
    assert group["jyj"].site.root_page.get_workflow() == group["gaj"].site.root_page.get_workflow()
    assert Workflow.objects.filter(name="子站审核").count() == 1


def test_editor_submits_and_own_units_reviewer_approves_and_publishes(group):
    editor, reviewer = group["users"]["jyj_editor"], group["users"]["jyj_admin"]
    article, _revision = draft_by(editor, group["jyj"])
    submit(article, editor)
    article.refresh_from_db()
    assert actions(article, editor) == []
    assert "approve" not in actions(article, group["users"]["gaj_admin"])
    assert "approve" in actions(article, reviewer)
    task_state = article.current_workflow_task_state
    task_state.task.specific.on_action(task_state, reviewer, "approve")
    article.refresh_from_db()
    assert article.live


def test_reviewer_rejects_with_a_comment_and_the_editor_sees_it(group):
    editor, reviewer = group["users"]["jyj_editor"], group["users"]["jyj_admin"]
    article, _revision = draft_by(editor, group["jyj"], "需要修改的稿件")
    submit(article, editor)
    article.refresh_from_db()
    task_state = article.current_workflow_task_state
    task_state.task.specific.on_action(task_state, reviewer, "reject", comment="请补充活动时间和地点。")
    task_state.refresh_from_db()
    assert task_state.status == "rejected"
    assert task_state.comment == "请补充活动时间和地点。"
    article.refresh_from_db()
    assert not article.live


def test_nobody_approves_their_own_submission(group):
    reviewer = group["users"]["jyj_admin"]
    article, _revision = draft_by(reviewer, group["jyj"], "管理员自己提交的稿件")
    submit(article, reviewer)
    article.refresh_from_db()
    assert "approve" not in actions(article, reviewer)
    task_state = article.current_workflow_task_state
    with pytest.raises(PermissionDenied):
        task_state.task.specific.on_action(task_state, reviewer, "approve")
    article.refresh_from_db()
    assert not article.live


def test_review_queue_shows_only_own_units_items(group):
    from wagtail.models import TaskState

    editor = group["users"]["jyj_editor"]
    article, _revision = draft_by(editor, group["jyj"], "只给教育局管理员看的稿件")
    submit(article, editor)
    jyj_queue = TaskState.objects.reviewable_by(group["users"]["jyj_admin"])
    gaj_queue = TaskState.objects.reviewable_by(group["users"]["gaj_admin"])
    assert jyj_queue.filter(workflow_state__object_id=str(article.pk)).exists()
    assert not gaj_queue.filter(workflow_state__object_id=str(article.pk)).exists()


def test_approval_is_refused_when_the_revision_holds_a_blocking_word(group):
    from workflows.word_models import SensitiveWord

    SensitiveWord.objects.update_or_create(
        word="一国两治", defaults={"severity": "block", "replacement": "一国两制"}
    )
    editor, reviewer = group["users"]["jyj_editor"], group["users"]["jyj_admin"]
    article, _revision = draft_by(editor, group["jyj"], "坚持一国两治的宣讲稿")
    submit(article, editor)
    article.refresh_from_db()
    task_state = article.current_workflow_task_state
    with pytest.raises(PermissionDenied):
        task_state.task.specific.on_action(task_state, reviewer, "approve")
    article.refresh_from_db()
    assert not article.live


def test_the_editor_who_asked_for_review_is_the_syndication_submitter(group):
    editor, reviewer = group["users"]["jyj_editor"], group["users"]["jyj_admin"]
    gzdt = column(group["jyj"], "gzdt")
    article = ArticlePage(title="审核后报送主站的信息", slug="reviewed-then-pushed", live=False, owner=editor)
    gzdt.add_child(instance=article)
    article.syndication_targets.set([column(group["www"], "bmdt")])
    article.save_revision(user=editor)
    submit(article, editor)
    article.refresh_from_db()
    task_state = article.current_workflow_task_state
    task_state.task.specific.on_action(task_state, reviewer, "approve")
    item = article.syndications.get()
    assert item.status == "pending"
    assert item.submitted_by == editor


def test_the_editor_is_mailed_the_rejection_comment(group):
    from django.core import mail

    editor, reviewer = group["users"]["jyj_editor"], group["users"]["jyj_admin"]
    editor.email = "jyj-editor@jimo.gov.example"
    editor.save()
    article, _revision = draft_by(editor, group["jyj"], "会被退回并通知的稿件")
    submit(article, editor)
    article.refresh_from_db()
    mail.outbox.clear()
    task_state = article.current_workflow_task_state
    task_state.task.specific.on_action(task_state, reviewer, "reject", comment="标题请改为正式名称。")
    to_editor = [message for message in mail.outbox if "jyj-editor@jimo.gov.example" in message.to]
    assert to_editor, [message.subject for message in mail.outbox]
    assert "会被退回并通知的稿件" in to_editor[0].subject + to_editor[0].body
