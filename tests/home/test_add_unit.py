"""The add-unit command builds a whole unit in one step, and running it again changes nothing."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from wagtail.models import Collection, GroupPagePermission, Page, Site

from home.models import Organisation, SiteIdentity
from subsite_pages.models import ColumnPage, ContentPage, SitemapPage, UnitHomePage
from tests.conftest import host

pytestmark = pytest.mark.django_db

ARGS = [
    "mzj",
    "--name",
    "即墨市民政局",
    "--short-name",
    "民政局",
    "--code",
    "370282211",
    "--phone",
    "0532-88512345",
]


def snapshot():
    return {
        model.__name__: model.objects.count()
        for model in (Organisation, Site, Page, Group, GroupPagePermission, Collection, SiteIdentity)
    }


def test_add_unit_creates_site_tree_groups_and_collection(client, group):
    call_command("add_unit", *ARGS)
    unit = Organisation.objects.get(label="mzj")
    assert unit.kind == "department"
    assert unit.site.hostname == host("mzj")
    home = unit.site.root_page.specific
    assert isinstance(home, UnitHomePage)
    assert set(ColumnPage.objects.child_of(home).values_list("slug", flat=True)) == {
        "gzdt",
        "tzgg",
        "zcwj",
        "zwgk",
    }
    assert set(ContentPage.objects.child_of(home).values_list("slug", flat=True)) == {"jggk", "ldxx"}
    assert SitemapPage.objects.child_of(home).exists()
    assert unit.editor_group.name == "民政局信息员"
    assert unit.reviewer_group.name == "民政局管理员"
    assert unit.collection.name == "即墨市民政局"
    editor_perms = set(
        GroupPagePermission.objects.filter(group=unit.editor_group, page=home).values_list(
            "permission__codename", flat=True
        )
    )
    assert editor_perms == {"add_page", "change_page"}
    reviewer_perms = set(
        GroupPagePermission.objects.filter(group=unit.reviewer_group, page=home).values_list(
            "permission__codename", flat=True
        )
    )
    assert "publish_page" in reviewer_perms
    identity = SiteIdentity.for_site(unit.site)
    assert identity.sponsor == "即墨市民政局"
    assert identity.phone == "0532-88512345"
    response = client.get("/", HTTP_HOST=host("mzj"))
    assert response.status_code == 200
    assert "即墨市民政局" in response.content.decode()
    # The portal links to the new unit at once.
    assert f"http://{host('mzj')}/" in client.get("/", HTTP_HOST=host("www")).content.decode()


def test_add_unit_twice_changes_nothing(group):
    call_command("add_unit", *ARGS)
    before = snapshot()
    call_command("add_unit", *ARGS)
    assert snapshot() == before


def test_add_unit_follows_a_new_domain(settings, group):
    call_command("add_unit", *ARGS)
    settings.PORTAL_DOMAIN = "jimo.gov.cn"
    settings.PORTAL_PORT = 443
    call_command("add_unit", *ARGS)
    site = Organisation.objects.get(label="mzj").site
    assert site.root_url == "https://mzj.jimo.gov.cn"


@pytest.mark.parametrize(
    "args, message",
    [
        (["Bad_Label", "--name", "某局", "--short-name", "某局", "--code", "370282299"], "站点标识"),
        (["newunit", "--name", "即墨市教育局", "--short-name", "另一个", "--code", "370282298"], "机构全称"),
        (["newunit2", "--name", "某某局", "--short-name", "某某局", "--code", "12"], "机构代码"),
    ],
)
def test_add_unit_refuses_bad_input_with_a_chinese_message(group, args, message):
    with pytest.raises(CommandError) as error:
        call_command("add_unit", *args)
    assert message in str(error.value)
    assert not Organisation.objects.filter(label__in=["Bad_Label", "newunit", "newunit2"]).exists()


def test_migrate_moves_every_site_to_the_configured_domain(settings, group):
    from home.services import sync_hostnames

    settings.PORTAL_DOMAIN = "jimo.gov.cn"
    settings.PORTAL_PORT = 443
    assert sync_hostnames() == Organisation.objects.count()
    assert Organisation.objects.get(label="jyj").site.root_url == "https://jyj.jimo.gov.cn"
    assert sync_hostnames() == 0


def test_add_unit_gives_portal_and_branch_sites_their_standard_columns(group):
    from home.services import BRANCH_COLUMNS, PORTAL_COLUMNS

    call_command(
        "add_unit",
        "newbranch",
        "--name",
        "文化分站",
        "--short-name",
        "文化",
        "--code",
        "370282108",
        "--kind",
        "branch",
    )
    branch = Organisation.objects.get(label="newbranch")
    slugs = set(ColumnPage.objects.child_of(branch.site.root_page).values_list("slug", flat=True))
    assert slugs == {slug for slug, *_ in BRANCH_COLUMNS}
    portal = group["www"]
    portal_slugs = set(ColumnPage.objects.child_of(portal.site.root_page).values_list("slug", flat=True))
    assert {slug for slug, *_ in PORTAL_COLUMNS} <= portal_slugs
