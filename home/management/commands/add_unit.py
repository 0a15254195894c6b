from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from home.models import Organisation
from home.services import UnitSpec, ensure_unit


class Command(BaseCommand):
    help = "新增（或更新）站群中的一个单位：机构、站点域名、首页与标准栏目、用户组与权限、图片文档库。"

    def add_arguments(self, parser):
        parser.add_argument("label", help="站点标识（域名前缀），如 jyj")
        parser.add_argument("--name", required=True, help="机构全称，如 即墨市教育局")
        parser.add_argument("--short-name", required=True, help="简称，如 教育局")
        parser.add_argument("--code", required=True, help="机构代码（用于索引号）")
        parser.add_argument(
            "--kind",
            default=Organisation.Kind.DEPARTMENT,
            choices=[kind.value for kind in Organisation.Kind],
            help="单位类型",
        )
        parser.add_argument("--site-title", default="", help="网站名称，默认由机构名称生成")
        parser.add_argument("--phone", default="")
        parser.add_argument("--address", default="")
        parser.add_argument("--email", default="")

    def handle(self, *args, **options):
        spec = UnitSpec(
            label=options["label"],
            kind=options["kind"],
            name=options["name"],
            short_name=options["short_name"],
            code=options["code"],
            site_title=options["site_title"],
            phone=options["phone"],
            address=options["address"],
            email=options["email"],
        )
        try:
            organisation = ensure_unit(spec)
        except ValidationError as error:
            labels = {field.name: field.verbose_name for field in Organisation._meta.fields}
            messages = [
                f"{labels.get(field, field)}：{'；'.join(errs)}" for field, errs in error.message_dict.items()
            ]
            raise CommandError("；".join(messages)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"已就绪：{organisation.name}  {organisation.root_url}/  "
                f"用户组：{organisation.editor_group.name}、{organisation.reviewer_group.name}"
            )
        )
