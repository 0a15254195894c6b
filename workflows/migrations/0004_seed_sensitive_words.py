from django.db import migrations

# A starter 错敏词 list: (word, severity, replacement, note). Editors extend it under 设置 → 错敏词库.
# Only unambiguous strings: each one is matched as a plain substring, so nothing here may occur inside
# correct wording.
STARTER_WORDS = [
    # 政治性表述错误：阻止提交和发布。
    ("一国两治", "block", "一国两制", "“一国两制”方针的错误写法"),
    ("中华民国政府", "block", "台湾当局", "1949年后不得使用“中华民国”称谓指称台湾当局"),
    ("台湾国家", "block", "台湾地区", "台湾是中国的一部分，不得称为“国家”"),
    ("台湾总统", "block", "台湾地区领导人", "不得使用“总统”称谓指称台湾地区领导人"),
    ("台湾政府", "block", "台湾当局", "不得称台湾当局为“政府”"),
    ("两岸三地", "block", "海峡两岸及香港、澳门", "不得将香港、澳门与内地、台湾并列为“三地”"),
    ("香港主权移交", "block", "香港回归", "应表述为“香港回归”“中国对香港恢复行使主权”"),
    ("北朝鲜", "block", "朝鲜", "对朝鲜民主主义人民共和国的不规范称谓"),
    # 过时的机构名称（2018年党和国家机构改革后已撤销或更名）：提示。
    ("国家工商总局", "warn", "国家市场监督管理总局", "机构已于2018年撤销，职责并入国家市场监督管理总局"),
    ("国家工商行政管理总局", "warn", "国家市场监督管理总局", "机构已于2018年撤销"),
    ("国家质检总局", "warn", "国家市场监督管理总局", "机构已于2018年撤销"),
    (
        "国家食品药品监督管理总局",
        "warn",
        "国家市场监督管理总局",
        "机构已于2018年撤销，药品监管由国家药品监督管理局负责",
    ),
    ("国家卫生计生委", "warn", "国家卫生健康委员会", "机构已于2018年更名"),
    ("国家卫计委", "warn", "国家卫生健康委员会", "机构已于2018年更名"),
    ("国家旅游局", "warn", "文化和旅游部", "机构已于2018年撤销"),
    ("国家安监总局", "warn", "应急管理部", "机构已于2018年撤销"),
    ("地税局", "warn", "税务局", "国税地税征管体制已于2018年合并"),
    # 不规范表述：提示。
    ("一路一带", "warn", "一带一路", "倡议名称顺序错误"),
    ("残废人", "warn", "残疾人", "不使用带有歧视色彩的称谓"),
    # 常见错别字：提示。
    ("再接再励", "warn", "再接再厉", "错别字"),
    ("一愁莫展", "warn", "一筹莫展", "错别字"),
    ("迫不急待", "warn", "迫不及待", "错别字"),
    ("一如继往", "warn", "一如既往", "错别字"),
    ("截止目前", "warn", "截至目前", "“截至”表示到某一时间为止"),
    ("松驰", "warn", "松弛", "错别字"),
    ("凑和", "warn", "凑合", "错别字"),
    ("甘败下风", "warn", "甘拜下风", "错别字"),
    ("走头无路", "warn", "走投无路", "错别字"),
    ("报歉", "warn", "抱歉", "错别字"),
    ("气慨", "warn", "气概", "错别字"),
    ("题纲", "warn", "提纲", "错别字"),
    ("膺品", "warn", "赝品", "错别字"),
    ("默守成规", "warn", "墨守成规", "错别字"),
    ("不径而走", "warn", "不胫而走", "错别字"),
    ("按步就班", "warn", "按部就班", "错别字"),
    ("美仑美奂", "warn", "美轮美奂", "错别字"),
    ("谈笑风声", "warn", "谈笑风生", "错别字"),
    ("金榜提名", "warn", "金榜题名", "错别字"),
    ("一股作气", "warn", "一鼓作气", "错别字"),
    ("针贬时弊", "warn", "针砭时弊", "错别字"),
    ("言简意骇", "warn", "言简意赅", "错别字"),
    ("坐谈会", "warn", "座谈会", "错别字"),
    ("既使", "warn", "即使", "错别字；“既使用……又……”等正确用法请忽略本提示"),
    ("按装", "warn", "安装", "错别字；“按装修标准”等正确用法请忽略本提示"),
]


def seed(apps, schema_editor):
    SensitiveWord = apps.get_model("workflows", "SensitiveWord")
    for word, severity, replacement, note in STARTER_WORDS:
        SensitiveWord.objects.get_or_create(
            word=word, defaults={"severity": severity, "replacement": replacement, "note": note}
        )


def unseed(apps, schema_editor):
    SensitiveWord = apps.get_model("workflows", "SensitiveWord")
    SensitiveWord.objects.filter(word__in=[word for word, *_ in STARTER_WORDS]).delete()


class Migration(migrations.Migration):
    dependencies = [("workflows", "0003_sensitiveword")]

    operations = [migrations.RunPython(seed, unseed)]
