"""The portal's service hall: browsing by each facet, keyword search, counts, a query count that
does not grow with the catalogue, the guide page, and the counts on the portal home tile."""

import re

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.documents.models import Document

from home.services import UnitSpec, ensure_unit
from services.models import ServiceItemPage
from tests.factories.services import add_item, ensure_hall
from tests.services import PDF, WWW, get, text

pytestmark = pytest.mark.django_db

T = ServiceItemPage.ItemType
D = ServiceItemPage.OnlineDepth


@pytest.fixture
def catalogue(group):
    hall = ensure_hall()
    enrol = add_item("jyj", "小学一年级新生入学登记", basic_code="370282-JY-0001")
    licence = add_item(
        "jyj",
        "民办学校办学许可",
        themes=("jiaoyu", "qiye"),
        events=("kaiban",),
        item_type=T.LICENSING,
        online_depth=D.ONCE,
        for_individuals=False,
        for_legal_persons=True,
        promised_days=15,
    )
    id_card = add_item(
        "gaj",
        "居民身份证换领",
        basic_code="370282-SFZ-0007",
        themes=("huji",),
        events=(),
        item_type=T.CONFIRMATION,
        online_depth=D.ONLINE_BOOKING,
        promised_days=7,
    )
    return {"hall": hall, "enrol": enrol, "licence": licence, "id_card": id_card}


def browse(client, catalogue, **params):
    response = get(client, catalogue["hall"], data=params)
    assert response.status_code == 200
    return text(response)


def listed(html, *items):
    return [item.title in html.split('class="svc-items"')[1] for item in items]


def facet_count(html, label):
    match = re.search(rf">{re.escape(label)}<span class=\"svc-facet-count\">(\d+)</span>", html)
    return int(match.group(1)) if match else None


def test_the_hall_lists_every_live_guide_with_its_department_type_depth_and_time(client, catalogue):
    catalogue["id_card"].unpublish()
    add_item("jyj", "尚未发布的事项草稿").unpublish()
    html = browse(client, catalogue)
    enrol, licence = catalogue["enrol"], catalogue["licence"]
    assert listed(html, enrol, licence, catalogue["id_card"]) == [True, True, False]
    assert "尚未发布的事项草稿" not in html
    # Links go to the guide on the department's own site.
    assert f'href="{enrol.get_url()}"' in html and enrol.get_url().startswith("http://jyj.")
    assert f'href="{enrol.get_url()}apply/"' in html
    for label in ("教育局", "公共服务", "行政许可", "全程网办", "最多跑一次", "5 个工作日", "15 个工作日"):
        assert label in html, label
    assert re.search(r"事项总数</dt><dd><strong>2</strong>", html)
    assert re.search(r"全程网办</dt><dd><strong>1</strong>", html)


def test_browse_by_department(client, catalogue):
    html = browse(client, catalogue)
    assert facet_count(html, "教育局") == 2 and facet_count(html, "公安局") == 1
    assert facet_count(html, "蓝村镇") is None  # no live guides: not a facet value
    html = browse(client, catalogue, dept="gaj")
    assert listed(html, catalogue["enrol"], catalogue["licence"], catalogue["id_card"]) == [
        False,
        False,
        True,
    ]
    assert 'aria-current="true" class="is-selected">公安局' in html
    # Other departments keep their counts, so the choice can be switched.
    assert facet_count(html, "教育局") == 2


def test_browse_by_theme(client, catalogue):
    html = browse(client, catalogue)
    assert (
        facet_count(html, "教育") == 2
        and facet_count(html, "户籍") == 1
        and facet_count(html, "企业经营") == 1
    )
    assert facet_count(html, "交通") is None
    html = browse(client, catalogue, theme="qiye")
    assert listed(html, catalogue["enrol"], catalogue["licence"], catalogue["id_card"]) == [
        False,
        True,
        False,
    ]


def test_browse_by_audience(client, catalogue):
    html = browse(client, catalogue)
    assert facet_count(html, "个人办事") == 2 and facet_count(html, "法人办事") == 1
    html = browse(client, catalogue, audience="legal")
    assert listed(html, catalogue["enrol"], catalogue["licence"], catalogue["id_card"]) == [
        False,
        True,
        False,
    ]
    html = browse(client, catalogue, audience="individual")
    assert listed(html, catalogue["enrol"], catalogue["licence"], catalogue["id_card"]) == [True, False, True]


