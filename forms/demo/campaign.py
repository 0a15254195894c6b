"""Demo data for the 建言献策 campaign "我为即墨发展献一策" and a closed online survey.

CAMPAIGN holds the campaign page: title, intro, its window (days before the demo build) and the
published figures (1,100 suggestions received, 460 forwarded to departments and towns).

SUGGESTION_THEMES, SUGGESTION_OPENINGS, SUGGESTION_CLOSINGS and SUGGESTION_TITLES are the parts
from which ``suggestion_texts`` builds the individual suggestions, deterministically, so that every
demo build shows the same 1,100 entries. Each theme names the unit label (home/demo/units.py)
responsible for it.

SURVEY is a closed survey (即墨市政务服务满意度调查); ``survey_answers`` produces its submissions
with skewed, plausible answer distributions.
"""

import random

CAMPAIGN = {
    "title": "我为即墨发展献一策",
    "intro": (
        "为广泛汇聚民智、凝聚民力，推动全市经济社会高质量发展，市政府面向社会公开征集意见建议。"
        "征集内容涵盖产业发展、城市建设、乡村振兴、教育医疗、交通出行、社会保障、文化旅游、营商环境、"
        "生态环境等各个方面，欢迎广大市民、企业、在外即墨籍人士和来即墨创业就业的朋友们踊跃参与，"
        "结合自身工作和生活中的所见所闻所思，提出具体、可行的意见建议。"
        "每条建议请围绕一个主题，尽量写明存在的问题、改进的办法和预期效果。"
        "征集结束后，市政府办公室将对所有建议进行梳理汇总，按职责转交相关部门和镇研究办理，"
        "对有价值的建议予以采纳，并在本网站公布征集和采纳情况。"
    ),
    "start_days_ago": 150,
    "end_days_ago": 60,
    "received": 1100,
    "forwarded": 460,
    "adopted": 87,
    "result": (
        "本次活动共收到意见建议1100条，经梳理汇总，转交市直部门和各镇研究办理460条，"
        "其中87条被有关部门吸收采纳，纳入年度工作计划或相关政策措施。"
    ),
}

