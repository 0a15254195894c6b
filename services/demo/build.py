"""Demo 网上办事: a 办事指南 column with complete guides on every department's and town's site,
blank forms and result samples as documents, the portal's hall, and applications in every state.

Applications are driven through `services.workflow` step by step with the clock set back to when
each step would have happened (working days, office hours), so receipt numbers, deadlines,
history and on-time flags are what the workflow itself produces. Everything is keyed — guides by
slug, documents by title, applications by their submission token — so a second run adds nothing.
Units missing from the group (the tests' small group has three) are skipped; applications meant
for them go to another unit's item instead, so every state is still shown.
"""

import random
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from django.utils.html import escape
from wagtail.documents import get_document_model
from wagtail.models import ReferenceIndex
from wagtail.signal_handlers import disable_reference_index_auto_update

from home import uploads
from home.demo.clock import frozen_clock
from home.identifiers import resident_id_check_digit
from home.models import Organisation
from home.workdays import add_workdays, is_workday
from services import workflow
from services.demo import items as data
from services.demo.forms import blank_form, form_fields, pdf
from services.models import (
    Application,
    ApplicationEvent,
    ApplicationMaterial,
    LifeEvent,
    ServiceFee,
    ServiceHallPage,
    ServiceItemPage,
    ServiceMaterial,
    ServiceTheme,
)
from subsite_pages.models import ColumnPage

TOKEN = "demo-application-{}"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"

# 事项类型 → the two digits that open the basic code, as in the national catalogue.
TYPE_NUMBERS = {
    "licensing": "01",
    "payment": "05",
    "confirmation": "07",
    "reward": "08",
    "ruling": "09",
    "other_power": "10",
    "public_service": "20",
}
TOWN_GROUP = 300  # town items share their basic codes; implementation codes differ per town
HANDLING_FORMS = {
    "full": "网上办理、窗口办理",
    "once": "网上办理、窗口办理、快递申请",
    "booking": "网上预约、窗口办理",
    "offline": "窗口办理",
}
HALL_INTRO = (
    "<p>网上办事大厅汇集即墨市各部门、各镇依法实施的政务服务事项，可按主题、人生事件、部门查找办事指南，"
    "在线申请、查询办理进度和评价。</p>"
    "<p>办事指南由各部门在本单位网站发布和维护，大厅实时汇总，内容以各部门发布的为准。</p>"
)


# --- Codes ----------------------------------------------------------------------------------------

USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100-2015: no I, O, S, V, Z
USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
ORG_CODE_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]
REGION = "370282"


# GB 11643 check character of a citizen ID number (home.identifiers has the one implementation).
id_check = resident_id_check_digit


def citizen_id(birth, sequence):
    body = f"{REGION}{birth:%Y%m%d}{sequence:03d}"
    return body + id_check(body)


def org_code(body8):
    """GB 11714 organisation code: eight characters and their check character."""
    total = sum(
        (int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(body8, ORG_CODE_WEIGHTS, strict=True)
    )
    check = 11 - total % 11
    return body8 + {10: "X", 11: "0"}.get(check, str(check))


def uscc(body17):
    """GB 32100-2015 unified social credit code: seventeen characters and their check character."""
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(body17, USCC_WEIGHTS, strict=True))
    return body17 + USCC_CHARS[(31 - total % 31) % 31]


def unit_code(organisation):
    """Government bodies' codes start 11 (机关); the organisation part comes from the unit code."""
    digits = int("".join(c for c in organisation.code if c.isdigit()) or 0)
    return uscc(f"11{REGION}{org_code(f'{digits % 10**8:08d}')}")


def sequences():
    """key → (code group, sequence number) so that codes do not depend on which units exist."""
    numbers, counter = {}, Counter()
    for item in data.ITEMS:
        counter[item["unit"]] += 1
        numbers[item["key"]] = counter[item["unit"]]
    for position, item in enumerate(data.TOWN_ITEMS, start=1):
        numbers[item["key"]] = position
    return numbers


# --- Guides ---------------------------------------------------------------------------------------


def _paragraphs(lines):
    return "".join(f"<p>{escape(line)}</p>" for line in lines)


def _steps(lines):
    return "<ol>" + "".join(f"<li>{escape(line)}</li>" for line in lines) + "</ol>"


def default_procedure(spec):
    online = spec.get("online", True)
    depth = spec["depth"]
    if depth == "booking":
        first = "网上预约：在网上办事大厅提交申请材料并预约办理时间，或直接到窗口取号。"
    elif online:
        first = "申请：登录即墨市政务网“网上办事”，选择本事项在线填写并上传材料，提交后获得受理编号；也可到窗口提交。"
    else:
        first = "申请：携带申请材料到办理地点窗口提交。"
    steps = [
        first,
        "预审：窗口在1个工作日内完成预审；材料不齐全或不符合法定形式的，一次性告知需要补正的全部内容。",
        "受理：材料齐全、符合法定形式的予以受理，承诺办结时限自受理之日起计算。",
        "审查与决定：承办岗位审核，需要现场核查的提前与申请人约定时间；审批岗位作出决定，不予准予的书面说明理由。",
    ]
    if depth == "booking":
        steps.insert(1, "现场核验：按预约时间携带材料原件到窗口核验，需现场采集照片、指纹等信息的一并办理。")
    if spec["type"] == "payment":
        steps.append("发放：经审核符合条件的，资金发放至申请人社会保障卡或本人银行账户，并告知审核结果。")
    elif depth == "full":
        steps.append(f"办结送达：{spec['result']}推送至电子证照库，可在网上下载，也可选择免费邮寄。")
    else:
        steps.append(f"办结送达：凭受理编号到窗口领取{spec['result']}，或选择免费邮寄送达。")
    return steps


