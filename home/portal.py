"""What the portal home page shows. Its query count must not grow with the number of units."""

from home.models import Organisation
from subsite_pages.models import ColumnPage, latest_articles

SERVICE_TILE = "wsbs"  # the 网上办事 entry tile shows the hall's public figures
CONVENIENCE_TILE = "bmfw"  # the 便民服务 column's lookups are quick links under the tiles


def _service_hall(column):
    """(hall_counts(), the live hall under the 网上办事 column or None): a fixed number of queries."""
    from services.models import ServiceHallPage
    from services.workflow import hall_counts

    if column is None:
        return None, None
    hall = ServiceHallPage.objects.live().public().descendant_of(column).order_by("path").first()
    return hall_counts(), hall


def _convenience_links(column):
    """The lookups on the 便民服务 column (公积金, 天气, 公交 …), for the quick links: one query."""
    from convenience.models import ConvenienceLookupPage

    if column is None:
        return []
    return list(ConvenienceLookupPage.objects.child_of(column).live().public().order_by("path"))


def portal_home_context(home, request):
    columns = {column.slug: column for column in ColumnPage.objects.child_of(home).live().public()}

    def block(slug, limit):
        column = columns.get(slug)
        return {"column": column, "articles": list(latest_articles(column, limit)) if column else []}

    entry_tiles = [columns[slug] for slug in home.ENTRY_TILES if slug in columns]
    service_counts, service_hall = _service_hall(columns.get(SERVICE_TILE))
    convenience_links = _convenience_links(columns.get(CONVENIENCE_TILE))

    units = list(
        Organisation.objects.exclude(kind=Organisation.Kind.PORTAL)
        .filter(site__isnull=False)
        .select_related("site")
    )
    return {
        "headlines": block(home.HEADLINES, 7),
        "notices": block(home.NOTICES, 8),
        "department_news": block(home.DEPARTMENT_NEWS, 8),
        "town_news": block(home.TOWN_NEWS, 8),
        "entry_tiles": entry_tiles,
        "service_tile": SERVICE_TILE,
        "service_counts": service_counts,
        "service_hall": service_hall,
        "convenience_links": convenience_links,
        "branches": [unit for unit in units if unit.kind == Organisation.Kind.BRANCH],
        "departments": [unit for unit in units if unit.kind == Organisation.Kind.DEPARTMENT],
        "towns": [unit for unit in units if unit.kind == Organisation.Kind.TOWN],
    }