def test_browse_by_life_event_split_into_personal_and_legal_person_events(client, catalogue):
    html = browse(client, catalogue)
    assert facet_count(html, "上学") == 1 and facet_count(html, "开办企业") == 1
    events = html.split('id="facet-event"')[1].split("</section>")[0]
    assert (
        events.index("<h3>个人</h3>")
        < events.index("上学")
        < events.index("<h3>法人</h3>")
        < events.index("开办企业")
    )
    html = browse(client, catalogue, event="shangxue")
    assert listed(html, catalogue["enrol"], catalogue["licence"], catalogue["id_card"]) == [
        True,
        False,
        False,
    ]


def test_browse_by_item_type_and_online_depth(client, catalogue):
    html = browse(client, catalogue)
    assert facet_count(html, "行政许可") == 1 and facet_count(html, "行政确认") == 1
    assert facet_count(html, "全程网办") == 1 and facet_count(html, "网上预约、现场办理") == 1
    html = browse(client, catalogue, type=T.CONFIRMATION)
    assert listed(html, catalogue["enrol"], catalogue["licence"], catalogue["id_card"]) == [
        False,
        False,
        True,
    ]
    html = browse(client, catalogue, depth=D.FULL)
    assert listed(html, catalogue["enrol"], catalogue["licence"], catalogue["id_card"]) == [
        True,
        False,
        False,
    ]


def test_facets_combine_and_count_under_the_other_filters(client, catalogue):
    html = browse(client, catalogue, dept="jyj", theme="jiaoyu", audience="individual")
    assert listed(html, catalogue["enrol"], catalogue["licence"], catalogue["id_card"]) == [
        True,
        False,
        False,
    ]
    # Within 教育局 + 教育: one item for individuals, one for legal persons.
    assert facet_count(html, "个人办事") == 1 and facet_count(html, "法人办事") == 1
    # Each chosen value can be removed on its own; the others stay in the link.
    assert 'href="?audience=individual&amp;theme=jiaoyu"' in html  # 教育局 removed
    assert "已选条件" in html and "部门：教育局" in html
    html = browse(client, catalogue, dept="gaj", theme="qiye")
    assert "没有符合条件的事项" in html
    assert 'class="is-selected">公安局' in html  # still shown, to be cleared


def test_keyword_search_matches_title_and_codes(client, catalogue):
    html = browse(client, catalogue, q="身份证")
    assert listed(html, catalogue["enrol"], catalogue["licence"], catalogue["id_card"]) == [
        False,
        False,
        True,
    ]
    html = browse(client, catalogue, q="jy-0001")
    assert listed(html, catalogue["enrol"], catalogue["licence"], catalogue["id_card"]) == [
        True,
        False,
        False,
    ]
    assert "关键词：jy-0001" in html
    html = browse(client, catalogue, q="学校", dept="jyj")
    assert listed(html, catalogue["enrol"], catalogue["licence"], catalogue["id_card"]) == [
        False,
        True,
        False,
    ]
    assert facet_count(html, "教育局") == 1


def test_invalid_filters_are_ignored_not_refused(client, catalogue):
    html = browse(
        client, catalogue, type="bogus", depth="<script>", audience="x", theme="no such", page="abc"
    )
    assert listed(html, catalogue["enrol"], catalogue["licence"], catalogue["id_card"]) == [True, True, True]
    assert "<script>" not in html


def test_pagination_keeps_the_filters(client, catalogue):
    hall = catalogue["hall"]
    hall.per_page = 1
    hall.save_revision().publish()
    html = browse(client, catalogue, dept="jyj")
    assert "第 1 页 / 共 2 页" in html
    assert 'href="?dept=jyj&amp;page=2"' in html
    html = browse(client, catalogue, dept="jyj", page=2)
    assert "第 2 页 / 共 2 页" in html


def _hall_queries(client, hall, **params):
    get(client, hall, data=params)  # warm the per-process caches (site root paths)
    with CaptureQueriesContext(connection) as queries:
        response = get(client, hall, data=params)
    assert response.status_code == 200
    return len(queries), text(response)


