"""Builds the 即墨 demo site group. Idempotent: a second run finds everything and adds nothing."""

import hashlib
import io
import itertools
from datetime import datetime, time, timedelta
from importlib import import_module
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.db import transaction
from django.db.models import F
from django.test.utils import override_settings
from django.utils.html import escape
from openpyxl import Workbook
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from convenience.demo.build import build_convenience_demo
from disclosure.demo.build import build_disclosure_demo
from disclosure.workflow import SUPERVISOR_GROUP as DISCLOSURE_SUPERVISOR_GROUP
from forms.demo.build import build_interaction_demo
from forms.workflow import DISPATCHER_GROUP, SUPERVISOR_GROUP, ensure_role_groups
from home.demo import images as demo_images
from home.demo import units
from home.models import Organisation, SiteIdentity
from home.services import UnitSpec, ensure_unit
from services.demo.build import build_service_demo
from services.workflow import SUPERVISOR_GROUP as SERVICE_SUPERVISOR_GROUP
from subsite_pages.models import ArticlePage, ColumnPage, ContentPage

SHANGHAI = ZoneInfo("Asia/Shanghai")
DEMO_PASSWORD = "Jimo@2026"
CONTENT_MODULES = ["portal", "branches", "departments_a", "departments_b", "towns"]
IMAGES_PER_UNIT = 3
INTERACTION_ROLES = {"dispatcher": DISPATCHER_GROUP, "supervisor": SUPERVISOR_GROUP}
SERVICE_ROLES = {"service_supervisor": SERVICE_SUPERVISOR_GROUP}
ROLE_GROUPS = {**INTERACTION_ROLES, **SERVICE_ROLES}
DISCLOSURE_ROLES = {"disclosure_supervisor": DISCLOSURE_SUPERVISOR_GROUP}


def load_content():
    articles, profiles = {}, {}
    for name in CONTENT_MODULES:
        module = import_module(f"home.demo.content.{name}")
        articles.update(getattr(module, "ARTICLES", {}))
        profiles.update(getattr(module, "PROFILES", {}))
    return articles, profiles


def unit_specs(profiles):
    portal = units.PORTAL
    yield UnitSpec(
        label=portal["label"],
        kind="portal",
        name=portal["org_name"],
        short_name=portal["short_name"],
        code=portal["code"],
        site_title=portal["name"],
        columns=portal["columns"],
        address="即墨市蓝鳌路1号",
        postcode="266200",
        phone="0532-88510001",
        email="webmaster@jimo.gov.example",
        sort_order=0,
    )
    for index, branch in enumerate(units.BRANCHES):
        yield UnitSpec(
            label=branch["label"],
            kind="branch",
            name=branch["name"],
            short_name=branch["short_name"],
            code=branch["code"],
            site_title=f"即墨市政务网·{branch['name']}",
            columns=branch["columns"],
            sort_order=100 + index,
        )
    for kind, group, base in (("department", units.DEPARTMENTS, 200), ("town", units.TOWNS, 300)):
        for index, unit in enumerate(group):
            profile = profiles.get(unit["label"], {})
            yield UnitSpec(
                label=unit["label"],
                kind=kind,
                name=unit["name"],
                short_name=unit["short_name"],
                code=unit["code"],
                address=profile.get("address", ""),
                postcode=profile.get("postcode", ""),
                phone=profile.get("phone", ""),
                email=profile.get("email", ""),
                office_hours=profile.get("office_hours", ""),
                sort_order=base + index,
            )


def build_demo(stdout=None, scale=0, scale_articles=None):
    """The whole demo group; the search index is rebuilt once at the end instead of queuing an
    update for every page the demo publishes."""
    from search.indexing import paused, rebuild

    say = stdout.write if stdout else (lambda message: None)
    with paused():
        created = _build_demo(say, scale, scale_articles)
    say(f"站群搜索索引 {rebuild()} 条。\n")
    return created