def service_column(organisation):
    """The unit's 办事指南 column (created on first use)."""
    home = organisation.site.root_page
    column = ColumnPage.objects.child_of(home).filter(slug="bszn").first()
    if column is None:
        column = ColumnPage(
            title="办事指南",
            slug="bszn",
            kind=ColumnPage.Kind.SERVICE,
            show_in_menus=True,
            intro=f"{organisation.name}依法实施的政务服务事项办事指南，可在线查看、下载表格和申请办理。",
        )
        home.add_child(instance=column)
        column.save_revision().publish()
    return column


def _document(organisation, title, filename, content):
    Document = get_document_model()
    document = Document.objects.filter(collection=organisation.collection, title=title).first()
    if document is None:
        document = Document(title=title, collection=organisation.collection)
        document.file.save(filename, ContentFile(content), save=False)
        document.save()
    return document


def _materials(organisation, spec, legal_person):
    rows = []
    for order, material in enumerate(spec["materials"]):
        row = ServiceMaterial(
            name=material["name"],
            required=material["required"],
            form=material["form"],
            copies=material["copies"],
            notes=material["notes"],
            sort_order=order,
        )
        if material["blank"]:
            fields = form_fields(spec["title"], legal_person, material["fields"])
            stem = f"{organisation.label}-{spec['key']}-{order + 1}"
            row.blank_form = _document(
                organisation,
                f"{spec['title']}：{material['name']}（空白表格）",
                f"{stem}-blank.xlsx",
                blank_form(material["name"], organisation.name, fields),
            )
            if material["sample"]:
                row.sample = _document(
                    organisation,
                    f"{spec['title']}：{material['name']}（填写示例）",
                    f"{stem}-sample.xlsx",
                    blank_form(material["name"], organisation.name, fields, example=True),
                )
        rows.append(row)
    return rows


def _result_sample(organisation, spec):
    lines = [
        "证（文）号：（样本）",
        "持证人（申请人）：××××",
        f"事项名称：{spec['title']}",
        f"发证（决定）机关：{organisation.name}",
        "有效期限：按有关规定执行",
        "发证日期：    年  月  日",
        "本样本仅供申请人了解办理结果的样式，不作为任何证明使用。",
    ]
    return _document(
        organisation,
        f"{spec['title']}：{spec['result']}（样本）",
        f"{organisation.label}-{spec['key']}-result-sample.pdf",
        pdf(spec["result"], lines, stamp="样 本"),
    )


def _place(organisation, spec):
    town = spec.get("town")
    if town:
        location = f"{organisation.short_name}便民服务中心一楼综合受理窗口（{town['address']}）"
        return location, data.TOWN_OFFICE_HOURS, town["consult"], town["complaint"]
    unit = data.UNITS[spec["unit"]]
    return spec.get("location", unit["location"]), data.OFFICE_HOURS, unit["consult"], unit["complaint"]


def publish_item(organisation, column, spec, number, themes, events):
    legal_person = spec["audience"] == "legal_person"
    group = (
        TOWN_GROUP
        if spec.get("town")
        else int("".join(c for c in organisation.code if c.isdigit()) or 0) % 1000
    )
    basic_code = f"{TYPE_NUMBERS[spec['type']]}{group:04d}{number:03d}000"
    location, hours, consult, complaint = _place(organisation, spec)
    fees = spec.get("fees", [])
    item = ServiceItemPage(
        title=spec["title"],
        slug=spec["key"],
        basic_code=basic_code,
        implementation_code=f"{unit_code(organisation)}{basic_code}",
        item_type=spec["type"],
        organisation=organisation,
        for_individuals=spec["audience"] in ("individual", "both"),
        for_legal_persons=spec["audience"] in ("legal_person", "both"),
        legal_basis=_paragraphs(spec["basis"]),
        conditions=_paragraphs(spec["conditions"]),
        procedure=_steps(spec.get("procedure") or default_procedure(spec)),
        handling_form=HANDLING_FORMS[spec["depth"]] if spec.get("online", True) else "窗口办理",
        legal_days=spec["legal_days"],
        promised_days=spec["promised_days"],
        charged=bool(fees),
        location=location,
        office_hours=hours,
        consult_phone=consult,
        complaint_phone=complaint,
        result_name=spec["result"],
        result_sample=_result_sample(organisation, spec) if spec.get("sample") else None,
        online_depth=spec["depth"],
        accepts_online=spec.get("online", True),
    )
    item.materials = _materials(organisation, spec, legal_person)
    item.fees = [
        ServiceFee(name=name, standard=standard, basis=basis, sort_order=order)
        for order, (name, standard, basis) in enumerate(fees)
    ]
    column.add_child(instance=item)
    item.themes.set([themes[slug] for slug in spec["themes"] if slug in themes])
    item.life_events.set([events[slug] for slug in spec["events"] if slug in events])
    item.save_revision().publish()
    return item


def _documents_of(item):
    documents = [item.result_sample]
    for material in item.materials.all():
        documents += [material.blank_form, material.sample]
    return [document for document in documents if document is not None]


