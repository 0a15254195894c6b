"""Demo data of 政务公开: what each unit publishes in its catalogue, and the requests it receives.

Everything here is original demo text: per-unit title templates (filled with the year, the
quarter, a batch number …) and per-genre sentence templates that `expand_documents` turns into
about 300 catalogue entries, deterministically (random.Random with a fixed seed). Names of people
are invented.
"""

import random
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

SEED = 20260101
CUTOFF = date(2026, 11, 20)  # nothing in the demo catalogue is dated later than this
YEARS = (2024, 2025, 2026)

# Per unit: who signs (issuer), its 文号 prefixes (index 0 = its main series), the addressee line
# of its notices, and the body that adopts its normative documents.
UNITS = {
    "www": {
        "issuer": "即墨市人民政府办公室",
        "main_issuer": "即墨市人民政府",
        "prefixes": ["即政发", "即政办发", "即政办字"],
        "addressee": "各镇人民政府、街道办事处，市政府各部门，各直属单位：",
        "approver": "市政府常务会议",
        "self": "本市",
    },
    "jyj": {
        "issuer": "即墨市教育局",
        "prefixes": ["即教发", "即教字"],
        "addressee": "各镇街教育办，各中小学校、幼儿园，局属各单位：",
        "approver": "局党组会议",
        "self": "全市教育系统",
    },
    "gaj": {
        "issuer": "即墨市公安局",
        "prefixes": ["即公发", "即公通"],
        "addressee": "各派出所、交警大队，局机关各部门：",
        "approver": "局党委会议",
        "self": "本局",
    },
    "wjj": {
        "issuer": "即墨市卫生健康局",
        "prefixes": ["即卫健发", "即卫健字"],
        "addressee": "各镇街卫生院、社区卫生服务中心，市直各医疗卫生单位：",
        "approver": "局党组会议",
        "self": "全市卫生健康系统",
    },
    "czj": {
        "issuer": "即墨市财政局",
        "prefixes": ["即财发", "即财预"],
        "addressee": "市直各部门、单位，各镇街财政所：",
        "approver": "局党组会议",
        "self": "本市",
    },
    "rsj": {
        "issuer": "即墨市人力资源和社会保障局",
        "prefixes": ["即人社发", "即人社字"],
        "addressee": "各镇街劳动保障所，市直各有关单位：",
        "approver": "局党组会议",
        "self": "本市",
    },
    "zjj": {
        "issuer": "即墨市住房和城乡建设局",
        "prefixes": ["即住建发", "即住建字"],
        "addressee": "各镇街建设管理办公室，各建设、施工、监理单位，各物业服务企业：",
        "approver": "局党组会议",
        "self": "本市",
    },
    "jtj": {
        "issuer": "即墨市交通运输局",
        "prefixes": ["即交运发", "即交运字"],
        "addressee": "各镇街交通管理站，各道路运输企业，局属各单位：",
        "approver": "局党组会议",
        "self": "本市",
    },
    "nyj": {
        "issuer": "即墨市农业农村局",
        "prefixes": ["即农发", "即农字"],
        "addressee": "各镇街农业农村服务中心，局属各单位：",
        "approver": "局党组会议",
        "self": "本市",
    },
    "wlj": {
        "issuer": "即墨市文化和旅游局",
        "prefixes": ["即文旅发", "即文旅字"],
        "addressee": "各镇街文化站，各A级旅游景区、星级饭店、旅行社：",
        "approver": "局党组会议",
        "self": "本市",
    },
    "scj": {
        "issuer": "即墨市市场监督管理局",
        "prefixes": ["即市监发", "即市监字"],
        "addressee": "各市场监管所，局机关各科室，各有关单位：",
        "approver": "局党组会议",
        "self": "本市",
    },
    "lancun": {
        "issuer": "即墨市蓝村镇人民政府",
        "prefixes": ["蓝政发", "蓝政字"],
        "addressee": "各村（社区），镇直各部门、单位：",
        "approver": "镇党委会议",
        "self": "本镇",
    },
    "duanbolan": {
        "issuer": "即墨市段泊岚镇人民政府",
        "prefixes": ["段政发", "段政字"],
        "addressee": "各村（社区），镇直各部门、单位：",
        "approver": "镇党委会议",
        "self": "本镇",
    },
    "yifengdian": {
        "issuer": "即墨市移风店镇人民政府",
        "prefixes": ["移政发", "移政字"],
        "addressee": "各村（社区），镇直各部门、单位：",
        "approver": "镇党委会议",
        "self": "本镇",
    },
    "tianheng": {
        "issuer": "即墨市田横镇人民政府",
        "prefixes": ["田政发", "田政字"],
        "addressee": "各村（社区），镇直各部门、单位，各渔业生产企业：",
        "approver": "镇党委会议",
        "self": "本镇",
    },
    "jinkou": {
        "issuer": "即墨市金口镇人民政府",
        "prefixes": ["金政发", "金政字"],
        "addressee": "各村（社区），镇直各部门、单位：",
        "approver": "镇党委会议",
        "self": "本镇",
    },
}

