"""The public statistics page of a letter box: figures, chart, year filter and query count."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from forms import workflow
from forms.models import Letter
from home.services import UnitSpec, ensure_unit
from tests.factories.letters import letter_world, write_letter

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(group):
    return letter_world()


def statistics(client, box, query=""):
    site = box.get_site()
    response = client.get(box.relative_url(site) + "statistics/" + query, HTTP_HOST=site.hostname)
    assert response.status_code == 200
    return re.sub(r">\s+<", "><", response.content.decode())


def row(label, *cells):
    return f'<tr><th scope="row">{label}</th>' + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>"


def reply_and_close(letter, group, dispatcher, rating=None, unit="jyj"):
    users = group["users"]
    workflow.perform(letter, "accept", dispatcher)
    letter.refresh_from_db()
    if letter.state == Letter.State.ACCEPTED:
        workflow.perform(letter, "assign", dispatcher, note="请办理。", unit=group[unit])
    workflow.perform(
        letter, "submit_reply", users[f"{unit}_editor"], reply="已经核实处理，特此答复，感谢来信。"
    )
    workflow.perform(letter, "approve_reply", users[f"{unit}_admin"])
    if rating:
        workflow.rate(letter, rating)


@pytest.fixture
def letters(world, group):
    """市长信箱: 2 replied (rated 5 and 2), 1 refused, 1 open, 1 merged; 局长信箱: 1 replied (rated
    3); 网上信访: 1 with 公安局."""
    dispatcher = world.dispatcher
    a, _ = write_letter(world.mayor)
    reply_and_close(a, group, dispatcher, rating=5)
    b, _ = write_letter(world.mayor)
    reply_and_close(b, group, dispatcher, rating=2)
    c, _ = write_letter(world.mayor)
    workflow.perform(c, "reject", dispatcher, note="不属于受理范围。")
    d, _ = write_letter(world.mayor)
    e, _ = write_letter(world.mayor)
    workflow.perform(e, "merge", dispatcher, target_number=d.number)
    f, _ = write_letter(world.director)
    reply_and_close(f, group, dispatcher, rating=3)
    g, _ = write_letter(world.petition)
    workflow.perform(g, "accept", dispatcher)
    workflow.perform(g, "assign", dispatcher, unit=group["gaj"])
    return [a, b, c, d, e, f, g]


def test_the_portal_mayor_box_reports_on_every_box(client, world, letters):
    html = statistics(client, world.mayor)
    assert "全市各信箱的全部来信" in html
    assert row("教育局", 3, 3, 3, "100%", "66.7%") in html
    assert row("公安局", 1, 1, 0, "—", "—") in html
    assert row("待转办", 2, 0, 0, "—", "—") in html  # refused, and one not yet accepted
    assert row("合计", 6, 4, 3, "100%", "66.7%") in html
    assert "<dt>收件</dt><dd>6</dd>" in html
    assert row("非常满意", 1, "33.3%") in html
    assert row("满意", 0, "0%") in html
    assert row("基本满意", 1, "33.3%") in html
    assert row("不满意", 1, "33.3%") in html
    assert "共 3 件参与评价" in html


def test_a_unit_box_reports_on_its_own_letters(client, world, letters):
    html = statistics(client, world.director)
    assert "本信箱的来信" in html
    assert row("教育局", 1, 1, 1, "100%", "100%") in html
    assert "公安局" not in html and "待转办" not in html
    petition = statistics(client, world.petition)
    assert row("公安局", 1, 1, 0, "—", "—") in petition and "教育局" not in petition


def test_the_chart_is_server_side_svg_with_the_table_as_its_text(client, world, letters):
    html = statistics(client, world.mayor)
    assert (
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="各单位收件与已答复件数条形图' in html
    )
    assert "<script" not in html
    # Bars in proportion: 教育局 received 3 (the longest bar), 公安局 1.
    pattern = r'width="([\d.]+)" height="16" fill="#1f4e8c"><title>(\S+) 收件'
    widths = {unit: float(width) for width, unit in re.findall(pattern, html)}
    assert widths["教育局"] == pytest.approx(3 * widths["公安局"], abs=0.5)
    assert "<caption>各单位收件、受理、答复与满意情况</caption>" in html


def test_an_empty_box_shows_no_chart_and_no_division_by_zero(client, world):
    html = statistics(client, world.petition)
    assert "暂无来信" in html and "<svg" not in html
    assert row("非常满意", 0, "—") in html


def test_the_year_filter(client, world, group):
    this_year = timezone.localdate().year
    write_letter(world.director, received_at=timezone.now() - timedelta(days=2 * 366))
    write_letter(world.director)
    old_year = (timezone.localdate() - timedelta(days=2 * 366)).year
    html = statistics(client, world.director)
    assert f'<option value="{old_year}">{old_year}年</option>' in html
    assert "<dt>收件</dt><dd>2</dd>" in html
    html = statistics(client, world.director, f"?year={old_year}")
    assert "<dt>收件</dt><dd>1</dd>" in html and f"{old_year}年收到的信件" in html
    html = statistics(client, world.director, f"?year={this_year}")
    assert "<dt>收件</dt><dd>1</dd>" in html
    # Nonsense is ignored, never a 500.
    for query in ("?year=abc", "?year=1900", "?year=99999999999999999999"):
        assert "<dt>收件</dt><dd>2</dd>" in statistics(client, world.director, query)


def add_units_with_letters(world, first, count):
    for number in range(first, first + count):
        unit = ensure_unit(
            UnitSpec(
                label=f"stat{number:03d}",
                kind="department",
                name=f"统计测试单位{number:03d}",
                short_name=f"统计{number:03d}",
                code=f"7{number:08d}",
            )
        )
        letter, _ = write_letter(world.petition)
        Letter.objects.filter(pk=letter.pk).update(unit=unit, state=Letter.State.ASSIGNED)


def test_the_query_count_does_not_grow_with_the_number_of_units(client, world, django_assert_max_num_queries):
    add_units_with_letters(world, 1, 3)
    statistics(client, world.mayor)  # warm the per-process caches
    with CaptureQueriesContext(connection) as queries:
        html = statistics(client, world.mayor)
    count = len(queries)  # now: the query log is a bounded deque that moves on
    assert "统计003" in html
    add_units_with_letters(world, 4, 12)
    statistics(client, world.mayor)  # new sites: Wagtail reloads its site list once
    with django_assert_max_num_queries(count):
        html = statistics(client, world.mayor)
    assert "统计015" in html