# Each fragment completes a sentence such as “建议……” or “一是……”, without final punctuation.
SUGGESTION_THEMES = [
    {
        "topic": "公共交通",
        "unit": "jtj",
        "weight": 7,
        "fragments": [
            "优化城区公交线网，减少绕行和重复线路",
            "在城区与各镇之间开通更多直达公交，缩短候车时间",
            "在公交站台安装电子站牌，实时显示车辆到站信息",
            "早晚高峰加密学校、医院周边线路的发车班次",
            "开通即墨北站至城区的夜间接驳公交",
            "推广公交乘车扫码支付和老年人刷卡免费乘车",
            "为偏远村庄开通预约响应式小公交",
        ],
    },
    {
        "topic": "农村公路",
        "unit": "jtj",
        "weight": 4,
        "fragments": [
            "对破损严重的村内道路实施分批改造",
            "在村庄路口和学校门口增设减速带和警示标志",
            "建立农村公路“路长制”，明确日常养护责任人",
            "加强对超载货车穿村通行的治理",
            "在急弯陡坡路段加装波形护栏",
            "把农村公路沿线绿化与美丽乡村建设结合起来",
        ],
    },
    {
        "topic": "基础教育",
        "unit": "jyj",
        "weight": 7,
        "fragments": [
            "加快新建小区配套学校和幼儿园的建设与移交",
            "推进城乡学校结对帮扶，让农村孩子共享优质教育资源",
            "提前公布义务教育招生片区，给家长留出准备时间",
            "规范课后延时服务，丰富体育、艺术类托管内容",
            "加强学校周边交通疏导，设置家长接送等候区",
            "进一步规范校外培训机构收费和预收费监管",
            "提高乡村教师待遇，稳定农村教师队伍",
        ],
    },
    {
        "topic": "职业教育",
        "unit": "jyj",
        "weight": 3,
        "fragments": [
            "围绕本地服装、机械、物流等产业调整职业学校专业设置",
            "推动职业学校与园区企业共建实训基地",
            "实行订单式培养，让学生毕业即能就业",
            "面向农民和退役军人开设短期技能培训班",
            "邀请企业技术骨干到职业学校兼职授课",
            "加大职业教育宣传，改变重普高、轻职教的观念",
        ],
    },
    {
        "topic": "医疗服务",
        "unit": "wjj",
        "weight": 7,
        "fragments": [
            "扩大市级医院网上预约挂号号源，推行分时段就诊",
            "推动检查检验结果在全市医疗机构互认",
            "加强镇卫生院和村卫生室建设，让常见病在家门口就能看",
            "增加儿科、康复科医生数量，缓解看病排队问题",
            "组织城区医院专家定期到镇卫生院坐诊",
            "在医院增设便民服务中心，为老年人提供陪诊帮办",
            "推广家庭医生签约服务，为慢性病患者提供上门随访",
        ],
    },
    {
        "topic": "养老服务",
        "unit": "wjj",
        "weight": 6,
        "fragments": [
            "在每个镇建设一处综合养老服务中心",
            "推进医养结合，让养老机构与医院建立就医绿色通道",
            "为独居、空巢老人安装紧急呼叫设备并定期探访",
            "在村里办好老年食堂，为高龄老人提供助餐服务",
            "培养专业护理人员，提高养老护理员待遇",
            "对老年人家庭开展适老化改造补贴",
        ],
    },
    {
        "topic": "就业创业",
        "unit": "rsj",
        "weight": 6,
        "fragments": [
            "定期在各镇举办招聘会，把岗位送到家门口",
            "加大创业担保贷款支持力度，简化申请流程",
            "建设返乡创业孵化基地，为大学生和返乡人员提供场地",
            "开展订单式技能培训，提升农村劳动力就业能力",
            "搭建零工市场，方便灵活就业人员找活干",
            "对吸纳就业困难人员的企业落实社保补贴",
        ],
    },
    {
        "topic": "社会保障",
        "unit": "rsj",
        "weight": 5,
        "fragments": [
            "推进社保业务全程网上办、掌上办",
            "在镇便民服务中心增设社保自助服务终端",
            "加强对灵活就业人员参保政策的宣传",
            "简化异地就医备案手续，提高直接结算覆盖面",
            "严厉查处拖欠农民工工资行为，畅通欠薪投诉渠道",
            "提高城乡居民基础养老金水平",
        ],
    },
    {
        "topic": "营商环境",
        "unit": "scj",
        "weight": 6,
        "fragments": [
            "推行企业开办“一窗受理、一次办结”",
            "对小微企业首次轻微违法行为实行包容审慎监管",
            "压缩企业注销办理时限，打通市场主体退出通道",
            "建立企业诉求快速响应机制，做到件件有回音",
            "推广电子营业执照在各类办事场景中的应用",
            "为个体工商户提供免费的政策咨询和代办服务",
        ],
    },
    {
        "topic": "食品安全",
        "unit": "scj",
        "weight": 4,
        "fragments": [
            "在餐饮单位全面推行“明厨亮灶”",
            "加大对学校食堂和校园周边小餐饮的检查频次",
            "在农贸市场设置快检室，向群众公开检测结果",
            "加强对网络订餐平台入网商户的资质审核",
            "对农村集体聚餐开展食品安全指导",
            "畅通食品安全投诉举报渠道，落实有奖举报",
        ],
    },
    {
        "topic": "城市建设",
        "unit": "zjj",
        "weight": 7,
        "fragments": [
            "加快老旧小区改造，同步解决停车、加装电梯等问题",
            "利用城区边角地建设口袋公园和健身场地",
            "推进雨污分流改造，解决低洼路段雨后积水",
            "在新建住宅小区同步规划建设充电桩",
            "规范建筑工地扬尘和夜间施工管理",
            "加强城市供热管网改造，提高冬季供暖质量",
            "完善城区慢行系统，建设连续的自行车道",
        ],
    },
    {
        "topic": "物业管理",
        "unit": "zjj",
        "weight": 4,
        "fragments": [
            "建立物业服务企业信用评价和退出机制",
            "指导更多小区依法成立业主委员会",
            "定期公开物业费和公共收益的收支情况",
            "为无物业的老旧小区引入社区托管式物业服务",
            "简化住宅专项维修资金的申请使用程序",
            "明确物业、社区和执法部门在楼道堆物治理中的职责",
        ],
    },
    {
        "topic": "乡村振兴",
        "unit": "nyj",
        "weight": 6,
        "fragments": [
            "发展壮大村集体经济，盘活闲置土地和房屋",
            "推进高标准农田建设，完善灌溉和机耕道路",
            "培育家庭农场和农民合作社，带动小农户增收",
            "加强农村人居环境整治，建立长效保洁机制",
            "鼓励在外人才返乡参与乡村建设",
            "完善农业社会化服务，推广托管代耕",
        ],
    },
    {
        "topic": "农产品品牌",
        "unit": "nyj",
        "weight": 4,
        "fragments": [
            "统一打造即墨特色农产品区域公用品牌",
            "支持农户通过电商直播销售本地农产品",
            "建设农产品冷链仓储设施，减少产后损耗",
            "推动绿色食品和地理标志农产品认证",
            "组织农产品进机关、进社区、进超市",
            "建立农产品质量追溯体系，让消费者买得放心",
        ],
    },
    {
        "topic": "文化旅游",
        "unit": "wlj",
        "weight": 6,
        "fragments": [
            "深入挖掘即墨古城历史文化，丰富夜间游览项目",
            "串联古城、温泉、海岛等资源，设计精品旅游线路",
            "在节假日开通景区之间的旅游直通车",
            "扶持老酒、花边等非遗项目开发文创产品",
            "完善景区停车、公厕和游客服务中心等设施",
            "发展乡村民宿，推出农事体验和渔家乐项目",
            "加强旅游市场监管，整治强买强卖和价格欺诈",
        ],
    },
    {
        "topic": "全民健身与公共文化",
        "unit": "wlj",
        "weight": 4,
        "fragments": [
            "延长图书馆、文化馆等公共文化场馆开放时间",
            "推动学校体育场地在节假日向社会开放",
            "在村、社区建设更多健身路径和多功能运动场",
            "定期举办群众性体育赛事和文艺汇演",
            "建设城市书房，打造十五分钟阅读圈",
            "送戏下乡、送电影下乡要更多贴近群众口味",
        ],
    },
    {
        "topic": "财政资金使用",
        "unit": "czj",
        "weight": 3,
        "fragments": [
            "及时公开预算决算和民生资金使用情况",
            "优化惠民惠农补贴一卡通发放，方便群众查询明细",
            "加强政府投资项目的绩效评价",
            "压减一般性支出，把更多资金用于民生",
            "对涉农资金实行统筹整合，提高使用效益",
            "加快中小企业政府采购款支付，减轻企业资金压力",
        ],
    },
    {
        "topic": "社会治安",
        "unit": "gaj",
        "weight": 5,
        "fragments": [
            "在背街小巷和农村路口增设监控设施",
            "加大对电信网络诈骗的宣传和防范力度",
            "加强出租房屋登记和群租房治理",
            "夜间在重点区域增加巡逻警力",
            "推进户籍、证件业务“跨省通办”和网上预约",
            "加强校园周边治安管理，保障学生安全",
        ],
    },
    {
        "topic": "交通秩序",
        "unit": "gaj",
        "weight": 4,
        "fragments": [
            "优化城区主要路口信号灯配时，缓解高峰拥堵",
            "规范电动自行车登记上牌，加强骑行安全教育",
            "在学校周边设置临时停车接送区",
            "治理机动车占用人行道和盲道停车",
            "在重点路段增设人行横道和行人过街信号灯",
            "加大对酒驾和超速行为的查处力度",
        ],
    },
    {
        "topic": "物流园区发展",
        "unit": "lancun",
        "weight": 3,
        "fragments": [
            "依托蓝村铁路货场发展多式联运",
            "完善物流园区道路和配套服务设施",
            "吸引冷链物流和快递分拨企业入驻园区",
            "建设农产品集散交易中心，带动周边农民增收",
            "加强物流园区货车停放和交通组织管理",
            "为园区企业职工建设公寓和生活配套设施",
        ],
    },
    {
        "topic": "蔬菜产业",
        "unit": "duanbolan",
        "weight": 3,
        "fragments": [
            "推广蔬菜标准化种植和绿色防控技术",
            "建设产地预冷库和分拣包装中心",
            "打响段泊岚土豆等特色蔬菜品牌",
            "引导蔬菜种植户与商超、学校食堂直接对接",
            "发展设施农业，延长蔬菜上市期",
            "加强农业保险宣传，减少种植户的灾害损失",
        ],
    },
    {
        "topic": "大沽河生态",
        "unit": "yifengdian",
        "weight": 3,
        "fragments": [
            "加强大沽河沿岸生态保护和水质监测",
            "建设沿河绿道和湿地公园，发展生态旅游",
            "严厉打击在河道非法采砂和倾倒垃圾",
            "推广节水灌溉，减少农业面源污染",
            "在沿河村庄推进生活污水集中处理",
            "组织村民开展护河巡河志愿活动",
        ],
    },
    {
        "topic": "滨海旅游与渔业",
        "unit": "tianheng",
        "weight": 3,
        "fragments": [
            "办好田横祭海节，提升民俗文化影响力",
            "改造渔港码头，规范渔船停靠和渔获交易",
            "发展海上观光和休闲海钓项目",
            "扶持渔民转产转业，开办渔家乐和民宿",
            "加强海岸线保护，整治沿海违规养殖",
            "完善滨海旅游公路沿线的停车和观景设施",
        ],
    },
    {
        "topic": "海洋经济",
        "unit": "jinkou",
        "weight": 3,
        "fragments": [
            "发展海水健康养殖和水产品精深加工",
            "建设海产品交易市场和冷链配送中心",
            "加强渔业安全生产培训和渔船安全检查",
            "引进海洋科技企业，推动产学研合作",
            "改善金口镇驻地环境卫生和集市秩序",
            "增加金口至城区的客运班次，方便群众出行",
        ],
    },
]

