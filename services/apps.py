from django.apps import AppConfig


class ServicesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "services"
    verbose_name = "网上办事"

    def ready(self):
        from django.db.models.signals import post_delete, post_migrate, post_save

        post_migrate.connect(_ensure_groups_after_migrate, sender=self)
        for signal in (post_save, post_delete):
            signal.connect(_calendar_changed, sender="home.WorkdayOverride", weak=False)


def _ensure_groups_after_migrate(**kwargs):
    from services.workflow import ensure_role_groups

    ensure_role_groups()


def _calendar_changed(**kwargs):
    from home.workdays import forget_overrides
    from services.workflow import recompute_open_deadlines

    forget_overrides()
    recompute_open_deadlines()