def test_the_hall_query_count_does_not_grow_with_items_or_departments(
    client, catalogue, django_assert_max_num_queries
):
    few, _html = _hall_queries(client, catalogue["hall"])
    few_filtered, _html = _hall_queries(client, catalogue["hall"], theme="jiaoyu", audience="individual")
    for number in range(1, 4):
        unit = ensure_unit(
            UnitSpec(
                label=f"svcunit{number}",
                kind="department",
                name=f"测试办事部门{number}",
                short_name=f"办事部门{number}",
                code=f"7{number:08d}",
            )
        )
        for index in range(4):
            add_item(
                unit.label, f"测试部门{number}事项{index}", themes=("jiaoyu", "shebao"), events=("jiuye",)
            )
    for index in range(6):
        add_item("gaj", f"公安测试事项{index}", item_type=T.LICENSING, online_depth=D.OFFLINE)
    get(client, catalogue["hall"])  # new sites: warm the site root paths again
    with django_assert_max_num_queries(few):
        response = get(client, catalogue["hall"])
    html = text(response)
    assert facet_count(html, "办事部门3") == 4 and "共 21 项" in html and "第 1 页 / 共 2 页" in html
    with django_assert_max_num_queries(few_filtered):
        response = get(client, catalogue["hall"], data={"theme": "jiaoyu", "audience": "individual"})
    assert "测试部门1事项0" in text(response)


# --- 办事指南 ---------------------------------------------------------------------------------------


def _document(title, name):
    return Document.objects.create(title=title, file=ContentFile(PDF, name=name))


def test_the_guide_page_shows_every_element_of_the_guide(client, group):
    sample = _document("入学通知书样本", "result-sample.pdf")
    item = add_item(
        "jyj",
        "幼儿园入园登记",
        implementation_code="11370282MB1234567X4370282001",
        charged=True,
        result_sample=sample,
        for_legal_persons=True,
    )
    material = item.materials.order_by("sort_order").first()
    material.blank_form = _document("入园登记表", "blank.pdf")
    material.sample = _document("入园登记表填写示例", "sample.pdf")
    material.form = material.Form.ORIGINAL_AND_COPY
    material.copies = 2
    material.notes = "复印件需申请人签字确认"
    material.save()
    response = client.get(item.relative_url(item.get_site()), HTTP_HOST=item.get_site().hostname)
    html = text(response)
    assert response.status_code == 200
    for label, value in (
        ("事项名称", "幼儿园入园登记"),
        ("基本编码", item.basic_code),
        ("实施编码", "11370282MB1234567X4370282001"),
        ("事项类型", "公共服务"),
        ("实施主体", "即墨市教育局"),
        ("服务对象", "自然人、法人"),
        ("办理形式", "网上办理、窗口办理"),
        ("网办深度", "全程网办"),
        ("法定办结时限", "20 个工作日"),
        ("承诺办结时限", "5 个工作日"),
        ("是否收费", "收费"),
        ("办理地点", "即墨市政务服务中心二楼教育窗口"),
        ("办理时间", "工作日 9:00-12:00，13:30-17:00"),
        ("咨询电话", "0532-88512345"),
        ("监督投诉电话", "0532-88512300"),
    ):
        assert re.search(rf"<th scope=\"row\">{label}</th><td[^>]*>{re.escape(value)}", html), label
    for text_ in (
        "工本费",
        "每证 10 元",
        "鲁价费发〔2018〕10号",
        "设定依据",
        "《山东省义务教育条例》第十二条。",
        "受理条件",
        "适龄儿童的法定监护人",
        "办理流程",
        "网上申请—窗口预审—受理—审核—办结。",
        "户口簿或居住证",
        "儿童出生医学证明",
        "原件和复印件",
        "复印件需申请人签字确认",
        "非必须",
        "入学通知书",
        "入学通知书样本",
        "在线申请",
        "打印指南",
    ):
        assert text_ in html, text_
    assert material.blank_form.url in html and material.sample.url in html and sample.url in html
    assert f'href="{item.relative_url(item.get_site())}apply/"' in html


def test_a_guide_that_does_not_accept_online_applications_has_no_apply_button(client, group):
    item = add_item("jyj", "教师资格认定（现场）", accepts_online=False, online_depth=D.OFFLINE)
    html = text(client.get(item.relative_url(item.get_site()), HTTP_HOST=item.get_site().hostname))
    assert "apply/" not in html
    assert "本事项暂不支持网上申请" in html


# --- 主站首页 ---------------------------------------------------------------------------------------


def test_the_portal_home_tile_shows_the_public_counts_and_leads_to_the_hall(client, catalogue):
    html = text(client.get("/", HTTP_HOST=WWW))
    tile = html.split("tile-service")[1].split("</li>")[0]
    assert "事项总数 3 项 · 全程网办 1 项" in tile
    assert 'href="/wsbs/bsdt/"' in tile