def _build_demo(say, scale, scale_articles):
    articles, profiles = load_content()
    colours = {branch["label"]: branch["colour"] for branch in units.BRANCHES}
    created = 0
    for spec in unit_specs(profiles):
        with transaction.atomic():
            organisation = ensure_unit(spec)
            if organisation.kind == Organisation.Kind.PORTAL:
                _set_group_filing_numbers(organisation.site)
            _set_theme_colour(organisation.site, colours.get(spec.label))
            _fill_profile_pages(organisation, profiles.get(spec.label))
            pictures = _ensure_images(organisation)
            created += _ensure_articles(organisation, articles.get(spec.label, {}), pictures)
        say(f"  {organisation.name}: {organisation.root_url}/\n")
    for index in range(1, scale + 1):
        created += _ensure_scale_unit(index, articles, count=scale_articles)
    ensure_role_groups()
    _ensure_users()
    # The demo's own review decisions are not mailed to anybody.
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        _ensure_review_queues()
    build_interaction_demo(say)
    build_service_demo(say)
    build_disclosure_demo(say)
    build_convenience_demo(say)
    say(f"新增信息 {created} 条；共有信息 {ArticlePage.objects.count()} 条。\n")
    return created


def _set_group_filing_numbers(site):
    identity = SiteIdentity.for_site(site)
    identity.icp_number = identity.icp_number or "鲁ICP备05021187号"
    identity.police_number = identity.police_number or "鲁公网安备 37028202000118号"
    identity.save()
    # Sites created before the portal had its numbers get them now.
    for other in SiteIdentity.objects.exclude(pk=identity.pk):
        changed = False
        if not other.icp_number:
            other.icp_number, changed = identity.icp_number, True
        if not other.police_number:
            other.police_number, changed = identity.police_number, True
        if changed:
            other.save()


def _set_theme_colour(site, colour):
    identity = SiteIdentity.for_site(site)
    default = SiteIdentity._meta.get_field("theme_colour").default
    if colour and identity.theme_colour == default:
        identity.theme_colour = colour
        identity.save()


def _fill_profile_pages(organisation, profile):
    if not profile:
        return
    home = organisation.site.root_page
    bodies = {
        "jggk": [("paragraph", "".join(f"<p>{escape(p)}</p>" for p in profile["overview"]))],
        "ldxx": [
            (
                "paragraph",
                "".join(
                    f"<h3>{escape(leader['name'])}　{escape(leader['post'])}</h3>"
                    f"<p>{escape(leader['duties'])}</p>"
                    for leader in profile["leaders"]
                ),
            )
        ],
    }
    for slug, body in bodies.items():
        page = ContentPage.objects.child_of(home).filter(slug=slug).first()
        if page is None or page.body:
            continue
        page.body = body
        page.save_revision().publish()


def _ensure_images(organisation):
    Image = get_image_model()
    pictures = []
    for offset in range(IMAGES_PER_UNIT):
        index = organisation.sort_order * IMAGES_PER_UNIT + offset
        title, data = demo_images.draw_scene(index)
        title = f"{title}（{organisation.short_name}）"
        image = Image.objects.filter(collection=organisation.collection, title=title).first()
        if image is None:
            image = Image(
                title=title,
                collection=organisation.collection,
                description=title,
                file=ImageFile(io.BytesIO(data), name=f"demo-{organisation.label}-{offset}.jpg"),
            )
            image.save()
        pictures.append(image)
    return pictures


def _article_slug(spec):
    digest = hashlib.sha1(spec["title"].encode("utf-8")).hexdigest()[:8]
    return f"{spec['date'].replace('-', '')}-{digest}"


def _publish_time(spec, position):
    day = datetime.fromisoformat(spec["date"]).date()
    return datetime.combine(day, time(9, 0), tzinfo=SHANGHAI) + timedelta(minutes=17 * position)


def _spreadsheet(organisation, spec):
    """The article's table as a real .xlsx attachment."""
    Document = get_document_model()
    table = spec["table"]
    title = table["caption"]
    document = Document.objects.filter(collection=organisation.collection, title=title).first()
    if document is None:
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "附表"
        sheet.append([table["caption"]])
        sheet.append(table["header"])
        for row in table["rows"]:
            sheet.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        document = Document(title=title, collection=organisation.collection)
        digest = hashlib.sha1(title.encode("utf-8")).hexdigest()[:8]
        document.file.save(f"{organisation.label}-{digest}.xlsx", ContentFile(buffer.getvalue()), save=False)
        document.save()
    return document


