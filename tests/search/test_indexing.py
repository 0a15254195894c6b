"""What reaches the index: every supported type, only while it is live and public, masked; kept
current by signals after commit; rebuilt in full by the command."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from wagtail.models import PageViewRestriction

from forms import workflow
from forms.models import CampaignPage, InterviewPage, Letter
from home.models import Organisation
from search import engine, indexing
from search.engine import search
from search.models import SearchDocument
from services.models import ServiceHallPage
from subsite_pages.models import ArticlePage, ColumnPage
from tests.factories.disclosure import add_document
from tests.factories.letters import letter_world, write_letter
from tests.factories.services import add_item, ensure_hall
from tests.factories.site_group import column
from tests.search import committed, publish_article

pytestmark = pytest.mark.django_db


def document(obj):
    return SearchDocument.objects.filter(source=indexing.source_for(obj)).first()


def test_the_session_group_is_indexed_as_it_is_published(group):
    row = SearchDocument.objects.get(title="即墨市召开冬季安全生产工作会议")
    assert row.kind == "article" and row.site == group["www"].site and row.organisation == group["www"]
    assert row.url == "http://www.jimo.localhost/jmyw/" + row.url.rsplit("/jmyw/", 1)[1]
    assert row.source.startswith("subsite_pages.articlepage:")
    assert "冬季" in row.title_terms.split() and "正文" in row.body_terms.split()
    # The portal's 便民服务 column is a convenience entry; news columns are not indexed.
    assert SearchDocument.objects.filter(kind="convenience", title="便民服务").exists()
    assert not SearchDocument.objects.filter(title="即墨要闻").exists()


def test_articles_in_policy_columns_are_policies(group):
    policy_column = ColumnPage.objects.child_of(group["jyj"].site.root_page).get(slug="zcwj")
    article = publish_article(policy_column, "即墨市教育局关于规范校外培训的实施意见")
    assert document(article).kind == "policy"
    news = publish_article(column(group["jyj"], "gzdt"), "教育局召开校外培训治理会")
    assert document(news).kind == "article" and document(news).organisation == group["jyj"]


def test_article_body_is_plain_masked_text(group):
    article = publish_article(
        column(group["gaj"], "tzgg"),
        "关于反诈宣传的通知",
        "<b>请联系</b>王警官 13853212345，身份证 370282199001011234，邮箱 fanzha@example.com。",
    )
    row = document(article)
    assert "<b>" not in row.body and "请联系" in row.body
    for secret in ("13853212345", "370282199001011234", "fanzha@example.com", "5321"):
        assert secret not in row.body and secret not in row.body_terms
    assert "138****2345" in row.body
    assert search("13853212345").total == 0


def test_service_items_are_boosted_services_of_their_unit(group):
    with committed():
        item = add_item(title="小学一年级新生入学登记", label="jyj")
    row = document(item)
    assert row.kind == "service" and row.boost > 1 and row.organisation == group["jyj"]
    assert "户口簿或居住证" in row.body and "受理条件" in row.body
    assert "0532-88512345" not in row.body  # phone numbers are left out rather than shown masked


def test_disclosure_documents_are_found_by_index_and_document_number(group):
    with committed():
        page = add_document("jyj", "即墨市教育局2027年部门预算公开", document_number="即教发〔2027〕3号")
    row = document(page)
    assert row.kind == "disclosure" and page.index_number
    assert set(indexing.segment.terms(page.index_number)) <= set(row.title_terms.split())
    assert titles(search(page.index_number)) == ["即墨市教育局2027年部门预算公开"]
    assert titles(search("即教发〔2027〕3号")) == ["即墨市教育局2027年部门预算公开"]


def titles(results):
    return [hit.document.title for hit in results.hits]


def test_interaction_and_convenience_pages(group):
    with committed():
        world = letter_world()
        hall = ensure_hall()
        zmhd = column(group["www"], "zmhd")
        now = timezone.now()
        campaign = CampaignPage(
            title="我为即墨发展献一策", slug="xyc", starts_at=now, ends_at=now + timedelta(days=9)
        )
        zmhd.add_child(instance=campaign)
        campaign.save_revision().publish()
        interview = InterviewPage(
            title="教育局长谈义务教育招生", slug="ft1", starts_at=now, organisation=group["jyj"]
        )
        zmhd.add_child(instance=interview)
        interview.save_revision().publish()
    assert document(world.mayor).kind == "interaction"
    assert document(campaign).kind == "interaction" and document(campaign).date == campaign.starts_at
    assert document(interview).organisation == group["jyj"]
    assert document(ServiceHallPage.objects.get(pk=hall.pk)).kind == "convenience"
    assert search("网上办事大厅").direct[0].document.title == "网上办事大厅"


def test_drafts_and_unpublished_changes_never_reach_the_index(group):
    gzdt = column(group["jyj"], "gzdt")
    with committed():
        draft = ArticlePage(
            title="尚未发布的草稿信息", slug="draft-1", live=False, publish_date=timezone.now()
        )
        gzdt.add_child(instance=draft)
        draft.save_revision()
    assert indexing.document_for(draft) is None and document(draft) is None
    article = publish_article(gzdt, "已发布的原标题信息")
    article.title = "草稿中修改后的标题"
    assert indexing.document_for(article).title == "已发布的原标题信息"
    with committed():
        article.save_revision()
        indexing.update_source(indexing.source_for(article))
    assert document(article).title == "已发布的原标题信息"
    assert search("草稿").total == 0


def test_unpublishing_deleting_and_moving_pages(group):
    article = publish_article(column(group["jyj"], "gzdt"), "即将撤下的信息")
    with committed():
        article.unpublish()
    assert document(article) is None
    with committed():
        article.save_revision().publish()
    assert document(article) is not None
    with committed():
        article.move(column(group["jyj"], "tzgg"), pos="last-child")
    assert "/tzgg/" in document(article).url
    source = indexing.source_for(article)
    with committed():
        ArticlePage.objects.get(pk=article.pk).delete()
    assert not SearchDocument.objects.filter(source=source).exists()
    # Deleting a column deletes the articles below it, and their rows.
    with committed():
        temporary = ColumnPage(title="临时栏目", slug="lslm")
        group["jyj"].site.root_page.add_child(instance=temporary)
        temporary.save_revision().publish()
    child = publish_article(temporary, "临时栏目下的信息")
    assert document(child) is not None
    with committed():
        ColumnPage.objects.get(pk=temporary.pk).delete()
    assert document(child) is None and search("临时栏目").total == 0


def test_private_pages_are_never_indexed(group):
    gzdt = column(group["gaj"], "gzdt")
    article = publish_article(gzdt, "仅限内部查阅的工作安排")
    with committed():
        restriction = PageViewRestriction.objects.create(
            page=gzdt, restriction_type=PageViewRestriction.PASSWORD, password="neibu"
        )
    assert document(article) is None and indexing.document_for(article) is None
    with committed():
        hidden = publish_article(gzdt, "受限栏目中新发布的信息")
    assert document(hidden) is None and search("内部查阅").total == 0 and search("受限栏目").total == 0
    stats = {}
    indexing.rebuild(stats=stats)
    assert document(article) is None and document(hidden) is None
    with committed():
        restriction.delete()
    assert document(article) is not None and document(hidden) is not None


def close_letter(letter, world, group, reply="您反映的问题已处理，如有疑问请致电0532-88551234。"):
    users = group["users"]
    workflow.perform(letter, "accept", world.dispatcher)
    letter.refresh_from_db()
    if letter.state == Letter.State.ACCEPTED:
        workflow.perform(letter, "assign", world.dispatcher, note="请办理。", unit=group["jyj"])
    workflow.perform(letter, "submit_reply", users["jyj_editor"], reply=reply)
    workflow.perform(letter, "approve_reply", users["jyj_admin"])
    letter.refresh_from_db()
    return letter


def test_published_letters_are_indexed_masked_and_removed_when_withdrawn(group):
    world = letter_world()
    with committed():
        letter, _code = write_letter(world.mayor, title="王建国反映小区供暖温度不达标")
        assert document(letter) is None
        letter = close_letter(letter, world, group)
    assert letter.is_public
    row = document(letter)
    assert row.kind == "interaction" and row.organisation == group["jyj"]
    assert row.url == world.mayor.get_full_url() + f"letters/{letter.number}/"
    assert row.title == letter.public_title and "王建国" not in row.title
    for secret in ("13853212345", "wangjg@example.com", "王建国", "88551234"):
        assert secret not in row.body and secret not in row.title and secret not in row.body_terms
    assert "答复" in row.body
    assert search("供暖温度").total == 1
    assert search("13853212345").total == 0 and search("王建国").total == 0
    with committed():
        workflow.perform(letter, "unpublish", group["users"]["admin"], note="涉及第三方隐私")
    assert document(letter) is None


def test_letters_that_are_not_published_never_reach_the_index(group):
    world = letter_world()
    with committed():
        private, _code = write_letter(world.mayor, title="不同意公开的来信", consent_publish=False)
        private = close_letter(private, world, group)
        pending, _code = write_letter(world.mayor, title="尚在办理中的来信")
    assert not private.is_public and document(private) is None and document(pending) is None
    assert indexing.document_for(private) is None
    # Marked public in memory only (not saved): the index goes by Letter.objects.published().
    pending.state, pending.is_public = Letter.State.CLOSED, True
    assert indexing.document_for(pending) is None


def test_a_new_letter_queues_at_most_one_index_task_and_publishing_still_indexes_it(group, monkeypatch):
    from search import signals, tasks

    queued = []
    real_enqueue = signals._enqueue

    def enqueue(task, *args):
        if task is tasks.update_index:
            queued.append(args[0])
        real_enqueue(task, *args)

    monkeypatch.setattr(signals, "_enqueue", enqueue)
    world = letter_world()
    with committed():
        letter, _code = write_letter(world.mayor, title="关于小区路灯不亮的咨询")
    source = indexing.source_for(letter)
    assert queued.count(source) <= 1 and document(letter) is None
    with committed():
        letter = close_letter(letter, world, group)
    assert letter.is_public and source in queued and document(letter) is not None
    with committed():
        workflow.perform(letter, "unpublish", group["users"]["admin"], note="涉及第三方隐私")
    assert document(letter) is None
    queued.clear()
    with committed():
        workflow.perform(Letter.objects.get(pk=letter.pk), "publish", world.dispatcher)
    assert queued.count(source) >= 1 and document(letter) is not None


def test_a_box_that_stops_listing_letters_takes_them_out_of_the_index(group):
    world = letter_world()
    with committed():
        letter = close_letter(write_letter(world.mayor, title="路灯不亮的问题")[0], world, group)
    assert document(letter) is not None
    with committed():
        world.mayor.public_listing = False
        world.mayor.save_revision().publish()
    assert document(letter) is None


def test_index_updates_wait_for_the_commit_and_can_be_paused(group):
    gzdt = column(group["jyj"], "gzdt")
    article = ArticlePage(title="事务内发布的信息", slug="tx-1", publish_date=timezone.now())
    gzdt.add_child(instance=article)
    article.save_revision().publish()  # no commit in this test transaction: nothing queued ran
    assert document(article) is None
    with committed(), indexing.paused():
        paused = publish_article(gzdt, "暂停索引时发布的信息")
    assert document(paused) is None
    assert indexing.rebuild() == SearchDocument.objects.count()
    assert document(article) is not None and document(paused) is not None


def test_new_unit_names_re_segment_documents_that_contain_them(group):
    article = publish_article(column(group["www"], "xzdt"), "鳌山卫街道开展冬季消防检查")
    assert "鳌山卫街道" not in document(article).title_terms.split()
    with committed():
        Organisation.objects.create(
            name="即墨市鳌山卫街道办事处",
            short_name="鳌山卫街道",
            code="370282399",
            label="aoshanwei",
            kind="town",
        )
    assert "鳌山卫街道" in document(article).title_terms.split()
    assert titles(search("鳌山卫街道")) == ["鳌山卫街道开展冬季消防检查"]


def test_rebuild_reports_progress_and_deletes_stale_rows(group):
    SearchDocument.objects.create(
        source="subsite_pages.articlepage:999999", kind="article", title="早已删除", url="/x/"
    )
    SearchDocument.objects.create(
        source="forms.letter:999999", kind="interaction", title="已撤回的来信", url="/y/"
    )
    calls = []
    stats = {}
    count = indexing.rebuild(progress=lambda done, total: calls.append((done, total)), stats=stats)
    assert stats["removed"] == 2 and stats["total"] == count == SearchDocument.objects.count()
    assert calls[-1][0] == calls[-1][1] and len(calls) == calls[-1][1]
    assert not SearchDocument.objects.filter(title__in=["早已删除", "已撤回的来信"]).exists()
    assert search("早已删除").total == 0
    before = dict(SearchDocument.objects.values_list("source", "updated_at"))
    assert indexing.rebuild() == count
    assert (
        dict(SearchDocument.objects.values_list("source", "updated_at")) == before
    )  # unchanged rows untouched


def test_rebuild_command_prints_progress_in_chinese(group):
    out = io.StringIO()
    call_command("rebuild_search_index", "--every", "5", stdout=out)
    text = out.getvalue()
    total = text.split("已索引 5/")[1].split()[0]
    assert f"已索引 {total}/{total}" in text and "完成：索引共" in text


def test_the_full_text_entries_follow_the_rows(group):
    article = publish_article(column(group["jyj"], "gzdt"), "全文索引同步检查信息")
    assert titles(search("全文索引 同步")) == ["全文索引同步检查信息"]
    row = indexing.document_for(article)
    row.title_terms, row.body_terms = "改写 之后", "改写"
    indexing.store(row)
    assert search("全文索引 同步").total == 0 and search("改写").total == 1
    if connection.vendor == "sqlite":
        # SQLite's triggers follow any write, even one that bypasses indexing.py.
        SearchDocument.objects.filter(pk=row.pk).update(title_terms="再次 改写")
        assert search("之后").total == 0 and search("再次").total == 1
    SearchDocument.objects.filter(title="全文索引同步检查信息").delete()
    assert search("改写").total == 0
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM search_fts WHERE search_fts MATCH %s", ['"改写"'])
            assert cursor.fetchone()[0] == 0


def test_lost_full_text_objects_are_recreated(group):
    assert engine.ensure_index_objects() is False
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER search_fts_insert")
        else:
            cursor.execute("ALTER TABLE search_searchdocument DROP COLUMN search_vector")
    assert engine.ensure_index_objects() is True
    publish_article(column(group["jyj"], "gzdt"), "索引对象修复后的信息")
    assert search("修复").total == 1