# Catalogue items per unit: (genre, title template, theme, keywords, 文号 series or None,
# years, month, interpreted). years: None = one year picked at random, "all" = every demo year,
# "q" = two quarterly instances, an int = that year. month: 0 = any time of the year.
# Placeholders: {year} {prev} {next} {q} {m} (the last month reported) {n} (a batch number)
# {names} (people appointed).
# fmt: off
ITEMS = {
    "www": [
        ("gfxwj", "关于印发《即墨市政府投资项目管理办法》的通知", "gmjj", "政府投资 项目管理", 0, 2024, 0, True),
        ("gfxwj", "关于印发《即墨市城市道路挖掘管理办法》的通知", "cxjs", "道路挖掘 城市管理", 1, 2024, 0, False),
        ("gfxwj", "关于印发《即墨市城镇老旧小区改造实施办法》的通知", "cxjs", "老旧小区 改造", 0, 2025, 0, True),
        ("gfxwj", "即墨市进一步优化营商环境若干措施", "gmjj", "营商环境 惠企", 0, 2026, 3, True),
        ("yj", "关于加快推进数字政府建设的实施意见", "zhzw", "数字政府 一网通办", 0, 2025, 0, True),
        ("yj", "关于推进城乡供水一体化的实施意见", "nyls", "城乡供水 一体化", 1, 2024, 0, False),
        ("gh", "即墨市国民经济和社会发展第十五个五年规划纲要", "gmjj", "十五五 规划纲要", 0, 2026, 2, True),
        ("gh", "关于印发《{year}年即墨市政务公开工作要点》的通知", "zhzw", "政务公开 工作要点", 2, "all", 4, False),
        ("gh", "即墨市{year}年重点项目建设计划", "gmjj", "重点项目 建设计划", 1, "all", 3, False),
        ("gh", "即墨市{year}年为民办实事项目计划", "mzfp", "为民办实事 民生", 1, (2025, 2026), 2, False),
        ("gh", "关于印发《即墨市突发事件总体应急预案》的通知", "zhzw", "应急预案 突发事件", 0, 2025, 0, True),
        ("tz", "关于做好{year}年春节期间安全生产工作的通知", "scjg", "春节 安全生产", 2, (2025, 2026), 1, False),
        ("tz", "关于做好{year}年防汛抗旱工作的通知", "nyls", "防汛 抗旱", 1, "all", 5, False),
        ("tz", "关于开展{year}年全市安全生产大排查大整治的通知", "scjg", "安全生产 隐患排查", 1, None, 0, False),
        ("jd", "关于表彰{prev}年度全市经济社会发展先进单位的决定", "zhzw", "表彰 先进单位", 0, (2025, 2026), 2, False),
        ("jd", "关于废止和修改部分市政府规范性文件的决定", "zhzw", "规范性文件 清理 废止", 0, 2026, 6, False),
        ("tb", "关于{year}年第{q}季度全市政府网站和政务新媒体检查情况的通报", "zhzw", "政府网站 政务新媒体 检查", 2, "q", 0, False),
        ("gg", "关于划定城区禁止燃放烟花爆竹区域的公告", "gaaq", "烟花爆竹 禁放区域", None, 2024, 12, False),
        ("bg", "关于即墨市{prev}年预算执行情况和{year}年预算草案的报告", "czjr", "预算执行 预算草案", None, (2025, 2026), 1, False),
        ("rsxx", "即墨市人民政府关于{names}同志职务任免的通知", "ldrs", "职务任免", 0, (2025, 2026), 0, False),
    ],
    "jyj": [
        ("gfxwj", "关于印发《即墨市校外培训机构监督管理办法》的通知", "kjjy", "校外培训 监督管理", 0, 2025, 0, True),
        ("tz", "关于做好{year}年义务教育学校招生入学工作的通知", "kjjy", "招生入学 义务教育", 0, "all", 5, False),
        ("gh", "即墨市学前教育普及普惠发展三年行动计划（2025—2027年）", "kjjy", "学前教育 普惠", 0, 2025, 0, True),
        ("tz", "关于开展{year}年中小学校园食品安全专项检查的通知", "kjjy", "校园食品安全 专项检查", 1, (2024, 2026), 3, False),
        ("yj", "关于进一步加强中小学课后服务工作的实施意见", "kjjy", "课后服务 双减", 0, 2024, 0, True),
        ("tz", "关于做好{year}年暑期学生防溺水安全教育工作的通知", "kjjy", "防溺水 安全教育", 1, (2025, 2026), 6, False),
        ("gg", "{year}年即墨市公办幼儿园招生公告", "kjjy", "幼儿园 招生", None, (2024, 2025), 6, False),
        ("tb", "关于{year}年春季学期开学工作督导检查情况的通报", "kjjy", "开学 督导检查", 1, 2026, 3, False),
        ("rsxx", "即墨市教育系统{year}年公开招聘教师简章", "ldrs", "教师招聘 简章", None, (2025, 2026), 4, False),
        ("tjsj", "即墨市{prev}年教育事业发展统计公报", "kjjy", "教育统计 公报", None, (2025, 2026), 4, False),
    ],
    "gaj": [
        ("gfxwj", "关于印发《即墨市户口迁移登记实施细则》的通知", "gaaq", "户口迁移 户籍", 0, 2025, 0, True),
        ("gg", "关于调整城区部分道路交通组织的通告", "gaaq", "交通组织 单行线", None, 2025, 0, False),
        ("tz", "关于开展{year}年冬季道路交通安全集中整治行动的通知", "gaaq", "冬季 交通安全 整治", 1, (2024, 2025), 11, False),
        ("gg", "关于{year}年春节期间烟花爆竹燃放管理的通告", "gaaq", "烟花爆竹 春节", None, (2025, 2026), 1, False),
        ("tz", "关于开展打击治理电信网络诈骗宣传月活动的通知", "gaaq", "电信网络诈骗 宣传", 1, 2024, 0, False),
        ("tb", "关于{year}年上半年全市道路交通事故情况的通报", "gaaq", "道路交通事故 通报", 1, (2025, 2026), 7, False),
        ("yj", "关于推行户籍业务“跨省通办”的实施方案", "gaaq", "跨省通办 户籍业务", 0, 2026, 0, True),
        ("tjsj", "即墨市{year}年1—{m}月道路交通事故统计", "gaaq", "交通事故 统计", None, 2026, 0, False),
    ],
    "wjj": [
        ("tz", "关于做好{year}年秋冬季呼吸道传染病防控工作的通知", "wsty", "传染病防控 秋冬季", 1, (2024, 2025), 10, False),
        ("gh", "即墨市“十五五”卫生健康事业发展规划", "wsty", "十五五 卫生健康", 0, 2026, 0, True),
        ("gfxwj", "关于印发《即墨市家庭医生签约服务管理办法》的通知", "wsty", "家庭医生 签约服务", 0, 2024, 0, True),
        ("tz", "关于开展{year}年国家基本公共卫生服务项目绩效评价的通知", "wsty", "公共卫生 绩效评价", 1, None, 0, False),
        ("yj", "关于推进紧密型县域医共体建设的实施意见", "wsty", "医共体 分级诊疗", 0, 2025, 0, True),
        ("tz", "关于开展{year}年“世界无烟日”宣传活动的通知", "wsty", "无烟日 控烟", 1, 2026, 5, False),
        ("gg", "关于开展{year}年适龄女生HPV疫苗免费接种工作的公告", "wsty", "HPV疫苗 免费接种", None, 2025, 9, False),
        ("rsxx", "即墨市卫生健康系统{year}年公开招聘卫生专业技术人员简章", "ldrs", "卫生专业技术人员 招聘", None, 2026, 5, False),
        ("tjsj", "即墨市{prev}年卫生健康事业发展统计公报", "wsty", "卫生统计 公报", None, 2025, 6, False),
    ],
    "czj": [
        ("gfxwj", "关于印发《即墨市市级财政专项资金管理办法》的通知", "czjr", "专项资金 管理", 0, 2024, 0, True),
        ("tz", "关于做好{prev}年度部门决算编报工作的通知", "czjr", "部门决算 编报", 1, (2025, 2026), 1, False),
        ("tz", "关于编制{next}年市级部门预算的通知", "czjr", "部门预算 编制", 1, (2024, 2025), 9, False),
        ("gfxwj", "关于印发《即墨市政府采购内部控制管理办法》的通知", "czjr", "政府采购 内部控制", 0, 2025, 0, True),
        ("czyjs", "即墨市{year}年地方政府债务限额及余额情况", "czjr", "政府债务 限额 余额", None, "all", 2, False),
        ("tjsj", "即墨市{year}年1—{m}月财政收支情况", "czjr", "财政收支 统计", None, (2025, 2026), 0, False),
        ("yj", "关于全面实施预算绩效管理的实施意见", "czjr", "预算绩效 管理", 0, 2024, 0, True),
        ("tz", "关于开展{year}年会计信息质量检查工作的通知", "czjr", "会计信息质量 检查", 1, 2026, 0, False),
    ],
    "rsj": [
        ("tz", "关于做好{year}年高校毕业生就业创业工作的通知", "ldrs", "高校毕业生 就业创业", 0, (2025, 2026), 4, False),
        ("gfxwj", "关于印发《即墨市创业担保贷款实施办法》的通知", "ldrs", "创业担保贷款 贴息", 0, 2025, 0, True),
        ("gg", "关于做好{year}年度城乡居民基本养老保险缴费工作的公告", "ldrs", "城乡居民养老保险 缴费", None, "all", 9, False),
        ("tz", "关于开展{year}年根治欠薪冬季专项行动的通知", "ldrs", "根治欠薪 农民工工资", 1, (2024, 2025), 11, False),
        ("rsxx", "即墨市{year}年事业单位公开招聘工作人员简章", "ldrs", "事业单位 公开招聘", None, "all", 3, False),
        ("rsxx", "即墨市{year}年事业单位公开招聘拟聘用人员公示", "ldrs", "拟聘用人员 公示", None, (2025, 2026), 8, False),
        ("gh", "即墨市技能人才队伍建设三年行动计划（2024—2026年）", "ldrs", "技能人才 行动计划", 0, 2024, 0, True),
        ("tjsj", "即墨市{year}年第{q}季度就业和社会保险主要指标", "ldrs", "就业 社会保险 统计", None, "q", 0, False),
    ],
    "zjj": [
        ("gfxwj", "关于印发《即墨市住宅专项维修资金管理实施细则》的通知", "cxjs", "专项维修资金 住宅", 0, 2024, 0, True),
        ("tz", "关于开展{year}年建筑施工安全生产大检查的通知", "cxjs", "建筑施工 安全生产", 1, (2025, 2026), 0, False),
        ("gh", "即墨市{year}年城镇老旧小区改造计划", "cxjs", "老旧小区 改造计划", 0, "all", 3, False),
        ("tz", "关于做好{year}—{next}年度城区集中供热工作的通知", "cxjs", "集中供热 采暖季", 1, "all", 10, False),
        ("gg", "关于{year}年第{n}批公共租赁住房保障资格审核结果的公示", "cxjs", "公共租赁住房 保障资格", None, (2025, 2026), 0, False),
        ("yj", "关于推进物业服务质量提升的实施意见", "cxjs", "物业服务 质量提升", 0, 2025, 0, True),
        ("tb", "关于{year}年上半年建筑市场执法检查情况的通报", "cxjs", "建筑市场 执法检查", 1, 2024, 7, False),
    ],
    "jtj": [
        ("tz", "关于做好{year}年春运工作的通知", "gyjt", "春运 道路运输", 1, (2024, 2025, 2026), 1, False),
        ("gh", "即墨市“四好农村路”高质量发展实施方案（2025—2027年）", "gyjt", "四好农村路 农村公路", 0, 2025, 0, True),
        ("gg", "关于调整{n}路公交线路走向的公告", "gyjt", "公交线路 调整", None, (2025, 2026), 0, False),
        ("tz", "关于开展道路运输安全生产专项整治的通知", "gyjt", "道路运输 专项整治", 1, 2024, 0, False),
        ("gfxwj", "关于印发《即墨市网络预约出租汽车经营服务管理实施细则》的通知", "gyjt", "网约车 经营服务", 0, 2025, 0, True),
        ("tjsj", "即墨市{year}年1—{m}月交通运输经济运行情况", "gyjt", "交通运输 经济运行", None, 2026, 0, False),
        ("tz", "关于做好{year}年冬季农村公路养护工作的通知", "gyjt", "农村公路 冬季养护", 1, 2025, 11, False),
    ],
    "nyj": [
        ("tz", "关于做好{year}年“三夏”生产工作的通知", "nyls", "三夏 夏收夏种", 1, "all", 5, False),
        ("gfxwj", "关于印发《即墨市农业产业化重点龙头企业认定和运行监测管理办法》的通知", "nyls", "龙头企业 农业产业化", 0, 2025, 0, True),
        ("gh", "即墨市{year}年高标准农田建设实施方案", "nyls", "高标准农田 建设", 0, (2025, 2026), 3, False),
        ("tz", "关于做好{year}年耕地地力保护补贴发放工作的通知", "nyls", "耕地地力保护补贴", 1, (2024, 2026), 4, False),
        ("yj", "关于加快发展设施农业的实施意见", "nyls", "设施农业 现代农业", 0, 2024, 0, True),
        ("gg", "关于{year}年农机购置与应用补贴资金兑付情况的公示", "nyls", "农机购置补贴 兑付", None, 2025, 8, False),
        ("tjsj", "即墨市{year}年夏粮生产情况", "nyls", "夏粮 生产 统计", None, (2025, 2026), 7, False),
    ],
    "wlj": [
        ("tz", "关于做好{year}年“五一”假期文化和旅游市场安全工作的通知", "whgd", "五一假期 旅游市场", 1, (2025, 2026), 4, False),
        ("gh", "即墨市文化和旅游融合发展三年行动方案（2024—2026年）", "smhg", "文旅融合 行动方案", 0, 2024, 0, True),
        ("gfxwj", "关于印发《即墨市A级旅游景区管理办法》的通知", "smhg", "A级旅游景区 管理", 0, 2025, 0, True),
        ("gg", "关于第{n}批即墨市级非物质文化遗产代表性项目名录的公示", "whgd", "非物质文化遗产 名录", None, 2025, 0, False),
        ("tz", "关于举办{year}年即墨古城元宵灯会的通知", "whgd", "元宵灯会 即墨古城", 1, (2025, 2026), 2, False),
        ("tjsj", "{year}年国庆假期全市旅游接待情况", "smhg", "国庆假期 旅游接待", None, (2024, 2025, 2026), 10, False),
        ("tz", "关于开展{year}年“全民阅读”活动的通知", "whgd", "全民阅读", 1, 2024, 4, False),
    ],
    "scj": [
        ("tz", "关于开展{year}年食品安全抽检监测工作的通知", "scjg", "食品安全 抽检监测", 1, (2024, 2025, 2026), 3, False),
        ("gfxwj", "关于印发《即墨市食品小作坊登记管理办法》的通知", "scjg", "食品小作坊 登记", 0, 2024, 0, True),
        ("gg", "关于{year}年第{n}期食品安全监督抽检信息的公告", "scjg", "食品安全 监督抽检", None, (2025, 2026), 0, False),
        ("tz", "关于开展{year}年电梯安全专项检查的通知", "scjg", "电梯安全 特种设备", 1, 2025, 0, False),
        ("gfxwj", "即墨市促进个体工商户高质量发展若干措施", "scjg", "个体工商户 高质量发展", 0, 2026, 0, True),
        ("tjsj", "即墨市{year}年上半年市场主体发展情况", "scjg", "市场主体 统计", None, (2025, 2026), 7, False),
        ("tz", "关于开展{year}年“3·15”国际消费者权益日宣传活动的通知", "scjg", "消费者权益 3·15", 1, 2024, 3, False),
    ],
    "lancun": [
        ("tz", "关于做好{year}年秸秆禁烧和综合利用工作的通知", "nyls", "秸秆禁烧 综合利用", 0, (2025, 2026), 5, False),
        ("gh", "蓝村镇{year}年重点工作任务分解方案", "zhzw", "重点工作 任务分解", 0, (2025, 2026), 2, False),
        ("gg", "蓝村镇{year}年第{q}季度城乡低保对象审批结果公示", "mzfp", "城乡低保 审批结果", None, "q", 0, False),
        ("tz", "关于做好{year}年度城乡居民医疗保险征缴工作的通知", "wsty", "居民医保 征缴", 1, 2025, 10, False),
        ("yj", "关于推进美丽乡村示范村建设的实施意见", "cxjs", "美丽乡村 示范村", 0, 2024, 0, True),
    ],
    "duanbolan": [
        ("tz", "关于做好{year}年防汛工作的通知", "nyls", "防汛 汛期", 0, (2024, 2026), 6, False),
        ("gh", "段泊岚镇农村人居环境整治提升三年行动方案（2024—2026年）", "cxjs", "人居环境 整治提升", 0, 2024, 0, True),
        ("gg", "段泊岚镇{year}年特困人员供养对象公示", "mzfp", "特困人员 供养", None, (2025, 2026), 0, False),
        ("tz", "关于开展{year}年冬春季森林防火工作的通知", "nyls", "森林防火", 1, 2025, 11, False),
        ("yj", "关于加快推进乡村振兴示范片区建设的实施意见", "nyls", "乡村振兴 示范片区", 0, 2025, 0, True),
    ],
    "yifengdian": [
        ("gh", "移风店镇大沽河沿岸生态保护实施方案", "cxjs", "大沽河 生态保护", 0, 2025, 0, True),
        ("tz", "关于做好{year}年蔬菜产业提质增效工作的通知", "nyls", "蔬菜产业 提质增效", 1, (2024, 2026), 3, False),
        ("gg", "移风店镇{year}年困难残疾人生活补贴和重度残疾人护理补贴发放公示", "mzfp", "残疾人两项补贴", None, (2025, 2026), 0, False),
        ("tz", "关于做好{year}年农村饮水安全工作的通知", "nyls", "农村饮水安全", 1, 2025, 5, False),
        ("rsxx", "移风店镇{year}年公开招聘社区工作者拟聘用人员公示", "ldrs", "社区工作者 招聘", None, 2026, 8, False),
    ],
    "tianheng": [
        ("tz", "关于做好{year}年田横祭海节安全保障工作的通知", "smhg", "田横祭海节 安全保障", 0, (2024, 2025, 2026), 3, False),
        ("tz", "关于做好{year}年伏季休渔管理工作的通知", "nyls", "伏季休渔 渔船管理", 1, (2025, 2026), 4, False),
        ("gh", "田横镇海岸带保护与利用实施方案", "cxjs", "海岸带 保护利用", 0, 2025, 0, True),
        ("gg", "田横镇{year}年渔业油价补贴发放情况公示", "nyls", "渔业油价补贴", None, 2025, 0, False),
    ],
    "jinkou": [
        ("tz", "关于做好{year}年海水养殖病害防控工作的通知", "nyls", "海水养殖 病害防控", 1, (2025, 2026), 4, False),
        ("gh", "金口镇{year}年农村道路建设计划", "gyjt", "农村道路 建设", 0, (2024, 2026), 3, False),
        ("gg", "金口镇{year}年度农村危房改造对象公示", "cxjs", "农村危房改造", None, 2025, 0, False),
        ("yj", "关于推进渔港经济区建设的实施意见", "nyls", "渔港经济区", 0, 2025, 0, True),
    ],
}
# fmt: on