def ensure_items():
    """Publish every guide whose unit exists; returns (created, skipped for a missing unit)."""
    units = {o.label: o for o in Organisation.objects.select_related("site__root_page", "collection")}
    themes = {theme.slug: theme for theme in ServiceTheme.objects.all()}
    events = {event.slug: event for event in LifeEvent.objects.all()}
    numbers = sequences()
    columns, existing = {}, {}
    created = skipped = 0
    for label, spec in data.all_items():
        organisation = units.get(label)
        if organisation is None or organisation.site is None:
            skipped += 1
            continue
        if label not in columns:
            columns[label] = column = service_column(organisation)
            existing[label] = set(ServiceItemPage.objects.child_of(column).values_list("slug", flat=True))
        column = columns[label]
        if spec["key"] in existing[label]:
            continue
        # The reference index (“where is this document used”) is written once per guide at the
        # end instead of after each of the page's and documents' dozen saves.
        with transaction.atomic(), disable_reference_index_auto_update():
            item = publish_item(organisation, column, spec, numbers[spec["key"]], themes, events)
            for document in _documents_of(item):
                ReferenceIndex.create_or_update_for_object(document)
            ReferenceIndex.create_or_update_for_object(item)
        created += 1
    return created, skipped


def ensure_hall():
    """The portal's 网上办事大厅 under its 网上办事 column; 1 if it was created now."""
    if ServiceHallPage.objects.exists():
        return 0
    portal = Organisation.objects.filter(kind=Organisation.Kind.PORTAL).select_related("site").first()
    column = portal and ColumnPage.objects.child_of(portal.site.root_page).filter(slug="wsbs").first()
    if column is None:
        return 0
    hall = ServiceHallPage(title="网上办事大厅", slug="bsdt", intro=HALL_INTRO)
    column.add_child(instance=hall)
    hall.save_revision().publish()
    return 1


# --- Applicants -----------------------------------------------------------------------------------

# (name, sex, birth date); an ID's sequence number is odd for men and even for women.
PEOPLE = [
    ("刘晓梅", "F", date(1988, 5, 6)),
    ("王建国", "M", date(1971, 3, 18)),
    ("孙丽娜", "F", date(1990, 11, 2)),
    ("张志强", "M", date(1985, 7, 23)),
    ("于海燕", "F", date(1979, 1, 30)),
    ("李明轩", "M", date(1996, 9, 12)),
    ("周秀兰", "F", date(1942, 4, 8)),
    ("姜德福", "M", date(1953, 12, 1)),
    ("黄晓东", "M", date(1992, 6, 17)),
    ("高玉芬", "F", date(1966, 8, 25)),
    ("蓝天宇", "M", date(1999, 2, 14)),
    ("赵春燕", "F", date(1983, 10, 9)),
    ("孙立新", "M", date(1975, 5, 27)),
    ("吕晓静", "F", date(1994, 12, 19)),
    ("宋建华", "M", date(1968, 3, 3)),
    ("崔文娟", "F", date(1987, 7, 7)),
    ("杨振东", "M", date(1981, 4, 21)),
    ("杜美玲", "F", date(1997, 1, 11)),
    ("邵国庆", "M", date(1959, 10, 1)),
    ("韩雪", "F", date(2001, 3, 29)),
    ("范志刚", "M", date(1977, 11, 16)),
    ("毛春华", "F", date(1962, 6, 6)),
    ("隋永强", "M", date(1989, 8, 8)),
    ("曲晓慧", "F", date(1993, 5, 15)),
    ("栾文博", "M", date(1986, 2, 2)),
    ("袁丽君", "F", date(1974, 9, 28)),
    ("江涛", "M", date(1991, 12, 24)),
    ("郝淑珍", "F", date(1945, 1, 20)),
    ("刘桂英", "F", date(1940, 7, 14)),
    ("王振山", "M", date(1938, 2, 26)),
]
# Who applies for what, by birth year: parents of pupils and babies, job seekers, pensioners…
AGE_GROUPS = {
    "elder": (1900, 1946),
    "senior": (1950, 1966),
    "parent": (1984, 1996),
    "worker": (1975, 2002),
    "adult": (1955, 2000),
}
# Items whose applicants are not who their life events suggest.
AGE_BY_ITEM = {
    "gljtsq": "elder",  # 高龄津贴: 80 or over; a son or daughter is the contact
    "cxjmylcb": "worker",  # 参保登记: contributors are of working age
}

