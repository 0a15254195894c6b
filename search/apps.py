from django.apps import AppConfig


class SearchConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "search"
    label = "search"
    verbose_name = "站群搜索"

    def ready(self):
        from django.db.models.signals import post_migrate

        from search import signals

        signals.connect()
        post_migrate.connect(_ensure_index_objects, sender=self)


def _ensure_index_objects(using="default", **kwargs):
    # A later migration that rebuilds search_searchdocument on SQLite drops the FTS triggers.
    from search.engine import ensure_index_objects

    ensure_index_objects(using)
