"""Service guides and applications for tests, through the same code paths as the admin and the hall."""

from django.core.files.uploadedfile import SimpleUploadedFile

from home import uploads
from home.models import Organisation
from services import workflow
from services.models import (
    LifeEvent,
    ServiceFee,
    ServiceHallPage,
    ServiceItemPage,
    ServiceMaterial,
    ServiceTheme,
)
from subsite_pages.models import ColumnPage

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"

GUIDE = {
    "item_type": ServiceItemPage.ItemType.PUBLIC_SERVICE,
    "legal_basis": "<p>《山东省义务教育条例》第十二条。</p>",
    "conditions": "<p>适龄儿童的法定监护人，户籍或居住证在即墨市。</p>",
    "procedure": "<p>网上申请—窗口预审—受理—审核—办结。</p>",
    "handling_form": "网上办理、窗口办理",
    "legal_days": 20,
    "promised_days": 5,
    "location": "即墨市政务服务中心二楼教育窗口",
    "office_hours": "工作日 9:00-12:00，13:30-17:00",
    "consult_phone": "0532-88512345",
    "complaint_phone": "0532-88512300",
    "result_name": "入学通知书",
    "online_depth": ServiceItemPage.OnlineDepth.FULL,
}


def services_column(organisation):
    """The unit's 办事指南 column (created on first use)."""
    home = organisation.site.root_page
    column = ColumnPage.objects.child_of(home).filter(slug="bszn").first()
    if column is None:
        column = ColumnPage(title="办事指南", slug="bszn", kind=ColumnPage.Kind.SERVICE)
        home.add_child(instance=column)
        column.save_revision().publish()
    return column


def add_item(
    label="jyj",
    title="小学一年级新生入学登记",
    slug=None,
    themes=("jiaoyu",),
    events=("shangxue",),
    materials=(("户口簿或居住证", True), ("儿童出生医学证明", True), ("房产证明", False)),
    **fields,
):
    organisation = Organisation.objects.get(label=label)
    values = {**GUIDE, **fields}
    item = ServiceItemPage(
        title=title,
        slug=slug or f"item-{ServiceItemPage.objects.count() + 1}",
        basic_code=values.pop("basic_code", f"370282-{ServiceItemPage.objects.count() + 1:04d}"),
        organisation=organisation,
        **values,
    )
    item.materials = [
        ServiceMaterial(name=name, required=required, sort_order=order)
        for order, (name, required) in enumerate(materials)
    ]
    if item.charged:
        item.fees = [ServiceFee(name="工本费", standard="每证 10 元", basis="鲁价费发〔2018〕10号")]
    services_column(organisation).add_child(instance=item)
    item.themes.set(ServiceTheme.objects.filter(slug__in=themes))
    item.life_events.set(LifeEvent.objects.filter(slug__in=events))
    item.save_revision().publish()
    return ServiceItemPage.objects.get(pk=item.pk)


def ensure_hall():
    hall = ServiceHallPage.objects.first()
    if hall is None:
        portal = Organisation.objects.get(label="www")
        column = ColumnPage.objects.child_of(portal.site.root_page).get(slug="wsbs")
        hall = ServiceHallPage(title="网上办事大厅", slug="bsdt")
        column.add_child(instance=hall)
        hall.save_revision().publish()
    return hall


def pdf(name="材料.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


_counter = {"n": 0}


def apply(item, files=None, **overrides):
    """Submit an application as the hall would; every required slot gets a PDF unless given."""
    _counter["n"] += 1
    if files is None:
        files = {m.pk: [pdf(f"{m.name}.pdf")] for m in item.materials.all() if m.required}
    files_by_slot = {pk: uploads.check_uploads(group) for pk, group in files.items()}
    fields = {
        "applicant_type": "individual",
        "applicant_name": "刘晓梅",
        "id_number": "370282198805061226",
        "phone": "13953256789",
        "ip": "10.0.0.2",
    }
    fields.update(overrides)
    return workflow.submit_application(
        item, token=f"svc-token-{_counter['n']}-{item.pk}", files_by_slot=files_by_slot, **fields
    )