def _article_body(organisation, spec, picture):
    body = []
    paragraphs = spec["paragraphs"]
    body.append(("paragraph", "".join(f"<p>{escape(p)}</p>" for p in paragraphs[:1])))
    if picture is not None:
        body.append(("image", {"image": picture, "caption": picture.title, "alt_text": ""}))
    if len(paragraphs) > 1:
        body.append(("paragraph", "".join(f"<p>{escape(p)}</p>" for p in paragraphs[1:])))
    if spec.get("table"):
        table = spec["table"]
        body.append(
            (
                "table",
                {
                    "data": [table["header"], *table["rows"]],
                    "first_row_is_table_header": True,
                    "first_col_is_header": False,
                    "table_caption": table["caption"],
                },
            )
        )
        body.append(("attachment", {"document": _spreadsheet(organisation, spec), "title": ""}))
    return body


def _ensure_articles(organisation, columns, pictures):
    home = organisation.site.root_page
    created = 0
    counter = itertools.count()
    for slug, specs in columns.items():
        column = ColumnPage.objects.child_of(home).filter(slug=slug).first()
        if column is None:
            continue
        existing = set(ArticlePage.objects.child_of(column).values_list("slug", flat=True))
        for position, spec in enumerate(specs):
            number = next(counter)
            slug_for_article = _article_slug(spec)
            if slug_for_article in existing:
                continue
            with_picture = slug == "jmyw" or number % 4 == 0
            picture = pictures[number % len(pictures)] if with_picture and pictures else None
            published = _publish_time(spec, position)
            article = ArticlePage(
                title=spec["title"],
                slug=slug_for_article,
                subtitle=spec.get("subtitle", ""),
                publish_date=published,
                source=spec.get("source") or organisation.name,
                author=spec.get("author", ""),
                responsible_editor=spec.get("editor", ""),
                summary=spec.get("summary", ""),
                body=_article_body(organisation, spec, picture),
            )
            column.add_child(instance=article)
            article.save_revision().publish()
            ArticlePage.objects.filter(pk=article.pk).update(
                first_published_at=published, last_published_at=published
            )
            created += 1
    return created