# Budget (预算, February), final accounts (决算, August) and the annual disclosure report
# (年度报告, January): (genre, title template, theme, keywords, month, years for departments and
# the portal, years for towns).
RECURRING = [
    ("czyjs", "{issuer}{year}年部门预算", "czjr", "部门预算 三公经费", 2, (2025, 2026), (2026,)),
    ("czyjs", "{issuer}{prev}年部门决算", "czjr", "部门决算 三公经费", 8, (2025, 2026), ()),
    (
        "bg",
        "{issuer}{prev}年政府信息公开工作年度报告",
        "zhzw",
        "政府信息公开 年度报告",
        1,
        (2025, 2026),
        (2026,),
    ),
]

GENRES_WITH_KINDS = {"gfxwj": "办法", "gh": "方案", "yj": "意见"}
SURNAMES = "王李张刘陈杨黄赵周吴徐孙马朱胡郭何林高罗郑梁宋韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = [
    "建华",
    "晓梅",
    "立新",
    "志强",
    "海燕",
    "国庆",
    "春雨",
    "文博",
    "静怡",
    "振东",
    "雪松",
    "明辉",
    "红霞",
    "德胜",
    "秀兰",
    "宏伟",
]

POSTS = [
    "即墨市发展和改革局副局长", "即墨市审计局副局长", "即墨市统计局副局长", "即墨市民政局副局长",
    "即墨市司法局副局长", "即墨市应急管理局副局长", "即墨市自然资源局副局长", "即墨市水务局副局长",
    "即墨市退役军人事务局副局长", "即墨市政务服务管理办公室副主任",
]  # fmt: skip
PURPOSES = [
    "切实做好相关工作，推动各项任务落到实处",
    "进一步规范管理、提升服务水平",
    "保障人民群众生命财产安全，维护社会大局稳定",
    "回应群众关切，推动工作提质增效",
    "落实上级部署，补齐短板弱项",
]
BASES = ["省、青岛市有关部署", "市委、市政府工作安排", "上级主管部门有关要求", "有关法律法规和政策规定"]
ASPECTS = ["工作目标、责任分工和完成时限", "重点任务、保障措施和工作要求", "实施范围、工作步骤和监督检查安排"]


