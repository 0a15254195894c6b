"""The 即墨 site group as the demo builds it: every unit, its hostname label and its columns.

Column tuples are (slug, title, kind, accepts_submissions). Kinds are ColumnPage.Kind values.
"""

from home.services import PORTAL_COLUMNS

PORTAL = {
    "label": "www",
    "kind": "portal",
    "name": "即墨市政务网",
    "org_name": "即墨市人民政府",
    "short_name": "市政府",
    "code": "370282000",
    "columns": PORTAL_COLUMNS,
}

BRANCHES = [
    {
        "label": "shimin",
        "colour": "#1a5a96",
        "name": "市民分站",
        "short_name": "市民",
        "code": "370282101",
        "columns": [
            ("shbz", "社会保障", "news", True),
            ("jycx", "交通出行", "news", True),
            ("shfw", "生活服务", "news", True),
            ("bmfw", "便民服务", "convenience", False),
        ],
    },
    {
        "label": "qiye",
        "colour": "#0f5e63",
        "name": "企业分站",
        "short_name": "企业",
        "code": "370282102",
        "columns": [
            ("qykb", "企业开办", "news", True),
            ("fczc", "扶持政策", "policy", True),
            ("qydt", "企业动态", "news", True),
        ],
    },
    {
        "label": "sannong",
        "colour": "#2e6b20",
        "name": "三农分站",
        "short_name": "三农",
        "code": "370282103",
        "columns": [
            ("nyjs", "农业技术推广", "news", True),
            ("ncpgq", "农产品供求", "news", True),
            ("zfkj", "农业致富科技", "news", True),
        ],
    },
    {
        "label": "lvyou",
        "colour": "#7a3e00",
        "name": "旅游分站",
        "short_name": "旅游",
        "code": "370282104",
        "columns": [
            ("lyzn", "旅游指南", "news", True),
            ("jmts", "即墨特色", "news", True),
            ("msfq", "民俗风情", "news", True),
        ],
    },
    {
        "label": "yiliao",
        "colour": "#006b5e",
        "name": "医疗分站",
        "short_name": "医疗",
        "code": "370282105",
        "columns": [
            ("yldt", "医疗动态", "news", True),
            ("jkkp", "健康科普", "news", True),
            ("jyzn", "就医指南", "news", True),
        ],
    },
    {
        "label": "jiaoyu",
        "colour": "#5b3a8c",
        "name": "教育分站",
        "short_name": "教育",
        "code": "370282106",
        "columns": [
            ("jyzx", "教育资讯", "news", True),
            ("zsks", "招生考试", "notice", True),
            ("xqjy", "学前教育", "news", True),
        ],
    },
    {
        "label": "touzi",
        "colour": "#8c2f1c",
        "name": "投资分站",
        "short_name": "投资",
        "code": "370282107",
        "columns": [
            ("tzzc", "投资政策", "policy", True),
            ("tzhj", "投资环境", "news", True),
            ("zsxm", "招商项目", "news", True),
        ],
    },
]

# Department and town sites get the standard columns (home.services.UNIT_COLUMNS).

DEPARTMENTS = [
    {"label": "jyj", "name": "即墨市教育局", "short_name": "教育局", "code": "370282201"},
    {"label": "gaj", "name": "即墨市公安局", "short_name": "公安局", "code": "370282202"},
    {"label": "wjj", "name": "即墨市卫生健康局", "short_name": "卫健局", "code": "370282203"},
    {"label": "czj", "name": "即墨市财政局", "short_name": "财政局", "code": "370282204"},
    {"label": "rsj", "name": "即墨市人力资源和社会保障局", "short_name": "人社局", "code": "370282205"},
    {"label": "zjj", "name": "即墨市住房和城乡建设局", "short_name": "住建局", "code": "370282206"},
    {"label": "jtj", "name": "即墨市交通运输局", "short_name": "交通局", "code": "370282207"},
    {"label": "nyj", "name": "即墨市农业农村局", "short_name": "农业农村局", "code": "370282208"},
    {"label": "wlj", "name": "即墨市文化和旅游局", "short_name": "文旅局", "code": "370282209"},
    {"label": "scj", "name": "即墨市市场监督管理局", "short_name": "市场监管局", "code": "370282210"},
]

TOWNS = [
    {"label": "lancun", "name": "即墨市蓝村镇人民政府", "short_name": "蓝村镇", "code": "370282301"},
    {"label": "duanbolan", "name": "即墨市段泊岚镇人民政府", "short_name": "段泊岚镇", "code": "370282302"},
    {"label": "yifengdian", "name": "即墨市移风店镇人民政府", "short_name": "移风店镇", "code": "370282303"},
    {"label": "tianheng", "name": "即墨市田横镇人民政府", "short_name": "田横镇", "code": "370282304"},
    {"label": "jinkou", "name": "即墨市金口镇人民政府", "short_name": "金口镇", "code": "370282305"},
]
