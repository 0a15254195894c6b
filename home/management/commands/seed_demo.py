from django.core.management.base import BaseCommand

from home.demo.build import DEMO_PASSWORD, build_demo, demo_accounts, portal_url


class Command(BaseCommand):
    help = "建立即墨市政务网站群演示数据（可重复运行，不会重复创建）。"

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=0, help="另外生成 N 个压测单位，每个约 40 条信息。")
        parser.add_argument(
            "--scale-articles",
            type=int,
            default=None,
            metavar="N",
            help="每个压测单位生成 N 条信息（默认 40 条，逐条发布）。给出本参数时改为批量写入："
            "没有修订版本，也不更新搜索索引，之后请运行 rebuild_search_index。用于 5 万页级的搜索压测。",
        )
        parser.add_argument("--quiet-accounts", action="store_true", help="不打印演示账号。")

    def handle(self, *args, **options):
        if options["scale"] < 0:
            self.stderr.write("--scale 不能为负数。")
            return
        if options["scale_articles"] is not None and options["scale_articles"] < 1:
            self.stderr.write("--scale-articles 至少为 1。")
            return
        self.stdout.write("正在建立演示站群……")
        build_demo(stdout=self.stdout, scale=options["scale"], scale_articles=options["scale_articles"])
        self.stdout.write(self.style.SUCCESS(f"主站：{portal_url()}/   后台：{portal_url()}/admin/"))
        if not options["quiet_accounts"]:
            self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
            for username, display, _label, _role in demo_accounts():
                self.stdout.write(f"  {username:<20} {display}")