@dataclass
class DocSpec:
    """One catalogue entry, ready to publish."""

    unit: str
    genre: str
    title: str
    theme: str
    keywords: str
    publish_date: date
    written_date: date
    document_number: str = ""
    summary: str = ""
    paragraphs: list = field(default_factory=list)
    interprets: str = ""  # title of the interpreted document (same unit)
    validity: str = "valid"
    repealed_date: date | None = None
    series: int | None = None
    order: int = 0


def _names(rng):
    people = []
    while len(people) < rng.randint(2, 3):
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        if name not in people:
            people.append(name)
    return "、".join(people[:-1]) + "等" if len(people) > 2 else "、".join(people)


def _day_in(rng, year, month):
    if month:
        return date(year, month, rng.randint(3, 26))
    start, end = date(year, 1, 6), date(year, 12, 22)
    return start + timedelta(days=rng.randint(0, (end - start).days))


def _instances(item, rng):
    """(year, publish date, placeholder values) of each instance of an item."""
    _genre, _title, _theme, _kw, _series, years, month, _interpreted = item
    if years == "q":
        slots = [(y, q) for y in (2025, 2026) for q in (1, 2, 3, 4) if date(y, 3 * q, 28) < CUTOFF]
        picked = sorted(rng.sample(slots, 2))
        out = []
        for year, quarter in picked:
            # Published in the first month after the quarter (Q4: January of the next year).
            when = date(year, 3 * quarter, 10) + timedelta(days=rng.randint(25, 45))
            out.append((when.year, when, {"year": year, "q": "一二三四"[quarter - 1]}))
        return [entry for entry in out if entry[1] <= CUTOFF]
    if years == "all":
        years = YEARS
    elif years is None:
        years = (rng.choice(YEARS),)
    elif isinstance(years, int):
        years = (years,)
    out = []
    for year in years:
        when = _day_in(rng, year, month)
        if when > CUTOFF:
            continue
        last_month = max(when.month - 1, 1)
        out.append((year, when, {"year": year, "m": last_month, "n": rng.randint(2, 9)}))
    return out


def _fill(template, year, values, issuer, rng):
    return template.format(
        year=year,
        prev=year - 1,
        next=year + 1,
        q=values.get("q", "一"),
        m=values.get("m", 1),
        n=values.get("n", 3),
        names=_names(rng) if "{names}" in template else "",
        issuer=issuer,
    )


def core_title(title):
    """The document's own name: 《…》 inside a 印发 notice, else the title itself."""
    match = re.search(r"《(.+)》", title)
    return match.group(1) if match else title


def subject_of(title):
    """What a notice is about: the title without 关于 … 的通知/决定/通报/公告."""
    subject = core_title(title)
    subject = re.sub(r"^.{0,12}?关于", "", subject)
    subject = re.sub(r"的(通知|决定|通报|公告|通告|公示|实施意见|实施方案|报告)$", "", subject)
    return subject


KIND_SHORT = {"若干措施": "措施", "实施细则": "细则", "规划纲要": "纲要", "行动计划": "计划", "行动方案": "方案",
              "实施方案": "方案", "工作要点": "要点"}  # fmt: skip


def _kind_of(title, genre):
    """办法, 细则, 方案 … as the document calls itself ("本办法")."""
    core = re.sub(r"（[^（）]*）$", "", core_title(title))
    for kind in ("实施细则", "办法", "细则", "若干措施", "规划纲要", "规划", "行动计划", "计划", "行动方案",
                 "实施方案", "方案", "工作要点", "预案", "意见"):  # fmt: skip
        if core.endswith(kind):
            return kind
    return GENRES_WITH_KINDS.get(genre, "文件")


NUMERALS = "零一二三四五六七八九"
GENERIC_KEYWORDS = {"十五五", "政策解读", "规划纲要"}


def chinese_number(n):
    """1..99 as written in Chinese legal texts: 第三十四条."""
    tens, ones = divmod(n, 10)
    if not tens:
        return NUMERALS[ones]
    return ("" if tens == 1 else NUMERALS[tens]) + "十" + (NUMERALS[ones] if ones else "")


def _topic(keywords):
    words = keywords.split()
    return next((word for word in words if word not in GENERIC_KEYWORDS), words[-1])