SUGGESTION_OPENINGS = [
    "我是一名在即墨生活了二十多年的普通市民，关于{topic}，想提几点建议：",
    "看到政府开展“我为即墨发展献一策”活动，我很受鼓舞。结合身边的情况，就{topic}谈谈想法：",
    "作为一名在即墨工作的外地人，我对{topic}有些切身体会，建议：",
    "我是一名村干部，平时和群众打交道多，大家对{topic}意见比较集中，建议：",
    "我在企业上班，经常听同事们议论{topic}方面的事情，汇总几条建议：",
    "我是一名退休教师，一直关注{topic}工作，提出以下建议：",
    "近年来我市{topic}工作有了很大进步，但还有提升空间，建议：",
    "我是一名在外工作的即墨人，每次回家都能感受到家乡的变化。关于{topic}，我有几点想法：",
    "我是个体经营户，结合自己的经历，就{topic}提几条建议：",
    "我是一名大学生，假期在家做了些了解，就{topic}提出建议：",
    "关于{topic}，我和邻居们商量了一下，大家的建议是：",
    "针对{topic}中群众反映较多的问题，建议：",
]

SUGGESTION_CLOSINGS = [
    "以上建议仅供参考，希望能为即墨发展尽一份力。",
    "希望有关部门能够研究采纳。",
    "这些想法不一定成熟，恳请领导批评指正。",
    "相信只要真抓实干，即墨一定会越来越好。",
    "盼望早日看到变化，谢谢！",
    "希望这次征集活动能常态化开展，让群众有更多说话的地方。",
    "如需了解具体情况，我愿意配合调研。",
    "",
]

