"""The hall's facets: themes and life events, as the national guide catalogue groups them."""

from django.db import migrations

THEMES = [
    ("jiaoyu", "教育"),
    ("shebao", "社保"),
    ("huji", "户籍"),
    ("jiaotong", "交通"),
    ("yiliao", "医疗卫生"),
    ("zhufang", "住房"),
    ("hunyu", "婚姻生育"),
    ("jiuye", "就业创业"),
    ("minzheng", "民政救助"),
    ("shuiwu", "税务"),
    ("qiye", "企业经营"),
    ("nongye", "农业农村"),
    ("wenlv", "文化旅游"),
    ("shichang", "市场监管"),
    ("chujing", "出入境"),
]
LIFE_EVENTS = [
    ("shengyu", "生育", False),
    ("shangxue", "上学", False),
    ("jiuye", "就业", False),
    ("jiehun", "结婚", False),
    ("goufang", "购房", False),
    ("jiazhao", "驾驶机动车", False),
    ("tuixiu", "退休", False),
    ("yanglao", "养老", False),
    ("shenhou", "身后事", False),
    ("kaiban", "开办企业", True),
    ("jingying", "经营许可", True),
    ("gongcheng", "工程建设", True),
    ("zhaopin", "招聘用工", True),
    ("zhuxiao", "企业注销", True),
]


def add(apps, schema_editor):
    ServiceTheme = apps.get_model("services", "ServiceTheme")
    LifeEvent = apps.get_model("services", "LifeEvent")
    for order, (slug, name) in enumerate(THEMES):
        ServiceTheme.objects.update_or_create(slug=slug, defaults={"name": name, "sort_order": order})
    for order, (slug, name, legal) in enumerate(LIFE_EVENTS):
        LifeEvent.objects.update_or_create(
            slug=slug, defaults={"name": name, "for_legal_persons": legal, "sort_order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("services", "0001_initial")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