def _summary_and_body(spec, unit, rng):
    """Summary (内容概述) and body paragraphs from the genre's sentence templates."""
    # On the portal the 即政发 series is the city government's own, the rest its office's.
    issuer = unit.get("main_issuer", unit["issuer"]) if spec.series == 0 else unit["issuer"]
    title = spec.title
    subject = subject_of(title)
    core = core_title(spec.interprets or title)
    full_kind = _kind_of(title, spec.genre)
    kind = KIND_SHORT.get(full_kind, full_kind)
    area = "镇" if issuer.endswith("镇人民政府") else "市"
    keyword = _topic(spec.keywords)
    purpose = rng.choice(PURPOSES)
    basis = rng.choice(BASES)
    year = spec.publish_date.year
    genre = spec.genre
    if genre == "tz":
        summary = f"{issuer}印发通知，就{subject}作出部署，明确了{rng.choice(ASPECTS)}。"
        body = [
            unit["addressee"],
            f"为{purpose}，根据{basis}，结合{unit['self']}实际，现就{subject}有关事项通知如下。",
            f"一、提高思想认识。各单位要充分认识做好{keyword}工作的重要意义，主要负责同志亲自抓、负总责。"
            "二、突出工作重点。对照任务清单逐项落实，建立工作台账，做到底数清、情况明。"
            f"三、强化督导落实。{issuer}将适时开展督导检查，对工作不力、问题突出的单位予以通报。",
            "请各单位于每月25日前报送工作进展情况，工作中遇到的问题请及时报告。特此通知。",
        ]
    elif genre == "gfxwj":
        chapters, articles = rng.randint(4, 7), rng.randint(22, 38)
        effective = spec.publish_date + timedelta(days=30)
        until = date(effective.year + 5, effective.month, min(effective.day, 28)) - timedelta(days=1)
        starts = f"{effective.year}年{effective.month}月{effective.day}日"
        ends = f"{until.year}年{until.month}月{until.day}日"
        summary = (
            f"《{core}》共{chapters}章{articles}条，对{keyword}的适用范围、职责分工、管理要求和监督措施"
            f"作出规定，自{starts}起施行，有效期至{ends}。"
        )
        body = [
            unit["addressee"],
            f"《{core}》已经{unit['approver']}研究同意，现印发给你们，请认真贯彻执行。",
            f"第一条　为{purpose}，根据有关法律、法规和规章，结合本{area}实际，制定本{kind}。",
            f"第二条　本{kind}适用于本{area}行政区域内{keyword}相关活动及其监督管理。",
            f"第{chinese_number(articles)}条　本{kind}自{starts}起施行，有效期至{ends}。",
        ]
    elif genre == "gh":
        target = max(year + 2, 2027)
        summary = f"《{core}》提出了总体要求、主要目标和重点任务，明确了组织实施和保障措施。"
        body = [
            f"为{purpose}，按照{basis}，制定本{kind}。",
            f"一、总体要求。坚持以人民为中心，统筹发展和安全，突出{keyword}这一重点，推动各项工作提质增效。",
            f"二、主要目标。到{target}年，{keyword}相关工作体系更加完善，服务保障能力和群众满意度明显提升。",
            "三、重点任务。（一）完善工作机制；（二）加大要素保障；（三）推进重点项目；（四）强化监测评估。",
            "四、保障措施。各责任单位要细化实施方案，明确时间表和路线图，确保各项任务按期完成。",
        ]
    elif genre == "yj":
        parts, measures = rng.randint(4, 6), rng.randint(12, 24)
        what = "实施意见" if full_kind == "意见" else full_kind
        summary = f"{issuer}就{subject}提出{what}，从{parts}个方面明确了{measures}项具体措施。"
        body = [
            unit["addressee"],
            f"为{purpose}，经{unit['approver']}研究同意，现就{subject}提出如下{'意见' if full_kind == '意见' else '方案'}。",
            f"一、总体要求。以群众需求为导向，坚持问题导向和目标导向，到{year + 2}年基本形成{keyword}工作新格局。",
            f"二、重点任务。围绕{keyword}，从制度建设、资金保障、服务提升等{parts}个方面推出{measures}项措施。",
            "三、组织保障。各单位要加强组织领导，压实工作责任，及时总结推广经验做法。",
        ]
    elif genre == "jd":
        summary = f"{issuer}作出{subject}的决定。"
        body = [
            unit["addressee"],
            f"根据{basis}，经{unit['approver']}研究，作出{subject}的决定。",
            "希望受到表彰的单位珍惜荣誉、再接再厉；各单位要以先进为榜样，奋力完成全年各项目标任务。"
            if "表彰" in title
            else "本决定自公布之日起施行。决定废止或者修改的文件目录在本市政府网站公开目录同步更新。",
        ]
    elif genre == "tb":
        summary = f"通报了{subject}，对发现的问题提出整改要求。"
        if "检查" in title:
            opening = f"按照{basis}，{issuer}组织开展了检查，共检查{rng.randint(18, 60)}个单位（项目），现将有关情况通报如下。"
        else:
            opening = f"现将{subject}通报如下。"
        body = [
            unit["addressee"],
            opening,
            f"一、总体情况。{keyword}相关工作总体平稳，大部分单位能够按要求落实各项措施。",
            f"二、存在的问题。部分单位仍存在制度落实不到位、整改不彻底等问题，共发现问题{rng.randint(5, 30)}个。",
            "三、下一步要求。有关单位要在15个工作日内完成整改，并将整改情况书面报送。",
        ]
    elif genre == "gg":
        days = rng.choice([5, 7, 10])
        phone = f"0532-885{rng.randint(10000, 99999)}"
        if "公示" in title:
            name = subject.removesuffix("公示").removesuffix("的")
            summary = f"公示{name}，公示期{days}个工作日，接受社会监督。"
            body = [
                f"根据{basis}，经审核，现将{name}予以公示（名单详见附件）。",
                f"公示期为{days}个工作日。对公示内容有异议的，请在公示期内以书面或电话方式向{issuer}反映。",
                f"联系电话：{phone}",
            ]
        else:
            summary = f"就{subject}有关事项予以公告，请社会各界知悉。"
            body = [
                f"根据{basis}，现就{subject}有关事项公告如下。",
                f"一、{keyword}的具体范围、时间和要求详见附件。",
                f"二、本公告自发布之日起施行。对公告内容有疑问的，请向{issuer}咨询。",
                f"联系电话：{phone}",
            ]
    elif genre == "bg":
        if "年度报告" in title:
            summary = (
                f"{core}，报告了主动公开、依申请公开、政府信息管理、复议诉讼及存在的主要问题和改进情况。"
            )
            body = [
                f"本报告依据《中华人民共和国政府信息公开条例》编制，所列数据的统计期限自{year - 1}年1月1日起至"
                f"{year - 1}年12月31日止。",
                f"一、总体情况。{issuer}认真落实{basis}，政府信息公开各项工作有序推进。",
                "二、主动公开、依申请公开和复议诉讼情况详见附表。",
                "三、存在的主要问题及改进情况。工作中还存在信息发布不够及时、解读回应形式不够丰富等问题，下一步将持续改进。",
            ]
        else:
            summary = f"报告了{subject}的主要内容。"
            body = [
                f"受{issuer}委托，现将{subject}报告如下，请予审议。",
                f"一、{year - 1}年预算执行情况。全市一般公共预算收入完成预算的{rng.randint(1000, 1060) / 10:.1f}%。",
                f"二、{year}年预算草案。坚持过紧日子，优先保障基本民生、重点项目和基层运转。",
                "三、完成预算的主要措施。强化收入征管，严格支出管理，全面实施预算绩效管理。",
            ]
    elif genre == "tjsj":
        growth = rng.randint(-30, 95) / 10
        trend = "增长" if growth >= 0 else "下降"
        summary = f"发布{subject}，主要指标运行总体平稳。"
        body = [
            f"{subject}显示，{keyword}主要指标运行总体平稳，主要指标同比{trend}{abs(growth):.1f}%。",
            "分项数据详见附表。本数据为初步统计数，最终数据以统计年鉴为准。",
        ]
    elif genre == "rsxx":
        if "任免" in title:
            summary = f"公布{subject}事项。"
            people = subject.replace("同志职务任免", "").rstrip("等").split("、")
            body = [unit["addressee"], f"经{unit['approver']}研究，决定："]
            for person in people:
                post, old = rng.sample(POSTS, 2)
                body.append(f"任命{person}为{post}，免去其{old}职务；")
            body.append("任职时间自本通知印发之日起计算。")
        elif "公示" in title:
            summary = f"公示{subject.replace('公示', '')}名单，接受社会监督。"
            body = [
                "经笔试、面试、考察和体检，现将拟聘用人员名单予以公示（详见附件），公示期为7个工作日。",
                f"公示期间，对拟聘用人员有异议的，可以书面或电话方式向{issuer}反映。",
            ]
        else:
            name = title.removesuffix("简章")
            summary = f"公布{name}的岗位、条件、程序和时间安排。"
            body = [
                f"根据事业单位公开招聘有关规定，经研究，决定开展{name}工作，现将有关事项公告如下。",
                f"一、招聘岗位和人数：详见岗位计划表，共计{rng.randint(12, 160)}人。",
                "二、报名时间、方式和资格审查要求详见附件。",
            ]
    elif genre == "czyjs":
        if "债务" in title:
            limit = rng.randint(1600, 2400) / 10
            balance = limit - rng.randint(50, 200) / 10
            summary = f"公开{subject}，包括一般债务和专项债务的限额、余额及还本付息情况。"
            body = [
                f"根据预决算公开有关规定，现将{subject}公开如下。",
                f"一、截至{year - 1}年末，全市地方政府债务限额{limit:.1f}亿元，债务余额{balance:.1f}亿元，控制在限额以内。",
                "二、一般债务和专项债务的分类情况、还本付息情况详见附表。",
            ]
        else:
            tables = rng.choice([8, 9, 10])
            summary = f"公开{subject}，包括收支总表、财政拨款收支表、“三公”经费等{tables}张报表及情况说明。"
            body = [
                f"根据《中华人民共和国预算法》和预决算公开有关规定，现将{subject}公开如下。",
                f"一、部门基本情况。{issuer}主要职责、机构设置和人员情况详见附件说明。",
                f"二、收支情况。收入总计{rng.randint(800, 98000) / 10:.1f}万元，支出总计与收入总计持平。",
                f"三、“三公”经费情况。因公出国（境）费0万元，公务接待费{rng.randint(1, 90) / 10:.1f}万元，"
                "比上年有所下降。",
            ]
    else:  # zcjd and anything else
        summary = f"围绕《{core}》出台的背景依据、主要内容和创新举措进行解读，便于群众准确理解和执行。"
        body = [
            f"一、起草背景。为{purpose}，{issuer}在深入调研、广泛征求意见的基础上起草了《{core}》。",
            f"二、主要内容。文件围绕{keyword}，明确了适用范围、职责分工和具体措施。",
            "三、适用对象。本" + area + "行政区域内的有关单位、企业和个人。",
            f"四、解读机关和联系方式。{issuer}，联系电话0532-885{rng.randint(10000, 99999)}。",
        ]
    return summary, body