SUGGESTION_TITLES = [
    "关于{topic}的建议",
    "对{topic}工作的几点建议",
    "关于{topic}的几点想法",
    "{topic}方面的一条建议",
    "对{topic}的意见和建议",
    "建议{short}",
]

_ORDINALS = ["一是", "二是", "三是"]


def _title(rng, topic, fragment):
    """A subject line: a topic pattern, or “建议…” with the fragment's first clause if that is short."""
    pattern = rng.choice(SUGGESTION_TITLES)
    head = fragment.split("，")[0]
    if "{short}" in pattern and len(head) > 20:
        pattern = SUGGESTION_TITLES[0]
    return pattern.format(topic=topic, short=head)


def suggestion_texts(n=1100, seed=2026):
    """Return n (unit_label, title, text) tuples, the same ones every time for the same seed."""
    rng = random.Random(seed)
    weights = [theme["weight"] for theme in SUGGESTION_THEMES]
    result = []
    seen = set()
    while len(result) < n:
        theme = rng.choices(SUGGESTION_THEMES, weights=weights)[0]
        topic = theme["topic"]
        count = rng.choices([1, 2, 3], weights=[3, 5, 3])[0]
        picked = rng.sample(theme["fragments"], count)
        if count == 1:
            body = f"{picked[0]}。"
        else:
            body = "；".join(f"{_ORDINALS[i]}{fragment}" for i, fragment in enumerate(picked)) + "。"
        opening = rng.choice(SUGGESTION_OPENINGS).format(topic=topic)
        closing = rng.choice(SUGGESTION_CLOSINGS)
        text = opening + body + closing
        if text in seen:
            continue
        seen.add(text)
        title = _title(rng, topic, picked[0])
        result.append((theme["unit"], title, text))
    return result


