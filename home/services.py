"""Adding a unit to the site group. The add-unit command and the demo both use `ensure_unit`.

Every step is idempotent: running it again for an existing unit brings it up to date
(hostname, port, columns, groups, permissions) without duplicating anything.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page, Site

from home.models import HomePage, Organisation, SiteIdentity
from subsite_pages.models import BranchHomePage, ColumnPage, ContentPage, SitemapPage, UnitHomePage
from workflows.review import ensure_review_workflow

# Page permissions per role. Editors draft and submit; reviewers also publish (谁发布谁负责).
EDITOR_PAGE_PERMISSIONS = ["add_page", "change_page"]
REVIEWER_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]
EDITOR_MEDIA_PERMISSIONS = {
    "wagtailimages": ["add_image", "choose_image"],
    "wagtaildocs": ["add_document", "choose_document"],
}
REVIEWER_MEDIA_PERMISSIONS = {
    "wagtailimages": ["add_image", "change_image", "delete_image", "choose_image"],
    "wagtaildocs": ["add_document", "change_document", "delete_document", "choose_document"],
}

# Standard columns a new unit starts with: (slug, title, kind, accepts submissions).
# The portal home page shows its blocks from the portal's columns by these slugs (HomePage).
PORTAL_COLUMNS = [
    ("jmyw", "即墨要闻", ColumnPage.Kind.NEWS, False),
    ("tzgg", "通知公告", ColumnPage.Kind.NOTICE, False),
    ("bmdt", "部门动态", ColumnPage.Kind.NEWS, True),
    ("xzdt", "乡镇动态", ColumnPage.Kind.NEWS, True),
    ("zcwj", "政策文件", ColumnPage.Kind.POLICY, False),
    ("wsbs", "网上办事", ColumnPage.Kind.SERVICE, False),
    ("zwgk", "政务公开", ColumnPage.Kind.DISCLOSURE, False),
    ("zmhd", "政民互动", ColumnPage.Kind.INTERACTION, False),
    ("bmfw", "便民服务", ColumnPage.Kind.CONVENIENCE, False),
]
BRANCH_COLUMNS = [
    ("dt", "动态", ColumnPage.Kind.NEWS, True),
    ("tzgg", "通知公告", ColumnPage.Kind.NOTICE, True),
]
UNIT_COLUMNS = [
    ("gzdt", "工作动态", ColumnPage.Kind.NEWS, False),
    ("tzgg", "通知公告", ColumnPage.Kind.NOTICE, False),
    ("zcwj", "政策文件", ColumnPage.Kind.POLICY, False),
    ("zwgk", "政务公开", ColumnPage.Kind.DISCLOSURE, False),
]
DEFAULT_COLUMNS = {
    Organisation.Kind.PORTAL: PORTAL_COLUMNS,
    Organisation.Kind.BRANCH: BRANCH_COLUMNS,
    Organisation.Kind.DEPARTMENT: UNIT_COLUMNS,
    Organisation.Kind.TOWN: UNIT_COLUMNS,
}
# Plain pages every department and town site starts with: (slug, title).
UNIT_PROFILE_PAGES = [("jggk", "机构概况"), ("ldxx", "领导信息")]

HOME_PAGE_CLASS = {
    Organisation.Kind.PORTAL: HomePage,
    Organisation.Kind.BRANCH: BranchHomePage,
    Organisation.Kind.DEPARTMENT: UnitHomePage,
    Organisation.Kind.TOWN: UnitHomePage,
}
SORT_BASE = {
    Organisation.Kind.PORTAL: 0,
    Organisation.Kind.BRANCH: 100,
    Organisation.Kind.DEPARTMENT: 200,
    Organisation.Kind.TOWN: 300,
}


@dataclass
class UnitSpec:
    label: str
    kind: str
    name: str
    short_name: str
    code: str
    site_title: str = ""
    columns: list = field(default_factory=list)
    address: str = ""
    postcode: str = ""
    phone: str = ""
    email: str = ""
    office_hours: str = ""
    sort_order: int | None = None


def unit_hostname(label):
    return f"{label}.{settings.PORTAL_DOMAIN}"


def _permissions(app_label, codenames):
    return list(Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))


@transaction.atomic
def ensure_unit(spec: UnitSpec) -> Organisation:
    """Create or update a unit with its site, home page, columns, groups and collection."""
    kind = Organisation.Kind(spec.kind)
    organisation = Organisation.objects.filter(label=spec.label).first() or Organisation(label=spec.label)
    organisation.kind = kind
    organisation.name = spec.name
    organisation.short_name = spec.short_name
    organisation.code = spec.code
    for attr in ("address", "postcode", "phone", "email", "office_hours"):
        if getattr(spec, attr):
            setattr(organisation, attr, getattr(spec, attr))
    if spec.sort_order is not None:
        organisation.sort_order = spec.sort_order
    elif organisation.pk is None:
        organisation.sort_order = SORT_BASE[kind] + Organisation.objects.filter(kind=kind).count()
    organisation.full_clean(exclude=["site", "editor_group", "reviewer_group", "collection"])
    organisation.save()

    site_title = spec.site_title or (
        spec.name if kind != Organisation.Kind.DEPARTMENT else f"{spec.name}网站"
    )
    home = _ensure_home_page(organisation, site_title)
    site = _ensure_site(organisation, home, site_title)
    _ensure_columns(home, kind, spec.columns)
    _ensure_collection(organisation)
    _ensure_groups(organisation, home)
    _ensure_identity(site, organisation, site_title)
    ensure_review_workflow(organisation)
    return organisation


def _ensure_home_page(organisation, site_title):
    page_class = HOME_PAGE_CLASS[organisation.kind]
    if organisation.site_id:
        return organisation.site.root_page.specific
    root = Page.get_first_root_node()
    existing = page_class.objects.child_of(root).filter(slug=organisation.label).first()
    if existing:
        return existing
    home = page_class(title=site_title, slug=organisation.label, show_in_menus=False)
    root.add_child(instance=home)
    home.save_revision().publish()
    return home


def sync_hostnames():
    """Point every unit's Site at `<label>.<PORTAL_DOMAIN>:<PORTAL_PORT>` (runs after every migrate),
    so moving the group to a production domain is one setting away."""
    changed = 0
    for organisation in Organisation.objects.select_related("site").filter(site__isnull=False):
        site = organisation.site
        hostname = unit_hostname(organisation.label)
        if (site.hostname, site.port) != (hostname, settings.PORTAL_PORT):
            site.hostname, site.port = hostname, settings.PORTAL_PORT
            site.save(update_fields=["hostname", "port"])
            changed += 1
    return changed


def _ensure_site(organisation, home, site_title):
    is_portal = organisation.kind == Organisation.Kind.PORTAL
    site = organisation.site or Site(root_page=home)
    site.hostname = unit_hostname(organisation.label)
    site.port = settings.PORTAL_PORT
    site.site_name = site_title
    site.root_page = home
    if is_portal:
        # The portal answers any unknown host, 127.0.0.1 included.
        Site.objects.exclude(pk=site.pk).filter(is_default_site=True).update(is_default_site=False)
        site.is_default_site = True
    site.save()
    if organisation.site_id != site.pk:
        organisation.site = site
        organisation.save(update_fields=["site"])
    return site


def _ensure_columns(home, kind, columns):
    columns = columns or DEFAULT_COLUMNS[kind]
    if kind in (Organisation.Kind.DEPARTMENT, Organisation.Kind.TOWN):
        for slug, title in UNIT_PROFILE_PAGES:
            if not ContentPage.objects.child_of(home).filter(slug=slug).exists():
                _add_published(home, ContentPage(title=title, slug=slug, show_in_menus=True))
    for slug, title, column_kind, accepts in columns:
        column = ColumnPage.objects.child_of(home).filter(slug=slug).first()
        if column is None:
            _add_published(
                home,
                ColumnPage(
                    title=title,
                    slug=slug,
                    kind=column_kind,
                    accepts_submissions=accepts,
                    show_in_menus=True,
                ),
            )
    if not SitemapPage.objects.child_of(home).exists():
        _add_published(home, SitemapPage(title="网站地图", slug="sitemap", show_in_menus=False))


def _add_published(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _ensure_collection(organisation):
    if organisation.collection_id:
        return organisation.collection
    root = Collection.get_first_root_node()
    collection = root.get_children().filter(name=organisation.name).first()
    if collection is None:
        collection = root.add_child(name=organisation.name)
    organisation.collection = collection
    organisation.save(update_fields=["collection"])
    return collection


def _ensure_groups(organisation, home):
    prefix = organisation.group_prefix
    access_admin = _permissions("wagtailadmin", ["access_admin"])
    roles = [
        ("editor_group", f"{prefix}信息员", EDITOR_PAGE_PERMISSIONS, EDITOR_MEDIA_PERMISSIONS),
        ("reviewer_group", f"{prefix}管理员", REVIEWER_PAGE_PERMISSIONS, REVIEWER_MEDIA_PERMISSIONS),
    ]
    for attr, name, page_codenames, media_codenames in roles:
        group = getattr(organisation, attr) or Group.objects.get_or_create(name=name)[0]
        if group.name != name:
            group.name = name
            group.save()
        group.permissions.add(*access_admin)
        for permission in _permissions("wagtailcore", page_codenames):
            GroupPagePermission.objects.get_or_create(group=group, page=home, permission=permission)
        for app_label, codenames in media_codenames.items():
            for permission in _permissions(app_label, codenames):
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=organisation.collection, permission=permission
                )
        setattr(organisation, attr, group)
    if organisation.kind == Organisation.Kind.PORTAL:
        # The portal's administrators keep every site's footer identity (网站标识) correct.
        organisation.reviewer_group.permissions.add(*_permissions("home", ["change_siteidentity"]))
        # …and supervise syndication (信息报送采用统计).
        organisation.reviewer_group.permissions.add(*_permissions("workflows", ["view_syndication"]))
        # …and keep the 错敏词 list (设置 → 错敏词库).
        organisation.reviewer_group.permissions.add(
            *_permissions(
                "workflows",
                ["add_sensitiveword", "change_sensitiveword", "delete_sensitiveword", "view_sensitiveword"],
            )
        )
    organisation.save(update_fields=["editor_group", "reviewer_group"])


def _ensure_identity(site, organisation, site_title):
    """Fill the footer identity once; later edits in the admin are kept."""
    identity = SiteIdentity.for_site(site)
    group_level = organisation.kind in (Organisation.Kind.PORTAL, Organisation.Kind.BRANCH)
    defaults = {
        "site_title": site_title,
        "site_code": f"370282{organisation.sort_order + 1:04d}",
        "sponsor": "即墨市人民政府办公室" if group_level else organisation.name,
        "organiser": "即墨市大数据发展管理局" if group_level else f"{organisation.name}办公室",
        "address": organisation.address,
        "phone": organisation.phone,
        "email": organisation.email,
    }
    portal = Site.objects.filter(is_default_site=True).exclude(pk=site.pk).first()
    if portal is not None:
        # The whole group shares one domain, so one ICP and one 公安 filing number.
        portal_identity = SiteIdentity.for_site(portal)
        defaults["icp_number"] = portal_identity.icp_number
        defaults["police_number"] = portal_identity.police_number
    for attr, value in defaults.items():
        if not getattr(identity, attr) and value:
            setattr(identity, attr, value)
    identity.save()
    return identity
