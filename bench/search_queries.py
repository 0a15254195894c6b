"""The relevance query set: what citizens type into the search box, and what they should find.

Used by bench/search_relevance.py (hit@1/3/10, MRR) and bench/search_latency.py (timings).
Every query lists 1–3 expected results on the demo content (`seed_demo`). An expected result is
named by its title, never by a primary key, and resolved against the search index at run time:

    "居民身份证换领"            any indexed item with exactly this title (any unit, any type)
    "gaj:居民身份证换领"        … only on that unit's site (Organisation.label, e.g. gaj = 公安局)
    "~幼儿园招生"               any item whose title contains the text

The query is a hit when ANY expected item appears among the results; its rank is the best one.
`index_number_of` queries use the 索引号 of a disclosure document, looked up by title at run time
(索引号 are issued in publication order, so they are not written down here).

The expectations describe what a citizen wants, not what the engine happens to return: a
query may deliberately need a synonym (社保 → 社会保险), the pinyin table (gongjijin) or the custom
dictionary (unit and service names) to succeed. `needs` says which feature a query exercises.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Query:
    text: str
    expected: tuple[str, ...]
    needs: str = ""  # segmentation | synonym | pinyin | dictionary | index-number | multi-word …
    note: str = ""
    index_number_of: str = ""  # "label:title" of a disclosure document: query its 索引号
    kinds: tuple[str, ...] = field(default=())  # optional SearchDocument.Kind filter (type facet)


def q(text, *expected, needs="", note="", kinds=()):
    return Query(text=text, expected=tuple(expected), needs=needs, note=note, kinds=tuple(kinds))


def by_index_number(document, *expected, note=""):
    # The text is filled in at run time from the document's 索引号.
    return Query(
        text="",
        expected=tuple(expected) or (document,),
        needs="index-number",
        note=note,
        index_number_of=document,
    )


# Synonym groups an editor would enter in 搜索 › 同义词 for these queries (the demo has none).
# `search_relevance.py --add-synonyms` adds the missing ones and rebuilds the index, so the score
# can be given both as seeded and with this starter list.
SYNONYMS = [
    "公积金 住房公积金",
    "社保 社会保险",
    "医保 医疗保险",
    "低保 最低生活保障",
    "失业金 失业保险金",
    "驾照 驾驶证",
    "补办 补领",
    "公租房 公共租赁住房",
    "网约车 网络预约出租汽车",
    "供暖 供热 采暖",
    "高考 普通高等学校招生考试",
    "农机 农业机械",
    "欠薪 拖欠工资",
    "开公司 企业开办 公司设立",
    "打疫苗 预防接种 疫苗接种",
]

QUERIES = [
    # --- 住房公积金 ---------------------------------------------------------------------------
    q(
        "公积金",
        "住房公积金提取业务网上办理指南",
        "2026年度住房公积金缴存基数调整工作开始办理",
        "咨询租房提取住房公积金的条件和流程",
        needs="segmentation",
        note="公积金 inside the run 住房公积金提取业务",
    ),
    q(
        "住房公积金提取",
        "住房公积金提取业务网上办理指南",
        "咨询租房提取住房公积金的条件和流程",
        needs="segmentation",
    ),
    q(
        "gongjijin",
        "住房公积金提取业务网上办理指南",
        "2026年度住房公积金缴存基数调整工作开始办理",
        "咨询租房提取住房公积金的条件和流程",
        needs="pinyin",
        note="needs 公积金 in the custom dictionary (e.g. a synonym group) for its pinyin",
    ),
    q(
        "租房提取公积金",
        "咨询租房提取住房公积金的条件和流程",
        "住房公积金提取业务网上办理指南",
        needs="segmentation",
    ),
    # --- 公安 -------------------------------------------------------------------------------------
    q("办理身份证", "gaj:居民身份证换领", "gaj:临时居民身份证核发", needs="segmentation"),
    q("身份证过期了怎么换", "gaj:居民身份证换领", needs="segmentation", note="natural-language question"),
    q("驾驶证", "机动车驾驶证补领", "拖拉机和联合收割机驾驶证申领", needs="segmentation"),
    q("驾照丢了补办", "机动车驾驶证补领", needs="synonym", note="驾照 = 驾驶证, 补办 ≈ 补领"),
    q("护照", "普通护照签发"),
    q("无犯罪记录证明", "无犯罪记录证明开具", needs="dictionary"),
    q("居住证", "居住证核发", "非本市户籍人员居住证申领办事指南"),
    q("户口迁移", "户口迁移登记（准予迁入）", "~户口迁移登记管理实施细则"),
    q("新生儿落户", "gaj:出生登记", "新生儿“出生一件事”联办指南", needs="segmentation"),
    q("户政大厅迁址", "关于市公安局户政服务大厅迁址办公的公告", needs="segmentation", note="navigational"),
    # --- 社会保障 ---------------------------------------------------------------------------------
    q(
        "社保",
        "城乡居民基本养老保险参保登记",
        "城乡居民基本养老保险参保登记办事指南",
        "失业保险金申领",
        needs="synonym",
        note="社保 = 社会保险 (+ 养老保险 items of the 社会保险 centre)",
    ),
    q(
        "养老保险缴费",
        "关于做好2026年度城乡居民基本养老保险费缴纳工作的通知",
        "关于做好2026年度城乡居民基本养老保险缴费工作的公告",
        "城乡居民基本养老保险参保登记",
    ),
    q(
        "医保缴费",
        "关于做好2026年度城乡居民基本医疗保险参保缴费工作的通知",
        "即墨市启动2027年度城乡居民基本医疗保险集中参保缴费工作",
        needs="synonym",
        note="医保 = 医疗保险",
    ),
    q("失业金", "失业保险金申领", needs="synonym", note="失业金 = 失业保险金"),
    q("工伤认定", "工伤认定", needs="dictionary"),
    q("异地就医备案", "参保人员异地就医备案办理指南"),
    q(
        "低保",
        "最低生活保障审核确认",
        "即墨市人民政府办公室关于提高城乡居民最低生活保障标准的通知",
        "即墨市提高城乡低保和特困人员基本生活保障标准",
        needs="synonym",
        note="低保 = 最低生活保障 (the guide's title never says 低保)",
    ),
    q("高龄津贴", "高龄津贴申请", "母亲满八十周岁如何申领高龄津贴", needs="dictionary"),
    q("残疾人补贴", "残疾人两项补贴申请", "~困难残疾人生活补贴和重度残疾人护理补贴"),
    q("拖欠工资", "十一名工友被拖欠工资近半年", "~根治欠薪", needs="synonym", note="欠薪 ≈ 拖欠工资"),
    # --- 教育 -------------------------------------------------------------------------------------
    q(
        "教育局 招生",
        "jyj:~招生",
        "小学一年级新生入学登记",
        needs="multi-word",
        note="unit name + topic: any 招生 item of 教育局 (jyj), or its enrolment guide",
    ),
    q(
        "小学入学划片",
        "咨询鹤山路附近小区小学入学划片",
        "关于公布2026年城区公办小学招生学区范围的公告",
        needs="segmentation",
    ),
    q("幼儿园招生", "2026年秋季即墨市公办幼儿园招生工作安排公布", "2025年即墨市公办幼儿园招生公告"),
    q("转学", "义务教育阶段学生转学"),
    q("教师资格证", "教师资格认定", "2025年上半年中小学教师资格考试笔试报名提示", needs="segmentation"),
    q(
        "高考报名",
        "关于做好2027年普通高等学校招生考试报名工作的通知",
        needs="synonym",
        note="高考 = 普通高等学校招生考试",
    ),
    # --- 企业、市场 -------------------------------------------------------------------------------
    q(
        "营业执照",
        "个体工商户设立登记",
        "有限责任公司设立登记",
        "开早餐店怎么办营业执照和食品许可",
        note="the guides say 营业执照 in their results/materials",
    ),
    q(
        "开公司",
        "有限责任公司设立登记",
        "企业开办“一网通办”办事指南",
        needs="synonym",
        note="开公司 ≈ 企业开办/公司设立",
    ),
    q("食品经营许可证", "食品经营许可证核发", needs="dictionary"),
    q(
        "创业担保贷款",
        "即墨市创业担保贷款扶持政策解读",
        "关于《即墨市创业担保贷款实施办法》的解读",
        "~《即墨市创业担保贷款实施办法》的通知",
    ),
    q("一次性创业补贴", "一次性创业补贴申领", needs="dictionary"),
    q("企业注销", "企业简易注销登记", needs="segmentation"),
    # --- 住房、城建、交通 -----------------------------------------------------------------------
    q(
        "供暖",
        "城区2025—2026年度采暖季集中供热安排",
        "墨河湾小区供暖温度长期不达标",
        "关于做好2025—2026年采暖季城镇集中供热工作的通知",
        needs="synonym",
        note="供暖 = 供热 = 采暖",
    ),
    q(
        "公租房",
        "公共租赁住房保障资格审核",
        "~公共租赁住房保障资格审核结果的公示",
        needs="synonym",
        note="公租房 = 公共租赁住房",
    ),
    q("老旧小区改造", "即墨市2026年城镇老旧小区改造计划", "全市2026年城镇老旧小区改造项目全部完工"),
    q(
        "宅基地建房",
        "农村村民宅基地审批",
        "农村老宅原址翻建需要办理哪些手续",
        "~规范农村宅基地和村民建房管理的通知",
    ),
    q("物业费", "鹤山花园物业公司擅自上调物业费", needs="segmentation"),
    q(
        "12路公交",
        "建议12路公交延伸至蓝村镇幸福里社区",
        needs="segmentation",
        note="must not prefer the 2路 notice",
    ),
    q(
        "网约车",
        "网络预约出租汽车运输证核发",
        "~网络预约出租汽车经营服务管理实施细则",
        needs="synonym",
        note="网约车 = 网络预约出租汽车",
    ),
    q("田横岛 船班", "暑期田横岛海岛游出行提示 船班信息及注意事项", needs="multi-word"),
    q("路灯不亮", "田横镇海滨路十几盏路灯不亮"),
    q(
        "烟花爆竹",
        "关于2026年春节期间城区禁止燃放烟花爆竹的公告",
        "~2026年春节期间烟花爆竹燃放管理",
        note="this winter's rules, not last year's",
    ),
    # --- 卫生健康 ---------------------------------------------------------------------------------
    q("流感疫苗", "~新一轮流感疫苗接种工作", needs="segmentation"),
    q("打疫苗 建档", "新生儿预防接种建档去哪里办", needs="synonym", note="打疫苗 ≈ 预防接种"),
    q(
        "春节 门诊安排",
        "2026年春节期间全市主要医疗机构门诊安排",
        "春节假期全市主要医疗机构门急诊安排公布",
        needs="multi-word",
    ),
    # --- 农业 -------------------------------------------------------------------------------------
    q("耕地地力保护补贴", "耕地地力保护补贴", "今年耕地地力保护补贴何时发放", needs="dictionary"),
    q(
        "农机补贴",
        "农业机械购置与应用补贴",
        "~农业机械购置与应用补贴资金兑付情况的公示",
        needs="synonym",
        note="农机 = 农业机械",
    ),
    # --- 政务公开 ---------------------------------------------------------------------------------
    q(
        "预算公开",
        "即墨市2026年市级部门预算和“三公”经费预算公开说明",
        "关于公开即墨市2026年市级预算及“三公”经费预算的公告",
        needs="segmentation",
    ),
    q(
        "政府信息公开年度报告",
        "即墨市人民政府2025年政府信息公开工作年度报告",
        "即墨市人民政府办公室2025年政府信息公开工作年度报告",
    ),
    q(
        "财政局 部门预算",
        "czj:即墨市财政局2026年部门预算",
        "czj:关于编制2026年市级部门预算的通知",
        needs="multi-word",
    ),
    by_index_number("jyj:关于做好2026年义务教育学校招生入学工作的通知", note="索引号 typed in full"),
    by_index_number("czj:即墨市财政局2026年部门预算", note="索引号 typed in full"),
]
