import time

from django.core.management.base import BaseCommand

from search.engine import get_backend
from search.indexing import rebuild


class Command(BaseCommand):
    help = "重建站群搜索索引：索引全部已发布的公开页面和已公开的来信，并删除已失效的索引条目。"

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, default=0, help="每索引多少条报告一次进度（默认约 20 次）。")

    def handle(self, *args, **options):
        started = time.monotonic()
        every = max(options["every"], 0)

        def progress(done, total):
            step = every or max(total // 20, 50)
            if done == total or done % step == 0:
                self.stdout.write(f"已索引 {done}/{total}")

        stats = {}
        count = rebuild(progress=progress, stats=stats)
        elapsed = time.monotonic() - started
        if stats.get("elasticsearch_error"):
            self.stderr.write(
                self.style.WARNING(
                    f"Elasticsearch 索引未能重建（{stats['elasticsearch_error']}），搜索暂用数据库索引。"
                )
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"完成：索引共 {count} 条（本次处理 {stats.get('indexed', 0)} 条，删除失效 "
                f"{stats.get('removed', 0)} 条），后端 {get_backend().name}，用时 {elapsed:.1f} 秒。"
            )
        )