# (name, contact person, registration authority and kind of the credit code, what they apply for:
# item keys or themes). 9x: market regulator (1 company, 2 个体工商户, 3 农民专业合作社);
# 12: 事业单位; 51: 社会团体.
COMPANIES = [
    ("即墨市恒润食品有限公司", "张立军", "91", ("spjyxk", "shichang")),
    ("青岛鑫源达物流有限公司", "刘晓燕", "91", ("dlhyxk", "dlyszpf", "cxysxk", "wyczcysz", "jiaotong")),
    ("即墨市汇丰建设工程有限公司", "王海滨", "91", ("slsgxk", "jzljhz", "xfys")),
    ("即墨市金穗农资有限公司", "孙德胜", "91", ("nyjyxk", "syjyxk", "njgzbt")),
    ("青岛蓝海渔业有限公司", "于成海", "91", ("yycbdj", "yybzxk")),
    ("即墨市乐活文化传媒有限公司", "黄雅琴", "91", ("yyxycsp", "ylcsxk", "swfwcssl", "wenlv")),
    ("青岛安康大药房连锁有限公司即墨店", "崔立华", "91", ("yplsxk", "elylqxba")),
    ("即墨市华信财务咨询有限公司", "高文静", "91", ("dljzzg",)),
    ("青岛德隆人力资源有限公司", "杨帆", "91", ("lwpqxk", "jiuye")),
    ("即墨市宏达电梯安装有限公司", "范玉明", "91", ("tzsbsydj",)),
    ("青岛古城置业有限公司", "邵志远", "91", ("spfysxk", "sgxkz", "jgysba", "wbjskz", "zhufang")),
    ("即墨市百味居餐饮管理有限公司", "吕春燕", "91", ("spjyxk", "yxgsdj")),
    ("即墨市悦来宾馆有限公司", "毛海军", "91", ("ggcswsxk",)),
    ("即墨市康宁诊所", "江文华", "92", ("zsba",)),
    ("即墨市顺达汽车维修服务部", "赵顺达", "92", ("jdcwxba",)),
    ("即墨市阳光教育咨询有限公司", "姜丽萍", "91", ("mbyeysl",)),
    ("即墨市第二实验小学", "王红梅", "12", ("yxjspx", "jiaoyu")),
    ("即墨市慈善总会", "林秀芳", "51", ("czpjlg",)),
    ("青岛智联信息技术有限公司", "周浩", "91", ("zfcgts",)),
    ("即墨市鑫茂贸易有限公司", "隋建军", "91", ("qyjyzx", "qiye")),
    ("即墨市华纺服装有限公司", "袁春梅", "91", ("gsrd", "tsgssp")),
    ("即墨市丰源生猪养殖专业合作社", "孙永胜", "93", ("dwfytj", "nongye")),
    ("青岛海纳精密机械有限公司", "栾志国", "91", ("szzlj",)),
]
PHONE_PREFIXES = [
    "139",
    "138",
    "135",
    "137",
    "150",
    "151",
    "152",
    "158",
    "159",
    "182",
    "187",
    "188",
    "133",
    "153",
]


def person(position):
    """(name, ID number) of PEOPLE[position]; the same person always has the same number."""
    name, sex, birth = PEOPLE[position]
    sequence = 100 + position * 74 % 898 + (1 if sex == "M" else 0)  # odd for men, even for women
    return name, citizen_id(birth, sequence)


def company_code(position):
    """A code as issued since 2015 (organisation part “MA…” for companies), stable per company."""
    prefix = COMPANIES[position][2]
    rng = random.Random(f"company-{position}")
    body = ("MA" if prefix.startswith("9") else "MB") + "".join(rng.choice(USCC_CHARS) for _ in range(6))
    return uscc(f"{prefix}{REGION}{org_code(body)}")


def phone(index):
    rng = random.Random(f"phone-{index}")
    return rng.choice(PHONE_PREFIXES) + f"{rng.randint(0, 99_999_999):08d}"


def _age_group(slug, events, themes):
    if slug in AGE_BY_ITEM:
        return AGE_BY_ITEM[slug]
    if events & {"shangxue", "shengyu"}:
        return "parent"
    if events & {"tuixiu", "yanglao"}:
        return "senior"
    if "jiuye" in events or "jiuye" in themes:
        return "worker"
    return "adult"


def _pick(candidates, n):
    return candidates[n % len(candidates)]


def applicant(item, n):
    """Applicant fields of submit_application for the n-th demo application, fitting the item."""
    events = set(item.life_events.values_list("slug", flat=True))
    themes = set(item.themes.values_list("slug", flat=True))
    if item.for_legal_persons and (not item.for_individuals or n % 3 == 0):
        positions = range(len(COMPANIES))
        candidates = [i for i in positions if item.slug in COMPANIES[i][3]] or [
            i for i in positions if themes & set(COMPANIES[i][3])
        ]
        position = _pick(candidates or list(positions), n)
        name, contact_name, _prefix, _tags = COMPANIES[position]
        return {
            "applicant_type": Application.ApplicantType.LEGAL_PERSON,
            "applicant_name": name,
            "id_number": company_code(position),
            "contact_name": contact_name,
            "phone": phone(n),
            "email": f"office{n:03d}@example.com" if n % 2 else "",
        }
    group = _age_group(item.slug, events, themes)
    low, high = AGE_GROUPS[group]
    position = _pick([i for i, p in enumerate(PEOPLE) if low <= p[2].year <= high], n)
    name, id_number = person(position)
    fields = {
        "applicant_type": Application.ApplicantType.INDIVIDUAL,
        "applicant_name": name,
        "id_number": id_number,
        "phone": phone(n),
        "email": f"jimo{n:03d}@example.com" if n % 4 == 0 else "",
    }
    if group == "elder":
        fields["contact_name"] = person(
            _pick([i for i, p in enumerate(PEOPLE) if 1960 <= p[2].year <= 1975], n)
        )[0]
    return fields


# --- Applications ---------------------------------------------------------------------------------


@dataclass
class Spec:
    item: str  # "unit label:item key"
    state: str
    days: int = 0  # submitted this many days ago …
    hours: int = 0  # … or this many hours ago
    supplemented: bool = False  # one round of 补正 before acceptance
    two_step: bool = False  # 审核岗 then 审批岗
    overdue: bool = False  # in review past the step's committed date
    approved: bool = True
    late: bool = False
    rating: int | None = None
    comment: str = ""
    reason: str = ""
    notes: str = ""


