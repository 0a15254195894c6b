from django.apps import AppConfig


class HomeConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "home"
    verbose_name = "站群管理"

    def ready(self):
        from django.db.models.signals import post_migrate

        post_migrate.connect(_sync_hostnames_after_migrate, sender=self)

        from django.db.models.signals import post_delete, post_save

        from home.workdays import forget_overrides

        for signal in (post_save, post_delete):
            signal.connect(lambda **kwargs: forget_overrides(), sender="home.WorkdayOverride", weak=False)


def _sync_hostnames_after_migrate(**kwargs):
    from home.services import sync_hostnames

    sync_hostnames()
