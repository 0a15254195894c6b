"""Campaigns (征集): the public form with its captcha, limits and period; adoption, forwarding as a
letter case, the public result, and the admin views with their permissions."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import include, path, reverse
from django.utils import timezone
from wagtail.admin.auth import require_admin_access
from wagtail.utils.urlpatterns import decorate_urlpatterns

from forms import campaigns as rules
from forms.campaign_admin import register_campaign_admin_urls
from forms.models import CampaignEntry, CampaignFormField, CampaignPage, Letter
from home.captcha import new_challenge
from home.models import Organisation
from portal_project import urls as project_urls
from subsite_pages.models import ColumnPage
from tests.conftest import host
from tests.factories.letters import letter_world
from tests.factories.site_group import PASSWORD

pytestmark = pytest.mark.django_db

# The admin views are wired by forms/wagtail_hooks.py; this URLconf mounts them the same way
# (under /admin/, behind Wagtail's admin-access check) whether or not the hook is in place yet.
urlpatterns = [
    path("admin/", include(decorate_urlpatterns(register_campaign_admin_urls(), require_admin_access))),
    *project_urls.urlpatterns,
]
with_admin_urls = pytest.mark.urls(__name__)

_slugs = {"n": 0}


def zmhd():
    portal = Organisation.objects.get(label="www")
    return ColumnPage.objects.child_of(portal.site.root_page).get(slug="zmhd")


def make_campaign(starts=-1, ends=10, forward_box=None, parent=None, **fields):
    """A campaign open from `starts` to `ends` days from now, asking for a title and a text."""
    _slugs["n"] += 1
    now = timezone.now()
    page = CampaignPage(
        title=fields.pop("title", "我为即墨发展献一策"),
        slug=f"campaign-{_slugs['n']}",
        starts_at=now + timedelta(days=starts),
        ends_at=now + timedelta(days=ends),
        intro="<p>欢迎广大市民为即墨发展建言献策。</p>",
        forward_box=forward_box,
        **fields,
    )
    (parent or zmhd()).add_child(instance=page)
    CampaignFormField.objects.create(page=page, label="建议标题", field_type="singleline", sort_order=0)
    CampaignFormField.objects.create(page=page, label="建议内容", field_type="multiline", sort_order=1)
    return CampaignPage.objects.get(pk=page.pk)


def names(page):
    title, content = (field.clean_name for field in page.get_form_fields())
    return title, content


def url_of(page):
    return page.get_url_parts()[2]


def form_post(
    page, title="关于增设公交线路的建议", content="建议在蓝村镇增设一条通往市区的公交线路。", **extra
):
    title_name, content_name = names(page)
    data = {
        title_name: title,
        content_name: content,
        "form_token": page.new_form_token(),
        "captcha_id": new_challenge(),
        "captcha": "2345",
    }
    data.update(extra)
    return data


def submit(client, page, data=None, ip="10.1.1.1"):
    return client.post(url_of(page), data or form_post(page), HTTP_HOST=host("www"), REMOTE_ADDR=ip)


def add_entry(
    page, content="建议在蓝村镇增设一条通往市区的公交线路。", title="关于增设公交线路的建议", **fields
):
    title_name, content_name = names(page)
    return CampaignEntry.objects.create(
        page=page, form_data={title_name: title, content_name: content}, **fields
    )


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


# --- Public form ----------------------------------------------------------------------------------


def test_open_campaign_shows_the_form_with_captcha_contact_fields_and_token(client, group):
    page = make_campaign()
    response = client.get(url_of(page), HTTP_HOST=host("www"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "征集进行中" in html and "建议内容" in html
    assert 'name="captcha"' in html and "/captcha/" in html
    assert 'name="contact_name"' in html and 'name="contact_phone"' in html
    token = re.search(r'name="form_token" value="([^"]+)"', html).group(1)
    assert page._token_nonce(token) is not None


def test_a_suggestion_with_the_right_captcha_is_stored_without_captcha_or_contact_in_form_data(client, group):
    page = make_campaign()
    data = form_post(page, contact_name="李明", contact_phone="13912345678")
    response = submit(client, page, data, ip="10.1.1.7")
    assert response.status_code == 200
    assert "提交成功" in response.content.decode()
    entry = CampaignEntry.objects.get(page=page)
    assert set(entry.form_data) == set(names(page))
    assert entry.form_data[names(page)[1]] == "建议在蓝村镇增设一条通往市区的公交线路。"
    assert (entry.name, entry.phone, entry.submitter_ip) == ("李明", "13912345678", "10.1.1.7")
    assert not entry.adopted and not entry.forwarded


def test_a_phone_typed_in_full_width_is_accepted_and_a_wrong_one_refused(client, group):
    page = make_campaign()
    assert submit(client, page, form_post(page, contact_phone="１３９１２３４５６７８")).status_code == 200
    assert CampaignEntry.objects.get(page=page).phone == "13912345678"
    response = submit(client, page, form_post(page, contact_phone="打电话"))
    assert response.status_code == 400 and "请填写正确的联系电话" in response.content.decode()
    assert CampaignEntry.objects.filter(page=page).count() == 1


def test_a_wrong_captcha_is_refused_with_400_keeping_what_was_typed(client, group):
    page = make_campaign()
    response = submit(client, page, form_post(page, captcha="9999", title="保留我输入的标题"))
    html = response.content.decode()
    assert response.status_code == 400
    assert "验证码不正确" in html and "保留我输入的标题" in html
    assert 'role="alert"' in html
    assert not CampaignEntry.objects.filter(page=page).exists()


def test_a_missing_required_answer_is_400_and_nothing_is_stored(client, group):
    page = make_campaign()
    response = submit(client, page, form_post(page, content="", title="只有标题"))
    assert response.status_code == 400
    assert "只有标题" in response.content.decode()
    assert not CampaignEntry.objects.filter(page=page).exists()


@pytest.mark.parametrize(
    "starts, ends, text", [(-10, -1, "征集已结束"), (2, 10, "征集未开始")], ids=["closed", "upcoming"]
)
def test_outside_its_period_a_campaign_shows_why_and_stores_nothing(client, group, starts, ends, text):
    page = make_campaign(starts=starts, ends=ends)
    html = client.get(url_of(page), HTTP_HOST=host("www")).content.decode()
    assert text in html and 'name="captcha"' not in html
    response = submit(client, page)
    assert response.status_code == 403
    assert text in response.content.decode()
    assert not CampaignEntry.objects.filter(page=page).exists()


def test_more_than_three_suggestions_an_hour_from_one_address_get_429(client, group):
    page = make_campaign()
    for _ in range(3):
        assert submit(client, page, ip="10.2.2.2").status_code == 200
    response = submit(client, page, ip="10.2.2.2")
    assert response.status_code == 429
    assert "每小时最多提交 3 条" in response.content.decode()
    assert CampaignEntry.objects.filter(page=page).count() == 3
    # Another address is not affected.
    assert submit(client, page, ip="10.2.2.3").status_code == 200


def test_the_same_form_sent_twice_is_stored_once(client, group):
    page = make_campaign()
    data = form_post(page)
    assert submit(client, page, data).status_code == 200
    again = submit(client, page, data)
    assert again.status_code == 200
    assert "无需重复提交" in again.content.decode()
    assert CampaignEntry.objects.filter(page=page).count() == 1


def test_a_forged_or_missing_token_is_refused(client, group):
    page = make_campaign()
    for token in ("forged", ""):
        response = submit(client, page, form_post(page, form_token=token, title="令牌无效的建议"))
        assert response.status_code == 400
        html = response.content.decode()
        assert "页面已过期" in html and "令牌无效的建议" in html
    assert not CampaignEntry.objects.filter(page=page).exists()


# --- Counts, adoption, forwarding -----------------------------------------------------------------


def test_counts_received_forwarded_and_adopted_in_one_query(group, django_assert_num_queries):
    world = letter_world()
    page = make_campaign(forward_box=world.mayor)
    first, second, _third = (add_entry(page) for _ in range(3))
    rules.mark_adopted(first, group["users"]["portal_admin"])
    rules.mark_adopted(second, group["users"]["portal_admin"])
    rules.forward_entry(second, world.dispatcher, group["gaj"])
    with django_assert_num_queries(1):
        counts = rules.campaign_counts(page)
    assert counts == {"received": 3, "forwarded": 1, "adopted": 2}


def test_adoption_by_the_campaign_units_reviewer_and_refused_to_another_unit(group):
    page = make_campaign()
    entry = add_entry(page)
    rules.mark_adopted(entry, group["users"]["portal_admin"])
    entry.refresh_from_db()
    assert entry.adopted
    with pytest.raises(PermissionDenied):
        rules.mark_adopted(entry, group["users"]["gaj_admin"], adopted=False)
    rules.mark_adopted(entry, group["users"]["admin"], adopted=False)
    entry.refresh_from_db()
    assert not entry.adopted


def test_who_may_manage_a_campaign(group):
    world = letter_world()
    page = make_campaign()
    users = group["users"]
    assert rules.can_manage_campaign(users["admin"], page)
    assert rules.can_manage_campaign(world.dispatcher, page)
    assert rules.can_manage_campaign(users["portal_admin"], page)
    for name in ("gaj_admin", "jyj_admin", "jyj_editor"):
        assert not rules.can_manage_campaign(users[name], page)
    # A unit's own campaign is managed by that unit's reviewer.
    jyj_page = make_campaign(parent=group["jyj"].site.root_page)
    assert rules.can_manage_campaign(users["jyj_admin"], jyj_page)
    assert not rules.can_manage_campaign(users["portal_admin"], jyj_page)
    assert list(rules.manageable_campaigns(users["jyj_admin"])) == [jyj_page]


def test_forwarding_creates_one_assigned_suggestion_letter_for_the_unit(group):
    world = letter_world()
    page = make_campaign(forward_box=world.mayor)
    entry = add_entry(page, content="建议延长图书馆周末开放时间，方便上班族借阅。")
    letters_before = Letter.objects.count()
    letter = rules.forward_entry(entry, world.dispatcher, group["gaj"], note="请研究办理")
    assert Letter.objects.count() == letters_before + 1
    assert letter.box_id == world.mayor.pk
    assert letter.state == Letter.State.ASSIGNED and letter.unit == group["gaj"]
    assert letter.letter_type == "suggestion" and not letter.consent_publish
    assert letter.title == "关于增设公交线路的建议"
    assert letter.content.startswith("建议延长图书馆周末开放时间")
    assert (letter.name, letter.phone) == ("网友", "未留")
    assert letter.instruction == "请研究办理"
    assert list(letter.events.values_list("action", flat=True)) == ["submit", "accept", "assign"]
    entry.refresh_from_db()
    assert entry.letter == letter and entry.forwarded

    with pytest.raises(ValidationError, match="该意见已转办"):
        rules.forward_entry(entry, world.dispatcher, group["jyj"])
    assert Letter.objects.count() == letters_before + 1


def test_forwarding_uses_the_contact_left_and_a_title_from_the_text(group):
    world = letter_world()
    page = make_campaign(forward_box=world.mayor)
    entry = add_entry(page, title="", content="建议在各社区增设老年食堂。", name="赵丽", phone="13700001111")
    letter = rules.forward_entry(entry, world.dispatcher, group["lancun"].pk)
    assert (letter.name, letter.phone) == ("赵丽", "13700001111")
    assert letter.title.startswith("建言献策：建议在各社区增设老年食堂")
    assert letter.unit == group["lancun"]


def test_only_dispatchers_forward_and_a_refusal_stores_nothing(group):
    world = letter_world()
    page = make_campaign(forward_box=world.mayor)
    entry = add_entry(page)
    letters_before = Letter.objects.count()
    for name in ("portal_admin", "gaj_admin"):
        with pytest.raises(PermissionDenied):
            rules.forward_entry(entry, group["users"][name], group["gaj"])
    # A portal unit cannot handle letters; no forward box is a clear message.
    with pytest.raises(ValidationError):
        rules.forward_entry(entry, world.dispatcher, group["www"])
    with pytest.raises(ValidationError, match="转办所用信箱"):
        rules.forward_entry(add_entry(make_campaign()), world.dispatcher, group["gaj"])
    assert Letter.objects.count() == letters_before
    entry.refresh_from_db()
    assert entry.letter is None


def test_a_forward_box_with_its_own_unit_hands_the_letter_to_that_unit(group):
    world = letter_world()
    page = make_campaign(forward_box=world.director)  # 局长信箱, handled by 教育局
    with pytest.raises(ValidationError, match="只能转给该单位"):
        rules.forward_entry(add_entry(page), world.dispatcher, group["gaj"])
    letter = rules.forward_entry(add_entry(page), world.dispatcher, group["jyj"])
    assert letter.state == Letter.State.ASSIGNED and letter.unit == group["jyj"]


# --- Public result --------------------------------------------------------------------------------


def test_a_closed_campaign_publishes_counts_and_masked_adopted_suggestions(client, group):
    world = letter_world()
    page = make_campaign(forward_box=world.mayor, result_text="<p>本次征集的建议已分送有关部门研究。</p>")
    adopted = add_entry(page, content="建议整治通济路积水，我是张伟，电话13812345678。", name="张伟")
    add_entry(page, content="这条建议没有被采纳。")
    forwarded = add_entry(page, content="转办但未采纳的建议。")
    rules.mark_adopted(adopted, world.dispatcher)
    rules.forward_entry(forwarded, world.dispatcher, group["gaj"])

    html = client.get(url_of(page), HTTP_HOST=host("www")).content.decode()
    assert "征集结果" not in html  # still open

    CampaignPage.objects.filter(pk=page.pk).update(ends_at=timezone.now() - timedelta(minutes=1))
    html = client.get(url_of(page), HTTP_HOST=host("www")).content.decode()
    assert "征集已结束" in html and "征集结果" in html
    counts = re.sub(r"\s+", "", re.search(r'<dl class="campaign-counts">(.*?)</dl>', html, re.S).group(1))
    assert "<strong>3</strong>" in counts and "<strong>1</strong>" in counts
    assert "本次征集的建议已分送有关部门研究" in html
    assert "建议整治通济路积水" in html
    assert "13812345678" not in html and "138****5678" in html
    assert "张伟" not in html and "张*" in html
    assert "这条建议没有被采纳" not in html and "转办但未采纳的建议" not in html


# --- Admin ----------------------------------------------------------------------------------------


@with_admin_urls
def test_admin_list_is_for_the_campaigns_unit_and_dispatchers_only(client, group):
    world = letter_world()
    page = make_campaign(forward_box=world.mayor)
    add_entry(page, content="后台列表里的建议内容", name="钱七", phone="13611112222")
    url = reverse("campaign_entries", args=[page.pk])
    login(client, group["users"]["portal_admin"])
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "后台列表里的建议内容" in html and ">采纳<" in html
    # Contact data unmasked only for dispatchers and supervisors, as in 来信办理.
    assert "13611112222" not in html and "136****2222" in html and "钱*" in html
    assert 'name="unit"' not in html  # 转办 is for dispatchers
    assert page.title in client.get(reverse("campaign_index")).content.decode()

    client.logout()
    login(client, world.dispatcher)
    html = client.get(url).content.decode()
    assert 'name="unit"' in html and "公安局" in html and "13611112222" in html

    for name in ("gaj_admin", "jyj_editor"):
        client.logout()
        login(client, group["users"][name])
        response = client.get(url)
        assert response.status_code == 403 and "无权" in response.content.decode()
        assert client.get(reverse("campaign_index")).status_code == 403


@with_admin_urls
def test_admin_adopts_and_unadopts(client, group):
    page = make_campaign()
    entry = add_entry(page)
    login(client, group["users"]["portal_admin"])
    url = reverse("campaign_entry_adopt", args=[page.pk, entry.pk])
    assert client.post(url, {"adopted": "1"}).status_code == 302
    entry.refresh_from_db()
    assert entry.adopted
    client.post(url, {"adopted": "0"})
    entry.refresh_from_db()
    assert not entry.adopted
    assert client.get(url).status_code == 405


@with_admin_urls
def test_admin_forward_by_a_dispatcher_and_refused_to_another_unit(client, group):
    world = letter_world()
    page = make_campaign(forward_box=world.mayor)
    entry = add_entry(page)
    url = reverse("campaign_entry_forward", args=[page.pk, entry.pk])
    adopt_url = reverse("campaign_entry_adopt", args=[page.pk, entry.pk])

    login(client, group["users"]["gaj_admin"])
    assert client.post(url, {"unit": group["gaj"].pk}).status_code == 403
    assert client.post(adopt_url, {"adopted": "1"}).status_code == 403
    client.logout()
    # The campaign's own reviewer manages it but is no dispatcher.
    login(client, group["users"]["portal_admin"])
    assert client.post(url, {"unit": group["gaj"].pk}).status_code == 403
    entry.refresh_from_db()
    assert entry.letter is None and not entry.adopted

    client.logout()
    login(client, world.dispatcher)
    response = client.post(url, {"unit": "", "note": ""}, follow=True)
    assert "请选择承办单位" in response.content.decode()
    response = client.post(url, {"unit": group["gaj"].pk, "note": "请公安局研究"}, follow=True)
    assert response.status_code == 200
    entry.refresh_from_db()
    assert entry.letter.unit == group["gaj"] and entry.letter.state == Letter.State.ASSIGNED
    assert f"来信编号 {entry.letter.number}" in response.content.decode()
    response = client.post(url, {"unit": group["gaj"].pk}, follow=True)
    assert "该意见已转办" in response.content.decode()
    assert Letter.objects.filter(campaign_entry=entry).count() == 1


@with_admin_urls
def test_admin_entry_of_another_campaign_is_404(client, group):
    page, other = make_campaign(), make_campaign()
    entry = add_entry(other)
    login(client, group["users"]["portal_admin"])
    response = client.post(reverse("campaign_entry_adopt", args=[page.pk, entry.pk]), {"adopted": "1"})
    assert response.status_code == 404


@with_admin_urls
def test_menu_item_and_page_button_follow_the_permission(rf, group):
    from forms.campaign_admin import campaign_header_button, campaign_menu_item

    world = letter_world()
    page = make_campaign()
    item = campaign_menu_item()
    for user, shown in (
        (world.dispatcher, True),
        (group["users"]["portal_admin"], True),
        (group["users"]["gaj_admin"], False),
        (group["users"]["jyj_editor"], False),
    ):
        request = rf.get("/admin/")
        request.user = user
        assert item.is_shown(request) is shown, user
        buttons = list(campaign_header_button(page=page, user=user, view_name="edit"))
        assert [b.label for b in buttons] == (["征集意见"] if shown else [])
    assert item.url == reverse("campaign_index")