S = Application.State
APPLICATIONS = [
    # 已办结: on time, late, approved and denied, rated or not.
    Spec(
        "jyj:xxxsrxdj",
        S.CLOSED,
        days=82,
        rating=5,
        comment="网上提交材料后第二天就受理了，还有短信提醒，全程没跑腿。",
    ),
    Spec("gaj:csdj", S.CLOSED, days=46, rating=5, comment="孩子出生后在网上就把户口报上了，非常方便。"),
    Spec("rsj:syjsl", S.CLOSED, days=38, rating=4, comment="办理顺利，希望到账时间能在页面上提示。"),
    Spec("scj:gtgshdj", S.CLOSED, days=31, rating=5, notes="拟在蓝村镇经营小吃店。"),
    Spec(
        "scj:spjyxk",
        S.CLOSED,
        days=57,
        two_step=True,
        rating=4,
        comment="现场核查的工作人员很专业，指出的问题也很中肯。",
    ),
    Spec(
        "wjj:ggcswsxk",
        S.CLOSED,
        days=71,
        two_step=True,
        supplemented=True,
        rating=3,
        comment="补正告知如果能一次说得更具体些就更好了。",
    ),
    Spec("rsj:cxjmylcb", S.CLOSED, days=26),
    Spec("gaj:wfzjlzm", S.CLOSED, days=15, rating=5, comment="当天就出了证明，手机上就能下载。"),
    Spec(
        "lancun:gljtsq",
        S.CLOSED,
        days=41,
        rating=5,
        comment="孩子帮我在网上申请的，村里网格员还上门核对了信息。",
        notes="由子女代为网上申请。",
    ),
    Spec("jtj:dlhyxk", S.CLOSED, days=50, rating=4),
    Spec("zjj:sgxkz", S.CLOSED, days=36, two_step=True),
    Spec(
        "nyj:nyjyxk",
        S.CLOSED,
        days=92,
        two_step=True,
        late=True,
        rating=2,
        comment="比承诺时间晚了好几天才办完，中间也没人告知进度。",
    ),
    Spec("wlj:ylcsxk", S.CLOSED, days=104, late=True, rating=1, comment="超期很久，多次打电话询问才有答复。"),
    Spec("rsj:gsrd", S.CLOSED, days=121, late=True, two_step=True),
    Spec(
        "tianheng:dbshqr",
        S.CLOSED,
        days=76,
        approved=False,
        rating=3,
        comment="虽然没批，但工作人员把原因讲得很清楚。",
    ),
    Spec("wjj:zsba", S.CLOSED, days=66, approved=False),
    Spec("czj:kjzgbm", S.CLOSED, days=20, rating=5),
    # 已决定待办结
    Spec("jyj:jszgrd", S.DECIDED, days=24, two_step=True),
    Spec("czj:dljzzg", S.DECIDED, days=4),
    Spec("duanbolan:lsjz", S.DECIDED, days=5, approved=False),
    Spec("scj:tzsbsydj", S.DECIDED, days=3),
    # 审查中, some past the step's committed date
    Spec("zjj:spfysxk", S.IN_REVIEW, days=5, two_step=True),
    Spec("jtj:czcjsyzg", S.IN_REVIEW, days=3),
    Spec("nyj:yybzxk", S.IN_REVIEW, days=14, overdue=True),
    Spec("wjj:yszyzc", S.IN_REVIEW, days=2),
    Spec("rsj:lwpqxk", S.IN_REVIEW, days=19, two_step=True, overdue=True),
    Spec("yifengdian:zjdsp", S.IN_REVIEW, days=6, notes="原住房为危房，申请在本村东片新建住宅。"),
    Spec("scj:yplsxk", S.IN_REVIEW, days=25, overdue=True),
    # 已受理
    Spec("jyj:ywjyzx", S.ACCEPTED, days=2, notes="因父母工作调动，申请从莱西转入即墨。"),
    Spec("gaj:jzzhf", S.ACCEPTED, days=3),
    Spec("jinkou:cjrlxbt", S.ACCEPTED, days=4),
    Spec("wlj:fycccr", S.ACCEPTED, days=5),
    # 待预审: new, one waiting past its pre-check date, one back from 补正
    Spec("gaj:hkqydj", S.SUBMITTED, hours=3, notes="在城区购房，申请本人及子女迁入。"),
    Spec("scj:yxgsdj", S.SUBMITTED, hours=20),
    Spec("rsj:jycyz", S.SUBMITTED, days=6),
    Spec("lancun:tkryqr", S.SUBMITTED, days=4, supplemented=True),
    Spec("jtj:wyczcysz", S.SUBMITTED, hours=1),
    # 待补正
    Spec("jyj:gzgjzxj", S.SUPPLEMENT, days=3),
    Spec("zjj:gzfzg", S.SUPPLEMENT, days=2),
    Spec("nyj:dwfytj", S.SUPPLEMENT, days=5),
    # 不予受理
    Spec(
        "jyj:xxxsrxdj",
        S.REJECTED,
        days=30,
        reason="经核查，儿童及其父母户籍均不在即墨市，且未取得即墨市居住证，不符合本事项受理条件。请取得居住证后重新申请，或向户籍所在地教育部门申请。",
    ),
    Spec(
        "czj:zfcgts",
        S.REJECTED,
        days=40,
        reason="投诉提出时间已超过质疑答复期满后十五个工作日，根据《政府采购质疑和投诉办法》的规定，不予受理。",
    ),
    Spec(
        "rsj:ycxcybt",
        S.REJECTED,
        days=17,
        reason="经核查，申请人创办的个体工商户自登记注册之日起正常经营未满1年，暂不符合申请条件，请满1年后再申请。",
    ),
    # 已撤回
    Spec("scj:spxzfdj", S.WITHDRAWN, days=10, reason="填写的生产加工品种有误，撤回后重新申请。"),
    Spec(
        "jtj:jdcwxba",
        S.WITHDRAWN,
        days=18,
        supplemented=True,
        reason="维修场地租赁合同正在续签，暂时无法提供，先撤回申请。",
    ),
    Spec("gaj:pthzqf", S.WITHDRAWN, days=7, reason="出行计划取消，撤回申请。"),
]