def expand_documents(labels, seed=SEED):
    """Every catalogue entry of the units in `labels`, in a fixed order.

    Returns {label: [DocSpec …]} sorted by publish date; the 文号 numbers increase with the date
    within each series and year, about twelve documents are repealed or expired, and each
    flagged regulation or plan gets its 政策解读.
    """
    rng = random.Random(seed)
    out = {}
    for label, unit in UNITS.items():
        if label not in labels:
            continue
        is_town = unit["issuer"].endswith("镇人民政府")
        specs = []
        for item in ITEMS.get(label, []):
            genre, template, theme, keywords, series, _years, _month, interpreted = item
            for year, when, values in _instances(item, rng):
                title = _fill(template, year, values, unit["issuer"], rng)
                spec = DocSpec(label, genre, title, theme, keywords, when, when, series=series)
                spec.written_date = when - timedelta(days=rng.randint(0, 9) if series is not None else 0)
                specs.append(spec)
                if interpreted:
                    variants = ["《{}》政策解读", "一图读懂《{}》", "关于《{}》的解读"]
                    if core_title(title).startswith("关于"):
                        variants = variants[:2]
                    variant = rng.choice(variants)
                    later = min(when + timedelta(days=rng.randint(0, 3)), CUTOFF)
                    specs.append(
                        DocSpec(
                            label,
                            "zcjd",
                            variant.format(core_title(title)),
                            theme,
                            f"政策解读 {keywords.split()[0]}",
                            later,
                            later,
                            interprets=title,
                            order=1,
                        )
                    )
        issuer = "即墨市人民政府办公室" if label == "www" else unit["issuer"]
        for genre, template, theme, keywords, month, years, town_years in RECURRING:
            for year in town_years if is_town else years:
                when = date(year, month, rng.randint(5, 27))
                if when > CUTOFF:
                    continue
                title = _fill(template, year, {}, issuer, rng)
                specs.append(DocSpec(label, genre, title, theme, keywords, when, when))
        seen = set()
        unique = []
        for spec in sorted(specs, key=lambda s: (s.publish_date, s.order, s.title)):
            if spec.title not in seen:
                seen.add(spec.title)
                unique.append(spec)
        _number(unique, unit, rng)
        for spec in unique:
            spec.summary, spec.paragraphs = _summary_and_body(spec, unit, rng)
        out[label] = unique
    _retire(out, rng)
    return out


def _number(specs, unit, rng):
    """文号: per series and year, increasing with the date, with realistic gaps."""
    counters = {}
    for spec in specs:
        if spec.series is None:
            continue
        prefix = unit["prefixes"][min(spec.series, len(unit["prefixes"]) - 1)]
        key = (prefix, spec.written_date.year)
        counters[key] = counters.get(key, rng.randint(0, 4)) + rng.randint(1, 5)
        spec.document_number = f"{prefix}〔{key[1]}〕{counters[key]}号"


RETIRED = 12


def _retire(by_unit, rng):
    """About twelve older regulations, plans and notices are repealed or have expired since."""
    candidates = [
        spec
        for label in sorted(by_unit)
        for spec in by_unit[label]
        if spec.genre in ("gfxwj", "gh", "tz", "yj") and spec.publish_date.year <= 2025
    ]
    for spec in rng.sample(candidates, min(RETIRED, len(candidates))):
        year_in_title = re.search(r"(20\d\d)年", spec.title)
        if spec.genre in ("gh", "tz") and year_in_title:
            spec.validity = "expired"
            ends = date(int(year_in_title.group(1)), 12, 31)
        else:
            spec.validity = "repealed" if spec.genre in ("gfxwj", "yj") else "expired"
            ends = spec.publish_date + timedelta(days=rng.randint(240, 600))
        spec.repealed_date = min(max(ends, spec.publish_date + timedelta(days=30)), CUTOFF)


# --- 公开指南 --------------------------------------------------------------------------------------


def guide_text(unit_name, office, self_word):
    """The rich-text sections of a unit's 政府信息公开指南."""
    return {
        "scope": (
            f"<p>本指南适用于{unit_name}主动公开和依申请公开政府信息。{unit_name}在履行行政管理职能过程中"
            "制作或者获取的，以一定形式记录、保存的信息，除依法不予公开的以外，均按本指南公开。</p>"
            "<p>依照《中华人民共和国政府信息公开条例》第十四条、第十五条、第十六条规定不予公开的信息，"
            "不在公开范围之内。</p>"
        ),
        "proactive": (
            f"<p>主动公开的政府信息，通过{unit_name}政府网站“政务公开”栏目集中发布，并按主题分类、"
            "体裁分类编入政府信息公开目录，每条信息均有唯一的索引号。</p>"
            "<p>属于主动公开范围的政府信息，自形成或者变更之日起20个工作日内予以公开；法律、法规对公开期限"
            "另有规定的，从其规定。群众也可以在市档案馆、市图书馆设立的政府信息查阅点查阅。</p>"
        ),
        "on_request": (
            f"<p>公民、法人或者其他组织可以通过网上申请、信函、当面递交等方式向{office}提出申请。"
            "网上申请请在本站“依申请公开”页面填写申请表；以信函方式申请的，请在信封左下角注明“政府信息公开申请”字样。</p>"
            "<p>申请内容不明确的，自收到申请之日起7个工作日内一次性告知申请人补正，答复期限自收到补正的申请之日起计算。"
            "能够当场答复的当场答复；不能当场答复的，自收到申请之日起20个工作日内予以答复；需要延长答复期限的，"
            "经本机关负责人同意并告知申请人，延长的期限最长不超过20个工作日。征求第三方意见所需时间不计算在内。</p>"
        ),
        "fees": (
            "<p>提供政府信息不收取费用。申请人申请公开政府信息的数量、频次明显超过合理范围的，"
            "按照《政府信息公开信息处理费管理办法》收取信息处理费。</p>"
        ),
        "supervision": (
            f"<p>公民、法人或者其他组织认为{unit_name}在政府信息公开工作中侵犯其合法权益的，"
            "可以向即墨市人民政府办公室（市政务公开办）投诉、举报，也可以依法申请行政复议或者提起行政诉讼。</p>"
            f"<p>{self_word}政务公开工作接受社会监督，监督电话：0532-88512345（工作日）。</p>"
        ),
    }


# --- 重点工程 / 为民办实事 -------------------------------------------------------------------------

# (slug, kind, title, responsible unit, investment 万元, target, planned completion,
#  [(reported on, percent, text) …])
KEY_PROJECTS = [
    (
        "zdgc-2026-01",
        "key",
        "即墨古城片区有机更新工程",
        "zjj",
        "86500",
        "实施古城片区街巷改造、管网更新和历史建筑修缮，改造街巷12条，修缮历史建筑38处，完善停车、公厕等配套设施。",
        "2026-12-31",
        [
            ("2026-03-31", 15, "完成施工图设计审查和监理招标，东片区3条街巷开工。"),
            ("2026-06-30", 42, "完成街巷改造7条，历史建筑修缮完成16处，雨污分流管网铺设4.2公里。"),
            ("2026-09-30", 71, "完成街巷改造10条、历史建筑修缮29处，南门停车场主体完工。"),
        ],
    ),
    (
        "zdgc-2026-02",
        "key",
        "大沽河即墨段生态廊道提升工程",
        "nyj",
        "42300",
        "治理河道18.6公里，新建生态护岸和湿地节点6处，建设沿河慢行道22公里。",
        "2026-11-30",
        [
            ("2026-04-15", 20, "完成河道清淤6公里，湿地节点1处开工。"),
            ("2026-07-15", 55, "完成河道清淤14公里，生态护岸完成60%，慢行道贯通9公里。"),
            ("2026-10-31", 92, "河道治理和生态护岸基本完成，慢行道贯通20公里，正在进行绿化提升。"),
        ],
    ),
    (
        "zdgc-2026-03",
        "key",
        "市第二人民医院新院区建设工程",
        "wjj",
        "128000",
        "新建门急诊、医技、住院综合楼及配套用房，总建筑面积12.6万平方米，设置床位800张。",
        "2027-10-31",
        [
            ("2026-03-20", 8, "完成桩基工程，主楼基础开挖。"),
            ("2026-07-10", 30, "住院楼主体结构施工至第9层，门急诊楼主体封顶。"),
            ("2026-10-20", 48, "住院楼主体封顶，医技楼进入二次结构施工。"),
        ],
    ),
    (
        "zdgc-2026-04",
        "key",
        "城区集中供热管网扩容改造工程",
        "zjj",
        "23800",
        "新建、改造供热主管网26公里，新建换热站15座，新增供热面积180万平方米。",
        "2026-11-10",
        [
            ("2026-05-10", 25, "完成主管网改造6公里，换热站设备招标完成。"),
            ("2026-08-31", 68, "完成主管网改造19公里，换热站建成9座。"),
            ("2026-11-10", 100, "全部工程完工，11月10日起按期供热。"),
        ],
    ),
    (
        "wmbss-2026-01",
        "livelihood",
        "新建、改扩建中小学和幼儿园",
        "jyj",
        "36500",
        "新建、改扩建中小学4所、公办幼儿园6所，新增学位7200个，秋季学期投入使用。",
        "2026-08-31",
        [
            ("2026-03-31", 30, "10个项目全部开工，2所幼儿园主体封顶。"),
            ("2026-06-30", 80, "中小学4所主体完工，幼儿园进入室内外装修。"),
            ("2026-08-31", 100, "全部项目竣工验收，秋季学期如期投入使用，新增学位7200个。"),
        ],
    ),
    (
        "wmbss-2026-02",
        "livelihood",
        "老旧小区改造和加装电梯",
        "zjj",
        "18600",
        "改造老旧小区42个、惠及居民1.1万户，既有住宅加装电梯100部。",
        "2026-12-31",
        [
            ("2026-04-30", 22, "42个小区全部完成设计和居民意见征询，已开工28个。"),
            ("2026-07-31", 58, "完工小区19个，加装电梯完成46部。"),
            ("2026-10-31", 83, "完工小区35个，加装电梯完成81部，其余项目正在收尾。"),
        ],
    ),
    (
        "wmbss-2026-03",
        "livelihood",
        "农村公路提档升级",
        "jtj",
        "15200",
        "新建、改造农村公路120公里，完成危桥改造9座，实现具备条件的自然村通硬化路。",
        "2026-11-30",
        [
            ("2026-05-15", 30, "开工里程85公里，完成危桥改造2座。"),
            ("2026-08-15", 66, "完工里程78公里，危桥改造完成6座。"),
            ("2026-11-15", 97, "完工里程116公里，危桥改造全部完成，剩余路段月底前完工。"),
        ],
    ),
    (
        "wmbss-2026-04",
        "livelihood",
        "城乡社区老年食堂建设",
        "www",
        "2600",
        "新建城乡社区老年食堂（助餐点）50处，为80周岁以上老人和困难老人提供助餐服务。",
        "2026-10-31",
        [
            ("2026-04-20", 28, "完成选址50处，建成运营14处。"),
            ("2026-07-20", 70, "建成运营35处，累计助餐服务4.6万人次。"),
            ("2026-10-31", 100, "50处老年食堂全部建成运营，累计助餐服务11.2万人次。"),
        ],
    ),
]