def _ensure_scale_unit(index, articles, count=None):
    """A synthetic unit for load tests, with articles recycled from the demo text.

    Without `count`, 40 articles go through the normal publishing path (a revision each). With
    `count` (seed_demo --scale-articles) that many are bulk-inserted instead: publishing one
    article takes ~0.1 s here, far too slow for the 50,000-page search benchmark.
    """
    organisation = ensure_unit(
        UnitSpec(
            label=f"scale{index:03d}",
            kind="department",
            name=f"压测单位{index:03d}",
            short_name=f"压测{index:03d}",
            code=f"9{index:08d}",
            sort_order=1000 + index,
        )
    )
    pool = [spec for columns in articles.values() for specs in columns.values() for spec in specs]
    if count is not None:
        # The same walk through the pool as below, shifted by one on every lap so that long runs
        # cycle through all demo texts, not one seventh of them.
        picked = (pool[(index % 7 + 7 * n + 7 * n // len(pool)) % len(pool)] for n in range(count))
        specs = [
            dict(spec, title=f"{spec['title']}（压测{index}-{n}）", table=None)
            for n, spec in enumerate(picked)
        ]
        return _bulk_insert_articles(organisation, "gzdt", specs)
    columns = {
        "gzdt": [
            dict(spec, title=f"{spec['title']}（压测{index}-{n}）", table=None)
            for n, spec in enumerate(pool[index % 7 :: 7][:40])
        ]
    }
    return _ensure_articles(organisation, columns, pictures=[])


def _bulk_insert_articles(organisation, column_slug, specs, batch_size=500):
    """Live ArticlePages appended to a column with a few INSERTs per batch (load tests only).

    Real rows in the page tree (materialised paths continued from the column's last child,
    numchild kept), live and public, but without revisions and without signals: Wagtail's own
    search index (`update_index`), the reference index and the site search index are not
    updated — run `rebuild_search_index` afterwards. Idempotent like the normal path (by slug).
    """
    column = ColumnPage.objects.child_of(organisation.site.root_page).get(slug=column_slug)
    content_type = ContentType.objects.get_for_model(ArticlePage)
    page_fields = [f for f in Page._meta.concrete_fields if not f.primary_key]
    article_fields = ArticlePage._meta.local_concrete_fields
    created = 0
    with transaction.atomic():
        column = Page.objects.select_for_update().get(pk=column.pk)
        taken = set(Page.objects.child_of(column).values_list("slug", flat=True))
        last = column.get_last_child()
        step = Page._str2int(last.path[-Page.steplen :]) + 1 if last else 1
        articles = []
        for position, spec in enumerate(specs):
            slug = _article_slug(spec)
            if slug in taken:
                continue
            taken.add(slug)
            published = _publish_time(spec, position % 30)
            articles.append(
                ArticlePage(
                    title=spec["title"],
                    draft_title=spec["title"],
                    slug=slug,
                    content_type=content_type,
                    locale_id=column.locale_id,
                    path=Page._get_path(column.path, column.depth + 1, step),
                    depth=column.depth + 1,
                    numchild=0,
                    url_path=f"{column.url_path}{slug}/",
                    live=True,
                    has_unpublished_changes=False,
                    first_published_at=published,
                    last_published_at=published,
                    publish_date=published,
                    source=spec.get("source") or organisation.name,
                    author=spec.get("author", ""),
                    responsible_editor=spec.get("editor", ""),
                    summary=spec.get("summary", ""),
                    body=_article_body(organisation, spec, None),
                )
            )
            step += 1
        for start in range(0, len(articles), batch_size):
            batch = articles[start : start + batch_size]
            pages = Page.objects.bulk_create(
                [Page(**{f.attname: getattr(article, f.attname) for f in page_fields}) for article in batch]
            )
            for article, page in zip(batch, pages, strict=True):
                article.pk = article.page_ptr_id = page.pk
            # bulk_create refuses multi-table models; this is the child-table half of it.
            ArticlePage._base_manager._insert(batch, fields=article_fields)
            created += len(batch)
        Page.objects.filter(pk=column.pk).update(numchild=F("numchild") + created)
    return created


# (username, display name, unit label or None for superuser, role)
def demo_accounts():
    accounts = [("admin", "系统管理员", None, "superuser")]
    accounts += [
        ("portal_admin", "主站管理员", "www", "reviewer"),
        ("portal_editor", "主站信息员", "www", "editor"),
        ("dispatcher", "政民互动受理员（市长公开电话办公室）", None, "dispatcher"),
        ("supervisor", "政民互动督办员（市政府督查室）", None, "supervisor"),
        ("svc_supervisor", "政务服务监督员（市行政审批服务局）", None, "service_supervisor"),
        ("gk_supervisor", "政务公开监督员（市政府办公室）", None, "disclosure_supervisor"),
    ]
    for organisation in Organisation.objects.exclude(kind=Organisation.Kind.PORTAL).exclude(
        label__startswith="scale"
    ):
        prefix = organisation.group_prefix
        accounts.append((f"{organisation.label}_admin", f"{prefix}管理员", organisation.label, "reviewer"))
        accounts.append((f"{organisation.label}_editor", f"{prefix}信息员", organisation.label, "editor"))
    return accounts


def _ensure_users():
    User = get_user_model()
    organisations = {
        o.label: o for o in Organisation.objects.select_related("editor_group", "reviewer_group")
    }
    for username, display, label, role in demo_accounts():
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": display, "email": f"{username}@jimo.gov.example"}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.is_superuser = user.is_staff = role == "superuser"
            user.save()
        if role in ROLE_GROUPS:
            user.groups.add(Group.objects.get_or_create(name=ROLE_GROUPS[role])[0])
        if role in DISCLOSURE_ROLES:
            user.groups.add(Group.objects.get_or_create(name=DISCLOSURE_ROLES[role])[0])
        if label:
            organisation = organisations[label]
            group = organisation.reviewer_group if role == "reviewer" else organisation.editor_group
            user.groups.add(group)


def portal_url():
    site = Site.objects.filter(is_default_site=True).first()
    return site.root_url if site else ""


# Which branch column a unit's news is also pushed to (信息报送), besides the portal.
BRANCH_TARGETS = {
    "jyj": ("jiaoyu", "jyzx"),
    "wjj": ("yiliao", "yldt"),
    "rsj": ("shimin", "shbz"),
    "jtj": ("shimin", "jycx"),
    "zjj": ("shimin", "shfw"),
    "gaj": ("shimin", "shfw"),
    "czj": ("qiye", "fczc"),
    "scj": ("qiye", "qydt"),
    "nyj": ("sannong", "nyjs"),
    "wlj": ("lvyou", "lyzn"),
}
REJECTION_REASONS = ["与已采用信息内容重复", "请补充活动现场图片后重新报送", "时效性不足，建议报送近期工作"]
DRAFTS_FOR_REVIEW = {
    "jyj": (
        "关于做好2027年寒假中小学生安全教育工作的通知",
        "寒假即将来临，为切实保障全市中小学生假期安全，现就有关工作通知如下：各学校要在放假前开展一次安全教育，重点做好防溺水、防火、防煤气中毒和交通安全教育。",
    ),
    "gaj": (
        "市公安局开展冬季道路交通安全集中整治",
        "入冬以来，市公安局交警大队在城区主干道和国道沿线开展集中整治行动，重点查处酒驾醉驾、超员超载等违法行为，全力保障群众冬季出行安全。",
    ),
    "lancun": (
        "蓝村镇开展冬季农村道路安全隐患排查",
        "近日，蓝村镇组织安监、交通和村级网格员对辖区农村道路进行拉网式排查，对临水临崖路段补设警示标志，确保群众冬季出行安全。",
    ),
}


def _ensure_review_queues():
    """Pending, approved and rejected syndications and pending level-1 reviews, so that a new
    user sees every queue working. Runs once: units whose news already went out are skipped."""
    from workflows import syndication as rules
    from workflows.models import Syndication

    User = get_user_model()
    reviewers = {o.label: o for o in Organisation.objects.select_related("site", "reviewer_group")}
    portal = reviewers["www"]
    portal_admin = User.objects.get(username="portal_admin")
    for unit_index, organisation in enumerate(
        Organisation.objects.filter(kind__in=["department", "town"]).exclude(label__startswith="scale")
    ):
        news = ColumnPage.objects.child_of(organisation.site.root_page).filter(slug="gzdt").first()
        if news is None:
            continue
        latest = list(ArticlePage.objects.child_of(news).live().order_by("-publish_date")[:3])
        if not latest or Syndication.objects.filter(source__in=latest).exists():
            continue
        portal_slug = "bmdt" if organisation.kind == Organisation.Kind.DEPARTMENT else "xzdt"
        targets = [ColumnPage.objects.child_of(portal.site.root_page).get(slug=portal_slug)]
        if organisation.label in BRANCH_TARGETS:
            branch_label, slug = BRANCH_TARGETS[organisation.label]
            targets.append(ColumnPage.objects.child_of(reviewers[branch_label].site.root_page).get(slug=slug))
        editor = User.objects.filter(username=f"{organisation.label}_editor").first()
        for position, article in enumerate(latest):
            article.syndication_targets.set(targets)
            article.save_revision(user=editor).publish(
                user=User.objects.get(username=f"{organisation.label}_admin")
            )
            for item in article.syndications.select_related("target_organisation"):
                decider = (
                    portal_admin
                    if item.target_organisation == portal
                    else User.objects.get(username=f"{item.target_organisation.label}_admin")
                )
                if position == 0:
                    rules.approve(item.pk, decider)
                elif position == 1 and unit_index % 3 == 0:
                    rules.reject(item.pk, decider, REJECTION_REASONS[unit_index % len(REJECTION_REASONS)])
                # the rest wait in the portal's and the branches' queues
    for label, (title, text) in DRAFTS_FOR_REVIEW.items():
        organisation = reviewers.get(label)
        if organisation is None:
            continue
        news = ColumnPage.objects.child_of(organisation.site.root_page).get(slug="gzdt")
        slug = "review-" + hashlib.sha1(title.encode("utf-8")).hexdigest()[:8]
        if ArticlePage.objects.child_of(news).filter(slug=slug).exists():
            continue
        editor = User.objects.get(username=f"{label}_editor")
        draft = ArticlePage(
            title=title,
            slug=slug,
            live=False,
            owner=editor,
            author=editor.first_name,
            body=[("paragraph", f"<p>{escape(text)}</p>")],
        )
        news.add_child(instance=draft)
        draft.save_revision(user=editor)
        draft.get_workflow().start(draft, editor)