SUPPLEMENT_UNCLEAR = "经预审，您上传的“{m}”扫描件不清晰，关键信息无法辨认，请重新上传清晰、完整的彩色扫描件。其他材料无需重复提交。"
SUPPLEMENT_UNSIGNED = "经预审，“{m}”缺少申请人签字（盖章），请签字（盖章）后重新上传。其他材料无需重复提交。"
SUPPLEMENT_EXPIRED = "经预审，您上传的“{m}”已超过有效期，请上传有效期内的证件。其他材料无需重复提交。"
REJECTION_REASON = "经核查，申请人已于今年办理过同一事项并已办结，根据规定不得重复申请。"
DENIAL_NOTES = {
    "licensing": "经现场核查，申请人的场所、设施条件与申请材料不符，不符合本事项规定的许可条件，决定不予许可。申请人整改后可重新申请。",
    "other_power": "经现场核查，申请人的场所、人员条件与备案材料不符，不符合规定的条件，不予办理。申请人整改后可重新申请。",
    "payment": "经入户调查和家庭经济状况核对，申请人家庭人均收入高于规定标准，不符合给付条件，决定不予给付。",
}
DENIAL_NOTE = "经审查，申请人提交的证明材料不能证明其符合规定的条件，决定不予准予。"
APPROVAL_NOTES = {
    "licensing": "经审查，申请材料齐全，符合法定条件、标准，准予许可。",
    "payment": "经审核，申请人符合条件，同意给付。",
    "confirmation": "经审核，符合规定条件，予以确认。",
}
APPROVAL_NOTE = "经审查，申请材料齐全，符合规定条件，准予办理。"
REMEDY = "如不服本决定，可以自收到决定之日起六十日内申请行政复议，或者在六个月内依法提起行政诉讼。"
WITHDRAW_NOTES = ["联系电话填写有误，撤回后重新申请。", "经咨询窗口，暂不符合申请条件，先撤回申请。"]


def _clock(moment):
    """Run workflow steps as if at `moment`; the rows they write get that time too."""
    return frozen_clock(moment, (ApplicationEvent, "created_at"), (ApplicationMaterial, "uploaded_at"))


def _at(day, hour, minute):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _workday(start, offset):
    """`offset` working days after `start`; 0 means `start` itself, or the next working day."""
    if offset == 0:
        return start if is_workday(start) else add_workdays(start, 1)
    return add_workdays(start, offset)


def _precheck(moment, rng):
    """The window looks at a submission within the working day: the same day if it came in on a
    working morning, else the next working morning."""
    local = timezone.localtime(moment)
    if is_workday(local.date()) and 8 <= local.hour < 14:
        return moment + timedelta(minutes=rng.randint(40, 150))
    return _at(add_workdays(local.date(), 1), rng.randint(8, 10), rng.randint(30, 59))


@dataclass
class Step:
    action: str
    at: datetime
    params: dict = field(default_factory=dict)