# --- 依申请公开 -----------------------------------------------------------------------------------

# Requests: (unit, applicant kind, description, received "YYYY-MM-DD HH:MM", steps). A step is
# (working days after the previous step, action, argument): the answer's result code, the
# extension's working days, or None. Each request goes as far as its steps say, so the demo has
# requests in every state and every kind of answer, some late, extended, clarified or consulted.
REQUESTS = [
    ("www", "person", "申请公开即墨市2024年城中村改造项目（通济街道）的房屋征收补偿方案及批准文件。",
     "2024-12-16 10:15", [(5, "start_consultation", None), (8, "end_consultation", None), (6, "answer", "partial")]),
    ("czj", "research", "申请公开即墨市2024年政府债务余额及分类构成情况。",
     "2024-12-23 14:30", [(17, "answer", "open")]),
    ("jyj", "person", "申请公开2025年即墨市城区小学学区划分方案及划分依据。",
     "2025-01-06 09:12", [(9, "answer", "open")]),
    ("gaj", "person", "申请公开本人2019年户口迁移的审批材料。",
     "2025-01-20 15:48", [(12, "answer", "refuse_query")]),
    ("zjj", "person", "申请公开某小区住宅专项维修资金的使用审批材料。",
     "2025-02-17 11:05", [(3, "request_clarification", None), (4, "clarify", None), (11, "answer", "partial")]),
    ("jyj", "person", "申请公开2024年教师招聘考试中本人所报岗位的面试评分标准及成绩排名。",
     "2025-02-24 16:20", [(14, "extend", 10), (12, "answer", "partial")]),
    ("wjj", "person", "申请公开某社区卫生服务中心2025年家庭医生签约人数和签约服务包价格。",
     "2025-03-03 08:50", [(14, "answer", "open")]),
    ("www", "commercial", "申请公开即墨市2025年政府投资项目计划中市政道路类项目的名称、投资额和建设单位。",
     "2025-03-12 10:40", [(10, "answer", "open")]),
    ("rsj", "person", "申请公开本人参加2025年事业单位公开招聘的笔试成绩复核结果及复核程序。",
     "2025-03-24 13:30", [(8, "answer", "open")]),
    ("scj", "person", "申请公开对某超市销售过期食品投诉的处理结果及行政处罚决定书。",
     "2025-04-02 19:22", [(6, "answer", "not_handled_petition")]),
    ("gaj", "person", "申请公开2025年城区新增电子警察（闯红灯抓拍）设备的设置地点清单。",
     "2025-04-14 09:35", [(13, "answer", "refuse_safety")]),
    ("jyj", "person", "申请公开某校外培训机构办学许可证核发情况及近两年年检结果。",
     "2025-04-21 14:02", [(4, "start_consultation", None), (9, "end_consultation", None), (7, "answer", "partial")]),
    ("nyj", "person", "申请公开本村2025年耕地地力保护补贴的发放面积和金额明细。",
     "2025-05-12 10:10", [(11, "answer", "open")]),
    ("www", "person", "申请公开即墨市人民政府关于某村集体土地征收的征地批复文件及附图。",
     "2025-05-20 15:16", [(4, "request_clarification", None), (22, "close_unclarified", None)]),
    ("gaj", "legal_service", "申请公开某交通事故认定书所依据的现场勘查笔录和鉴定意见。",
     "2025-06-16 11:27", [(22, "answer", "refuse_enforcement")]),
    ("wjj", "person", "申请公开对某民营医院投诉的调查处理结果。",
     "2025-07-07 09:58", [(9, "answer", "other")]),
    ("nyj", "person", "再次申请公开本村2025年耕地地力保护补贴的发放面积和金额明细。",
     "2025-07-14 08:44", [(5, "answer", "not_handled_repeat")]),
    ("scj", "commercial", "申请公开某食品生产企业的食品生产许可审查记录。",
     "2025-07-21 16:05", [(3, "start_consultation", None), (12, "end_consultation", None), (6, "answer", "refuse_third_party")]),
    ("lancun", "person", "申请公开本村2025年宅基地审批名单及审批依据。",
     "2025-08-04 10:33", [(2, "request_clarification", None), (5, "clarify", None), (14, "answer", "unavailable_unclear")]),
    ("czj", "commercial", "申请公开2025年市级政府采购项目中物业服务类合同的汇总信息。",
     "2025-08-11 14:41", [(16, "answer", "unavailable_create")]),
    ("www", "legal_service", "申请公开市政府常务会议研究城区出租车经营权有偿使用事项的会议纪要及讨论记录。",
     "2025-09-08 09:20", [(18, "answer", "refuse_process")]),
    ("zjj", "person", "申请重新出具2023年本人已领取的公共租赁住房资格审核通知书并加盖公章。",
     "2025-09-15 10:02", [(7, "answer", "not_handled_confirm")]),
    ("jtj", "person", "申请公开网约车平台公司在即墨的经营许可情况。",
     "2025-09-29 16:48", [(12, "answer", "open")]),
    ("jyj", "charity", "申请公开2025年全市学前教育资助资金的分配方案和发放名单（汇总数）。",
     "2025-10-13 11:11", [(13, "answer", "open")]),
    ("nyj", "commercial", "申请公开2025年高标准农田建设项目的招标文件和中标通知书。",
     "2025-10-20 09:47", [(9, "answer", "open")]),
    ("gaj", "person", "申请公开即墨市反恐怖防范重点目标清单及防范措施。",
     "2025-10-27 15:30", [(11, "answer", "refuse_secret")]),
    ("wlj", "person", "申请公开某旅游景区A级评定的评分细则和评定结果。",
     "2025-11-03 10:25", [(8, "answer", "not_handled_publication")]),
    ("czj", "person", "申请公开某村2024年村级转移支付资金的使用明细。",
     "2025-11-17 14:14", [(10, "answer", "unavailable_none")]),
    ("rsj", "commercial", "申请公开2025年创业担保贷款贴息资金的拨付名单（企业名称及金额）。",
     "2025-12-08 09:05", [(16, "extend", 15), (14, "answer", "partial")]),
    ("tianheng", "commercial", "申请公开田横镇2025年渔业油价补贴的发放标准和核定依据。",
     "2025-12-15 13:52", [(23, "answer", "open")]),
    ("gaj", "person", "申请公开某小区周边夜间施工噪音扰民问题的查处结果，并要求立即查处、处罚施工单位。",
     "2026-01-12 20:41", [(7, "answer", "not_handled_petition")]),
    ("scj", "person", "申请公开2025年全市电梯安全专项检查发现问题的整改情况。",
     "2026-02-13 16:40", [(16, "answer", "open")]),
    ("wlj", "commercial", "申请公开即墨古城元宵灯会项目的采购文件和合同金额。",
     "2026-03-02 10:18", [(12, "answer", "open")]),
    ("www", "research", "申请公开2023年至2025年即墨市政府信息公开申请办理情况的分类统计分析报告。",
     "2026-03-09 11:36", [(14, "answer", "unavailable_create")]),
    ("jtj", "person", "申请公开2026年城区公交线路调整的客流调查报告和论证材料。",
     "2026-03-16 09:09", [(17, "answer", "refuse_process")]),
    ("wjj", "commercial", "申请公开2025年市第二人民医院新院区医疗设备采购项目的预算和中标结果。",
     "2026-04-13 14:27", [(10, "answer", "open")]),
    ("czj", "person", "申请公开即墨市财政局机关内部考勤管理和干部年度考核办法。",
     "2026-04-20 10:50", [(9, "answer", "refuse_internal")]),
    ("rsj", "person", "申请公开某建筑工地拖欠农民工工资案件的查处决定书。",
     "2026-05-11 15:03", [(5, "start_consultation", None), (10, "end_consultation", None), (8, "answer", "refuse_third_party")]),
    ("zjj", "person", "申请公开某小区2025年老旧小区改造项目的设计方案和工程量清单。",
     "2026-06-01 09:31", [(12, "answer", "open")]),
    ("yifengdian", "person", "申请公开本村2025年残疾人两项补贴发放名单。",
     "2026-06-15 10:46", [(9, "answer", "partial")]),
    ("jtj", "commercial", "申请公开某农村公路建设项目的施工合同和竣工验收报告。",
     "2026-07-06 13:15", [(17, "extend", 20), (15, "answer", "open")]),
    ("lancun", "person", "申请公开蓝村镇2025年农村人居环境整治项目的资金使用情况。",
     "2026-07-20 08:57", [(2, "request_clarification", None), (3, "withdraw", None)]),
    ("zjj", "other_org", "申请公开本小区物业服务企业近三年信用评价结果。",
     "2026-08-17 17:20", [(3, "withdraw", None)]),
    ("wjj", "person", "申请公开即墨市2026年基本公共卫生服务项目资金的分配和使用情况。",
     "2026-08-24 10:12", [(18, "extend", 10)]),
    ("lancun", "person", "申请公开本村2024年村级财务收支明细和集体资产出租合同。",
     "2026-09-30 16:35", [(12, "answer", "unavailable_none")]),
    ("gaj", "person", "申请公开某派出所对本人报警事项的处理结果及接处警记录。",
     "2026-10-12 09:40", []),
    ("lancun", "person", "申请公开本村2025年农村危房改造对象的评议和审批材料。",
     "2026-10-19 14:22", [(3, "request_clarification", None)]),
    ("jyj", "commercial", "申请公开某中学食堂食材配送服务项目的采购合同。",
     "2026-11-03 11:19", []),
    ("jyj", "commercial", "申请公开某民办幼儿园2026年普惠性幼儿园认定的申报材料和评审意见。",
     "2026-11-05 15:55", [(3, "start_consultation", None)]),
    ("nyj", "person", "申请公开某合作社申报农业产业化龙头企业的申报材料。",
     "2026-11-09 10:37", [(4, "start_consultation", None)]),
    ("zjj", "commercial", "申请公开2026年城区集中供热管网扩容改造工程的施工许可证及竣工验收材料。",
     "2026-11-16 09:26", []),
    ("jinkou", "person", "申请公开金口镇渔港经济区建设项目的规划选址意见。",
     "2026-11-21 21:13", []),
]  # fmt: skip

