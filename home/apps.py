from django.apps import AppConfig


class HomeConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "home"
    verbose_name = "站群管理"

    def ready(self):
        from django.db.models.signals import post_migrate

        post_migrate.connect(_sync_hostnames_after_migrate, sender=self)


def _sync_hostnames_after_migrate(**kwargs):
    from home.services import sync_hostnames

    sync_hostnames()
