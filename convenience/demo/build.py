"""The demo's 便民服务: the eight lookup pages on the portal's 便民服务 column and on the 市民
branch, and the sample feeds of convenience/sample_feeds loaded through the importers.

Idempotent: pages are found by slug; a feed is imported again only when its data is stale, and
then with its dates moved to today, so a demo started on any day shows current data.
"""

from wagtail.models import Page

from convenience.models import ConvenienceLookupPage
from convenience.models.feeds import FeedKey
from convenience.services import freshness, import_sample
from home.models import Organisation
from subsite_pages.models import ColumnPage

# key: (slug, title, provider, introduction)
LOOKUPS = {
    FeedKey.FUND: (
        "gjj",
        "公积金查询",
        "青岛市住房公积金管理中心即墨管理处",
        "<p>输入本人身份证号码和公积金查询密码，可查询个人账户余额、月缴存额、近12个月缴存明细和贷款状态。"
        "查询密码可在管理处服务大厅或缴存单位经办人处设置。为保护个人信息，姓名、证件号码和账号均部分隐藏显示。</p>",
    ),
    FeedKey.TRAFFIC: (
        "jtwf",
        "交通违法查询",
        "即墨市公安局交通警察大队",
        "<p>输入机动车号牌号码和车辆识别代号（车架号）后六位，可查询本市采集的交通技术监控违法记录。"
        "对记录有异议的，请携带行驶证到交警大队违法处理窗口核实。</p>",
    ),
    FeedKey.WEATHER: (
        "tqyb",
        "天气预报",
        "即墨市气象局",
        "<p>即墨城区及各镇（街道）今天和未来7天的天气预报，每天05时、11时、17时更新。"
        "气象灾害预警信号生效期间在本页顶部显示。</p>",
    ),
    FeedKey.PRICES: (
        "mrcj",
        "每日菜价",
        "即墨市发展和改革局价格监测中心",
        "<p>城区主要农贸市场蔬菜、肉禽蛋、水产、粮油等品种的零售价格，每个工作日上午采集发布。</p>",
    ),
    FeedKey.BUS: (
        "csgj",
        "城市公交",
        "即墨市公共交通有限公司",
        "<p>查询公交线路的站点、首末班时间和发车间隔；输入起点站和终点站，可查询直达线路和一次换乘方案。</p>",
    ),
    FeedKey.COACH: (
        "xzky",
        "乡镇客运",
        "即墨汽车站",
        "<p>即墨汽车站往返各镇（街道）的客运班次、途经站点和票价。节假日班次如有调整，以车站公告为准。</p>",
    ),
    FeedKey.AIR: (
        "kqzl",
        "空气质量",
        "即墨市环境监测站",
        "<p>全市各空气质量监测点的实时空气质量指数（AQI）和主要污染物浓度，以及近24小时和近30天的变化。"
        "数据为自动监测的实时数据，未经审核。</p>",
    ),
    FeedKey.HYDRO: (
        "swxx",
        "水文信息",
        "即墨市水利局",
        "<p>全市主要水库和河道测站的实时水位、流量和蓄水量。水位超过警戒（汛限）水位时以醒目方式标出，"
        "请沿河群众注意安全。</p>",
    ),
}
# Columns that carry the lookups: the portal's 便民服务 and the 市民 branch's.
DEMO_COLUMNS = (("www", "bmfw"), ("shimin", "bmfw"))


def _column(label, slug):
    organisation = Organisation.objects.filter(label=label).select_related("site").first()
    if organisation is None or organisation.site is None:
        return None
    return ColumnPage.objects.child_of(organisation.site.root_page).filter(slug=slug).first()


def ensure_lookup_pages(column):
    created = 0
    for key, (slug, title, provider, intro) in LOOKUPS.items():
        if Page.objects.child_of(column).filter(slug=slug).exists():
            continue
        page = ConvenienceLookupPage(title=title, slug=slug, lookup=key, provider=provider, intro=intro)
        column.add_child(instance=page)
        page.save_revision().publish()
        created += 1
    return created


def build_convenience_demo(say):
    pages = 0
    for label, slug in DEMO_COLUMNS:
        column = _column(label, slug)
        if column is not None:
            pages += ensure_lookup_pages(column)
    for key in FeedKey.values:
        if not freshness(key).stale:
            continue
        run = import_sample(key)
        say(
            f"  便民服务 {FeedKey(key).label}: {run.get_status_display()}，"
            f"{run.rows_accepted} 行导入，{run.rows_rejected} 行拒绝\n"
        )
    say(f"便民查询页面新增 {pages} 个。\n")
