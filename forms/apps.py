from django.apps import AppConfig


class FormsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "forms"
    label = "forms"
    verbose_name = "政民互动"

    def ready(self):
        from django.db.models.signals import post_delete, post_migrate, post_save

        from forms import workflow

        post_migrate.connect(_ensure_roles_after_migrate, sender=self)
        # A changed working-day calendar moves every open clock counted in working days.
        for signal in (post_save, post_delete):
            signal.connect(_calendar_changed, sender="home.WorkdayOverride", weak=False)
        assert workflow  # the rules module is imported at start-up so a broken import fails early


def _ensure_roles_after_migrate(**kwargs):
    from forms.workflow import ensure_role_groups

    ensure_role_groups()


def _calendar_changed(**kwargs):
    from forms.workflow import recompute_open_deadlines
    from home.workdays import forget_overrides

    forget_overrides()
    recompute_open_deadlines()