def plan(spec, submitted, promised_days, rng):
    """The steps of one application after its submission at `submitted`, with their times."""
    steps = [Step("submit", submitted)]
    state = spec.state
    if state == S.SUBMITTED and not spec.supplemented:
        return steps
    if state == S.WITHDRAWN and not spec.supplemented:
        return [*steps, Step("withdraw", submitted + timedelta(minutes=rng.randint(30, 200)))]
    precheck = _precheck(submitted, rng)
    if spec.supplemented or state == S.SUPPLEMENT:
        steps.append(Step("request_supplement", precheck))
        if state == S.SUPPLEMENT:
            return steps
        later = timezone.localtime(precheck).date() + timedelta(days=rng.randint(1, 2))
        if state == S.WITHDRAWN:
            return [*steps, Step("withdraw", _at(later, rng.randint(19, 21), rng.randint(0, 59)))]
        resubmitted = _at(later, rng.randint(19, 22), rng.randint(0, 59))
        steps.append(Step("resubmit", resubmitted))
        if state == S.SUBMITTED:
            return steps
        precheck = _precheck(resubmitted, rng)
    if state == S.REJECTED:
        return [*steps, Step("reject", precheck)]
    steps.append(Step("accept", precheck))
    if state == S.ACCEPTED:
        return steps
    accepted = timezone.localtime(precheck).date()
    p = promised_days
    first_route = precheck + timedelta(minutes=rng.randint(20, 90))
    last_offset = 0
    final_due_days = 2 if spec.overdue else None
    if spec.two_step:
        steps.append(
            Step("route", first_route, {"to": "editor", "post": "审核岗", "due_days": max(1, p // 2)})
        )
        last_offset = p // 2
        second = max(_at(_workday(accepted, last_offset), 14, rng.randint(0, 50)), first_route)
        steps.append(Step("route", second, {"to": "admin", "post": "审批岗", "due_days": final_due_days}))
    else:
        steps.append(
            Step("route", first_route, {"to": "admin", "post": "审批岗", "due_days": final_due_days})
        )
    if state == S.IN_REVIEW:
        return steps
    if spec.late:
        decide_offset = p + 1 + rng.randint(0, 3)
    elif state == S.DECIDED:  # decided lately, waiting to be closed: still within the promise
        decide_offset = max(last_offset, min(p - 1, last_offset + 1))
    else:
        decide_offset = max(last_offset, min(p - 1, round(p * rng.uniform(0.3, 0.8))))
    steps.append(
        Step(
            "approve" if spec.approved else "deny",
            _at(_workday(accepted, decide_offset), 15, rng.randint(0, 50)),
        )
    )
    if state == S.DECIDED:
        return steps
    close_offset = decide_offset + (rng.randint(1, 2) if spec.late else 1)
    if not spec.late:
        close_offset = min(close_offset, p)
    closed = _at(_workday(accepted, close_offset), rng.randint(9, 16), rng.randint(0, 59))
    steps.append(Step("close", closed))
    if spec.rating:
        rated = _at(
            timezone.localtime(closed).date() + timedelta(days=rng.randint(0, 2)), 20, rng.randint(0, 59)
        )
        steps.append(Step("rate", rated))
    return steps


def _ordered(steps, rng):
    """Each step at least a few minutes after the one before it."""
    for before, step in zip(steps, steps[1:], strict=False):
        step.at = max(step.at, before.at + timedelta(minutes=rng.randint(5, 25)))
    return steps


def _route_due(application, step):
    route_day = timezone.localtime(step.at).date()
    due = application.promised_due
    if step.params["due_days"]:
        due = min(due, add_workdays(route_day, step.params["due_days"]))
    return due


def _fits(spec, steps, promised_days, now):
    """Every step in the past; an overdue review's step date already behind us."""
    if steps[-1].at > now - timedelta(minutes=10):
        return False
    if spec.overdue:
        accept = next(step for step in steps if step.action == "accept")
        promised_due = add_workdays(timezone.localtime(accept.at).date(), promised_days)
        last_route = [step for step in steps if step.action == "route"][-1]
        due = min(promised_due, add_workdays(timezone.localtime(last_route.at).date(), 2))
        return due < timezone.localdate(now)
    return True


def schedule(spec, n, promised_days, now):
    """The steps, moved back a week at a time until they all lie in the past."""
    local_now = timezone.localtime(now)
    rng = random.Random(f"{n}-time")
    if spec.days:
        submitted = _at(local_now.date() - timedelta(days=spec.days), rng.randint(8, 21), rng.randint(0, 59))
    else:
        submitted = now - timedelta(hours=spec.hours, minutes=rng.randint(0, 40))
    for _attempt in range(30):
        steps = _ordered(plan(spec, submitted, promised_days, random.Random(n)), random.Random(n))
        if _fits(spec, steps, promised_days, now):
            return steps
        submitted -= timedelta(days=7)
    raise RuntimeError(f"演示办件 {n} 的时间无法安排。")


def _upload(name, title, lines):
    return uploads.check_uploads(
        [SimpleUploadedFile(name, pdf(title, lines), content_type="application/pdf")]
    )


def _materials_for(item, fields, n, only=None):
    files = {}
    for position, material in enumerate(item.materials.all()):
        if only is not None and material.pk != only:
            continue
        if only is not None or material.required or (n + position) % 2 == 0:
            suffix = "（补正）" if only is not None else ""
            files[material.pk] = _upload(
                f"{material.name}{suffix}.pdf",
                material.name,
                [
                    f"申请人：{fields['applicant_name']}",
                    f"申请事项：{item.title}",
                    "（演示用材料，非真实证件）",
                ],
            )
    return files


def _local_date(moment):
    local = timezone.localtime(moment)
    return f"{local.year}年{local.month}月{local.day}日"


def _result_pdf(application, approved, moment, note):
    item = application.item
    title = item.result_name if approved else "不予准予决定书"
    lines = [
        f"受理编号：{application.receipt_number}",
        f"申请人：{application.applicant_name}",
        f"申请事项：{item.title}",
        note,
        application.organisation.name,
        _local_date(moment),
    ]
    return ContentFile(pdf(title, lines), name="result.pdf")


def _supplement(item, rng):
    """The slot a 补正 asks for again, and the 一次性告知 text that fits it."""
    materials = list(item.materials.all())
    proofs = [m for m in materials if m.required and m.blank_form_id is None]
    forms = [m for m in materials if m.required and m.blank_form_id is not None]
    if forms and (not proofs or rng.random() < 0.4):
        material = forms[0]
        return material, SUPPLEMENT_UNSIGNED.format(m=material.name)
    material = proofs[0] if proofs else materials[0]
    expiring = material.name.endswith(("证", "证书", "执照"))  # licences and ID cards expire
    template = SUPPLEMENT_EXPIRED if expiring and rng.random() < 0.5 else SUPPLEMENT_UNCLEAR
    return material, template.format(m=material.name)


def _closing_note(item, application, rng):
    if not application.approved:
        return "不予准予决定书已送达申请人，并告知其依法申请行政复议或者提起行政诉讼的权利。"
    if item.item_type == ServiceItemPage.ItemType.PAYMENT:
        return "审核结果已告知申请人，资金按规定发放至申请人社会保障卡或本人银行账户。"
    if item.online_depth == ServiceItemPage.OnlineDepth.FULL:
        return f"“{item.result_name}”已推送至申请人的网上办事账户，可在线查看和下载。"
    return f"“{item.result_name}”已制作完成，{rng.choice(['申请人已到窗口领取', '已按申请人选择免费邮寄送达'])}。"


def drive(application, spec, steps, n, staff):
    """Take a submitted application through the remaining planned steps, each at its own time."""
    editor, admin = staff
    item = application.item.specific
    rng = random.Random(f"{n}-text")
    supplement_slot, supplement_note = _supplement(item, rng)
    for step in steps[1:]:
        action = step.action
        with _clock(step.at):
            if action == "request_supplement":
                application = workflow.perform(application, action, editor, note=supplement_note)
            elif action == "resubmit":
                files = _materials_for(
                    item, {"applicant_name": application.applicant_name}, n, supplement_slot.pk
                )
                application = workflow.applicant_action(
                    application, action, note="已按补正告知重新上传材料。", files_by_slot=files
                )
            elif action == "withdraw":
                note = spec.reason or rng.choice(WITHDRAW_NOTES)
                application = workflow.applicant_action(application, action, note=note)
            elif action == "reject":
                note = spec.reason or REJECTION_REASON
                application = workflow.perform(application, action, editor, note=note)
            elif action == "accept":
                note = "申请材料齐全，符合法定形式，予以受理。"
                application = workflow.perform(application, action, editor, note=note)
            elif action == "route":
                reviewing = step.params["post"] == "审核岗"
                note = (
                    "请审核申请材料，必要时现场核查。"
                    if reviewing
                    else "经审核，材料真实有效，符合条件，拟同意，请审批。"
                )
                application = workflow.perform(
                    application,
                    action,
                    editor,
                    note=note,
                    assignee=editor if step.params["to"] == "editor" else admin,
                    post=step.params["post"],
                    due=_route_due(application, step),
                )
            elif action in ("approve", "deny"):
                approved = action == "approve"
                if approved:
                    note = APPROVAL_NOTES.get(item.item_type, APPROVAL_NOTE)
                else:
                    note = DENIAL_NOTES.get(item.item_type, DENIAL_NOTE) + REMEDY
                result = _result_pdf(application, approved, step.at, note)
                application = workflow.perform(application, action, admin, note=note, result_file=result)
            elif action == "close":
                note = _closing_note(item, application, rng)
                application = workflow.perform(application, action, editor, note=note)
            elif action == "rate":
                application = workflow.applicant_action(
                    application, action, note=spec.comment, rating=spec.rating
                )
    return application


def _application_items():
    """{"label:key": item} of items open for applications whose unit has window staff."""
    User = get_user_model()
    usernames = set(User.objects.values_list("username", flat=True))
    found = {}
    for item in (
        ServiceItemPage.objects.live()
        .filter(accepts_online=True)
        .select_related("organisation")
        .order_by("organisation__sort_order", "path")
    ):
        label = item.organisation.label
        if {f"{label}_editor", f"{label}_admin"} <= usernames:
            found[f"{label}:{item.slug}"] = item
    return found


def ensure_applications():
    available = _application_items()
    if not available:
        return 0
    pool = list(available.values())
    User = get_user_model()
    now = timezone.now()
    created = 0
    for n, spec in enumerate(APPLICATIONS, start=1):
        token = TOKEN.format(n)
        if Application.objects.filter(submission_token=token).exists():
            continue
        item = available.get(spec.item)
        if item is None:  # its unit is not in this group: another unit's item, without the texts
            item, spec = pool[n % len(pool)], replace(spec, notes="", reason="")
        label = item.organisation.label
        staff = (User.objects.get(username=f"{label}_editor"), User.objects.get(username=f"{label}_admin"))
        steps = schedule(spec, n, item.promised_days, now)
        fields = applicant(item, n)
        with transaction.atomic():
            with _clock(steps[0].at):
                application = workflow.submit_application(
                    item,
                    token=token,
                    notes=spec.notes,
                    files_by_slot=_materials_for(item, fields, n),
                    ip=f"10.20.{n // 250}.{n % 250 + 1}",
                    submitted_at=steps[0].at,
                    **fields,
                )
            drive(application, spec, steps, n, staff)
        created += 1
    return created


def build_service_demo(say=lambda message: None):
    """Everything above, idempotent; returns how many guides, halls and applications it added."""
    workflow.ensure_role_groups()
    with override_settings(EMAIL_BACKEND=LOCMEM):
        halls = ensure_hall()
        created, skipped = ensure_items()
        applications = ensure_applications()
    total = ServiceItemPage.objects.live().count()
    missing = f"，{skipped} 项因所属单位不存在未建立" if skipped else ""
    say(
        f"  网上办事：办事指南 {total} 项（本次新增 {created} 项{missing}），"
        f"演示办件 {Application.objects.filter(submission_token__startswith='demo-application-').count()} 件"
        f"（本次新增 {applications} 件）。\n"
    )
    return created + halls + applications