SURVEY = {
    "title": "即墨市政务服务满意度调查",
    "intro": (
        "为了解群众和企业对我市政务服务工作的评价，查找服务中存在的短板，进一步提升办事效率和服务质量，"
        "市政务服务管理办公室开展本次网上问卷调查。问卷匿名填写，约需两分钟，调查结果仅用于改进工作。"
        "感谢您的参与！"
    ),
    "start_days_ago": 100,
    "end_days_ago": 70,
    "thank_you": "问卷已提交，感谢您对我市政务服务工作的支持！",
    "fields": [
        {
            "label": "您的身份",
            "type": "radio",
            "choices": ["城区居民", "农村居民", "企业经营管理人员", "个体工商户", "在校学生", "其他"],
        },
        {
            "label": "近一年您通过哪些渠道办理过政务服务事项",
            "type": "checkbox",
            "choices": [
                "市政务服务中心窗口",
                "镇便民服务中心",
                "村（社区）代办点",
                "政务服务网站",
                "手机客户端或小程序",
                "12345政务服务热线",
            ],
        },
        {
            "label": "您办理的事项主要涉及哪个领域",
            "type": "dropdown",
            "choices": [
                "户籍和证件",
                "社保和医保",
                "不动产登记",
                "企业开办和经营许可",
                "住房公积金",
                "教育入学",
                "农业补贴",
                "其他",
            ],
        },
        {
            "label": "您对办事效率和服务态度的总体评价",
            "type": "radio",
            "choices": ["非常满意", "满意", "基本满意", "不满意", "非常不满意"],
        },
        {
            "label": "您认为最需要改进的方面（可多选）",
            "type": "checkbox",
            "choices": [
                "提交材料过多",
                "跑腿次数多",
                "窗口排队时间长",
                "网上办事不够便捷",
                "工作人员解释不清楚",
                "政策宣传解读不够",
            ],
        },
        {
            "label": "您是否愿意向亲友推荐网上办事",
            "type": "radio",
            "choices": ["愿意", "视情况而定", "不愿意"],
        },
    ],
}

