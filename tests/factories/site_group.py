"""A small site group for tests, built with the same code path as the add-unit command."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from home.demo import units
from home.models import Organisation
from home.services import UnitSpec, ensure_unit
from subsite_pages.models import ArticlePage, ColumnPage

PASSWORD = "Test@2026pass"


def portal_spec():
    return UnitSpec(
        label="www",
        kind="portal",
        name=units.PORTAL["org_name"],
        short_name=units.PORTAL["short_name"],
        code=units.PORTAL["code"],
        site_title=units.PORTAL["name"],
        columns=units.PORTAL["columns"],
        sort_order=0,
    )


def unit_spec(label, name, short_name, code, kind="department", columns=None):
    return UnitSpec(
        label=label, kind=kind, name=name, short_name=short_name, code=code, columns=columns or []
    )


def add_article(column, title, days_ago=1, **fields):
    article = ArticlePage(
        title=title,
        slug=f"a{ArticlePage.objects.count() + 1}-{days_ago}",
        publish_date=timezone.now() - timedelta(days=days_ago),
        body=[("paragraph", f"<p>{title}的正文。</p>")],
        **fields,
    )
    column.add_child(instance=article)
    article.save_revision().publish()
    return article


def column(organisation, slug):
    return ColumnPage.objects.child_of(organisation.site.root_page).get(slug=slug)


def make_user(username, *groups, superuser=False):
    User = get_user_model()
    user = User.objects.create_user(username=username, password=PASSWORD, is_superuser=superuser)
    user.groups.add(*groups)
    return user


def build_small_group():
    """Portal, one branch, two departments and a town, each with a few articles and its users."""
    portal = ensure_unit(portal_spec())
    jiaoyu = ensure_unit(
        UnitSpec(
            label="jiaoyu",
            kind="branch",
            name="教育分站",
            short_name="教育",
            code="370282106",
            columns=[("jyzx", "教育资讯", "news", True)],
        )
    )
    jyj = ensure_unit(unit_spec("jyj", "即墨市教育局", "教育局", "370282201"))
    gaj = ensure_unit(unit_spec("gaj", "即墨市公安局", "公安局", "370282202"))
    lancun = ensure_unit(unit_spec("lancun", "即墨市蓝村镇人民政府", "蓝村镇", "370282301", kind="town"))
    add_article(column(portal, "jmyw"), "即墨市召开冬季安全生产工作会议", days_ago=1)
    add_article(column(portal, "tzgg"), "关于2027年元旦假期值班安排的通知", days_ago=2)
    add_article(column(portal, "bmdt"), "市教育局部署冬季校园安全工作", days_ago=3)
    add_article(column(portal, "xzdt"), "蓝村镇完成冬季取暖设施排查", days_ago=4)
    add_article(column(jiaoyu, "jyzx"), "全市中小学课后服务实现全覆盖", days_ago=5)
    add_article(column(jyj, "gzdt"), "市教育局开展校园食品安全专项检查", days_ago=2)
    add_article(column(jyj, "tzgg"), "关于2027年春季学期开学工作的通知", days_ago=6)
    add_article(column(gaj, "gzdt"), "公安局开展反电信网络诈骗宣传进社区活动", days_ago=3)
    add_article(column(lancun, "gzdt"), "蓝村镇召开秋收秋种工作调度会", days_ago=7)
    users = {
        "jyj_editor": make_user("jyj_editor", jyj.editor_group),
        "jyj_admin": make_user("jyj_admin", jyj.reviewer_group),
        "gaj_editor": make_user("gaj_editor", gaj.editor_group),
        "gaj_admin": make_user("gaj_admin", gaj.reviewer_group),
        "portal_admin": make_user("portal_admin", portal.reviewer_group),
        "admin": make_user("admin", superuser=True),
    }
    return {"portal": portal, "jiaoyu": jiaoyu, "jyj": jyj, "gaj": gaj, "lancun": lancun, "users": users}


def group_fixture():
    """Look the session's site group up again (objects do not survive between tests)."""
    by_label = {o.label: o for o in Organisation.objects.select_related("site")}
    User = get_user_model()
    users = {u.username: u for u in User.objects.all()}
    return {**{label: by_label[label] for label in ("www", "jiaoyu", "jyj", "gaj", "lancun")}, "users": users}