# Notes of the staff steps and the applicant's replies.
STEP_NOTES = {
    "request_clarification": "您的申请内容不够明确，请一次性补充所需信息的名称、文号、形成时间或者所涉地块、项目等便于查询的特征性描述。",
    "clarify": "补正：所需信息为{year}年度的相关文件，涉及本人居住的村（社区），文号不详，请按项目名称查询。",
    "start_consultation": "申请公开的信息涉及第三方的商业秘密或者个人隐私，已于今日书面征求第三方意见，请第三方自收到之日起15个工作日内提出意见。",
    "end_consultation": "第三方已书面答复意见，恢复计算答复期限。",
    "extend": "申请涉及的材料较多，需调取档案并逐页审查、区分处理，经本机关负责人同意，延长答复期限{days}个工作日。",
    "close_unclarified": "申请人自收到补正告知之日起无正当理由逾期未补正，视为放弃申请，本机关不再处理该政府信息公开申请。",
    "withdraw": "已通过其他途径获取所需信息，申请撤回。",
}
ANSWERS = {
    "open": "经审查，您申请获取的信息属于可以公开的政府信息，根据《中华人民共和国政府信息公开条例》第三十六条第（二）项，现将相关信息提供给您，详见答复书附件。",
    "partial": "经审查，您申请的信息中部分内容涉及第三方个人信息，根据《中华人民共和国政府信息公开条例》第三十七条，对可以区分处理的部分予以公开，涉及个人隐私的内容已作删除处理。",
    "refuse_secret": "经审查，您申请的信息已依法确定为国家秘密，根据《中华人民共和国政府信息公开条例》第十四条，不予公开。",
    "refuse_law": "经审查，您申请的信息属于法律、行政法规禁止公开的政府信息，根据《中华人民共和国政府信息公开条例》第十四条，不予公开。",
    "refuse_safety": "经审查，您申请的信息公开后可能危及公共安全和社会稳定，根据《中华人民共和国政府信息公开条例》第十四条，不予公开。",
    "refuse_third_party": "经书面征求第三方意见，第三方不同意公开，且本机关认为不公开不会对公共利益造成重大影响，根据《中华人民共和国政府信息公开条例》第十五条，不予公开。",
    "refuse_internal": "经审查，您申请的信息属于本机关人事管理、内部工作流程等内部事务信息，根据《中华人民共和国政府信息公开条例》第十六条第一款，不予公开。",
    "refuse_process": "经审查，您申请的信息属于本机关在履行行政管理职能过程中形成的讨论记录、过程稿等过程性信息，根据《中华人民共和国政府信息公开条例》第十六条第二款，不予公开。",
    "refuse_enforcement": "经审查，您申请的信息属于行政执法案卷信息，根据《中华人民共和国政府信息公开条例》第十六条第二款，不予公开；作为当事人，您可依照有关法律规定申请查阅案卷。",
    "refuse_query": "经审查，您申请获取的是本人的户籍档案材料，属于行政查询事项，请携带本人身份证件到户籍所在地派出所按户籍档案查询程序办理。",
    "unavailable_none": "经检索，本机关未制作或者获取您申请的信息，根据《中华人民共和国政府信息公开条例》第三十六条第（四）项，告知您该信息不存在；相关资料由村（居）民委员会保存，建议向其咨询。",
    "unavailable_create": "您申请的信息需要本机关对现有信息进行汇总、加工、分析后另行制作，根据《中华人民共和国政府信息公开条例》第三十八条，本机关不予提供。",
    "unavailable_unclear": "本机关已告知您补正，您补正后的申请内容仍不明确，无法确定所需信息，根据《中华人民共和国政府信息公开条例》第三十六条，本机关无法提供。",
    "not_handled_petition": "您提出的申请实质上是对有关问题的投诉举报，根据《中华人民共和国政府信息公开条例》第三十九条第一款，不作为政府信息公开申请处理，已告知您通过信访、投诉渠道提出。",
    "not_handled_repeat": "您此前已提出内容相同的申请，本机关已依法作出答复，根据《中华人民共和国政府信息公开条例》第三十六条第（六）项，不再重复处理。",
    "not_handled_publication": "您申请的评分细则已在国家标准等公开出版物中刊载，根据《中华人民共和国政府信息公开条例》第三十九条第二款，请自行查阅获取；评定结果已在本局网站主动公开。",
    "not_handled_confirm": "您要求本机关重新出具已获取的审核通知书，根据《中华人民共和国政府信息公开条例》第三十九条第二款，不作为政府信息公开申请处理，请到业务窗口按相关程序办理。",
    "other": "经与您电话沟通，您已通过投诉处理程序获取处理结果，同意本申请不再另行处理，本机关予以办结。",
}  # fmt: skip

# Applicants: invented names; id numbers are in a made-up range, phones in the test range.
APPLICANT_NAMES = [
    "王秀英", "李建国", "张丽娟", "刘志刚", "陈海燕", "杨明", "赵国华", "黄淑芬", "周立伟", "吴晓东",
    "徐春梅", "孙德福", "马玉兰", "朱宏亮", "胡雪", "郭振华", "何静", "林涛", "高凤英", "罗建平",
]  # fmt: skip
ORGANISATION_NAMES = {
    "commercial": ["青岛恒昌建设工程有限公司", "即墨市鑫源食品有限公司", "青岛海川信息技术有限公司"],
    "research": ["青岛某大学公共管理学院课题组", "山东省政府信息公开研究中心"],
    "charity": ["即墨市阳光助学公益服务中心"],
    "legal_service": ["山东明正律师事务所", "青岛信和律师事务所"],
    "other_org": ["某小区业主委员会"],
}