# Channel probabilities by respondent group: how likely each of the six channels is ticked.
_CHANNEL_ODDS = {
    "城区居民": [0.55, 0.10, 0.15, 0.35, 0.60, 0.25],
    "农村居民": [0.25, 0.65, 0.45, 0.10, 0.25, 0.15],
    "企业经营管理人员": [0.60, 0.10, 0.05, 0.65, 0.55, 0.20],
    "个体工商户": [0.50, 0.40, 0.10, 0.30, 0.45, 0.20],
    "在校学生": [0.25, 0.10, 0.10, 0.30, 0.75, 0.10],
    "其他": [0.40, 0.30, 0.20, 0.25, 0.40, 0.20],
}
_MATTER_WEIGHTS = {
    "城区居民": [20, 25, 15, 3, 15, 15, 1, 6],
    "农村居民": [15, 30, 6, 2, 3, 8, 30, 6],
    "企业经营管理人员": [5, 15, 10, 55, 8, 2, 1, 4],
    "个体工商户": [8, 15, 6, 50, 4, 5, 4, 8],
    "在校学生": [45, 20, 2, 3, 2, 15, 1, 12],
    "其他": [20, 20, 10, 10, 10, 10, 10, 10],
}
_IMPROVE_ODDS = [0.42, 0.36, 0.30, 0.33, 0.14, 0.27]


def survey_answers(n=640, seed=2025):
    """Return n submissions of SURVEY as dicts of field label → answer (a list for checkboxes)."""
    rng = random.Random(seed)
    identity_field, channel_field, matter_field, rating_field, improve_field, recommend_field = (
        field["label"] for field in SURVEY["fields"]
    )
    identities = SURVEY["fields"][0]["choices"]
    channels = SURVEY["fields"][1]["choices"]
    matters = SURVEY["fields"][2]["choices"]
    ratings = SURVEY["fields"][3]["choices"]
    improvements = SURVEY["fields"][4]["choices"]
    answers = []
    for _ in range(n):
        identity = rng.choices(identities, weights=[38, 30, 11, 10, 6, 5])[0]
        ticked = [c for c, p in zip(channels, _CHANNEL_ODDS[identity], strict=True) if rng.random() < p]
        if not ticked:
            ticked = [rng.choice(channels)]
        online = any(c in ticked for c in channels[3:5])
        rating_weights = [34, 38, 19, 6, 3] if online else [26, 37, 24, 9, 4]
        rating = rng.choices(ratings, weights=rating_weights)[0]
        unhappy = ratings.index(rating) >= 3
        improve = [
            c
            for c, p in zip(improvements, _IMPROVE_ODDS, strict=True)
            if rng.random() < p * (1.6 if unhappy else 1)
        ]
        if not improve:
            improve = [rng.choices(improvements, weights=_IMPROVE_ODDS)[0]]
        if unhappy:
            recommend = rng.choices(["愿意", "视情况而定", "不愿意"], weights=[15, 45, 40])[0]
        elif online:
            recommend = rng.choices(["愿意", "视情况而定", "不愿意"], weights=[72, 24, 4])[0]
        else:
            recommend = rng.choices(["愿意", "视情况而定", "不愿意"], weights=[48, 42, 10])[0]
        answers.append(
            {
                identity_field: identity,
                channel_field: ticked,
                matter_field: rng.choices(matters, weights=_MATTER_WEIGHTS[identity])[0],
                rating_field: rating,
                improve_field: improve,
                recommend_field: recommend,
            }
        )
    return answers
